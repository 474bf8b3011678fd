package runtime

import (
	"context"
	"strings"

	"github.com/sluice-run/sluice/internal/interp"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// Task is one task dispatched to a resource handler.
type Task struct {
	ExecutionArn string
	TaskID       int64
	Request      *interp.TaskRequest
	// IdempotencyKey is the same every time this task is dispatched, also
	// after a crash and restart, so handlers can deduplicate.
	IdempotencyKey string
	Region         string
	Account        string
}

// Result is how a handler finished with a task.
type Result struct {
	Output  jsonvalue.Value
	Failure *interp.TaskFailure
	// Async means the handler started the work and the task completes
	// later: through a task token (SendTaskSuccess/Failure) or a child
	// execution reporting back.
	Async bool
}

// Handler runs tasks of one kind of resource. It is called at least once
// per task and must return when ctx ends.
type Handler func(ctx context.Context, t *Task) Result

// Resources maps Task state resources to handlers. Routes match a
// resource ARN by prefix after stripping any ".sync", ".sync:2" or
// ".waitForTaskToken" suffix, which the handler reads from the request.
type Resources struct {
	routes []route
}

type route struct {
	prefix  string
	handler Handler
}

// Register adds a handler for resources starting with prefix, for example
// "arn:aws:states:::http:invoke". Later registrations win.
func (r *Resources) Register(prefix string, h Handler) {
	r.routes = append(r.routes, route{prefix: prefix, handler: h})
}

// Lookup returns the handler for a resource ARN.
func (r *Resources) Lookup(resource string) (Handler, bool) {
	if r == nil {
		return nil, false
	}
	base := BaseResource(resource)
	for i := len(r.routes) - 1; i >= 0; i-- {
		p := r.routes[i].prefix
		if base == p || (strings.HasSuffix(p, ":") && strings.HasPrefix(base, p)) {
			return r.routes[i].handler, true
		}
	}
	return nil, false
}

// BaseResource strips the integration pattern suffix from a resource:
// arn:aws:states:::states:startExecution.sync:2 -> ...:startExecution.
func BaseResource(resource string) string {
	for _, suf := range []string{".waitForTaskToken", ".sync:2", ".sync"} {
		if s, ok := strings.CutSuffix(resource, suf); ok {
			return s
		}
	}
	return resource
}

// Pattern returns the integration pattern of a resource: "", "sync",
// "sync:2" or "waitForTaskToken".
func Pattern(resource string) string {
	for _, suf := range []string{".waitForTaskToken", ".sync:2", ".sync"} {
		if strings.HasSuffix(resource, suf) {
			return suf[1:]
		}
	}
	return ""
}

// IsActivity reports whether a resource is an activity ARN, whose tasks
// wait for a worker calling GetActivityTask.
func IsActivity(resource string) bool {
	parts := strings.SplitN(resource, ":", 7)
	return len(parts) == 7 && parts[0] == "arn" && parts[2] == "states" && parts[5] == "activity"
}
