package interp

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sluice-run/sluice/internal/asl"
	"github.com/sluice-run/sluice/internal/asl/jsonpath"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// taskFamily selects the history event names a Task state uses.
type taskFamily uint8

const (
	familyTask     taskFamily = iota // TaskScheduled, TaskStarted, ...
	familyActivity                   // ActivityScheduled, ActivityStarted, ...
	familyLambda                     // LambdaFunctionScheduled, ...
)

// Lambda function event types, used for Task states whose Resource is a
// plain Lambda function ARN.
const (
	LambdaFunctionScheduled EventType = "LambdaFunctionScheduled"
	LambdaFunctionStarted   EventType = "LambdaFunctionStarted"
	LambdaFunctionSucceeded EventType = "LambdaFunctionSucceeded"
	LambdaFunctionFailed    EventType = "LambdaFunctionFailed"
	LambdaFunctionTimedOut  EventType = "LambdaFunctionTimedOut"
)

// ActivityScheduledDetails describes an activity task waiting for a worker,
// and LambdaFunctionScheduled's details.
type ActivityScheduledDetails struct {
	Resource         string
	Input            jsonvalue.Value
	TimeoutInSeconds int64
	HeartbeatInSecs  int64
}

// ActivityStartedDetails names the worker that took an activity task.
type ActivityStartedDetails struct {
	WorkerName string
}

// ResourceFamily tells how a Task resource is run and recorded.
func resourceFamily(resource string) taskFamily {
	switch {
	case strings.Contains(resource, ":activity:") && strings.HasPrefix(resource, "arn:") && strings.Contains(resource, ":states:"):
		return familyActivity
	case strings.HasPrefix(resource, "arn:") && strings.Contains(resource, ":lambda:") && strings.Contains(resource, ":function:"):
		return familyLambda
	}
	return familyTask
}

// SplitResource splits an integration ARN such as
// arn:aws:states:::lambda:invoke.waitForTaskToken into the service
// ("lambda") and the action ("invoke.waitForTaskToken") that TaskScheduled
// reports as resourceType and resource.
func SplitResource(resource string) (service, action string) {
	parts := strings.SplitN(resource, ":", 7)
	if len(parts) < 6 {
		return "", resource
	}
	if parts[2] == "states" && parts[3] == "" && parts[4] == "" && len(parts) == 7 {
		return parts[5], parts[6]
	}
	return parts[2], resource
}

// WaitsForToken reports whether a resource hands out a task token that a
// SendTask* call completes.
func WaitsForToken(resource string) bool {
	return strings.HasSuffix(resource, ".waitForTaskToken") || resourceFamily(resource) == familyActivity
}

func (t *thread) runTask() {
	s := t.state
	x := t.x
	eff, ok := t.inputPath()
	if !ok {
		return
	}
	id := x.nextID + 1 // the id the scheduled event will get
	t.family = resourceFamily(s.Resource)
	t.token = ""
	t.ctx = nil
	if WaitsForToken(s.Resource) {
		t.token = x.taskToken(id)
	}
	if s.Parameters != nil {
		if eff, ok = t.template(s.Parameters, eff, nil); !ok {
			return
		}
	}
	if s.Arguments != nil {
		if eff, ok = t.evalJSONata(s.Arguments, statesVars{}); !ok {
			return
		}
	}
	if !t.checkSize(eff) {
		return
	}
	timeout := s.TimeoutSeconds
	if s.JTimeoutSeconds != nil {
		if timeout, ok = t.jsonataPositiveInt(s.JTimeoutSeconds, "TimeoutSeconds"); !ok {
			return
		}
	}
	if s.TimeoutSecondsPath != nil {
		if timeout, ok = t.positivePathInt(s.TimeoutSecondsPath, "TimeoutSecondsPath"); !ok {
			return
		}
	}
	heartbeat := s.HeartbeatSeconds
	if s.JHeartbeatSeconds != nil {
		if heartbeat, ok = t.jsonataPositiveInt(s.JHeartbeatSeconds, "HeartbeatSeconds"); !ok {
			return
		}
	}
	if s.HeartbeatSecondsPath != nil {
		if heartbeat, ok = t.positivePathInt(s.HeartbeatSecondsPath, "HeartbeatSecondsPath"); !ok {
			return
		}
	}
	switch t.family {
	case familyActivity:
		x.emit(t, ActivityScheduled, &ActivityScheduledDetails{Resource: s.Resource, Input: eff, TimeoutInSeconds: timeout, HeartbeatInSecs: heartbeat})
	case familyLambda:
		x.emit(t, LambdaFunctionScheduled, &ActivityScheduledDetails{Resource: s.Resource, Input: eff, TimeoutInSeconds: timeout})
	default:
		service, action := SplitResource(s.Resource)
		x.emit(t, TaskScheduled, &TaskScheduledDetails{ResourceType: service, Resource: action, Region: x.opts.Region,
			Parameters: eff, TimeoutInSeconds: timeout, HeartbeatInSecs: heartbeat, Credentials: s.Credentials})
	}
	t.taskID = id
	t.mapRun = false
	t.phase = phWaitTask
	x.tasks[id] = t
	x.command(Command{Kind: CmdScheduleTask, TaskID: id, Task: &TaskRequest{
		StateName: s.Name, Resource: s.Resource, Parameters: eff, Token: t.token,
		TimeoutSeconds: timeout, HeartbeatSeconds: heartbeat, Credentials: s.Credentials, Attempt: t.retryCount(),
	}})
	if timeout > 0 {
		t.toTimer = "timeout:" + strconv.FormatInt(id, 10)
		x.startTimer(t.toTimer, x.now.Add(time.Duration(timeout)*time.Second), t)
	}
	if heartbeat > 0 {
		t.hbTimer = "heartbeat:" + strconv.FormatInt(id, 10)
		x.startTimer(t.hbTimer, x.now.Add(time.Duration(heartbeat)*time.Second), t)
	}
}

// positivePathInt reads TimeoutSecondsPath or HeartbeatSecondsPath.
func (t *thread) positivePathInt(path *jsonpath.Path, field string) (int64, bool) {
	s := t.state
	v, err := path.Eval(t.env(t.rawInput, s.UsesContext, nil))
	if err != nil {
		t.fail(t.pathError(path, err))
		return 0, false
	}
	n, ok := v.(jsonvalue.Number)
	i, isInt := n.Int64()
	if !ok || !isInt || i <= 0 {
		t.fail(t.runtimeError(asl.ErrRuntime, fmt.Sprintf("The %s field must reference a positive integer value but was: %s", field, jsonvalue.Marshal(v))))
		return 0, false
	}
	return i, true
}

// jsonataPositiveInt evaluates a JSONata field that must give a positive
// integer, such as TimeoutSeconds.
func (t *thread) jsonataPositiveInt(tmpl *asl.JTemplate, field string) (int64, bool) {
	v, ok := t.evalJSONata(tmpl, statesVars{})
	if !ok {
		return 0, false
	}
	n, isNum := v.(jsonvalue.Number)
	i, isInt := n.Int64()
	if !isNum || !isInt || i <= 0 {
		t.failEval(t.queryError("The %s field must be a positive integer but was: %s", field, jsonvalue.Marshal(v)))
		return 0, false
	}
	return i, true
}

// taskToken returns the token for the task scheduled at event id.
func (x *Execution) taskToken(id int64) string {
	if x.opts.TaskToken != nil {
		return x.opts.TaskToken(id)
	}
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := x.rng.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return hex.EncodeToString(b[:])
}

// taskInput handles a task's progress or result.
func (x *Execution) taskInput(in Input) {
	t, ok := x.tasks[in.TaskID]
	if !ok || t.dead {
		return
	}
	s := t.state
	service, action := SplitResource(s.Resource)
	switch in.Kind {
	case InTaskStarted:
		switch t.family {
		case familyActivity:
			x.emit(t, ActivityStarted, &ActivityStartedDetails{WorkerName: in.WorkerName})
		case familyLambda:
			x.emit(t, LambdaFunctionStarted, nil)
		default:
			x.emit(t, TaskStarted, &TaskDetails{ResourceType: service, Resource: action})
		}
		t.resetHeartbeat()
	case InTaskSubmitted:
		x.emit(t, TaskSubmitted, &TaskDetails{ResourceType: service, Resource: action, Output: in.Output, HasOutput: true})
	case InTaskHeartbeat:
		t.resetHeartbeat()
	case InTaskSucceeded:
		t.endTask()
		switch t.family {
		case familyActivity:
			x.emit(t, ActivitySucceeded, &OutputDetails{Output: in.Output})
		case familyLambda:
			x.emit(t, LambdaFunctionSucceeded, &OutputDetails{Output: in.Output})
		default:
			x.emit(t, TaskSucceeded, &TaskDetails{ResourceType: service, Resource: action, Output: in.Output, HasOutput: true})
		}
		if !t.checkSize(in.Output) {
			return
		}
		t.result = in.Output
		t.phase = phComplete
		x.schedule(t)
	case InTaskFailed:
		t.endTask()
		e := errorInfo{Error: in.Error, Cause: in.Cause, HasError: in.HasError || in.Error != "", HasCause: in.HasCause || in.Cause != ""}
		switch t.family {
		case familyActivity:
			x.emit(t, ActivityFailed, &ErrorDetails{Error: e.Error, Cause: e.Cause, HasError: e.HasError, HasCause: e.HasCause})
		case familyLambda:
			x.emit(t, LambdaFunctionFailed, &ErrorDetails{Error: e.Error, Cause: e.Cause, HasError: e.HasError, HasCause: e.HasCause})
		default:
			x.emit(t, TaskFailed, &TaskDetails{ResourceType: service, Resource: action, Error: e.Error, Cause: e.Cause})
		}
		t.fail(e)
	}
}

func (t *thread) resetHeartbeat() {
	if t.hbTimer != "" && t.state.HeartbeatSeconds > 0 {
		t.x.startTimer(t.hbTimer, t.x.now.Add(time.Duration(t.state.HeartbeatSeconds)*time.Second), t)
	}
}

// endTask forgets the outstanding task and its timers.
func (t *thread) endTask() {
	delete(t.x.tasks, t.taskID)
	t.taskID = 0
	if t.toTimer != "" {
		t.x.cancelTimer(t.toTimer)
		t.toTimer = ""
	}
	if t.hbTimer != "" {
		t.x.cancelTimer(t.hbTimer)
		t.hbTimer = ""
	}
}

func (t *thread) taskTimedOut(name string) {
	x := t.x
	id := t.taskID
	s := t.state
	if id == 0 {
		return
	}
	t.endTask()
	x.command(Command{Kind: CmdCancelTask, TaskID: id})
	service, action := SplitResource(s.Resource)
	switch t.family {
	case familyActivity:
		x.emit(t, ActivityTimedOut, &ErrorDetails{Error: name, HasError: true})
	case familyLambda:
		x.emit(t, LambdaFunctionTimedOut, &ErrorDetails{Error: name, HasError: true})
	default:
		x.emit(t, TaskTimedOut, &TaskDetails{ResourceType: service, Resource: action, Error: name})
	}
	t.fail(errorInfo{Error: name, HasError: true})
}
