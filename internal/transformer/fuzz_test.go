package transformer

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// FuzzCompileApply compiles arbitrary settings and applies them to an
// arbitrary event. Nothing may panic; Compile fails only with *Error; Apply
// fails only with ErrInvalidJSON or ErrPathNotFound; a JSON template
// renders valid, minified JSON.
func FuzzCompileApply(f *testing.F) {
	f.Add(0, `"instance <instance> is in <state>"`, "instance=$.detail.instance-id\nstate=$.detail.state", ec2Event)
	f.Add(0, `{"a": <a>, "b": "<b> <aws.events.event>", "c": <aws.events.event.json>}`, "a=$.detail\nb=$.resources[*]", ec2Event)
	f.Add(0, `{"v": "\"<a>\\", "w": [<a>, <aws.events.rule-arn>]}`, "a=$.x", `{"x":"q\"\n"}`)
	f.Add(1, `{"a": [1, 2]}`, "", `{}`)
	f.Add(1, `env:dev`, "", `{}`)
	f.Add(2, `$.detail..id`, "", `{"detail":{"a":{"id":1}}}`)
	f.Add(2, `$.a[?(@.b > 1)]`, "", `{"a":[{"b":2}]}`)
	f.Add(3, `<a<b> <> <a`, "a=$\nb=$..*", `[1, {"a": null}]`)
	f.Fuzz(func(t *testing.T, mode int, text, paths, event string) {
		ev, err := jsonvalue.ParseString(event)
		if err != nil {
			return
		}
		var spec Spec
		switch mode & 3 {
		case 1:
			spec.Input = &text
		case 2:
			spec.InputPath = &text
		default:
			spec.InputTemplate = &text
			spec.InputPathsMap = map[string]string{}
			for _, line := range strings.Split(paths, "\n") {
				k, v, _ := strings.Cut(line, "=")
				spec.InputPathsMap[k] = v
			}
		}
		tr, err := Compile(spec)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Message == "" {
				t.Fatalf("Compile error %T %v is not an *Error", err, err)
			}
			return
		}
		ctx := Context{RuleArn: "arn:aws:events:us-east-1:123456789012:rule/r", RuleName: "r", IngestionTime: time.Unix(1, 5e6)}
		for _, raw := range [][]byte{nil, []byte(event)} {
			out, err := tr.Apply(ev, raw, ctx)
			if err != nil {
				if !errors.Is(err, ErrInvalidJSON) && !errors.Is(err, ErrPathNotFound) {
					t.Fatalf("Apply error %v wraps neither ErrInvalidJSON nor ErrPathNotFound", err)
				}
				continue
			}
			if out == nil {
				t.Fatalf("Apply returned nil without an error")
			}
			if tr.Kind() == KindTemplate && tr.json {
				v, err := jsonvalue.Parse(out)
				if err != nil {
					t.Fatalf("JSON template rendered invalid JSON %q: %v", out, err)
				}
				if string(jsonvalue.Append(nil, v)) != string(out) {
					t.Fatalf("JSON template output %q is not minified", out)
				}
			}
		}
	})
}
