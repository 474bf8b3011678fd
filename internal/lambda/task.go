package lambda

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/sluice-run/sluice/internal/interp"
	"github.com/sluice-run/sluice/internal/jsonvalue"
	"github.com/sluice-run/sluice/internal/runtime"
)

// InvokeResource is the optimized Step Functions integration for Lambda.
const InvokeResource = "arn:aws:states:::lambda:invoke"

// Invoker runs functions: the Service, or Local functions for the local
// runner.
type Invoker interface {
	Invoke(ctx context.Context, in InvokeInput) (*InvokeOutput, error)
}

// Register adds the Task state resources Lambda serves: function ARNs
// (the input is the event, the output the function's result) and
// arn:aws:states:::lambda:invoke (with .waitForTaskToken).
func (s *Service) Register(r *runtime.Resources) {
	r.Register("arn:aws:lambda:", FunctionTask(s))
	r.Register(InvokeResource, InvokeTask(s))
}

// FunctionTask returns the handler of Task states whose resource is a
// function ARN.
func FunctionTask(s Invoker) runtime.Handler {
	return func(ctx context.Context, t *runtime.Task) runtime.Result { return functionTask(ctx, s, t) }
}

// InvokeTask returns the handler of arn:aws:states:::lambda:invoke.
func InvokeTask(s Invoker) runtime.Handler {
	return func(ctx context.Context, t *runtime.Task) runtime.Result { return invokeTask(ctx, s, t) }
}

// functionTask runs a Task state whose resource is a function ARN.
func functionTask(ctx context.Context, s Invoker, t *runtime.Task) runtime.Result {
	if runtime.Pattern(t.Request.Resource) != "" {
		return failure("States.Runtime", "A Lambda function ARN cannot be used with an integration pattern; use "+InvokeResource)
	}
	out, err := s.Invoke(ctx, InvokeInput{FunctionName: t.Request.Resource, Region: t.Region,
		Payload: []byte(jsonvalue.Marshal(t.Request.Parameters))})
	if err != nil {
		return apiFailure(err)
	}
	if out.FunctionError != "" {
		return functionFailure(out)
	}
	v, perr := jsonvalue.Parse(out.Payload)
	if perr != nil {
		v = string(out.Payload)
	}
	return runtime.Result{Output: v}
}

// invokeTask runs arn:aws:states:::lambda:invoke.
func invokeTask(ctx context.Context, s Invoker, t *runtime.Task) runtime.Result {
	params, ok := t.Request.Parameters.(*jsonvalue.Object)
	if !ok {
		return failure("States.Runtime", "The Parameters of "+InvokeResource+" must be an object with FunctionName")
	}
	fn, _ := params.Get("FunctionName")
	name, ok := fn.(string)
	if !ok || name == "" {
		return failure("States.Runtime", "The field 'FunctionName' is required by "+InvokeResource)
	}
	in := InvokeInput{FunctionName: name, Region: t.Region, Payload: []byte("{}")}
	if p, ok := params.Get("Payload"); ok {
		in.Payload = []byte(jsonvalue.Marshal(p))
	}
	if q, ok := params.Get("Qualifier"); ok {
		in.Qualifier, _ = q.(string)
	}
	if it, ok := params.Get("InvocationType"); ok {
		in.InvocationType, _ = it.(string)
	}
	wait := runtime.Pattern(t.Request.Resource) == "waitForTaskToken"
	if wait {
		in.InvocationType = "Event"
	}
	out, err := s.Invoke(ctx, in)
	if err != nil {
		return apiFailure(err)
	}
	if wait {
		return runtime.Result{Async: true}
	}
	if out.FunctionError != "" {
		return functionFailure(out)
	}
	var payload jsonvalue.Value
	if len(out.Payload) > 0 {
		if v, err := jsonvalue.Parse(out.Payload); err == nil {
			payload = v
		} else {
			payload = string(out.Payload)
		}
	}
	headers := jsonvalue.NewObject(4)
	headers.Append("Content-Type", "application/json")
	headers.Append("X-Amz-Executed-Version", out.ExecutedVersion)
	headers.Append("x-amzn-RequestId", out.RequestID)
	all := jsonvalue.NewObject(4)
	for i := 0; i < headers.Len(); i++ {
		k, v := headers.At(i)
		all.Append(k, []jsonvalue.Value{v})
	}
	meta := jsonvalue.NewObject(3)
	meta.Append("AllHttpHeaders", all)
	meta.Append("HttpHeaders", headers)
	meta.Append("HttpStatusCode", jsonvalue.Int(int64(out.StatusCode)))
	resp := jsonvalue.NewObject(1)
	resp.Append("RequestId", out.RequestID)
	result := jsonvalue.NewObject(5)
	result.Append("ExecutedVersion", out.ExecutedVersion)
	if payload != nil || len(out.Payload) > 0 {
		result.Append("Payload", payload)
	}
	result.Append("SdkHttpMetadata", meta)
	result.Append("SdkResponseMetadata", resp)
	result.Append("StatusCode", jsonvalue.Int(int64(out.StatusCode)))
	return runtime.Result{Output: result}
}

func failure(name, cause string) runtime.Result {
	return runtime.Result{Failure: &interp.TaskFailure{Error: name, Cause: cause}}
}

// functionFailure is a Task failure for a function's error: its
// errorType, and the error document as the cause.
func functionFailure(out *InvokeOutput) runtime.Result {
	name := out.ErrorType
	if name == "" {
		name = "Lambda.Unknown"
	}
	return failure(name, string(out.Payload))
}

// apiFailure is a Task failure for a Lambda API error, named as Step
// Functions names service exceptions ("Lambda.ResourceNotFoundException").
func apiFailure(err error) runtime.Result {
	var le *lambdaError
	if errors.As(err, &le) {
		return failure("Lambda."+le.code, fmt.Sprintf("%s (Service: Lambda, Status Code: %d, Error Code: %s)", le.msg, le.status, le.code))
	}
	msg := err.Error()
	code := "Lambda.SdkClientException"
	if i := strings.Index(msg, ": "); i > 0 && !strings.Contains(msg[:i], " ") {
		code = "Lambda." + msg[:i]
	}
	return failure(code, msg)
}
