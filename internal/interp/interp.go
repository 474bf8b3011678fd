// Package interp is the pure Amazon States Language interpreter.
//
// An Execution is driven by calls: Start, then Apply for every Input (a task
// result, a timer firing, a stop request). Each call returns the new history
// events, with AWS's names and shapes, and the commands the outside world
// must carry out (run this task, fire this timer). The interpreter does no
// I/O and reads no clock or randomness of its own: time comes with every
// input and randomness from the seed in Options, so replaying the same
// inputs into a new Execution reproduces the same history. The same code
// runs `sluice run`, the server and TestState.
package interp

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/sluice-run/sluice/internal/asl"
	"github.com/sluice-run/sluice/internal/asl/jsonata"
	"github.com/sluice-run/sluice/internal/asl/jsonpath"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// AWS limits the interpreter enforces.
const (
	DefaultMaxEvents  = 25000
	DefaultMaxPayload = 256 * 1024
)

// Options describe the execution to the interpreter.
type Options struct {
	ExecutionArn     string
	Name             string
	StateMachineArn  string
	StateMachineName string
	RoleArn          string
	Region           string
	// StartTime is the time of ExecutionStarted.
	StartTime time.Time
	// Seed seeds the execution's randomness (States.UUID, States.MathRandom,
	// retry jitter). A driver stores it with the execution for replay.
	Seed uint64
	// TaskToken returns the task token for the task scheduled at event id.
	// It must be deterministic. When nil, tokens are drawn from the seeded
	// random source.
	TaskToken func(eventID int64) string
	// MaxEvents limits the history (default 25,000); MaxPayload limits
	// inputs and outputs in bytes (default 256 KiB).
	MaxEvents  int
	MaxPayload int
	// RedriveCount is reported in $$.Execution.RedriveCount.
	RedriveCount int
}

// Execution is one running state machine execution.
type Execution struct {
	def  *asl.Definition
	opts Options
	rng  *rand.Rand
	// jconv converts documents for JSONata evaluations, once each.
	jconv jsonata.Converter

	status   Status
	stopTime time.Time
	output   jsonvalue.Value
	errInf   errorInfo

	input jsonvalue.Value
	now   time.Time

	nextID int64
	events []Event
	cmds   []Command

	// runq is a FIFO of runnable threads: runq[head:] are waiting.
	runq []*thread
	head int
	root *thread

	tasks  map[int64]*thread
	timers map[string]*thread

	ctxExecution *jsonvalue.Object // $$.Execution, built once
	ctxMachine   *jsonvalue.Object // $$.StateMachine
}

// errorInfo is an error name and cause, each of which may be absent.
type errorInfo struct {
	Error, Cause       string
	HasError, HasCause bool
}

func newError(name, cause string) errorInfo {
	return errorInfo{Error: name, Cause: cause, HasError: true, HasCause: true}
}

// MaxExecutionTime is the longest a STANDARD execution may run on AWS.
const MaxExecutionTime = 365 * 24 * time.Hour

// executionTimeout is the definition's TimeoutSeconds, or AWS's one-year
// limit.
func (x *Execution) executionTimeout() time.Duration {
	if x.def.TimeoutSeconds > 0 {
		return time.Duration(x.def.TimeoutSeconds) * time.Second
	}
	return MaxExecutionTime
}

// Status returns the execution's status.
func (x *Execution) Status() Status { return x.status }

// Now returns the time of the latest input applied.
func (x *Execution) Now() time.Time { return x.now }

// StopTime returns the time the execution ended, or zero while it runs.
func (x *Execution) StopTime() time.Time { return x.stopTime }

// Output returns the output of a succeeded execution.
func (x *Execution) Output() jsonvalue.Value { return x.output }

// Error returns the error and cause of a failed, timed out or aborted
// execution; ok flags say whether each is present.
func (x *Execution) Error() (name string, hasName bool, cause string, hasCause bool) {
	return x.errInf.Error, x.errInf.HasError, x.errInf.Cause, x.errInf.HasCause
}

// TaskPending reports whether the task (or Map Run) scheduled at event id
// is still awaited.
func (x *Execution) TaskPending(id int64) bool {
	_, ok := x.tasks[id]
	return ok
}

// PendingTasks returns the ids of awaited tasks and Map Runs in order.
func (x *Execution) PendingTasks() []int64 { return sortedTaskIDs(x.tasks) }

// EventCount returns the number of history events so far.
func (x *Execution) EventCount() int { return int(x.nextID) }

// Definition returns the definition the execution runs.
func (x *Execution) Definition() *asl.Definition { return x.def }

// Start starts an execution of def with input and returns it with the
// first step: ExecutionStarted and everything that runs before the first
// task, timer or the end.
func Start(def *asl.Definition, input jsonvalue.Value, opts Options) (*Execution, Step) {
	if opts.MaxEvents <= 0 {
		opts.MaxEvents = DefaultMaxEvents
	}
	if opts.MaxPayload <= 0 {
		opts.MaxPayload = DefaultMaxPayload
	}
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	x := &Execution{
		def:    def,
		opts:   opts,
		rng:    rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15)),
		status: StatusRunning,
		input:  input,
		now:    opts.StartTime,
		tasks:  map[int64]*thread{},
		timers: map[string]*thread{},
		events: make([]Event, 0, 32),
	}
	root := &thread{x: x, sm: def}
	x.root = root
	ev := x.emit(root, ExecutionStarted, &ExecutionStartedDetails{Input: input, RoleArn: opts.RoleArn})
	_ = ev
	x.startTimer(timerExecution, opts.StartTime.Add(x.executionTimeout()), nil)
	root.begin(def.Start, input)
	x.run()
	return x, x.flush()
}

// Apply feeds one input into the execution and returns what it caused.
// Inputs for unknown or finished tasks and timers are ignored, so a driver
// may deliver at least once.
func (x *Execution) Apply(in Input) Step {
	if in.Kind == InRedrive {
		if !in.Time.IsZero() {
			x.now = in.Time
		}
		x.redrive()
		x.run()
		return x.flush()
	}
	if x.status != StatusRunning {
		return Step{}
	}
	if !in.Time.IsZero() {
		x.now = in.Time
	}
	switch in.Kind {
	case InStop:
		x.abort(errorInfo{Error: in.Error, Cause: in.Cause, HasError: in.HasError, HasCause: in.HasCause})
	case InTimerFired:
		x.timerFired(in.TimerID)
	case InMapRunSucceeded, InMapRunFailed:
		x.mapRunDone(in)
	default:
		x.taskInput(in)
	}
	x.run()
	return x.flush()
}

func (x *Execution) flush() Step {
	s := Step{Events: x.events, Commands: x.cmds}
	x.events, x.cmds = make([]Event, 0, 8), nil
	return s
}

// emit appends an event caused by thread t and chains it after t's last
// event.
func (x *Execution) emit(t *thread, typ EventType, details any) *Event {
	x.nextID++
	prev := int64(0)
	if t != nil {
		prev = t.lastID
		t.lastID = x.nextID
	}
	x.events = append(x.events, Event{ID: x.nextID, PreviousID: prev, Timestamp: x.now, Type: typ, Details: details})
	return &x.events[len(x.events)-1]
}

func (x *Execution) command(c Command) { x.cmds = append(x.cmds, c) }

// run steps runnable threads round-robin until none is left, which mirrors
// how AWS interleaves the events of parallel branches.
func (x *Execution) run() {
	for x.head < len(x.runq) && x.status == StatusRunning {
		t := x.runq[x.head]
		x.runq[x.head] = nil
		x.head++
		if x.head == len(x.runq) {
			x.runq, x.head = x.runq[:0], 0
		} else if x.head > 256 && x.head*2 > len(x.runq) {
			n := copy(x.runq, x.runq[x.head:])
			clear(x.runq[n:])
			x.runq, x.head = x.runq[:n], 0
		}
		if t.dead {
			continue
		}
		t.queued = false
		t.step()
		if x.status == StatusRunning && x.nextID >= int64(x.opts.MaxEvents) {
			x.finish(StatusFailed, ExecutionFailed, newError(asl.ErrRuntime, fmt.Sprintf(
				"The execution reached the maximum number of history events (%d).", x.opts.MaxEvents)), t)
		}
	}
	if x.head == len(x.runq) && cap(x.runq) > 1024 {
		x.runq, x.head = nil, 0
	}
}

func (x *Execution) schedule(t *thread) {
	if t.queued || t.dead {
		return
	}
	t.queued = true
	x.runq = append(x.runq, t)
}

// finish ends the execution with a terminal event.
func (x *Execution) finish(status Status, typ EventType, e errorInfo, t *thread) {
	if x.status != StatusRunning {
		return
	}
	x.status = status
	x.stopTime = x.now
	x.errInf = e
	x.emit(t, typ, &ErrorDetails{Error: e.Error, Cause: e.Cause, HasError: e.HasError, HasCause: e.HasCause})
	x.cancelAll()
}

func (x *Execution) succeed(output jsonvalue.Value, t *thread) {
	x.status = StatusSucceeded
	x.stopTime = x.now
	x.output = output
	x.emit(t, ExecutionSucceeded, &OutputDetails{Output: output})
	x.cancelAll()
}

// Redrivable reports whether RedriveExecution may restart the execution.
func (x *Execution) Redrivable() bool {
	return x.status == StatusFailed || x.status == StatusAborted || x.status == StatusTimedOut
}

// redrive restarts a failed, aborted or timed out execution at the state
// that was running when it ended. Parallel and Map states keep the results
// of branches and iterations that had succeeded and run the others again.
func (x *Execution) redrive() {
	if !x.Redrivable() {
		return
	}
	x.status = StatusRunning
	x.stopTime = time.Time{}
	x.errInf = errorInfo{}
	x.output = nil
	x.opts.RedriveCount++
	x.ctxExecution = nil
	x.runq, x.head = nil, 0
	root := x.root
	x.emit(root, ExecutionRedriven, &RedriveDetails{RedriveCount: x.opts.RedriveCount})
	x.startTimer(timerExecution, x.now.Add(x.executionTimeout()), nil)
	root.redrive()
}

// abort stops the execution on StopExecution.
func (x *Execution) abort(e errorInfo) {
	x.finish(StatusAborted, ExecutionAborted, e, nil)
}

// cancelAll cancels every outstanding task and timer.
func (x *Execution) cancelAll() {
	for _, id := range sortedTaskIDs(x.tasks) {
		t := x.tasks[id]
		if t.mapRun {
			x.command(Command{Kind: CmdCancelMapRun, TaskID: id})
		} else {
			x.command(Command{Kind: CmdCancelTask, TaskID: id})
		}
		delete(x.tasks, id)
	}
	for _, id := range sortedTimerIDs(x.timers) {
		x.command(Command{Kind: CmdCancelTimer, TimerID: id})
		delete(x.timers, id)
	}
	x.runq, x.head = nil, 0
}

const timerExecution = "execution"

func (x *Execution) startTimer(id string, at time.Time, t *thread) {
	x.timers[id] = t
	x.command(Command{Kind: CmdStartTimer, TimerID: id, At: at})
}

func (x *Execution) cancelTimer(id string) {
	if _, ok := x.timers[id]; ok {
		delete(x.timers, id)
		x.command(Command{Kind: CmdCancelTimer, TimerID: id})
	}
}

func (x *Execution) timerFired(id string) {
	t, ok := x.timers[id]
	if !ok {
		return
	}
	delete(x.timers, id)
	if id == timerExecution {
		x.finish(StatusTimedOut, ExecutionTimedOut, errorInfo{Error: "States.Timeout", HasError: true}, nil)
		return
	}
	if t == nil || t.dead {
		return
	}
	t.timerFired(id)
}

// contextBase returns $$.Execution and $$.StateMachine, built once.
func (x *Execution) contextBase() (*jsonvalue.Object, *jsonvalue.Object) {
	if x.ctxExecution == nil {
		e := jsonvalue.NewObject(6)
		e.Append("Id", x.opts.ExecutionArn)
		e.Append("Input", x.input)
		e.Append("StartTime", formatTime(x.opts.StartTime))
		e.Append("Name", x.opts.Name)
		e.Append("RoleArn", x.opts.RoleArn)
		e.Append("RedriveCount", jsonvalue.Int(int64(x.opts.RedriveCount)))
		x.ctxExecution = e
		m := jsonvalue.NewObject(2)
		m.Append("Id", x.opts.StateMachineArn)
		m.Append("Name", x.opts.StateMachineName)
		x.ctxMachine = m
	}
	return x.ctxExecution, x.ctxMachine
}

// formatTime formats a time as Step Functions does in the context object:
// ISO 8601 in UTC with milliseconds.
func formatTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// Uint64 makes the execution's random source usable by intrinsics.
func (x *Execution) Uint64() uint64 { return x.rng.Uint64() }

// env returns the path environment for evaluating state s of thread t with
// input in. The context object is built only when the state reads it.
func (t *thread) env(in jsonvalue.Value, withContext bool, item *mapItem) *jsonpath.Env {
	env := &t.envBuf
	env.Input = in
	env.Context = nil
	if t.varFn == nil {
		t.varFn = t.lookupVar
	}
	env.Var = t.varFn
	if withContext {
		env.Context = t.context(item)
	}
	return env
}

type mapItem struct {
	index int
	value jsonvalue.Value
}

var (
	ctxKeys     = []string{"Execution", "State", "StateMachine"}
	ctxKeysTask = []string{"Execution", "State", "StateMachine", "Task"}
	ctxKeysMap  = []string{"Execution", "State", "StateMachine", "Map"}
	stateKeys   = []string{"EnteredTime", "Name", "RetryCount"}
	// stateKeysNoRetry is $$.State of states that cannot retry, for which
	// AWS reports no RetryCount.
	stateKeysNoRetry = []string{"EnteredTime", "Name"}
	mapKeys          = []string{"Item"}
	itemKeys         = []string{"Index", "Value"}
	taskKeys         = []string{"Token"}
)

// context builds the context object for the current state of t. The part
// that does not depend on a Map item is built once per state entry and
// retry, since a Map state evaluates its ItemSelector once per item.
func (t *thread) context(item *mapItem) *jsonvalue.Object {
	if t.ctx == nil || t.ctxRetries != t.retryCount() {
		ex, sm := t.x.contextBase()
		keys := ctxKeys
		if t.token != "" {
			keys = ctxKeysTask
		}
		c := jsonvalue.NewObjectKeys(keys)
		c.SetAt(0, ex)
		var st *jsonvalue.Object
		switch t.state.Type {
		case asl.TypeTask, asl.TypeParallel, asl.TypeMap:
			st = jsonvalue.NewObjectKeys(stateKeys)
			st.SetAt(2, jsonvalue.Int(int64(t.retryCount())))
		default:
			st = jsonvalue.NewObjectKeys(stateKeysNoRetry)
		}
		st.SetAt(0, formatTime(t.enteredAt))
		st.SetAt(1, t.state.Name)
		c.SetAt(1, st)
		c.SetAt(2, sm)
		if t.token != "" {
			task := jsonvalue.NewObjectKeys(taskKeys)
			task.SetAt(0, t.token)
			c.SetAt(3, task)
		}
		t.ctx, t.ctxRetries = c, t.retryCount()
	}
	if item == nil {
		return t.ctx
	}
	c := jsonvalue.NewObjectKeys(ctxKeysMap)
	for i := 0; i < 3; i++ {
		_, v := t.ctx.At(i)
		c.SetAt(i, v)
	}
	it := jsonvalue.NewObjectKeys(itemKeys)
	it.SetAt(0, jsonvalue.Int(int64(item.index)))
	it.SetAt(1, item.value)
	m := jsonvalue.NewObjectKeys(mapKeys)
	m.SetAt(0, it)
	c.SetAt(3, m)
	return c
}
