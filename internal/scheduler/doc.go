// Package scheduler implements Amazon EventBridge Scheduler in Sluice:
// schedule groups and schedules behind the Scheduler API (restJson1,
// signing name "scheduler": POST/GET/PUT/DELETE /schedules/{Name},
// /schedule-groups/{Name}, /tags/{ResourceArn}), fired durably on time.
//
// # Targets
//
// A schedule invokes one target with its Input, in which the context
// attributes <aws.scheduler.scheduled-time>, <aws.scheduler.execution-id>,
// <aws.scheduler.attempt-number> and <aws.scheduler.schedule-arn> are
// replaced as EventBridge Scheduler does. Sluice invokes:
//
//   - Step Functions state machines (templated target): an execution is
//     started whose name is the invocation's execution id, derived from
//     the schedule ARN and the nominal fire time, so a retried or
//     recovered invocation never starts a second execution.
//   - EventBridge event buses (templated target with
//     EventBridgeParameters): an event with the Input as its detail.
//   - The universal targets arn:aws:scheduler:::aws-sdk:sfn:startExecution
//     and arn:aws:scheduler:::aws-sdk:eventbridge:putEvents, whose Input is
//     the API request.
//
// Other target ARNs are refused with a ValidationException that names the
// service.
//
// # Durability
//
// Schedules and groups are store records. The next fire of each enabled
// schedule is kept twice, written together in one store.Write: in the
// schedule's record (NextNominal, NextFire) and in the pending index
// (kind "scheduler"), from which the timer service's loader arms timers
// as they come within its horizon. Fire times are nominal times computed
// from the expression, never from the previous fire, so schedules do not
// drift; a flexible time window adds an offset drawn once per fire and
// stored with it.
//
// A fire commits, in one Write, the schedule record with LastFired set to
// the nominal time, the following fire, and an invocation in the pending
// index (kind "schedulerInvoke") holding a snapshot of the target. Only
// then is the target invoked. A restart therefore never repeats a fire:
// an invocation that was in flight is resumed from the pending index with
// the same execution id (state machine targets deduplicate on it; an event
// put on a bus may be delivered twice, at least once as on AWS).
//
// Failed invocations are retried with exponential backoff (1 s doubling
// to at most 3 minutes, with jitter) until the target's RetryPolicy is
// exhausted (MaximumRetryAttempts, default 185; MaximumEventAgeInSeconds,
// default 86400); errors that retrying cannot fix (a state machine that
// does not exist, an input it refuses) end at once. An invocation that
// fails for good is appended to the stream "deadletter:<queue ARN>" of the
// target's DeadLetterConfig, as EventBridge's deliveries are, or logged
// and dropped without one.
//
// # Catch-up policy
//
// Fires that fell due while Sluice was stopped are collapsed into one:
// at start the recorded fire is due at once, and it is invoked with the
// latest nominal time that has passed; the schedule then continues at its
// next nominal time after now. A one-time at() schedule whose time passed
// while Sluice was stopped fires once, late. A disabled schedule has no
// pending fire and does not catch up on the time it spent disabled.
//
// One-time schedules, and recurring schedules past their EndDate, fire no
// more; with ActionAfterCompletion DELETE the schedule is deleted once its
// last invocation has succeeded or been dead-lettered.
//
// # Sluice extensions
//
// rate(N second|seconds) is accepted, as for EventBridge rules, for
// testing and short intervals; AWS refuses it.
package scheduler
