package asl

import (
	"testing"

	"github.com/sluice-run/sluice/internal/asl/jsonpath"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// FuzzParse feeds arbitrary definitions to the parser: it must never
// panic, must report at least one error for what it rejects, and what it
// accepts must be linked (every transition resolved).
func FuzzParse(f *testing.F) {
	seeds := []string{
		`{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`,
		`{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.a","NumericEquals":1,"Next":"D"},{"And":[{"Variable":"$.b","IsPresent":true}],"Next":"D"}],"Default":"D"},"D":{"Type":"Succeed"}}}`,
		`{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.x","ItemSelector":{"v.$":"$$.Map.Item.Value"},"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`,
		`{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"X","States":{"X":{"Type":"Wait","Seconds":1,"End":true}}}],"Next":"F"},"F":{"Type":"Fail","ErrorPath":"$.e"}}}`,
		`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::http:invoke","Parameters":{"a.$":"States.Format('{}',$.x)"},"Retry":[{"ErrorEquals":["States.ALL"]}],"Catch":[{"ErrorEquals":["X"],"Next":"T"}],"End":true}}}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		def, diags := Parse(data)
		if def == nil {
			if !diags.HasErrors() {
				t.Fatalf("rejected without an error diagnostic: %s", data)
			}
			return
		}
		var check func(d *Definition)
		check = func(d *Definition) {
			if d.Start == nil {
				t.Fatalf("accepted definition has no start state: %s", data)
			}
			for _, s := range d.States {
				if s.Next != "" && s.NextState == nil {
					t.Fatalf("unresolved Next %q: %s", s.Next, data)
				}
				for _, b := range s.Branches {
					check(b)
				}
				if s.ItemProcessor != nil {
					check(s.ItemProcessor)
				}
				// Evaluating what was compiled must not panic either.
				env := &jsonpath.Env{Input: jsonvalue.MustParse(`{"a":1,"x":[1,2],"e":"E"}`)}
				if s.Parameters != nil {
					_, _ = s.Parameters.Eval(env, fixedRand{})
				}
				for _, c := range s.Choices {
					_, _ = c.Match(env)
				}
			}
		}
		check(def)
	})
}

type fixedRand struct{}

func (fixedRand) Uint64() uint64 { return 4 }
