package transformer

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

func ptr(s string) *string { return &s }

// ec2Event is the example event of the EventBridge User Guide page
// "Amazon EventBridge input transformation".
const ec2Event = `{
  "version": "0",
  "id": "7bf73129-1428-4cd3-a780-95db273d1602",
  "detail-type": "EC2 Instance State-change Notification",
  "source": "aws.ec2",
  "account": "123456789012",
  "time": "2015-11-11T21:29:54Z",
  "region": "us-east-1",
  "resources": [
    "arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"
  ],
  "detail": {
    "instance-id": "i-0123456789",
    "state": "RUNNING"
  }
}`

// ec2Paths is the guide's Input Path for ec2Event.
var ec2Paths = map[string]string{
	"timestamp": "$.time",
	"instance":  "$.detail.instance-id",
	"state":     "$.detail.state",
	"resource":  "$.resources[0]",
}

// ec2Context is the rule of the guide's examples.
var ec2Context = Context{
	RuleArn:       "arn:aws:events:us-east-2:123456789012:rule/example",
	RuleName:      "example",
	IngestionTime: time.Date(2015, 11, 11, 21, 29, 55, 0, time.UTC),
}

// recordedEvent is the event of the EventBridge input tests LocalStack
// recorded against AWS (tests/aws/services/events/test_events_inputs.py),
// with the time its snapshots mask filled in.
const recordedEvent = `{"version":"0","id":"4d5f8ad2-3a1c-4c58-a2e1-2b0a3b7d8e6f","detail-type":"core.update-account-command","source":"core.update-account-command","account":"111111111111","time":"2024-06-11T08:33:10Z","region":"us-east-1","resources":[],"detail":{"command":"update-account","payload":{"acc_id":"0a787ecb-4015","sf_id":"baz"}}}`

var recordedContext = Context{
	RuleArn:       "arn:aws:events:us-east-1:111111111111:rule/test-bus/test-rule",
	RuleName:      "test-rule",
	IngestionTime: time.Date(2024, 6, 11, 8, 33, 10, 0, time.UTC),
}

// render compiles spec and applies it to the event text.
func render(t *testing.T, spec Spec, event string, ctx Context) ([]byte, error) {
	t.Helper()
	tr, err := Compile(spec)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	ev := jsonvalue.MustParse(event)
	return tr.Apply(ev, jsonvalue.Append(nil, ev), ctx)
}

// templateSpec is an InputTransformer.
func templateSpec(paths map[string]string, tpl string) Spec {
	return Spec{InputPathsMap: paths, InputTemplate: ptr(tpl), HasTransformer: true, TargetID: "t1"}
}

type renderCase struct {
	name  string
	spec  Spec
	event string
	ctx   Context
	want  string
	err   error // wanted error of Apply, matched with errors.Is
}

func runRenderCases(t *testing.T, cases []renderCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := render(t, tc.spec, tc.event, tc.ctx)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("Apply error = %v (output %s), want %v", err, got, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if string(got) != tc.want {
				t.Errorf("Apply =\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// TestUserGuideExamples reproduces the table of examples of the User Guide
// page "Amazon EventBridge input transformation". The guide prints JSON
// outputs indented; targets receive them minified ("The JSON that is passed
// to the target is minified"). Its CloudWatch log group row shows what the
// log group records; the target input is the JSON below.
func TestUserGuideExamples(t *testing.T) {
	t.Parallel()
	runRenderCases(t, withEvent([]renderCase{
		{
			name: "simple string",
			spec: templateSpec(ec2Paths, `"instance <instance> is in <state>"`),
			want: `"instance i-0123456789 is in RUNNING"`,
		},
		{
			name: "string with escaped quotes",
			spec: templateSpec(ec2Paths, `"instance \"<instance>\" is in <state>"`),
			want: `"instance \"i-0123456789\" is in RUNNING"`,
		},
		{
			name: "simple JSON",
			spec: templateSpec(ec2Paths, "{\n  \"instance\" : <instance>,\n  \"state\": <state>\n}"),
			want: `{"instance":"i-0123456789","state":"RUNNING"}`,
		},
		{
			name: "JSON with strings and variables",
			spec: templateSpec(ec2Paths, "{\n \"instance\" : <instance>,\n \"state\": \"<state>\",\n \"instanceStatus\": \"instance \\\"<instance>\\\" is in <state>\"\n}"),
			want: `{"instance":"i-0123456789","state":"RUNNING","instanceStatus":"instance \"i-0123456789\" is in RUNNING"}`,
		},
		{
			name: "JSON with a mix of variables and static information",
			spec: templateSpec(ec2Paths, "{\n  \"instance\" : <instance>,\n  \"state\": [ 9, <state>, true ],\n  \"Transformed\" : \"Yes\"\n}\n"),
			want: `{"instance":"i-0123456789","state":[9,"RUNNING",true],"Transformed":"Yes"}`,
		},
		{
			name: "including reserved variables in JSON",
			spec: templateSpec(ec2Paths, "{\n  \"instance\" : <instance>,\n  \"state\": <state>,\n  \"ruleArn\" : <aws.events.rule-arn>,\n  \"ruleName\" : <aws.events.rule-name>,\n  \"originalEvent\" : <aws.events.event>\n}"),
			want: `{"instance":"i-0123456789","state":"RUNNING","ruleArn":"arn:aws:events:us-east-2:123456789012:rule/example","ruleName":"example",` +
				`"originalEvent":{"id":"7bf73129-1428-4cd3-a780-95db273d1602","account":"123456789012","detailType":"EC2 Instance State-change Notification","time":"2015-11-11T21:29:54Z","source":"aws.ec2","region":"us-east-1","resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],"version":"0"}}`,
		},
		{
			name: "including reserved variables in a string",
			spec: templateSpec(ec2Paths, `"<aws.events.rule-name> triggered"`),
			want: `"example triggered"`,
		},
		{
			name: "CloudWatch log group",
			spec: templateSpec(ec2Paths, "{\n  \"timestamp\" : <timestamp>,\n  \"message\": \"instance \\\"<instance>\\\" is in <state>\"\n}"),
			want: `{"timestamp":"2015-11-11T21:29:54Z","message":"instance \"i-0123456789\" is in RUNNING"}`,
		},
		{
			name: "array index in the input path",
			spec: templateSpec(ec2Paths, `"<resource>"`),
			want: `"arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"`,
		},
	}, ec2Event, ec2Context))
}

// withEvent fills in the event and context of cases that have none.
func withEvent(cases []renderCase, event string, ctx Context) []renderCase {
	for i := range cases {
		if cases[i].event == "" {
			cases[i].event = event
			cases[i].ctx = ctx
		}
	}
	return cases
}

// TestAPIReferenceExamples renders the three templates of the
// InputTransformer API reference.
func TestAPIReferenceExamples(t *testing.T) {
	t.Parallel()
	paths := map[string]string{"instance": "$.detail.instance", "status": "$.detail.status"}
	event := `{"detail":{"instance":"i-0123456789","status":"running"}}`
	runRenderCases(t, withEvent([]renderCase{
		{
			name: "text",
			spec: templateSpec(paths, `<instance> is in state <status>`),
			want: `i-0123456789 is in state running`,
		},
		{
			name: "text with quotes",
			spec: templateSpec(paths, `<instance> is in state "<status>"`),
			want: `i-0123456789 is in state "running"`,
		},
		{
			name: "JSON with variables in quotes or out",
			spec: templateSpec(paths, `{"myInstance": <instance>,"myStatus": "<instance> is in state \"<status>\""}`),
			want: `{"myInstance":"i-0123456789","myStatus":"i-0123456789 is in state \"running\""}`,
		},
	}, event, Context{}))
}

// TestRecordedBehaviour reproduces what LocalStack's AWS-validated input
// tests recorded from EventBridge (test_events_inputs.py and its
// snapshot): SQS message bodies, and the events AWS did not deliver.
func TestRecordedBehaviour(t *testing.T) {
	t.Parallel()
	paths := map[string]string{"detail-type": "$.detail-type", "timestamp": "$.time", "command": "$.detail.command"}
	missing := map[string]string{"detail-type": "$.detail-type", "timestamp": "$.time", "command": "$.detail.notinmessage"}
	nested := map[string]string{"userId": "$.detail.payload.acc_id", "payload": "$.detail.payload", "listsingle": "$.detail.listsingle"}
	nestedEvent := `{"detail-type":"core.update-account-command","detail":{"command":"update-account","payload":{"acc_id":"0a787ecb-4015","sf_id":"baz"},"listsingle":["HIGHEST"]}}`
	runRenderCases(t, withEvent([]renderCase{
		{
			name: "input path",
			spec: Spec{InputPath: ptr("$.detail")},
			want: `{"command":"update-account","payload":{"acc_id":"0a787ecb-4015","sf_id":"baz"}}`,
		},
		{
			name: "input path nested",
			spec: Spec{InputPath: ptr("$.detail.payload")},
			want: `{"acc_id":"0a787ecb-4015","sf_id":"baz"}`,
		},
		{
			name:  "input path nested with a duplicated key",
			spec:  Spec{InputPath: ptr("$.detail.payload")},
			event: `{"detail":{"command":"update-account","payload":{"acc_id":"0a787ecb-4015","payload":{"message":"baz","id":"123"}}}}`,
			want:  `{"acc_id":"0a787ecb-4015","payload":{"message":"baz","id":"123"}}`,
		},
		{
			name: "input path to a string",
			spec: Spec{InputPath: ptr("$.detail.payload.sf_id")},
			want: `"baz"`,
		},
		{
			name: "string template",
			spec: templateSpec(paths, `"Event of <detail-type> type, at time <timestamp>, info extracted from detail <command>"`),
			want: `"Event of core.update-account-command type, at time 2024-06-11T08:33:10Z, info extracted from detail update-account"`,
		},
		{
			name: "string template with a missing path",
			spec: templateSpec(missing, `"Event of <detail-type> type, at time <timestamp>, info extracted from detail <command>"`),
			want: `"Event of core.update-account-command type, at time 2024-06-11T08:33:10Z, info extracted from detail "`,
		},
		{
			name: "string template with special starting characters",
			spec: templateSpec(paths, `"{[/Check with special starting characters for event of <detail-type> type"`),
			want: `"{[/Check with special starting characters for event of core.update-account-command type"`,
		},
		{
			name: "JSON template",
			spec: templateSpec(paths, `{"detailType": <detail-type>,  "time": <timestamp>, "command": <command>}`),
			want: `{"detailType":"core.update-account-command","time":"2024-06-11T08:33:10Z","command":"update-account"}`,
		},
		{
			name: "JSON template with a missing path",
			spec: templateSpec(missing, `{"detailType": <detail-type>,  "time": <timestamp>, "command": <command>}`),
			want: `{"detailType":"core.update-account-command","time":"2024-06-11T08:33:10Z","command":""}`,
		},
		{
			name: "predefined variables in a string",
			spec: templateSpec(nil, `"Message containing all pre defined variables <aws.events.rule-arn> <aws.events.rule-name> <aws.events.event.ingestion-time>"`),
			want: `"Message containing all pre defined variables arn:aws:events:us-east-1:111111111111:rule/test-bus/test-rule test-rule 2024-06-11T08:33:10Z"`,
		},
		{
			name: "predefined variables in JSON",
			spec: templateSpec(nil, `{"originalEvent": <aws.events.event>, "originalEventJson": <aws.events.event.json>}`),
			want: `{"originalEvent":{"id":"4d5f8ad2-3a1c-4c58-a2e1-2b0a3b7d8e6f","account":"111111111111","detailType":"core.update-account-command","time":"2024-06-11T08:33:10Z","source":"core.update-account-command","region":"us-east-1","resources":[],"version":"0"},` +
				`"originalEventJson":` + recordedEvent + `}`,
		},
		// Templates AWS delivered (their bodies are not in the snapshot
		// available here; the text follows the rendering rules).
		{
			name:  "placeholder inside a string and an object as a value",
			spec:  templateSpec(nested, `{"method": "PUT", "path": "users-service/users/<userId>", "bod": <payload>}`),
			event: nestedEvent,
			want:  `{"method":"PUT","path":"users-service/users/0a787ecb-4015","bod":{"acc_id":"0a787ecb-4015","sf_id":"baz"}}`,
		},
		{
			name:  "the same placeholder twice in a string",
			spec:  templateSpec(nested, `{"multi_replacement": "users/<userId>/second/<userId>"}`),
			event: nestedEvent,
			want:  `{"multi_replacement":"users/0a787ecb-4015/second/0a787ecb-4015"}`,
		},
		{
			name:  "quoted string placeholder",
			spec:  templateSpec(nested, `{"id" : "<userId>"}`),
			event: nestedEvent,
			want:  `{"id":"0a787ecb-4015"}`,
		},
		{
			name:  "list as a value",
			spec:  templateSpec(nested, `{"singlelistitem": <listsingle>}`),
			event: nestedEvent,
			want:  `{"singlelistitem":["HIGHEST"]}`,
		},
		{
			name:  "object and list in a text template",
			spec:  templateSpec(nested, `"Payload of <payload> with path users-service/users/<userId> and <listsingle>"`),
			event: nestedEvent,
			want:  `"Payload of {acc_id:0a787ecb-4015,sf_id:baz} with path users-service/users/0a787ecb-4015 and [HIGHEST]"`,
		},
		// Templates AWS did not deliver: an object or a list placed inside
		// a string of a JSON template.
		{
			name:  "object inside a string",
			spec:  templateSpec(nested, `{"not_valid": "users-service/users/<payload>", "bod": <payload>}`),
			event: nestedEvent,
			err:   ErrInvalidJSON,
		},
		{
			name:  "quoted object",
			spec:  templateSpec(nested, `{"payload": "<payload>"}`),
			event: nestedEvent,
			err:   ErrInvalidJSON,
		},
		{
			name:  "quoted list",
			spec:  templateSpec(nested, `{"singlelistitem": "<listsingle>"}`),
			event: nestedEvent,
			err:   ErrInvalidJSON,
		},
	}, recordedEvent, recordedContext))
}

// TestRenderingRules covers every kind of value in every place a
// placeholder can stand.
func TestRenderingRules(t *testing.T) {
	t.Parallel()
	event := `{"s":"a b","q":"say \"hi\"","n":1.50,"t":true,"z":null,"o":{"k":"v","e":"x\"y"},"a":["x",2,{"k":"v"}],"e":[],"items":[{"id":1},{"id":2}]}`
	paths := map[string]string{
		"s": "$.s", "q": "$.q", "n": "$.n", "t": "$.t", "z": "$.z", "o": "$.o", "a": "$.a", "e": "$.e",
		"m": "$.missing", "ids": "$.items[*].id", "none": "$.items[*].nothing", "bad": "not a path",
		"deep": "$.missing.deeper", "idx": "$.a[1]", "far": "$.a[9]",
	}
	cases := []struct {
		name, tpl, want string
	}{
		{"string as a JSON value", `{"v": <s>}`, `{"v":"a b"}`},
		{"string inside a JSON string", `{"v": "[<s>]"}`, `{"v":"[a b]"}`},
		{"string in text", `<s>!`, `a b!`},
		{"number as a JSON value keeps its literal", `{"v": <n>}`, `{"v":1.50}`},
		{"number inside a JSON string", `{"v": "n=<n>"}`, `{"v":"n=1.50"}`},
		{"number in text", `n=<n>`, `n=1.50`},
		{"boolean", `{"v": <t>, "w": "<t>"}`, `{"v":true,"w":"true"}`},
		{"null as a JSON value", `{"v": <z>}`, `{"v":null}`},
		{"null in text", `z=<z>`, `z=null`},
		{"object as a JSON value", `{"v": <o>}`, `{"v":{"k":"v","e":"x\"y"}}`},
		{"object in text loses its quotes", `o=<o>`, `o={k:v,e:xy}`},
		{"array as a JSON value", `{"v": <a>}`, `{"v":["x",2,{"k":"v"}]}`},
		{"array in text loses its quotes", `a=<a>`, `a=[x,2,{k:v}]`},
		{"empty array", `{"v": <e>} `, `{"v":[]}`},
		{"missing as a JSON value", `{"v": <m>}`, `{"v":""}`},
		{"missing inside a JSON string", `{"v": "[<m>]"}`, `{"v":"[]"}`},
		{"missing in text", `[<m>]`, `[]`},
		{"missing beyond a missing property", `{"v": <deep>}`, `{"v":""}`},
		{"wildcard path", `{"v": <ids>}`, `{"v":[1,2]}`},
		{"wildcard path matching nothing", `{"v": <none>}`, `{"v":""}`},
		{"unparseable path selects nothing", `{"v": <bad>}`, `{"v":""}`},
		{"index", `{"v": <idx>}`, `{"v":2}`},
		{"index out of range", `{"v": <far>}`, `{"v":""}`},
		{"JSON template after white space", " \n\t{\"v\": <s>}", `{"v":"a b"}`},
		{"array template is text", `[<s>]`, `[a b]`},
		{"escaped quotes do not end a string", `{"v": "\"<s>\"", "w": <s>}`, `{"v":"\"a b\"","w":"a b"}`},
		{"escaped backslash ends before the quote", `{"v": "x\\", "w": <s>}`, `{"v":"x\\","w":"a b"}`},
		{"placeholder as a key", `{<s>: 1}`, `{"a b":1}`},
		{"text kept as written", "  line one\n<s>  ", "  line one\na b  "},
		{"angle brackets across lines are text", "\"a <b\n> c\"", "\"a <b\n> c\""},
		{"no placeholders", `{"static": true}`, `{"static":true}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := render(t, templateSpec(paths, tc.tpl), event, Context{})
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if string(got) != tc.want {
				t.Errorf("Apply(%s) = %s, want %s", tc.tpl, got, tc.want)
			}
		})
	}
}

// TestValuesAreNotEscaped follows the guide: "EventBridge doesn't escape
// values extracted by Input Path, when populating the Input Template".
func TestValuesAreNotEscaped(t *testing.T) {
	t.Parallel()
	paths := map[string]string{"q": "$.q", "nl": "$.nl"}
	event := `{"q":"say \"hi\"","nl":"a\nb"}`
	runRenderCases(t, withEvent([]renderCase{
		{name: "quote in text", spec: templateSpec(paths, `"<q>"`), want: `"say "hi""`},
		{name: "line break in text", spec: templateSpec(paths, `"<nl>"`), want: "\"a\nb\""},
		{name: "quote as a JSON value", spec: templateSpec(paths, `{"v": <q>}`), err: ErrInvalidJSON},
		{name: "quote inside a JSON string", spec: templateSpec(paths, `{"v": "<q>"}`), err: ErrInvalidJSON},
		{name: "line break as a JSON value", spec: templateSpec(paths, `{"v": <nl>}`), err: ErrInvalidJSON},
		{name: "broken template", spec: templateSpec(paths, `{"v": <q>`), err: ErrInvalidJSON},
	}, event, Context{}))
}

func TestPredefinedVariables(t *testing.T) {
	t.Parallel()
	ctx := Context{RuleArn: "arn:aws:events:us-east-1:123456789012:rule/r", RuleName: "r", IngestionTime: time.Date(2024, 1, 2, 3, 4, 5, 678_900_000, time.FixedZone("x", 3600))}
	raw := []byte(`{"version":"0", "detail-type":"d", "detail":{"a":1}, "replay-name":"x"}`)
	cases := []struct{ name, tpl, want string }{
		{"ingestion time in UTC to the millisecond", `"<aws.events.event.ingestion-time>"`, `"2024-01-02T02:04:05.678Z"`},
		{"ingestion time as a JSON value", `{"t": <aws.events.event.ingestion-time>}`, `{"t":"2024-01-02T02:04:05.678Z"}`},
		{"rule in JSON", `{"a": <aws.events.rule-arn>, "n": "rule <aws.events.rule-name>"}`, `{"a":"arn:aws:events:us-east-1:123456789012:rule/r","n":"rule r"}`},
		{"event without detail and other members", `{"e": <aws.events.event>}`, `{"e":{"detailType":"d","version":"0"}}`},
		{"event as received, minified", `{"e": <aws.events.event.json>}`, `{"e":{"version":"0","detail-type":"d","detail":{"a":1},"replay-name":"x"}}`},
		{"event in text is not unquoted", `<aws.events.event>`, `{"detailType":"d","version":"0"}`},
		{"event json in text is inserted as it is", `e=<aws.events.event.json>`, `e={"version":"0", "detail-type":"d", "detail":{"a":1}, "replay-name":"x"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tr, err := Compile(templateSpec(nil, tc.tpl))
			if err != nil {
				t.Fatal(err)
			}
			got, err := tr.Apply(jsonvalue.MustParse(string(raw)), raw, ctx)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("Apply(%s) = %s, want %s", tc.tpl, got, tc.want)
			}
		})
	}
}

func TestFormatInstant(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   time.Time
		want string
	}{
		{time.Date(2015, 11, 11, 21, 29, 54, 0, time.UTC), "2015-11-11T21:29:54Z"},
		{time.Date(2015, 11, 11, 21, 29, 54, 999_999_999, time.UTC), "2015-11-11T21:29:54.999Z"},
		{time.Date(2015, 11, 11, 21, 29, 54, 10_000_000, time.UTC), "2015-11-11T21:29:54.010Z"},
		{time.Date(2015, 11, 11, 21, 29, 54, 400, time.UTC), "2015-11-11T21:29:54Z"},
	}
	for _, tc := range cases {
		if got := formatInstant(tc.in); got != tc.want {
			t.Errorf("formatInstant(%v) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestInputPath(t *testing.T) {
	t.Parallel()
	event := `{"detail-type":"x","detail":{"items":[{"id":1},{"id":2}],"z":null}}`
	runRenderCases(t, withEvent([]renderCase{
		{name: "root", spec: Spec{InputPath: ptr("$")}, want: `{"detail-type":"x","detail":{"items":[{"id":1},{"id":2}],"z":null}}`},
		{name: "dash in a name", spec: Spec{InputPath: ptr("$.detail-type")}, want: `"x"`},
		{name: "bracket notation", spec: Spec{InputPath: ptr("$['detail']['z']")}, want: `null`},
		{name: "wildcard", spec: Spec{InputPath: ptr("$.detail.items[*].id")}, want: `[1,2]`},
		{name: "wildcard matching nothing", spec: Spec{InputPath: ptr("$.detail.items[*].no")}, want: `[]`},
		{name: "missing", spec: Spec{InputPath: ptr("$.detail.no")}, err: ErrPathNotFound},
		{name: "not a path", spec: Spec{InputPath: ptr("detail")}, err: ErrPathNotFound},
	}, event, Context{}))
}

func TestInputAndWholeEvent(t *testing.T) {
	t.Parallel()
	ev := jsonvalue.MustParse(`{"a": 1}`)
	raw := []byte(`{"a": 1}`)

	tr, err := Compile(Spec{Input: ptr(` {"fixed": [1, 2]} `)})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Kind() != KindInput {
		t.Errorf("Kind = %v, want KindInput", tr.Kind())
	}
	got, _ := tr.Apply(ev, raw, Context{})
	if string(got) != ` {"fixed": [1, 2]} ` {
		t.Errorf("Input delivered as %q, want it as written", got)
	}
	got[1] = 'X'
	if again, _ := tr.Apply(ev, raw, Context{}); string(again) != ` {"fixed": [1, 2]} ` {
		t.Errorf("changing one result changed the next: %q", again)
	}

	for _, tr := range []*Transformer{nil, {}, mustCompile(t, Spec{})} {
		if tr.Kind() != KindEvent {
			t.Errorf("Kind = %v, want KindEvent", tr.Kind())
		}
		if got, err := tr.Apply(ev, raw, Context{}); err != nil || string(got) != string(raw) {
			t.Errorf("whole event = %s, %v; want %s", got, err, raw)
		}
		if got, err := tr.Apply(ev, nil, Context{}); err != nil || string(got) != `{"a":1}` {
			t.Errorf("whole event without its encoding = %s, %v", got, err)
		}
	}
}

func mustCompile(t *testing.T, spec Spec) *Transformer {
	t.Helper()
	tr, err := Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestCompileErrors checks PutTargets' validation and its messages.
func TestCompileErrors(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 8193)
	longPath := "$." + strings.Repeat("p", 255)
	manyPaths := map[string]string{}
	for i := 0; i < 101; i++ {
		manyPaths["k"+strings.Repeat("x", i)] = "$.a"
	}
	cases := []struct {
		name string
		spec Spec
		want string // the message, or its prefix when it ends in "..."
	}{
		{
			// Recorded from AWS by LocalStack.
			name: "input path and transformer",
			spec: Spec{TargetID: "target-1", InputPath: ptr("$.detail"), InputPathsMap: map[string]string{"a": "$.a"}, InputTemplate: ptr(`{"a": <a>}`), HasTransformer: true},
			want: "Only one of Input, InputPath, or InputTransformer must be provided for target target-1.",
		},
		{
			name: "input and input path",
			spec: Spec{TargetID: "t", Input: ptr(`{}`), InputPath: ptr("$")},
			want: "Only one of Input, InputPath, or InputTransformer must be provided for target t.",
		},
		{
			name: "input and a transformer without a template",
			spec: Spec{TargetID: "t", Input: ptr(`{}`), InputTemplate: ptr("x")},
			want: "Only one of Input, InputPath, or InputTransformer must be provided for target t.",
		},
		{
			// Recorded from AWS by LocalStack.
			name: "undefined placeholder",
			spec: Spec{TargetID: "target-1", InputPathsMap: map[string]string{"detail-type": "$.detail-type", "timestamp": "$.time", "command": "$.detail.command"}, InputTemplate: ptr(`"Event of <detail-type> type, with not defined key <notdefinedkey>"`)},
			want: "InputTemplate for target target-1 contains invalid placeholder notdefinedkey.",
		},
		{
			name: "first undefined placeholder",
			spec: Spec{TargetID: "t", InputTemplate: ptr(`{"a": <b>, "c": <d>}`)},
			want: "InputTemplate for target t contains invalid placeholder b.",
		},
		{
			name: "angle brackets are always a placeholder",
			spec: Spec{TargetID: "t", InputTemplate: ptr(`"line<br>line"`)},
			want: "InputTemplate for target t contains invalid placeholder br.",
		},
		{
			name: "empty placeholder",
			spec: Spec{TargetID: "t", InputTemplate: ptr(`"<>"`)},
			want: "InputTemplate for target t contains invalid placeholder .",
		},
		{
			name: "predefined name with a different case",
			spec: Spec{TargetID: "t", InputTemplate: ptr(`"<AWS.events.rule-name>"`)},
			want: "InputTemplate for target t contains invalid placeholder AWS.events.rule-name.",
		},
		{
			// Recorded from AWS: keys with spaces and question marks.
			name: "InputPathsMap keys",
			spec: Spec{TargetID: "1", InputPathsMap: map[string]string{"Quem foi?": "$.detail.userIdentity.userName", "o que?": "$.detail.eventName", "de onde?": "$.detail.sourceIPAddress"}, InputTemplate: ptr(`"x"`)},
			want: "1 validation error detected: Value '{de onde?=$.detail.sourceIPAddress, Quem foi?=$.detail.userIdentity.userName, o que?=$.detail.eventName}' at 'targets.1.member.inputTransformer.inputPathsMap' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [A-Za-z0-9\\_\\-]+]",
		},
		{
			name: "InputPathsMap key naming a predefined variable",
			spec: Spec{TargetID: "t", Index: 2, InputPathsMap: map[string]string{"aws.events.rule-arn": "$.a"}, InputTemplate: ptr(`"<aws.events.rule-arn>"`)},
			want: "1 validation error detected: Value '{aws.events.rule-arn=$.a}' at 'targets.2.member.inputTransformer.inputPathsMap' failed to satisfy constraint: " + keyConstraint,
		},
		{
			name: "empty InputPathsMap key",
			spec: Spec{TargetID: "t", InputPathsMap: map[string]string{"": "$.a"}, InputTemplate: ptr(`"x"`)},
			want: "1 validation error detected: Value '{=$.a}' at 'targets.1.member.inputTransformer.inputPathsMap' failed to satisfy constraint: " + keyConstraint,
		},
		{
			name: "InputPathsMap value too long",
			spec: Spec{TargetID: "t", InputPathsMap: map[string]string{"a": longPath}, InputTemplate: ptr(`"<a>"`)},
			want: "1 validation error detected: Value '{a=" + longPath + "}' at 'targets.1.member.inputTransformer.inputPathsMap' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 256]",
		},
		{
			name: "too many InputPathsMap entries",
			spec: Spec{TargetID: "t", InputPathsMap: manyPaths, InputTemplate: ptr(`"x"`)},
			want: "1 validation error detected: Value '{...",
		},
		{
			name: "missing template",
			spec: Spec{TargetID: "t", HasTransformer: true},
			want: "1 validation error detected: Value null at 'targets.1.member.inputTransformer.inputTemplate' failed to satisfy constraint: Member must not be null",
		},
		{
			name: "empty template",
			spec: Spec{TargetID: "t", Index: 3, InputTemplate: ptr("")},
			want: "1 validation error detected: Value '' at 'targets.3.member.inputTransformer.inputTemplate' failed to satisfy constraint: Member must have length greater than or equal to 1",
		},
		{
			name: "template too long",
			spec: Spec{TargetID: "t", InputTemplate: ptr(long)},
			want: "1 validation error detected: Value '" + long + "' at 'targets.1.member.inputTransformer.inputTemplate' failed to satisfy constraint: Member must have length less than or equal to 8192",
		},
		{
			name: "input too long",
			spec: Spec{TargetID: "t", Input: ptr(long)},
			want: "1 validation error detected: Value '" + long + "' at 'targets.1.member.input' failed to satisfy constraint: Member must have length less than or equal to 8192",
		},
		{
			name: "input path too long",
			spec: Spec{TargetID: "t", InputPath: ptr(longPath + "x")},
			want: "1 validation error detected: Value '" + longPath + "x' at 'targets.1.member.inputPath' failed to satisfy constraint: Member must have length less than or equal to 256",
		},
		{
			name: "constraints come before the rest, all together",
			spec: Spec{TargetID: "t", Input: ptr(long), InputPath: ptr(longPath + "x")},
			want: "2 validation errors detected: Value '" + long + "' at 'targets.1.member.input' failed to satisfy constraint: Member must have length less than or equal to 8192; " +
				"Value '" + longPath + "x' at 'targets.1.member.inputPath' failed to satisfy constraint: Member must have length less than or equal to 256",
		},
		{
			// Recorded from AWS (aws-cli issue 6711).
			name: "input not JSON",
			spec: Spec{TargetID: "1", Input: ptr("env:dev")},
			want: `JSON syntax error in input for target 1: [Source: (String)"env:dev"; line: 1, column: 4]`,
		},
		{
			name: "input with single quotes",
			spec: Spec{TargetID: "clone_lambda", Input: ptr(`{'db_name':'x'}`)},
			want: `JSON syntax error in input for target clone_lambda: [Source: (String)"{'db_name':'x'}"; line: 1, column: 3]`,
		},
		{
			name: "input cut short on a later line",
			spec: Spec{TargetID: "t", Input: ptr("{\n  \"a\": [1,\r\n  2")},
			want: "JSON syntax error in input for target t: [Source: (String)\"{\n  \"a\": [1,\r\n  2\"; line: 3, column: 4]",
		},
		{
			name: "empty input",
			spec: Spec{TargetID: "t", Input: ptr("")},
			want: `JSON syntax error in input for target t: [Source: (String)""; line: 1, column: 1]`,
		},
		{
			name: "long input is truncated in the message",
			spec: Spec{TargetID: "t", Input: ptr(strings.Repeat(" ", 600) + "x")},
			want: `JSON syntax error in input for target t: [Source: (String)"` + strings.Repeat(" ", 500) + `"[truncated 101 chars]; line: 1, column: 602]`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tr, err := Compile(tc.spec)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Compile = %v, %v; want an *Error", tr, err)
			}
			if prefix, ok := strings.CutSuffix(tc.want, "..."); ok {
				if !strings.HasPrefix(e.Message, prefix) || !strings.HasSuffix(e.Message, "failed to satisfy constraint: Member must have length less than or equal to 100") {
					t.Errorf("message = %q, want %q...", e.Message, prefix)
				}
				return
			}
			if e.Message != tc.want {
				t.Errorf("message =\n%s\nwant\n%s", e.Message, tc.want)
			}
		})
	}
}

// TestCompileAccepts covers settings PutTargets takes.
func TestCompileAccepts(t *testing.T) {
	t.Parallel()
	full := map[string]string{}
	for i := 0; i < 100; i++ {
		full[strings.Repeat("k", i+1)] = "$.a"
	}
	cases := []struct {
		name string
		spec Spec
		kind Kind
	}{
		{"nothing", Spec{}, KindEvent},
		{"input", Spec{Input: ptr(`"text"`)}, KindInput},
		{"input at the limit", Spec{Input: ptr(`"` + strings.Repeat("é", 8190) + `"`)}, KindInput},
		{"input path not validated", Spec{InputPath: ptr("detail")}, KindInputPath},
		{"paths not validated", Spec{InputPathsMap: map[string]string{"a": "nonsense["}, InputTemplate: ptr("<a>")}, KindTemplate},
		{"only predefined variables", Spec{InputTemplate: ptr(`"<aws.events.rule-arn>"`)}, KindTemplate},
		{"unused paths", Spec{InputPathsMap: map[string]string{"a": "$.a"}, InputTemplate: ptr(`"static"`)}, KindTemplate},
		{"100 paths", Spec{InputPathsMap: full, InputTemplate: ptr(`"x"`)}, KindTemplate},
		{"key characters", Spec{InputPathsMap: map[string]string{"A-z_0": "$.a"}, InputTemplate: ptr(`<A-z_0>`)}, KindTemplate},
		{"invalid JSON template", Spec{InputTemplate: ptr(`{"a": `)}, KindTemplate},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tr, err := Compile(tc.spec)
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			if tr.Kind() != tc.kind {
				t.Errorf("Kind = %v, want %v", tr.Kind(), tc.kind)
			}
		})
	}
}

func TestJavaMapString(t *testing.T) {
	t.Parallel()
	cases := []struct {
		m    map[string]string
		want string
	}{
		{map[string]string{}, "{}"},
		{map[string]string{"a": "1"}, "{a=1}"},
		// Buckets 5, 10 and 14 of 16, as AWS printed them.
		{map[string]string{"Quem foi?": "x", "o que?": "y", "de onde?": "z"}, "{de onde?=z, Quem foi?=x, o que?=y}"},
		// "Aa" and "BB" share a hash, so a bucket; ties go by key.
		{map[string]string{"BB": "2", "Aa": "1"}, "{Aa=1, BB=2}"},
	}
	for _, tc := range cases {
		if got := javaMapString(tc.m); got != tc.want {
			t.Errorf("javaMapString(%v) = %s, want %s", tc.m, got, tc.want)
		}
	}
	if javaHash("Quem foi?") != 4267260211 || javaHash("😀") != uint32(0xd83d)*31+0xde00 {
		t.Errorf("javaHash differs from Java's String.hashCode")
	}
}

func TestFindPlaceholders(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want []string
	}{
		{`<a> and <b>`, []string{"a", "b"}},
		{`a < b`, nil},
		{`<a<b>`, []string{"a<b"}},
		{"<a\nb>", nil},
		{"<a\n<b>", []string{"b"}},
		{`<>`, []string{""}},
		{`<a>>`, []string{"a"}},
	}
	for _, tc := range cases {
		var got []string
		for _, p := range findPlaceholders(tc.in) {
			got = append(got, p.name)
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
			t.Errorf("findPlaceholders(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestConcurrentApply shares one Transformer between goroutines; run with
// -race.
func TestConcurrentApply(t *testing.T) {
	t.Parallel()
	tr := mustCompile(t, templateSpec(ec2Paths, `{"i": <instance>, "e": <aws.events.event>, "s": "<state>"}`))
	ev := jsonvalue.MustParse(ec2Event)
	want := `{"i":"i-0123456789","e":{"id":"7bf73129-1428-4cd3-a780-95db273d1602","account":"123456789012","detailType":"EC2 Instance State-change Notification","time":"2015-11-11T21:29:54Z","source":"aws.ec2","region":"us-east-1","resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],"version":"0"},"s":"RUNNING"}`
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				got, err := tr.Apply(ev, nil, ec2Context)
				if err != nil || string(got) != want {
					t.Errorf("Apply = %s, %v", got, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
