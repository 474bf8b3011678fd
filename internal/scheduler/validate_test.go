package scheduler

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sluice-run/sluice/internal/awsapi"
)

func TestValidate(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	sm := "arn:aws:states:us-east-1:000000000000:stateMachine:m"
	busArn := "arn:aws:events:us-east-1:000000000000:event-bus/default"
	str := func(s string) *string { return &s }
	num := func(n int) *int { return &n }
	at := func(t time.Time) *epoch { e := epoch(t); return &e }
	base := func() *scheduleInput {
		return &scheduleInput{ScheduleExpression: str("rate(5 minutes)"), FlexibleTimeWindow: &flexWindow{Mode: str("OFF")},
			Target: &target{Arn: str(sm), RoleArn: str("arn:aws:iam::000000000000:role/r")}}
	}
	tests := []struct {
		name   string
		sched  string // schedule name; "s" when empty
		change func(in *scheduleInput)
		want   string // "" for valid, else a part of the message
	}{
		{"minimal", "", func(in *scheduleInput) {}, ""},
		{"seconds extension", "", func(in *scheduleInput) { in.ScheduleExpression = str("rate(1 second)") }, ""},
		{"cron in a zone", "", func(in *scheduleInput) {
			in.ScheduleExpression, in.ScheduleExpressionTimezone = str("cron(30 2 * * ? *)"), str("America/New_York")
		}, ""},
		{"flexible", "", func(in *scheduleInput) {
			in.FlexibleTimeWindow = &flexWindow{Mode: str("FLEXIBLE"), MaximumWindowInMinutes: num(15)}
		}, ""},
		{"at ignores a past StartDate", "", func(in *scheduleInput) {
			in.ScheduleExpression, in.StartDate = str("at(2026-03-02T10:00:00)"), at(now.Add(-time.Hour))
		}, ""},
		{"bus target", "", func(in *scheduleInput) {
			in.Target.Arn, in.Target.Input = str(busArn), str(`{"a":1}`)
			in.Target.EventBridgeParameters = &eventBridgeParameters{DetailType: str("T"), Source: str("my.app")}
		}, ""},
		{"universal start", "", func(in *scheduleInput) { in.Target.Arn = str(arnStartExecution) }, ""},
		{"bad name", "a/b", func(in *scheduleInput) {}, "at 'name' failed to satisfy constraint"},
		{"long name", strings.Repeat("n", 65), func(in *scheduleInput) {}, "Member must have length between 1 and 64"},
		{"no expression", "", func(in *scheduleInput) { in.ScheduleExpression = nil }, "Value null at 'scheduleExpression'"},
		{"no window", "", func(in *scheduleInput) { in.FlexibleTimeWindow = nil }, "Value null at 'flexibleTimeWindow'"},
		{"no mode", "", func(in *scheduleInput) { in.FlexibleTimeWindow.Mode = nil }, "Value null at 'flexibleTimeWindow.mode'"},
		{"bad mode", "", func(in *scheduleInput) { in.FlexibleTimeWindow.Mode = str("ON") }, "enum value set: [OFF, FLEXIBLE]"},
		{"flexible without maximum", "", func(in *scheduleInput) { in.FlexibleTimeWindow.Mode = str("FLEXIBLE") }, "MaximumWindowInMinutes is required"},
		{"window too long", "", func(in *scheduleInput) {
			in.FlexibleTimeWindow = &flexWindow{Mode: str("FLEXIBLE"), MaximumWindowInMinutes: num(1441)}
		}, "between 1 and 1440"},
		{"no target", "", func(in *scheduleInput) { in.Target = nil }, "Value null at 'target'"},
		{"no role", "", func(in *scheduleInput) { in.Target.RoleArn = nil }, "Value null at 'target.roleArn'"},
		{"bad role", "", func(in *scheduleInput) { in.Target.RoleArn = str("arn:aws:iam::1:user/x") }, "at 'target.roleArn'"},
		{"bad state", "", func(in *scheduleInput) { in.State = str("PAUSED") }, "[ENABLED, DISABLED]"},
		{"bad action", "", func(in *scheduleInput) { in.ActionAfterCompletion = str("ARCHIVE") }, "[NONE, DELETE]"},
		{"long description", "", func(in *scheduleInput) { in.Description = str(strings.Repeat("d", 513)) }, "less than or equal to 512"},
		{"bad expression", "", func(in *scheduleInput) { in.ScheduleExpression = str("rate(10 years)") }, "Invalid Schedule Expression rate(10 years)."},
		{"zone suffix in at", "", func(in *scheduleInput) { in.ScheduleExpression = str("at(2021-12-31T23:59:59Z)") }, "Invalid Schedule Expression at(2021-12-31T23:59:59Z)."},
		{"bad zone", "", func(in *scheduleInput) { in.ScheduleExpressionTimezone = str("Mars/Olympus") }, "Invalid ScheduleExpressionTimezone Mars/Olympus."},
		{"Local is no zone", "", func(in *scheduleInput) { in.ScheduleExpressionTimezone = str("Local") }, "Invalid ScheduleExpressionTimezone Local."},
		{"too many retries", "", func(in *scheduleInput) { in.Target.RetryPolicy = &retryPolicy{MaximumRetryAttempts: num(186)} }, "between 0 and 185"},
		{"event age too short", "", func(in *scheduleInput) { in.Target.RetryPolicy = &retryPolicy{MaximumEventAgeInSeconds: num(59)} }, "between 60 and 86400"},
		{"dead letters to SNS", "", func(in *scheduleInput) {
			in.Target.DeadLetterConfig = &deadLetterConfig{Arn: str("arn:aws:sns:us-east-1:000000000000:t")}
		}, "at 'target.deadLetterConfig.arn'"},
		{"queue target", "", func(in *scheduleInput) { in.Target.Arn = str("arn:aws:sqs:us-east-1:000000000000:q") }, "cannot invoke sqs targets"},
		{"other universal target", "", func(in *scheduleInput) { in.Target.Arn = str("arn:aws:scheduler:::aws-sdk:sqs:sendMessage") }, "aws-sdk:sqs:sendMessage"},
		{"bus without parameters", "", func(in *scheduleInput) { in.Target.Arn = str(busArn) }, "EventBridgeParameters are required"},
		{"bus with an aws source", "", func(in *scheduleInput) {
			in.Target.Arn = str(busArn)
			in.Target.EventBridgeParameters = &eventBridgeParameters{DetailType: str("T"), Source: str("aws.events")}
		}, "at 'target.eventBridgeParameters.source'"},
		{"bus input not an object", "", func(in *scheduleInput) {
			in.Target.Arn, in.Target.Input = str(busArn), str(`[1]`)
			in.Target.EventBridgeParameters = &eventBridgeParameters{DetailType: str("T"), Source: str("my.app")}
		}, "must be a JSON object"},
		{"input not JSON", "", func(in *scheduleInput) { in.Target.Input = str(`{"a":`) }, "well-formed JSON"},
		{"old StartDate", "", func(in *scheduleInput) { in.StartDate = at(now.Add(-10 * time.Minute)) }, "cannot be earlier than 5 minutes ago"},
		{"EndDate before StartDate", "", func(in *scheduleInput) {
			in.StartDate, in.EndDate = at(now.Add(2*time.Hour)), at(now.Add(time.Hour))
		}, "EndDate must be after the StartDate"},
		{"bad client token", "", func(in *scheduleInput) { in.ClientToken = str("a b") }, "at 'clientToken'"},
		{"bad group", "", func(in *scheduleInput) { in.GroupName = str("") }, "at 'groupName'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := tt.sched
			if name == "" {
				name = "s"
			}
			in := base()
			tt.change(in)
			c := &call{name: name, region: "us-east-1", account: "000000000000"}
			rec, _, err := validate(c, in, now)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.want != "" && err == nil:
				t.Fatalf("accepted, want an error containing %q", tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Fatalf("error %q, want it to contain %q", err, tt.want)
			case tt.want == "":
				if rp := rec.Target.RetryPolicy; rp == nil || rp.MaximumRetryAttempts == nil || rp.MaximumEventAgeInSeconds == nil {
					t.Fatalf("RetryPolicy defaults not filled: %+v", rp)
				}
				if rec.Arn != "arn:aws:scheduler:us-east-1:000000000000:schedule/default/s" {
					t.Fatalf("ARN %s", rec.Arn)
				}
			}
			if tt.want != "" {
				if code := apiCode(err); code != "ValidationException" {
					t.Fatalf("code %s, want ValidationException", code)
				}
			}
		})
	}
}

// apiCode returns the AWS error code of err.
func apiCode(err error) string {
	var ae *awsapi.Error
	if errors.As(err, &ae) {
		return ae.Code
	}
	return ""
}
