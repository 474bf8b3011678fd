package pattern

import (
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/sluice-run/sluice/internal/conformance"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// patternCase is one line of event-patterns.jsonl.
type patternCase struct {
	Name         string          `json:"name"`
	Event        json.RawMessage `json:"event"`
	Pattern      json.RawMessage `json:"pattern"`
	PatternText  *string         `json:"pattern_text"`
	Expect       string          `json:"expect"`
	ErrorMessage *string         `json:"error_message"`
}

func (c *patternCase) patternBytes() []byte {
	if c.PatternText != nil {
		return []byte(*c.PatternText)
	}
	return c.Pattern
}

func TestConformance(t *testing.T) {
	t.Parallel()
	cases, err := conformance.ReadLines[patternCase]("event-patterns.jsonl")
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("conformance cases not present (../shared/conformance); skipping")
	}
	if err != nil {
		t.Fatal(err)
	}
	pass := 0
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			p, err := Compile(c.patternBytes())
			if c.Expect == "error" {
				var pe *Error
				if !errors.As(err, &pe) {
					t.Fatalf("want an InvalidEventPatternException, got pattern compiled (err %v)", err)
				}
				if c.ErrorMessage != nil && pe.Message != *c.ErrorMessage {
					t.Fatalf("message %q, want %q", pe.Message, *c.ErrorMessage)
				}
				pass++
				return
			}
			if err != nil {
				t.Fatalf("compile: %v", err)
			}
			want := c.Expect == "match"
			got, err := p.MatchBytes(c.Event)
			if err != nil {
				t.Fatalf("MatchBytes: %v", err)
			}
			if got != want {
				t.Fatalf("MatchBytes = %v, want %v", got, want)
			}
			ev, err := jsonvalue.Parse(c.Event)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Match(ev); got != want {
				t.Fatalf("Match = %v, want %v", got, want)
			}
			m := NewMatcher()
			if err := m.Add("r", c.patternBytes()); err != nil {
				t.Fatal(err)
			}
			ids, err := m.MatchBytes(c.Event)
			if err != nil {
				t.Fatal(err)
			}
			if (len(ids) == 1) != want {
				t.Fatalf("Matcher.MatchBytes = %v, want match %v", ids, want)
			}
			pass++
		})
	}
	t.Logf("%d of %d conformance cases pass", pass, len(cases))
}
