package sfn

import (
	"context"
	"fmt"

	"github.com/sluice-run/sluice/internal/interp"
	"github.com/sluice-run/sluice/internal/jsonvalue"
	"github.com/sluice-run/sluice/internal/runtime"
)

// StartExecutionResource is the Task resource that starts a nested
// execution.
const StartExecutionResource = "arn:aws:states:::states:startExecution"

// startExecutionTask runs arn:aws:states:::states:startExecution[.sync,
// .sync:2, .waitForTaskToken]: Parameters StateMachineArn, Input, Name.
// The plain form answers {ExecutionArn, StartDate} at once; the .sync
// forms complete when the child ends (the runtime reports back).
func (s *Service) startExecutionTask(ctx context.Context, t *runtime.Task) runtime.Result {
	params, _ := t.Request.Parameters.(*jsonvalue.Object)
	fail := func(name, format string, args ...any) runtime.Result {
		return runtime.Result{Failure: &interp.TaskFailure{Error: name, Cause: fmt.Sprintf(format, args...)}}
	}
	smArn, _ := params.Get("StateMachineArn")
	arn, ok := smArn.(string)
	if !ok || arn == "" {
		return fail("States.Runtime", "The field 'StateMachineArn' is required by the resource '%s'", t.Request.Resource)
	}
	var input []byte
	switch v, _ := params.Get("Input"); x := v.(type) {
	case nil:
		input = []byte("{}")
	case string:
		parsed, err := jsonvalue.ParseString(x)
		if err != nil {
			return fail("StepFunctions.InvalidExecutionInputException", "Invalid State Machine Execution Input: '%v'", err)
		}
		input = jsonvalue.Append(nil, parsed)
	default:
		input = jsonvalue.Append(nil, x)
	}
	name := newUUID()
	if v, ok := params.Get("Name"); ok {
		if n, ok := v.(string); ok && n != "" {
			name = n
		}
	}
	target, err := s.resolve(ctx, arn)
	if err != nil {
		return fail("StepFunctions.StateMachineDoesNotExistException", "%v", mapError(err))
	}
	pattern := runtime.Pattern(t.Request.Resource)
	parent, parentTask := "", int64(0)
	if pattern == "sync" || pattern == "sync:2" {
		parent, parentTask = t.ExecutionArn, t.TaskID
	}
	row, err := s.start(ctx, target, name, input, "", parent, parentTask)
	if err != nil {
		return fail("StepFunctions.ExecutionAlreadyExistsException", "%v", mapError(err))
	}
	if pattern == "" {
		o := jsonvalue.NewObject(2)
		o.Append("ExecutionArn", row.Arn)
		o.Append("StartDate", jsonvalue.Int(row.StartDate.UnixMilli()))
		return runtime.Result{Output: o}
	}
	if (pattern == "sync" || pattern == "sync:2") && row.Status != "RUNNING" {
		// The child ended within its first step; report it now.
		desc := runtime.DescribeOutput(row, pattern == "sync:2")
		if row.Status == "SUCCEEDED" {
			return runtime.Result{Output: desc}
		}
		return runtime.Result{Failure: &interp.TaskFailure{Error: "States.TaskFailed", Cause: jsonvalue.Marshal(desc)}}
	}
	return runtime.Result{Async: true}
}

// Register adds the service's own task resources to r.
func (s *Service) Register(r *runtime.Resources) {
	r.Register(StartExecutionResource, s.startExecutionTask)
}
