package teststate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/sluice-run/sluice/internal/asl"
	"github.com/sluice-run/sluice/internal/asl/intrinsic"
	"github.com/sluice-run/sluice/internal/asl/jsonata"
	"github.com/sluice-run/sluice/internal/asl/jsonpath"
	"github.com/sluice-run/sluice/internal/interp"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// Errors the tested state can raise besides those of package asl.
const (
	errDataLimitExceeded      = "States.DataLimitExceeded"
	errNoChoiceMatched        = "States.NoChoiceMatched"
	errTimeout                = "States.Timeout"
	errTaskFailed             = "States.TaskFailed"
	errExceedToleratedFailure = "States.ExceedToleratedFailureThreshold"
)

// doc is a JSON value together with the text it arrived in, kept while the
// value passes through the state unchanged: AWS echoes such text as given.
type doc struct {
	v      jsonvalue.Value
	raw    string
	hasRaw bool
}

// val returns a doc for a value computed by the state.
func val(v jsonvalue.Value) doc { return doc{v: v} }

// text returns the JSON text of d.
func (d doc) text() string {
	if d.hasRaw {
		return d.raw
	}
	return jsonvalue.Marshal(d.v)
}

// stateError is an error the state raises: a name and a cause, either of
// which may be absent.
type stateError struct {
	Error, Cause       string
	HasError, HasCause bool
}

// newError returns an error with both a name and a cause.
func newError(name, cause string) *stateError {
	return &stateError{Error: name, Cause: cause, HasError: true, HasCause: true}
}

// run is one test of one state.
type run struct {
	req    *Request
	t      *target
	p      *prepared
	s      *asl.State
	invoke Invoke
	rnd    intrinsic.Random
	now    time.Time

	input   doc
	context *jsonvalue.Object
	trace   *trace

	resp Response
	insp InspectionData

	// vars are the workflow variables: the request's, then the state's
	// assignments once it ends well; pending holds those assignments.
	vars    *jsonvalue.Object
	pending *jsonvalue.Object
	conv    jsonata.Converter
}

// newRun sets up the test of t's state for request r.
func newRun(r *Request, t *target, p *prepared, invoke Invoke) *run {
	x := &run{req: r, t: t, p: p, s: t.state, invoke: invoke, rnd: r.Env.Random, now: r.Env.Now}
	if x.now.IsZero() {
		x.now = time.Now()
	}
	x.now = x.now.UTC()
	if x.rnd == nil {
		seed := uint64(x.now.UnixNano())
		x.rnd = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	}
	x.input = doc{v: r.Input}
	if r.RawInput != nil {
		x.input = doc{v: r.Input, raw: string(r.RawInput), hasRaw: true}
	}
	x.vars = p.variables
	x.context = p.context
	if x.context == nil {
		x.context = x.defaultContext()
	}
	x.trace = &trace{reveal: r.RevealSecrets}
	return x
}

// exec runs the state and records the outcome in x.resp.
func (x *run) exec(ctx context.Context) error {
	x.insp.Input = x.input.text()
	var e *stateError
	var err error
	switch x.s.Type {
	case asl.TypePass:
		e = x.runPass()
	case asl.TypeTask:
		e, err = x.runTask(ctx)
	case asl.TypeChoice:
		e = x.runChoice()
	case asl.TypeWait:
		e = x.runWait()
	case asl.TypeSucceed:
		e = x.runSucceed()
	case asl.TypeFail:
		e = x.runFail()
	case asl.TypeMap:
		e, err = x.runMap()
	case asl.TypeParallel:
		e = x.runParallel()
	}
	if err != nil {
		return err
	}
	if e != nil {
		x.handle(e)
	}
	return nil
}

// env returns the path environment for evaluating against in; item is set
// while a Map state builds the input of one iteration.
func (x *run) env(in jsonvalue.Value, item *mapItem) *jsonpath.Env {
	env := &jsonpath.Env{Input: in, Context: x.context}
	if item != nil {
		env.Context = item.context(x.context)
	}
	if vars := x.vars; vars != nil {
		env.Var = func(name string) (jsonvalue.Value, bool) { return vars.Get(name) }
	}
	return env
}

// pathError is the error of a path that cannot be evaluated.
func pathError(p *jsonpath.Path, err error) *stateError {
	return newError(asl.ErrRuntime, fmt.Sprintf("Invalid path '%s' : %s", p.String(), err.Error()))
}

// evalError converts an evaluation failure of package asl.
func evalError(err error) *stateError {
	var ee *asl.EvalError
	if errors.As(err, &ee) {
		return newError(ee.Name, ee.Cause)
	}
	var ce *asl.ChoiceError
	if errors.As(err, &ce) {
		return newError(asl.ErrRuntime, ce.Error())
	}
	return newError(asl.ErrRuntime, err.Error())
}

// inputPath applies InputPath to the state input.
func (x *run) inputPath() (doc, *stateError) {
	s := x.s
	switch {
	case s.InputPath.IsRoot():
		return x.input, nil
	case s.InputPath.Null:
		return val(jsonvalue.NewObject(0)), nil
	}
	v, err := s.InputPath.Path.Eval(x.env(x.input.v, nil))
	if err != nil {
		return doc{}, pathError(s.InputPath.Path, err)
	}
	return val(v), nil
}

// template evaluates a payload template against in.
func (x *run) template(t *asl.Template, in jsonvalue.Value, item *mapItem) (jsonvalue.Value, *stateError) {
	v, err := t.Eval(x.env(in, item), x.rnd)
	if err != nil {
		return nil, evalError(err)
	}
	return v, nil
}

// resultPath merges result into the state input as rp says.
func (x *run) resultPath(rp asl.OptionalPath, result doc) (doc, *stateError) {
	switch {
	case rp.IsDefault():
		return result, nil
	case rp.Null:
		return x.input, nil
	}
	out, err := rp.Path.Set(x.input.v, result.v)
	if err != nil {
		return doc{}, newError(asl.ErrResultPathMatchFailure, err.Error())
	}
	return val(out), nil
}

// outputPath applies OutputPath.
func (x *run) outputPath(out doc) (doc, *stateError) {
	s := x.s
	switch {
	case s.OutputPath.Null:
		return val(jsonvalue.NewObject(0)), nil
	case s.OutputPath.IsRoot():
		return out, nil
	}
	v, err := s.OutputPath.Path.Eval(x.env(out.v, nil))
	if err != nil {
		return doc{}, pathError(s.OutputPath.Path, err)
	}
	return val(v), nil
}

// checkSize fails with States.DataLimitExceeded when d is larger than the
// payload limit.
func (x *run) checkSize(d doc) *stateError {
	if jsonvalue.EncodedLen(d.v) <= interp.DefaultMaxPayload {
		return nil
	}
	return newError(errDataLimitExceeded, fmt.Sprintf(
		"The state/task '%s' returned a result with a size exceeding the maximum number of bytes service limit.", x.s.Name))
}

// leave applies OutputPath and the size limit and ends the state
// successfully.
func (x *run) leave(out doc) *stateError {
	out, e := x.outputPath(out)
	if e != nil {
		return e
	}
	if e := x.checkSize(out); e != nil {
		return e
	}
	x.succeed(out, x.s.Next)
	return nil
}

// succeed ends the test successfully with out and the next state.
func (x *run) succeed(out doc, next string) {
	x.applyAssign()
	x.resp.Status = StatusSucceeded
	x.resp.Output = out.text()
	x.resp.NextState = next
}

// finish applies ResultSelector and ResultPath to the state's result and
// leaves.
func (x *run) finish(result doc) *stateError {
	s := x.s
	if s.IsJSONata() {
		sv := statesVars{result: &result}
		if e := x.prepareAssign(nil, s.JAssign, nil, sv); e != nil {
			return e
		}
		out := result
		if s.Output != nil {
			var e *stateError
			if out, e = x.evalJ(s.Output, sv); e != nil {
				return e
			}
		}
		return x.leave(out)
	}
	if s.ResultSelector != nil {
		v, e := x.template(s.ResultSelector, result.v, nil)
		if e != nil {
			return e
		}
		result = val(v)
	}
	x.insp.AfterResultSelector = result.text()
	if e := x.prepareAssign(s.Assign, nil, result.v, statesVars{}); e != nil {
		return e
	}
	out, e := x.resultPath(s.ResultPath, result)
	if e != nil {
		return e
	}
	x.insp.AfterResultPath = out.text()
	return x.leave(out)
}

// runPass runs a Pass state.
func (x *run) runPass() *stateError {
	s := x.s
	if s.IsJSONata() {
		if e := x.prepareAssign(nil, s.JAssign, nil, statesVars{}); e != nil {
			return e
		}
		out := x.input
		if s.Output != nil {
			var e *stateError
			if out, e = x.evalJ(s.Output, statesVars{}); e != nil {
				return e
			}
		}
		return x.leave(out)
	}
	eff, e := x.inputPath()
	if e != nil {
		return e
	}
	// AWS reports neither afterInputPath nor afterParameters for a Pass
	// state with a Result, but the Result as the state's result.
	if !s.HasResult {
		x.insp.AfterInputPath = eff.text()
	}
	if s.Parameters != nil {
		v, e := x.template(s.Parameters, eff.v, nil)
		if e != nil {
			return e
		}
		eff = val(v)
		if e := x.checkSize(eff); e != nil {
			return e
		}
	}
	result := eff
	if s.HasResult {
		result = val(s.Result)
		x.insp.Result = result.text()
	} else {
		x.insp.AfterParameters = eff.text()
	}
	x.insp.AfterResultSelector = result.text()
	if e := x.prepareAssign(s.Assign, nil, result.v, statesVars{}); e != nil {
		return e
	}
	out, e := x.resultPath(s.ResultPath, result)
	if e != nil {
		return e
	}
	x.insp.AfterResultPath = out.text()
	return x.leave(out)
}

// runSucceed runs a Succeed state.
func (x *run) runSucceed() *stateError {
	if x.s.Output != nil {
		out, e := x.evalJ(x.s.Output, statesVars{})
		if e != nil {
			return e
		}
		return x.leave(out)
	}
	eff, e := x.inputPath()
	if e != nil {
		return e
	}
	x.insp.AfterInputPath = eff.text()
	return x.leave(eff)
}

// runFail runs a Fail state: it fails with the state's error and cause.
func (x *run) runFail() *stateError {
	s := x.s
	// A Fail state has no InputPath; AWS reports the input as is.
	x.insp.AfterInputPath = x.insp.Input
	e := &stateError{}
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
		v, ee := x.evalJ(f.tmpl, statesVars{})
		if ee != nil {
			x.fail(ee)
			return nil
		}
		str, ok := v.v.(string)
		if !ok {
			x.fail(queryError("The %s field must evaluate to a string but was: %s", f.name, v.text()))
			return nil
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
		v, err := f.expr.Eval(x.env(x.input.v, nil), x.rnd, f.name)
		if err != nil {
			return evalError(err)
		}
		str, ok := v.(string)
		if !ok {
			return newError(asl.ErrRuntime, fmt.Sprintf("The %s field must reference a string value but was: %s", f.name, jsonvalue.Marshal(v)))
		}
		*f.dst, *f.isSet = str, true
	}
	x.fail(e)
	return nil
}

// runChoice runs a Choice state: the first matching rule, or the
// default, names the next state.
func (x *run) runChoice() *stateError {
	s := x.s
	eff, e := x.inputPath()
	if e != nil {
		return e
	}
	if !s.IsJSONata() {
		x.insp.AfterInputPath = eff.text()
	}
	next := ""
	var rule *asl.ChoiceRule
	for _, r := range s.Choices {
		var m bool
		if s.IsJSONata() {
			v, e := x.evalJ(r.Condition, statesVars{})
			if e != nil {
				return e
			}
			b, isBool := v.v.(bool)
			if !isBool {
				return queryError("The Condition field must evaluate to a boolean but was: %s", v.text())
			}
			m = b
		} else {
			var err error
			if m, err = r.Match(x.env(eff.v, nil)); err != nil {
				return evalError(err)
			}
		}
		if m {
			next, rule = r.Next, r
			break
		}
	}
	if next == "" {
		next = s.Default
	}
	if next == "" {
		return newError(errNoChoiceMatched, "No Matches!")
	}
	// The state's Assign applies whichever way the state goes; a matched
	// rule's Assign adds to it (winning for the same name), and its Output
	// takes the place of the state's.
	output := s.Output
	if rule != nil && rule.Output != nil {
		output = rule.Output
	}
	if e := x.prepareAssign(s.Assign, s.JAssign, eff.v, statesVars{}); e != nil {
		return e
	}
	if rule != nil && (rule.Assign != nil || rule.JAssign != nil) {
		stateLevel := x.pending
		if e := x.prepareAssign(rule.Assign, rule.JAssign, eff.v, statesVars{}); e != nil {
			return e
		}
		if stateLevel != nil {
			x.pending = overlay(stateLevel, x.pending)
		}
	}
	if output != nil {
		out, e := x.evalJ(output, statesVars{})
		if e != nil {
			return e
		}
		x.succeed(out, next)
		return nil
	}
	out, e := x.outputPath(eff)
	if e != nil {
		return e
	}
	x.succeed(out, next)
	return nil
}

// runWait checks the Wait state's time fields as an execution does and
// leaves at once: TestState does not wait.
func (x *run) runWait() *stateError {
	s := x.s
	eff, e := x.inputPath()
	if e != nil {
		return e
	}
	if !s.IsJSONata() {
		x.insp.AfterInputPath = eff.text()
	}
	switch {
	case s.JSeconds != nil:
		v, e := x.evalJ(s.JSeconds, statesVars{})
		if e != nil {
			return e
		}
		n, isNum := v.v.(jsonvalue.Number)
		if secs, isInt := n.Int64(); !isNum || !isInt || secs < 0 {
			return queryError("The Seconds field must be a non-negative integer but was: %s", v.text())
		}
	case s.JTimestamp != nil:
		v, e := x.evalJ(s.JTimestamp, statesVars{})
		if e != nil {
			return e
		}
		str, isStr := v.v.(string)
		if _, perr := asl.ParseTimestamp(str); !isStr || perr != nil {
			return queryError("The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: %s", valueText(v.v))
		}
	case s.SecondsPath != nil:
		v, err := s.SecondsPath.Eval(x.env(eff.v, nil))
		if err != nil {
			return newError(asl.ErrRuntime, fmt.Sprintf("The SecondsPath parameter does not reference an input value: %s", s.SecondsPath))
		}
		n, isNum := v.(jsonvalue.Number)
		secs, isInt := n.Int64()
		if !isNum || !isInt || !n.IsIntegerLiteral() {
			return newError(asl.ErrRuntime, fmt.Sprintf("The SecondsPath parameter cannot be parsed as a long value: %s == %s", s.SecondsPath, valueText(v)))
		}
		if secs < 0 {
			return newError(asl.ErrRuntime, fmt.Sprintf("The SecondsPath parameter references a negative value: %s == %s", s.SecondsPath, valueText(v)))
		}
	case s.TimestampPath != nil:
		v, err := s.TimestampPath.Eval(x.env(eff.v, nil))
		if err != nil {
			return newError(asl.ErrRuntime, fmt.Sprintf("The TimestampPath parameter does not reference an input value: %s", s.TimestampPath))
		}
		str, isStr := v.(string)
		if _, perr := asl.ParseTimestamp(str); !isStr || perr != nil {
			return newError(asl.ErrRuntime, fmt.Sprintf("The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: %s == %s", s.TimestampPath, valueText(v)))
		}
	}
	if e := x.prepareAssign(s.Assign, s.JAssign, eff.v, statesVars{}); e != nil {
		return e
	}
	if s.Output != nil {
		out, e := x.evalJ(s.Output, statesVars{})
		if e != nil {
			return e
		}
		return x.leave(out)
	}
	return x.leave(eff)
}

// valueText prints a value the way AWS's messages do: strings raw, other
// values as JSON.
func valueText(v jsonvalue.Value) string {
	if s, ok := v.(string); ok {
		return s
	}
	return jsonvalue.Marshal(v)
}

// runTask runs a Task state with its resource invoked or mocked.
func (x *run) runTask(ctx context.Context) (*stateError, error) {
	s := x.s
	eff, e := x.inputPath()
	if e != nil {
		return e, nil
	}
	x.insp.AfterInputPath = eff.text()
	if s.Parameters != nil {
		v, e := x.template(s.Parameters, eff.v, nil)
		if e != nil {
			return e, nil
		}
		eff = val(v)
	}
	if s.IsJSONata() {
		x.insp.AfterInputPath = ""
		if s.Arguments != nil {
			if eff, e = x.evalJ(s.Arguments, statesVars{}); e != nil {
				return e, nil
			}
		}
		x.insp.AfterArguments = eff.text()
	} else {
		x.insp.AfterParameters = eff.text()
	}
	if e := x.checkSize(eff); e != nil {
		return e, nil
	}
	timeout := s.TimeoutSeconds
	if s.JTimeoutSeconds != nil {
		if timeout, e = x.jsonataPositiveInt(s.JTimeoutSeconds, "TimeoutSeconds"); e != nil {
			return e, nil
		}
	}
	if s.TimeoutSecondsPath != nil {
		if timeout, e = x.positivePathInt(s.TimeoutSecondsPath, "TimeoutSecondsPath"); e != nil {
			return e, nil
		}
	}
	heartbeat := s.HeartbeatSeconds
	if s.JHeartbeatSeconds != nil {
		if heartbeat, e = x.jsonataPositiveInt(s.JHeartbeatSeconds, "HeartbeatSeconds"); e != nil {
			return e, nil
		}
	}
	if s.HeartbeatSecondsPath != nil {
		if heartbeat, e = x.positivePathInt(s.HeartbeatSecondsPath, "HeartbeatSecondsPath"); e != nil {
			return e, nil
		}
	}
	var result doc
	switch {
	case x.p.mockResult != nil:
		result = *x.p.mockResult
	case x.p.mockError != nil:
		return x.p.mockError, nil
	default:
		v, e, err := x.call(ctx, eff.v, timeout, heartbeat)
		if err != nil || e != nil {
			return e, err
		}
		result = val(v)
	}
	if e := x.checkSize(result); e != nil {
		return e, nil
	}
	x.insp.Result = result.text()
	return x.finish(result), nil
}

// jsonataPositiveInt evaluates TimeoutSeconds or HeartbeatSeconds given
// as a JSONata expression.
func (x *run) jsonataPositiveInt(t *asl.JTemplate, field string) (int64, *stateError) {
	v, e := x.evalJ(t, statesVars{})
	if e != nil {
		return 0, e
	}
	n, ok := v.v.(jsonvalue.Number)
	i, isInt := n.Int64()
	if !ok || !isInt || i <= 0 {
		return 0, queryError("The %s field must be a positive integer but was: %s", field, v.text())
	}
	return i, nil
}

// positivePathInt reads TimeoutSecondsPath or HeartbeatSecondsPath.
func (x *run) positivePathInt(path *jsonpath.Path, field string) (int64, *stateError) {
	v, err := path.Eval(x.env(x.input.v, nil))
	if err != nil {
		return 0, pathError(path, err)
	}
	n, ok := v.(jsonvalue.Number)
	i, isInt := n.Int64()
	if !ok || !isInt || i <= 0 {
		return 0, newError(asl.ErrRuntime, fmt.Sprintf("The %s field must reference a positive integer value but was: %s", field, jsonvalue.Marshal(v)))
	}
	return i, nil
}

// call invokes the Task's resource within the state's timeout and
// TestState's own limit. It returns an error only when ctx ends.
func (x *run) call(ctx context.Context, params jsonvalue.Value, timeout, heartbeat int64) (jsonvalue.Value, *stateError, error) {
	s := x.s
	if x.invoke == nil {
		return nil, newError(errTaskFailed, fmt.Sprintf("The resource '%s' is not available to TestState", s.Resource)), nil
	}
	limit := MaxDuration
	if timeout > 0 && timeout < int64(MaxDuration/time.Second) {
		limit = time.Duration(timeout) * time.Second
	}
	cctx, cancel := context.WithTimeout(withTrace(ctx, x.trace), limit)
	defer cancel()
	req := &interp.TaskRequest{StateName: s.Name, Resource: s.Resource, Parameters: params,
		TimeoutSeconds: timeout, HeartbeatSeconds: heartbeat, Credentials: s.Credentials, Attempt: int(x.p.retryCount)}
	type outcome struct {
		v jsonvalue.Value
		f *interp.TaskFailure
	}
	done := make(chan outcome, 1)
	go func() {
		v, f := x.invoke(cctx, req)
		done <- outcome{v, f}
	}()
	var o outcome
	select {
	case o = <-done:
	case <-cctx.Done():
	}
	// An invocation that ends because its context ended reports that end,
	// whatever it returned.
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	if cctx.Err() != nil {
		return nil, &stateError{Error: errTimeout, HasError: true}, nil
	}
	if f := o.f; f != nil {
		return nil, &stateError{Error: f.Error, Cause: f.Cause, HasError: f.Error != "", HasCause: f.Cause != ""}, nil
	}
	return o.v, nil, nil
}

// runParallel runs a Parallel state's input and output processing around
// its mocked result; the branches never run in TestState.
func (x *run) runParallel() *stateError {
	s := x.s
	eff, e := x.inputPath()
	if e != nil {
		return e
	}
	x.insp.AfterInputPath = eff.text()
	if s.Parameters != nil {
		v, e := x.template(s.Parameters, eff.v, nil)
		if e != nil {
			return e
		}
		eff = val(v)
	}
	if s.IsJSONata() {
		x.insp.AfterInputPath = ""
		if s.Arguments != nil {
			if eff, e = x.evalJ(s.Arguments, statesVars{}); e != nil {
				return e
			}
		}
		x.insp.AfterArguments = eff.text()
	} else {
		x.insp.AfterParameters = eff.text()
	}
	if e := x.checkSize(eff); e != nil {
		return e
	}
	if x.p.mockError != nil {
		return x.p.mockError
	}
	return x.finish(*x.p.mockResult)
}

// handle passes an error through the state's retriers and catchers, as an
// execution does, and records the outcome.
func (x *run) handle(e *stateError) {
	s := x.s
	if retryable(e.Error) {
		for i, r := range s.Retry {
			if !errorMatches(r.ErrorEquals, e.Error) {
				continue
			}
			x.details().RetryIndex = intPtr(i)
			if x.p.retryCount < r.MaxAttempts {
				backoff := backoffSeconds(r, x.p.retryCount)
				x.details().RetryBackoffIntervalSeconds = &backoff
				x.resp.Status = StatusRetriable
				x.setError(e)
				return
			}
			break
		}
		for i, c := range s.Catch {
			if !errorMatches(c.ErrorEquals, e.Error) {
				continue
			}
			errOut := errorOutput(e)
			out, e2 := x.catchOutput(c, errOut)
			if e2 != nil {
				// A catcher whose ResultPath, Assign or Output cannot be
				// applied fails the state; the new error is not caught
				// again.
				x.fail(e2)
				return
			}
			x.applyAssign()
			x.details().CatchIndex = intPtr(i)
			x.resp.Status = StatusCaughtError
			x.resp.Output = out.text()
			x.resp.NextState = c.Next
			x.setError(e)
			return
		}
	}
	x.fail(e)
}

// catchOutput is what a catcher passes on: its Output or ResultPath
// applied to the error output, after preparing its Assign.
func (x *run) catchOutput(c *asl.Catcher, errOut *jsonvalue.Object) (doc, *stateError) {
	if x.s.IsJSONata() {
		sv := statesVars{errorOutput: errOut}
		if e := x.prepareAssign(nil, c.JAssign, nil, sv); e != nil {
			return doc{}, e
		}
		if c.Output != nil {
			return x.evalJ(c.Output, sv)
		}
		return val(errOut), nil
	}
	if e := x.prepareAssign(c.Assign, nil, errOut, statesVars{}); e != nil {
		return doc{}, e
	}
	return x.resultPath(c.ResultPath, val(errOut))
}

// fail ends the test with e as the state's failure.
func (x *run) fail(e *stateError) {
	x.resp.Status = StatusFailed
	x.resp.Output = ""
	x.resp.NextState = ""
	x.setError(e)
}

// setError reports e in the response.
func (x *run) setError(e *stateError) {
	x.resp.Error, x.resp.HasError = e.Error, e.HasError
	x.resp.Cause, x.resp.HasCause = e.Cause, e.HasCause
}

// details returns the error details of the inspection data.
func (x *run) details() *ErrorDetails {
	if x.insp.ErrorDetails == nil {
		x.insp.ErrorDetails = &ErrorDetails{}
	}
	return x.insp.ErrorDetails
}

// intPtr returns a pointer to i as an int64.
func intPtr(i int) *int64 {
	v := int64(i)
	return &v
}

// retryable reports whether an error may be retried or caught at all:
// AWS never retries or catches States.Runtime and States.DataLimitExceeded.
func retryable(name string) bool {
	return name != asl.ErrRuntime && name != errDataLimitExceeded
}

// errorMatches reports whether an ErrorEquals list matches error name.
func errorMatches(equals []string, name string) bool {
	for _, e := range equals {
		switch {
		case e == name, e == "States.ALL":
			return true
		case e == errTaskFailed && name != errTimeout && name != "States.HeartbeatTimeout":
			return true
		case e == errTimeout && name == "States.HeartbeatTimeout":
			return true
		}
	}
	return false
}

// backoffSeconds is the delay before retry number attempt (from 0), in
// whole seconds: IntervalSeconds × BackoffRate^attempt, capped by
// MaxDelaySeconds. Jitter is not applied; it would make the answer random.
func backoffSeconds(r *asl.Retrier, attempt int64) int64 {
	secs := float64(r.IntervalSeconds) * math.Pow(r.BackoffRate, float64(attempt))
	if r.MaxDelaySeconds > 0 && secs > float64(r.MaxDelaySeconds) {
		secs = float64(r.MaxDelaySeconds)
	}
	if math.IsNaN(secs) || secs > 31622400 {
		secs = 31622400
	}
	return int64(secs)
}

// errorOutput is the {"Error": ..., "Cause": ...} document a catcher
// passes on.
func errorOutput(e *stateError) *jsonvalue.Object {
	o := jsonvalue.NewObject(2)
	if e.HasError {
		o.Append("Error", e.Error)
	}
	if e.HasCause {
		o.Append("Cause", e.Cause)
	}
	return o
}

// listText prints a list of items as AWS prints the item lists of a Map
// state's inspection data: a Java list, with ", " between the elements.
func listText(items []jsonvalue.Value) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			b.WriteString(", ")
		}
		b.Write(jsonvalue.Append(nil, it))
	}
	b.WriteByte(']')
	return b.String()
}

// formatPercentage prints a tolerated failure percentage as Java prints a
// float: 1.0, 12.5.
func formatPercentage(p float64) string {
	s := strconv.FormatFloat(p, 'f', -1, 32)
	if !strings.ContainsAny(s, ".") {
		s += ".0"
	}
	return s
}
