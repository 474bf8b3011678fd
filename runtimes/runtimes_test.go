package runtimes

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// event is one invocation the fake Runtime API hands out.
type event struct {
	id      string
	body    string
	headers map[string]string
}

// posted is what the bootstrap posted about an invocation, or about init.
type posted struct {
	kind      string // "response", "error" or "init"
	id        string
	body      []byte
	errorType string // the Lambda-Runtime-Function-Error-Type header
}

// fakeAPI is a Runtime API that serves queued events from /next and
// records what comes back. Once the queue is empty, /next answers 500, and
// the bootstrap exits.
type fakeAPI struct {
	mu     sync.Mutex
	queue  []event
	posts  []posted
	served int
}

func (f *fakeAPI) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		if len(f.queue) == 0 {
			f.mu.Unlock()
			http.Error(w, `{"errorType":"Test.Done"}`, http.StatusInternalServerError)
			return
		}
		ev := f.queue[0]
		f.queue = f.queue[1:]
		f.served++
		f.mu.Unlock()
		h := w.Header()
		h.Set("Lambda-Runtime-Aws-Request-Id", ev.id)
		h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(60*time.Second).UnixMilli(), 10))
		h.Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:fn")
		h.Set("Lambda-Runtime-Trace-Id", "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1")
		for k, v := range ev.headers {
			h.Set(k, v)
		}
		h.Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, ev.body)
	})
	record := func(kind string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			f.mu.Lock()
			f.posts = append(f.posts, posted{kind: kind, id: r.PathValue("id"), body: body, errorType: r.Header.Get("Lambda-Runtime-Function-Error-Type")})
			f.mu.Unlock()
			w.WriteHeader(http.StatusAccepted)
			_, _ = io.WriteString(w, `{"status":"OK"}`)
		}
	}
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", record("response"))
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", record("error"))
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", record("init"))
	return mux
}

// run is the outcome of running a bootstrap until it exits.
type run struct {
	posts  []posted
	served int
	stdout string
	stderr string
}

// only returns the single post about id, failing the test unless there is
// exactly one.
func (r run) only(t *testing.T, id string) posted {
	t.Helper()
	var found []posted
	for _, p := range r.posts {
		if p.id == id {
			found = append(found, p)
		}
	}
	if len(found) != 1 {
		t.Fatalf("posts for %q = %+v, want exactly one\nstdout:\n%s\nstderr:\n%s", id, found, r.stdout, r.stderr)
	}
	return found[0]
}

func (r run) response(t *testing.T, id string, v any) {
	t.Helper()
	p := r.only(t, id)
	if p.kind != "response" {
		t.Fatalf("%s: posted %s %s, want a response\nstderr:\n%s", id, p.kind, p.body, r.stderr)
	}
	if err := json.Unmarshal(p.body, v); err != nil {
		t.Fatalf("%s: response %q: %v", id, p.body, err)
	}
}

// errorDoc is the union of the Python and Node.js error documents.
type errorDoc struct {
	ErrorType    string   `json:"errorType"`
	ErrorMessage string   `json:"errorMessage"`
	RequestID    string   `json:"requestId"`
	StackTrace   []string `json:"stackTrace"`
	Trace        []string `json:"trace"`
}

func (r run) invocationError(t *testing.T, id string) errorDoc {
	t.Helper()
	p := r.only(t, id)
	if p.kind != "error" {
		t.Fatalf("%s: posted %s %s, want an error", id, p.kind, p.body)
	}
	if p.errorType != "Unhandled" {
		t.Errorf("%s: Lambda-Runtime-Function-Error-Type = %q, want Unhandled", id, p.errorType)
	}
	var doc errorDoc
	if err := json.Unmarshal(p.body, &doc); err != nil {
		t.Fatalf("%s: error %q: %v", id, p.body, err)
	}
	return doc
}

func (r run) initError(t *testing.T) errorDoc {
	t.Helper()
	if len(r.posts) != 1 || r.posts[0].kind != "init" {
		t.Fatalf("posts = %+v, want one init error\nstderr:\n%s", r.posts, r.stderr)
	}
	if r.served != 0 {
		t.Errorf("the bootstrap took %d invocations after failing to initialise", r.served)
	}
	var doc errorDoc
	if err := json.Unmarshal(r.posts[0].body, &doc); err != nil {
		t.Fatalf("init error %q: %v", r.posts[0].body, err)
	}
	if r.posts[0].errorType != doc.ErrorType {
		t.Errorf("Lambda-Runtime-Function-Error-Type = %q, want %q", r.posts[0].errorType, doc.ErrorType)
	}
	return doc
}

// runBootstrap writes files to a fresh task root, runs the bootstrap for
// lang ("python" or "node") on it with the given handler, serves it events
// and returns what it posted once it has exited.
func runBootstrap(t *testing.T, lang string, files map[string]string, handler string, events ...event) run {
	t.Helper()
	var interp string
	var shim []byte
	var name string
	switch lang {
	case "python":
		interp, shim, name = "python3", Python, PythonFile
	case "node":
		interp, shim, name = "node", Node, NodeFile
	default:
		t.Fatalf("unknown language %q", lang)
	}
	bin, err := exec.LookPath(interp)
	if err != nil {
		t.Skipf("%s is not on PATH; skipping the %s bootstrap tests", interp, lang)
	}

	shimDir, taskRoot := t.TempDir(), t.TempDir()
	shimPath := filepath.Join(shimDir, name)
	if err := os.WriteFile(shimPath, shim, 0o644); err != nil {
		t.Fatal(err)
	}
	for rel, text := range files {
		p := filepath.Join(taskRoot, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	api := &fakeAPI{queue: events}
	srv := httptest.NewServer(api.handler())
	t.Cleanup(srv.Close)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, bin, shimPath)
	cmd.Dir = taskRoot
	cmd.WaitDelay = 5 * time.Second
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
		"LANG=C.UTF-8",
		"PYTHONDONTWRITEBYTECODE=1",
		"AWS_LAMBDA_RUNTIME_API=" + strings.TrimPrefix(srv.URL, "http://"),
		"LAMBDA_TASK_ROOT=" + taskRoot,
		"_HANDLER=" + handler,
		"AWS_LAMBDA_FUNCTION_NAME=fn",
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256",
		"AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/fn",
		"AWS_LAMBDA_LOG_STREAM_NAME=2024/01/01/[$LATEST]abc",
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("the bootstrap did not exit: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		t.Fatalf("run %s: %v", interp, err)
	}

	api.mu.Lock()
	defer api.mu.Unlock()
	for _, p := range api.posts {
		t.Logf("%s %s [%s]: %s", p.kind, p.id, p.errorType, p.body)
	}
	return run{posts: api.posts, served: api.served, stdout: stdout.String(), stderr: stderr.String()}
}

func contains(t *testing.T, what, got, want string) {
	t.Helper()
	if !strings.Contains(got, want) {
		t.Errorf("%s = %q, want it to contain %q", what, got, want)
	}
}

func equal[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// --- Python --------------------------------------------------------------------

const pyApp = `
import decimal
import logging
import os

logger = logging.getLogger()
logger.setLevel(logging.INFO)
calls = 0


def handler(event, context):
    global calls
    calls += 1
    print("printed", event.get("n"))
    logger.info("logged %s", event.get("n"))
    if event.get("none"):
        return None
    if event.get("set"):
        return {1, 2}
    if event.get("decimal"):
        return {"d": decimal.Decimal("1.5"), "i": decimal.Decimal("3")}
    if event.get("raise"):
        raise ValueError("bad input: %s" % event["raise"])
    cc = context.client_context
    return {
        "event": event,
        "calls": calls,
        "request_id": context.aws_request_id,
        "arn": context.invoked_function_arn,
        "function_name": context.function_name,
        "function_version": context.function_version,
        "memory": context.memory_limit_in_mb,
        "log_group": context.log_group_name,
        "log_stream": context.log_stream_name,
        "remaining": context.get_remaining_time_in_millis(),
        "trace": os.environ.get("_X_AMZN_TRACE_ID"),
        "identity": context.identity.cognito_identity_id,
        "custom": cc.custom if cc else None,
        "app_title": cc.client.app_title if cc and cc.client else None,
    }
`

func TestPythonInvocations(t *testing.T) {
	t.Parallel()
	r := runBootstrap(t, "python", map[string]string{"app.py": pyApp}, "app.handler",
		event{id: "r1", body: `{"n": 1, "s": "h\u00e9"}`, headers: map[string]string{
			"Lambda-Runtime-Client-Context":   `{"client":{"app_title":"demo"},"custom":{"k":"v"},"env":{}}`,
			"Lambda-Runtime-Cognito-Identity": `{"cognitoIdentityId":"id-1","cognitoIdentityPoolId":"pool-1"}`,
		}},
		event{id: "r2", body: `{"n": 2, "none": true}`},
		event{id: "r3", body: `{"n": 3, "raise": "x"}`},
		event{id: "r4", body: `{"n": 4, "set": true}`},
		event{id: "r5", body: `{"n": 5}`},
		event{id: "r6", body: `{"n": 6, "decimal": true}`},
	)
	if len(r.posts) != 6 {
		t.Fatalf("posts = %+v, want 6\nstderr:\n%s", r.posts, r.stderr)
	}

	var got struct {
		Event           map[string]any    `json:"event"`
		Calls           int               `json:"calls"`
		RequestID       string            `json:"request_id"`
		ARN             string            `json:"arn"`
		FunctionName    string            `json:"function_name"`
		FunctionVersion string            `json:"function_version"`
		Memory          any               `json:"memory"`
		LogGroup        string            `json:"log_group"`
		LogStream       string            `json:"log_stream"`
		Remaining       float64           `json:"remaining"`
		Trace           string            `json:"trace"`
		Identity        *string           `json:"identity"`
		Custom          map[string]string `json:"custom"`
		AppTitle        *string           `json:"app_title"`
	}
	r.response(t, "r1", &got)
	equal(t, "event.s", got.Event["s"], any("hé"))
	equal(t, "calls", got.Calls, 1)
	equal(t, "aws_request_id", got.RequestID, "r1")
	equal(t, "invoked_function_arn", got.ARN, "arn:aws:lambda:us-east-1:123456789012:function:fn")
	equal(t, "function_name", got.FunctionName, "fn")
	equal(t, "function_version", got.FunctionVersion, "$LATEST")
	equal(t, "memory_limit_in_mb", got.Memory, any(float64(256))) // a number, not a string
	equal(t, "log_group_name", got.LogGroup, "/aws/lambda/fn")
	equal(t, "log_stream_name", got.LogStream, "2024/01/01/[$LATEST]abc")
	if got.Remaining <= 0 || got.Remaining > 60000 {
		t.Errorf("get_remaining_time_in_millis() = %v, want in (0, 60000]", got.Remaining)
	}
	contains(t, "_X_AMZN_TRACE_ID", got.Trace, "Root=1-5bef4de7")
	if got.Identity == nil || *got.Identity != "id-1" {
		t.Errorf("identity.cognito_identity_id = %v, want id-1", got.Identity)
	}
	equal(t, "client_context.custom.k", got.Custom["k"], "v")
	if got.AppTitle == nil || *got.AppTitle != "demo" {
		t.Errorf("client_context.client.app_title = %v, want demo", got.AppTitle)
	}

	if p := r.only(t, "r2"); p.kind != "response" || string(p.body) != "null" {
		t.Errorf("r2: posted %s %q, want response null", p.kind, p.body)
	}

	doc := r.invocationError(t, "r3")
	equal(t, "errorType", doc.ErrorType, "ValueError")
	equal(t, "errorMessage", doc.ErrorMessage, "bad input: x")
	equal(t, "requestId", doc.RequestID, "r3")
	if len(doc.StackTrace) != 1 {
		t.Fatalf("stackTrace = %q, want the handler's frame alone", doc.StackTrace)
	}
	contains(t, "stackTrace[0]", doc.StackTrace[0], "app.py\", line 23, in handler\n    raise ValueError(")

	doc = r.invocationError(t, "r4")
	equal(t, "errorType", doc.ErrorType, "Runtime.MarshalError")
	contains(t, "errorMessage", doc.ErrorMessage, "Unable to marshal response: ")
	contains(t, "errorMessage", doc.ErrorMessage, "set")

	// The process lives on after errors, and so does module state.
	r.response(t, "r5", &got)
	equal(t, "calls after errors", got.Calls, 5)

	// Decimals, as boto3 returns them from DynamoDB, marshal as numbers.
	if p := r.only(t, "r6"); p.kind != "response" || string(p.body) != `{"d": 1.5, "i": 3}` {
		t.Errorf("r6: posted %s %s, want response {\"d\": 1.5, \"i\": 3}", p.kind, p.body)
	}

	contains(t, "stdout", r.stdout, "printed 1\n")
	contains(t, "stdout", r.stdout, "\tr1\tlogged 1\n")
	contains(t, "stdout", r.stdout, "[INFO]")
}

func TestPythonNestedModules(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"pkg/__init__.py": "",
		"pkg/sub/mod.py":  "def fn(event, context):\n    return {'module': __name__, 'got': event}\n",
	}
	for _, handler := range []string{"pkg/sub/mod.fn", "pkg.sub.mod.fn"} {
		t.Run(handler, func(t *testing.T) {
			t.Parallel()
			r := runBootstrap(t, "python", files, handler, event{id: "a", body: `[1,2]`})
			var got struct {
				Module string `json:"module"`
				Got    []int  `json:"got"`
			}
			r.response(t, "a", &got)
			equal(t, "module", got.Module, "pkg.sub.mod")
			equal(t, "len(got)", len(got.Got), 2)
		})
	}
}

func TestPythonInitErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		files    map[string]string
		handler  string
		errType  string
		message  string // a prefix of errorMessage
		inStack  string // text one of the stackTrace lines contains
		ownFrame bool
	}{
		{
			name:    "no module",
			files:   map[string]string{"other.py": ""},
			handler: "app.handler",
			errType: "Runtime.ImportModuleError",
			message: "Unable to import module 'app': No module named 'app'",
		},
		{
			name:    "missing dependency",
			files:   map[string]string{"app.py": "import not_installed_anywhere\n"},
			handler: "app.handler",
			errType: "Runtime.ImportModuleError",
			message: "Unable to import module 'app': No module named 'not_installed_anywhere'",
		},
		{
			name:    "no handler",
			files:   map[string]string{"app.py": "def handler(e, c):\n    return 1\n"},
			handler: "app.nope",
			errType: "Runtime.HandlerNotFound",
			message: "Handler 'nope' missing on module 'app'",
		},
		{
			name:    "malformed",
			files:   map[string]string{"app.py": ""},
			handler: "app",
			errType: "Runtime.MalformedHandlerName",
			message: "Bad handler 'app': not enough values to unpack (expected 2, got 1)",
		},
		{
			name:    "syntax error",
			files:   map[string]string{"app.py": "def handler(e, c)\n    return 1\n"},
			handler: "app.handler",
			errType: "Runtime.UserCodeSyntaxError",
			message: "Syntax error in module 'app': ",
			inStack: "app.py\" Line 1",
		},
		{
			name:     "module raises",
			files:    map[string]string{"app.py": "x = 1\nraise RuntimeError('no config')\n"},
			handler:  "app.handler",
			errType:  "RuntimeError",
			message:  "no config",
			inStack:  "app.py\", line 2, in <module>",
			ownFrame: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := runBootstrap(t, "python", tt.files, tt.handler, event{id: "never", body: "{}"})
			doc := r.initError(t)
			equal(t, "errorType", doc.ErrorType, tt.errType)
			if !strings.HasPrefix(doc.ErrorMessage, tt.message) {
				t.Errorf("errorMessage = %q, want prefix %q", doc.ErrorMessage, tt.message)
			}
			stack := strings.Join(doc.StackTrace, "")
			if tt.inStack != "" {
				contains(t, "stackTrace", stack, tt.inStack)
			}
			if tt.ownFrame && (strings.Contains(stack, PythonFile) || strings.Contains(stack, "<frozen") || strings.Contains(stack, "importlib")) {
				t.Errorf("stackTrace = %q, want only the function's frames", doc.StackTrace)
			}
			contains(t, "stderr", r.stderr, tt.errType)
		})
	}
}

// --- Node.js ---------------------------------------------------------------------

const nodeApp = `
let calls = 0;
function fields(event, context) {
  return {
    event,
    calls,
    awsRequestId: context.awsRequestId,
    invokedFunctionArn: context.invokedFunctionArn,
    functionName: context.functionName,
    functionVersion: context.functionVersion,
    memoryLimitInMB: context.memoryLimitInMB,
    logGroupName: context.logGroupName,
    logStreamName: context.logStreamName,
    remaining: context.getRemainingTimeInMillis(),
    waits: context.callbackWaitsForEmptyEventLoop,
    trace: process.env._X_AMZN_TRACE_ID,
    identity: context.identity,
    clientContext: context.clientContext,
  };
}

exports.async = async (event, context) => {
  calls++;
  console.log('async', event.n);
  await new Promise((r) => setTimeout(r, 1));
  if (event.throw) {
    throw new TypeError('bad ' + event.throw);
  }
  if (event.none) {
    return undefined;
  }
  return fields(event, context);
};

exports.callback = (event, context, callback) => {
  calls++;
  if (event.error) {
    callback(new Error('callback ' + event.error));
    return;
  }
  if (event.string) {
    callback(event.string);
    return;
  }
  // The response waits for this timer: callbackWaitsForEmptyEventLoop.
  setTimeout(() => console.log('timer fired', event.n), 5);
  callback(null, fields(event, context));
};

exports.noWait = (event, context, callback) => {
  context.callbackWaitsForEmptyEventLoop = false;
  callback(null, 'early');
};

exports.sync = (event) => {
  // Returns nothing and never calls back: the answer is null.
  setTimeout(() => console.log('sync timer'), 1);
};

exports.nested = { deeper: { handler: async () => 'nested' } };

exports.rejects = async () => {
  Promise.reject(new Error('forgotten'));
  await new Promise((r) => setTimeout(r, 50));
  return 'too late';
};
`

type nodeFields struct {
	Event              map[string]any `json:"event"`
	Calls              int            `json:"calls"`
	AwsRequestID       string         `json:"awsRequestId"`
	InvokedFunctionArn string         `json:"invokedFunctionArn"`
	FunctionName       string         `json:"functionName"`
	FunctionVersion    string         `json:"functionVersion"`
	MemoryLimitInMB    any            `json:"memoryLimitInMB"`
	LogGroupName       string         `json:"logGroupName"`
	LogStreamName      string         `json:"logStreamName"`
	Remaining          float64        `json:"remaining"`
	Waits              bool           `json:"waits"`
	Trace              string         `json:"trace"`
	Identity           map[string]any `json:"identity"`
	ClientContext      map[string]any `json:"clientContext"`
}

func checkNodeContext(t *testing.T, got nodeFields, id string) {
	t.Helper()
	equal(t, "awsRequestId", got.AwsRequestID, id)
	equal(t, "invokedFunctionArn", got.InvokedFunctionArn, "arn:aws:lambda:us-east-1:123456789012:function:fn")
	equal(t, "functionName", got.FunctionName, "fn")
	equal(t, "functionVersion", got.FunctionVersion, "$LATEST")
	equal(t, "memoryLimitInMB", got.MemoryLimitInMB, any("256")) // a string, as in AWS
	equal(t, "logGroupName", got.LogGroupName, "/aws/lambda/fn")
	equal(t, "logStreamName", got.LogStreamName, "2024/01/01/[$LATEST]abc")
	equal(t, "callbackWaitsForEmptyEventLoop", got.Waits, true)
	if got.Remaining <= 0 || got.Remaining > 60000 {
		t.Errorf("getRemainingTimeInMillis() = %v, want in (0, 60000]", got.Remaining)
	}
	contains(t, "_X_AMZN_TRACE_ID", got.Trace, "Root=1-5bef4de7")
}

func TestNodeAsync(t *testing.T) {
	t.Parallel()
	r := runBootstrap(t, "node", map[string]string{"app.js": nodeApp}, "app.async",
		event{id: "a1", body: `{"n": 1, "s": "h\u00e9"}`, headers: map[string]string{
			"Lambda-Runtime-Client-Context":   `{"custom":{"k":"v"}}`,
			"Lambda-Runtime-Cognito-Identity": `{"cognitoIdentityId":"id-1","cognitoIdentityPoolId":"pool-1"}`,
		}},
		event{id: "a2", body: `{"n": 2, "throw": "x"}`},
		event{id: "a3", body: `{"n": 3, "none": true}`},
		event{id: "a4", body: `{"n": 4}`},
	)
	var got nodeFields
	r.response(t, "a1", &got)
	checkNodeContext(t, got, "a1")
	equal(t, "event.s", got.Event["s"], any("hé"))
	equal(t, "identity.cognitoIdentityId", got.Identity["cognitoIdentityId"], any("id-1"))
	equal(t, "clientContext.custom.k", got.ClientContext["custom"].(map[string]any)["k"], any("v"))

	doc := r.invocationError(t, "a2")
	equal(t, "errorType", doc.ErrorType, "TypeError")
	equal(t, "errorMessage", doc.ErrorMessage, "bad x")
	if len(doc.Trace) < 2 || doc.Trace[0] != "TypeError: bad x" || !strings.Contains(doc.Trace[1], "app.js") {
		t.Errorf("trace = %q, want the stack's lines", doc.Trace)
	}

	if p := r.only(t, "a3"); p.kind != "response" || string(p.body) != "null" {
		t.Errorf("a3: posted %s %q, want response null", p.kind, p.body)
	}

	r.response(t, "a4", &got)
	equal(t, "calls", got.Calls, 4)
	contains(t, "stdout", r.stdout, "async 1\n")
}

func TestNodeCallback(t *testing.T) {
	t.Parallel()
	r := runBootstrap(t, "node", map[string]string{"app.js": nodeApp}, "app.callback",
		event{id: "c1", body: `{"n": 1}`},
		event{id: "c2", body: `{"error": "x"}`},
		event{id: "c3", body: `{"string": "plain"}`},
		event{id: "c4", body: `{"n": 4}`},
	)
	var got nodeFields
	r.response(t, "c1", &got)
	checkNodeContext(t, got, "c1")

	doc := r.invocationError(t, "c2")
	equal(t, "errorType", doc.ErrorType, "Error")
	equal(t, "errorMessage", doc.ErrorMessage, "callback x")

	doc = r.invocationError(t, "c3")
	equal(t, "errorType", doc.ErrorType, "string")
	equal(t, "errorMessage", doc.ErrorMessage, "plain")

	r.response(t, "c4", &got)
	equal(t, "calls", got.Calls, 4)
	// The last response was held until its timer had run; had it not been,
	// the bootstrap would have exited first.
	contains(t, "stdout", r.stdout, "timer fired 4\n")
}

func TestNodeHandlers(t *testing.T) {
	t.Parallel()
	esm := "export const handler = async (event, context) => ({ esm: true, name: context.functionName, n: event.n });\n"
	tests := []struct {
		name    string
		files   map[string]string
		handler string
		want    string // the response body
		errType string // or the error's type
	}{
		{name: "sync without callback", files: map[string]string{"app.js": nodeApp}, handler: "app.sync", want: "null"},
		{name: "callback without waiting", files: map[string]string{"app.js": nodeApp}, handler: "app.noWait", want: `"early"`},
		{name: "nested export", files: map[string]string{"app.js": nodeApp}, handler: "app.nested.deeper.handler", want: `"nested"`},
		{name: "unhandled rejection", files: map[string]string{"app.js": nodeApp}, handler: "app.rejects", errType: "Runtime.UnhandledPromiseRejection"},
		{name: "mjs", files: map[string]string{"app.mjs": esm}, handler: "app.handler", want: `{"esm":true,"name":"fn","n":7}`},
		{name: "cjs in a directory", files: map[string]string{"src/fns/app.cjs": "module.exports.handler = async (e) => ({ cjs: e.n });\n"}, handler: "src/fns/app.handler", want: `{"cjs":7}`},
		{name: "js in a module package", files: map[string]string{"package.json": `{"type":"module"}`, "lib/app.js": esm}, handler: "lib/app.handler", want: `{"esm":true,"name":"fn","n":7}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := runBootstrap(t, "node", tt.files, tt.handler, event{id: "h", body: `{"n": 7}`})
			if tt.errType != "" {
				doc := r.invocationError(t, "h")
				equal(t, "errorType", doc.ErrorType, tt.errType)
				return
			}
			p := r.only(t, "h")
			if p.kind != "response" || string(p.body) != tt.want {
				t.Errorf("posted %s %s, want response %s\nstderr:\n%s", p.kind, p.body, tt.want, r.stderr)
			}
		})
	}
}

func TestNodeInitErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		files   map[string]string
		handler string
		errType string
		message string // a prefix of errorMessage
	}{
		{
			name:    "no module",
			files:   map[string]string{"other.js": ""},
			handler: "app.handler",
			errType: "Runtime.ImportModuleError",
			message: "Error: Cannot find module 'app'",
		},
		{
			name:    "missing dependency",
			files:   map[string]string{"app.js": "require('not-installed-anywhere');\n"},
			handler: "app.handler",
			errType: "Runtime.ImportModuleError",
			message: "Error: Cannot find module 'not-installed-anywhere'",
		},
		{
			name:    "no export",
			files:   map[string]string{"app.js": "exports.handler = async () => 1;\n"},
			handler: "app.nope",
			errType: "Runtime.HandlerNotFound",
			message: "app.nope is undefined or not exported",
		},
		{
			name:    "not a function",
			files:   map[string]string{"app.mjs": "export const handler = 42;\n"},
			handler: "app.handler",
			errType: "Runtime.HandlerNotFound",
			message: "app.handler is not a function",
		},
		{
			name:    "malformed",
			files:   map[string]string{"app.js": ""},
			handler: "app",
			errType: "Runtime.MalformedHandlerName",
			message: "Bad handler app",
		},
		{
			name:    "syntax error",
			files:   map[string]string{"app.js": "exports.handler = async () => {\n"},
			handler: "app.handler",
			errType: "Runtime.UserCodeSyntaxError",
			message: "SyntaxError: ",
		},
		{
			name:    "module throws",
			files:   map[string]string{"app.mjs": "throw new RangeError('no config');\n"},
			handler: "app.handler",
			errType: "RangeError",
			message: "no config",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := runBootstrap(t, "node", tt.files, tt.handler, event{id: "never", body: "{}"})
			doc := r.initError(t)
			equal(t, "errorType", doc.ErrorType, tt.errType)
			if !strings.HasPrefix(doc.ErrorMessage, tt.message) {
				t.Errorf("errorMessage = %q, want prefix %q", doc.ErrorMessage, tt.message)
			}
			if len(doc.Trace) == 0 || !strings.HasPrefix(doc.Trace[0], tt.errType+": ") {
				t.Errorf("trace = %q, want it to start with %q", doc.Trace, tt.errType+": ")
			}
		})
	}
}

func TestEmbedded(t *testing.T) {
	if !bytes.Contains(Python, []byte("/runtime/invocation/next")) {
		t.Error("Python does not hold the Python bootstrap")
	}
	if !bytes.Contains(Node, []byte("/runtime/invocation/next")) {
		t.Error("Node does not hold the Node.js bootstrap")
	}
}
