package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	stypes "github.com/aws/aws-sdk-go-v2/service/scheduler/types"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/smithy-go"

	"github.com/sluice-run/sluice/internal/deadletter"
	"github.com/sluice-run/sluice/internal/server/servertest"
)

const passMachine = `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`

// schedInputs returns the inputs of the executions of a state machine,
// decoded, once at least n exist (or fails after a deadline).
func schedInputs(t *testing.T, c *sfn.Client, smArn string, n int) []map[string]any {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(10 * time.Second)
	for {
		out, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(smArn)})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Executions) >= n {
			var inputs []map[string]any
			for _, x := range out.Executions {
				d, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: x.ExecutionArn})
				if err != nil {
					t.Fatal(err)
				}
				var m map[string]any
				if err := json.Unmarshal([]byte(aws.ToString(d.Input)), &m); err != nil {
					t.Fatalf("input %s: %v", aws.ToString(d.Input), err)
				}
				inputs = append(inputs, m)
			}
			return inputs
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d executions started", len(out.Executions), n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// wantAPIError checks that err is the AWS error code, with a message
// containing msg.
func wantAPIError(t *testing.T, what string, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("%s: got %v, want %s", what, err, code)
	}
	if ae.ErrorCode() != code || !strings.Contains(ae.ErrorMessage(), msg) {
		t.Fatalf("%s: got %s %q, want %s containing %q", what, ae.ErrorCode(), ae.ErrorMessage(), code, msg)
	}
}

func smTarget(arn, input string) *stypes.Target {
	t := &stypes.Target{Arn: aws.String(arn), RoleArn: aws.String(role)}
	if input != "" {
		t.Input = aws.String(input)
	}
	return t
}

var flexOff = &stypes.FlexibleTimeWindow{Mode: stypes.FlexibleTimeWindowModeOff}

// TestSchedulerToStateMachine creates a group and a rate(1 second)
// schedule targeting a state machine, and checks executions start with the
// input and its context attributes; then reads, lists, updates and deletes.
func TestSchedulerToStateMachine(t *testing.T) {
	t.Parallel()
	srv := servertest.Start(t)
	sc, c := servertest.Scheduler(srv), servertest.SFN(srv)
	ctx := context.Background()
	sm := createSM(t, c, "ticker", passMachine)

	g, err := sc.CreateScheduleGroup(ctx, &scheduler.CreateScheduleGroupInput{Name: aws.String("team"),
		Tags: []stypes.Tag{{Key: aws.String("env"), Value: aws.String("test")}}})
	if err != nil {
		t.Fatal(err)
	}
	if want := "arn:aws:scheduler:us-east-1:000000000000:schedule-group/team"; aws.ToString(g.ScheduleGroupArn) != want {
		t.Fatalf("group ARN %s, want %s", aws.ToString(g.ScheduleGroupArn), want)
	}
	input := `{"at":"<aws.scheduler.scheduled-time>","n":"<aws.scheduler.attempt-number>","arn":"<aws.scheduler.schedule-arn>","id":"<aws.scheduler.execution-id>"}`
	out, err := sc.CreateSchedule(ctx, &scheduler.CreateScheduleInput{Name: aws.String("tick"), GroupName: aws.String("team"),
		ScheduleExpression: aws.String("rate(1 second)"), FlexibleTimeWindow: flexOff, Target: smTarget(sm, input)})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(out.ScheduleArn)
	if arn != "arn:aws:scheduler:us-east-1:000000000000:schedule/team/tick" {
		t.Fatalf("schedule ARN %s", arn)
	}
	inputs := schedInputs(t, c, sm, 2)
	seen := map[string]bool{}
	for _, in := range inputs {
		at, err := time.Parse(time.RFC3339, in["at"].(string))
		if err != nil || in["n"] != "1" || in["arn"] != arn || len(in["id"].(string)) != 36 {
			t.Fatalf("input %v (time: %v)", in, err)
		}
		if seen[at.String()] {
			t.Fatalf("two executions for %v", at)
		}
		seen[at.String()] = true
	}

	got, err := sc.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String("tick"), GroupName: aws.String("team")})
	if err != nil {
		t.Fatal(err)
	}
	if got.State != stypes.ScheduleStateEnabled || got.ActionAfterCompletion != stypes.ActionAfterCompletionNone ||
		aws.ToString(got.ScheduleExpressionTimezone) != "UTC" || aws.ToInt32(got.Target.RetryPolicy.MaximumRetryAttempts) != 185 ||
		aws.ToInt32(got.Target.RetryPolicy.MaximumEventAgeInSeconds) != 86400 || aws.ToString(got.Target.Input) != input ||
		got.CreationDate == nil || time.Since(*got.CreationDate) > time.Minute {
		t.Fatalf("GetSchedule: %+v", got)
	}
	list, err := sc.ListSchedules(ctx, &scheduler.ListSchedulesInput{GroupName: aws.String("team"), NamePrefix: aws.String("ti")})
	if err != nil || len(list.Schedules) != 1 || aws.ToString(list.Schedules[0].Target.Arn) != sm {
		t.Fatalf("ListSchedules: %+v %v", list, err)
	}
	groups, err := sc.ListScheduleGroups(ctx, &scheduler.ListScheduleGroupsInput{})
	if err != nil || len(groups.ScheduleGroups) != 2 || aws.ToString(groups.ScheduleGroups[0].Name) != "default" {
		t.Fatalf("ListScheduleGroups: %+v %v", groups, err)
	}
	tags, err := sc.ListTagsForResource(ctx, &scheduler.ListTagsForResourceInput{ResourceArn: g.ScheduleGroupArn})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Value) != "test" {
		t.Fatalf("ListTagsForResource: %+v %v", tags, err)
	}
	if _, err := sc.UntagResource(ctx, &scheduler.UntagResourceInput{ResourceArn: g.ScheduleGroupArn, TagKeys: []string{"env"}}); err != nil {
		t.Fatal(err)
	}

	// Disabling stops the fires.
	_, err = sc.UpdateSchedule(ctx, &scheduler.UpdateScheduleInput{Name: aws.String("tick"), GroupName: aws.String("team"),
		ScheduleExpression: aws.String("rate(1 second)"), FlexibleTimeWindow: flexOff, Target: smTarget(sm, input),
		State: stypes.ScheduleStateDisabled})
	if err != nil {
		t.Fatal(err)
	}
	before := len(schedInputs(t, c, sm, 0))
	time.Sleep(1500 * time.Millisecond)
	if after := len(schedInputs(t, c, sm, 0)); after > before+1 { // one fire may have been in flight
		t.Fatalf("a disabled schedule fired: %d executions, then %d", before, after)
	}
	// Deleting the group deletes its schedules.
	if _, err := sc.DeleteScheduleGroup(ctx, &scheduler.DeleteScheduleGroupInput{Name: aws.String("team")}); err != nil {
		t.Fatal(err)
	}
	_, err = sc.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String("tick"), GroupName: aws.String("team")})
	wantAPIError(t, "GetSchedule after DeleteScheduleGroup", err, "ResourceNotFoundException", "Schedule tick does not exist.")
}

// TestSchedulerErrors checks the API's error answers.
func TestSchedulerErrors(t *testing.T) {
	t.Parallel()
	srv := servertest.Start(t)
	sc, c := servertest.Scheduler(srv), servertest.SFN(srv)
	ctx := context.Background()
	sm := createSM(t, c, "errs", passMachine)
	create := func(name, expr, tz, targetArn string) error {
		in := &scheduler.CreateScheduleInput{Name: aws.String(name), ScheduleExpression: aws.String(expr),
			FlexibleTimeWindow: flexOff, Target: smTarget(targetArn, "")}
		if tz != "" {
			in.ScheduleExpressionTimezone = aws.String(tz)
		}
		_, err := sc.CreateSchedule(ctx, in)
		return err
	}
	if err := create("daily", "cron(0 9 * * ? *)", "Europe/Paris", sm); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, "duplicate", create("daily", "cron(0 9 * * ? *)", "", sm), "ConflictException", "Schedule daily already exists.")
	wantAPIError(t, "bad expression", create("bad", "cron(0 1 * * * *)", "", sm), "ValidationException", "Invalid Schedule Expression cron(0 1 * * * *).")
	wantAPIError(t, "bad zone", create("bad", "rate(5 minutes)", "Mars/Olympus", sm), "ValidationException", "Mars/Olympus")
	wantAPIError(t, "queue", create("bad", "rate(5 minutes)", "", "arn:aws:sqs:us-east-1:000000000000:q"), "ValidationException", "sqs")
	_, err := sc.CreateSchedule(ctx, &scheduler.CreateScheduleInput{Name: aws.String("x"), GroupName: aws.String("nope"),
		ScheduleExpression: aws.String("rate(1 hour)"), FlexibleTimeWindow: flexOff, Target: smTarget(sm, "")})
	wantAPIError(t, "missing group", err, "ResourceNotFoundException", "Schedule group nope does not exist.")
	_, err = sc.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String("nope")})
	wantAPIError(t, "GetSchedule", err, "ResourceNotFoundException", "Schedule nope does not exist.")
	_, err = sc.DeleteSchedule(ctx, &scheduler.DeleteScheduleInput{Name: aws.String("nope")})
	wantAPIError(t, "DeleteSchedule", err, "ResourceNotFoundException", "Schedule nope does not exist.")
	_, err = sc.GetScheduleGroup(ctx, &scheduler.GetScheduleGroupInput{Name: aws.String("nope")})
	wantAPIError(t, "GetScheduleGroup", err, "ResourceNotFoundException", "Schedule group nope does not exist.")
	_, err = sc.CreateScheduleGroup(ctx, &scheduler.CreateScheduleGroupInput{Name: aws.String("default")})
	wantAPIError(t, "CreateScheduleGroup default", err, "ConflictException", "already exists")

	// A retried create (same client token) succeeds with the same ARN.
	in := &scheduler.CreateScheduleInput{Name: aws.String("once"), ScheduleExpression: aws.String("rate(1 hour)"),
		FlexibleTimeWindow: flexOff, Target: smTarget(sm, ""), ClientToken: aws.String("token-1")}
	a, err := sc.CreateSchedule(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	b, err := sc.CreateSchedule(ctx, in)
	if err != nil || aws.ToString(a.ScheduleArn) != aws.ToString(b.ScheduleArn) {
		t.Fatalf("retried CreateSchedule: %v %v", b, err)
	}
	got, err := sc.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String("daily")})
	if err != nil || aws.ToString(got.ScheduleExpressionTimezone) != "Europe/Paris" || aws.ToString(got.GroupName) != "default" {
		t.Fatalf("GetSchedule: %+v %v", got, err)
	}
	page, err := sc.ListSchedules(ctx, &scheduler.ListSchedulesInput{MaxResults: aws.Int32(1)})
	if err != nil || len(page.Schedules) != 1 || page.NextToken == nil {
		t.Fatalf("ListSchedules page 1: %+v %v", page, err)
	}
	page2, err := sc.ListSchedules(ctx, &scheduler.ListSchedulesInput{MaxResults: aws.Int32(1), NextToken: page.NextToken})
	if err != nil || len(page2.Schedules) != 1 || page2.NextToken != nil || aws.ToString(page2.Schedules[0].Name) == aws.ToString(page.Schedules[0].Name) {
		t.Fatalf("ListSchedules page 2: %+v %v", page2, err)
	}
}

// TestSchedulerOneTimeAndBus fires a one-time at() schedule in a time zone
// through the universal sfn:startExecution target, deleted after completion,
// and a schedule putting events on a bus whose rule starts an execution.
func TestSchedulerOneTimeAndBus(t *testing.T) {
	t.Parallel()
	srv := servertest.Start(t)
	sc, c, eb := servertest.Scheduler(srv), servertest.SFN(srv), servertest.EventBridge(srv)
	ctx := context.Background()
	once := createSM(t, c, "once", passMachine)
	fromBus := createSM(t, c, "frombus", passMachine)

	ny, _ := time.LoadLocation("America/New_York")
	at := time.Now().Add(2 * time.Second).In(ny).Format("2006-01-02T15:04:05")
	req := `{"StateMachineArn":"` + once + `","Input":"{\"when\":\"<aws.scheduler.scheduled-time>\"}"}`
	_, err := sc.CreateSchedule(ctx, &scheduler.CreateScheduleInput{Name: aws.String("one"), ScheduleExpression: aws.String("at(" + at + ")"),
		ScheduleExpressionTimezone: aws.String("America/New_York"), FlexibleTimeWindow: flexOff,
		ActionAfterCompletion: stypes.ActionAfterCompletionDelete,
		Target:                smTarget("arn:aws:scheduler:::aws-sdk:sfn:startExecution", req)})
	if err != nil {
		t.Fatal(err)
	}

	_, err = eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("from-scheduler"), EventPattern: aws.String(`{"source":["sched.test"]}`)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = eb.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("from-scheduler"),
		Targets: []ebtypes.Target{{Id: aws.String("sm"), Arn: aws.String(fromBus), RoleArn: aws.String(role)}}})
	if err != nil {
		t.Fatal(err)
	}
	busTarget := smTarget("arn:aws:events:us-east-1:000000000000:event-bus/default", `{"n":"<aws.scheduler.attempt-number>"}`)
	busTarget.EventBridgeParameters = &stypes.EventBridgeParameters{DetailType: aws.String("Tick"), Source: aws.String("sched.test")}
	_, err = sc.CreateSchedule(ctx, &scheduler.CreateScheduleInput{Name: aws.String("to-bus"), ScheduleExpression: aws.String("rate(1 second)"),
		FlexibleTimeWindow: flexOff, Target: busTarget})
	if err != nil {
		t.Fatal(err)
	}

	in := schedInputs(t, c, once, 1)[0]
	when, err := time.Parse(time.RFC3339, in["when"].(string))
	if err != nil || when.In(ny).Format("2006-01-02T15:04:05") != at {
		t.Fatalf("at() input %v, want the scheduled time %s in New York", in, at)
	}
	ev := schedInputs(t, c, fromBus, 1)[0]
	if ev["source"] != "sched.test" || ev["detail-type"] != "Tick" || ev["detail"].(map[string]any)["n"] != "1" {
		t.Fatalf("event from the schedule: %v", ev)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := sc.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String("one")})
		if err != nil {
			wantAPIError(t, "completed at() schedule", err, "ResourceNotFoundException", "does not exist")
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the at() schedule with ActionAfterCompletion DELETE was not deleted")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if n := len(schedInputs(t, c, once, 1)); n != 1 {
		t.Fatalf("the at() schedule started %d executions", n)
	}
}

// TestSchedulerRestart stops the server while a rate(1 second) schedule
// runs: after the restart the schedule goes on, the fires missed while
// stopped are caught up once, and no fire is repeated.
func TestSchedulerRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	srv := servertest.Start(t, servertest.Options{DataDir: dir})
	sc, c := servertest.Scheduler(srv), servertest.SFN(srv)
	ctx := context.Background()
	sm := createSM(t, c, "durable", passMachine)
	_, err := sc.CreateSchedule(ctx, &scheduler.CreateScheduleInput{Name: aws.String("beat"), ScheduleExpression: aws.String("rate(1 second)"),
		FlexibleTimeWindow: flexOff, Target: smTarget(sm, `{"at":"<aws.scheduler.scheduled-time>"}`)})
	if err != nil {
		t.Fatal(err)
	}
	schedInputs(t, c, sm, 1)
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		t.Fatal(err)
	}
	stopped := time.Now()
	time.Sleep(2500 * time.Millisecond)
	restarted := time.Now()
	srv = servertest.Start(t, servertest.Options{DataDir: dir})
	c = servertest.SFN(srv)
	time.Sleep(1500 * time.Millisecond)
	n := len(schedInputs(t, c, sm, 0))
	inputs := schedInputs(t, c, sm, n)
	seen := map[string]bool{}
	missed := 0
	for _, in := range inputs {
		s := in["at"].(string)
		if seen[s] {
			t.Fatalf("the fire of %s was repeated", s)
		}
		seen[s] = true
		at, _ := time.Parse(time.RFC3339, s)
		if at.After(stopped.Add(time.Second)) && at.Before(restarted.Add(-time.Second)) {
			missed++
		}
	}
	if missed > 1 {
		t.Fatalf("%d fires missed while stopped were invoked, want them collapsed into one", missed)
	}
	var after int
	for _, in := range inputs {
		at, _ := time.Parse(time.RFC3339, in["at"].(string))
		if at.After(restarted) {
			after++
		}
	}
	if after == 0 {
		t.Fatalf("the schedule did not fire after the restart: %v", inputs)
	}
}

// TestSchedulerMissingBusDeadLetters fires a schedule at an event bus that
// does not exist: the invocation is not retried but dead-lettered, with
// the error, where the dead-letter API reads it.
func TestSchedulerMissingBusDeadLetters(t *testing.T) {
	t.Parallel()
	srv := servertest.Start(t)
	sc := servertest.Scheduler(srv)
	const dlq = "arn:aws:sqs:us-east-1:000000000000:sched-dlq"
	target := smTarget("arn:aws:events:us-east-1:000000000000:event-bus/nowhere", `{"n":1}`)
	target.EventBridgeParameters = &stypes.EventBridgeParameters{DetailType: aws.String("Tick"), Source: aws.String("sched.test")}
	target.DeadLetterConfig = &stypes.DeadLetterConfig{Arn: aws.String(dlq)}
	_, err := sc.CreateSchedule(context.Background(), &scheduler.CreateScheduleInput{Name: aws.String("lost"),
		ScheduleExpression: aws.String("rate(1 second)"), FlexibleTimeWindow: flexOff, Target: target})
	if err != nil {
		t.Fatal(err)
	}
	var page deadletter.Page
	for deadline := time.Now().Add(5 * time.Second); len(page.Messages) == 0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no dead letter for a schedule targeting a missing bus")
		}
		resp, err := http.Get(srv.URL() + deadletter.Path + "?queue=" + url.QueryEscape(dlq))
		if err != nil {
			t.Fatal(err)
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	var msg struct{ MessageAttributes map[string]any }
	if err := json.Unmarshal(page.Messages[0].Message, &msg); err != nil {
		t.Fatal(err)
	}
	if a := msg.MessageAttributes; a["ERROR_CODE"] != "ResourceNotFoundException" || a["RETRY_ATTEMPTS"] != float64(0) {
		t.Errorf("dead letter attributes %v: want ResourceNotFoundException after no retry", a)
	}
}
