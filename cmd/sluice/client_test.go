package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/sluice-run/sluice/internal/awsclient"
	"github.com/sluice-run/sluice/internal/server/servertest"
)

const (
	helloDef = `{"StartAt":"Check","States":{"Check":{"Type":"Choice","Choices":[{"Variable":"$.name","IsPresent":true,"Next":"Greet"}],"Default":"NoName"},` +
		`"Greet":{"Type":"Pass","Parameters":{"greeting.$":"States.Format('Hello, {}!', $.name)"},"End":true},` +
		`"NoName":{"Type":"Fail","Error":"NoName","Cause":"Give a name."}}}`
	longWaitDef = `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}`
	smArnPrefix = "arn:aws:states:us-east-1:000000000000:stateMachine:"
	exArnPrefix = "arn:aws:states:us-east-1:000000000000:execution:"
)

// clientEnv is a server for client command tests, with helpers that set
// it up through the SDK.
type clientEnv struct {
	url string
	api *sfn.Client
	dir string
}

func (e *clientEnv) createSM(t *testing.T, name, def string) {
	t.Helper()
	_, err := e.api.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{Name: aws.String(name),
		Definition: aws.String(def), RoleArn: aws.String("arn:aws:iam::000000000000:role/test")})
	if err != nil {
		t.Fatalf("CreateStateMachine %s: %v", name, err)
	}
}

func (e *clientEnv) start(t *testing.T, sm, name, input string) string {
	t.Helper()
	out, err := e.api.StartExecution(context.Background(), &sfn.StartExecutionInput{StateMachineArn: aws.String(smArnPrefix + sm),
		Name: aws.String(name), Input: aws.String(input)})
	if err != nil {
		t.Fatalf("StartExecution: %v", err)
	}
	return *out.ExecutionArn
}

// wait waits for an execution to end.
func (e *clientEnv) wait(t *testing.T, arn string) *sfn.DescribeExecutionOutput {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		d, err := e.api.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
		if err != nil {
			t.Fatalf("DescribeExecution: %v", err)
		}
		if d.Status != types.ExecutionStatusRunning {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still running", arn)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (e *clientEnv) history(t *testing.T, arn string) []types.HistoryEvent {
	t.Helper()
	var evs []types.HistoryEvent
	p := sfn.NewGetExecutionHistoryPaginator(e.api, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("GetExecutionHistory: %v", err)
		}
		evs = append(evs, page.Events...)
	}
	return evs
}

func (e *clientEnv) file(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(e.dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// activityTask starts an execution of a state machine named name whose
// task is the activity name, and returns the task's token and the
// execution ARN.
func (e *clientEnv) activityTask(t *testing.T, name, input string) (token, execution string) {
	t.Helper()
	ctx := context.Background()
	act, err := e.api.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	e.createSM(t, name, fmt.Sprintf(`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":%q,"HeartbeatSeconds":60,"End":true}}}`, *act.ActivityArn))
	execution = e.start(t, name, "x", input)
	task, err := e.api.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: act.ActivityArn})
	if err != nil || task.TaskToken == nil {
		t.Fatalf("GetActivityTask: %+v %v", task, err)
	}
	return *task.TaskToken, execution
}

// sluice runs a client command against the server unless args name
// another --endpoint.
func (e *clientEnv) sluice(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	if !slices.Contains(args, "--endpoint") {
		args = append(slices.Clone(args), "--endpoint", e.url)
	}
	return runSluice(t, stdin, args...)
}

// eventIDs parses the ids of history lines and checks the header.
func eventIDs(t *testing.T, out string) []int64 {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if !strings.HasPrefix(lines[0], "  ID  TIME") {
		t.Fatalf("no header: %q", lines[0])
	}
	var ids []int64
	for _, l := range lines[1:] {
		var id int64
		if _, err := fmt.Sscan(l, &id); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		ids = append(ids, id)
	}
	return ids
}

// jsonLines parses JSON lines.
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var objs []map[string]any
	for l := range strings.Lines(out) {
		var o map[string]any
		if err := json.Unmarshal([]byte(l), &o); err != nil {
			t.Fatalf("not a JSON line: %q: %v", l, err)
		}
		objs = append(objs, o)
	}
	return objs
}

func checkIDs(t *testing.T, ids []int64, n int) {
	t.Helper()
	if len(ids) != n {
		t.Fatalf("%d events printed, the history has %d", len(ids), n)
	}
	for i, id := range ids {
		if id != int64(i+1) {
			t.Fatalf("event %d has id %d: %v", i, id, ids)
		}
	}
}

func TestClientCommands(t *testing.T) {
	t.Parallel()
	srv := servertest.Start(t)
	// Not servertest.SFN: its client has the SDK's closed-connection race
	// that newSFNClient works around (see awsclient.BodyWithoutWriteTo).
	e := &clientEnv{url: srv.URL(), api: newSFNClient(srv.URL(), "us-east-1", credentialsFrom(func(string) string { return "" })), dir: t.TempDir()}
	// Shared, read-only fixtures: cases that change things use their own names.
	e.createSM(t, "hello", helloDef)
	e.wait(t, e.start(t, "hello", "ada", `{"name":"Ada"}`))
	e.wait(t, e.start(t, "hello", "noname", `{}`))
	const newDefText = `{"StartAt":"N","States":{"N":{"Type":"Pass","Result":"new","End":true}}}`
	newDef := e.file(t, "new.json", newDefText)
	badDef := e.file(t, "bad.json", `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"}}}`)
	inFile := e.file(t, "in.json", `{"name":"file"}`)
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		fmt.Fprint(w, `{}`) // an empty activity poll
	}))
	t.Cleanup(fake.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()

	args := func(a ...string) func(*testing.T, *clientEnv) []string {
		return func(*testing.T, *clientEnv) []string { return a }
	}
	tests := []struct {
		name     string
		stdin    string
		args     func(t *testing.T, e *clientEnv) []string
		code     int
		stdout   []string // each must appear in stdout
		noStdout []string // none may appear in stdout
		stderr   []string
		check    func(t *testing.T, e *clientEnv, stdout string)
	}{
		// sm
		{name: "sm create", args: args("sm", "create", "made", newDef), stdout: []string{smArnPrefix + "made\n"},
			check: func(t *testing.T, e *clientEnv, _ string) {
				d, err := e.api.DescribeStateMachine(context.Background(), &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(smArnPrefix + "made")})
				if err != nil || d.Type != types.StateMachineTypeStandard || *d.RoleArn != "arn:aws:iam::000000000000:role/sluice" {
					t.Errorf("created %+v %v", d, err)
				}
			}},
		{name: "sm create express with a role", args: args("sm", "create", "fast", newDef, "--express", "--role", "arn:aws:iam::000000000000:role/r"),
			stdout: []string{smArnPrefix + "fast"},
			check: func(t *testing.T, e *clientEnv, _ string) {
				d, err := e.api.DescribeStateMachine(context.Background(), &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(smArnPrefix + "fast")})
				if err != nil || d.Type != types.StateMachineTypeExpress || *d.RoleArn != "arn:aws:iam::000000000000:role/r" {
					t.Errorf("created %+v %v", d, err)
				}
			}},
		{name: "sm create from stdin, json", stdin: helloDef, args: args("sm", "create", "piped", "-", "--json"), stdout: []string{`"stateMachineArn":"` + smArnPrefix + `piped"`, `"creationDate":`}},
		{name: "sm create in another region", args: args("sm", "create", "far", newDef, "--region", "eu-west-1"), stdout: []string{"arn:aws:states:eu-west-1:000000000000:stateMachine:far\n"},
			check: func(t *testing.T, e *clientEnv, _ string) {
				if code, out, errOut := e.sluice(t, "", "sm", "describe", "far", "--region", "eu-west-1"); code != 0 || !strings.Contains(out, "Name:") {
					t.Errorf("describe in eu-west-1: %d %q %q", code, out, errOut)
				}
			}},
		{name: "sm create an invalid definition", args: args("sm", "create", "bad", badDef), code: 1,
			stderr: []string{"sluice: InvalidDefinition: ", "MISSING_TRANSITION_TARGET"}},
		{name: "sm create a different definition under a used name", args: args("sm", "create", "hello", newDef), code: 1,
			stderr: []string{"sluice: StateMachineAlreadyExists: State Machine Already Exists: '" + smArnPrefix + "hello'"}},
		{name: "sm create a missing file", args: args("sm", "create", "x", "nope.json"), code: 2, stderr: []string{"no such file"}},
		{name: "sm create without a file", args: args("sm", "create", "x"), code: 2, stderr: []string{"Usage: sluice sm create NAME DEFINITION.json"}},
		{name: "sm update", args: func(t *testing.T, e *clientEnv) []string {
			e.createSM(t, "upd", helloDef)
			return []string{"sm", "update", "upd", newDef, "--role", "arn:aws:iam::000000000000:role/new"}
		}, stdout: []string{smArnPrefix + "upd\n"},
			check: func(t *testing.T, e *clientEnv, _ string) {
				d, err := e.api.DescribeStateMachine(context.Background(), &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(smArnPrefix + "upd")})
				if err != nil || !strings.Contains(*d.Definition, `"new"`) || *d.RoleArn != "arn:aws:iam::000000000000:role/new" {
					t.Errorf("updated %+v %v", d, err)
				}
			}},
		{name: "sm update a missing state machine", args: args("sm", "update", "nope", newDef), code: 1, stderr: []string{"sluice: StateMachineDoesNotExist: "}},
		{name: "sm list", args: args("sm", "list"), stdout: []string{"NAME", "TYPE", "CREATED", "\nhello ", "STANDARD"}},
		{name: "sm list json", args: args("sm", "list", "--json"),
			check: func(t *testing.T, e *clientEnv, out string) {
				found := false
				for _, o := range jsonLines(t, out) {
					found = found || o["stateMachineArn"] == smArnPrefix+"hello"
				}
				if !found {
					t.Errorf("hello not listed: %s", out)
				}
			}},
		{name: "sm describe", args: args("sm", "describe", "hello"), stdout: []string{"Name:     hello\n", "ARN:      " + smArnPrefix + "hello\n", "Type:     STANDARD", "\n" + helloDef + "\n"}},
		{name: "sm describe by ARN, json", args: args("sm", "describe", smArnPrefix+"hello", "--json"),
			check: func(t *testing.T, e *clientEnv, out string) {
				if o := jsonLines(t, out); len(o) != 1 || o[0]["definition"] != helloDef || o[0]["name"] != "hello" {
					t.Errorf("describe: %s", out)
				}
			}},
		{name: "sm describe a missing state machine", args: args("sm", "describe", "nope"), code: 1,
			stderr: []string{"sluice: StateMachineDoesNotExist: State Machine Does Not Exist: '" + smArnPrefix + "nope'\n"}},
		{name: "sm describe in another account", args: args("sm", "describe", "hello", "--account", "111111111111"), code: 1,
			stderr: []string{"arn:aws:states:us-east-1:111111111111:stateMachine:hello"}},
		{name: "sm delete", args: func(t *testing.T, e *clientEnv) []string {
			e.createSM(t, "del", helloDef)
			return []string{"sm", "delete", "del"}
		}, check: func(t *testing.T, e *clientEnv, out string) {
			if out != "" {
				t.Errorf("stdout %q", out)
			}
			if code, _, errOut := e.sluice(t, "", "sm", "describe", "del"); code != 1 || !strings.Contains(errOut, "StateMachineDoesNotExist") {
				t.Errorf("after delete: %d %q", code, errOut)
			}
		}},
		{name: "sm delete json", args: func(t *testing.T, e *clientEnv) []string {
			e.createSM(t, "deljson", helloDef)
			return []string{"sm", "delete", "deljson", "--json"}
		}, stdout: []string{"{}\n"}},
		{name: "sm alone", args: args("sm"), code: 2, stderr: []string{"Usage: sluice sm <command>"}},
		{name: "sm help", args: args("sm", "--help"), stdout: []string{"Usage: sluice sm <command>", "create"}},
		{name: "sm unknown", args: args("sm", "frob"), code: 2, stderr: []string{`unknown command "frob"`}},

		// start
		{name: "start", args: args("start", "hello", "--input", `{"name":"x"}`), stdout: []string{exArnPrefix + "hello:"},
			check: func(t *testing.T, e *clientEnv, out string) {
				if d := e.wait(t, strings.TrimSpace(out)); *d.Output != `{"greeting":"Hello, x!"}` {
					t.Errorf("output %s", *d.Output)
				}
			}},
		{name: "start with a name", args: args("start", "hello", "--name", "named"), stdout: []string{exArnPrefix + "hello:named\n"}},
		{name: "start json", args: args("start", "hello", "--name", "js", "--json"), stdout: []string{`"executionArn":"` + exArnPrefix + `hello:js"`, `"startDate":`}},
		{name: "start wait", args: args("start", "hello", "--wait", "--input", `{"name":"Ada"}`, "--name", "w1"),
			stdout: []string{`{"greeting":"Hello, Ada!"}` + "\n"}, stderr: []string{exArnPrefix + "hello:w1\n"}},
		{name: "start wait by ARN, flags first", args: args("start", "--wait", "--input", `{"name":"Bo"}`, smArnPrefix+"hello"), stdout: []string{`{"greeting":"Hello, Bo!"}` + "\n"}},
		{name: "start wait, input from a file", args: args("start", "hello", "--wait", "--input", "@"+inFile), stdout: []string{`{"greeting":"Hello, file!"}` + "\n"}},
		{name: "start wait, input from stdin", stdin: `{"name":"in"}`, args: args("start", "hello", "--wait", "--input", "@-"), stdout: []string{`{"greeting":"Hello, in!"}` + "\n"}},
		{name: "start wait fails", args: args("start", "hello", "--wait"), code: 1, stdout: []string{`{"Error":"NoName","Cause":"Give a name."}` + "\n"}},
		{name: "start wait json", args: args("start", "hello", "--wait", "--json", "--input", `{"name":"J"}`),
			check: func(t *testing.T, e *clientEnv, out string) {
				if o := jsonLines(t, out); len(o) != 1 || o[0]["status"] != "SUCCEEDED" || o[0]["output"] != `{"greeting":"Hello, J!"}` {
					t.Errorf("json: %s", out)
				}
			}},
		{name: "start wait times out", args: func(t *testing.T, e *clientEnv) []string {
			e.createSM(t, "slow", `{"StartAt":"W","TimeoutSeconds":1,"States":{"W":{"Type":"Wait","Seconds":30,"End":true}}}`)
			return []string{"start", "slow", "--wait", "--name", "t1"}
		}, code: 1, stdout: []string{`{"Error":"States.Timeout",`},
			check: func(t *testing.T, e *clientEnv, _ string) {
				code, out, _ := e.sluice(t, "", "describe", "slow:t1")
				if code != 0 || !strings.Contains(out, "Status:        TIMED_OUT\n") || !strings.Contains(out, "Error:         States.Timeout\n") {
					t.Errorf("describe: %d %s", code, out)
				}
			}},
		{name: "start wait is stopped", args: func(t *testing.T, e *clientEnv) []string {
			e.createSM(t, "stopme", longWaitDef)
			go func() {
				arn := exArnPrefix + "stopme:s1"
				for range 500 {
					if _, err := e.api.StopExecution(context.Background(), &sfn.StopExecutionInput{ExecutionArn: aws.String(arn),
						Error: aws.String("Halt"), Cause: aws.String("test")}); err == nil {
						return
					}
					time.Sleep(10 * time.Millisecond)
				}
			}()
			return []string{"start", "stopme", "--wait", "--name", "s1"}
		}, code: 1, stdout: []string{`{"Error":"Halt","Cause":"test"}` + "\n"}},
		{name: "start wait express", args: func(t *testing.T, e *clientEnv) []string {
			_, err := e.api.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{Name: aws.String("expr"), Type: types.StateMachineTypeExpress,
				Definition: aws.String(helloDef), RoleArn: aws.String("arn:aws:iam::000000000000:role/test")})
			if err != nil {
				t.Fatal(err)
			}
			return []string{"start", "expr", "--wait", "--input", `{"name":"Ex"}`}
		}, stdout: []string{`{"greeting":"Hello, Ex!"}` + "\n"}, stderr: []string{"arn:aws:states:us-east-1:000000000000:express:expr:"},
			check: func(t *testing.T, e *clientEnv, _ string) {
				code, out, _ := e.sluice(t, "", "start", "expr", "--wait")
				if code != 1 || out != `{"Error":"NoName","Cause":"Give a name."}`+"\n" {
					t.Errorf("failing express: %d %q", code, out)
				}
			}},
		{name: "start a missing state machine", args: args("start", "nope"), code: 1, stderr: []string{"sluice: StateMachineDoesNotExist: "}},
		{name: "start wait, missing state machine", args: args("start", "nope", "--wait"), code: 1, stderr: []string{"sluice: StateMachineDoesNotExist: "}},
		{name: "start with a missing input file", args: args("start", "hello", "--input", "@nope.json"), code: 2, stderr: []string{"--input: open nope.json"}},
		{name: "start with bad input", args: args("start", "hello", "--input", "{"), code: 2, stderr: []string{"--input is not valid JSON"}},
		{name: "start with a bad name", args: args("start", "hello", "--name", "a b"), code: 1, stderr: []string{"sluice: InvalidName: Invalid Name: 'a b'"}},
		{name: "start without a name", args: args("start"), code: 2, stderr: []string{"Usage: sluice start NAME"}},
		{name: "start with two names", args: args("start", "a", "b"), code: 2, stderr: []string{`unexpected argument "b"`}},
		{name: "start help", args: args("start", "-h"), stderr: []string{"Usage: sluice start NAME", "-wait"}},

		// describe
		{name: "describe", args: args("describe", "hello:ada"), stdout: []string{"Execution:     " + exArnPrefix + "hello:ada\n",
			"State machine: " + smArnPrefix + "hello\n", "Status:        SUCCEEDED\n", "Stopped:", `Input:         {"name":"Ada"}` + "\n",
			`Output:        {"greeting":"Hello, Ada!"}` + "\n"}, noStdout: []string{"Error:"}},
		{name: "describe a failure by ARN", args: args("describe", exArnPrefix+"hello:noname"), stdout: []string{"Status:        FAILED\n",
			"Error:         NoName\n", "Cause:         Give a name.\n"}, noStdout: []string{"Output:"}},
		{name: "describe json", args: args("describe", "hello:ada", "--json"),
			check: func(t *testing.T, e *clientEnv, out string) {
				if o := jsonLines(t, out); len(o) != 1 || o[0]["status"] != "SUCCEEDED" || o[0]["executionArn"] != exArnPrefix+"hello:ada" {
					t.Errorf("json: %s", out)
				}
			}},
		{name: "describe a running execution", args: func(t *testing.T, e *clientEnv) []string {
			e.createSM(t, "running", longWaitDef)
			e.start(t, "running", "r", "{}")
			return []string{"describe", "running:r"}
		}, stdout: []string{"Status:        RUNNING\n", "Running for:"}},
		{name: "describe a missing execution", args: args("describe", "hello:nope"), code: 1,
			stderr: []string{"sluice: ExecutionDoesNotExist: Execution Does Not Exist: '" + exArnPrefix + "hello:nope'\n"}},
		{name: "describe a name alone", args: args("describe", "ada"), code: 2, stderr: []string{`"ada" is neither an execution ARN nor STATE_MACHINE:EXECUTION_NAME`}},
		{name: "describe a bad ARN", args: args("describe", "arn:nope"), code: 1, stderr: []string{"sluice: InvalidArn: "}},

		// executions
		{name: "executions", args: args("executions", "hello"), stdout: []string{"NAME", "STATUS", "DURATION", "\nada ", "SUCCEEDED", "\nnoname ", "FAILED"}},
		{name: "executions by status", args: args("executions", "hello", "--status", "succeeded"), stdout: []string{"\nada "}, noStdout: []string{"noname"}},
		{name: "executions limit", args: func(t *testing.T, e *clientEnv) []string {
			e.createSM(t, "lim", newDefText)
			for _, n := range []string{"a", "b", "c"} {
				e.wait(t, e.start(t, "lim", n, "{}"))
			}
			return []string{"executions", "lim", "--limit", "2"}
		}, check: func(t *testing.T, e *clientEnv, out string) {
			if n := strings.Count(out, "\n"); n != 3 {
				t.Errorf("%d lines, want a header and 2: %s", n, out)
			}
		}},
		{name: "executions json", args: args("executions", "hello", "--json"),
			check: func(t *testing.T, e *clientEnv, out string) {
				names := map[any]bool{}
				for _, o := range jsonLines(t, out) {
					names[o["name"]] = true
				}
				if !names["ada"] || !names["noname"] {
					t.Errorf("json: %s", out)
				}
			}},
		{name: "executions with a bad status", args: args("executions", "hello", "--status", "done"), code: 2, stderr: []string{`--status "done" is not one of`}},
		{name: "executions of a missing state machine", args: args("executions", "nope"), code: 1, stderr: []string{"sluice: StateMachineDoesNotExist: "}},

		// stop
		{name: "stop", args: func(t *testing.T, e *clientEnv) []string {
			e.createSM(t, "tostop", longWaitDef)
			e.start(t, "tostop", "x", "{}")
			return []string{"stop", "tostop:x", "--error", "Halt", "--cause", "by hand"}
		}, check: func(t *testing.T, e *clientEnv, out string) {
			if d := e.wait(t, exArnPrefix+"tostop:x"); out != "" || d.Status != types.ExecutionStatusAborted || *d.Error != "Halt" || *d.Cause != "by hand" {
				t.Errorf("stopped: %q %s %v %v", out, d.Status, d.Error, d.Cause)
			}
		}},
		{name: "stop json", args: func(t *testing.T, e *clientEnv) []string {
			e.createSM(t, "tostop2", longWaitDef)
			return []string{"stop", e.start(t, "tostop2", "x", "{}"), "--json"}
		}, stdout: []string{`{"stopDate":`}},
		{name: "stop a missing execution", args: args("stop", "hello:nope"), code: 1, stderr: []string{"sluice: ExecutionDoesNotExist: "}},

		// history
		{name: "history", args: args("history", "hello:ada"),
			stdout: []string{
				// The state column is as wide as the longest state name, NoName.
				"  ID  TIME          TYPE                    STATE   DETAIL\n",
				`ExecutionStarted                {"name":"Ada"}` + "\n",
				`ChoiceStateEntered      Check   {"name":"Ada"}` + "\n",
				`PassStateExited         Greet   {"greeting":"Hello, Ada!"}` + "\n",
				`ExecutionSucceeded              {"greeting":"Hello, Ada!"}` + "\n"},
			check: func(t *testing.T, e *clientEnv, out string) {
				checkIDs(t, eventIDs(t, out), 6)
			}},
		{name: "history of a failure", args: args("history", "hello:noname"), stdout: []string{"ExecutionFailed                 NoName: Give a name.\n"}},
		{name: "history json", args: args("history", "hello:ada", "--json"),
			check: func(t *testing.T, e *clientEnv, out string) {
				objs := jsonLines(t, out)
				evs := e.history(t, exArnPrefix+"hello:ada")
				if len(objs) != len(evs) {
					t.Fatalf("%d lines, %d events", len(objs), len(evs))
				}
				for i, o := range objs {
					if o["type"] != string(evs[i].Type) || o["id"] != float64(evs[i].Id) {
						t.Errorf("line %d: %v, want event %d %s", i, o, evs[i].Id, evs[i].Type)
					}
				}
				if d := objs[0]["executionStartedEventDetails"].(map[string]any); d["input"] != `{"name":"Ada"}` {
					t.Errorf("details %v", d)
				}
			}},
		{name: "history follow", args: func(t *testing.T, e *clientEnv) []string {
			e.createSM(t, "follow", `{"StartAt":"Before","States":{"Before":{"Type":"Pass","Next":"Pause"},`+
				`"Pause":{"Type":"Wait","Seconds":1,"Next":"After"},"After":{"Type":"Pass","Result":"done","End":true}}}`)
			e.start(t, "follow", "f", `{}`)
			return []string{"history", "follow:f", "--follow"}
		}, stdout: []string{"WaitStateEntered        Pause", "WaitStateExited         Pause", `PassStateExited         After   "done"`},
			check: func(t *testing.T, e *clientEnv, out string) {
				// It returned: the execution had ended, and every event is there once.
				if !strings.HasSuffix(out, "ExecutionSucceeded              \"done\"\n") {
					t.Errorf("last line is not the end: %s", out)
				}
				checkIDs(t, eventIDs(t, out), len(e.history(t, exArnPrefix+"follow:f")))
			}},
		{name: "history follow across pages", args: func(t *testing.T, e *clientEnv) []string {
			// About 250 events arrive while following, more than two pages.
			items := strings.Repeat("1,", 59) + "1"
			e.createSM(t, "paged", `{"StartAt":"W1","States":{"W1":{"Type":"Wait","Seconds":1,"Next":"M"},`+
				`"M":{"Type":"Map","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"ResultPath":null,"Next":"W2"},`+
				`"W2":{"Type":"Wait","Seconds":1,"End":true}}}`)
			e.start(t, "paged", "p", `[`+items+`]`)
			return []string{"history", "paged:p", "-f"}
		}, check: func(t *testing.T, e *clientEnv, out string) {
			evs := e.history(t, exArnPrefix+"paged:p")
			if len(evs) < 2*historyPageSize {
				t.Fatalf("only %d events", len(evs))
			}
			checkIDs(t, eventIDs(t, out), len(evs))
			if !strings.Contains(out, "MapIterationStarted     M      item 59\n") {
				t.Errorf("no iteration 59:\n%s", out)
			}
		}},
		{name: "history follow json", args: func(t *testing.T, e *clientEnv) []string {
			e.createSM(t, "followjson", `{"StartAt":"Pause","States":{"Pause":{"Type":"Wait","Seconds":1,"End":true}}}`)
			e.start(t, "followjson", "f", `{"a":1}`)
			return []string{"history", "followjson:f", "--follow", "--json"}
		}, check: func(t *testing.T, e *clientEnv, out string) {
			objs := jsonLines(t, out)
			if len(objs) != 4 || objs[3]["type"] != "ExecutionSucceeded" {
				t.Errorf("events: %s", out)
			}
		}},
		{name: "history follow of an ended execution", args: args("history", "hello:noname", "--follow"), stdout: []string{"ExecutionFailed"}},
		{name: "history of a missing execution", args: args("history", "hello:nope"), code: 1, stderr: []string{"sluice: ExecutionDoesNotExist: "}},
		{name: "history of a name alone", args: args("history", "nope", "-f"), code: 2, stderr: []string{"neither an execution ARN"}},

		// task
		{name: "task success", args: func(t *testing.T, e *clientEnv) []string {
			token, _ := e.activityTask(t, "ok", "{}")
			return []string{"task", "success", token, "--output", `{"ok":true}`}
		}, check: func(t *testing.T, e *clientEnv, out string) {
			if d := e.wait(t, exArnPrefix+"ok:x"); out != "" || d.Status != types.ExecutionStatusSucceeded || *d.Output != `{"ok":true}` {
				t.Errorf("after success: %q %s %s", out, d.Status, aws.ToString(d.Output))
			}
		}},
		{name: "task success, output from a file", args: func(t *testing.T, e *clientEnv) []string {
			token, _ := e.activityTask(t, "okfile", "{}")
			return []string{"task", "success", "--output", "@" + inFile, token, "--json"}
		}, stdout: []string{"{}\n"}, check: func(t *testing.T, e *clientEnv, out string) {
			if d := e.wait(t, exArnPrefix+"okfile:x"); *d.Output != `{"name":"file"}` {
				t.Errorf("output %s", aws.ToString(d.Output))
			}
		}},
		{name: "task failure", args: func(t *testing.T, e *clientEnv) []string {
			token, _ := e.activityTask(t, "ko", "{}")
			return []string{"task", "failure", token, "--error", "Denied", "--cause", "no"}
		}, check: func(t *testing.T, e *clientEnv, out string) {
			if d := e.wait(t, exArnPrefix+"ko:x"); d.Status != types.ExecutionStatusFailed || *d.Error != "Denied" || *d.Cause != "no" {
				t.Errorf("after failure: %s %v %v", d.Status, d.Error, d.Cause)
			}
		}},
		{name: "task heartbeat", args: func(t *testing.T, e *clientEnv) []string {
			token, _ := e.activityTask(t, "beat", "{}")
			return []string{"task", "heartbeat", token}
		}},
		{name: "task success with a bad token", args: args("task", "success", "forged."+strings.Repeat("A", 22)), code: 1, stderr: []string{"sluice: InvalidToken: "}},
		{name: "task success used twice", args: func(t *testing.T, e *clientEnv) []string {
			token, _ := e.activityTask(t, "twice", "{}")
			if code, _, errOut := e.sluice(t, "", "task", "success", token); code != 0 {
				t.Fatalf("first success: %d %s", code, errOut)
			}
			return []string{"task", "success", token}
		}, code: 1, stderr: []string{"sluice: TaskTimedOut: "}},
		{name: "task heartbeat with a bad token", args: args("task", "heartbeat", "forged."+strings.Repeat("A", 22)), code: 1, stderr: []string{"sluice: InvalidToken: "}},
		{name: "task success with bad output", args: args("task", "success", "t", "--output", "{"), code: 2, stderr: []string{"--output is not valid JSON"}},
		{name: "task failure without a token", args: args("task", "failure"), code: 2, stderr: []string{"Usage: sluice task failure TOKEN"}},
		{name: "task alone", args: args("task"), code: 2, stderr: []string{"Usage: sluice task <command>"}},

		// activity
		{name: "activity create", args: args("activity", "create", "made"), stdout: []string{"arn:aws:states:us-east-1:000000000000:activity:made\n"},
			check: func(t *testing.T, e *clientEnv, _ string) {
				code, out, _ := e.sluice(t, "", "activity", "list")
				if code != 0 || !strings.Contains(out, "\nmade ") {
					t.Errorf("list: %d %s", code, out)
				}
				code, out, _ = e.sluice(t, "", "activity", "list", "--json")
				if code != 0 || !strings.Contains(out, `"activityArn":"arn:aws:states:us-east-1:000000000000:activity:made"`) {
					t.Errorf("list json: %d %s", code, out)
				}
			}},
		{name: "activity delete", args: func(t *testing.T, e *clientEnv) []string {
			if code, _, errOut := e.sluice(t, "", "activity", "create", "gone"); code != 0 {
				t.Fatal(errOut)
			}
			return []string{"activity", "delete", "gone"}
		}, check: func(t *testing.T, e *clientEnv, _ string) {
			if code, _, errOut := e.sluice(t, "", "activity", "poll", "gone"); code != 1 || !strings.Contains(errOut, "ActivityDoesNotExist") {
				t.Errorf("poll after delete: %d %s", code, errOut)
			}
		}},
		{name: "activity poll", args: func(t *testing.T, e *clientEnv) []string {
			ctx := context.Background()
			act, err := e.api.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("work")})
			if err != nil {
				t.Fatal(err)
			}
			e.createSM(t, "work", fmt.Sprintf(`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":%q,"End":true}}}`, *act.ActivityArn))
			e.start(t, "work", "x", `{"job":1}`)
			return []string{"activity", "poll", "work", "--worker", "me"}
		}, stdout: []string{"Token: ", "\nInput: {\"job\":1}\n"},
			check: func(t *testing.T, e *clientEnv, out string) {
				token := strings.TrimSpace(strings.TrimPrefix(strings.Split(out, "\n")[0], "Token:"))
				if code, _, errOut := e.sluice(t, "", "task", "success", token, "--output", `"worked"`); code != 0 {
					t.Fatalf("task success: %s", errOut)
				}
				if d := e.wait(t, exArnPrefix+"work:x"); *d.Output != `"worked"` {
					t.Errorf("output %s", aws.ToString(d.Output))
				}
			}},
		{name: "activity poll json", args: func(t *testing.T, e *clientEnv) []string {
			e.activityTask(t, "workjson", "{}") // takes the first task
			e.start(t, "workjson", "y", `{"job":2}`)
			return []string{"activity", "poll", "arn:aws:states:us-east-1:000000000000:activity:workjson", "--json"}
		}, check: func(t *testing.T, e *clientEnv, out string) {
			if o := jsonLines(t, out); len(o) != 1 || o[0]["input"] != `{"job":2}` || o[0]["taskToken"] == "" {
				t.Errorf("json: %s", out)
			}
		}},
		{name: "activity poll with no task", args: args("activity", "poll", "idle", "--endpoint", fake.URL), code: 1, stderr: []string{"sluice: no task for idle\n"}},
		{name: "activity poll a missing activity", args: args("activity", "poll", "nope"), code: 1,
			stderr: []string{"sluice: ActivityDoesNotExist: Activity Does Not Exist: 'arn:aws:states:us-east-1:000000000000:activity:nope'\n"}},

		// endpoints
		{name: "endpoint without a scheme", args: func(t *testing.T, e *clientEnv) []string {
			return []string{"sm", "list", "--endpoint", strings.TrimPrefix(e.url, "http://")}
		}, stdout: []string{"hello"}},
		{name: "endpoint not listening", args: args("sm", "list", "--endpoint", closed), code: 1,
			stderr: []string{"sluice: cannot reach Sluice at " + closed + ": connection refused (is 'sluice serve' running?"}},
		{name: "endpoint not a URL", args: args("executions", "hello", "--endpoint", "http://a b"), code: 2, stderr: []string{"is not a URL"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := e.sluice(t, tc.stdin, tc.args(t, e)...)
			if code != tc.code {
				t.Fatalf("exit code %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, errOut)
			}
			for _, want := range tc.stdout {
				if !strings.Contains(out, want) {
					t.Errorf("stdout %q, want it to contain %q", out, want)
				}
			}
			for _, not := range tc.noStdout {
				if strings.Contains(out, not) {
					t.Errorf("stdout %q, want it not to contain %q", out, not)
				}
			}
			for _, want := range tc.stderr {
				if !strings.Contains(errOut, want) {
					t.Errorf("stderr %q, want it to contain %q", errOut, want)
				}
			}
			if tc.check != nil {
				tc.check(t, e, out)
			}
		})
	}
}

func TestClientDefaults(t *testing.T) {
	t.Parallel()
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	tests := []struct {
		name                  string
		getenv                func(string) string
		endpoint, akid, token string
	}{
		{"nothing set", env(), "http://127.0.0.1:8750", "sluice", ""},
		{"SLUICE_ENDPOINT", env("SLUICE_ENDPOINT", "http://sluice:9000"), "http://sluice:9000", "sluice", ""},
		{"AWS credentials", env("AWS_ACCESS_KEY_ID", "AKID", "AWS_SECRET_ACCESS_KEY", "s", "AWS_SESSION_TOKEN", "tok"), "http://127.0.0.1:8750", "AKID", "tok"},
		{"a key id alone", env("AWS_ACCESS_KEY_ID", "AKID"), "http://127.0.0.1:8750", "sluice", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := defaultEndpoint(tc.getenv); got != tc.endpoint {
				t.Errorf("endpoint %q, want %q", got, tc.endpoint)
			}
			creds, err := credentialsFrom(tc.getenv).Retrieve(context.Background())
			if err != nil || creds.AccessKeyID != tc.akid || creds.SessionToken != tc.token {
				t.Errorf("credentials %+v %v, want %s %s", creds, err, tc.akid, tc.token)
			}
		})
	}
}

func TestExecutionArgs(t *testing.T) {
	t.Parallel()
	c := &cli{region: "eu-west-1", account: "123456789012"}
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"sm:run", "arn:aws:states:eu-west-1:123456789012:execution:sm:run", true},
		{"arn:aws:states:us-east-1:000000000000:execution:a:b", "arn:aws:states:us-east-1:000000000000:execution:a:b", true},
		{"run", "", false},
		{"sm:", "", false},
		{":run", "", false},
		{"a:b:c", "", false},
	}
	for _, tc := range tests {
		if got, ok := c.executionArn(tc.in); got != tc.want || ok != tc.ok {
			t.Errorf("executionArn(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	if got := c.smArn("hello:prod"); got != "arn:aws:states:eu-west-1:123456789012:stateMachine:hello:prod" {
		t.Errorf("smArn %s", got)
	}
	if got := c.activityArn("a"); got != "arn:aws:states:eu-west-1:123456789012:activity:a" {
		t.Errorf("activityArn %s", got)
	}
}

type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

// TestRequestBodiesHideWriteTo checks the work-around of awsclient.BodyWithoutWriteTo:
// the SDK's request bodies reach net/http without their WriteTo method.
func TestRequestBodiesHideWriteTo(t *testing.T) {
	t.Parallel()
	var sawBody, hasWriteTo bool
	inner := doerFunc(func(r *http.Request) (*http.Response, error) {
		sawBody = r.Body != nil
		_, hasWriteTo = r.Body.(io.WriterTo)
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/x-amz-json-1.0"}},
			Body: io.NopCloser(strings.NewReader(`{"stateMachines":[]}`))}, nil
	})
	api := sfn.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String("http://127.0.0.1:1"),
		Credentials: credentialsFrom(func(string) string { return "" }), HTTPClient: awsclient.BodyWithoutWriteTo{C: inner}})
	if _, err := api.ListStateMachines(context.Background(), &sfn.ListStateMachinesInput{}); err != nil {
		t.Fatal(err)
	}
	if !sawBody || hasWriteTo {
		t.Errorf("request body present %v, with WriteTo %v", sawBody, hasWriteTo)
	}
}
