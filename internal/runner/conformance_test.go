package runner_test

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sluice-run/sluice/internal/asl"
	"github.com/sluice-run/sluice/internal/conformance"
	"github.com/sluice-run/sluice/internal/interp"
	"github.com/sluice-run/sluice/internal/jsonvalue"
	"github.com/sluice-run/sluice/internal/runner"
)

// TestConformanceASL runs every recorded JSONPath execution through the
// interpreter and compares status, output or error, and the sequence of
// history event types.
func TestConformanceASL(t *testing.T) {
	t.Parallel()
	cases, err := conformance.ReadLines[conformance.ASLCase]("asl-executions.jsonl")
	if err != nil {
		t.Skipf("conformance cases not available (../shared/conformance is absent in users' clones): %v", err)
	}
	// Counts by query language: [0] JSONPath only, [1] JSONata or
	// workflow variables.
	var passed, total [2]atomic.Int64
	t.Run("cases", func(t *testing.T) {
		for _, c := range cases {
			k := 0
			if c.UsesJSONata() {
				k = 1
			}
			total[k].Add(1)
			t.Run(c.Name, func(t *testing.T) {
				if why, ok := conformance.RecordingArtifacts[c.Name]; ok {
					t.Skip(why)
				}
				t.Cleanup(func() {
					if !t.Failed() && !t.Skipped() {
						passed[k].Add(1)
					}
				})
				runASLCase(t, c)
			})
		}
	})
	t.Logf("ASL conformance through the interpreter: JSONPath %d/%d, JSONata and variables %d/%d cases pass",
		passed[0].Load(), total[0].Load(), passed[1].Load(), total[1].Load())
}

var caseParam = regexp.MustCompile(`\[([^\[\]]*)\]$`)

// input decodes a case's input. The recordings replaced timestamps in
// inputs with placeholders; they are put back: "<timestamp>" becomes a time
// a few seconds ahead with the suffix the case's parameter names (the
// recorded tests append it to a zone-less time), and the bare words "date"
// and "timestamp" become the value a failed case's cause quotes after
// "== ", or a valid time when it succeeded.
func input(t *testing.T, c conformance.ASLCase, now time.Time) jsonvalue.Value {
	raw := string(c.Input)
	if strings.Contains(raw, `"date"`) || strings.Contains(raw, `"timestamp"`) {
		val := now.Add(2 * time.Second).UTC().Format(time.RFC3339)
		if c.Cause != nil {
			if i := strings.LastIndex(*c.Cause, " == "); i >= 0 {
				val = (*c.Cause)[i+4:]
			} else if i := strings.LastIndex(*c.Cause, "string: "); i >= 0 {
				val = (*c.Cause)[i+8:]
			}
		}
		b, _ := json.Marshal(val)
		raw = strings.ReplaceAll(strings.ReplaceAll(raw, `"date"`, string(b)), `"timestamp"`, string(b))
	}
	if strings.Contains(raw, "<timestamp>") {
		suffix := "Z"
		if m := caseParam.FindStringSubmatch(c.Name); m != nil && regexp.MustCompile(`^[0-9.Z:+-]*$`).MatchString(m[1]) {
			suffix = m[1]
		}
		raw = strings.ReplaceAll(raw, "<timestamp>", now.Add(2*time.Second).UTC().Format("2006-01-02T15:04:05")+suffix)
	}
	v, err := conformance.Document([]byte(raw))
	if err != nil {
		t.Fatalf("input: %v", err)
	}
	return v
}

func runASLCase(t *testing.T, c conformance.ASLCase) {
	t.Parallel()
	def, diags := asl.Parse(c.Definition)
	if def == nil {
		t.Fatalf("definition rejected: %s", diags.Error())
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	var types []string
	r := runner.Runner{OnEvent: func(ev interp.Event) { types = append(types, string(ev.Type)) }}
	opts := interp.Options{
		ExecutionArn:     "arn:aws:states:us-east-1:111111111111:execution:sm:exec",
		Name:             "exec",
		StateMachineArn:  "arn:aws:states:us-east-1:111111111111:stateMachine:sm",
		StateMachineName: "sm",
		RoleArn:          "arn:aws:iam::111111111111:role/sfn",
		StartTime:        now,
		Seed:             1,
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	x, err := r.Run(ctx, def, input(t, c, now), opts)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if string(x.Status()) != c.Status {
		name, _, cause, _ := x.Error()
		t.Fatalf("status %s (error %q, cause %q, output %s), want %s", x.Status(), name, cause, jsonvalue.Marshal(x.Output()), c.Status)
	}
	switch c.Status {
	case "SUCCEEDED":
		want, err := conformance.Document(c.Output)
		if err != nil {
			t.Fatalf("recorded output: %v", err)
		}
		if !conformance.Match(want, x.Output()) {
			t.Errorf("output\n got %s\nwant %s", jsonvalue.Marshal(x.Output()), jsonvalue.Marshal(want))
		}
	case "FAILED":
		name, hasName, cause, hasCause := x.Error()
		if (c.Error != nil) != hasName || (c.Error != nil && *c.Error != name) {
			t.Errorf("error %q (present %v), want %v", name, hasName, deref(c.Error))
		}
		if (c.Cause != nil) != hasCause || (c.Cause != nil && !conformance.MatchString(*c.Cause, cause)) {
			t.Errorf("cause\n got %q (present %v)\nwant %q", cause, hasCause, deref(c.Cause))
		}
	}
	want := c.EventTypes
	if len(want) > 0 && strings.HasPrefix(want[0], "Execution") && want[0] != "ExecutionStarted" {
		// The case read the history with reverseOrder.
		want = slices.Clone(want)
		slices.Reverse(want)
	}
	if strings.Join(types, ",") != strings.Join(want, ",") {
		t.Errorf("event types\n got %v\nwant %v", types, want)
	}
}

func deref(s *string) string {
	if s == nil {
		return "<absent>"
	}
	return *s
}
