package interp

import (
	"time"

	"github.com/sluice-run/sluice/internal/asl"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// InputKind says what happened outside the interpreter.
type InputKind int

// Kinds of Input.
const (
	// InTaskStarted: the worker or integration picked the task up.
	InTaskStarted InputKind = iota + 1
	// InTaskSubmitted: a .sync integration submitted its job; Output holds
	// the submission response.
	InTaskSubmitted
	// InTaskSucceeded: the task finished with Output.
	InTaskSucceeded
	// InTaskFailed: the task failed with Error and Cause.
	InTaskFailed
	// InTaskHeartbeat: the worker sent a heartbeat.
	InTaskHeartbeat
	// InTimerFired: the timer TimerID is due.
	InTimerFired
	// InStop: StopExecution, with optional Error and Cause.
	InStop
	// InMapRunSucceeded: the Map Run of TaskID finished with Output.
	InMapRunSucceeded
	// InMapRunFailed: the Map Run of TaskID failed with Error and Cause.
	InMapRunFailed
	// InRedrive: RedriveExecution of a failed, aborted or timed out
	// execution: the failed states run again, with retries reset.
	InRedrive
)

// Input is something that happened outside the interpreter and that it
// must react to. Inputs are what a driver journals: replaying the same
// inputs into a fresh Execution reproduces the same history.
type Input struct {
	Kind InputKind
	// Time is when it happened; events the input causes carry this time.
	Time time.Time
	// TaskID identifies the task (its TaskScheduled, ActivityScheduled or
	// MapRunStarted event id).
	TaskID int64
	// TimerID identifies a timer the interpreter started.
	TimerID string
	Output  jsonvalue.Value
	Error   string
	Cause   string
	// HasError and HasCause tell an absent error or cause from an empty one.
	HasError bool
	HasCause bool
	// WorkerName names the activity worker for InTaskStarted.
	WorkerName string
}

// CommandKind says what the interpreter asks the outside world to do.
type CommandKind int

// Kinds of Command.
const (
	// CmdScheduleTask: run Task (at least once, idempotent by TaskID).
	CmdScheduleTask CommandKind = iota + 1
	// CmdCancelTask: the task TaskID is no longer wanted.
	CmdCancelTask
	// CmdStartTimer: deliver InTimerFired for TimerID at At. Starting a
	// timer with the ID of a pending one moves it.
	CmdStartTimer
	// CmdCancelTimer: the timer TimerID is no longer wanted.
	CmdCancelTimer
	// CmdStartMapRun: run the distributed Map Run described by MapRun and
	// report InMapRunSucceeded or InMapRunFailed for TaskID.
	CmdStartMapRun
	// CmdCancelMapRun: abort the Map Run TaskID.
	CmdCancelMapRun
)

// Command is an effect the driver must carry out.
type Command struct {
	Kind    CommandKind
	TaskID  int64
	Task    *TaskRequest
	TimerID string
	At      time.Time
	MapRun  *MapRunRequest
}

// TaskRequest describes a task to run.
type TaskRequest struct {
	// StateName is the Task state's name.
	StateName string
	// Resource is the Task state's Resource ARN.
	Resource string
	// Parameters is the effective input after InputPath and Parameters.
	Parameters jsonvalue.Value
	// Token is the task token for .waitForTaskToken resources and
	// activities, as placed in $$.Task.Token.
	Token            string
	TimeoutSeconds   int64
	HeartbeatSeconds int64
	Credentials      jsonvalue.Value
	// Attempt counts retries of this state, from 0.
	Attempt int
}

// MapRunRequest describes the child executions of a distributed Map state.
type MapRunRequest struct {
	// MapRunArn is the ARN recorded in MapRunStarted.
	MapRunArn     string
	StateName     string
	Label         string
	ExecutionType string
	// Items are the inputs of the child executions, after ItemSelector and
	// ItemBatcher.
	Items          []jsonvalue.Value
	MaxConcurrency int64
	// ToleratedFailureCount and ToleratedFailurePercentage are negative
	// when not set.
	ToleratedFailureCount      int64
	ToleratedFailurePercentage float64
	// Processor is the item processor the child executions run.
	Processor *asl.Definition
}

// TaskFailure is how a task failed: the error name and cause the Task
// state fails with.
type TaskFailure struct {
	Error string
	Cause string
}

func (f *TaskFailure) String() string { return f.Error + ": " + f.Cause }

// Step is what one call into the interpreter produced.
type Step struct {
	Events   []Event
	Commands []Command
}

// Status is the status of an execution.
type Status string

// Execution statuses, as DescribeExecution reports them.
const (
	StatusRunning   Status = "RUNNING"
	StatusSucceeded Status = "SUCCEEDED"
	StatusFailed    Status = "FAILED"
	StatusTimedOut  Status = "TIMED_OUT"
	StatusAborted   Status = "ABORTED"
)
