package interp_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sluice-run/sluice/internal/asl"
	"github.com/sluice-run/sluice/internal/interp"
	"github.com/sluice-run/sluice/internal/jsonvalue"
	"github.com/sluice-run/sluice/internal/runner"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func opts() interp.Options {
	return interp.Options{
		ExecutionArn:     "arn:aws:states:us-east-1:000000000000:execution:sm:e1",
		Name:             "e1",
		StateMachineArn:  "arn:aws:states:us-east-1:000000000000:stateMachine:sm",
		StateMachineName: "sm",
		RoleArn:          "arn:aws:iam::000000000000:role/r",
		StartTime:        t0,
		Seed:             42,
	}
}

// run runs a definition to its end with virtual time and the given task
// function, returning the execution and its event types.
func run(t *testing.T, def string, input string, task runner.TaskFunc) (*interp.Execution, []string) {
	t.Helper()
	d, diags := asl.Parse([]byte(def))
	if d == nil {
		t.Fatalf("definition rejected: %s", diags.Error())
	}
	var types []string
	r := runner.Runner{Task: task, OnEvent: func(ev interp.Event) { types = append(types, string(ev.Type)) }}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	x, err := r.Run(ctx, d, jsonvalue.MustParse(input), opts())
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return x, types
}

func wantOutput(t *testing.T, x *interp.Execution, want string) {
	t.Helper()
	if x.Status() != interp.StatusSucceeded {
		name, _, cause, _ := x.Error()
		t.Fatalf("status %s (%s: %s), want SUCCEEDED", x.Status(), name, cause)
	}
	if got := jsonvalue.Marshal(x.Output()); got != want {
		t.Errorf("output %s, want %s", got, want)
	}
}

func wantError(t *testing.T, x *interp.Execution, name, causePart string) {
	t.Helper()
	if x.Status() != interp.StatusFailed {
		t.Fatalf("status %s (output %s), want FAILED", x.Status(), jsonvalue.Marshal(x.Output()))
	}
	got, _, cause, _ := x.Error()
	if got != name || !strings.Contains(cause, causePart) {
		t.Errorf("error %s: %q, want %s containing %q", got, cause, name, causePart)
	}
}

func TestDataFlow(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, def, input, want string
	}{
		{"pass through", `{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`, `{"a":1}`, `{"a":1}`},
		{"input and output path", `{"StartAt":"A","States":{"A":{"Type":"Pass","InputPath":"$.a","OutputPath":"$.b","End":true}}}`,
			`{"a":{"b":[1,2]}}`, `[1,2]`},
		{"result path merges", `{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"r":true},"ResultPath":"$.x.y","End":true}}}`,
			`{"k":1}`, `{"k":1,"x":{"y":{"r":true}}}`},
		{"result path null keeps input", `{"StartAt":"A","States":{"A":{"Type":"Pass","Result":1,"ResultPath":null,"End":true}}}`,
			`{"k":1}`, `{"k":1}`},
		{"input path null", `{"StartAt":"A","States":{"A":{"Type":"Pass","InputPath":null,"End":true}}}`, `{"k":1}`, `{}`},
		{"output path null", `{"StartAt":"A","States":{"A":{"Type":"Pass","OutputPath":null,"End":true}}}`, `{"k":1}`, `{}`},
		{"parameters", `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"x.$":"$.a","lit":"v","nested":{"y.$":"$.b[1]"},
			"arr":[{"z.$":"$.a"}, 2],"name.$":"$$.Execution.Name","sm.$":"$$.StateMachine.Name","st.$":"$$.State.Name"},"End":true}}}`,
			`{"a":"A","b":[1,2]}`, `{"x":"A","lit":"v","nested":{"y":2},"arr":[{"z":"A"},2],"name":"e1","sm":"sm","st":"A"}`},
		{"intrinsic in parameters", `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"s.$":"States.Format('{} and {}', $.a, $.b)"},"End":true}}}`,
			`{"a":"x","b":2}`, `{"s":"x and 2"}`},
		{"chain", `{"StartAt":"A","States":{"A":{"Type":"Pass","Result":1,"ResultPath":"$.a","Next":"B"},"B":{"Type":"Pass","Result":2,"ResultPath":"$.b","Next":"C"},"C":{"Type":"Succeed","OutputPath":"$.b"}}}`,
			`{}`, `2`},
		{"context start time", `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"t.$":"$$.Execution.StartTime","e.$":"$$.State.EnteredTime","i.$":"$$.Execution.Input"},"End":true}}}`,
			`{"q":1}`, `{"t":"2026-01-02T03:04:05.000Z","e":"2026-01-02T03:04:05.000Z","i":{"q":1}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			x, _ := run(t, tc.def, tc.input, nil)
			wantOutput(t, x, tc.want)
		})
	}
}

func TestRuntimeErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, def, input, errName, cause string
	}{
		{"missing input path", `{"StartAt":"A","States":{"A":{"Type":"Pass","InputPath":"$.nope","End":true}}}`, `{}`,
			"States.Runtime", "An error occurred while executing the state 'A' (entered at the event id #2). Invalid path '$.nope'"},
		{"missing parameter path", `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"x.$":"$.nope"},"End":true}}}`, `{"a":1}`,
			"States.Runtime", `The JsonPath argument for the field 'x.$' could not be found in the input '{"a":1}'`},
		{"result path into a string", `{"StartAt":"A","States":{"A":{"Type":"Pass","Result":1,"ResultPath":"$.a.b","End":true}}}`, `{"a":"s"}`,
			"States.ResultPathMatchFailure", "(entered at the event id #2)"},
		{"no choice matched", `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.a","NumericEquals":2,"Next":"D"}]},"D":{"Type":"Succeed"}}}`, `{"a":1}`,
			"States.NoChoiceMatched", "No Matches!"},
		{"choice path missing", `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.b","NumericEquals":2,"Next":"D"}]},"D":{"Type":"Succeed"}}}`, `{"a":1}`,
			"States.Runtime", "Invalid path '$.b': The choice state's condition path references an invalid value."},
		{"fail state", `{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"E","Cause":"C"}}}`, `{}`, "E", "C"},
		{"data limit", `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"a.$":"States.ArrayRange(1, 1000, 1)","b.$":"States.ArrayRange(1, 1000, 1)","c.$":"$.s"},"End":true}}}`,
			`{"s":"` + strings.Repeat("x", 260*1024) + `"}`, "States.DataLimitExceeded", "returned a result with a size exceeding"},
		{"wait seconds path negative", `{"StartAt":"W","States":{"W":{"Type":"Wait","SecondsPath":"$.s","End":true}}}`, `{"s":-1}`,
			"States.Runtime", "The SecondsPath parameter references a negative value: $.s == -1"},
		{"wait seconds path not integer", `{"StartAt":"W","States":{"W":{"Type":"Wait","SecondsPath":"$.s","End":true}}}`, `{"s":"5"}`,
			"States.Runtime", "The SecondsPath parameter cannot be parsed as a long value: $.s == 5"},
		{"wait timestamp path", `{"StartAt":"W","States":{"W":{"Type":"Wait","TimestampPath":"$.s","End":true}}}`, `{"s":"2020-01-01"}`,
			"States.Runtime", "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: $.s == 2020-01-01"},
		{"map items not an array", `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.a","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`,
			`{"a":{"b":1}}`, "States.Runtime", `Map state input must be an array but was: {"b":1}`},
		{"max concurrency path", `{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrencyPath":"$.m","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`,
			`{"m":"x"}`, "States.Runtime", `The MaxConcurrencyPath field refers to value "x" which is not a valid integer: $.m`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			x, _ := run(t, tc.def, tc.input, nil)
			wantError(t, x, tc.errName, tc.cause)
		})
	}
}

// failing returns a task function that fails n times with err, then
// succeeds with the task's parameters.
func failing(n int, err string) (runner.TaskFunc, *int) {
	calls := 0
	return func(_ context.Context, req *interp.TaskRequest) (jsonvalue.Value, *interp.TaskFailure) {
		calls++
		if calls <= n {
			return nil, &interp.TaskFailure{Error: err, Cause: fmt.Sprintf("attempt %d", calls)}
		}
		return req.Parameters, nil
	}, &calls
}

const taskRes = `"Resource":"arn:aws:states:::http:invoke"`

func TestRetryAndCatch(t *testing.T) {
	t.Parallel()
	t.Run("retry then succeed", func(t *testing.T) {
		t.Parallel()
		fn, calls := failing(2, "Boom")
		x, types := run(t, `{"StartAt":"T","States":{"T":{"Type":"Task",`+taskRes+`,"Retry":[{"ErrorEquals":["Other"]},{"ErrorEquals":["Boom"],"MaxAttempts":2}],"End":true}}}`, `{"v":1}`, fn)
		wantOutput(t, x, `{"v":1}`)
		if *calls != 3 {
			t.Errorf("task ran %d times, want 3", *calls)
		}
		want := "ExecutionStarted,TaskStateEntered,TaskScheduled,TaskStarted,TaskFailed,TaskScheduled,TaskStarted,TaskFailed,TaskScheduled,TaskStarted,TaskSucceeded,TaskStateExited,ExecutionSucceeded"
		if got := strings.Join(types, ","); got != want {
			t.Errorf("events\n got %s\nwant %s", got, want)
		}
	})
	t.Run("retries exhausted", func(t *testing.T) {
		t.Parallel()
		fn, calls := failing(10, "Boom")
		x, _ := run(t, `{"StartAt":"T","States":{"T":{"Type":"Task",`+taskRes+`,"Retry":[{"ErrorEquals":["States.ALL"],"MaxAttempts":2}],"End":true}}}`, `{}`, fn)
		wantError(t, x, "Boom", "attempt 3")
		if *calls != 3 {
			t.Errorf("task ran %d times, want 3", *calls)
		}
	})
	t.Run("catch with result path", func(t *testing.T) {
		t.Parallel()
		fn, _ := failing(10, "Boom")
		x, types := run(t, `{"StartAt":"T","States":{"T":{"Type":"Task",`+taskRes+`,"Catch":[{"ErrorEquals":["Nope"],"Next":"X"},{"ErrorEquals":["States.TaskFailed"],"ResultPath":"$.err","Next":"Y"}],"End":true},
			"X":{"Type":"Fail"},"Y":{"Type":"Pass","End":true}}}`, `{"v":1}`, fn)
		wantOutput(t, x, `{"v":1,"err":{"Error":"Boom","Cause":"attempt 1"}}`)
		if got := strings.Join(types, ","); !strings.Contains(got, "TaskFailed,TaskStateExited,PassStateEntered") {
			t.Errorf("events %s", got)
		}
	})
	t.Run("runtime errors are not caught", func(t *testing.T) {
		t.Parallel()
		x, _ := run(t, `{"StartAt":"T","States":{"T":{"Type":"Task",`+taskRes+`,"InputPath":"$.nope","Catch":[{"ErrorEquals":["States.ALL"],"Next":"Y"}],"Retry":[{"ErrorEquals":["States.ALL"]}],"End":true},
			"Y":{"Type":"Pass","End":true}}}`, `{}`, nil)
		wantError(t, x, "States.Runtime", "Invalid path")
	})
	t.Run("task failed does not match timeout", func(t *testing.T) {
		t.Parallel()
		fn, _ := failing(1, "States.Timeout")
		x, _ := run(t, `{"StartAt":"T","States":{"T":{"Type":"Task",`+taskRes+`,"Catch":[{"ErrorEquals":["States.TaskFailed"],"Next":"Y"}],"End":true},
			"Y":{"Type":"Pass","End":true}}}`, `{}`, fn)
		wantError(t, x, "States.Timeout", "")
	})
}

// TestRetryBackoff drives the interpreter directly and checks the timers it
// asks for: 3s, 6s, 12s capped at 10s.
func TestRetryBackoff(t *testing.T) {
	t.Parallel()
	def := asl.MustParse(`{"StartAt":"T","States":{"T":{"Type":"Task",` + taskRes + `,"Retry":[{"ErrorEquals":["E"],"IntervalSeconds":3,"MaxAttempts":4,"BackoffRate":2,"MaxDelaySeconds":10}],"End":true}}}`)
	x, step := interp.Start(def, jsonvalue.MustParse(`{}`), opts())
	now := t0
	var delays []time.Duration
	for i := 0; i < 4; i++ {
		task := findCommand(t, step, interp.CmdScheduleTask)
		step = x.Apply(interp.Input{Kind: interp.InTaskFailed, Time: now, TaskID: task.TaskID, Error: "E"})
		tm := findCommand(t, step, interp.CmdStartTimer)
		delays = append(delays, tm.At.Sub(now))
		now = tm.At
		step = x.Apply(interp.Input{Kind: interp.InTimerFired, Time: now, TimerID: tm.TimerID})
	}
	want := []time.Duration{3 * time.Second, 6 * time.Second, 10 * time.Second, 10 * time.Second}
	if !reflect.DeepEqual(delays, want) {
		t.Errorf("back-off delays %v, want %v", delays, want)
	}
	task := findCommand(t, step, interp.CmdScheduleTask)
	x.Apply(interp.Input{Kind: interp.InTaskFailed, Time: now, TaskID: task.TaskID, Error: "E"})
	if x.Status() != interp.StatusFailed {
		t.Errorf("status %s after the last attempt, want FAILED", x.Status())
	}
}

func findCommand(t *testing.T, s interp.Step, k interp.CommandKind) interp.Command {
	t.Helper()
	for _, c := range s.Commands {
		if c.Kind == k {
			return c
		}
	}
	t.Fatalf("no command of kind %d in %+v", k, s.Commands)
	return interp.Command{}
}

func TestTaskTimeoutAndHeartbeat(t *testing.T) {
	t.Parallel()
	def := asl.MustParse(`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
		"TimeoutSeconds":100,"HeartbeatSeconds":10,"Parameters":{"token.$":"$$.Task.Token"},
		"Catch":[{"ErrorEquals":["States.HeartbeatTimeout"],"Next":"HB"}],"End":true},"HB":{"Type":"Pass","End":true}}}`)
	x, step := interp.Start(def, jsonvalue.MustParse(`{}`), opts())
	task := findCommand(t, step, interp.CmdScheduleTask)
	if task.Task.Token == "" || len(task.Task.Token) < 32 {
		t.Fatalf("token %q: want at least 128 random bits", task.Task.Token)
	}
	if tok, _ := task.Task.Parameters.(*jsonvalue.Object).Get("token"); tok != task.Task.Token {
		t.Errorf("$$.Task.Token = %v, want %s", tok, task.Task.Token)
	}
	// A heartbeat at 5s moves the heartbeat timer to 15s.
	step = x.Apply(interp.Input{Kind: interp.InTaskHeartbeat, Time: t0.Add(5 * time.Second), TaskID: task.TaskID})
	hb := findCommand(t, step, interp.CmdStartTimer)
	if !hb.At.Equal(t0.Add(15 * time.Second)) {
		t.Errorf("heartbeat timer at %v, want +15s", hb.At.Sub(t0))
	}
	x.Apply(interp.Input{Kind: interp.InTimerFired, Time: hb.At, TimerID: hb.TimerID})
	if x.Status() != interp.StatusSucceeded {
		t.Fatalf("status %s, want SUCCEEDED through the catcher", x.Status())
	}
	wantOutput(t, x, `{"Error":"States.HeartbeatTimeout"}`)
}

func TestExecutionTimeoutAndStop(t *testing.T) {
	t.Parallel()
	def := asl.MustParse(`{"TimeoutSeconds":5,"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":60,"End":true}}}`)
	x, step := interp.Start(def, jsonvalue.MustParse(`{}`), opts())
	var execTimer interp.Command
	for _, c := range step.Commands {
		if c.Kind == interp.CmdStartTimer && c.At.Equal(t0.Add(5*time.Second)) {
			execTimer = c
		}
	}
	step = x.Apply(interp.Input{Kind: interp.InTimerFired, Time: execTimer.At, TimerID: execTimer.TimerID})
	if x.Status() != interp.StatusTimedOut || step.Events[len(step.Events)-1].Type != interp.ExecutionTimedOut {
		t.Fatalf("status %s, want TIMED_OUT", x.Status())
	}
	if c := findCommand(t, step, interp.CmdCancelTimer); c.TimerID == "" {
		t.Errorf("the Wait timer was not cancelled")
	}

	x, _ = interp.Start(def, jsonvalue.MustParse(`{}`), opts())
	x.Apply(interp.Input{Kind: interp.InStop, Time: t0.Add(time.Second), Error: "E", HasError: true})
	if name, ok, _, hasCause := x.Error(); x.Status() != interp.StatusAborted || name != "E" || !ok || hasCause {
		t.Errorf("after stop: %s %q", x.Status(), name)
	}
}

func TestParallelAndMap(t *testing.T) {
	t.Parallel()
	t.Run("parallel results in branch order", func(t *testing.T) {
		t.Parallel()
		x, types := run(t, `{"StartAt":"P","States":{"P":{"Type":"Parallel","ResultSelector":{"n.$":"States.ArrayLength($)","all.$":"$"},"End":true,"Branches":[
			{"StartAt":"A","States":{"A":{"Type":"Wait","Seconds":5,"Next":"A2"},"A2":{"Type":"Pass","Result":"a","End":true}}},
			{"StartAt":"B","States":{"B":{"Type":"Pass","Result":"b","End":true}}}]}}}`, `{}`, nil)
		wantOutput(t, x, `{"n":2,"all":["a","b"]}`)
		want := "ExecutionStarted,ParallelStateEntered,ParallelStateStarted,WaitStateEntered,PassStateEntered,PassStateExited,WaitStateExited,PassStateEntered,PassStateExited,ParallelStateExited,ExecutionSucceeded"
		if got := strings.Join(types, ","); got != want {
			t.Errorf("events\n got %s\nwant %s", got, want)
		}
	})
	t.Run("branch failure fails the state", func(t *testing.T) {
		t.Parallel()
		x, _ := run(t, `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
			{"StartAt":"A","States":{"A":{"Type":"Wait","Seconds":5,"End":true}}},
			{"StartAt":"B","States":{"B":{"Type":"Fail","Error":"BE","Cause":"BC"}}}]}}}`, `{}`, nil)
		wantError(t, x, "BE", "BC")
	})
	t.Run("map with item selector and concurrency", func(t *testing.T) {
		t.Parallel()
		inFlight, maxInFlight := 0, 0
		fn := func(_ context.Context, req *interp.TaskRequest) (jsonvalue.Value, *interp.TaskFailure) {
			return req.Parameters, nil
		}
		d := asl.MustParse(`{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.xs","MaxConcurrency":2,
			"ItemSelector":{"i.$":"$$.Map.Item.Index","v.$":"$$.Map.Item.Value","k.$":"$.k"},
			"ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task",` + taskRes + `,"End":true}}},"End":true}}}`)
		x, step := interp.Start(d, jsonvalue.MustParse(`{"xs":["a","b","c","d","e"],"k":7}`), opts())
		pending := []interp.Command{}
		for x.Status() == interp.StatusRunning {
			for _, c := range step.Commands {
				if c.Kind == interp.CmdScheduleTask {
					pending = append(pending, c)
					inFlight++
				}
			}
			if inFlight > maxInFlight {
				maxInFlight = inFlight
			}
			c := pending[0]
			pending = pending[1:]
			inFlight--
			out, _ := fn(nil, c.Task)
			step = x.Apply(interp.Input{Kind: interp.InTaskSucceeded, Time: t0, TaskID: c.TaskID, Output: out})
		}
		wantOutput(t, x, `[{"i":0,"v":"a","k":7},{"i":1,"v":"b","k":7},{"i":2,"v":"c","k":7},{"i":3,"v":"d","k":7},{"i":4,"v":"e","k":7}]`)
		if maxInFlight != 2 {
			t.Errorf("at most %d iterations ran at once, want 2", maxInFlight)
		}
	})
	t.Run("empty map", func(t *testing.T) {
		t.Parallel()
		x, _ := run(t, `{"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`, `[]`, nil)
		wantOutput(t, x, `[]`)
	})
	t.Run("map iteration failure aborts the others", func(t *testing.T) {
		t.Parallel()
		x, types := run(t, `{"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"StartAt":"C","States":{
			"C":{"Type":"Choice","Choices":[{"Variable":"$","NumericEquals":2,"Next":"F"}],"Default":"W"},
			"W":{"Type":"Wait","Seconds":10,"End":true},"F":{"Type":"Fail","Error":"Two"}}},"End":true}}}`, `[1,2,3]`, nil)
		wantError(t, x, "Two", "")
		if got := strings.Join(types, ","); !strings.Contains(got, "MapIterationFailed,MapIterationAborted,MapIterationAborted,MapStateFailed,ExecutionFailed") {
			t.Errorf("events %s", got)
		}
	})
	t.Run("distributed map", func(t *testing.T) {
		t.Parallel()
		x, types := run(t, `{"StartAt":"M","States":{"M":{"Type":"Map","ItemBatcher":{"MaxItemsPerBatch":2,"BatchInput":{"b":1}},
			"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`, `[1,2,3]`, nil)
		wantOutput(t, x, `[{"BatchInput":{"b":1},"Items":[1,2]},{"BatchInput":{"b":1},"Items":[3]}]`)
		want := "ExecutionStarted,MapStateEntered,MapStateStarted,MapRunStarted,MapRunSucceeded,MapStateSucceeded,MapStateExited,ExecutionSucceeded"
		if got := strings.Join(types, ","); got != want {
			t.Errorf("events\n got %s\nwant %s", got, want)
		}
	})
	t.Run("distributed map tolerated failures", func(t *testing.T) {
		t.Parallel()
		def := `{"StartAt":"M","States":{"M":{"Type":"Map","ToleratedFailureCount":1,
			"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"C","States":{
			"C":{"Type":"Choice","Choices":[{"Variable":"$","NumericGreaterThan":%d,"Next":"F"}],"Default":"P"},
			"P":{"Type":"Pass","End":true},"F":{"Type":"Fail","Error":"Big","Cause":"c"}}},"End":true}}}`
		x, _ := run(t, fmt.Sprintf(def, 2), `[1,2,3]`, nil)
		wantOutput(t, x, `[1,2,{"Error":"Big","Cause":"c"}]`)
		x, _ = run(t, fmt.Sprintf(def, 1), `[1,2,3]`, nil)
		wantError(t, x, "States.ExceedToleratedFailureThreshold", "")
	})
}

func TestHistoryLimit(t *testing.T) {
	t.Parallel()
	x, _ := run(t, `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Choice","Choices":[{"Variable":"$.stop","IsPresent":true,"Next":"C"}],"Default":"A"},"C":{"Type":"Succeed"}}}`, `{}`, nil)
	wantError(t, x, "States.Runtime", "maximum number of history events (25000)")
	if x.EventCount() != 25001 {
		t.Errorf("history has %d events, want 25,000 plus ExecutionFailed", x.EventCount())
	}
}

// TestReplayIsDeterministic checks the property durability rests on:
// feeding the same inputs to a new execution gives the same history.
func TestReplayIsDeterministic(t *testing.T) {
	t.Parallel()
	def := asl.MustParse(`{"StartAt":"P","States":{"P":{"Type":"Parallel","Next":"U","Branches":[
		{"StartAt":"T","States":{"T":{"Type":"Task",` + taskRes + `,"Retry":[{"ErrorEquals":["E"],"JitterStrategy":"FULL"}],"End":true}}},
		{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3,"End":true}}}]},
		"U":{"Type":"Pass","Parameters":{"u.$":"States.UUID()","r.$":"States.MathRandom(1, 1000)"},"Next":"V"},
		"V":{"Type":"Pass","QueryLanguage":"JSONata","Assign":{"id":"{% $uuid() %}"},"Output":{"r":"{% $random() %}","now":"{% $now() %}","prev":"{% $states.input %}"},"Next":"X"},
		"X":{"Type":"Pass","QueryLanguage":"JSONata","Output":{"id":"{% $id %}","v":"{% $states.input %}"},"End":true}}}`)
	var inputs []interp.Input
	var history []interp.Event
	x, step := interp.Start(def, jsonvalue.MustParse(`{}`), opts())
	history = append(history, step.Events...)
	fails := 0
	var tasks []int64
	timers := map[string]time.Time{}
	for x.Status() == interp.StatusRunning {
		for _, c := range step.Commands {
			switch c.Kind {
			case interp.CmdScheduleTask:
				tasks = append(tasks, c.TaskID)
			case interp.CmdStartTimer:
				timers[c.TimerID] = c.At
			case interp.CmdCancelTimer:
				delete(timers, c.TimerID)
			}
		}
		var in interp.Input
		switch {
		case len(tasks) > 0:
			in = interp.Input{Kind: interp.InTaskSucceeded, Time: t0.Add(time.Second), TaskID: tasks[0], Output: jsonvalue.Int(1)}
			if fails < 2 {
				fails++
				in = interp.Input{Kind: interp.InTaskFailed, Time: t0.Add(time.Second), TaskID: tasks[0], Error: "E"}
			}
			tasks = tasks[1:]
		case len(timers) > 0:
			first := ""
			for id, at := range timers {
				if first == "" || at.Before(timers[first]) || (at.Equal(timers[first]) && id < first) {
					first = id
				}
			}
			in = interp.Input{Kind: interp.InTimerFired, Time: timers[first], TimerID: first}
			delete(timers, first)
		default:
			t.Fatalf("stuck: %+v", step.Commands)
		}
		inputs = append(inputs, in)
		step = x.Apply(in)
		history = append(history, step.Events...)
	}
	y, step2 := interp.Start(def, jsonvalue.MustParse(`{}`), opts())
	replayed := append([]interp.Event{}, step2.Events...)
	for _, in := range inputs {
		replayed = append(replayed, y.Apply(in).Events...)
	}
	if len(replayed) != len(history) {
		t.Fatalf("replay gave %d events, original %d", len(replayed), len(history))
	}
	for i := range history {
		a := string(history[i].AppendAWSJSON(nil, true))
		b := string(replayed[i].AppendAWSJSON(nil, true))
		if a != b {
			t.Fatalf("event %d differs:\n%s\n%s", i+1, a, b)
		}
	}
	if jsonvalue.Marshal(x.Output()) != jsonvalue.Marshal(y.Output()) {
		t.Errorf("outputs differ")
	}
}

// TestRedrive fails a Map iteration, then redrives: only the failed
// iteration runs again and the execution succeeds.
func TestRedrive(t *testing.T) {
	t.Parallel()
	def := asl.MustParse(`{"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"StartAt":"T","States":{
		"T":{"Type":"Task",` + taskRes + `,"End":true}}},"End":true}}}`)
	x, step := interp.Start(def, jsonvalue.MustParse(`[1,2,3]`), opts())
	runs := 0
	fail := true
	for x.Status() == interp.StatusRunning {
		var tasks []interp.Command
		for _, c := range step.Commands {
			if c.Kind == interp.CmdScheduleTask {
				tasks = append(tasks, c)
			}
		}
		c := tasks[0]
		runs++
		in := interp.Input{Kind: interp.InTaskSucceeded, Time: t0, TaskID: c.TaskID, Output: c.Task.Parameters}
		if fail && jsonvalue.Equal(c.Task.Parameters, jsonvalue.Int(2)) {
			fail = false
			in = interp.Input{Kind: interp.InTaskFailed, Time: t0, TaskID: c.TaskID, Error: "Flaky"}
		}
		step = x.Apply(in)
		step.Commands = append(tasks[1:], step.Commands...)
	}
	if x.Status() != interp.StatusFailed || !x.Redrivable() {
		t.Fatalf("status %s, want FAILED", x.Status())
	}
	step = x.Apply(interp.Input{Kind: interp.InRedrive, Time: t0.Add(time.Minute)})
	if step.Events[0].Type != interp.ExecutionRedriven {
		t.Fatalf("first event after redrive: %s", step.Events[0].Type)
	}
	rerun := 0
	var pending []interp.Command
	for x.Status() == interp.StatusRunning {
		for _, c := range step.Commands {
			if c.Kind == interp.CmdScheduleTask {
				pending = append(pending, c)
			}
		}
		c := pending[0]
		pending = pending[1:]
		rerun++
		step = x.Apply(interp.Input{Kind: interp.InTaskSucceeded, Time: t0, TaskID: c.TaskID, Output: c.Task.Parameters})
	}
	wantOutput(t, x, `[1,2,3]`)
	// Item 1 had succeeded; item 2 failed and item 3 was aborted with it.
	if rerun != 2 {
		t.Errorf("redrive ran %d tasks, want 2 (not the item that had succeeded)", rerun)
	}
}

// TestCatcherResultPathFailure: a catcher whose ResultPath cannot be
// applied fails the state instead of looping.
func TestCatcherResultPathFailure(t *testing.T) {
	t.Parallel()
	fn, _ := failing(1, "Boom")
	x, _ := run(t, `{"StartAt":"T","States":{"T":{"Type":"Task",`+taskRes+`,"Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.a.b","Next":"N"}],"End":true},"N":{"Type":"Pass","End":true}}}`, `"str"`, fn)
	wantError(t, x, "States.ResultPathMatchFailure", "Unable to apply")
}
