// Package teststate implements the logic of the Step Functions TestState
// API: it runs one state of a definition in isolation and reports what the
// state did, with the inspection data AWS returns.
//
// A request names the state either as a single state's JSON (the original
// form of the API) or as a full state machine plus a state name. The state
// runs exactly once: a Task invokes its resource through the caller's
// Invoke function or takes a mocked result or error, a Wait state does not
// wait, and Map and Parallel states run only with a mocked result or error,
// as AWS requires. Errors go through the state's Retry and Catch fields: a
// retrier that still has attempts left makes the status RETRIABLE, a
// catcher makes it CAUGHT_ERROR with the catcher's Next as next state.
//
// Evaluation reuses the compiled paths, payload templates, intrinsic
// functions and Choice rules of package asl, so data flows exactly as in an
// execution. The causes of run-time errors are the interpreter's, without
// the "An error occurred while executing the state ..." prefix, which
// TestState does not add because no execution history exists.
//
// Run returns a *Error for a request AWS refuses (ValidationException,
// InvalidDefinition, InvalidArn); everything that happens while the state
// runs, including its failure, is part of the Response.
package teststate

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sluice-run/sluice/internal/asl"
	"github.com/sluice-run/sluice/internal/asl/intrinsic"
	"github.com/sluice-run/sluice/internal/interp"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// Inspection levels.
const (
	LevelInfo  = "INFO"
	LevelDebug = "DEBUG"
	LevelTrace = "TRACE"
)

// Field validation modes of a mock.
const (
	ValidationStrict  = "STRICT"
	ValidationPresent = "PRESENT"
	ValidationNone    = "NONE"
)

// MaxDuration is how long TestState lets a state run before it fails with
// States.Timeout, as AWS documents.
const MaxDuration = 5 * time.Minute

// Request is a TestState request. JSON-valued fields hold parsed documents;
// the API layer parses the request's strings (and reports an unparsable
// input as InvalidExecutionInput) before calling Run.
type Request struct {
	// Definition is the ASL text of a single state, or of a full state
	// machine when StateName is set.
	Definition []byte
	// StateName selects the state to test in a full state machine,
	// including states inside Parallel branches and Map item processors.
	StateName string
	// Input is the state input. AWS uses {} when the request has none, and
	// the API layer must pass an empty object then: nil is JSON null.
	Input jsonvalue.Value
	// RawInput is the input exactly as the request carried it, if known.
	// AWS echoes the input text unchanged in inspectionData.input and
	// wherever the input passes through a state untouched, so a client
	// that compares strings sees its own formatting back.
	RawInput []byte
	// InspectionLevel is INFO (the default when empty), DEBUG or TRACE.
	InspectionLevel string
	// RevealSecrets asks HTTP Tasks to show the secrets a connection adds;
	// the flag reaches the Invoke function through RevealSecrets(ctx).
	RevealSecrets bool
	// Variables holds the workflow variables the state can read as $name:
	// a JSON object, or nil for none.
	Variables jsonvalue.Value
	// Context replaces the context object ($$); nil means a default one.
	// AWS accepts it only together with a mock.
	Context jsonvalue.Value
	// Mock replaces the invocation of a Task, Map or Parallel state.
	Mock *Mock
	// Config sets the circumstances the state runs in.
	Config *StateConfiguration
	// RoleArn is the execution role. AWS requires it for a Task state
	// without a mock.
	RoleArn string
	// Env describes the service the test runs in.
	Env Environment
}

// Mock is a mocked result or error for the state under test.
type Mock struct {
	// Result is the JSON text of the mocked result, or nil.
	Result *string
	// ErrorOutput is the mocked error, or nil.
	ErrorOutput *MockErrorOutput
	// FieldValidationMode is STRICT (the default), PRESENT or NONE. AWS
	// checks mocked results of AWS SDK integrations against the service's
	// API model; Sluice has no such models and checks the value only.
	FieldValidationMode string
}

// MockErrorOutput is a mocked error.
type MockErrorOutput struct {
	Error string
	Cause string
}

// StateConfiguration sets the circumstances the state runs in.
type StateConfiguration struct {
	// RetrierRetryCount is the number of retries already made by the
	// retrier that matches the error.
	RetrierRetryCount int64
	// ErrorCausedByState names the state inside a Map or Parallel state
	// that raised a mocked error.
	ErrorCausedByState string
	// MapIterationFailureCount is the number of Map iterations that failed.
	MapIterationFailureCount int64
	// MapItemReaderData is what a distributed Map's ItemReader would read.
	// Sluice does not support ItemReader, so it is unused.
	MapItemReaderData *string
}

// Environment describes the service TestState runs in: the values AWS
// takes from the account, the region and the clock when it builds the
// default context object.
type Environment struct {
	// Region defaults to us-east-1.
	Region string
	// AccountID defaults to 123456789012.
	AccountID string
	// Now is the time of the test; zero means the current time.
	Now time.Time
	// Random feeds States.UUID, States.MathRandom and the names in the
	// default context; nil means a source seeded from Now.
	Random intrinsic.Random
}

// Invoke runs the resource of a Task state and returns its result or its
// failure. It must honour ctx: Run cancels it when the state's timeout or
// TestState's five-minute limit passes.
type Invoke func(ctx context.Context, req *interp.TaskRequest) (jsonvalue.Value, *interp.TaskFailure)

// Error codes of the exceptions Run reports, as AWS names them.
const (
	CodeValidation        = "ValidationException"
	CodeInvalidDefinition = "InvalidDefinition"
	CodeInvalidArn        = "InvalidArn"
)

// Error is a request TestState refuses. Code is the AWS exception name the
// API layer puts in __type, Message its message.
type Error struct {
	Code    string
	Message string
	// Diagnostics holds the problems found in the definition, for
	// InvalidDefinition errors that come from parsing it.
	Diagnostics asl.Diagnostics
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

// validationError returns a ValidationException.
func validationError(format string, args ...any) *Error {
	return &Error{Code: CodeValidation, Message: fmt.Sprintf(format, args...)}
}

// Run tests one state. It returns a *Error when AWS would refuse the
// request, and ctx's error when ctx ends before the state does; every
// outcome of the state itself is in the Response.
func Run(ctx context.Context, r Request, invoke Invoke) (*Response, error) {
	if err := checkFields(&r); err != nil {
		return nil, err
	}
	t, err := load(r.Definition, r.StateName)
	if err != nil {
		return nil, err
	}
	p, err := prepare(&r, t)
	if err != nil {
		return nil, err
	}
	x := newRun(&r, t, p, invoke)
	if err := x.exec(ctx); err != nil {
		return nil, err
	}
	return x.response(), nil
}

// checkFields checks the request fields that do not depend on the
// definition, with the messages of AWS's request validation.
func checkFields(r *Request) error {
	switch r.InspectionLevel {
	case "", LevelInfo, LevelDebug, LevelTrace:
	default:
		return enumError(r.InspectionLevel, "inspectionLevel", LevelInfo, LevelDebug, LevelTrace)
	}
	if utf8.RuneCountInString(r.StateName) > asl.MaxStateNameLength {
		return validationError("1 validation error detected: Value '%s' at 'stateName' failed to satisfy constraint: Member must have length less than or equal to %d", r.StateName, asl.MaxStateNameLength)
	}
	if r.Mock != nil {
		switch r.Mock.FieldValidationMode {
		case "", ValidationStrict, ValidationPresent, ValidationNone:
		default:
			return enumError(r.Mock.FieldValidationMode, "mock.fieldValidationMode", ValidationStrict, ValidationPresent, ValidationNone)
		}
	}
	if c := r.Config; c != nil {
		if c.RetrierRetryCount < 0 {
			return minError(c.RetrierRetryCount, "stateConfiguration.retrierRetryCount")
		}
		if c.MapIterationFailureCount < 0 {
			return minError(c.MapIterationFailureCount, "stateConfiguration.mapIterationFailureCount")
		}
	}
	if r.RoleArn != "" && !validArn(r.RoleArn) {
		return &Error{Code: CodeInvalidArn, Message: fmt.Sprintf("Invalid Arn: 'Invalid ARN prefix: %s'", r.RoleArn)}
	}
	return nil
}

// enumError is AWS's message for a value outside an enumeration.
func enumError(value, field string, allowed ...string) *Error {
	return validationError("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy enum value set: [%s]",
		value, field, strings.Join(allowed, ", "))
}

// minError is AWS's message for a negative count.
func minError(value int64, field string) *Error {
	return validationError("1 validation error detected: Value '%d' at '%s' failed to satisfy constraint: Member must have value greater than or equal to 0", value, field)
}

// validArn checks the shape of an ARN: arn:partition:service:region:account:resource.
func validArn(s string) bool {
	return strings.HasPrefix(s, "arn:") && strings.Count(s, ":") >= 5
}
