package interp_test

import (
	"context"
	"strings"
	"testing"

	"github.com/sluice-run/sluice/internal/asl"
	"github.com/sluice-run/sluice/internal/interp"
	"github.com/sluice-run/sluice/internal/jsonvalue"
	"github.com/sluice-run/sluice/internal/runner"
)

// TestJSONataStates runs JSONata states and workflow variables through the
// interpreter: each case checks the output or the error a user would see.
func TestJSONataStates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, def, input, output, errName, cause string
	}{
		{"pass output and states.input",
			`{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":{"sum":"{% $sum($states.input.n) %}","lit":" {% not %} "},"End":true}}}`,
			`{"n":[1,2,3]}`, `{"sum":6,"lit":" {% not %} "}`, "", ""},
		{"assign then read in a later state",
			`{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"x":"{% $states.input.v * 2 %}"},"Next":"B"},"B":{"Type":"Pass","Output":"{% $x + 1 %}","End":true}}}`,
			`{"v":20}`, `41`, "", ""},
		{"assign and output see the old values",
			`{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"x":1},"Next":"B"},"B":{"Type":"Pass","Assign":{"x":2},"Output":"{% $x %}","End":true}}}`,
			`{}`, `1`, "", ""},
		{"jsonpath assign read by a jsonata state",
			`{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"a":5},"Assign":{"v.$":"$.a","c":"lit"},"Next":"B"},"B":{"Type":"Pass","QueryLanguage":"JSONata","Output":"{% $v & $c %}","End":true}}}`,
			`{}`, `"5lit"`, "", ""},
		{"variables in jsonpath paths",
			`{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"list":[1,2,3]},"Next":"B"},"B":{"Type":"Pass","InputPath":"$list[1]","End":true}}}`,
			`{}`, `2`, "", ""},
		{"choice rule assign adds to the state's and output wins",
			`{"QueryLanguage":"JSONata","StartAt":"C","States":{"C":{"Type":"Choice","Assign":{"who":"state","always":1},"Output":"state","Choices":[{"Condition":"{% $states.input.ok %}","Assign":{"who":"rule"},"Output":{"o":"rule"},"Next":"D"}],"Default":"D"},"D":{"Type":"Pass","Output":{"who":"{% $who %}","always":"{% $always %}","in":"{% $states.input %}"},"End":true}}}`,
			`{"ok":true}`, `{"who":"rule","always":1,"in":{"o":"rule"}}`, "", ""},
		{"choice default uses the state's",
			`{"QueryLanguage":"JSONata","StartAt":"C","States":{"C":{"Type":"Choice","Assign":{"who":"state"},"Choices":[{"Condition":"{% $states.input.ok %}","Assign":{"who":"rule"},"Next":"D"}],"Default":"D"},"D":{"Type":"Pass","Output":"{% $who %}","End":true}}}`,
			`{"ok":false}`, `"state"`, "", ""},
		{"non-boolean condition",
			`{"QueryLanguage":"JSONata","StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Condition":"{% $states.input.n %}","Next":"D"}],"Default":"D"},"D":{"Type":"Succeed"}}}`,
			`{"n":3}`, "", "States.QueryEvaluationError", "The Condition field must evaluate to a boolean but was: 3"},
		{"undefined result",
			`{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":{"x":"{% $nothing %}"},"End":true}}}`,
			`{}`, "", "States.QueryEvaluationError", "The JSONata expression '$nothing' specified for the field 'Output/x' returned nothing (undefined)."},
		{"evaluation error",
			`{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":"{% 1 + 'a' %}","End":true}}}`,
			`{}`, "", "States.QueryEvaluationError", `The right side of the "+" operator must evaluate to a number`},
		{"eval is not available",
			`{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":"{% $eval('1') %}","End":true}}}`,
			`{}`, "", "States.QueryEvaluationError", "Attempted to invoke a non-function"},
		{"step functions functions",
			`{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":{"p":"{% $partition([1,2,3], 2) %}","j":"{% $parse('{\"a\":1}') %}"},"End":true}}}`,
			`{}`, `{"p":[[1,2],[3]],"j":{"a":1}}`, "", ""},
		{"map items, item selector and scoped variables",
			`{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"k":10},"Next":"M"},"M":{"Type":"Map","Items":"{% $states.input.xs %}","ItemSelector":{"v":"{% $states.context.Map.Item.Value %}","i":"{% $states.context.Map.Item.Index %}"},
				"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","Assign":{"k":0},"Output":"{% $states.input.v * $k + $states.input.i %}","End":true}}},"Next":"B"},"B":{"Type":"Pass","Output":{"r":"{% $states.input %}","k":"{% $k %}"},"End":true}}}`,
			`{"xs":[1,2,3]}`, `{"r":[10,21,32],"k":10}`, "", ""},
		{"map items must be an array",
			`{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","Items":"{% $states.input.x %}","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Succeed"}}},"End":true}}}`,
			`{"x":"s"}`, "", "States.QueryEvaluationError", `Map state input must be an array but was: "s"`},
		{"parallel result and output",
			`{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Parallel","Arguments":{"a":"{% $states.input.a %}"},"Branches":[{"StartAt":"B1","States":{"B1":{"Type":"Pass","Output":"{% $states.input.a + 1 %}","End":true}}},{"StartAt":"B2","States":{"B2":{"Type":"Pass","End":true}}}],
				"Output":{"res":"{% $states.result %}"},"End":true}}}`,
			`{"a":1}`, `{"res":[2,{"a":1}]}`, "", ""},
		{"catch output and assign",
			`{"QueryLanguage":"JSONata","StartAt":"F","States":{"F":{"Type":"Parallel","Branches":[{"StartAt":"X","States":{"X":{"Type":"Fail","Error":"Boom","Cause":"{% 'c' & $states.input.n %}"}}}],
				"Catch":[{"ErrorEquals":["States.ALL"],"Assign":{"e":"{% $states.errorOutput.Error %}"},"Output":{"cause":"{% $states.errorOutput.Cause %}"},"Next":"D"}],"End":true},"D":{"Type":"Pass","Output":{"e":"{% $e %}","in":"{% $states.input %}"},"End":true}}}`,
			`{"n":7}`, `{"e":"Boom","in":{"cause":"c7"}}`, "", ""},
		{"a failing catcher fails the state without looping",
			`{"QueryLanguage":"JSONata","StartAt":"F","States":{"F":{"Type":"Parallel","Branches":[{"StartAt":"X","States":{"X":{"Type":"Fail","Error":"Boom"}}}],
				"Catch":[{"ErrorEquals":["States.ALL"],"Output":"{% $nothing %}","Next":"D"}],"End":true},"D":{"Type":"Succeed"}}}`,
			`{}`, "", "States.QueryEvaluationError", "returned nothing (undefined)"},
		{"wait seconds from an expression",
			`{"QueryLanguage":"JSONata","StartAt":"W","States":{"W":{"Type":"Wait","Seconds":"{% $states.input.s %}","Output":"{% $states.input.s %}","End":true}}}`,
			`{"s":2}`, `2`, "", ""},
		{"fail error and cause from expressions",
			`{"QueryLanguage":"JSONata","StartAt":"F","States":{"F":{"Type":"Fail","Error":"{% 'E' & $states.input.n %}","Cause":"{% 'c' %}"}}}`,
			`{"n":1}`, "", "E1", "c"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			x, _ := run(t, tc.def, tc.input, nil)
			if tc.errName == "" {
				wantOutput(t, x, tc.output)
				return
			}
			wantError(t, x, tc.errName, tc.cause)
		})
	}
}

// TestJSONataHistory checks the events JSONata adds: EvaluationFailed
// before a failure, and assignedVariables on the exit event.
func TestJSONataHistory(t *testing.T) {
	t.Parallel()
	_, types := run(t, `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"r":"{% $nope %}"},"End":true}}}`, `{}`, nil)
	if got := strings.Join(types, ","); got != "ExecutionStarted,PassStateEntered,EvaluationFailed,ExecutionFailed" {
		t.Errorf("event types %s", got)
	}
	d := asl.MustParse(`{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"a":1,"b.$":"$.x"},"End":true}}}`)
	var exited string
	r := runner.Runner{OnEvent: func(ev interp.Event) {
		if ev.Type == "PassStateExited" {
			exited = string(ev.AppendAWSJSON(nil, true))
		}
	}}
	if _, err := r.Run(context.Background(), d, jsonvalue.MustParse(`{"x":"y"}`), opts()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(exited, `"assignedVariables":{"a":"1","b":"\"y\""},"assignedVariablesDetails":{"truncated":false}`) {
		t.Errorf("PassStateExited = %s", exited)
	}
}
