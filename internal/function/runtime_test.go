package function

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestManagedRuntimes runs real Python and Node.js handlers, written as
// for AWS Lambda, through the embedded bootstraps and a pool.
func TestManagedRuntimes(t *testing.T) {
	t.Parallel()
	rts, err := NewRuntimes(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, runtime, interp, file, code, handler, event string
		check                                             func(t *testing.T, r *Result)
	}{
		{"python", "python3.12", "python3", "app.py",
			"import os\ndef handler(event, context):\n    return {'sum': event['a'] + event['b'], 'fn': context.function_name, 'req': context.aws_request_id, 'left': context.get_remaining_time_in_millis() > 0}\n",
			"app.handler", `{"a":2,"b":3}`,
			func(t *testing.T, r *Result) {
				var out map[string]any
				if err := json.Unmarshal(r.Payload, &out); err != nil || r.FunctionError != "" {
					t.Fatalf("%+v %s", r, r.Payload)
				}
				if out["sum"] != 5.0 || out["fn"] != "calc" || out["req"] != r.RequestID || out["left"] != true {
					t.Errorf("output %s", r.Payload)
				}
			}},
		{"python error", "python3.12", "python3", "app.py",
			"def handler(event, context):\n    raise KeyError('missing')\n",
			"app.handler", `{}`,
			func(t *testing.T, r *Result) {
				if r.FunctionError != "Unhandled" || r.ErrorType != "KeyError" || !strings.Contains(string(r.Payload), "missing") {
					t.Errorf("%+v %s", r, r.Payload)
				}
			}},
		{"python import error", "python3.12", "python3", "app.py", "import no_such_module\n", "app.handler", `{}`,
			func(t *testing.T, r *Result) {
				if r.ErrorType != "Runtime.ImportModuleError" {
					t.Errorf("%+v %s", r, r.Payload)
				}
			}},
		{"node async", "nodejs20.x", "node", "index.mjs",
			"export const handler = async (event, context) => ({ doubled: event.n * 2, fn: context.functionName });\n",
			"index.handler", `{"n":21}`,
			func(t *testing.T, r *Result) {
				if r.FunctionError != "" || string(r.Payload) != `{"doubled":42,"fn":"calc"}` {
					t.Errorf("%+v %s", r, r.Payload)
				}
			}},
		{"node callback error", "nodejs20.x", "node", "index.js",
			"exports.handler = (event, context, callback) => callback(new TypeError('bad input'));\n",
			"index.handler", `{}`,
			func(t *testing.T, r *Result) {
				if r.FunctionError != "Unhandled" || r.ErrorType != "TypeError" || !strings.Contains(string(r.Payload), "bad input") {
					t.Errorf("%+v %s", r, r.Payload)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := exec.LookPath(tc.interp); err != nil {
				t.Skipf("%s is not installed", tc.interp)
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, tc.file), []byte(tc.code), 0o644); err != nil {
				t.Fatal(err)
			}
			p := NewPool(Config{Name: "calc", Arn: "arn:aws:lambda:us-east-1:000000000000:function:calc", Runtime: tc.runtime,
				Handler: tc.handler, CodeDir: dir, Region: "us-east-1", Timeout: 20 * time.Second}, rts.Command, nil)
			defer p.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			r, err := p.Invoke(ctx, Request{Payload: []byte(tc.event)})
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, r)
		})
	}
}

func TestRuntimeCommands(t *testing.T) {
	t.Parallel()
	rts := &Runtimes{dir: "/shims"}
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{Runtime: "python3.13"}, "python3 /shims/python/bootstrap.py"},
		{Config{Runtime: "nodejs22.x"}, "node /shims/node/bootstrap.js"},
		{Config{Runtime: "provided.al2023", CodeDir: "/code"}, "/code/bootstrap"},
		{Config{Runtime: "go1.x", Handler: "main", CodeDir: "/code"}, "/code/main"},
	} {
		argv, err := rts.Command(tc.cfg)
		if err != nil || strings.Join(argv, " ") != tc.want {
			t.Errorf("%s: %v %v, want %s", tc.cfg.Runtime, argv, err, tc.want)
		}
	}
	if _, err := rts.Command(Config{Runtime: "java21"}); !errors.Is(err, ErrUnsupportedRuntime) {
		t.Errorf("java21: %v", err)
	}
	if _, err := rts.Command(Config{Runtime: "go1.x", Handler: "../x"}); err == nil {
		t.Error("go1.x with a path in the handler was accepted")
	}
}
