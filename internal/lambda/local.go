package lambda

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/sluice-run/sluice/internal/function"
)

// Local runs functions from code directories, without a store or an API:
// the functions of `sluice run`.
type Local struct {
	rts    *function.Runtimes
	region string
	logs   io.Writer

	mu    sync.Mutex
	pools map[string]*function.Pool
}

// NewLocal writes the runtime bootstraps under dir; the functions' output
// goes to logs.
func NewLocal(dir, region string, logs io.Writer) (*Local, error) {
	rts, err := function.NewRuntimes(dir)
	if err != nil {
		return nil, err
	}
	return &Local{rts: rts, region: region, logs: logs, pools: map[string]*function.Pool{}}, nil
}

// Add makes a function available under name.
func (l *Local) Add(name, runtime, handler, codeDir string, timeout time.Duration) error {
	if !runtimes[runtime] {
		return fmt.Errorf("function %s: the runtime %q is not supported (python3.9-python3.13, nodejs18.x-nodejs22.x, provided, provided.al2, provided.al2023, go1.x)", name, runtime)
	}
	if !functionName.MatchString(name) || strings.Contains(name, ":") {
		return fmt.Errorf("function %s: not a valid function name", name)
	}
	cfg := function.Config{Name: name, Arn: "arn:aws:lambda:" + l.region + ":000000000000:function:" + name, Runtime: runtime,
		Handler: handler, CodeDir: codeDir, Timeout: timeout, Region: l.region}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pools[name] = function.NewPool(cfg, l.rts.Command, l.logs)
	return nil
}

// Invoke runs a local function; an Event invocation runs at once too, as
// the local runner lasts only as long as its execution.
func (l *Local) Invoke(ctx context.Context, in InvokeInput) (*InvokeOutput, error) {
	if !functionName.MatchString(in.FunctionName) {
		return nil, invalidParam("Invalid function name: %s", in.FunctionName)
	}
	name := functionName.FindStringSubmatch(in.FunctionName)[10]
	l.mu.Lock()
	p := l.pools[name]
	l.mu.Unlock()
	if p == nil {
		return nil, &lambdaError{code: "ResourceNotFoundException", status: 404,
			msg: "Function not found: " + name + " (give it to sluice run with --function " + name + "=RUNTIME:HANDLER:DIR)"}
	}
	if in.InvocationType == "DryRun" {
		return &InvokeOutput{StatusCode: http.StatusNoContent, ExecutedVersion: "$LATEST"}, nil
	}
	r, err := p.Invoke(ctx, function.Request{Payload: in.Payload, ClientContext: in.ClientContext})
	if err != nil {
		return nil, &lambdaError{code: "ServiceException", msg: fmt.Sprintf("The function's runtime could not start: %v", err), status: 500}
	}
	out := &InvokeOutput{StatusCode: http.StatusOK, ExecutedVersion: "$LATEST", RequestID: r.RequestID, Payload: r.Payload,
		FunctionError: r.FunctionError, ErrorType: r.ErrorType}
	if in.InvocationType == "Event" {
		out.StatusCode, out.Payload = http.StatusAccepted, nil
	}
	return out, nil
}

// Close stops every function instance.
func (l *Local) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, p := range l.pools {
		p.Close()
	}
}
