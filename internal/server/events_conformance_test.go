package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/smithy-go"

	"github.com/sluice-run/sluice/internal/conformance"
	"github.com/sluice-run/sluice/internal/pattern"
	"github.com/sluice-run/sluice/internal/server/servertest"
)

// eventPatternCase is one line of event-patterns.jsonl (see
// ../shared/conformance/README.md).
type eventPatternCase struct {
	Name         string          `json:"name"`
	Event        json.RawMessage `json:"event"`
	Pattern      json.RawMessage `json:"pattern"`
	PatternText  *string         `json:"pattern_text"`
	Expect       string          `json:"expect"`
	ErrorMessage *string         `json:"error_message"`
}

// patternString is the pattern as the client sends it: the raw text when
// the case has one (it holds a duplicate key), else the JSON as recorded.
func (c *eventPatternCase) patternString() string {
	if c.PatternText != nil {
		return *c.PatternText
	}
	return string(c.Pattern)
}

// TestEventPatternConformanceThroughAPI runs the event pattern cases
// recorded from AWS through the EventBridge TestEventPattern operation of a
// real server, with the AWS SDK for Go, and compares the result or the
// InvalidEventPatternException and its message.
func TestEventPatternConformanceThroughAPI(t *testing.T) {
	t.Parallel()
	cases, err := conformance.ReadLines[eventPatternCase]("event-patterns.jsonl")
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("conformance cases not present (../shared/conformance); skipping")
	}
	if err != nil {
		t.Fatal(err)
	}
	srv := servertest.Start(t)
	eb := servertest.EventBridge(srv)
	ctx := context.Background()
	pass := 0
	for _, c := range cases {
		ok := t.Run(c.Name, func(t *testing.T) {
			out, err := eb.TestEventPattern(ctx, &eventbridge.TestEventPatternInput{
				EventPattern: aws.String(c.patternString()),
				Event:        aws.String(string(c.Event)),
			})
			if c.Expect == "error" {
				var ae smithy.APIError
				if !errors.As(err, &ae) {
					t.Fatalf("want InvalidEventPatternException, got result %+v (err %v)", out, err)
				}
				if ae.ErrorCode() != "InvalidEventPatternException" {
					t.Fatalf("error %s: %s, want InvalidEventPatternException", ae.ErrorCode(), ae.ErrorMessage())
				}
				want := ""
				if c.ErrorMessage != nil {
					want = *c.ErrorMessage
				} else if _, err := pattern.Compile([]byte(c.patternString())); err != nil {
					// No message was recorded: the API must still answer
					// with the library's message as it stands, which is
					// EventBridge's whole message (not prefixed twice).
					want = err.Error()
				}
				if want != "" && ae.ErrorMessage() != want {
					t.Fatalf("message %q\n want %q", ae.ErrorMessage(), want)
				}
				return
			}
			if err != nil {
				t.Fatalf("TestEventPattern: %v", err)
			}
			if want := c.Expect == "match"; out.Result != want {
				t.Fatalf("Result = %v, want %v", out.Result, want)
			}
		})
		if ok {
			pass++
		}
	}
	t.Logf("%d of %d event pattern conformance cases pass through TestEventPattern", pass, len(cases))
}
