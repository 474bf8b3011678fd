package interp

import (
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// MapRun coordinates the child executions of a distributed Map state: which
// item starts next under MaxConcurrency, and when the run succeeds or fails
// given its tolerated failure threshold. It is pure bookkeeping; a driver
// starts the children and reports how each ended.
type MapRun struct {
	req       *MapRunRequest
	next      int
	running   int
	succeeded int
	failed    int
	results   []jsonvalue.Value
	done      bool
}

// MapRunCounts are the item counters DescribeMapRun reports.
type MapRunCounts struct {
	Pending, Running, Succeeded, Failed, Total int
}

// NewMapRun starts bookkeeping for req.
func NewMapRun(req *MapRunRequest) *MapRun {
	return &MapRun{req: req, results: make([]jsonvalue.Value, len(req.Items))}
}

// Request returns the Map Run's request.
func (m *MapRun) Request() *MapRunRequest { return m.req }

// SetMaxConcurrency changes the concurrency limit (UpdateMapRun).
func (m *MapRun) SetMaxConcurrency(n int64) { m.req.MaxConcurrency = n }

// Next returns the index of the next item to start, if the concurrency
// limit allows one.
func (m *MapRun) Next() (int, bool) {
	if m.done || m.next >= len(m.req.Items) {
		return 0, false
	}
	if m.req.MaxConcurrency > 0 && int64(m.running) >= m.req.MaxConcurrency {
		return 0, false
	}
	i := m.next
	m.next++
	m.running++
	return i, true
}

// Advance marks item i, the next one, as started without Next: a driver
// that rebuilds a run after a restart replays the children it had started.
func (m *MapRun) Advance(i int) bool {
	if i != m.next || i >= len(m.req.Items) {
		return false
	}
	m.next++
	m.running++
	return true
}

// Done reports whether the run has ended.
func (m *MapRun) Done() bool { return m.done }

// Succeeded records that item i's execution succeeded with out.
func (m *MapRun) Succeeded(i int, out jsonvalue.Value) {
	m.running--
	m.succeeded++
	m.results[i] = out
}

// Failed records that item i's execution failed.
func (m *MapRun) Failed(i int, errName, cause string) {
	m.running--
	m.failed++
	o := jsonvalue.NewObject(2)
	o.Append("Error", errName)
	o.Append("Cause", cause)
	m.results[i] = o
}

// Counts returns the item counters.
func (m *MapRun) Counts() MapRunCounts {
	total := len(m.req.Items)
	return MapRunCounts{Pending: total - m.next, Running: m.running, Succeeded: m.succeeded, Failed: m.failed, Total: total}
}

// exceeded reports whether the failures exceed the tolerated threshold.
func (m *MapRun) exceeded() bool {
	if m.failed == 0 {
		return false
	}
	r := m.req
	if r.ToleratedFailureCount < 0 && r.ToleratedFailurePercentage < 0 {
		return true
	}
	if r.ToleratedFailureCount >= 0 && int64(m.failed) <= r.ToleratedFailureCount {
		return false
	}
	if r.ToleratedFailurePercentage >= 0 && float64(m.failed)*100 <= r.ToleratedFailurePercentage*float64(len(r.Items)) {
		return false
	}
	return true
}

// Outcome reports whether the run is over and, if so, the Input the
// parent execution must be given. Once the threshold is exceeded the run
// fails at once; the driver aborts the children still running.
func (m *MapRun) Outcome(taskID int64) (Input, bool) {
	if m.done {
		return Input{}, false
	}
	if m.exceeded() {
		m.done = true
		return Input{Kind: InMapRunFailed, TaskID: taskID, Error: "States.ExceedToleratedFailureThreshold", HasError: true,
			Cause: "The specified tolerated failure threshold was exceeded", HasCause: true}, true
	}
	if m.succeeded+m.failed == len(m.req.Items) {
		m.done = true
		return Input{Kind: InMapRunSucceeded, TaskID: taskID, Output: m.results}, true
	}
	return Input{}, false
}
