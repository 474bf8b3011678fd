package scheduler

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/sluice-run/sluice/internal/awsapi"
	"github.com/sluice-run/sluice/internal/jsonvalue"
	"github.com/sluice-run/sluice/internal/schedule"
)

var (
	roleArnRE     = regexp.MustCompile(`^arn:aws(-[a-z]+)?:iam::\d{12}:role/[\w+=,.@/-]+$`)
	dlqArnRE      = regexp.MustCompile(`^arn:aws(-[a-z]+)?:sqs:[a-z0-9\-]+:\d{12}:[a-zA-Z0-9\-_]+$`)
	kmsArnRE      = regexp.MustCompile(`^arn:aws(-[a-z]+)?:kms:[a-z0-9\-]+:\d{12}:(key|alias)/[0-9a-zA-Z-_]*$`)
	clientTokenRE = regexp.MustCompile(`^[a-zA-Z0-9-_]{1,64}$`)
	sourceRE      = regexp.MustCompile(`^[/\.\-_A-Za-z0-9]+`)
)

// startSlack is how far in the past a StartDate may be.
const startSlack = 5 * time.Minute

func required(field string) error {
	return awsapi.ValidationField(nil, field, "Member must not be null")
}

func oneOf(v *string, field string, values ...string) error {
	for _, x := range values {
		if *v == x {
			return nil
		}
	}
	return awsapi.ValidationField(*v, field, "Member must satisfy enum value set: ["+strings.Join(values, ", ")+"]")
}

func lengthIn(v *string, field string, lo, hi int) error {
	if v != nil && (len(*v) < lo || len(*v) > hi) {
		if lo == 0 {
			return awsapi.ValidationField(*v, field, fmt.Sprintf("Member must have length less than or equal to %d", hi))
		}
		return awsapi.ValidationField(*v, field, fmt.Sprintf("Member must have length between %d and %d", lo, hi))
	}
	return nil
}

// validate checks a CreateSchedule or UpdateSchedule request for the
// schedule named in c and returns the record it describes (without
// creation time, anchor or fire state) and its compiled schedule.
func validate(c *call, in *scheduleInput, now time.Time) (scheduleRecord, *schedule.Schedule, error) {
	fail := func(err error) (scheduleRecord, *schedule.Schedule, error) { return scheduleRecord{}, nil, err }
	if err := checkName(c.name, "name"); err != nil {
		return fail(err)
	}
	group, err := groupName(in.GroupName, "groupName")
	if err != nil {
		return fail(err)
	}
	switch {
	case in.ScheduleExpression == nil:
		return fail(required("scheduleExpression"))
	case in.FlexibleTimeWindow == nil:
		return fail(required("flexibleTimeWindow"))
	case in.FlexibleTimeWindow.Mode == nil:
		return fail(required("flexibleTimeWindow.mode"))
	case in.Target == nil:
		return fail(required("target"))
	case in.Target.Arn == nil:
		return fail(required("target.arn"))
	case in.Target.RoleArn == nil:
		return fail(required("target.roleArn"))
	}
	for _, l := range []struct {
		v      *string
		field  string
		lo, hi int
	}{
		{in.ScheduleExpression, "scheduleExpression", 1, 256},
		{in.ScheduleExpressionTimezone, "scheduleExpressionTimezone", 1, 50},
		{in.Description, "description", 0, 512},
		{in.Target.Arn, "target.arn", 1, 1600},
		{in.Target.RoleArn, "target.roleArn", 1, 1600},
		{in.KmsKeyArn, "kmsKeyArn", 1, 2048},
	} {
		if err := lengthIn(l.v, l.field, l.lo, l.hi); err != nil {
			return fail(err)
		}
	}
	if in.ClientToken != nil && !clientTokenRE.MatchString(*in.ClientToken) {
		return fail(awsapi.ValidationField(*in.ClientToken, "clientToken", "Member must satisfy regular expression pattern: ^[a-zA-Z0-9-_]+$"))
	}
	if in.KmsKeyArn != nil && !kmsArnRE.MatchString(*in.KmsKeyArn) {
		return fail(awsapi.ValidationField(*in.KmsKeyArn, "kmsKeyArn", `Member must satisfy regular expression pattern: ^arn:aws(-[a-z]+)?:kms:[a-z0-9\-]+:\d{12}:(key|alias)\/[0-9a-zA-Z-_]*$`))
	}
	if err := oneOf(in.FlexibleTimeWindow.Mode, "flexibleTimeWindow.mode", schedule.ModeOff, schedule.ModeFlexible); err != nil {
		return fail(err)
	}
	if m := in.FlexibleTimeWindow.MaximumWindowInMinutes; m != nil && (*m < 1 || *m > 1440) {
		return fail(awsapi.ValidationField(*m, "flexibleTimeWindow.maximumWindowInMinutes", "Member must have value between 1 and 1440"))
	}
	state, action := stateEnabled, actionNone
	if in.State != nil {
		if err := oneOf(in.State, "state", stateEnabled, stateDisabled); err != nil {
			return fail(err)
		}
		state = *in.State
	}
	if in.ActionAfterCompletion != nil {
		if err := oneOf(in.ActionAfterCompletion, "actionAfterCompletion", actionNone, actionDelete); err != nil {
			return fail(err)
		}
		action = *in.ActionAfterCompletion
	}
	t, err := validateTarget(*in.Target)
	if err != nil {
		return fail(err)
	}
	rec := scheduleRecord{Name: c.name, GroupName: group, Arn: c.scheduleArn(group, c.name), ScheduleExpression: *in.ScheduleExpression,
		State: state, ActionAfterCompletion: action, FlexibleTimeWindow: *in.FlexibleTimeWindow, Target: t}
	if in.Description != nil {
		rec.Description = *in.Description
	}
	if in.ScheduleExpressionTimezone != nil {
		rec.Timezone = *in.ScheduleExpressionTimezone
	}
	if in.KmsKeyArn != nil {
		rec.KmsKeyArn = *in.KmsKeyArn
	}
	if in.ClientToken != nil {
		rec.ClientToken = *in.ClientToken
	}
	if in.StartDate != nil {
		rec.StartDate = time.Time(*in.StartDate)
	}
	if in.EndDate != nil {
		rec.EndDate = time.Time(*in.EndDate)
	}
	sch, err := compile(rec)
	if err != nil {
		return fail(err)
	}
	if sch.Expr.Kind() != schedule.KindAt {
		if !rec.StartDate.IsZero() && rec.StartDate.Before(now.Add(-startSlack)) {
			return fail(invalid("The StartDate you specify cannot be earlier than 5 minutes ago."))
		}
		if !rec.EndDate.IsZero() && !rec.EndDate.After(now) {
			return fail(invalid("The EndDate you specify cannot be earlier than the current time."))
		}
		if !rec.StartDate.IsZero() && !rec.EndDate.IsZero() && !rec.EndDate.After(rec.StartDate) {
			return fail(invalid("The EndDate must be after the StartDate."))
		}
	}
	return rec, sch, nil
}

// compile builds the schedule a record describes. Its errors are
// ValidationExceptions, since a stored record passed validate.
func compile(rec scheduleRecord) (*schedule.Schedule, error) {
	expr, err := schedule.Parse(rec.ScheduleExpression, schedule.Options{Scheduler: true, AllowSeconds: true})
	if err != nil {
		var se *schedule.Error
		if errors.As(err, &se) {
			return nil, invalid("%s", se.Message)
		}
		return nil, invalid("Invalid Schedule Expression %s.", rec.ScheduleExpression)
	}
	sch := &schedule.Schedule{Expr: expr, Anchor: rec.Anchor, Start: rec.StartDate, End: rec.EndDate}
	if rec.Timezone != "" {
		loc, err := loadZone(rec.Timezone)
		if err != nil {
			return nil, invalid("Invalid ScheduleExpressionTimezone %s.", rec.Timezone)
		}
		sch.Location = loc
	}
	fw := rec.FlexibleTimeWindow
	sch.Window, err = schedule.FlexibleWindow(*fw.Mode, fw.MaximumWindowInMinutes)
	if err != nil {
		return nil, invalid("%s", err.Error())
	}
	return sch, nil
}

// loadZone loads an IANA time zone; Go's "Local" and "" are not names.
func loadZone(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("unknown time zone %q", name)
	}
	return time.LoadLocation(name)
}

// validateTarget checks a target and fills in the RetryPolicy defaults.
func validateTarget(t target) (target, error) {
	if !roleArnRE.MatchString(*t.RoleArn) {
		return t, awsapi.ValidationField(*t.RoleArn, "target.roleArn", `Member must satisfy regular expression pattern: ^arn:aws(-[a-z]+)?:iam::\d{12}:role\/[\w+=,.@\/-]+$`)
	}
	if t.Input != nil && *t.Input == "" {
		return t, awsapi.ValidationField(*t.Input, "target.input", "Member must have length greater than or equal to 1")
	}
	if d := t.DeadLetterConfig; d != nil && d.Arn != nil && !dlqArnRE.MatchString(*d.Arn) {
		return t, awsapi.ValidationField(*d.Arn, "target.deadLetterConfig.arn", `Member must satisfy regular expression pattern: ^arn:aws(-[a-z]+)?:sqs:[a-z0-9\-]+:\d{12}:[a-zA-Z0-9\-_]+$`)
	}
	rp := retryPolicy{}
	if t.RetryPolicy != nil {
		rp = *t.RetryPolicy
	}
	if a := rp.MaximumEventAgeInSeconds; a != nil && (*a < 60 || *a > 86400) {
		return t, awsapi.ValidationField(*a, "target.retryPolicy.maximumEventAgeInSeconds", "Member must have value between 60 and 86400")
	}
	if n := rp.MaximumRetryAttempts; n != nil && (*n < 0 || *n > 185) {
		return t, awsapi.ValidationField(*n, "target.retryPolicy.maximumRetryAttempts", "Member must have value between 0 and 185")
	}
	if rp.MaximumEventAgeInSeconds == nil {
		v := defaultMaxAge
		rp.MaximumEventAgeInSeconds = &v
	}
	if rp.MaximumRetryAttempts == nil {
		v := defaultMaxRetries
		rp.MaximumRetryAttempts = &v
	}
	t.RetryPolicy = &rp
	kind, err := kindOf(*t.Arn)
	if err != nil {
		return t, invalid("%s", err.Error())
	}
	if kind == targetBus {
		p := t.EventBridgeParameters
		switch {
		case p == nil:
			return t, invalid("EventBridgeParameters are required for an event bus target.")
		case p.DetailType == nil:
			return t, required("target.eventBridgeParameters.detailType")
		case p.Source == nil:
			return t, required("target.eventBridgeParameters.source")
		}
		if err := lengthIn(p.DetailType, "target.eventBridgeParameters.detailType", 1, 128); err != nil {
			return t, err
		}
		if err := lengthIn(p.Source, "target.eventBridgeParameters.source", 1, 256); err != nil {
			return t, err
		}
		if !sourceRE.MatchString(*p.Source) || strings.HasPrefix(*p.Source, "aws.") {
			return t, awsapi.ValidationField(*p.Source, "target.eventBridgeParameters.source", `Member must satisfy regular expression pattern: ^(?=[/\.\-_A-Za-z0-9]+)((?!aws\.).*)|(\$(\.[\w_-]+(\[(\d+|\*)\])*)*)$`)
		}
	}
	// Every target Sluice invokes takes JSON; event bus details are
	// objects.
	if t.Input != nil {
		v, err := jsonvalue.ParseString(*t.Input)
		if err != nil {
			return t, invalid("Target Input must be well-formed JSON for %s targets.", kind)
		}
		if _, obj := v.(*jsonvalue.Object); !obj && kind != targetStateMachine {
			return t, invalid("Target Input must be a JSON object for %s targets.", kind)
		}
	}
	return t, nil
}
