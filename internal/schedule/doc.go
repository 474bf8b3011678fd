// Package schedule parses and evaluates the schedule expressions of
// EventBridge rules (rate and cron, in UTC) and EventBridge Scheduler
// schedules (rate, cron and one-time at(), in a time zone, between
// StartDate and EndDate, with a flexible time window), with AWS's syntax,
// validation and messages.
//
// Parse reads an expression; Expr.Next and Expr.NextFrom give nominal fire
// times; Schedule adds a zone, bounds and a flexible window. Everything is
// computed from the expression and the times passed in: no clock is read,
// and the randomness of a flexible window is the caller's. Fire times are
// nominal times, never the time a previous fire happened, so schedules do
// not drift (DESIGN.md, principle 6).
//
// # Expressions
//
// rate(value unit): value is a positive integer without sign or leading
// zeros (at most 2³¹-1); unit is minute, hour or day, singular when value
// is 1 and plural otherwise: rate(1 minute), rate(5 minutes); rate(1 hours)
// and rate(5 hour) are refused. A rate fires at anchor + k×period for
// k ≥ 0; the anchor is the schedule's creation time or its StartDate. A
// period is an exact duration: in Scheduler, rate(1 day) is 24 hours even
// across a daylight-saving change.
//
// Sluice extension: with Options.AllowSeconds, rules also accept
// rate(N second|seconds), with the same singular/plural rule. AWS refuses
// seconds ("rate(10 seconds)" is a recorded ValidationException).
//
// cron(Minutes Hours Day-of-month Month Day-of-week Year): six fields,
// separated by spaces or tabs, all required:
//
//	Field         Values            Wildcards
//	Minutes       0-59              , - * /
//	Hours         0-23              , - * /
//	Day-of-month  1-31              , - * ? / L W
//	Month         1-12 or JAN-DEC   , - * /
//	Day-of-week   1-7 or SUN-SAT    , - * ? L #
//	Year          1970-2199         , - * /
//
// Exactly one of Day-of-month and Day-of-week is "?". Day-of-week 1 is
// Sunday. Names, L and W are not case-sensitive. a/n starts at a and steps
// by n to the field's maximum; */n starts at the minimum; a-b/n steps
// within the range. A range may wrap around (hours 20-2, FRI-MON, NOV-FEB),
// except years. The step may not exceed the field's maximum
// (cron(*/60 * * * ? *) is refused). Day-of-month takes L (the last day),
// LW (the last weekday) and nW (the weekday nearest day n, never crossing
// into another month: 1W on a Saturday is Monday the 3rd, 31W on a Sunday
// is Friday the 29th, and 31W does not fire in shorter months); each
// stands alone. Day-of-week takes L alone (Saturday), nL (the last day n of
// the month) and n#k (the k-th day n, k 1-5; no fire in a month without
// one); each stands alone, so "3#1,6#3" is refused. Empty list items are
// ignored: PutRule accepts "cron(0/5, 9-18, ?, *, MON-FRI, *)".
//
// at(yyyy-mm-ddThh:mm:ss), Scheduler only: a valid date and time with no
// zone suffix and no fraction, read in the schedule's time zone. A time in
// the past is accepted and never fires. StartDate and EndDate do not apply.
//
// # Time zones and daylight saving
//
// Rules run in UTC. Scheduler cron and at() expressions are read in the
// ScheduleExpressionTimezone (an IANA name; UTC by default): a cron
// expression matches local wall-clock minutes. A local time that a
// spring-forward transition skips does not fire that day; a local time
// that a fall-back transition repeats fires once, at its first
// occurrence. So cron(0 * * * ? *) in New York fires at 01:00 EST and then
// 03:00 EDT on the spring day, and at 01:00 EDT and then 02:00 EST on the
// fall day. Wall times are mapped to instants with the zone's offsets
// alone, exactly at every transition; time.Date is not used for this
// (it resolves a time in the gap backwards, 02:30 to 01:30 EST).
//
// # Errors
//
// A failed Parse returns an *Error whose Message is AWS's
// ValidationException message: "Parameter ScheduleExpression is not
// valid." for PutRule, and "Invalid Schedule Expression <expr>." (the
// expression exactly as sent) for Scheduler. Reason says what is wrong.
// The 256-character limit on ScheduleExpression is a constraint of the API
// shapes, checked where requests are validated, not here.
//
// # Sources
//
//   - EventBridge user guide, "Rate expressions" and "Cron expressions"
//     (the field table, wildcards, the singular/plural rule, the '#'
//     restriction, examples).
//   - EventBridge Scheduler user guide, "Schedule types" (rate, cron and
//     at syntax; the daylight-saving behaviour and its 02:30 example;
//     rate days as 24 hours; at() ignoring StartDate and EndDate) and
//     "Configuring flexible time windows" (the target is invoked within
//     the window after the scheduled time); API reference for
//     FlexibleTimeWindow (1-1440 minutes), StartDate and EndDate.
//   - Recorded answers from real AWS: LocalStack's AWS-validated tests of
//     PutRule and CreateSchedule (tests/aws/services/events/
//     test_events_schedule.py and scheduler/test_scheduler.snapshot.json,
//     with the exact messages); rate(3 minute) and rate(1 minutes) refused
//     (buildkite-agent-scaler#100); cron(7 20 * * 1-7 *) refused
//     (localstack#12156); cron(*/60 * * * ? *) refused
//     (aws-sdk-js#4212); five-field crons refused (aws-cdk#27618);
//     empty list items accepted (boto3#2876, aws-sdk#161); LW, nL and
//     mixed-case names accepted (aws_cron_expression_validator#12, #18);
//     31W skipping shorter months (cronplan#106, matching Quartz, on which
//     AWS's cron dialect is modelled).
//
// # Decisions where the sources are silent
//
//   - Scheduler rates follow the rules' singular/plural rule (the API
//     reference lists minute|minutes|hour|hours|day|days; the user guide
//     lists only plurals yet uses rate(1 hour) in an example).
//   - Forms Quartz tolerates but AWS does not document are refused, so
//     that a schedule that AWS might read differently fails loudly rather
//     than firing at other times: "/" in Day-of-week, "/" after a name,
//     "/0", L-n offsets, L or W in lists, names longer than three letters,
//     whitespace just inside the parentheses, leading zeros in rate
//     values. Leading zeros in cron numbers (09) are accepted.
//   - at() in a spring-forward gap fires when the clock would have shown
//     that time (02:30 in New York's gap is 03:30 EDT); at() in a
//     fall-back overlap fires at the first occurrence.
//   - StartDate is inclusive and EndDate exclusive ("after which" and
//     "before which" in the API reference; the documentation says
//     invocations may occur "on, or after" StartDate).
//   - A flexible window's fire time is nominal + u×window for a caller's
//     u in [0, 1), at nanosecond precision; AWS invokes with 60-second
//     precision and does not say how it draws.
package schedule
