package teststate

import (
	"context"
	"sync"
)

// trace collects what an HTTP Task integration reports while it runs under
// TestState.
type trace struct {
	reveal bool

	mu   sync.Mutex
	req  *HTTPRequest
	resp *HTTPResponse
}

// traceKey is the context key of the trace.
type traceKey struct{}

// withTrace returns ctx carrying t.
func withTrace(ctx context.Context, t *trace) context.Context {
	return context.WithValue(ctx, traceKey{}, t)
}

// traceFrom returns the trace ctx carries, or nil.
func traceFrom(ctx context.Context) *trace {
	t, _ := ctx.Value(traceKey{}).(*trace)
	return t
}

// RecordHTTP lets the Invoke function of an HTTP Task report the HTTP
// exchange it made, which TestState shows at the TRACE level. Outside
// TestState it does nothing. Secrets must already be redacted unless
// RevealSecrets(ctx) is true. Either argument may be nil.
func RecordHTTP(ctx context.Context, req *HTTPRequest, resp *HTTPResponse) {
	t := traceFrom(ctx)
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if req != nil {
		c := *req
		t.req = &c
	}
	if resp != nil {
		c := *resp
		t.resp = &c
	}
}

// RevealSecrets reports whether the TestState request that ctx belongs to
// asked to reveal the secrets an EventBridge connection adds to an HTTP
// Task's request.
func RevealSecrets(ctx context.Context) bool {
	t := traceFrom(ctx)
	return t != nil && t.reveal
}

// exchange returns what was recorded.
func (t *trace) exchange() (*HTTPRequest, *HTTPResponse) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.req, t.resp
}
