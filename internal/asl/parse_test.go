package asl

import (
	"strings"
	"testing"
)

// diag is an expected diagnostic: code, location and a fragment of the
// message.
type diag struct{ code, loc, msg string }

func TestParseDiagnostics(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		def  string
		want []diag
	}{
		{"empty", ``, []diag{{CodeMissingDescription, "", "null or empty"}}},
		{"not json", `{"StartAt":`, []diag{{CodeInvalidJSON, "", "Invalid JSON"}}},
		{"not an object", `[1]`, []diag{{CodeInvalidJSON, "", "must be a JSON object"}}},
		{"missing start and states", `{}`, []diag{{CodeSchemaValidationFailed, "/", "[StartAt]"}, {CodeSchemaValidationFailed, "/", "[States]"}}},
		{"unknown top-level field", `{"StartAt":"A","Foo":1,"States":{"A":{"Type":"Succeed"}}}`,
			[]diag{{CodeSchemaValidationFailed, "/", "Field 'Foo' is not supported"}}},
		{"missing next target", `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"C":{"Type":"Succeed"}}}`,
			[]diag{{CodeMissingTransitionTarget, "/States/A/Next", "Missing 'Next' target: B"},
				{CodeMissingTransitionTarget, "/States/C", `State "C" is not reachable.`}}},
		{"missing start target", `{"StartAt":"X","States":{"A":{"Type":"Succeed"}}}`,
			[]diag{{CodeMissingTransitionTarget, "/StartAt", "Missing 'Next' target: X"}}},
		{"no terminal state", `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Next":"A"}}}`,
			[]diag{{CodeMissingEndState, "", "Workflow has no terminal state"}}},
		{"unknown type", `{"StartAt":"A","States":{"A":{"Type":"Pas","End":true}}}`,
			[]diag{{CodeSchemaValidationFailed, "/States/A/Type", "should have one of these values"}}},
		{"field not supported on type", `{"StartAt":"A","States":{"A":{"Type":"Pass","End":true,"TimeoutSeconds":3,"Catch":[]}}}`,
			[]diag{{CodeSchemaValidationFailed, "/States/A", "Field 'TimeoutSeconds' is not supported"},
				{CodeSchemaValidationFailed, "/States/A", "Field 'Catch' is not supported"}}},
		{"next and end", `{"StartAt":"A","States":{"A":{"Type":"Pass","End":true,"Next":"B"},"B":{"Type":"Succeed"}}}`,
			[]diag{{CodeSchemaValidationFailed, "/States/A", "Only one of these fields is allowed: [Next, End]"}}},
		{"neither next nor end", `{"StartAt":"A","States":{"A":{"Type":"Pass"},"B":{"Type":"Succeed"}}}`,
			[]diag{{CodeSchemaValidationFailed, "/States/A", "[Next or End]"}}},
		{"bad json path", `{"StartAt":"A","States":{"A":{"Type":"Pass","InputPath":"foo","End":true}}}`,
			[]diag{{CodeSchemaValidationFailed, "/States/A/InputPath", "valid JSONPath"}}},
		{"result path must be a reference path", `{"StartAt":"A","States":{"A":{"Type":"Pass","ResultPath":"$.a[*]","End":true}}}`,
			[]diag{{CodeSchemaValidationFailed, "/States/A/ResultPath", "ReferencePath"}}},
		{"bad template value", `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"x.$":1},"End":true}}}`,
			[]diag{{CodeSchemaValidationFailed, "/States/A/Parameters/x.$", "must be a STRING"}}},
		{"bad intrinsic", `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"x.$":"States.Nope(1)"},"End":true}}}`,
			[]diag{{CodeSchemaValidationFailed, "/States/A/Parameters/x.$", "valid JSONPath or a valid intrinsic"}}},
		{"state name too long", `{"StartAt":"` + strings.Repeat("a", 81) + `","States":{"` + strings.Repeat("a", 81) + `":{"Type":"Succeed"}}}`,
			[]diag{{CodeInvalidStateName, "/States/" + strings.Repeat("a", 81), "longer than 80"}}},
		{"duplicate state name", `{"StartAt":"A","States":{"A":{"Type":"Succeed"},"A":{"Type":"Succeed"}}}`,
			[]diag{{CodeDuplicateStateName, "/States/A", "Duplicate State name: A"}}},
		{"duplicate across branches", `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
			{"StartAt":"X","States":{"X":{"Type":"Succeed"}}},{"StartAt":"X","States":{"X":{"Type":"Succeed"}}}]}}}`,
			[]diag{{CodeDuplicateStateName, "/States/P/Branches[1]/States/X", "Duplicate State name: X"}}},
		{"transition out of a branch", `{"StartAt":"P","States":{"P":{"Type":"Parallel","Next":"Done","Branches":[
			{"StartAt":"X","States":{"X":{"Type":"Pass","Next":"Done"}}}]},"Done":{"Type":"Succeed"}}}`,
			[]diag{{CodeMissingTransitionTarget, "/States/P/Branches[0]/States/X/Next", "Missing 'Next' target: Done"},
				{CodeMissingEndState, "", "no terminal state"}}},
		{"states.all not alone", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::http:invoke","End":true,
			"Retry":[{"ErrorEquals":["States.ALL","X"]}]}}}`,
			[]diag{{CodeSchemaValidationFailed, "/States/T/Retry[0]/ErrorEquals", "must appear alone"}}},
		{"states.all not last", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::http:invoke","End":true,
			"Catch":[{"ErrorEquals":["States.ALL"],"Next":"F"},{"ErrorEquals":["X"],"Next":"F"}]},"F":{"Type":"Fail"}}}`,
			[]diag{{CodeSchemaValidationFailed, "/States/T/Catch[0]", "must be the last one"}}},
		{"retrier fields", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::http:invoke","End":true,
			"Retry":[{"ErrorEquals":["X"],"BackoffRate":0.5,"IntervalSeconds":0,"JitterStrategy":"SOME"}]}}}`,
			[]diag{{CodeSchemaValidationFailed, "/States/T/Retry[0]/IntervalSeconds", "between 1 and"},
				{CodeSchemaValidationFailed, "/States/T/Retry[0]/BackoffRate", "greater than or equal to 1.0"},
				{CodeSchemaValidationFailed, "/States/T/Retry[0]/JitterStrategy", "[FULL, NONE]"}}},
		{"invalid resource", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"lambda","End":true}}}`,
			[]diag{{CodeInvalidResource, "/States/T/Resource", "not a valid resource ARN"}}},
		{"wait needs one field", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"SecondsPath":"$.s","End":true}}}`,
			[]diag{{CodeSchemaValidationFailed, "/States/W", "exactly one of these fields"}}},
		{"wait bad timestamp", `{"StartAt":"W","States":{"W":{"Type":"Wait","Timestamp":"2016-03-14 01:59:00Z","End":true}}}`,
			[]diag{{CodeSchemaValidationFailed, "/States/W/Timestamp", "ISO-8601"}}},
		{"choice rule without next", `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.a","IsPresent":true}],"Default":"D"},"D":{"Type":"Succeed"}}}`,
			[]diag{{CodeSchemaValidationFailed, "/States/C/Choices[0]", "[Next]"}}},
		{"choice operand type", `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.a","NumericEquals":"1","Next":"D"}]},"D":{"Type":"Succeed"}}}`,
			[]diag{{CodeSchemaValidationFailed, "/States/C/Choices[0]/NumericEquals", "must be a NUMBER"}}},
		{"choice two operators", `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.a","IsNull":true,"IsString":true,"Next":"D"}]},"D":{"Type":"Succeed"}}}`,
			[]diag{{CodeSchemaValidationFailed, "/States/C/Choices[0]", "exactly one comparison operator"}}},
		{"nested rule with next", `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Not":{"Variable":"$.a","IsNull":true,"Next":"D"},"Next":"D"}]},"D":{"Type":"Succeed"}}}`,
			[]diag{{CodeSchemaValidationFailed, "/States/C/Choices[0]/Not", "'Next' is not supported in a nested"}}},
		{"map s3 reader", `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemReader":{"Resource":"arn:aws:states:::s3:getObject"},
			"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Succeed"}}}}}}`,
			[]diag{{CodeSchemaValidationFailed, "/States/M/ItemReader", "Sluice has no S3"}}},
		{"jsonpath field in jsonata state", `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","InputPath":"$.a","End":true}}}`,
			[]diag{{CodeSchemaValidationFailed, "/States/A", "field 'InputPath' is only supported for the 'JSONPath' QueryLanguage"}}},
		{"invalid jsonata", `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":{"x":"{% $states.input. %}"},"End":true}}}`,
			[]diag{{CodeSchemaValidationFailed, "/States/A/Output/x", "The JSONata expression '$states.input.' specified for the field 'Output/x' is invalid"}}},
		{"jsonata rule without condition", `{"QueryLanguage":"JSONata","StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Next":"D"}]},"D":{"Type":"Succeed"}}}`,
			[]diag{{CodeSchemaValidationFailed, "/States/C/Choices[0]", "[Condition]"}}},
		{"jsonpath rule in jsonata state", `{"QueryLanguage":"JSONata","StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.a","Condition":true,"Next":"D"}]},"D":{"Type":"Succeed"}}}`,
			[]diag{{CodeSchemaValidationFailed, "/States/C/Choices[0]", "field 'Variable' is only supported for the 'JSONPath' QueryLanguage"}}},
		{"bad variable name", `{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"1x":1},"End":true}}}`,
			[]diag{{CodeSchemaValidationFailed, "/States/A/Assign/1x", "The variable name '1x' is invalid"}}},
		{"reserved variable name", `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"states":1},"End":true}}}`,
			[]diag{{CodeSchemaValidationFailed, "/States/A/Assign/states", "reserved"}}},
		{"jsonata-only field", `{"StartAt":"A","States":{"A":{"Type":"Pass","Output":{},"End":true}}}`,
			[]diag{{CodeSchemaValidationFailed, "/States/A", "only supported for the 'JSONata' QueryLanguage"}}},
		{"heartbeat not below timeout", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::http:invoke","End":true,"TimeoutSeconds":5,"HeartbeatSeconds":5}}}`,
			[]diag{{CodeSchemaValidationFailed, "/States/T/HeartbeatSeconds", "smaller than TimeoutSeconds"}}},
		{"map processor query language", `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemProcessor":{"QueryLanguage":"JSONPath","StartAt":"P","States":{"P":{"Type":"Succeed"}}}}}}`,
			[]diag{{CodeSchemaValidationFailed, "/States/M/ItemProcessor", "Field 'QueryLanguage' is not supported"}}},
		{"distributed needs execution type", `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED"},"StartAt":"P","States":{"P":{"Type":"Succeed"}}}}}}`,
			[]diag{{CodeSchemaValidationFailed, "/States/M/ItemProcessor/ProcessorConfig", "[ExecutionType]"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			def, diags := Parse([]byte(tc.def))
			if def != nil {
				t.Fatalf("Parse accepted an invalid definition")
			}
			for _, w := range tc.want {
				found := false
				for _, d := range diags {
					if d.Code == w.code && d.Location == w.loc && strings.Contains(d.Message, w.msg) {
						found = true
					}
				}
				if !found {
					t.Errorf("missing diagnostic %s at %q containing %q; got:\n%s", w.code, w.loc, w.msg, formatDiags(diags))
				}
			}
			if len(diags) != len(tc.want) {
				t.Errorf("got %d diagnostics, want %d:\n%s", len(diags), len(tc.want), formatDiags(diags))
			}
		})
	}
}

func formatDiags(ds Diagnostics) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString("  " + d.String() + "\n")
	}
	return b.String()
}

func TestParseValid(t *testing.T) {
	t.Parallel()
	def := MustParse(`{
	  "Comment": "c", "Version": "1.0", "TimeoutSeconds": 60,
	  "StartAt": "P",
	  "States": {
	    "P": {"Type": "Pass", "Parameters": {"a.$": "$.x", "b": [{"c.$": "$$.Execution.Id"}], "k": 1}, "ResultPath": "$.r", "Next": "C"},
	    "C": {"Type": "Choice", "Choices": [
	        {"Variable": "$.r.a", "NumericGreaterThanEquals": 1, "Next": "W"},
	        {"And": [{"Variable": "$.s", "IsPresent": true}, {"Not": {"Variable": "$.s", "StringMatches": "a*"}}], "Next": "M"}],
	      "Default": "F"},
	    "W": {"Type": "Wait", "SecondsPath": "$.r.a", "Next": "M"},
	    "M": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 2, "Iterator": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}},
	      "Parameters": {"v.$": "$$.Map.Item.Value"}, "Next": "T"},
	    "T": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke", "TimeoutSecondsPath": "$.t",
	      "Retry": [{"ErrorEquals": ["States.Timeout"], "MaxAttempts": 0}, {"ErrorEquals": ["States.ALL"], "JitterStrategy": "FULL", "MaxDelaySeconds": 5}],
	      "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "F"}], "End": true},
	    "F": {"Type": "Fail", "ErrorPath": "$.error.Error", "CausePath": "States.Format('{}', $.error.Cause)"}
	  }
	}`)
	if def.TimeoutSeconds != 60 || def.Start.Name != "P" || len(def.States) != 6 {
		t.Fatalf("unexpected definition: %+v", def)
	}
	p := def.State("P")
	if !p.UsesContext || p.NextState != def.State("C") || p.ResultPath.Path.String() != "$.r" {
		t.Errorf("state P parsed wrong: %+v", p)
	}
	m := def.State("M")
	if m.ItemSelector == nil || m.Parameters != nil || !m.ItemSelector.UsesContext() || m.MaxConcurrency != 2 || m.ItemProcessor.Start.Name != "I" {
		t.Errorf("Map with deprecated Iterator/Parameters parsed wrong: %+v", m)
	}
	tk := def.State("T")
	if len(tk.Retry) != 2 || tk.Retry[0].MaxAttempts != 0 || tk.Retry[1].MaxAttempts != 3 || tk.Retry[1].BackoffRate != 2 ||
		tk.Retry[1].IntervalSeconds != 1 || tk.Retry[1].JitterStrategy != "FULL" || tk.Catch[0].NextState != def.State("F") {
		t.Errorf("retriers/catchers parsed wrong: %+v %+v", tk.Retry[1], tk.Catch[0])
	}
	if def.State("C").Choices[1].And[1].Not.Op != OpStringMatches {
		t.Errorf("nested choice rule parsed wrong")
	}
}
