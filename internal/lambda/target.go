package lambda

import (
	"context"
	"errors"

	"github.com/sluice-run/sluice/internal/awsapi"
)

// InvokeForTarget delivers an event to a function for an event bus or a
// schedule. EventBridge hands events to Lambda asynchronously and counts a
// delivery done once Lambda has it; Sluice runs the function before it
// counts the durable delivery done, so an accepted event is never lost,
// and leaves the function's own errors to the function, as Lambda's
// asynchronous invocations do. Errors are Lambda API errors as
// *awsapi.Error (a function that does not exist is permanent), or a
// runtime that could not start (worth a retry).
func (s *Service) InvokeForTarget(ctx context.Context, functionArn string, payload []byte) error {
	out, err := s.Invoke(ctx, InvokeInput{FunctionName: functionArn, Payload: payload})
	if err != nil {
		var le *lambdaError
		if errors.As(err, &le) {
			return &awsapi.Error{Code: le.code, Message: le.msg, Status: le.status}
		}
		return err
	}
	if out.FunctionError != "" {
		s.log.Info("function invoked by a target ended in an error", "function", functionArn, "errorType", out.ErrorType, "requestId", out.RequestID)
	}
	return nil
}
