package function

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// testPool returns a pool whose instances run testdata/bootstrap.py as a
// custom (provided) runtime.
func testPool(t *testing.T, cfg Config) *Pool {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed; the test runtime is a Python script")
	}
	script, err := filepath.Abs("testdata/bootstrap.py")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Name == "" {
		cfg.Name = "fn"
	}
	cfg.Arn = "arn:aws:lambda:us-east-1:000000000000:function:" + cfg.Name
	cfg.Runtime = "provided.al2023"
	cfg.Region = "us-east-1"
	if cfg.CodeDir == "" {
		cfg.CodeDir = t.TempDir()
	}
	p := NewPool(cfg, func(Config) ([]string, error) { return []string{"python3", script}, nil }, nil)
	t.Cleanup(p.Close)
	return p
}

func invoke(t *testing.T, p *Pool, payload string) *Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r, err := p.Invoke(ctx, Request{Payload: []byte(payload)})
	if err != nil {
		t.Fatalf("Invoke(%s): %v", payload, err)
	}
	return r
}

func TestInvokeResults(t *testing.T) {
	t.Parallel()
	p := testPool(t, Config{Timeout: 10 * time.Second, Env: map[string]string{"MY_SETTING": "on", "AWS_REGION": "xx-fake-1"}, MemoryMB: 256})
	r := invoke(t, p, `{"op":"echo","n":1}`)
	if r.FunctionError != "" || string(r.Payload) != `{"op": "echo", "n": 1}` {
		t.Errorf("echo: %+v %s", r, r.Payload)
	}
	r = invoke(t, p, `{"op":"env"}`)
	var env map[string]any
	if err := json.Unmarshal(r.Payload, &env); err != nil {
		t.Fatalf("env: %s", r.Payload)
	}
	// The function's variables are visible; reserved ones are Lambda's.
	for k, want := range map[string]any{"AWS_LAMBDA_FUNCTION_NAME": "fn", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
		"AWS_REGION": "us-east-1", "MY_SETTING": "on", "arn": "arn:aws:lambda:us-east-1:000000000000:function:fn", "cwd": p.cfg.CodeDir} {
		if env[k] != want {
			t.Errorf("%s = %v, want %v", k, env[k], want)
		}
	}
	if ms, _ := env["remaining_ms"].(float64); ms <= 0 || ms > 10000 {
		t.Errorf("remaining time %v ms", env["remaining_ms"])
	}
	r = invoke(t, p, `{"op":"fail"}`)
	if r.FunctionError != "Unhandled" || r.ErrorType != "ValueError" || !strings.Contains(string(r.Payload), `"errorMessage": "boom"`) {
		t.Errorf("fail: %+v %s", r, r.Payload)
	}
	// A handler error leaves the instance usable.
	if p.Instances() != 1 {
		t.Errorf("%d instances after a handled error, want 1", p.Instances())
	}
	r = invoke(t, p, `{"op":"wrong-id"}`)
	if string(r.Payload) != "400" {
		t.Errorf("posting for an unknown request id gave %s, want 400", r.Payload)
	}
}

// TestWarmReuse checks that sequential invocations reuse one process and
// that concurrent ones get their own, up to the limit.
func TestWarmReuse(t *testing.T) {
	t.Parallel()
	p := testPool(t, Config{Timeout: 10 * time.Second, MaxInstances: 3})
	first := string(invoke(t, p, `{"op":"pid"}`).Payload)
	if second := string(invoke(t, p, `{"op":"pid"}`).Payload); second != first {
		t.Errorf("a warm instance was not reused: pid %s then %s", first, second)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	pids := map[string]bool{}
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := p.Invoke(context.Background(), Request{Payload: []byte(`{"op":"sleep","s":0.3}`)})
			if err != nil || r.FunctionError != "" {
				t.Errorf("concurrent invoke: %v %v", r, err)
				return
			}
			mu.Lock()
			pids[string(r.Payload)] = true
			mu.Unlock()
		}()
	}
	wg.Wait()
	if n := len(pids); n < 2 || n > 3 {
		t.Errorf("6 concurrent invocations ran on %d instances, want 2 or 3 (limit 3)", n)
	}
	if n := p.Instances(); n > 3 {
		t.Errorf("%d instances, limit 3", n)
	}
}

// TestInstanceFailures checks timeouts, crashes, oversized responses and
// init errors: the invocation reports Lambda's error and the instance is
// replaced.
func TestInstanceFailures(t *testing.T) {
	t.Parallel()
	p := testPool(t, Config{Timeout: 500 * time.Millisecond})
	pid := string(invoke(t, p, `{"op":"pid"}`).Payload)

	r := invoke(t, p, `{"op":"sleep","s":30}`)
	if r.FunctionError != "Unhandled" || r.ErrorType != "Sandbox.Timedout" || !strings.Contains(string(r.Payload), "Task timed out after 0.50 seconds") {
		t.Errorf("timeout: %+v %s", r, r.Payload)
	}
	if next := string(invoke(t, p, `{"op":"pid"}`).Payload); next == pid {
		t.Error("the timed-out instance was reused")
	}

	r = invoke(t, p, `{"op":"exit"}`)
	if r.ErrorType != "Runtime.ExitError" || !strings.Contains(string(r.Payload), "Runtime exited with error: exit status 3") {
		t.Errorf("exit: %+v %s", r, r.Payload)
	}

	r = invoke(t, p, `{"op":"big"}`)
	if r.ErrorType != "Function.ResponseSizeTooLarge" {
		t.Errorf("big response: %+v %.200s", r, r.Payload)
	}

	bad := testPool(t, Config{Name: "bad", Handler: "init-fails", Timeout: 10 * time.Second})
	r = invoke(t, bad, `{}`)
	if r.FunctionError != "Unhandled" || r.ErrorType != "Runtime.ImportModuleError" || !strings.Contains(string(r.Payload), "No module named 'app'") {
		t.Errorf("init error: %+v %s", r, r.Payload)
	}
	if bad.Instances() != 0 {
		t.Errorf("%d instances after an init error, want 0", bad.Instances())
	}
}

// TestInvokeErrors checks the failures that never reach a handler.
func TestInvokeErrors(t *testing.T) {
	t.Parallel()
	p := testPool(t, Config{Timeout: 10 * time.Second})
	if _, err := p.Invoke(context.Background(), Request{Payload: make([]byte, MaxPayload+1)}); err == nil {
		t.Error("an oversized request was accepted")
	}
	missing := NewPool(Config{Name: "m", CodeDir: t.TempDir()}, func(Config) ([]string, error) {
		return []string{filepath.Join(os.TempDir(), "no-such-runtime-binary")}, nil
	}, nil)
	defer missing.Close()
	if _, err := missing.Invoke(context.Background(), Request{}); err == nil || !strings.Contains(err.Error(), "no-such-runtime-binary") {
		t.Errorf("missing runtime: %v", err)
	}
	p.Close()
	if _, err := p.Invoke(context.Background(), Request{}); err != ErrClosed {
		t.Errorf("after Close: %v", err)
	}
}

// TestInvocationLogs checks that an invocation collects exactly the output
// it wrote, also right after the response, with the machine under load.
func TestInvocationLogs(t *testing.T) {
	t.Parallel()
	p := testPool(t, Config{Timeout: 10 * time.Second})
	for i := range 20 {
		msg := fmt.Sprintf("line %d", i)
		r, err := p.Invoke(context.Background(), Request{Payload: []byte(`{"op":"log","msg":"` + msg + `"}`), WantLogs: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := string(r.Logs); got != msg+"\n" {
			t.Fatalf("invocation %d logged %q, want %q", i, got, msg+"\n")
		}
	}
}
