package teststate

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sluice-run/sluice/internal/interp"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

const role = "arn:aws:iam::123456789012:role/test"

// env is a fixed environment so that default context objects are stable.
func env() Environment {
	return Environment{Now: time.Date(2025, 1, 2, 3, 4, 5, 6e6, time.UTC), Random: rand.New(rand.NewPCG(1, 2))}
}

func str(s string) *string { return &s }

// fixed is an Invoke that returns v.
func fixed(v string) Invoke {
	return func(context.Context, *interp.TaskRequest) (jsonvalue.Value, *interp.TaskFailure) {
		return jsonvalue.MustParse(v), nil
	}
}

// failing is an Invoke that fails with name and cause.
func failing(name, cause string) Invoke {
	return func(context.Context, *interp.TaskRequest) (jsonvalue.Value, *interp.TaskFailure) {
		return nil, &interp.TaskFailure{Error: name, Cause: cause}
	}
}

type testCase struct {
	name   string
	req    Request
	invoke Invoke
	// want is the expected JSON response body.
	want string
}

func runCases(t *testing.T, cases []testCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := tc.req
			if r.Input == nil && r.RawInput == nil {
				r.Input = jsonvalue.NewObject(0)
			}
			r.Env = env()
			resp, err := Run(context.Background(), r, tc.invoke)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if got := string(resp.AppendJSON(nil)); got != tc.want {
				t.Errorf("response\n got: %s\nwant: %s", got, tc.want)
			}
		})
	}
}

const helloInput = `{"Value":"HelloWorld"}`

const nestedInput = `{"initialData":{"fieldFromInput":"value from input","otherField":"other"},"unrelatedData":{"someOtherField":1234}}`

// TestPass follows the responses recorded from AWS for Pass states.
func TestPass(t *testing.T) {
	t.Parallel()
	in := jsonvalue.MustParse(helloInput)
	nested := jsonvalue.MustParse(nestedInput)
	ioPass := `{"Type":"Pass","InputPath":"$.initialData","Parameters":{"staticValue":"some value","inputValue.$":"$.fieldFromInput"},"ResultPath":"$.modifiedData","End":true}`
	ioResultPass := `{"Type":"Pass","InputPath":"$.initialData","Parameters":{"staticValue":"some value","inputValue.$":"$.fieldFromInput"},"Result":{"resultKey":"result value"},"ResultPath":"$.modifiedData","End":true}`
	runCases(t, []testCase{
		{name: "base info", req: Request{Definition: []byte(`{"Type":"Pass","End":true}`), Input: in, InspectionLevel: LevelInfo},
			want: `{"output":"{\"Value\":\"HelloWorld\"}","status":"SUCCEEDED"}`},
		{name: "base default level", req: Request{Definition: []byte(`{"Type":"Pass","End":true}`), Input: in},
			want: `{"output":"{\"Value\":\"HelloWorld\"}","status":"SUCCEEDED"}`},
		{name: "base debug", req: Request{Definition: []byte(`{"Type":"Pass","End":true}`), Input: in, InspectionLevel: LevelDebug},
			want: `{"output":"{\"Value\":\"HelloWorld\"}","inspectionData":{"input":"{\"Value\":\"HelloWorld\"}","afterInputPath":"{\"Value\":\"HelloWorld\"}","afterParameters":"{\"Value\":\"HelloWorld\"}","afterResultSelector":"{\"Value\":\"HelloWorld\"}","afterResultPath":"{\"Value\":\"HelloWorld\"}"},"status":"SUCCEEDED"}`},
		{name: "base trace", req: Request{Definition: []byte(`{"Type":"Pass","End":true}`), Input: in, InspectionLevel: LevelTrace},
			want: `{"output":"{\"Value\":\"HelloWorld\"}","inspectionData":{"input":"{\"Value\":\"HelloWorld\"}","afterInputPath":"{\"Value\":\"HelloWorld\"}","afterParameters":"{\"Value\":\"HelloWorld\"}","afterResultSelector":"{\"Value\":\"HelloWorld\"}","afterResultPath":"{\"Value\":\"HelloWorld\"}"},"status":"SUCCEEDED"}`},
		{name: "result debug", req: Request{Definition: []byte(`{"Type":"Pass","Result":{"resultKey":"result value"},"End":true}`), Input: in, InspectionLevel: LevelDebug},
			want: `{"output":"{\"resultKey\":\"result value\"}","inspectionData":{"input":"{\"Value\":\"HelloWorld\"}","result":"{\"resultKey\":\"result value\"}","afterResultSelector":"{\"resultKey\":\"result value\"}","afterResultPath":"{\"resultKey\":\"result value\"}"},"status":"SUCCEEDED"}`},
		{name: "io info", req: Request{Definition: []byte(ioPass), Input: nested},
			want: `{"output":"{\"initialData\":{\"fieldFromInput\":\"value from input\",\"otherField\":\"other\"},\"unrelatedData\":{\"someOtherField\":1234},\"modifiedData\":{\"staticValue\":\"some value\",\"inputValue\":\"value from input\"}}","status":"SUCCEEDED"}`},
		{name: "io debug", req: Request{Definition: []byte(ioPass), Input: nested, InspectionLevel: LevelDebug},
			want: `{"output":"{\"initialData\":{\"fieldFromInput\":\"value from input\",\"otherField\":\"other\"},\"unrelatedData\":{\"someOtherField\":1234},\"modifiedData\":{\"staticValue\":\"some value\",\"inputValue\":\"value from input\"}}","inspectionData":{"input":"{\"initialData\":{\"fieldFromInput\":\"value from input\",\"otherField\":\"other\"},\"unrelatedData\":{\"someOtherField\":1234}}","afterInputPath":"{\"fieldFromInput\":\"value from input\",\"otherField\":\"other\"}","afterParameters":"{\"staticValue\":\"some value\",\"inputValue\":\"value from input\"}","afterResultSelector":"{\"staticValue\":\"some value\",\"inputValue\":\"value from input\"}","afterResultPath":"{\"initialData\":{\"fieldFromInput\":\"value from input\",\"otherField\":\"other\"},\"unrelatedData\":{\"someOtherField\":1234},\"modifiedData\":{\"staticValue\":\"some value\",\"inputValue\":\"value from input\"}}"},"status":"SUCCEEDED"}`},
		{name: "io result debug", req: Request{Definition: []byte(ioResultPass), Input: nested, InspectionLevel: LevelDebug},
			want: `{"output":"{\"initialData\":{\"fieldFromInput\":\"value from input\",\"otherField\":\"other\"},\"unrelatedData\":{\"someOtherField\":1234},\"modifiedData\":{\"resultKey\":\"result value\"}}","inspectionData":{"input":"{\"initialData\":{\"fieldFromInput\":\"value from input\",\"otherField\":\"other\"},\"unrelatedData\":{\"someOtherField\":1234}}","result":"{\"resultKey\":\"result value\"}","afterResultSelector":"{\"resultKey\":\"result value\"}","afterResultPath":"{\"initialData\":{\"fieldFromInput\":\"value from input\",\"otherField\":\"other\"},\"unrelatedData\":{\"someOtherField\":1234},\"modifiedData\":{\"resultKey\":\"result value\"}}"},"status":"SUCCEEDED"}`},
		// The DEBUG example of AWS's developer guide: the input is echoed as
		// sent, processed documents are compact.
		{name: "guide example", req: Request{
			Definition: []byte(`{"Type": "Pass", "InputPath": "$.payload", "Parameters": {"data": 1}, "ResultPath": "$.result", "OutputPath": "$.result.data", "Next": "Another State"}`),
			Input:      jsonvalue.MustParse(`{"payload": {"foo": "bar"}}`), RawInput: []byte(`{"payload": {"foo": "bar"}}`), InspectionLevel: LevelDebug},
			want: `{"output":"1","inspectionData":{"input":"{\"payload\": {\"foo\": \"bar\"}}","afterInputPath":"{\"foo\":\"bar\"}","afterParameters":"{\"data\":1}","afterResultSelector":"{\"data\":1}","afterResultPath":"{\"payload\":{\"foo\":\"bar\"},\"result\":{\"data\":1}}"},"nextState":"Another State","status":"SUCCEEDED"}`},
		{name: "raw input passes through", req: Request{Definition: []byte(`{"Type":"Pass","End":true}`), Input: jsonvalue.MustParse(`[1, 2]`), RawInput: []byte(`[1, 2]`)},
			want: `{"output":"[1, 2]","status":"SUCCEEDED"}`},
		{name: "next state", req: Request{Definition: []byte(`{"Type":"Pass","Next":"Elsewhere"}`), Input: in},
			want: `{"output":"{\"Value\":\"HelloWorld\"}","nextState":"Elsewhere","status":"SUCCEEDED"}`},
		{name: "null paths", req: Request{Definition: []byte(`{"Type":"Pass","InputPath":null,"ResultPath":null,"OutputPath":null,"End":true}`), Input: in},
			want: `{"output":"{}","status":"SUCCEEDED"}`},
		{name: "intrinsic", req: Request{Definition: []byte(`{"Type":"Pass","Parameters":{"g.$":"States.Format('Hi {}', $.Value)"},"End":true}`), Input: in},
			want: `{"output":"{\"g\":\"Hi HelloWorld\"}","status":"SUCCEEDED"}`},
		{name: "variables", req: Request{Definition: []byte(`{"Type":"Pass","Parameters":{"v.$":"$x"},"End":true}`), Input: in,
			Variables: jsonvalue.MustParse(`{"x":[1,2]}`), InspectionLevel: LevelDebug},
			want: `{"output":"{\"v\":[1,2]}","inspectionData":{"input":"{\"Value\":\"HelloWorld\"}","afterInputPath":"{\"Value\":\"HelloWorld\"}","afterParameters":"{\"v\":[1,2]}","afterResultSelector":"{\"v\":[1,2]}","afterResultPath":"{\"v\":[1,2]}","variables":"{\"x\":[1,2]}"},"status":"SUCCEEDED"}`},
		{name: "undefined variable", req: Request{Definition: []byte(`{"Type":"Pass","Parameters":{"v.$":"$x"},"End":true}`), Input: in},
			want: `{"error":"States.Runtime","cause":"The JsonPath argument for the field 'v.$' could not be found in the input 'null'","status":"FAILED"}`},
		{name: "missing path", req: Request{Definition: []byte(`{"Type":"Pass","Parameters":{"v.$":"$.nope"},"End":true}`), Input: in, InspectionLevel: LevelDebug},
			want: `{"error":"States.Runtime","cause":"The JsonPath argument for the field 'v.$' could not be found in the input '{\"Value\":\"HelloWorld\"}'","inspectionData":{"input":"{\"Value\":\"HelloWorld\"}","afterInputPath":"{\"Value\":\"HelloWorld\"}"},"status":"FAILED"}`},
		{name: "bad input path", req: Request{Definition: []byte(`{"Type":"Pass","InputPath":"$.nope","End":true}`), Input: in},
			want: `{"error":"States.Runtime","cause":"Invalid path '$.nope' : No results for path: $['nope']","status":"FAILED"}`},
		{name: "result path mismatch", req: Request{Definition: []byte(`{"Type":"Pass","ResultPath":"$.Value.x","End":true}`), Input: in},
			want: `{"error":"States.ResultPathMatchFailure","cause":"Unable to apply ReferencePath $.Value.x to input {\"Value\":\"HelloWorld\"}","status":"FAILED"}`},
	})
}

func TestChoice(t *testing.T) {
	t.Parallel()
	def := []byte(`{"Type":"Choice","Choices":[{"Not":{"Variable":"$.type","StringEquals":"Private"},"Next":"Public"},{"Variable":"$.value","NumericEquals":0,"Next":"ValueIsZero"},{"And":[{"Variable":"$.value","NumericGreaterThanEquals":20},{"Variable":"$.value","NumericLessThan":30}],"Next":"ValueInTwenties"}],"Default":"DefaultState"}`)
	guide := []byte(`{"Type": "Choice", "Choices": [{"Variable": "$.number", "NumericEquals": 1, "Next": "Equals 1"}, {"Variable": "$.number", "NumericEquals": 2, "Next": "Equals 2"}], "Default": "No Match"}`)
	runCases(t, []testCase{
		{name: "info", req: Request{Definition: def, Input: jsonvalue.MustParse(`{"type":"Private","value":22}`)},
			want: `{"output":"{\"type\":\"Private\",\"value\":22}","nextState":"ValueInTwenties","status":"SUCCEEDED"}`},
		{name: "debug", req: Request{Definition: def, Input: jsonvalue.MustParse(`{"type":"Private","value":22}`), InspectionLevel: LevelDebug},
			want: `{"output":"{\"type\":\"Private\",\"value\":22}","inspectionData":{"input":"{\"type\":\"Private\",\"value\":22}","afterInputPath":"{\"type\":\"Private\",\"value\":22}"},"nextState":"ValueInTwenties","status":"SUCCEEDED"}`},
		{name: "default", req: Request{Definition: def, Input: jsonvalue.MustParse(`{"type":"Private","value":5}`)},
			want: `{"output":"{\"type\":\"Private\",\"value\":5}","nextState":"DefaultState","status":"SUCCEEDED"}`},
		{name: "guide example", req: Request{Definition: guide, Input: jsonvalue.MustParse(`{"number": 2}`), RawInput: []byte(`{"number": 2}`)},
			want: `{"output":"{\"number\": 2}","nextState":"Equals 2","status":"SUCCEEDED"}`},
		{name: "no match", req: Request{Definition: []byte(`{"Type":"Choice","Choices":[{"Variable":"$.n","IsPresent":true,"Next":"A"}]}`), Input: jsonvalue.MustParse(`{}`)},
			want: `{"error":"States.NoChoiceMatched","cause":"No Matches!","status":"FAILED"}`},
		{name: "output path", req: Request{Definition: []byte(`{"Type":"Choice","OutputPath":"$.a","Choices":[{"Variable":"$.a","IsPresent":true,"Next":"A"}]}`), Input: jsonvalue.MustParse(`{"a":[1]}`)},
			want: `{"output":"[1]","nextState":"A","status":"SUCCEEDED"}`},
		{name: "bad comparison path", req: Request{Definition: []byte(`{"Type":"Choice","Choices":[{"Variable":"$.a","StringEqualsPath":"$.b","Next":"A"}]}`), Input: jsonvalue.MustParse(`{"a":"x"}`)},
			want: `{"error":"States.Runtime","cause":"Invalid path '$.b': The choice state's condition path references an invalid value.","status":"FAILED"}`},
	})
}

func TestWaitSucceedFail(t *testing.T) {
	t.Parallel()
	in := jsonvalue.MustParse(helloInput)
	runCases(t, []testCase{
		// TestState does not wait, however long the state would.
		{name: "wait seconds", req: Request{Definition: []byte(`{"Type":"Wait","Seconds":3600,"Next":"After"}`), Input: in, InspectionLevel: LevelDebug},
			want: `{"output":"{\"Value\":\"HelloWorld\"}","inspectionData":{"input":"{\"Value\":\"HelloWorld\"}","afterInputPath":"{\"Value\":\"HelloWorld\"}"},"nextState":"After","status":"SUCCEEDED"}`},
		{name: "wait timestamp path", req: Request{Definition: []byte(`{"Type":"Wait","TimestampPath":"$.t","OutputPath":"$.t","End":true}`), Input: jsonvalue.MustParse(`{"t":"2030-01-01T00:00:00Z"}`)},
			want: `{"output":"\"2030-01-01T00:00:00Z\"","status":"SUCCEEDED"}`},
		{name: "wait negative seconds", req: Request{Definition: []byte(`{"Type":"Wait","SecondsPath":"$.s","End":true}`), Input: jsonvalue.MustParse(`{"s":-1}`)},
			want: `{"error":"States.Runtime","cause":"The SecondsPath parameter references a negative value: $.s == -1","status":"FAILED"}`},
		{name: "wait fractional seconds", req: Request{Definition: []byte(`{"Type":"Wait","SecondsPath":"$.s","End":true}`), Input: jsonvalue.MustParse(`{"s":1.5}`)},
			want: `{"error":"States.Runtime","cause":"The SecondsPath parameter cannot be parsed as a long value: $.s == 1.5","status":"FAILED"}`},
		{name: "wait bad timestamp", req: Request{Definition: []byte(`{"Type":"Wait","TimestampPath":"$.t","End":true}`), Input: jsonvalue.MustParse(`{"t":"soon"}`)},
			want: `{"error":"States.Runtime","cause":"The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: $.t == soon","status":"FAILED"}`},
		{name: "succeed", req: Request{Definition: []byte(`{"Type":"Succeed"}`), Input: in, InspectionLevel: LevelTrace},
			want: `{"output":"{\"Value\":\"HelloWorld\"}","inspectionData":{"input":"{\"Value\":\"HelloWorld\"}","afterInputPath":"{\"Value\":\"HelloWorld\"}"},"status":"SUCCEEDED"}`},
		{name: "succeed output path", req: Request{Definition: []byte(`{"Type":"Succeed","OutputPath":"$.Value"}`), Input: in},
			want: `{"output":"\"HelloWorld\"","status":"SUCCEEDED"}`},
		{name: "fail info", req: Request{Definition: []byte(`{"Type":"Fail","Error":"SomeFailure","Cause":"This state machines raises a 'SomeFailure' failure."}`), Input: in},
			want: `{"error":"SomeFailure","cause":"This state machines raises a 'SomeFailure' failure.","status":"FAILED"}`},
		{name: "fail debug", req: Request{Definition: []byte(`{"Type":"Fail","Error":"SomeFailure","Cause":"This state machines raises a 'SomeFailure' failure."}`), Input: in, InspectionLevel: LevelDebug},
			want: `{"error":"SomeFailure","cause":"This state machines raises a 'SomeFailure' failure.","inspectionData":{"input":"{\"Value\":\"HelloWorld\"}","afterInputPath":"{\"Value\":\"HelloWorld\"}"},"status":"FAILED"}`},
		{name: "fail without cause", req: Request{Definition: []byte(`{"Type":"Fail","Error":"E"}`), Input: in},
			want: `{"error":"E","status":"FAILED"}`},
		{name: "fail paths", req: Request{Definition: []byte(`{"Type":"Fail","ErrorPath":"$.Value","CausePath":"States.Format('because {}', $.Value)"}`), Input: in},
			want: `{"error":"HelloWorld","cause":"because HelloWorld","status":"FAILED"}`},
		{name: "fail path not a string", req: Request{Definition: []byte(`{"Type":"Fail","ErrorPath":"$"}`), Input: in},
			want: `{"error":"States.Runtime","cause":"The ErrorPath field must reference a string value but was: {\"Value\":\"HelloWorld\"}","status":"FAILED"}`},
	})
}

func TestTask(t *testing.T) {
	t.Parallel()
	in := jsonvalue.MustParse(`{"inputData":"HelloWorld"}`)
	lambda := []byte(`{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:111111111111:function:f","End":true}`)
	retry := []byte(`{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"foo","Payload":"bar"},"Retry":[{"ErrorEquals":["MockException"],"IntervalSeconds":1,"MaxAttempts":5,"BackoffRate":2.0}],"End":true}`)
	catch := []byte(`{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Catch":[{"ErrorEquals":["MockException"],"Next":"HandleMockError"},{"ErrorEquals":["States.TaskFailed"],"ResultPath":"$.error","Next":"HandleThreshold"}],"End":true}`)
	both := []byte(`{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Retry":[{"ErrorEquals":["Other"]},{"ErrorEquals":["States.ALL"],"MaxAttempts":1,"IntervalSeconds":3}],"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Handler"}],"Next":"Done"}`)
	mockErr := &Mock{ErrorOutput: &MockErrorOutput{Error: "MockException", Cause: "Mock the cause of the error."}}
	runCases(t, []testCase{
		{name: "invoke info", req: Request{Definition: lambda, Input: in, RoleArn: role}, invoke: fixed(`"HelloWorld!"`),
			want: `{"output":"\"HelloWorld!\"","status":"SUCCEEDED"}`},
		{name: "invoke debug", req: Request{Definition: lambda, Input: in, RoleArn: role, InspectionLevel: LevelDebug}, invoke: fixed(`"HelloWorld!"`),
			want: `{"output":"\"HelloWorld!\"","inspectionData":{"input":"{\"inputData\":\"HelloWorld\"}","afterInputPath":"{\"inputData\":\"HelloWorld\"}","afterParameters":"{\"inputData\":\"HelloWorld\"}","result":"\"HelloWorld!\"","afterResultSelector":"\"HelloWorld!\"","afterResultPath":"\"HelloWorld!\""},"status":"SUCCEEDED"}`},
		{name: "invoke trace", req: Request{Definition: lambda, Input: in, RoleArn: role, InspectionLevel: LevelTrace}, invoke: fixed(`"HelloWorld!"`),
			want: `{"output":"\"HelloWorld!\"","inspectionData":{"input":"{\"inputData\":\"HelloWorld\"}","afterInputPath":"{\"inputData\":\"HelloWorld\"}","afterParameters":"{\"inputData\":\"HelloWorld\"}","result":"\"HelloWorld!\"","afterResultSelector":"\"HelloWorld!\"","afterResultPath":"\"HelloWorld!\""},"status":"SUCCEEDED"}`},
		{name: "result selector and path", req: Request{Definition: []byte(`{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","ResultSelector":{"p.$":"$.Payload"},"ResultPath":"$.r","OutputPath":"$.r","Next":"N"}`), Input: in, RoleArn: role, InspectionLevel: LevelDebug},
			invoke: fixed(`{"Payload":{"ok":true},"StatusCode":200}`),
			want:   `{"output":"{\"p\":{\"ok\":true}}","inspectionData":{"input":"{\"inputData\":\"HelloWorld\"}","afterInputPath":"{\"inputData\":\"HelloWorld\"}","afterParameters":"{\"inputData\":\"HelloWorld\"}","result":"{\"Payload\":{\"ok\":true},\"StatusCode\":200}","afterResultSelector":"{\"p\":{\"ok\":true}}","afterResultPath":"{\"inputData\":\"HelloWorld\",\"r\":{\"p\":{\"ok\":true}}}"},"nextState":"N","status":"SUCCEEDED"}`},
		{name: "mock result", req: Request{Definition: lambda, Input: in, Mock: &Mock{Result: str(`{"Payload": "function output"}`)}},
			want: `{"output":"{\"Payload\": \"function output\"}","status":"SUCCEEDED"}`},
		{name: "invoke failure", req: Request{Definition: lambda, Input: in, RoleArn: role, InspectionLevel: LevelDebug}, invoke: failing("Lambda.Unknown", "boom"),
			want: `{"error":"Lambda.Unknown","cause":"boom","inspectionData":{"input":"{\"inputData\":\"HelloWorld\"}","afterInputPath":"{\"inputData\":\"HelloWorld\"}","afterParameters":"{\"inputData\":\"HelloWorld\"}"},"status":"FAILED"}`},
		{name: "no invoke function", req: Request{Definition: lambda, Input: in, RoleArn: role},
			want: `{"error":"States.TaskFailed","cause":"The resource 'arn:aws:lambda:us-east-1:111111111111:function:f' is not available to TestState","status":"FAILED"}`},
		// Recorded from AWS: MaxAttempts 5, four retries so far, a backoff
		// of 1 × 2^4 seconds.
		{name: "retriable", req: Request{Definition: retry, Input: in, Mock: mockErr, Config: &StateConfiguration{RetrierRetryCount: 4}, InspectionLevel: LevelDebug},
			want: `{"error":"MockException","cause":"Mock the cause of the error.","inspectionData":{"input":"{\"inputData\":\"HelloWorld\"}","afterInputPath":"{\"inputData\":\"HelloWorld\"}","afterParameters":"{\"FunctionName\":\"foo\",\"Payload\":\"bar\"}","errorDetails":{"retryIndex":0,"retryBackoffIntervalSeconds":16}},"status":"RETRIABLE"}`},
		{name: "retries exhausted", req: Request{Definition: retry, Input: in, Mock: mockErr, Config: &StateConfiguration{RetrierRetryCount: 5}, InspectionLevel: LevelTrace},
			want: `{"error":"MockException","cause":"Mock the cause of the error.","inspectionData":{"input":"{\"inputData\":\"HelloWorld\"}","afterInputPath":"{\"inputData\":\"HelloWorld\"}","afterParameters":"{\"FunctionName\":\"foo\",\"Payload\":\"bar\"}","errorDetails":{"retryIndex":0}},"status":"FAILED"}`},
		{name: "retriable info", req: Request{Definition: retry, Input: in, Mock: mockErr},
			want: `{"error":"MockException","cause":"Mock the cause of the error.","status":"RETRIABLE"}`},
		{name: "retrier does not match", req: Request{Definition: retry, Input: in, Mock: &Mock{ErrorOutput: &MockErrorOutput{Error: "Other", Cause: "c"}}},
			want: `{"error":"Other","cause":"c","status":"FAILED"}`},
		{name: "caught", req: Request{Definition: catch, Input: jsonvalue.MustParse(helloInput), Mock: mockErr, InspectionLevel: LevelDebug},
			want: `{"output":"{\"Error\":\"MockException\",\"Cause\":\"Mock the cause of the error.\"}","error":"MockException","cause":"Mock the cause of the error.","inspectionData":{"input":"{\"Value\":\"HelloWorld\"}","afterInputPath":"{\"Value\":\"HelloWorld\"}","afterParameters":"{\"Value\":\"HelloWorld\"}","errorDetails":{"catchIndex":0}},"nextState":"HandleMockError","status":"CAUGHT_ERROR"}`},
		{name: "caught by task failed", req: Request{Definition: catch, Input: jsonvalue.MustParse(helloInput), Mock: &Mock{ErrorOutput: &MockErrorOutput{Error: "States.TaskFailed", Cause: "The task failed."}}},
			want: `{"output":"{\"Value\":\"HelloWorld\",\"error\":{\"Error\":\"States.TaskFailed\",\"Cause\":\"The task failed.\"}}","error":"States.TaskFailed","cause":"The task failed.","nextState":"HandleThreshold","status":"CAUGHT_ERROR"}`},
		{name: "invoke failure caught", req: Request{Definition: catch, Input: jsonvalue.MustParse(helloInput), RoleArn: role}, invoke: failing("Lambda.Any", "x"),
			want: `{"output":"{\"Value\":\"HelloWorld\",\"error\":{\"Error\":\"Lambda.Any\",\"Cause\":\"x\"}}","error":"Lambda.Any","cause":"x","nextState":"HandleThreshold","status":"CAUGHT_ERROR"}`},
		{name: "second retrier", req: Request{Definition: both, Input: in, Mock: mockErr, InspectionLevel: LevelDebug},
			want: `{"error":"MockException","cause":"Mock the cause of the error.","inspectionData":{"input":"{\"inputData\":\"HelloWorld\"}","afterInputPath":"{\"inputData\":\"HelloWorld\"}","afterParameters":"{\"inputData\":\"HelloWorld\"}","errorDetails":{"retryIndex":1,"retryBackoffIntervalSeconds":3}},"status":"RETRIABLE"}`},
		{name: "retries exhausted then caught", req: Request{Definition: both, Input: in, Mock: mockErr, Config: &StateConfiguration{RetrierRetryCount: 1}, InspectionLevel: LevelDebug},
			want: `{"output":"{\"Error\":\"MockException\",\"Cause\":\"Mock the cause of the error.\"}","error":"MockException","cause":"Mock the cause of the error.","inspectionData":{"input":"{\"inputData\":\"HelloWorld\"}","afterInputPath":"{\"inputData\":\"HelloWorld\"}","afterParameters":"{\"inputData\":\"HelloWorld\"}","errorDetails":{"catchIndex":0,"retryIndex":1}},"nextState":"Handler","status":"CAUGHT_ERROR"}`},
		{name: "backoff capped", req: Request{Definition: []byte(`{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Retry":[{"ErrorEquals":["States.ALL"],"IntervalSeconds":10,"BackoffRate":3,"MaxAttempts":10,"MaxDelaySeconds":60}],"End":true}`),
			Input: in, Mock: mockErr, Config: &StateConfiguration{RetrierRetryCount: 3}, InspectionLevel: LevelDebug},
			want: `{"error":"MockException","cause":"Mock the cause of the error.","inspectionData":{"input":"{\"inputData\":\"HelloWorld\"}","afterInputPath":"{\"inputData\":\"HelloWorld\"}","afterParameters":"{\"inputData\":\"HelloWorld\"}","errorDetails":{"retryIndex":0,"retryBackoffIntervalSeconds":60}},"status":"RETRIABLE"}`},
		{name: "fractional backoff truncated", req: Request{Definition: []byte(`{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Retry":[{"ErrorEquals":["States.ALL"],"IntervalSeconds":3,"BackoffRate":1.5}],"End":true}`),
			Input: in, Mock: mockErr, Config: &StateConfiguration{RetrierRetryCount: 2}},
			want: `{"error":"MockException","cause":"Mock the cause of the error.","status":"RETRIABLE"}`},
		// States.Runtime is never retried or caught.
		{name: "runtime error not caught", req: Request{Definition: []byte(`{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"a.$":"$.missing"},"Retry":[{"ErrorEquals":["States.ALL"]}],"Catch":[{"ErrorEquals":["States.ALL"],"Next":"H"}],"End":true}`),
			Input: jsonvalue.MustParse(`{}`), Mock: mockErr},
			want: `{"error":"States.Runtime","cause":"The JsonPath argument for the field 'a.$' could not be found in the input '{}'","status":"FAILED"}`},
		{name: "catcher result path fails", req: Request{Definition: []byte(`{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.a.b","Next":"H"}],"End":true}`),
			Input: "text", Mock: mockErr},
			want: `{"error":"States.ResultPathMatchFailure","cause":"Unable to apply ReferencePath $.a.b to input \"text\"","status":"FAILED"}`},
		{name: "intrinsic failure not caught", req: Request{Definition: []byte(`{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"a.$":"States.ArrayGetItem($.a, 5)"},"Catch":[{"ErrorEquals":["States.ALL"],"Next":"H"}],"End":true}`),
			Input: jsonvalue.MustParse(`{"a":[1]}`), Mock: &Mock{Result: str(`1`)}},
			want: `{"error":"States.Runtime","cause":"There was an error while evaluating the intrinsic function: States.ArrayGetItem($.a, 5). Invalid arguments in States.ArrayGetItem","status":"FAILED"}`},
		{name: "timeout path", req: Request{Definition: []byte(`{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","TimeoutSecondsPath":"$.t","End":true}`),
			Input: jsonvalue.MustParse(`{"t":0}`), Mock: &Mock{Result: str(`1`)}},
			want: `{"error":"States.Runtime","cause":"The TimeoutSecondsPath field must reference a positive integer value but was: 0","status":"FAILED"}`},
		{name: "result too large", req: Request{Definition: lambda, Input: in, RoleArn: role}, invoke: fixed(`"` + strings.Repeat("x", 300*1024) + `"`),
			want: `{"error":"States.DataLimitExceeded","cause":"The state/task 'StateName' returned a result with a size exceeding the maximum number of bytes service limit.","status":"FAILED"}`},
	})
}

func TestTaskRequest(t *testing.T) {
	t.Parallel()
	var got *interp.TaskRequest
	invoke := func(_ context.Context, req *interp.TaskRequest) (jsonvalue.Value, *interp.TaskFailure) {
		got = req
		return "ok", nil
	}
	r := Request{
		Definition: []byte(`{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f","Payload.$":"$"},"TimeoutSeconds":30,"HeartbeatSeconds":10,"Credentials":{"RoleArn":"arn:aws:iam::1:role/x"},"End":true}`),
		Input:      jsonvalue.MustParse(`{"a":1}`), RoleArn: role, Config: &StateConfiguration{RetrierRetryCount: 2}, Env: env(),
	}
	if _, err := Run(context.Background(), r, invoke); err != nil {
		t.Fatal(err)
	}
	if got == nil {
		t.Fatal("invoke was not called")
	}
	if got.StateName != wrapName || got.Resource != "arn:aws:states:::lambda:invoke" || got.TimeoutSeconds != 30 ||
		got.HeartbeatSeconds != 10 || got.Attempt != 2 || got.Token != "" {
		t.Errorf("task request = %+v", got)
	}
	if s := jsonvalue.Marshal(got.Parameters); s != `{"FunctionName":"f","Payload":{"a":1}}` {
		t.Errorf("parameters = %s", s)
	}
	if s := jsonvalue.Marshal(got.Credentials); s != `{"RoleArn":"arn:aws:iam::1:role/x"}` {
		t.Errorf("credentials = %s", s)
	}
}

func TestTaskTimeout(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	block := func(ctx context.Context, _ *interp.TaskRequest) (jsonvalue.Value, *interp.TaskFailure) {
		calls.Add(1)
		<-ctx.Done()
		return nil, nil
	}
	r := Request{Definition: []byte(`{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","TimeoutSeconds":1,"Catch":[{"ErrorEquals":["States.Timeout"],"Next":"Late"}],"End":true}`),
		Input: jsonvalue.MustParse(`{}`), RoleArn: role, Env: env()}
	start := time.Now()
	resp, err := Run(context.Background(), r, block)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"output":"{\"Error\":\"States.Timeout\"}","error":"States.Timeout","nextState":"Late","status":"CAUGHT_ERROR"}`
	if got := string(resp.AppendJSON(nil)); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if d := time.Since(start); d < time.Second || d > 10*time.Second {
		t.Errorf("the timeout took %v", d)
	}
	if calls.Load() != 1 {
		t.Errorf("invoke called %d times", calls.Load())
	}
}

func TestCancel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	block := func(ctx context.Context, _ *interp.TaskRequest) (jsonvalue.Value, *interp.TaskFailure) {
		cancel()
		<-ctx.Done()
		return nil, nil
	}
	r := Request{Definition: []byte(`{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}`), Input: jsonvalue.MustParse(`{}`), RoleArn: role, Env: env()}
	_, err := Run(ctx, r, block)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestContextObject(t *testing.T) {
	t.Parallel()
	provided := `{"Execution":{"Id":"arn:aws:states:::execution:MyStateMachine:execution-name-12345","Input":{"input-value":0},"Name":"execution-name-12345","RoleArn":"arn:aws:iam:::role/StepFunctionsRole","StartTime":"2025-01-15T10:30:00.000Z"},"State":{"EnteredTime":"2025-01-15T10:30:01.500Z","Name":"MyTaskState","RetryCount":0},"StateMachine":{"Id":"arn:aws:states:::stateMachine:MyStateMachine","Name":"MyStateMachine"}}`
	ctxTask := []byte(`{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"c.$":"$$"},"ResultSelector":{"c.$":"$$.Execution.Input"},"End":true}`)
	runCases(t, []testCase{
		{name: "provided", req: Request{Definition: ctxTask, Context: jsonvalue.MustParse(provided), Mock: &Mock{Result: str(`{}`)}},
			want: `{"output":"{\"c\":{\"input-value\":0}}","status":"SUCCEEDED"}`},
		{name: "empty", req: Request{Definition: []byte(`{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","ResultSelector":{"c.$":"$$"},"End":true}`), Context: jsonvalue.MustParse(`{}`), Mock: &Mock{Result: str(`{}`)}},
			want: `{"output":"{\"c\":{}}","status":"SUCCEEDED"}`},
		{name: "default", req: Request{Definition: []byte(`{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","ResultSelector":{"c.$":"$$"},"End":true}`), Input: jsonvalue.MustParse(`{"a":1}`), Mock: &Mock{Result: str(`{}`)}},
			want: `{"output":"{\"c\":{\"Execution\":{\"Id\":\"arn:aws:states:us-east-1:123456789012:express:10f5ee56-86a5-45c4-acec-7d07adc3ce9d:88802f31-0546-40c8-9ac1-3ab6dcc0edcb\",\"Input\":{\"a\":1},\"Name\":\"88802f31-0546-40c8-9ac1-3ab6dcc0edcb\",\"RoleArn\":null,\"StartTime\":\"2025-01-02T03:04:05.006Z\"},\"StateMachine\":{\"Id\":\"arn:aws:states:us-east-1:123456789012:stateMachine:10f5ee56-86a5-45c4-acec-7d07adc3ce9d\",\"Name\":\"10f5ee56-86a5-45c4-acec-7d07adc3ce9d\"},\"State\":{\"Name\":\"StateName\",\"EnteredTime\":\"2025-01-02T03:04:05.006Z\",\"RetryCount\":0}}}","status":"SUCCEEDED"}`},
		{name: "default pass", req: Request{Definition: []byte(`{"Type":"Pass","Parameters":{"s.$":"$$.State","r.$":"$$.Execution.RoleArn"},"End":true}`), RoleArn: role},
			want: `{"output":"{\"s\":{\"Name\":\"StateName\",\"EnteredTime\":\"2025-01-02T03:04:05.006Z\"},\"r\":\"arn:aws:iam::123456789012:role/test\"}","status":"SUCCEEDED"}`},
		{name: "task token", req: Request{Definition: []byte(`{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"QueueUrl":"q","MessageBody":{"TaskToken.$":"$$.Task.Token"}},"ResultPath":"$.SQS","Next":"NEXT_STATE"}`),
			Context: jsonvalue.MustParse(`{"Task":{"Token":"abcd123"}}`), Mock: &Mock{Result: str(`{"pokemon":["charizard"]}`)}, InspectionLevel: LevelDebug},
			want: `{"output":"{\"SQS\":{\"pokemon\":[\"charizard\"]}}","inspectionData":{"input":"{}","afterInputPath":"{}","afterParameters":"{\"QueueUrl\":\"q\",\"MessageBody\":{\"TaskToken\":\"abcd123\"}}","result":"{\"pokemon\":[\"charizard\"]}","afterResultSelector":"{\"pokemon\":[\"charizard\"]}","afterResultPath":"{\"SQS\":{\"pokemon\":[\"charizard\"]}}"},"nextState":"NEXT_STATE","status":"SUCCEEDED"}`},
	})
}

func TestStateName(t *testing.T) {
	t.Parallel()
	machine := []byte(`{"StartAt":"State0","States":{"State0":{"Type":"Pass","Next":"State1"},"State1":{"Type":"Fail","Error":"SomeFailure","Cause":"c"}}}`)
	mapMachine := []byte(`{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.Values","ItemProcessor":{"StartAt":"HandleItem","States":{"HandleItem":{"Type":"Pass","Parameters":{"i.$":"$$.Map.Item.Index","v.$":"$$.Map.Item.Value"},"End":true}}},"End":true}}}`)
	parallel := []byte(`{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"B","States":{"B":{"Type":"Choice","Choices":[{"Variable":"$.x","IsPresent":true,"Next":"C"}],"Default":"D"},"C":{"Type":"Succeed"},"D":{"Type":"Succeed"}}}],"End":true}}}`)
	runCases(t, []testCase{
		{name: "first", req: Request{Definition: machine, StateName: "State0", Input: jsonvalue.MustParse(helloInput)},
			want: `{"output":"{\"Value\":\"HelloWorld\"}","nextState":"State1","status":"SUCCEEDED"}`},
		{name: "second", req: Request{Definition: machine, StateName: "State1", Input: jsonvalue.MustParse(helloInput)},
			want: `{"error":"SomeFailure","cause":"c","status":"FAILED"}`},
		{name: "inside map", req: Request{Definition: mapMachine, StateName: "HandleItem", Input: jsonvalue.MustParse(helloInput)},
			want: `{"output":"{\"i\":0,\"v\":{\"Value\":\"HelloWorld\"}}","status":"SUCCEEDED"}`},
		{name: "inside parallel", req: Request{Definition: parallel, StateName: "B", Input: jsonvalue.MustParse(`{"x":1}`)},
			want: `{"output":"{\"x\":1}","nextState":"C","status":"SUCCEEDED"}`},
	})
}

func TestMap(t *testing.T) {
	t.Parallel()
	values := jsonvalue.MustParse(`{"Values":["first","second","third"]}`)
	machine := []byte(`{"StartAt":"State0","States":{"State0":{"Type":"Map","ItemsPath":"$.Values","ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"HandleItem","States":{"HandleItem":{"Type":"Pass","End":true}}},"ToleratedFailureCount":2,"End":true}}}`)
	processor := `"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`
	distributed := `"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`
	withCatch := []byte(`{"Type":"Map","ItemsPath":"$.Values",` + distributed + `,"ToleratedFailureCount":1,"Catch":[{"ErrorEquals":["Other"],"Next":"X"},{"ErrorEquals":["States.ExceedToleratedFailureThreshold"],"Next":"HandleThreshold"}],"End":true}`)
	withRetry := []byte(`{"Type":"Map","ItemsPath":"$.Values",` + distributed + `,"ToleratedFailureCount":1,"Retry":[{"ErrorEquals":["MockException"],"MaxAttempts":3},{"ErrorEquals":["States.ExceedToleratedFailureThreshold"],"MaxAttempts":2}],"End":true}`)
	selector := []byte(`{"Type":"Map","ItemsPath":"$.items","ItemSelector":{"value.$":"$$.Map.Item.Value","index.$":"$$.Map.Item.Index"},` + processor + `,"MaxConcurrency":2,"ResultPath":"$.out","End":true}`)
	runCases(t, []testCase{
		{name: "mocked info", req: Request{Definition: machine, StateName: "State0", Input: values, Mock: &Mock{Result: str(`[1, 4, 9]`)}},
			want: `{"output":"[1, 4, 9]","status":"SUCCEEDED"}`},
		{name: "mocked debug", req: Request{Definition: machine, StateName: "State0", Input: values, Mock: &Mock{Result: str(`[1, 4, 9]`)}, InspectionLevel: LevelDebug},
			want: `{"output":"[1, 4, 9]","inspectionData":{"input":"{\"Values\":[\"first\",\"second\",\"third\"]}","afterInputPath":"{\"Values\":[\"first\",\"second\",\"third\"]}","afterResultSelector":"[1, 4, 9]","afterResultPath":"[1, 4, 9]","afterItemsPath":"[\"first\", \"second\", \"third\"]","toleratedFailureCount":2,"maxConcurrency":0},"status":"SUCCEEDED"}`},
		// Recorded from AWS: the mocked error is the Map state's error.
		{name: "mocked error", req: Request{Definition: machine, StateName: "State0", Input: values, InspectionLevel: LevelDebug,
			Mock: &Mock{ErrorOutput: &MockErrorOutput{Error: "MockException", Cause: "Mock the error cause."}}, Config: &StateConfiguration{ErrorCausedByState: "HandleItem", MapIterationFailureCount: 2}},
			want: `{"error":"MockException","cause":"Mock the error cause.","inspectionData":{"input":"{\"Values\":[\"first\",\"second\",\"third\"]}","afterInputPath":"{\"Values\":[\"first\",\"second\",\"third\"]}","afterItemsPath":"[\"first\", \"second\", \"third\"]","toleratedFailureCount":2,"maxConcurrency":0},"status":"FAILED"}`},
		{name: "threshold caught", req: Request{Definition: withCatch, Input: values, Mock: &Mock{Result: str(`[0, 0, 1]`)}, Config: &StateConfiguration{MapIterationFailureCount: 2}, InspectionLevel: LevelDebug},
			want: `{"output":"{\"Error\":\"States.ExceedToleratedFailureThreshold\",\"Cause\":\"The specified tolerated failure threshold was exceeded\"}","error":"States.ExceedToleratedFailureThreshold","cause":"The specified tolerated failure threshold was exceeded","inspectionData":{"input":"{\"Values\":[\"first\",\"second\",\"third\"]}","afterInputPath":"{\"Values\":[\"first\",\"second\",\"third\"]}","errorDetails":{"catchIndex":1},"afterItemsPath":"[\"first\", \"second\", \"third\"]","toleratedFailureCount":1,"maxConcurrency":0},"nextState":"HandleThreshold","status":"CAUGHT_ERROR"}`},
		{name: "threshold retriable", req: Request{Definition: withRetry, Input: values, Mock: &Mock{Result: str(`[0, 0, 1]`)}, Config: &StateConfiguration{MapIterationFailureCount: 2}, InspectionLevel: LevelDebug},
			want: `{"error":"States.ExceedToleratedFailureThreshold","cause":"The specified tolerated failure threshold was exceeded","inspectionData":{"input":"{\"Values\":[\"first\",\"second\",\"third\"]}","afterInputPath":"{\"Values\":[\"first\",\"second\",\"third\"]}","errorDetails":{"retryIndex":1,"retryBackoffIntervalSeconds":1},"afterItemsPath":"[\"first\", \"second\", \"third\"]","toleratedFailureCount":1,"maxConcurrency":0},"status":"RETRIABLE"}`},
		{name: "within threshold", req: Request{Definition: withRetry, Input: values, Mock: &Mock{Result: str(`[1, 1, 1]`)}, Config: &StateConfiguration{MapIterationFailureCount: 1}},
			want: `{"output":"[1, 1, 1]","status":"SUCCEEDED"}`},
		// Recorded from AWS: without a threshold the failure count has no effect.
		{name: "no threshold", req: Request{Definition: []byte(`{"Type":"Map","ItemsPath":"$.Values",` + processor + `,"End":true}`), Input: values, Mock: &Mock{Result: str(`[0, 0, 1]`)}, Config: &StateConfiguration{MapIterationFailureCount: 2}},
			want: `{"output":"[0, 0, 1]","status":"SUCCEEDED"}`},
		{name: "percentage", req: Request{Definition: []byte(`{"Type":"Map",` + distributed + `,"ToleratedFailurePercentage":50,"End":true}`), Input: jsonvalue.MustParse(`[1,2,3,4]`),
			Mock: &Mock{Result: str(`[]`)}, Config: &StateConfiguration{MapIterationFailureCount: 3}, InspectionLevel: LevelDebug},
			want: `{"error":"States.ExceedToleratedFailureThreshold","cause":"The specified tolerated failure threshold was exceeded","inspectionData":{"input":"[1,2,3,4]","afterInputPath":"[1,2,3,4]","afterItemsPath":"[1, 2, 3, 4]","toleratedFailurePercentage":50.0,"maxConcurrency":0},"status":"FAILED"}`},
		{name: "item selector", req: Request{Definition: selector, Input: jsonvalue.MustParse(`{"items":[1,2]}`), Mock: &Mock{Result: str(`[10,20]`)}, InspectionLevel: LevelDebug},
			want: `{"output":"{\"items\":[1,2],\"out\":[10,20]}","inspectionData":{"input":"{\"items\":[1,2]}","afterInputPath":"{\"items\":[1,2]}","afterResultSelector":"[10,20]","afterResultPath":"{\"items\":[1,2],\"out\":[10,20]}","afterItemsPath":"[1, 2]","afterItemSelector":"[{\"value\":1,\"index\":0}, {\"value\":2,\"index\":1}]","maxConcurrency":2},"status":"SUCCEEDED"}`},
		{name: "item batcher", req: Request{Definition: []byte(`{"Type":"Map","ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"ItemBatcher":{"MaxItemsPerBatch":2,"BatchInput":{"k":"v"}},"End":true}`),
			Input: jsonvalue.MustParse(`[1,2,3]`), Mock: &Mock{Result: str(`[]`)}, InspectionLevel: LevelDebug},
			want: `{"output":"[]","inspectionData":{"input":"[1,2,3]","afterInputPath":"[1,2,3]","afterResultSelector":"[]","afterResultPath":"[]","afterItemsPath":"[1, 2, 3]","afterItemBatcher":"[{\"BatchInput\":{\"k\":\"v\"},\"Items\":[1,2]}, {\"BatchInput\":{\"k\":\"v\"},\"Items\":[3]}]","maxConcurrency":0},"status":"SUCCEEDED"}`},
		// Recorded from AWS for ItemsPath "$$" on an object.
		{name: "items not an array", req: Request{Definition: []byte(`{"Type":"Map","ItemsPath":"$$",` + processor + `,"End":true}`), Input: jsonvalue.MustParse(`["fire"]`),
			Context: jsonvalue.MustParse(`{"Execution":{"Input":{"a":1}}}`), Mock: &Mock{Result: str(`[]`)}},
			want: `{"error":"States.Runtime","cause":"Reference path \"$\" must point to array.","status":"FAILED"}`},
		{name: "items from context", req: Request{Definition: []byte(`{"Type":"Map","ItemsPath":"$$.Execution.Input.values","MaxConcurrency":1,` + processor + `,"End":true}`), Input: jsonvalue.MustParse(`["fire"]`),
			Context: jsonvalue.MustParse(`{"Execution":{"Input":{"values":["charizard","pikachu"]}}}`), Mock: &Mock{Result: str(`["CHARIZARD", "PIKACHU"]`)}, InspectionLevel: LevelDebug},
			want: `{"output":"[\"CHARIZARD\", \"PIKACHU\"]","inspectionData":{"input":"[\"fire\"]","afterInputPath":"[\"fire\"]","afterResultSelector":"[\"CHARIZARD\", \"PIKACHU\"]","afterResultPath":"[\"CHARIZARD\", \"PIKACHU\"]","afterItemsPath":"[\"charizard\", \"pikachu\"]","maxConcurrency":1},"status":"SUCCEEDED"}`},
		{name: "bad max concurrency path", req: Request{Definition: []byte(`{"Type":"Map","MaxConcurrencyPath":"$.m","ItemsPath":"$.i",` + processor + `,"End":true}`), Input: jsonvalue.MustParse(`{"m":"x","i":[]}`), Mock: &Mock{Result: str(`[]`)}},
			want: `{"error":"States.Runtime","cause":"The MaxConcurrencyPath field refers to value \"x\" which is not a valid integer: $.m","status":"FAILED"}`},
	})
}

func TestParallel(t *testing.T) {
	t.Parallel()
	def := []byte(`{"Type":"Parallel","ResultSelector":{"picked":{"x.$":"$[0].x"}},"ResultPath":"$.payload","OutputPath":"$.payload.picked","Branches":[{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}},{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}}],"Next":"After"}`)
	runCases(t, []testCase{
		{name: "mocked", req: Request{Definition: def, Mock: &Mock{Result: str(`[{"x":1,"y":2},{"x":3,"y":4}]`)}, InspectionLevel: LevelDebug},
			want: `{"output":"{\"x\":1}","inspectionData":{"input":"{}","afterInputPath":"{}","afterParameters":"{}","afterResultSelector":"{\"picked\":{\"x\":1}}","afterResultPath":"{\"payload\":{\"picked\":{\"x\":1}}}"},"nextState":"After","status":"SUCCEEDED"}`},
		{name: "mocked error", req: Request{Definition: def, Mock: &Mock{ErrorOutput: &MockErrorOutput{Error: "States.TaskFailed", Cause: "c"}}, Config: &StateConfiguration{ErrorCausedByState: "A"}},
			want: `{"error":"States.TaskFailed","cause":"c","status":"FAILED"}`},
	})
}

// TestRequestErrors covers the requests AWS refuses, with the messages
// recorded from AWS where they are known.
func TestRequestErrors(t *testing.T) {
	t.Parallel()
	pass := []byte(`{"Type":"Pass","End":true}`)
	task := []byte(`{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}`)
	mapState := []byte(`{"Type":"Map","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}`)
	parallel := []byte(`{"Type":"Parallel","Branches":[{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}],"End":true}`)
	machine := []byte(`{"StartAt":"State0","States":{"State0":{"Type":"Pass","End":true}}}`)
	result := &Mock{Result: str(`{"mock":"the unmockable"}`)}
	cases := []struct {
		name        string
		req         Request
		code, msg   string
		diagnostics int
	}{
		{"mock on pass", Request{Definition: pass, Mock: result}, CodeValidation, "State type 'Pass' is not supported when a mock is specified", 0},
		{"error mock on fail", Request{Definition: []byte(`{"Type":"Fail"}`), Mock: &Mock{ErrorOutput: &MockErrorOutput{Error: "E", Cause: "C"}}}, CodeValidation, "State type 'Fail' is not supported when a mock is specified", 0},
		{"mock on succeed", Request{Definition: []byte(`{"Type":"Succeed"}`), Mock: result}, CodeValidation, "State type 'Succeed' is not supported when a mock is specified", 0},
		{"mock on choice", Request{Definition: []byte(`{"Type":"Choice","Choices":[{"Variable":"$.a","IsPresent":true,"Next":"A"}]}`), Mock: result}, CodeValidation, "State type 'Choice' is not supported when a mock is specified", 0},
		{"map without mock", Request{Definition: mapState}, CodeInvalidDefinition, "TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]", 0},
		{"parallel without mock", Request{Definition: parallel}, CodeInvalidDefinition, "TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]", 0},
		{"both mock fields", Request{Definition: task, Mock: &Mock{Result: str(`{}`), ErrorOutput: &MockErrorOutput{}}}, CodeValidation, "A test mock should have only one of the following fields: [result, errorOutput].", 0},
		{"reveal secrets with mock", Request{Definition: task, Mock: result, RevealSecrets: true}, CodeValidation, "TestState does not support RevealSecrets when a mock is specified.", 0},
		{"map mock not an array", Request{Definition: mapState, Mock: result}, CodeValidation, "Mocked result must be an array.", 0},
		{"parallel mock not an array", Request{Definition: parallel, Mock: result}, CodeValidation, "Mocked result must be an array.", 0},
		{"parallel mock size", Request{Definition: parallel, Mock: &Mock{Result: str(`[1,2]`)}}, CodeValidation, "Mocked result must contain the same number of items as number of Parallel branches.", 0},
		{"mock not JSON", Request{Definition: task, Mock: &Mock{Result: str(`not JSON string`), FieldValidationMode: ValidationNone}}, CodeValidation, "Mocked result must be valid JSON", 0},
		{"no role", Request{Definition: task}, CodeValidation, "RoleArn must be specified when testing a Task state", 0},
		{"bad role", Request{Definition: pass, RoleArn: "not-an-arn"}, CodeInvalidArn, "Invalid Arn: 'Invalid ARN prefix: not-an-arn'", 0},
		{"state not found", Request{Definition: machine, StateName: "dne"}, CodeValidation, "State not found in definition", 0},
		{"state name quoted", Request{Definition: machine, StateName: `"invalid"`}, CodeValidation, "State not found in definition", 0},
		{"bad level", Request{Definition: pass, InspectionLevel: "LOUD"}, CodeValidation, "1 validation error detected: Value 'LOUD' at 'inspectionLevel' failed to satisfy constraint: Member must satisfy enum value set: [INFO, DEBUG, TRACE]", 0},
		{"bad validation mode", Request{Definition: task, Mock: &Mock{Result: str(`{}`), FieldValidationMode: "LAX"}}, CodeValidation, "1 validation error detected: Value 'LAX' at 'mock.fieldValidationMode' failed to satisfy constraint: Member must satisfy enum value set: [STRICT, PRESENT, NONE]", 0},
		{"negative retry count", Request{Definition: pass, Config: &StateConfiguration{RetrierRetryCount: -1}}, CodeValidation, "1 validation error detected: Value '-1' at 'stateConfiguration.retrierRetryCount' failed to satisfy constraint: Member must have value greater than or equal to 0", 0},
		{"context map", Request{Definition: task, Mock: result, Context: jsonvalue.MustParse(`{"Map":{}}`)}, CodeValidation, "Invalid Context object provided: 'Map' field is not supported when mocking a Context object", 0},
		{"context execution id", Request{Definition: task, Mock: result, Context: jsonvalue.MustParse(`{"Execution":{"Id":1}}`)}, CodeValidation, "Invalid Context object provided: Execution.Id must be a string", 0},
		{"context execution field", Request{Definition: task, Mock: result, Context: jsonvalue.MustParse(`{"Execution":{"pokemon":"squirtle"}}`)}, CodeValidation, "Invalid Context object provided: Field 'pokemon' is not allowed", 0},
		{"context field", Request{Definition: task, Mock: result, Context: jsonvalue.MustParse(`{"Pokedex":{}}`)}, CodeValidation, "Invalid Context object provided: Field 'Pokedex' is not allowed", 0},
		{"context task", Request{Definition: task, Mock: result, Context: jsonvalue.MustParse(`{"Task":{"Token":"abcd123"}}`)}, CodeValidation, "Invalid Context object provided: Context object contains 'Task' when state is not a Task state with a '.sync' or '.waitForTaskToken' service integration pattern", 0},
		{"invalid type", Request{Definition: []byte(`{"Type":"TypeThatDoesNotExist","End":true}`)}, CodeInvalidDefinition, "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: The field 'Type' should have one of these values: [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map] at /States/StateName/Type'", 1},
		{"invalid in machine", Request{Definition: []byte(`{"StartAt":"S","States":{"S":{"Type":"Pass","End":true},"ExistingButInvalidState":{"Type":"Nope","End":true}}}`), StateName: "S"}, CodeInvalidDefinition, "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: The field 'Type' should have one of these values: [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map] at /States/ExistingButInvalidState/Type'", 1},
		{"machine without state name", Request{Definition: machine}, CodeInvalidDefinition, "", 0},
		{"not JSON", Request{Definition: []byte(`{"Type":`)}, CodeInvalidDefinition, "", 1},
		{"empty", Request{Definition: nil}, CodeInvalidDefinition, "Invalid State Machine Definition: 'MISSING_DESCRIPTION: Received a null or empty workflow input at null'", 1},
		{"jsonata map", Request{Definition: []byte(`{"Type":"Map","QueryLanguage":"JSONata","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Succeed"}}},"End":true}`),
			Mock: &Mock{Result: strPtr(`[]`)}}, CodeInvalidDefinition, "Sluice's TestState does not run JSONata or Assign in Map states yet; run the state in a state machine (sluice run) instead", 0},
		{"missing next target in machine", Request{Definition: []byte(`{"StartAt":"T","States":{"T":{"Type":"Pass","Next":"Missing"}}}`), StateName: "T"}, CodeInvalidDefinition, "", 0},
		{"variables not an object", Request{Definition: pass, Variables: jsonvalue.MustParse(`[1]`)}, CodeValidation, "", 0},
		{"context without mock", Request{Definition: pass, Context: jsonvalue.MustParse(`{}`)}, CodeValidation, "", 0},
		{"token task without mock", Request{Definition: []byte(`{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","End":true}`), RoleArn: role}, CodeValidation, "", 0},
		{"sync task without mock", Request{Definition: []byte(`{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2","End":true}`), RoleArn: role}, CodeValidation, "", 0},
		{"activity without mock", Request{Definition: []byte(`{"Type":"Task","Resource":"arn:aws:states:us-east-1:123456789012:activity:a","End":true}`), RoleArn: role}, CodeValidation, "", 0},
		{"empty mock", Request{Definition: task, Mock: &Mock{}}, CodeValidation, "", 0},
		{"failure count above items", Request{Definition: mapState, Input: jsonvalue.MustParse(`[1]`), Mock: &Mock{Result: str(`[]`)}, Config: &StateConfiguration{MapIterationFailureCount: 2}}, CodeValidation, "", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := tc.req
			if r.Input == nil {
				r.Input = jsonvalue.NewObject(0)
			}
			resp, err := Run(context.Background(), r, nil)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Run = %v, %v; want a *Error", resp, err)
			}
			if e.Code != tc.code {
				t.Errorf("code = %s, want %s (%s)", e.Code, tc.code, e.Message)
			}
			if tc.msg != "" && e.Message != tc.msg {
				t.Errorf("message\n got: %s\nwant: %s", e.Message, tc.msg)
			}
			if tc.diagnostics > 0 && len(e.Diagnostics) != tc.diagnostics {
				t.Errorf("diagnostics = %v", e.Diagnostics)
			}
		})
	}
}

// TestSingleStateTargets checks that transition targets of a single state
// need not exist, as in AWS's own examples.
func TestSingleStateTargets(t *testing.T) {
	t.Parallel()
	runCases(t, []testCase{
		{name: "catch and next", req: Request{Definition: []byte(`{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Catch":[{"ErrorEquals":["States.ALL"],"Next":"H"}],"Next":"N"}`), Mock: &Mock{Result: str(`1`)}},
			want: `{"output":"1","nextState":"N","status":"SUCCEEDED"}`},
		{name: "target named like the state", req: Request{Definition: []byte(`{"Type":"Pass","Next":"StateName"}`)},
			want: `{"output":"{}","nextState":"StateName","status":"SUCCEEDED"}`},
		{name: "target named like a nested state", req: Request{Definition: []byte(`{"Type":"Map","ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Pass","End":true}}},"Next":"Y"}`), Input: jsonvalue.MustParse(`[]`), Mock: &Mock{Result: str(`[]`)}},
			want: `{"output":"[]","nextState":"Y","status":"SUCCEEDED"}`},
	})
	_, err := Run(context.Background(), Request{Definition: []byte(`{"Type":"Map","ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Pass","End":true}}},"Next":"X"}`), Mock: &Mock{Result: str(`[]`)}}, nil)
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeInvalidDefinition || !strings.Contains(e.Message, "MISSING_TRANSITION_TARGET") {
		t.Errorf("a Next into the item processor: err = %v", err)
	}
}

func TestTraceHTTP(t *testing.T) {
	t.Parallel()
	invoke := func(ctx context.Context, _ *interp.TaskRequest) (jsonvalue.Value, *interp.TaskFailure) {
		body := "secret"
		if !RevealSecrets(ctx) {
			body = "redacted"
		}
		RecordHTTP(ctx, &HTTPRequest{Protocol: "https", Method: "GET", URL: "https://example.com/", Headers: "a: b", Body: body},
			&HTTPResponse{Protocol: "HTTP/1.1", StatusCode: "200", StatusMessage: "OK", Headers: "c: d", Body: "{}"})
		return jsonvalue.NewObject(0), nil
	}
	def := []byte(`{"Type":"Task","Resource":"arn:aws:states:::http:invoke","Parameters":{"ApiEndpoint":"https://example.com/","Method":"GET"},"End":true}`)
	for _, tc := range []struct {
		level  string
		reveal bool
		want   string
	}{
		{LevelTrace, true, `"request":{"protocol":"https","method":"GET","url":"https://example.com/","headers":"a: b","body":"secret"},"response":{"protocol":"HTTP/1.1","statusCode":"200","statusMessage":"OK","headers":"c: d","body":"{}"}`},
		{LevelTrace, false, `"body":"redacted"`},
		{LevelDebug, true, ""},
	} {
		resp, err := Run(context.Background(), Request{Definition: def, Input: jsonvalue.NewObject(0), RoleArn: role, InspectionLevel: tc.level, RevealSecrets: tc.reveal, Env: env()}, invoke)
		if err != nil {
			t.Fatal(err)
		}
		got := string(resp.AppendJSON(nil))
		if tc.want == "" {
			if strings.Contains(got, `"request"`) {
				t.Errorf("%s: HTTP exchange shown: %s", tc.level, got)
			}
			continue
		}
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s reveal=%v: %s lacks %s", tc.level, tc.reveal, got, tc.want)
		}
	}
	// Outside TestState the recorder does nothing.
	RecordHTTP(context.Background(), &HTTPRequest{}, nil)
	if RevealSecrets(context.Background()) {
		t.Error("RevealSecrets outside TestState")
	}
}

func TestFormatPercentage(t *testing.T) {
	t.Parallel()
	for in, want := range map[float64]string{1: "1.0", 12.5: "12.5", 0: "0.0", 33.3: "33.3", 100: "100.0"} {
		if got := formatPercentage(in); got != want {
			t.Errorf("formatPercentage(%v) = %s, want %s", in, got, want)
		}
	}
}

// FuzzRun feeds arbitrary definitions to Run: it must answer, never panic.
func FuzzRun(f *testing.F) {
	for _, s := range []string{
		`{"Type":"Pass","End":true}`,
		`{"Type":"Pass","Parameters":{"a.$":"$.b[0]","c.$":"States.Format('{}',$.d)"},"ResultPath":"$.r","Next":"N"}`,
		`{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Retry":[{"ErrorEquals":["States.ALL"],"BackoffRate":1.5}],"Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.e","Next":"H"}],"End":true}`,
		`{"Type":"Choice","Choices":[{"Variable":"$.a","NumericGreaterThan":1,"Next":"B"}],"Default":"C"}`,
		`{"Type":"Wait","SecondsPath":"$.s","Next":"X"}`,
		`{"Type":"Fail","ErrorPath":"$.e","CausePath":"$.c"}`,
		`{"Type":"Succeed","OutputPath":"$.o"}`,
		`{"Type":"Map","ItemsPath":"$.i","ItemSelector":{"v.$":"$$.Map.Item.Value"},"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"ToleratedFailureCount":1,"End":true}`,
		`{"Type":"Parallel","Branches":[{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}],"Next":"N"}`,
		`{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`,
		`{"Type":"Pass","Next":""}`,
		`[]`, `null`, ``, `{"Type":`,
	} {
		f.Add([]byte(s), uint8(0))
		f.Add([]byte(s), uint8(1))
	}
	inputs := []string{`{}`, `{"a":2,"b":[1],"d":"x","s":1,"e":"E","c":"C","o":1,"i":[1,2]}`, `[1,2]`, `"s"`, `null`}
	f.Fuzz(func(t *testing.T, def []byte, mode uint8) {
		r := Request{Definition: def, Input: jsonvalue.MustParse(inputs[int(mode)%len(inputs)]), RoleArn: role, InspectionLevel: LevelDebug, Env: env()}
		switch mode % 4 {
		case 1:
			r.Mock = &Mock{Result: str(`[1,{"a":2}]`)}
		case 2:
			r.Mock = &Mock{ErrorOutput: &MockErrorOutput{Error: "E", Cause: "C"}}
			r.Config = &StateConfiguration{RetrierRetryCount: int64(mode), MapIterationFailureCount: 1}
		case 3:
			r.StateName = "A"
		}
		resp, err := Run(context.Background(), r, fixed(`{"ok":true}`))
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code == "" || e.Message == "" {
				t.Fatalf("Run error %T %v is not a typed request error", err, err)
			}
			return
		}
		if resp.Status == "" {
			t.Fatalf("no status for %q", def)
		}
		resp.AppendJSON(nil)
	})
}

// TestJSONataAndVariables runs JSONata states and Assign through
// TestState: outputs, the variables the inspection data reports after the
// state, catchers and evaluation errors.
func TestJSONataAndVariables(t *testing.T) {
	t.Parallel()
	in := jsonvalue.MustParse(helloInput)
	runCases(t, []testCase{
		{name: "jsonata pass", req: Request{Definition: []byte(`{"Type":"Pass","QueryLanguage":"JSONata","Assign":{"n":"{% $length($states.input.Value) %}"},"Output":{"v":"{% $lowercase($states.input.Value) %}","old":"{% $n %}"},"End":true}`),
			Input: in, Variables: jsonvalue.MustParse(`{"n":1}`), InspectionLevel: LevelDebug},
			want: `{"output":"{\"v\":\"helloworld\",\"old\":1}","inspectionData":{"input":"{\"Value\":\"HelloWorld\"}","variables":"{\"n\":10}"},"status":"SUCCEEDED"}`},
		{name: "jsonpath assign", req: Request{Definition: []byte(`{"Type":"Pass","Result":{"a":5},"Assign":{"v.$":"$.a","k":"lit"},"End":true}`),
			Input: in, InspectionLevel: LevelDebug},
			want: `{"output":"{\"a\":5}","inspectionData":{"input":"{\"Value\":\"HelloWorld\"}","result":"{\"a\":5}","afterResultSelector":"{\"a\":5}","afterResultPath":"{\"a\":5}","variables":"{\"v\":5,\"k\":\"lit\"}"},"status":"SUCCEEDED"}`},
		{name: "jsonata choice rule output", req: Request{Definition: []byte(`{"Type":"Choice","QueryLanguage":"JSONata","Choices":[{"Condition":"{% $states.input.Value = 'HelloWorld' %}","Output":"yes","Next":"Y"}],"Default":"N"}`),
			Input: in},
			want: `{"output":"\"yes\"","nextState":"Y","status":"SUCCEEDED"}`},
		{name: "jsonata task arguments and output", req: Request{Definition: []byte(`{"Type":"Task","QueryLanguage":"JSONata","Resource":"arn:aws:states:::lambda:invoke","Arguments":{"p":"{% $states.input.Value %}"},"Output":{"got":"{% $states.result.r %}"},"End":true}`),
			Input: in, Mock: &Mock{Result: strPtr(`{"r":42}`)}, InspectionLevel: LevelDebug},
			want: `{"output":"{\"got\":42}","inspectionData":{"input":"{\"Value\":\"HelloWorld\"}","afterArguments":"{\"p\":\"HelloWorld\"}","result":"{\"r\":42}"},"status":"SUCCEEDED"}`},
		{name: "jsonata catcher", req: Request{Definition: []byte(`{"Type":"Task","QueryLanguage":"JSONata","Resource":"arn:aws:states:::lambda:invoke","Catch":[{"ErrorEquals":["States.ALL"],"Assign":{"e":"{% $states.errorOutput.Error %}"},"Output":{"c":"{% $states.errorOutput.Cause %}"},"Next":"H"}],"End":true}`),
			Input: in, Mock: &Mock{ErrorOutput: &MockErrorOutput{Error: "Boom", Cause: "bad"}}, InspectionLevel: LevelDebug},
			want: `{"output":"{\"c\":\"bad\"}","error":"Boom","cause":"bad","inspectionData":{"input":"{\"Value\":\"HelloWorld\"}","afterArguments":"{\"Value\":\"HelloWorld\"}","variables":"{\"e\":\"Boom\"}","errorDetails":{"catchIndex":0}},"nextState":"H","status":"CAUGHT_ERROR"}`},
		{name: "jsonata undefined", req: Request{Definition: []byte(`{"Type":"Pass","QueryLanguage":"JSONata","Output":"{% $nope %}","End":true}`), Input: in},
			want: `{"error":"States.QueryEvaluationError","cause":"The JSONata expression '$nope' specified for the field 'Output' returned nothing (undefined).","status":"FAILED"}`},
	})
}

func strPtr(s string) *string { return &s }
