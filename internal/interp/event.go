package interp

import (
	"strconv"
	"time"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// EventType is the type of a history event, named as AWS names it.
type EventType string

// History event types.
const (
	ExecutionStarted   EventType = "ExecutionStarted"
	ExecutionSucceeded EventType = "ExecutionSucceeded"
	ExecutionFailed    EventType = "ExecutionFailed"
	ExecutionAborted   EventType = "ExecutionAborted"
	ExecutionTimedOut  EventType = "ExecutionTimedOut"
	ExecutionRedriven  EventType = "ExecutionRedriven"

	TaskScheduled     EventType = "TaskScheduled"
	TaskStartFailed   EventType = "TaskStartFailed"
	TaskStarted       EventType = "TaskStarted"
	TaskSubmitFailed  EventType = "TaskSubmitFailed"
	TaskSubmitted     EventType = "TaskSubmitted"
	TaskSucceeded     EventType = "TaskSucceeded"
	TaskFailed        EventType = "TaskFailed"
	TaskTimedOut      EventType = "TaskTimedOut"
	ActivityScheduled EventType = "ActivityScheduled"
	ActivityStarted   EventType = "ActivityStarted"
	ActivitySucceeded EventType = "ActivitySucceeded"
	ActivityFailed    EventType = "ActivityFailed"
	ActivityTimedOut  EventType = "ActivityTimedOut"

	MapStateStarted       EventType = "MapStateStarted"
	MapStateSucceeded     EventType = "MapStateSucceeded"
	MapStateFailed        EventType = "MapStateFailed"
	MapStateAborted       EventType = "MapStateAborted"
	MapIterationStarted   EventType = "MapIterationStarted"
	MapIterationSucceeded EventType = "MapIterationSucceeded"
	MapIterationFailed    EventType = "MapIterationFailed"
	MapIterationAborted   EventType = "MapIterationAborted"
	MapRunStarted         EventType = "MapRunStarted"
	MapRunSucceeded       EventType = "MapRunSucceeded"
	MapRunFailed          EventType = "MapRunFailed"
	MapRunAborted         EventType = "MapRunAborted"

	ParallelStateStarted   EventType = "ParallelStateStarted"
	ParallelStateSucceeded EventType = "ParallelStateSucceeded"
	ParallelStateFailed    EventType = "ParallelStateFailed"
	ParallelStateAborted   EventType = "ParallelStateAborted"
)

// stateEventTypes holds the "<Type>StateEntered" and "<Type>StateExited"
// event types, built once.
var stateEventTypes = func() map[string][2]EventType {
	m := map[string][2]EventType{}
	for _, t := range []string{"Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"} {
		m[t] = [2]EventType{EventType(t + "StateEntered"), EventType(t + "StateExited")}
	}
	return m
}()

// StateEnteredType returns the "<Type>StateEntered" event type.
func StateEnteredType(stateType string) EventType {
	if t, ok := stateEventTypes[stateType]; ok {
		return t[0]
	}
	return EventType(stateType + "StateEntered")
}

// StateExitedType returns the "<Type>StateExited" event type.
func StateExitedType(stateType string) EventType {
	if t, ok := stateEventTypes[stateType]; ok {
		return t[1]
	}
	return EventType(stateType + "StateExited")
}

// Event is one history event. Details holds the type's detail structure,
// one of the *...Details types of this package, or nil for types that have
// none (such as ParallelStateStarted).
type Event struct {
	ID         int64
	PreviousID int64
	Timestamp  time.Time
	Type       EventType
	Details    any
}

// ExecutionStartedDetails describes the start of an execution.
type ExecutionStartedDetails struct {
	Input                  jsonvalue.Value
	RoleArn                string
	StateMachineAliasArn   string
	StateMachineVersionArn string
}

// OutputDetails carries an output, used by ExecutionSucceeded.
type OutputDetails struct {
	Output jsonvalue.Value
}

// ErrorDetails carries an error and cause, used by ExecutionFailed,
// ExecutionAborted, ExecutionTimedOut and MapRunFailed.
type ErrorDetails struct {
	Error string
	Cause string
	// HasError and HasCause distinguish an absent error from an empty one.
	HasError bool
	HasCause bool
}

// StateEnteredDetails describes a state being entered.
type StateEnteredDetails struct {
	Name  string
	Input jsonvalue.Value
}

// StateExitedDetails describes a state being left.
type StateExitedDetails struct {
	Name   string
	Output jsonvalue.Value
	// Assigned holds the variables the state assigned, if any.
	Assigned *assignment
}

// TaskScheduledDetails describes a task dispatched to a resource.
type TaskScheduledDetails struct {
	ResourceType     string
	Resource         string
	Region           string
	Parameters       jsonvalue.Value
	TimeoutInSeconds int64
	HeartbeatInSecs  int64
	Credentials      jsonvalue.Value
}

// TaskDetails describes TaskStarted, TaskSubmitted, TaskSucceeded,
// TaskFailed, TaskTimedOut and TaskStartFailed events.
type TaskDetails struct {
	ResourceType string
	Resource     string
	Output       jsonvalue.Value // TaskSucceeded, TaskSubmitted
	HasOutput    bool
	Error        string // TaskFailed, TaskTimedOut, TaskStartFailed
	Cause        string
}

// RedriveDetails counts redrives, for ExecutionRedriven.
type RedriveDetails struct {
	RedriveCount int
}

// MapStateStartedDetails gives the number of items of a Map state.
type MapStateStartedDetails struct {
	Length int
}

// MapIterationDetails names a Map iteration.
type MapIterationDetails struct {
	Name  string
	Index int
}

// MapRunStartedDetails identifies the Map Run of a distributed Map state.
type MapRunStartedDetails struct {
	MapRunArn string
}

// AWSDetailsField returns the name of the HistoryEvent member that holds
// the details of an event of type t in the Step Functions API, or "" for
// types without details.
func AWSDetailsField(t EventType) string {
	switch t {
	case ExecutionStarted:
		return "executionStartedEventDetails"
	case ExecutionSucceeded:
		return "executionSucceededEventDetails"
	case ExecutionFailed:
		return "executionFailedEventDetails"
	case ExecutionAborted:
		return "executionAbortedEventDetails"
	case ExecutionTimedOut:
		return "executionTimedOutEventDetails"
	case ExecutionRedriven:
		return "executionRedrivenEventDetails"
	case TaskScheduled:
		return "taskScheduledEventDetails"
	case TaskStartFailed:
		return "taskStartFailedEventDetails"
	case TaskStarted:
		return "taskStartedEventDetails"
	case TaskSubmitFailed:
		return "taskSubmitFailedEventDetails"
	case TaskSubmitted:
		return "taskSubmittedEventDetails"
	case TaskSucceeded:
		return "taskSucceededEventDetails"
	case TaskFailed:
		return "taskFailedEventDetails"
	case TaskTimedOut:
		return "taskTimedOutEventDetails"
	case ActivityScheduled:
		return "activityScheduledEventDetails"
	case ActivityStarted:
		return "activityStartedEventDetails"
	case ActivitySucceeded:
		return "activitySucceededEventDetails"
	case ActivityFailed:
		return "activityFailedEventDetails"
	case ActivityTimedOut:
		return "activityTimedOutEventDetails"
	case MapStateStarted:
		return "mapStateStartedEventDetails"
	case MapIterationStarted:
		return "mapIterationStartedEventDetails"
	case MapIterationSucceeded:
		return "mapIterationSucceededEventDetails"
	case MapIterationFailed:
		return "mapIterationFailedEventDetails"
	case MapIterationAborted:
		return "mapIterationAbortedEventDetails"
	case MapRunStarted:
		return "mapRunStartedEventDetails"
	case MapRunFailed:
		return "mapRunFailedEventDetails"
	case EvaluationFailed:
		return "evaluationFailedEventDetails"
	case LambdaFunctionScheduled:
		return "lambdaFunctionScheduledEventDetails"
	case LambdaFunctionSucceeded:
		return "lambdaFunctionSucceededEventDetails"
	case LambdaFunctionFailed:
		return "lambdaFunctionFailedEventDetails"
	case LambdaFunctionTimedOut:
		return "lambdaFunctionTimedOutEventDetails"
	}
	n := len(t)
	switch {
	case n > 12 && t[n-12:] == "StateEntered":
		return "stateEnteredEventDetails"
	case n > 11 && t[n-11:] == "StateExited":
		return "stateExitedEventDetails"
	}
	return ""
}

// AppendAWSJSON appends the event as the Step Functions API's HistoryEvent
// JSON object. When includeData is false, inputs and outputs are left out
// as GetExecutionHistory does with includeExecutionData=false.
func (e *Event) AppendAWSJSON(dst []byte, includeData bool) []byte {
	dst = append(dst, `{"timestamp":`...)
	dst = strconv.AppendFloat(dst, float64(e.Timestamp.UnixMilli())/1000, 'f', -1, 64)
	dst = append(dst, `,"type":`...)
	dst = jsonvalue.AppendString(dst, string(e.Type))
	dst = append(dst, `,"id":`...)
	dst = strconv.AppendInt(dst, e.ID, 10)
	dst = append(dst, `,"previousEventId":`...)
	dst = strconv.AppendInt(dst, e.PreviousID, 10)
	field := AWSDetailsField(e.Type)
	if field != "" && e.Details != nil {
		dst = append(dst, ',', '"')
		dst = append(dst, field...)
		dst = append(dst, '"', ':')
		dst = appendDetails(dst, e.Details, includeData)
	}
	return append(dst, '}')
}

type objWriter struct {
	dst   []byte
	first bool
}

func (w *objWriter) str(k, v string) {
	w.key(k)
	w.dst = jsonvalue.AppendString(w.dst, v)
}

func (w *objWriter) key(k string) {
	if !w.first {
		w.dst = append(w.dst, ',')
	}
	w.first = false
	w.dst = jsonvalue.AppendString(w.dst, k)
	w.dst = append(w.dst, ':')
}

func (w *objWriter) num(k string, v int64) {
	w.key(k)
	w.dst = strconv.AppendInt(w.dst, v, 10)
}

// data writes a JSON document as a string member plus its "...Details"
// truncation flag, as AWS does for inputs and outputs.
func (w *objWriter) data(k string, v jsonvalue.Value, include bool) {
	if include {
		w.key(k)
		w.dst = jsonvalue.AppendString(w.dst, jsonvalue.Marshal(v))
	}
	w.key(k + "Details")
	if include {
		w.dst = append(w.dst, `{"truncated":false}`...)
	} else {
		w.dst = append(w.dst, `{"included":false}`...)
	}
}

func appendDetails(dst []byte, d any, include bool) []byte {
	w := &objWriter{dst: append(dst, '{'), first: true}
	switch x := d.(type) {
	case *ExecutionStartedDetails:
		w.data("input", x.Input, include)
		if x.RoleArn != "" {
			w.str("roleArn", x.RoleArn)
		}
		if x.StateMachineAliasArn != "" {
			w.str("stateMachineAliasArn", x.StateMachineAliasArn)
		}
		if x.StateMachineVersionArn != "" {
			w.str("stateMachineVersionArn", x.StateMachineVersionArn)
		}
	case *OutputDetails:
		w.data("output", x.Output, include)
	case *ErrorDetails:
		if x.HasError {
			w.str("error", x.Error)
		}
		if x.HasCause {
			w.str("cause", x.Cause)
		}
	case *StateEnteredDetails:
		w.str("name", x.Name)
		w.data("input", x.Input, include)
	case *StateExitedDetails:
		w.str("name", x.Name)
		w.data("output", x.Output, include)
		if x.Assigned != nil && include {
			w.key("assignedVariables")
			w.dst = append(w.dst, '{')
			for i, name := range x.Assigned.names {
				if i > 0 {
					w.dst = append(w.dst, ',')
				}
				w.dst = jsonvalue.AppendString(w.dst, name)
				w.dst = append(w.dst, ':')
				w.dst = jsonvalue.AppendString(w.dst, jsonvalue.Marshal(x.Assigned.vals[i]))
			}
			w.dst = append(w.dst, '}')
			w.key("assignedVariablesDetails")
			w.dst = append(w.dst, `{"truncated":false}`...)
		}
	case *EvaluationFailedDetails:
		w.str("error", x.Error)
		w.str("cause", x.Cause)
		w.str("state", x.State)
	case *TaskScheduledDetails:
		w.str("resourceType", x.ResourceType)
		w.str("resource", x.Resource)
		w.str("region", x.Region)
		w.key("parameters")
		w.dst = jsonvalue.AppendString(w.dst, jsonvalue.Marshal(x.Parameters))
		if x.TimeoutInSeconds > 0 {
			w.num("timeoutInSeconds", x.TimeoutInSeconds)
		}
		if x.HeartbeatInSecs > 0 {
			w.num("heartbeatInSeconds", x.HeartbeatInSecs)
		}
		if x.Credentials != nil {
			w.key("taskCredentials")
			w.dst = jsonvalue.Append(w.dst, x.Credentials)
		}
	case *TaskDetails:
		w.str("resourceType", x.ResourceType)
		w.str("resource", x.Resource)
		if x.HasOutput {
			w.data("output", x.Output, include)
		}
		if x.Error != "" {
			w.str("error", x.Error)
		}
		if x.Cause != "" {
			w.str("cause", x.Cause)
		}
	case *ActivityScheduledDetails:
		w.str("resource", x.Resource)
		w.data("input", x.Input, include)
		if x.TimeoutInSeconds > 0 {
			w.num("timeoutInSeconds", x.TimeoutInSeconds)
		}
		if x.HeartbeatInSecs > 0 {
			w.num("heartbeatInSeconds", x.HeartbeatInSecs)
		}
	case *ActivityStartedDetails:
		if x.WorkerName != "" {
			w.str("workerName", x.WorkerName)
		}
	case *RedriveDetails:
		w.num("redriveCount", int64(x.RedriveCount))
	case *MapStateStartedDetails:
		w.num("length", int64(x.Length))
	case *MapIterationDetails:
		w.str("name", x.Name)
		w.num("index", int64(x.Index))
	case *MapRunStartedDetails:
		w.str("mapRunArn", x.MapRunArn)
	}
	return append(w.dst, '}')
}
