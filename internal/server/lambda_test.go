package server_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	schedtypes "github.com/aws/aws-sdk-go-v2/service/scheduler/types"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"

	"github.com/sluice-run/sluice/internal/server/servertest"
)

// zipOf builds a zip of the given files.
func zipOf(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func lambdaError(t *testing.T, err error, code, msgPart string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want %s, got %v", code, err)
	}
	if ae.ErrorCode() != code || !strings.Contains(ae.ErrorMessage(), msgPart) {
		t.Errorf("got %s: %s; want %s containing %q", ae.ErrorCode(), ae.ErrorMessage(), code, msgPart)
	}
}

// TestLambdaAPI creates, invokes, updates and deletes a Python function
// with the Go SDK, and runs it from a state machine.
func TestLambdaAPI(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	srv := servertest.Start(t)
	c := servertest.Lambda(srv)
	ctx := context.Background()
	code := zipOf(t, map[string]string{"app.py": "def handler(event, context):\n    if event.get('fail'):\n        raise ValueError('asked to fail')\n    return {'greeting': 'hello ' + event.get('name', 'world'), 'fn': context.function_name}\n"})
	created, err := c.CreateFunction(ctx, &lambda.CreateFunctionInput{
		FunctionName: aws.String("greeter"), Runtime: ltypes.RuntimePython312, Handler: aws.String("app.handler"),
		Role: aws.String("arn:aws:iam::000000000000:role/lambda"), Code: &ltypes.FunctionCode{ZipFile: code},
		Environment: &ltypes.Environment{Variables: map[string]string{"MODE": "test"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if *created.FunctionArn != "arn:aws:lambda:us-east-1:000000000000:function:greeter" || created.State != ltypes.StateActive ||
		*created.Timeout != 3 || *created.MemorySize != 128 || created.CodeSize != int64(len(code)) {
		t.Errorf("created: %+v", created)
	}
	_, err = c.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("greeter"), Runtime: ltypes.RuntimePython312,
		Handler: aws.String("app.handler"), Role: aws.String("arn:aws:iam::000000000000:role/lambda"), Code: &ltypes.FunctionCode{ZipFile: code}})
	lambdaError(t, err, "ResourceConflictException", "Function already exist: greeter")
	_, err = c.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("reserved"), Runtime: ltypes.RuntimePython312,
		Handler: aws.String("app.handler"), Role: aws.String("arn:aws:iam::000000000000:role/lambda"), Code: &ltypes.FunctionCode{ZipFile: code},
		Environment: &ltypes.Environment{Variables: map[string]string{"AWS_REGION": "x"}}})
	lambdaError(t, err, "InvalidParameterValueException", "Reserved keys used in this request: AWS_REGION")

	out, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("greeter"), Payload: []byte(`{"name":"Ada"}`), LogType: ltypes.LogTypeTail})
	if err != nil {
		t.Fatal(err)
	}
	if out.StatusCode != 200 || out.FunctionError != nil || string(out.Payload) != `{"greeting": "hello Ada", "fn": "greeter"}` {
		t.Errorf("invoke: %d %v %s", out.StatusCode, out.FunctionError, out.Payload)
	}
	out, err = c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("greeter"), Payload: []byte(`{"fail":true}`)})
	if err != nil || aws.ToString(out.FunctionError) != "Unhandled" || !strings.Contains(string(out.Payload), `"errorType": "ValueError"`) {
		t.Errorf("failing invoke: %v %v %s", err, out.FunctionError, out.Payload)
	}
	_, err = c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("nope")})
	lambdaError(t, err, "ResourceNotFoundException", "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope")

	upd, err := c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("greeter"), Timeout: aws.Int32(10)})
	if err != nil || *upd.Timeout != 10 || *upd.RevisionId == *created.RevisionId {
		t.Fatalf("update configuration: %+v %v", upd, err)
	}
	code2 := zipOf(t, map[string]string{"app.py": "def handler(event, context):\n    return 'v2'\n"})
	if _, err := c.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{FunctionName: aws.String("greeter"), ZipFile: code2}); err != nil {
		t.Fatal(err)
	}
	out, err = c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("greeter")})
	if err != nil || string(out.Payload) != `"v2"` {
		t.Errorf("after the code update: %v %s", err, out.Payload)
	}
	got, err := c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("arn:aws:lambda:us-east-1:000000000000:function:greeter")})
	if err != nil || *got.Configuration.Handler != "app.handler" || got.Configuration.Environment.Variables["MODE"] != "test" {
		t.Fatalf("get: %+v %v", got, err)
	}
	// Code.Location serves the zip the function runs.
	resp, err := http.Get(aws.ToString(got.Code.Location))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(body, code2) {
		t.Errorf("code location %s: %d, %d bytes", aws.ToString(got.Code.Location), resp.StatusCode, len(body))
	}
	if resp, err := http.Get(srv.URL() + "/sluice/lambda/code/greeter/..%2F..%2Fsluice.db/code.zip"); err == nil {
		if resp.StatusCode != 404 {
			t.Errorf("a path outside the code store answered %d", resp.StatusCode)
		}
		resp.Body.Close()
	}
	list, err := c.ListFunctions(ctx, &lambda.ListFunctionsInput{})
	if err != nil || len(list.Functions) != 1 {
		t.Errorf("list: %+v %v", list, err)
	}

	// A state machine calls the function both ways.
	s := servertest.SFN(srv)
	fnArn := *created.FunctionArn
	arn := createSM(t, s, "calls-lambda", fmt.Sprintf(`{"StartAt":"Direct","States":{
		"Direct":{"Type":"Task","Resource":%q,"ResultPath":"$.direct","Next":"Invoke"},
		"Invoke":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"greeter","Payload.$":"$"},"ResultSelector":{"p.$":"$.Payload","code.$":"$.StatusCode"},"End":true}}}`, fnArn))
	d := wait(t, s, start(t, s, arn, `{}`))
	if d.Status != types.ExecutionStatusSucceeded || *d.Output != `{"p":"v2","code":200}` {
		t.Errorf("state machine: %s %s %s", d.Status, aws.ToString(d.Output), aws.ToString(d.Cause))
	}
	// A function error fails the task with the function's error type.
	if _, err := c.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{FunctionName: aws.String("greeter"), ZipFile: code}); err != nil {
		t.Fatal(err)
	}
	failArn := createSM(t, s, "lambda-fails", fmt.Sprintf(`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":%q,"End":true}}}`, fnArn))
	d = wait(t, s, start(t, s, failArn, `{"fail":true}`))
	if d.Status != types.ExecutionStatusFailed || aws.ToString(d.Error) != "ValueError" || !strings.Contains(aws.ToString(d.Cause), "asked to fail") {
		t.Errorf("failing function: %s %s %s", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
	}

	// Resource policies are kept and reported (not enforced), and tags.
	perm, err := c.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("greeter"), StatementId: aws.String("events"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("events.amazonaws.com"),
		SourceArn: aws.String("arn:aws:events:us-east-1:000000000000:rule/orders")})
	if err != nil || !strings.Contains(aws.ToString(perm.Statement), `"Sid":"events"`) {
		t.Fatalf("add permission: %+v %v", perm, err)
	}
	_, err = c.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("greeter"), StatementId: aws.String("events"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("events.amazonaws.com")})
	lambdaError(t, err, "ResourceConflictException", "The statement id (events) provided already exists")
	pol, err := c.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String("greeter")})
	if err != nil || !strings.Contains(aws.ToString(pol.Policy), `"AWS:SourceArn":"arn:aws:events:us-east-1:000000000000:rule/orders"`) {
		t.Errorf("get policy: %+v %v", pol, err)
	}
	if _, err := c.RemovePermission(ctx, &lambda.RemovePermissionInput{FunctionName: aws.String("greeter"), StatementId: aws.String("events")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String("greeter")})
	lambdaError(t, err, "ResourceNotFoundException", "does not exist")
	if _, err := c.TagResource(ctx, &lambda.TagResourceInput{Resource: aws.String(fnArn), Tags: map[string]string{"team": "ops", "tier": "1"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagResource(ctx, &lambda.UntagResourceInput{Resource: aws.String(fnArn), TagKeys: []string{"tier"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListTags(ctx, &lambda.ListTagsInput{Resource: aws.String(fnArn)})
	if err != nil || len(tags.Tags) != 1 || tags.Tags["team"] != "ops" {
		t.Errorf("tags: %+v %v", tags, err)
	}

	if _, err := c.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("greeter")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("greeter")})
	lambdaError(t, err, "ResourceNotFoundException", "Function not found")
}

// TestLambdaTargets delivers events to a function from an event bus rule,
// from an EventBridge Scheduler schedule and as an asynchronous invocation.
func TestLambdaTargets(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	srv := servertest.Start(t)
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "events.jsonl")
	code := zipOf(t, map[string]string{"rec.py": "import json, os\ndef handler(event, context):\n    with open(os.environ['OUT'], 'a') as f:\n        f.write(json.dumps(event) + '\\n')\n"})
	fn, err := servertest.Lambda(srv).CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("recorder"),
		Runtime: ltypes.RuntimePython312, Handler: aws.String("rec.handler"), Role: aws.String("arn:aws:iam::000000000000:role/lambda"),
		Code: &ltypes.FunctionCode{ZipFile: code}, Environment: &ltypes.Environment{Variables: map[string]string{"OUT": out}}})
	if err != nil {
		t.Fatal(err)
	}
	eb := servertest.EventBridge(srv)
	if _, err := eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("orders"), EventPattern: aws.String(`{"source":["shop"]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := eb.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("orders"),
		Targets: []ebtypes.Target{{Id: aws.String("fn"), Arn: fn.FunctionArn, InputPath: aws.String("$.detail")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := eb.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{{
		Source: aws.String("shop"), DetailType: aws.String("order"), Detail: aws.String(`{"order":7}`)}}}); err != nil {
		t.Fatal(err)
	}
	sc := servertest.Scheduler(srv)
	if _, err := sc.CreateSchedule(ctx, &scheduler.CreateScheduleInput{Name: aws.String("tick"), ScheduleExpression: aws.String("at(" + time.Now().UTC().Add(4*time.Second).Format("2006-01-02T15:04:05") + ")"),
		FlexibleTimeWindow: &schedtypes.FlexibleTimeWindow{Mode: schedtypes.FlexibleTimeWindowModeOff},
		Target:             &schedtypes.Target{Arn: fn.FunctionArn, RoleArn: aws.String("arn:aws:iam::000000000000:role/s"), Input: aws.String(`{"tick":true}`)}}); err != nil {
		t.Fatal(err)
	}
	// An asynchronous invocation is queued durably and runs.
	ev, err := servertest.Lambda(srv).Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("recorder"),
		InvocationType: ltypes.InvocationTypeEvent, Payload: []byte(`{"async":1}`)})
	if err != nil || ev.StatusCode != 202 {
		t.Fatalf("Event invocation: %+v %v", ev, err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		data, _ := os.ReadFile(out)
		if strings.Contains(string(data), `{"order": 7}`) && strings.Contains(string(data), `{"tick": true}`) && strings.Contains(string(data), `{"async": 1}`) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the function saw: %s", data)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestLambdaVersions publishes versions, points an alias at one, and
// checks that each qualifier runs its own code.
func TestLambdaVersions(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	srv := servertest.Start(t)
	c := servertest.Lambda(srv)
	ctx := context.Background()
	code := func(v string) []byte {
		return zipOf(t, map[string]string{"app.py": "def handler(event, context):\n    return '" + v + "'\n"})
	}
	created, err := c.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("ver"), Runtime: ltypes.RuntimePython312,
		Handler: aws.String("app.handler"), Role: aws.String("arn:aws:iam::000000000000:role/lambda"), Code: &ltypes.FunctionCode{ZipFile: code("one")}, Publish: true})
	if err != nil || aws.ToString(created.Version) != "1" || !strings.HasSuffix(*created.FunctionArn, ":ver:1") {
		t.Fatalf("create with Publish: %+v %v", created, err)
	}
	// Publishing again without a change returns the same version.
	same, err := c.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: aws.String("ver")})
	if err != nil || aws.ToString(same.Version) != "1" {
		t.Fatalf("republish: %+v %v", same, err)
	}
	if _, err := c.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{FunctionName: aws.String("ver"), ZipFile: code("two")}); err != nil {
		t.Fatal(err)
	}
	v2, err := c.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: aws.String("ver"), Description: aws.String("second")})
	if err != nil || aws.ToString(v2.Version) != "2" {
		t.Fatalf("publish 2: %+v %v", v2, err)
	}
	if _, err := c.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{FunctionName: aws.String("ver"), ZipFile: code("three")}); err != nil {
		t.Fatal(err)
	}
	alias, err := c.CreateAlias(ctx, &lambda.CreateAliasInput{FunctionName: aws.String("ver"), Name: aws.String("prod"), FunctionVersion: aws.String("1")})
	if err != nil || !strings.HasSuffix(*alias.AliasArn, ":ver:prod") {
		t.Fatalf("create alias: %+v %v", alias, err)
	}
	for q, want := range map[string]string{"": `"three"`, "$LATEST": `"three"`, "1": `"one"`, "2": `"two"`, "prod": `"one"`} {
		in := &lambda.InvokeInput{FunctionName: aws.String("ver")}
		if q != "" {
			in.Qualifier = aws.String(q)
		}
		out, err := c.Invoke(ctx, in)
		if err != nil || string(out.Payload) != want {
			t.Errorf("invoke %q: %v %s, want %s", q, err, out.Payload, want)
		}
	}
	if _, err := c.UpdateAlias(ctx, &lambda.UpdateAliasInput{FunctionName: aws.String("ver"), Name: aws.String("prod"), FunctionVersion: aws.String("2")}); err != nil {
		t.Fatal(err)
	}
	out, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("arn:aws:lambda:us-east-1:000000000000:function:ver:prod")})
	if err != nil || string(out.Payload) != `"two"` || aws.ToString(out.ExecutedVersion) != "2" {
		t.Errorf("invoke the moved alias by ARN: %v %s %v", err, out.Payload, out.ExecutedVersion)
	}
	// Weighted routing: all of the traffic to version 1, then all back.
	if _, err := c.UpdateAlias(ctx, &lambda.UpdateAliasInput{FunctionName: aws.String("ver"), Name: aws.String("prod"),
		RoutingConfig: &ltypes.AliasRoutingConfiguration{AdditionalVersionWeights: map[string]float64{"1": 1}}}); err != nil {
		t.Fatal(err)
	}
	if out, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("ver"), Qualifier: aws.String("prod")}); err != nil || string(out.Payload) != `"one"` {
		t.Errorf("weighted alias: %v %s", err, out.Payload)
	}
	_, err = c.UpdateAlias(ctx, &lambda.UpdateAliasInput{FunctionName: aws.String("ver"), Name: aws.String("prod"),
		RoutingConfig: &ltypes.AliasRoutingConfiguration{AdditionalVersionWeights: map[string]float64{"1": 1.5}}})
	lambdaError(t, err, "ValidationException", "less than or equal to 1.0")
	if _, err := c.UpdateAlias(ctx, &lambda.UpdateAliasInput{FunctionName: aws.String("ver"), Name: aws.String("prod"),
		RoutingConfig: &ltypes.AliasRoutingConfiguration{AdditionalVersionWeights: map[string]float64{"1": 0}}}); err != nil {
		t.Fatal(err)
	}
	if out, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("ver"), Qualifier: aws.String("prod")}); err != nil || string(out.Payload) != `"two"` {
		t.Errorf("alias with a zero weight: %v %s", err, out.Payload)
	}
	_, err = c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("ver"), Qualifier: aws.String("9")})
	lambdaError(t, err, "ResourceNotFoundException", "function:ver:9")
	vs, err := c.ListVersionsByFunction(ctx, &lambda.ListVersionsByFunctionInput{FunctionName: aws.String("ver")})
	if err != nil || len(vs.Versions) != 3 || aws.ToString(vs.Versions[2].Description) != "second" {
		t.Errorf("versions: %+v %v", vs, err)
	}
	as, err := c.ListAliases(ctx, &lambda.ListAliasesInput{FunctionName: aws.String("ver")})
	if err != nil || len(as.Aliases) != 1 || aws.ToString(as.Aliases[0].FunctionVersion) != "2" {
		t.Errorf("aliases: %+v %v", as, err)
	}
	_, err = c.CreateAlias(ctx, &lambda.CreateAliasInput{FunctionName: aws.String("ver"), Name: aws.String("prod"), FunctionVersion: aws.String("1")})
	lambdaError(t, err, "ResourceConflictException", "Alias already exists")
	if _, err := c.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("ver")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetAlias(ctx, &lambda.GetAliasInput{FunctionName: aws.String("ver"), Name: aws.String("prod")})
	lambdaError(t, err, "ResourceNotFoundException", "Function not found")
}
