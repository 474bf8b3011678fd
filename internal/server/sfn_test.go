package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"

	"github.com/sluice-run/sluice/internal/conformance"
	"github.com/sluice-run/sluice/internal/jsonvalue"
	"github.com/sluice-run/sluice/internal/server/servertest"
)

const role = "arn:aws:iam::000000000000:role/sfn"

func createSM(t *testing.T, c *sfn.Client, name, def string) string {
	t.Helper()
	out, err := c.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{Name: aws.String(name), Definition: aws.String(def), RoleArn: aws.String(role)})
	if err != nil {
		t.Fatalf("CreateStateMachine: %v", err)
	}
	return *out.StateMachineArn
}

func start(t *testing.T, c *sfn.Client, smArn, input string) string {
	t.Helper()
	out, err := c.StartExecution(context.Background(), &sfn.StartExecutionInput{StateMachineArn: aws.String(smArn), Input: aws.String(input)})
	if err != nil {
		t.Fatalf("StartExecution: %v", err)
	}
	return *out.ExecutionArn
}

// wait polls until the execution is no longer RUNNING.
func wait(t *testing.T, c *sfn.Client, arn string) *sfn.DescribeExecutionOutput {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		d, err := c.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
		if err != nil {
			t.Fatalf("DescribeExecution: %v", err)
		}
		if d.Status != types.ExecutionStatusRunning {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("execution %s still running", arn)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// apiError asserts err is the AWS error code with a message containing msg.
func apiError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v, want %s", err, code)
	}
	if ae.ErrorCode() != code || !strings.Contains(ae.ErrorMessage(), msg) {
		t.Fatalf("error %s: %s, want %s containing %q", ae.ErrorCode(), ae.ErrorMessage(), code, msg)
	}
}

func history(t *testing.T, c *sfn.Client, arn string) []types.HistoryEvent {
	t.Helper()
	var evs []types.HistoryEvent
	p := sfn.NewGetExecutionHistoryPaginator(c, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), MaxResults: 7})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("GetExecutionHistory: %v", err)
		}
		evs = append(evs, page.Events...)
	}
	return evs
}

func eventTypes(evs []types.HistoryEvent) string {
	var s []string
	for _, e := range evs {
		s = append(s, string(e.Type))
	}
	return strings.Join(s, ",")
}

const passDef = `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"v.$":"$.x"},"End":true}}}`

func TestStateMachineLifecycle(t *testing.T) {
	t.Parallel()
	srv := servertest.Start(t)
	c := servertest.SFN(srv)
	ctx := context.Background()
	arn := createSM(t, c, "life", passDef)
	if arn != "arn:aws:states:us-east-1:000000000000:stateMachine:life" {
		t.Errorf("ARN %s", arn)
	}
	// Identical creation is idempotent; a different definition conflicts.
	if again := createSM(t, c, "life", passDef); again != arn {
		t.Errorf("idempotent create gave %s", again)
	}
	_, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("life"), Definition: aws.String(`{"StartAt":"B","States":{"B":{"Type":"Succeed"}}}`), RoleArn: aws.String(role)})
	apiError(t, err, "StateMachineAlreadyExists", arn)

	d, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
	if err != nil || *d.Definition != passDef || d.Type != types.StateMachineTypeStandard || *d.RoleArn != role || d.Status != types.StateMachineStatusActive {
		t.Fatalf("DescribeStateMachine: %+v, %v", d, err)
	}
	upd, err := c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn),
		Definition: aws.String(`{"StartAt":"A","States":{"A":{"Type":"Pass","Result":"new","End":true}}}`), Publish: true, VersionDescription: aws.String("v1")})
	if err != nil || upd.StateMachineVersionArn == nil || *upd.StateMachineVersionArn != arn+":1" {
		t.Fatalf("UpdateStateMachine: %+v, %v", upd, err)
	}
	x := start(t, c, arn, `{"x":1}`)
	if out := wait(t, c, x); *out.Output != `"new"` {
		t.Errorf("output after update %s", *out.Output)
	}
	list, err := c.ListStateMachines(ctx, &sfn.ListStateMachinesInput{})
	if err != nil || len(list.StateMachines) != 1 || *list.StateMachines[0].Name != "life" {
		t.Fatalf("ListStateMachines: %+v %v", list, err)
	}
	if _, err := c.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
	apiError(t, err, "StateMachineDoesNotExist", "State Machine Does Not Exist")
}

func TestValidation(t *testing.T) {
	t.Parallel()
	srv := servertest.Start(t)
	c := servertest.SFN(srv)
	ctx := context.Background()
	_, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("bad"), RoleArn: aws.String(role),
		Definition: aws.String(`{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Nope"}}}`)})
	apiError(t, err, "InvalidDefinition", "MISSING_TRANSITION_TARGET: Missing 'Next' target: Nope at /States/A/Next")
	_, err = c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("bad name"), RoleArn: aws.String(role), Definition: aws.String(passDef)})
	apiError(t, err, "InvalidName", "Invalid Name: 'bad name'")
	_, err = c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("res"), RoleArn: aws.String(role),
		Definition: aws.String(`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::dynamodb:putItem","End":true}}}`)})
	apiError(t, err, "InvalidDefinition", "arn:aws:states:::dynamodb:putItem is not recognized")
	_, err = c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String("nope")})
	apiError(t, err, "InvalidArn", "Invalid Arn: 'nope'")
	_, err = c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String("arn:aws:states:us-east-1:000000000000:execution:x:y")})
	apiError(t, err, "ExecutionDoesNotExist", "Execution Does Not Exist")
	arn := createSM(t, c, "v", passDef)
	_, err = c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Input: aws.String("{nope")})
	apiError(t, err, "InvalidExecutionInput", "Invalid State Machine Execution Input")
	_, err = c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Input: aws.String(`"` + strings.Repeat("x", 262144) + `"`)})
	apiError(t, err, "ValidationException", "262144")
	v, err := c.ValidateStateMachineDefinition(ctx, &sfn.ValidateStateMachineDefinitionInput{Definition: aws.String(`{"StartAt":"A","States":{"A":{"Type":"Pass"}}}`)})
	if err != nil || v.Result != types.ValidateStateMachineDefinitionResultCodeFail || len(v.Diagnostics) == 0 || *v.Diagnostics[0].Location != "/States/A" {
		t.Fatalf("ValidateStateMachineDefinition: %+v %v", v, err)
	}
	v, err = c.ValidateStateMachineDefinition(ctx, &sfn.ValidateStateMachineDefinitionInput{Definition: aws.String(passDef)})
	if err != nil || v.Result != types.ValidateStateMachineDefinitionResultCodeOk {
		t.Fatalf("ValidateStateMachineDefinition of a valid definition: %+v %v", v, err)
	}
}

// TestBadRequests sends malformed bodies, unknown operations and wrong
// types over plain HTTP.
func TestBadRequests(t *testing.T) {
	t.Parallel()
	srv := servertest.Start(t)
	cases := []struct {
		target, body string
		status       int
		code         string
	}{
		{"AWSStepFunctions.StartExecution", `{"stateMachineArn":`, 400, "SerializationException"},
		{"AWSStepFunctions.StartExecution", `{"stateMachineArn":42}`, 400, "SerializationException"},
		{"AWSStepFunctions.Frobnicate", `{}`, 400, "UnknownOperationException"},
		{"AWSStepFunctions.StartExecution", `{}`, 400, "ValidationException"},
		{"AWSStepFunctions.DescribeStateMachine", `{"stateMachineArn":"arn:aws:states:us-east-1:000000000000:activity:x"}`, 400, "InvalidArn"},
	}
	for _, tc := range cases {
		req, _ := http.NewRequest(http.MethodPost, srv.URL(), strings.NewReader(tc.body))
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		req.Header.Set("X-Amz-Target", tc.target)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || body.Type != tc.code || body.Message == "" {
			t.Errorf("%s %s: %d %+v, want %d %s", tc.target, tc.body, resp.StatusCode, body, tc.status, tc.code)
		}
	}
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		resp, err := http.Get(srv.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || (path == "/metrics" && !strings.Contains(string(b), "sluice_api_request_duration_seconds_bucket")) {
			t.Errorf("%s: %d %s", path, resp.StatusCode, b)
		}
	}
}

func TestExecutions(t *testing.T) {
	t.Parallel()
	srv := servertest.Start(t)
	c := servertest.SFN(srv)
	ctx := context.Background()
	arn := createSM(t, c, "ex", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"Next":"P"},"P":{"Type":"Pass","Parameters":{"v.$":"$.x"},"End":true}}}`)
	// StartExecution is idempotent by name for the same input.
	a, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Name: aws.String("n1"), Input: aws.String(`{"x":1}`)})
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Name: aws.String("n1"), Input: aws.String(`{ "x" : 1 }`)})
	if err != nil || *b.ExecutionArn != *a.ExecutionArn {
		t.Fatalf("second start: %v %v", b, err)
	}
	_, err = c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Name: aws.String("n1"), Input: aws.String(`{"x":2}`)})
	apiError(t, err, "ExecutionAlreadyExists", "Execution Already Exists")
	running, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(arn), StatusFilter: types.ExecutionStatusRunning})
	if err != nil || len(running.Executions) != 1 {
		t.Fatalf("ListExecutions RUNNING: %+v %v", running, err)
	}
	d := wait(t, c, *a.ExecutionArn)
	if d.Status != types.ExecutionStatusSucceeded || *d.Output != `{"v":1}` || d.StopDate.Sub(*d.StartDate) < time.Second {
		t.Fatalf("execution: %s %v, ran %v", d.Status, aws.ToString(d.Output), d.StopDate.Sub(*d.StartDate))
	}
	evs := history(t, c, *a.ExecutionArn)
	if got := eventTypes(evs); got != "ExecutionStarted,WaitStateEntered,WaitStateExited,PassStateEntered,PassStateExited,ExecutionSucceeded" {
		t.Errorf("history %s", got)
	}
	rev, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: a.ExecutionArn, ReverseOrder: true, IncludeExecutionData: aws.Bool(false), MaxResults: 2})
	if err != nil || len(rev.Events) != 2 || rev.Events[0].Type != types.HistoryEventTypeExecutionSucceeded || rev.NextToken == nil ||
		rev.Events[0].ExecutionSucceededEventDetails.Output != nil {
		t.Fatalf("reversed history: %+v %v", rev, err)
	}
	// Stop a long wait.
	x := start(t, c, createSM(t, c, "long", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}`), `{}`)
	if _, err := c.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: aws.String(x), Error: aws.String("Halt"), Cause: aws.String("test")}); err != nil {
		t.Fatal(err)
	}
	if d := wait(t, c, x); d.Status != types.ExecutionStatusAborted || *d.Error != "Halt" || *d.Cause != "test" {
		t.Fatalf("stopped: %+v", d)
	}
	fm, err := c.DescribeStateMachineForExecution(ctx, &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: aws.String(x)})
	if err != nil || !strings.Contains(*fm.Definition, "3600") {
		t.Fatalf("DescribeStateMachineForExecution: %+v %v", fm, err)
	}
}

func TestActivitiesAndCallbacks(t *testing.T) {
	t.Parallel()
	srv := servertest.Start(t)
	c := servertest.SFN(srv)
	ctx := context.Background()
	act, err := c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("approve")})
	if err != nil {
		t.Fatal(err)
	}
	arn := createSM(t, c, "act", fmt.Sprintf(`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":%q,"HeartbeatSeconds":30,"TimeoutSeconds":60,"Next":"U"},
		"U":{"Type":"Task","Resource":%q,"Catch":[{"ErrorEquals":["Denied"],"ResultPath":"$.denied","Next":"D"}],"End":true},"D":{"Type":"Pass","End":true}}}`, *act.ActivityArn, *act.ActivityArn))
	x := start(t, c, arn, `{"who":"ops"}`)
	task, err := c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: act.ActivityArn, WorkerName: aws.String("w1")})
	if err != nil || task.TaskToken == nil || *task.Input != `{"who":"ops"}` {
		t.Fatalf("GetActivityTask: %+v %v", task, err)
	}
	if _, err := c.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: task.TaskToken}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`{"ok":true}`)}); err != nil {
		t.Fatal(err)
	}
	// A token is good once.
	_, err = c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`{}`)})
	apiError(t, err, "TaskTimedOut", "Provided task does not exist anymore")
	_, err = c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String("forged." + strings.Repeat("A", 22)), Output: aws.String(`{}`)})
	apiError(t, err, "InvalidToken", "Invalid Token")
	task2, err := c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: act.ActivityArn})
	if err != nil || *task2.Input != `{"ok":true}` {
		t.Fatalf("second GetActivityTask: %+v %v", task2, err)
	}
	if _, err := c.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: task2.TaskToken, Error: aws.String("Denied"), Cause: aws.String("no")}); err != nil {
		t.Fatal(err)
	}
	d := wait(t, c, x)
	if d.Status != types.ExecutionStatusSucceeded || *d.Output != `{"ok":true,"denied":{"Error":"Denied","Cause":"no"}}` {
		t.Fatalf("execution %s %s", d.Status, aws.ToString(d.Output))
	}
	got := eventTypes(history(t, c, x))
	if !strings.Contains(got, "ActivityScheduled,ActivityStarted,ActivitySucceeded,TaskStateExited") || !strings.Contains(got, "ActivityFailed,TaskStateExited,PassStateEntered") {
		t.Errorf("history %s", got)
	}
}

func TestNestedExecutions(t *testing.T) {
	t.Parallel()
	srv := servertest.Start(t)
	c := servertest.SFN(srv)
	child := createSM(t, c, "child", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"Next":"P"},"P":{"Type":"Pass","Parameters":{"doubled.$":"States.MathAdd($.n, $.n)"},"End":true}}}`)
	parent := createSM(t, c, "parent", fmt.Sprintf(`{"StartAt":"Sync","States":{
		"Sync":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2","Parameters":{"StateMachineArn":%q,"Input":{"n.$":"$.n"}},"ResultSelector":{"out.$":"$.Output"},"Next":"Fire"},
		"Fire":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution","Parameters":{"StateMachineArn":%q,"Input":{"n":1}},"ResultPath":"$.fired","End":true}}}`, child, child))
	x := start(t, c, parent, `{"n":21}`)
	d := wait(t, c, x)
	if d.Status != types.ExecutionStatusSucceeded {
		t.Fatalf("parent %s: %s %s", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
	}
	var out struct {
		Out   map[string]int `json:"out"`
		Fired struct {
			ExecutionArn string
			StartDate    int64
		} `json:"fired"`
	}
	if err := json.Unmarshal([]byte(*d.Output), &out); err != nil || out.Out["doubled"] != 42 || !strings.Contains(out.Fired.ExecutionArn, ":execution:child:") {
		t.Fatalf("output %s", *d.Output)
	}
}

func TestHTTPTask(t *testing.T) {
	t.Parallel()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.URL.Path == "/missing" {
			http.Error(w, `{"message":"nope"}`, http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"method":%q,"q":%q,"body":%s}`, r.Method, r.URL.Query().Get("q"), body)
	}))
	defer api.Close()
	srv := servertest.Start(t)
	c := servertest.SFN(srv)
	arn := createSM(t, c, "http", fmt.Sprintf(`{"StartAt":"Call","States":{
		"Call":{"Type":"Task","Resource":"arn:aws:states:::http:invoke","Parameters":{"ApiEndpoint":"%s/echo","Method":"POST","QueryParameters":{"q":"1"},"RequestBody":{"a.$":"$.a"}},
		  "ResultSelector":{"status.$":"$.StatusCode","body.$":"$.ResponseBody"},"ResultPath":"$.call","Next":"Missing"},
		"Missing":{"Type":"Task","Resource":"arn:aws:states:::http:invoke","Parameters":{"ApiEndpoint":"%s/missing","Method":"GET"},
		  "Catch":[{"ErrorEquals":["States.Http.StatusCode.404"],"ResultPath":"$.err","Next":"Done"}],"End":true},"Done":{"Type":"Pass","End":true}}}`, api.URL, api.URL))
	d := wait(t, c, start(t, c, arn, `{"a":"b"}`))
	if d.Status != types.ExecutionStatusSucceeded {
		t.Fatalf("%s: %s %s", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
	}
	var out struct {
		Call struct {
			Status int
			Body   map[string]any
		}
		Err struct{ Error string }
	}
	if err := json.Unmarshal([]byte(*d.Output), &out); err != nil || out.Call.Status != 200 || out.Call.Body["method"] != "POST" ||
		out.Call.Body["q"] != "1" || out.Err.Error != "States.Http.StatusCode.404" {
		t.Fatalf("output %s", *d.Output)
	}
}

func TestVersionsAndAliases(t *testing.T) {
	t.Parallel()
	srv := servertest.Start(t)
	c := servertest.SFN(srv)
	ctx := context.Background()
	arn := createSM(t, c, "ver", `{"StartAt":"A","States":{"A":{"Type":"Pass","Result":1,"End":true}}}`)
	v1, err := c.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(arn)})
	if err != nil || *v1.StateMachineVersionArn != arn+":1" {
		t.Fatalf("publish: %+v %v", v1, err)
	}
	if _, err := c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn),
		Definition: aws.String(`{"StartAt":"A","States":{"A":{"Type":"Pass","Result":2,"End":true}}}`), Publish: true}); err != nil {
		t.Fatal(err)
	}
	alias, err := c.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{Name: aws.String("prod"),
		RoutingConfiguration: []types.RoutingConfigurationListItem{{StateMachineVersionArn: v1.StateMachineVersionArn, Weight: 100}}})
	if err != nil {
		t.Fatal(err)
	}
	if d := wait(t, c, start(t, c, *alias.StateMachineAliasArn, `{}`)); *d.Output != "1" || *d.StateMachineAliasArn != *alias.StateMachineAliasArn {
		t.Errorf("via alias: %s", *d.Output)
	}
	if d := wait(t, c, start(t, c, arn, `{}`)); *d.Output != "2" {
		t.Errorf("latest: %s", *d.Output)
	}
	vs, err := c.ListStateMachineVersions(ctx, &sfn.ListStateMachineVersionsInput{StateMachineArn: aws.String(arn)})
	if err != nil || len(vs.StateMachineVersions) != 2 || *vs.StateMachineVersions[0].StateMachineVersionArn != arn+":2" {
		t.Fatalf("versions: %+v %v", vs, err)
	}
	_, err = c.DeleteStateMachineVersion(ctx, &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: v1.StateMachineVersionArn})
	apiError(t, err, "ConflictException", "referenced by an alias")
	_, err = c.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{Name: aws.String("bad"),
		RoutingConfiguration: []types.RoutingConfigurationListItem{{StateMachineVersionArn: v1.StateMachineVersionArn, Weight: 50}}})
	apiError(t, err, "ValidationException", "Sum of routing configuration weights must be equal to 100")
	if _, err := c.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: aws.String(arn), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("ops")}}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil || len(tags.Tags) != 1 || *tags.Tags[0].Value != "ops" {
		t.Fatalf("tags: %+v %v", tags, err)
	}
}

func TestRedriveAndMapRuns(t *testing.T) {
	t.Parallel()
	srv := servertest.Start(t)
	c := servertest.SFN(srv)
	ctx := context.Background()
	act, _ := c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("flaky")})
	arn := createSM(t, c, "redrive", fmt.Sprintf(`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":%q,"End":true}}}`, *act.ActivityArn))
	x := start(t, c, arn, `{}`)
	task, _ := c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: act.ActivityArn})
	c.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: task.TaskToken, Error: aws.String("Flaky")})
	if d := wait(t, c, x); d.Status != types.ExecutionStatusFailed || d.RedriveStatus != types.ExecutionRedriveStatusRedrivable {
		t.Fatalf("before redrive: %+v", d)
	}
	if _, err := c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: aws.String(x)}); err != nil {
		t.Fatal(err)
	}
	task, err := c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: act.ActivityArn})
	if err != nil || task.TaskToken == nil {
		t.Fatalf("no task after redrive: %v", err)
	}
	c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`"fixed"`)})
	if d := wait(t, c, x); d.Status != types.ExecutionStatusSucceeded || d.RedriveCount == nil || *d.RedriveCount != 1 {
		t.Fatalf("after redrive: %s %v", d.Status, d.RedriveCount)
	}
	_, err = c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: aws.String(x)})
	apiError(t, err, "ExecutionNotRedrivable", "SUCCEEDED")

	mapArn := createSM(t, c, "dmap", `{"StartAt":"M","States":{"M":{"Type":"Map","Label":"Items","MaxConcurrency":2,
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":0,"Next":"P"},"P":{"Type":"Pass","Parameters":{"sq.$":"States.MathAdd($, $)"},"End":true}}},"End":true}}}`)
	mx := start(t, c, mapArn, `[1,2,3,4,5]`)
	d := wait(t, c, mx)
	if d.Status != types.ExecutionStatusSucceeded || *d.Output != `[{"sq":2},{"sq":4},{"sq":6},{"sq":8},{"sq":10}]` {
		t.Fatalf("distributed map: %s %s %s", d.Status, aws.ToString(d.Output), aws.ToString(d.Cause))
	}
	runs, err := c.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: aws.String(mx)})
	if err != nil || len(runs.MapRuns) != 1 {
		t.Fatalf("ListMapRuns: %+v %v", runs, err)
	}
	mr, err := c.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: runs.MapRuns[0].MapRunArn})
	if err != nil || mr.Status != types.MapRunStatusSucceeded || mr.ItemCounts.Succeeded != 5 || mr.MaxConcurrency != 2 {
		t.Fatalf("DescribeMapRun: %+v %v", mr, err)
	}
	children, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{MapRunArn: runs.MapRuns[0].MapRunArn})
	if err != nil || len(children.Executions) != 5 {
		t.Fatalf("children: %+v %v", children, err)
	}
}

// TestRestart stops the server while executions wait on a timer and a
// task token, starts a new one on the same data, and checks both finish.
func TestRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	srv := servertest.Start(t, servertest.Options{DataDir: dir})
	c := servertest.SFN(srv)
	ctx := context.Background()
	act, _ := c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("a")})
	waitArn := createSM(t, c, "w", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":2,"End":true}}}`)
	taskArn := createSM(t, c, "t", fmt.Sprintf(`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":%q,"End":true}}}`, *act.ActivityArn))
	w := start(t, c, waitArn, `{"w":1}`)
	tk := start(t, c, taskArn, `{"t":1}`)
	task, err := c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: act.ActivityArn})
	if err != nil || task.TaskToken == nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		t.Fatal(err)
	}
	srv2 := servertest.Start(t, servertest.Options{DataDir: dir})
	c2 := servertest.SFN(srv2)
	if _, err := c2.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`"after restart"`)}); err != nil {
		t.Fatalf("token after restart: %v", err)
	}
	if d := wait(t, c2, tk); *d.Output != `"after restart"` {
		t.Errorf("task execution output %s", *d.Output)
	}
	if d := wait(t, c2, w); d.Status != types.ExecutionStatusSucceeded || *d.Output != `{"w":1}` {
		t.Errorf("wait execution %s", d.Status)
	}
}

func TestTestState(t *testing.T) {
	t.Parallel()
	srv := servertest.Start(t)
	c := servertest.SFN(srv)
	ctx := context.Background()
	out, err := c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","InputPath":"$.a","Parameters":{"b.$":"$.b"},"ResultPath":"$.r","Next":"X"}`),
		Input: aws.String(`{"a":{"b":1}}`), InspectionLevel: types.InspectionLevelDebug})
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != types.TestExecutionStatusSucceeded || *out.Output != `{"a":{"b":1},"r":{"b":1}}` || *out.NextState != "X" ||
		*out.InspectionData.AfterInputPath != `{"b":1}` {
		t.Fatalf("TestState: status %s output %s next %s", out.Status, aws.ToString(out.Output), aws.ToString(out.NextState))
	}
	out, err = c.TestState(ctx, &sfn.TestStateInput{RoleArn: aws.String(role),
		Definition: aws.String(`{"Type":"Task","Resource":"arn:aws:states:::http:invoke","Retry":[{"ErrorEquals":["States.ALL"]}],"End":true}`),
		Mock:       &types.MockInput{ErrorOutput: &types.MockErrorOutput{Error: aws.String("Boom"), Cause: aws.String("c")}}})
	if err != nil || out.Status != types.TestExecutionStatusRetriable {
		t.Fatalf("TestState with a mocked error: %+v %v", out, err)
	}
}

// TestConformanceThroughAPI runs the recorded executions through
// the API: create, start, wait, compare status, output or error, and the
// event type sequence from GetExecutionHistory.
func TestConformanceThroughAPI(t *testing.T) {
	t.Parallel()
	cases, err := conformance.ReadLines[conformance.ASLCase]("asl-executions.jsonl")
	if err != nil {
		t.Skipf("conformance cases not available (../shared/conformance is absent in users' clones): %v", err)
	}
	srv := servertest.Start(t)
	c := servertest.SFN(srv)
	// Counts by query language: [0] JSONPath only, [1] JSONata or
	// workflow variables.
	var passed, total [2]atomic.Int64
	t.Run("cases", func(t *testing.T) {
		for i, cs := range cases {
			if strings.Contains(string(cs.Input), "timestamp") || strings.Contains(string(cs.Input), `"date"`) {
				// Inputs with recorded timestamp placeholders run in the
				// interpreter conformance test, which rebuilds them.
				continue
			}
			k := 0
			if cs.UsesJSONata() {
				k = 1
			}
			total[k].Add(1)
			t.Run(cs.Name, func(t *testing.T) {
				t.Parallel()
				if why, ok := conformance.RecordingArtifacts[cs.Name]; ok {
					t.Skip(why)
				}
				t.Cleanup(func() {
					if !t.Failed() && !t.Skipped() {
						passed[k].Add(1)
					}
				})
				runCaseThroughAPI(t, c, fmt.Sprintf("case%d", i), cs)
			})
		}
	})
	t.Logf("ASL conformance through the API: JSONPath %d/%d, JSONata and variables %d/%d cases pass",
		passed[0].Load(), total[0].Load(), passed[1].Load(), total[1].Load())
}

func runCaseThroughAPI(t *testing.T, c *sfn.Client, name string, cs conformance.ASLCase) {
	arn := createSM(t, c, name, string(cs.Definition))
	in, err := conformance.Document(cs.Input)
	if err != nil {
		t.Fatal(err)
	}
	x := start(t, c, arn, jsonvalue.Marshal(in))
	d := wait(t, c, x)
	if string(d.Status) != cs.Status {
		t.Fatalf("status %s (%s: %s), want %s", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause), cs.Status)
	}
	if cs.Status == "SUCCEEDED" {
		want, _ := conformance.Document(cs.Output)
		got, err := jsonvalue.ParseString(aws.ToString(d.Output))
		if err != nil || !conformance.Match(want, got) {
			t.Errorf("output %s, want %s", aws.ToString(d.Output), jsonvalue.Marshal(want))
		}
	} else if cs.Error != nil && aws.ToString(d.Error) != *cs.Error {
		t.Errorf("error %s, want %s", aws.ToString(d.Error), *cs.Error)
	}
	want := cs.EventTypes
	if len(want) > 0 && strings.HasPrefix(want[0], "Execution") && want[0] != "ExecutionStarted" {
		want = slices.Clone(want)
		slices.Reverse(want)
	}
	if got := eventTypes(history(t, c, x)); got != strings.Join(want, ",") {
		t.Errorf("event types\n got %s\nwant %s", got, strings.Join(want, ","))
	}
}
