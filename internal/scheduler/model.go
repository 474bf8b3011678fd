package scheduler

import (
	"encoding/json"
	"time"
)

// Schedule states and completion actions.
const (
	stateEnabled  = "ENABLED"
	stateDisabled = "DISABLED"
	actionNone    = "NONE"
	actionDelete  = "DELETE"
)

// RetryPolicy defaults, as on AWS.
const (
	defaultMaxAge     = 86400
	defaultMaxRetries = 185
)

// scheduleRecord is a schedule as stored: what the API set, plus the
// durable state of its fires.
type scheduleRecord struct {
	Name                  string
	GroupName             string
	Arn                   string
	Description           string `json:",omitempty"`
	ScheduleExpression    string
	Timezone              string    `json:",omitempty"`
	StartDate             time.Time `json:",omitzero"`
	EndDate               time.Time `json:",omitzero"`
	State                 string
	ActionAfterCompletion string
	FlexibleTimeWindow    flexWindow
	Target                target
	KmsKeyArn             string `json:",omitempty"`
	ClientToken           string `json:",omitempty"`
	Created               time.Time
	Modified              time.Time
	// Anchor is the first fire of a rate expression: StartDate, else the
	// time the schedule was created or last updated.
	Anchor time.Time
	// NextNominal is the next nominal fire time and NextFire the time it
	// is invoked (later within a flexible window); zero when the schedule
	// is disabled or will not fire again.
	NextNominal time.Time `json:",omitzero"`
	NextFire    time.Time `json:",omitzero"`
	// LastFired is the nominal time of the latest fire.
	LastFired time.Time `json:",omitzero"`
}

type flexWindow struct {
	Mode                   *string `json:",omitempty"`
	MaximumWindowInMinutes *int    `json:",omitempty"`
}

// target is a schedule's Target, as sent and as returned.
type target struct {
	Arn                   *string                `json:",omitempty"`
	RoleArn               *string                `json:",omitempty"`
	Input                 *string                `json:",omitempty"`
	DeadLetterConfig      *deadLetterConfig      `json:",omitempty"`
	RetryPolicy           *retryPolicy           `json:",omitempty"`
	EventBridgeParameters *eventBridgeParameters `json:",omitempty"`
	// Parameters of targets Sluice cannot invoke are kept as sent.
	EcsParameters               json.RawMessage `json:",omitempty"`
	KinesisParameters           json.RawMessage `json:",omitempty"`
	SageMakerPipelineParameters json.RawMessage `json:",omitempty"`
	SqsParameters               json.RawMessage `json:",omitempty"`
}

type deadLetterConfig struct {
	Arn *string `json:",omitempty"`
}

type retryPolicy struct {
	MaximumEventAgeInSeconds *int `json:",omitempty"`
	MaximumRetryAttempts     *int `json:",omitempty"`
}

type eventBridgeParameters struct {
	DetailType *string `json:",omitempty"`
	Source     *string `json:",omitempty"`
}

// scheduleInput is the body of CreateSchedule and UpdateSchedule.
type scheduleInput struct {
	ActionAfterCompletion      *string
	ClientToken                *string
	Description                *string
	EndDate                    *epoch
	FlexibleTimeWindow         *flexWindow
	GroupName                  *string
	KmsKeyArn                  *string
	ScheduleExpression         *string
	ScheduleExpressionTimezone *string
	StartDate                  *epoch
	State                      *string
	Target                     *target
}

// scheduleOut is GetSchedule's answer.
type scheduleOut struct {
	ActionAfterCompletion      string
	Arn                        string
	CreationDate               *epoch
	Description                *string `json:",omitempty"`
	EndDate                    *epoch  `json:",omitempty"`
	FlexibleTimeWindow         flexWindow
	GroupName                  string
	KmsKeyArn                  *string `json:",omitempty"`
	LastModificationDate       *epoch
	Name                       string
	ScheduleExpression         string
	ScheduleExpressionTimezone string
	StartDate                  *epoch `json:",omitempty"`
	State                      string
	Target                     target
}

func outSchedule(r scheduleRecord) scheduleOut {
	o := scheduleOut{ActionAfterCompletion: r.ActionAfterCompletion, Arn: r.Arn, CreationDate: epochPtr(r.Created),
		EndDate: epochPtr(r.EndDate), FlexibleTimeWindow: r.FlexibleTimeWindow, GroupName: r.GroupName,
		LastModificationDate: epochPtr(r.Modified), Name: r.Name, ScheduleExpression: r.ScheduleExpression,
		ScheduleExpressionTimezone: r.Timezone, StartDate: epochPtr(r.StartDate), State: r.State, Target: r.Target}
	if o.ScheduleExpressionTimezone == "" {
		o.ScheduleExpressionTimezone = "UTC"
	}
	if r.Description != "" {
		o.Description = &r.Description
	}
	if r.KmsKeyArn != "" {
		o.KmsKeyArn = &r.KmsKeyArn
	}
	return o
}

// scheduleSummary is one schedule in ListSchedules.
type scheduleSummary struct {
	Arn                  string
	CreationDate         *epoch
	GroupName            string
	LastModificationDate *epoch
	Name                 string
	State                string
	Target               struct{ Arn string }
}

func summarize(r scheduleRecord) scheduleSummary {
	s := scheduleSummary{Arn: r.Arn, CreationDate: epochPtr(r.Created), GroupName: r.GroupName,
		LastModificationDate: epochPtr(r.Modified), Name: r.Name, State: r.State}
	if r.Target.Arn != nil {
		s.Target.Arn = *r.Target.Arn
	}
	return s
}
