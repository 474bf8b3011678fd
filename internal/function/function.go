// Package function runs Lambda functions: real handlers, unchanged, as
// processes that talk to Sluice through the Lambda Runtime API
// (2018-06-01), as they would inside AWS Lambda.
//
// A Pool holds the running instances (processes) of one function. Each
// instance gets its own Runtime API endpoint on a loopback port, named in
// AWS_LAMBDA_RUNTIME_API, and takes one invocation at a time: it asks for
// the next event, runs the handler and posts the response or the error.
// Invoke hands an event to an idle instance, starting one while the
// function is under its concurrency limit, and enforces the timeout: an
// instance that runs out of time, crashes or fails to initialise is
// killed and replaced, as Lambda replaces its execution environment.
package function

import (
	"time"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// Config describes one function version.
type Config struct {
	// Name and Arn identify the function to the handler.
	Name string
	Arn  string
	// Version is the version the handler sees ("$LATEST").
	Version string
	// Runtime is the Lambda runtime identifier, such as python3.12,
	// nodejs20.x or provided.al2023.
	Runtime string
	// Handler is the handler setting (module.function for Python and
	// Node; ignored by provided runtimes).
	Handler string
	// CodeDir holds the unpacked code; it is LAMBDA_TASK_ROOT and the
	// working directory.
	CodeDir string
	// Env are the function's environment variables.
	Env map[string]string
	// MemoryMB is reported to the handler; Sluice does not enforce it.
	MemoryMB int
	// Timeout bounds one invocation (Lambda's default is 3 seconds).
	Timeout time.Duration
	// Region is the AWS region the handler is told it runs in.
	Region string
	// MaxInstances bounds concurrent instances; zero means 10.
	MaxInstances int
}

// DefaultTimeout is Lambda's default function timeout.
const DefaultTimeout = 3 * time.Second

// MaxPayload is Lambda's limit on a synchronous invocation's request and
// response payloads (6 MB).
const MaxPayload = 6 * 1024 * 1024

// Request is one invocation.
type Request struct {
	Payload []byte
	// ClientContext and CognitoIdentity are passed to the handler as the
	// Runtime API headers of the same names, when set.
	ClientContext   string
	CognitoIdentity string
	// TraceID is the X-Ray trace header the handler sees.
	TraceID string
	// WantLogs asks for the output the invocation wrote (the last 4 KB),
	// as Lambda's LogType=Tail does.
	WantLogs bool
}

// Result is the outcome of an invocation that reached the function.
type Result struct {
	RequestID string
	// Payload is the response, or the error document when FunctionError
	// is set.
	Payload []byte
	// FunctionError is "Unhandled" when the handler (or its runtime)
	// failed, as Lambda's X-Amz-Function-Error header says.
	FunctionError string
	// ErrorType is the errorType of the error document, when there is one.
	ErrorType string
	// Logs is the output the invocation wrote, when asked for.
	Logs []byte
}

// errorDoc builds a Lambda error document.
func errorDoc(errType, msg string) []byte {
	b := append([]byte(nil), `{"errorMessage":`...)
	b = jsonvalue.AppendString(b, msg)
	b = append(b, `,"errorType":`...)
	b = jsonvalue.AppendString(b, errType)
	return append(b, '}')
}
