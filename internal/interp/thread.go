package interp

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sluice-run/sluice/internal/asl"
	"github.com/sluice-run/sluice/internal/asl/jsonpath"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

type phase uint8

const (
	phIdle         phase = iota
	phEnter              // emit <Type>StateEntered
	phRun                // do the state's work
	phWaitTask           // blocked on a task or Map Run
	phWaitTimer          // blocked in a Wait state
	phWaitRetry          // blocked on a retry back-off
	phWaitChildren       // blocked on Parallel branches or Map iterations
	phComplete           // the work is done; process the result and leave
)

// thread is one line of control: the top-level state machine, a Parallel
// branch or a Map iteration.
type thread struct {
	x      *Execution
	sm     *asl.Definition
	state  *asl.State
	phase  phase
	queued bool
	dead   bool

	rawInput  jsonvalue.Value // the state's input
	effInput  jsonvalue.Value // after InputPath (and Parameters)
	result    jsonvalue.Value // task output or branch/iteration results
	enteredID int64
	lastID    int64
	enteredAt time.Time
	retries   []int64 // attempts used per retrier of the current state

	// Task bookkeeping.
	taskID   int64
	family   taskFamily
	token    string
	mapRun   bool
	timerID  string
	hbTimer  string
	toTimer  string
	children *group

	parent *group
	index  int

	envBuf jsonpath.Env

	// resume is the group of a Parallel or Map state that ended the
	// execution; a redrive re-runs only its unfinished children.
	resume *group

	// ctx caches the context object of the current state entry.
	ctx        *jsonvalue.Object
	ctxRetries int

	// vars holds the workflow variables; assign is what the current state
	// assigns when it exits.
	vars   *scope
	assign *assignment
	varFn  func(string) (jsonvalue.Value, bool)
	// catching is set while a catcher's Assign and Output are evaluated.
	catching bool
}

// group tracks the branches of a Parallel state or the iterations of an
// inline Map state.
type group struct {
	owner    *thread
	isMap    bool
	children []*thread
	results  []jsonvalue.Value
	done     []bool
	pending  int

	items      []jsonvalue.Value
	next       int
	active     int
	maxConc    int
	failures   int
	tolCount   int64   // -1 when not set
	tolPercent float64 // -1 when not set
}

func (t *thread) retryCount() int {
	n := 0
	for _, r := range t.retries {
		n += int(r)
	}
	return n
}

// redrive restarts t at its current state.
func (t *thread) redrive() {
	t.dead, t.queued = false, false
	if t.children != nil {
		t.resume = t.children
		t.children = nil
	}
	t.taskID, t.timerID, t.toTimer, t.hbTimer = 0, "", "", ""
	t.retries = t.retries[:0]
	t.ctx = nil
	t.phase = phEnter
	t.x.schedule(t)
}

// begin moves t to state s with input.
func (t *thread) begin(s *asl.State, input jsonvalue.Value) {
	t.state = s
	t.rawInput = input
	t.effInput = nil
	t.result = nil
	t.retries = t.retries[:0]
	t.token = ""
	t.ctx = nil
	t.assign = nil
	t.children, t.resume = nil, nil
	t.phase = phEnter
	t.x.schedule(t)
}

func (t *thread) step() {
	switch t.phase {
	case phEnter:
		t.enteredAt = t.x.now
		ev := t.x.emit(t, StateEnteredType(string(t.state.Type)), &StateEnteredDetails{Name: t.state.Name, Input: t.rawInput})
		t.enteredID = ev.ID
		t.phase = phRun
		t.x.schedule(t)
	case phRun:
		t.run()
	case phComplete:
		t.complete()
	}
}

// stateError is an error a state raises.
type stateError = errorInfo

// runtimeError builds a States.Runtime-style error with AWS's cause prefix.
func (t *thread) runtimeError(name, msg string) stateError {
	return newError(name, fmt.Sprintf("An error occurred while executing the state '%s' (entered at the event id #%d). %s",
		t.state.Name, t.enteredID, msg))
}

func (t *thread) evalError(err error) stateError {
	var ee *asl.EvalError
	if errors.As(err, &ee) {
		return t.runtimeError(ee.Name, ee.Cause)
	}
	var ce *asl.ChoiceError
	if errors.As(err, &ce) {
		return t.runtimeError(asl.ErrRuntime, ce.Error())
	}
	return t.runtimeError(asl.ErrRuntime, err.Error())
}

func (t *thread) run() {
	s := t.state
	switch s.Type {
	case asl.TypePass:
		t.runPass()
	case asl.TypeSucceed:
		eff, ok := t.inputPath()
		if !ok {
			return
		}
		if s.Output != nil {
			if eff, ok = t.evalJSONata(s.Output, statesVars{}); !ok {
				return
			}
		}
		t.leave(eff)
	case asl.TypeFail:
		t.runFail()
	case asl.TypeChoice:
		t.runChoice()
	case asl.TypeWait:
		t.runWait()
	case asl.TypeTask:
		t.runTask()
	case asl.TypeParallel:
		t.runParallel()
	case asl.TypeMap:
		t.runMap()
	}
}

// inputPath applies InputPath to the raw input. On failure the state has
// already failed and ok is false.
func (t *thread) inputPath() (jsonvalue.Value, bool) {
	s := t.state
	switch {
	case s.InputPath.IsRoot():
		return t.rawInput, true
	case s.InputPath.Null:
		return jsonvalue.NewObject(0), true
	}
	v, err := s.InputPath.Path.Eval(t.env(t.rawInput, s.UsesContext, nil))
	if err != nil {
		t.fail(t.pathError(s.InputPath.Path, err))
		return nil, false
	}
	return v, true
}

func (t *thread) pathError(p *jsonpath.Path, err error) stateError {
	return t.runtimeError(asl.ErrRuntime, fmt.Sprintf("Invalid path '%s' : %s", p.String(), pathErrorText(err)))
}

// pathErrorText strips the Go wrapping from a jsonpath error.
func pathErrorText(err error) string {
	return err.Error()
}

// parameters applies a payload template to in.
func (t *thread) template(tmpl *asl.Template, in jsonvalue.Value, item *mapItem) (jsonvalue.Value, bool) {
	v, err := tmpl.Eval(t.env(in, tmpl.UsesContext() || item != nil, item), t.x)
	if err != nil {
		t.fail(t.evalError(err))
		return nil, false
	}
	return v, true
}

// finishResult applies ResultSelector, ResultPath and OutputPath to result
// and leaves the state with the output.
func (t *thread) finishResult(result jsonvalue.Value) {
	s := t.state
	if s.IsJSONata() {
		sv := statesVars{result: result, hasResult: true}
		if !t.prepareAssign(nil, s.JAssign, nil, sv) {
			return
		}
		out := result
		if s.Output != nil {
			var ok bool
			if out, ok = t.evalJSONata(s.Output, sv); !ok {
				return
			}
		}
		t.leave(out)
		return
	}
	if s.ResultSelector != nil {
		var ok bool
		if result, ok = t.template(s.ResultSelector, result, nil); !ok {
			return
		}
	}
	if !t.prepareAssign(s.Assign, nil, result, statesVars{}) {
		return
	}
	out, ok := t.resultPath(s.ResultPath, result)
	if !ok {
		return
	}
	t.leave(out)
}

// resultPath merges result into the raw input as ResultPath says.
func (t *thread) resultPath(rp asl.OptionalPath, result jsonvalue.Value) (jsonvalue.Value, bool) {
	switch {
	case rp.IsDefault():
		return result, true
	case rp.Null:
		return t.rawInput, true
	}
	out, err := rp.Path.Set(t.rawInput, result)
	if err != nil {
		t.fail(t.runtimeError(asl.ErrResultPathMatchFailure, err.Error()))
		return nil, false
	}
	return out, true
}

// leave applies OutputPath, checks the size limit, emits the exit event
// and moves on to the next state or ends the thread.
func (t *thread) leave(out jsonvalue.Value) {
	s := t.state
	switch {
	case s.OutputPath.Null:
		out = jsonvalue.NewObject(0)
	case !s.OutputPath.IsRoot():
		v, err := s.OutputPath.Path.Eval(t.env(out, s.UsesContext, nil))
		if err != nil {
			t.fail(t.pathError(s.OutputPath.Path, err))
			return
		}
		out = v
	}
	if !t.checkSize(out) {
		return
	}
	if !(s.Type == asl.TypeParallel && t.parent != nil && !t.parent.isMap) {
		// AWS records no ParallelStateExited for a Parallel state that
		// runs inside a Parallel branch (observed in recorded histories).
		t.exitEvent(out)
	} else {
		t.applyAssign()
	}
	t.transition(s.NextState, out)
}

// exitEvent stores the state's variable assignments and records its exit.
func (t *thread) exitEvent(out jsonvalue.Value) {
	a := t.applyAssign()
	t.x.emit(t, StateExitedType(string(t.state.Type)), &StateExitedDetails{Name: t.state.Name, Output: out, Assigned: a})
}

func (t *thread) transition(next *asl.State, out jsonvalue.Value) {
	if next == nil {
		t.done(out)
		return
	}
	t.begin(next, out)
}

func (t *thread) checkSize(v jsonvalue.Value) bool {
	if jsonvalue.EncodedLen(v) <= t.x.opts.MaxPayload {
		return true
	}
	t.fail(newError("States.DataLimitExceeded", fmt.Sprintf(
		"The state/task '%s' returned a result with a size exceeding the maximum number of bytes service limit.", t.state.Name)))
	return false
}

// done ends the thread's state machine with output.
func (t *thread) done(out jsonvalue.Value) {
	t.phase = phIdle
	if t.parent == nil {
		t.x.succeed(out, t)
		return
	}
	t.parent.childDone(t, out)
}

func (t *thread) runPass() {
	s := t.state
	if s.IsJSONata() {
		if !t.prepareAssign(nil, s.JAssign, nil, statesVars{}) {
			return
		}
		out := t.rawInput
		if s.Output != nil {
			var ok bool
			if out, ok = t.evalJSONata(s.Output, statesVars{}); !ok {
				return
			}
		}
		t.leave(out)
		return
	}
	eff, ok := t.inputPath()
	if !ok {
		return
	}
	if s.Parameters != nil {
		if eff, ok = t.template(s.Parameters, eff, nil); !ok {
			return
		}
		if !t.checkSize(eff) {
			return
		}
	}
	result := eff
	if s.HasResult {
		result = s.Result
	}
	if !t.prepareAssign(s.Assign, nil, result, statesVars{}) {
		return
	}
	out, ok := t.resultPath(s.ResultPath, result)
	if !ok {
		return
	}
	t.leave(out)
}

func (t *thread) runFail() {
	s := t.state
	e := errorInfo{}
	if s.Error != nil {
		e.Error, e.HasError = *s.Error, true
	}
	if s.Cause != nil {
		e.Cause, e.HasCause = *s.Cause, true
	}
	for _, f := range []struct {
		tmpl  *asl.JTemplate
		name  string
		dst   *string
		isSet *bool
	}{{s.JError, "Error", &e.Error, &e.HasError}, {s.JCause, "Cause", &e.Cause, &e.HasCause}} {
		if f.tmpl == nil {
			continue
		}
		v, err := f.tmpl.Eval(t.jenv(statesVars{}))
		if err != nil {
			e := t.evalError(err)
			t.x.emit(t, EvaluationFailed, &EvaluationFailedDetails{Error: e.Error, Cause: e.Cause, State: s.Name})
			t.terminate(e)
			return
		}
		str, ok := v.(string)
		if !ok {
			t.terminate(t.queryError("The %s field must evaluate to a string but was: %s", f.name, jsonvalue.Marshal(v)))
			return
		}
		*f.dst, *f.isSet = str, true
	}
	for _, f := range []struct {
		expr  *asl.Expr
		name  string
		dst   *string
		isSet *bool
	}{{s.ErrorExpr, "ErrorPath", &e.Error, &e.HasError}, {s.CauseExpr, "CausePath", &e.Cause, &e.HasCause}} {
		if f.expr == nil {
			continue
		}
		v, err := f.expr.Eval(t.env(t.rawInput, s.UsesContext, nil), t.x, f.name)
		if err != nil {
			t.terminate(t.evalError(err))
			return
		}
		str, ok := v.(string)
		if !ok {
			t.terminate(t.runtimeError(asl.ErrRuntime, fmt.Sprintf("The %s field must reference a string value but was: %s", f.name, jsonvalue.Marshal(v))))
			return
		}
		*f.dst, *f.isSet = str, true
	}
	t.terminate(e)
}

func (t *thread) runChoice() {
	s := t.state
	eff, ok := t.inputPath()
	if !ok {
		return
	}
	var next *asl.State
	var rule *asl.ChoiceRule
	for _, r := range s.Choices {
		var m bool
		if s.IsJSONata() {
			v, ok := t.evalJSONata(r.Condition, statesVars{})
			if !ok {
				return
			}
			b, isBool := v.(bool)
			if !isBool {
				t.failEval(t.queryError("The Condition field must evaluate to a boolean but was: %s", jsonvalue.Marshal(v)))
				return
			}
			m = b
		} else {
			var err error
			m, err = r.Match(t.env(eff, s.UsesContext, nil))
			if err != nil {
				t.fail(t.evalError(err))
				return
			}
		}
		if m {
			next, rule = r.NextState, r
			break
		}
	}
	if next == nil {
		next = s.DefaultState
	}
	if next == nil {
		t.fail(newError("States.NoChoiceMatched", "No Matches!"))
		return
	}
	// The state's Assign applies whichever way the state goes; a matched
	// rule's Assign adds to it (winning for the same name), and its Output
	// takes the place of the state's.
	output := s.Output
	if rule != nil && rule.Output != nil {
		output = rule.Output
	}
	if !t.prepareAssign(s.Assign, s.JAssign, eff, statesVars{}) {
		return
	}
	if rule != nil && (rule.Assign != nil || rule.JAssign != nil) {
		stateLevel := t.assign
		if !t.prepareAssign(rule.Assign, rule.JAssign, eff, statesVars{}) {
			return
		}
		t.assign = stateLevel.merge(t.assign)
	}
	if output != nil {
		out, ok := t.evalJSONata(output, statesVars{})
		if !ok {
			return
		}
		t.exitEvent(out)
		t.begin(next, out)
		return
	}
	out := eff
	switch {
	case s.OutputPath.Null:
		out = jsonvalue.NewObject(0)
	case !s.OutputPath.IsRoot():
		v, err := s.OutputPath.Path.Eval(t.env(eff, s.UsesContext, nil))
		if err != nil {
			t.fail(t.pathError(s.OutputPath.Path, err))
			return
		}
		out = v
	}
	t.exitEvent(out)
	t.begin(next, out)
}

func (t *thread) runWait() {
	s := t.state
	eff, ok := t.inputPath()
	if !ok {
		return
	}
	t.effInput = eff
	var due time.Time
	switch {
	case s.JSeconds != nil:
		v, ok := t.evalJSONata(s.JSeconds, statesVars{})
		if !ok {
			return
		}
		n, isNum := v.(jsonvalue.Number)
		secs, isInt := n.Int64()
		if !isNum || !isInt || secs < 0 {
			t.failEval(t.queryError("The Seconds field must be a non-negative integer but was: %s", jsonvalue.Marshal(v)))
			return
		}
		due = t.x.now.Add(time.Duration(secs) * time.Second)
	case s.JTimestamp != nil:
		v, ok := t.evalJSONata(s.JTimestamp, statesVars{})
		if !ok {
			return
		}
		str, isStr := v.(string)
		ts, perr := asl.ParseTimestamp(str)
		if !isStr || perr != nil {
			t.failEval(t.queryError("The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: %s", valueText(v)))
			return
		}
		due = ts
	case s.Seconds != nil:
		due = t.x.now.Add(time.Duration(*s.Seconds) * time.Second)
	case s.Timestamp != nil:
		due = *s.Timestamp
	case s.SecondsPath != nil:
		v, err := s.SecondsPath.Eval(t.env(eff, s.UsesContext, nil))
		if err != nil {
			t.fail(t.runtimeError(asl.ErrRuntime, fmt.Sprintf("The SecondsPath parameter does not reference an input value: %s", s.SecondsPath)))
			return
		}
		n, isNum := v.(jsonvalue.Number)
		secs, isInt := n.Int64()
		if !isNum || !isInt || !n.IsIntegerLiteral() {
			t.fail(t.runtimeError(asl.ErrRuntime, fmt.Sprintf("The SecondsPath parameter cannot be parsed as a long value: %s == %s", s.SecondsPath, valueText(v))))
			return
		}
		if secs < 0 {
			t.fail(t.runtimeError(asl.ErrRuntime, fmt.Sprintf("The SecondsPath parameter references a negative value: %s == %s", s.SecondsPath, valueText(v))))
			return
		}
		due = t.x.now.Add(time.Duration(secs) * time.Second)
	case s.TimestampPath != nil:
		v, err := s.TimestampPath.Eval(t.env(eff, s.UsesContext, nil))
		if err != nil {
			t.fail(t.runtimeError(asl.ErrRuntime, fmt.Sprintf("The TimestampPath parameter does not reference an input value: %s", s.TimestampPath)))
			return
		}
		str, isStr := v.(string)
		ts, perr := asl.ParseTimestamp(str)
		if !isStr || perr != nil {
			t.fail(t.runtimeError(asl.ErrRuntime, fmt.Sprintf("The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: %s == %s", s.TimestampPath, valueText(v))))
			return
		}
		due = ts
	}
	t.phase = phWaitTimer
	t.timerID = "wait:" + strconv.FormatInt(t.enteredID, 10)
	t.x.startTimer(t.timerID, due, t)
}

// valueText prints a value the way AWS's messages do: strings raw, other
// values as JSON.
func valueText(v jsonvalue.Value) string {
	if s, ok := v.(string); ok {
		return s
	}
	return jsonvalue.Marshal(v)
}

func (t *thread) timerFired(id string) {
	switch {
	case id == t.timerID && t.phase == phWaitTimer:
		t.timerID = ""
		t.phase = phComplete
		t.x.schedule(t)
	case id == t.timerID && t.phase == phWaitRetry:
		t.timerID = ""
		t.phase = phRun
		t.x.schedule(t)
	case id == t.toTimer || id == t.hbTimer:
		name := "States.Timeout"
		if id == t.hbTimer {
			name = "States.HeartbeatTimeout"
		}
		t.taskTimedOut(name)
	}
}

func (t *thread) complete() {
	s := t.state
	switch s.Type {
	case asl.TypeWait:
		if !t.prepareAssign(s.Assign, s.JAssign, t.effInput, statesVars{}) {
			return
		}
		out := t.effInput
		if s.Output != nil {
			var ok bool
			if out, ok = t.evalJSONata(s.Output, statesVars{}); !ok {
				return
			}
		}
		t.leave(out)
	case asl.TypeMap:
		t.x.emit(t, MapStateSucceeded, nil)
		t.finishResult(t.result)
	default:
		t.finishResult(t.result)
	}
}

// fail handles an error raised by the current state: retry, catch, or fail
// the thread.
func (t *thread) fail(e stateError) { t.failWith(e, false) }

// failWith handles an error; fromChildren says it came from a failed branch
// or iteration. AWS records MapStateFailed and ParallelStateFailed for
// those and for catchable errors, but not when the state's own paths fail
// with States.Runtime.
func (t *thread) failWith(e stateError, fromChildren bool) {
	s := t.state
	if t.catching {
		// A catcher's own Assign or Output failed: the state fails with
		// that, without consulting the retriers and catchers again.
		t.catching = false
		t.terminate(e)
		return
	}
	if retryable(e.Error) {
		for i, r := range s.Retry {
			if !errorMatches(r.ErrorEquals, e.Error) {
				continue
			}
			for len(t.retries) < len(s.Retry) {
				t.retries = append(t.retries, 0)
			}
			if t.retries[i] >= r.MaxAttempts {
				break
			}
			delay := retryDelay(r, t.retries[i], t.x)
			t.retries[i]++
			t.phase = phWaitRetry
			t.timerID = fmt.Sprintf("retry:%d:%d", t.enteredID, t.retryCount())
			t.x.startTimer(t.timerID, t.x.now.Add(delay), t)
			return
		}
	}
	if fromChildren || retryable(e.Error) {
		switch s.Type {
		case asl.TypeMap:
			t.x.emit(t, MapStateFailed, nil)
		case asl.TypeParallel:
			t.x.emit(t, ParallelStateFailed, nil)
		}
	}
	if retryable(e.Error) {
		for _, c := range s.Catch {
			if !errorMatches(c.ErrorEquals, e.Error) {
				continue
			}
			errOut := errorOutput(e)
			out := jsonvalue.Value(errOut)
			t.catching = true
			defer func() { t.catching = false }()
			if s.IsJSONata() {
				sv := statesVars{errorOutput: errOut}
				if !t.prepareAssign(nil, c.JAssign, nil, sv) {
					return
				}
				if c.Output != nil {
					var ok bool
					if out, ok = t.evalJSONata(c.Output, sv); !ok {
						return
					}
				}
				t.exitEvent(out)
				t.transition(c.NextState, out)
				return
			}
			if !t.prepareAssign(c.Assign, nil, errOut, statesVars{}) {
				return
			}
			switch {
			case c.ResultPath.Null:
				out = t.rawInput
			case !c.ResultPath.IsDefault():
				var err error
				if out, err = c.ResultPath.Path.Set(t.rawInput, out); err != nil {
					// The catcher cannot place the error: the state fails
					// with that, without consulting the catchers again.
					t.terminate(t.runtimeError(asl.ErrResultPathMatchFailure, err.Error()))
					return
				}
			}
			t.exitEvent(out)
			t.transition(c.NextState, out)
			return
		}
	}
	t.terminate(e)
}

// terminate fails the thread's state machine with e.
func (t *thread) terminate(e stateError) {
	t.phase = phIdle
	if t.parent == nil {
		t.x.finish(StatusFailed, ExecutionFailed, e, t)
		return
	}
	t.parent.childFailed(t, e)
}

// retryable reports whether an error may be retried or caught at all:
// AWS never retries or catches States.Runtime and States.DataLimitExceeded.
func retryable(name string) bool {
	return name != asl.ErrRuntime && name != "States.DataLimitExceeded"
}

// errorMatches reports whether an ErrorEquals list matches error name.
func errorMatches(equals []string, name string) bool {
	for _, e := range equals {
		switch {
		case e == name:
			return true
		case e == "States.ALL":
			return true
		case e == "States.TaskFailed" && name != "States.Timeout" && name != "States.HeartbeatTimeout":
			return true
		case e == "States.Timeout" && name == "States.HeartbeatTimeout":
			return true
		}
	}
	return false
}

// retryDelay computes the back-off before retry number attempt (from 0).
func retryDelay(r *asl.Retrier, attempt int64, x *Execution) time.Duration {
	secs := float64(r.IntervalSeconds) * math.Pow(r.BackoffRate, float64(attempt))
	if r.MaxDelaySeconds > 0 && secs > float64(r.MaxDelaySeconds) {
		secs = float64(r.MaxDelaySeconds)
	}
	if secs > 31622400 {
		secs = 31622400
	}
	if r.JitterStrategy == "FULL" {
		secs = secs * (float64(x.rng.Uint64()>>11) / (1 << 53))
	}
	return time.Duration(secs * float64(time.Second))
}

func sortedTaskIDs(m map[int64]*thread) []int64 {
	ids := make([]int64, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

func sortedTimerIDs(m map[string]*thread) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// kill stops t and everything below it without events, cancelling its
// outstanding work.
func (t *thread) kill() {
	if t.dead {
		return
	}
	t.dead = true
	x := t.x
	if t.taskID != 0 {
		if _, ok := x.tasks[t.taskID]; ok {
			delete(x.tasks, t.taskID)
			if t.mapRun {
				x.command(Command{Kind: CmdCancelMapRun, TaskID: t.taskID})
			} else {
				x.command(Command{Kind: CmdCancelTask, TaskID: t.taskID})
			}
		}
	}
	for _, id := range []string{t.timerID, t.toTimer, t.hbTimer} {
		if id != "" {
			x.cancelTimer(id)
		}
	}
	if t.children != nil {
		for _, c := range t.children.children {
			c.kill()
		}
	}
}

// intFromPathValue reads a *Path value as AWS does: numbers, and strings
// holding numbers, are accepted.
func numberText(v jsonvalue.Value) (string, bool) {
	switch x := v.(type) {
	case jsonvalue.Number:
		return string(x), true
	case string:
		return strings.TrimSpace(x), true
	}
	return "", false
}

// errorOutput is the {"Error": ..., "Cause": ...} document a Catcher passes
// on.
func errorOutput(e stateError) *jsonvalue.Object {
	o := jsonvalue.NewObject(2)
	if e.HasError {
		o.Append("Error", e.Error)
	}
	if e.HasCause {
		o.Append("Cause", e.Cause)
	}
	return o
}
