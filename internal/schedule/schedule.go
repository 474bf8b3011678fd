package schedule

import (
	"errors"
	"strconv"
	"time"
)

// Schedule is an expression with what EventBridge Scheduler evaluates it
// against: a time zone, a rate anchor, StartDate and EndDate bounds and a
// flexible time window. An EventBridge rule is a Schedule in UTC with no
// bounds and no window, anchored at the rule's creation time.
type Schedule struct {
	Expr *Expr
	// Location is the ScheduleExpressionTimezone in which cron and at()
	// expressions are read; nil means UTC.
	Location *time.Location
	// Anchor is the first fire of a rate expression: the StartDate when
	// there is one, else the schedule's creation time. The zero Time means
	// Start when it is set, else the Unix epoch.
	Anchor time.Time
	// Start and End are StartDate and EndDate: a recurring schedule fires
	// at or after Start and before End. The zero Time leaves a side open.
	// One-time at() schedules ignore both, as EventBridge Scheduler does.
	Start, End time.Time
	// Window is the flexible time window (FlexibleTimeWindow
	// MaximumWindowInMinutes); 0 is Mode OFF.
	Window time.Duration
}

// Next returns the first nominal fire time strictly after after within
// the schedule's bounds, and false when there is none.
func (s *Schedule) Next(after time.Time) (time.Time, bool) {
	if s.Expr.kind == KindAt {
		return s.Expr.NextFrom(time.Time{}, after, s.Location)
	}
	if !s.Start.IsZero() && after.Before(s.Start) {
		// Fire at Start itself if the expression does: "on, or after".
		after = s.Start.Add(-time.Nanosecond)
	}
	anchor := s.Anchor
	if anchor.IsZero() {
		anchor = s.Start
		if anchor.IsZero() {
			anchor = epoch
		}
	}
	t, ok := s.Expr.NextFrom(anchor, after, s.Location)
	if !ok || (!s.End.IsZero() && !t.Before(s.End)) {
		return time.Time{}, false
	}
	return t, true
}

// Fire returns the time at which to invoke the target for the nominal
// fire time nominal: nominal itself when there is no flexible window, and
// otherwise nominal + u×Window, in [nominal, nominal+Window), for u a
// number in [0, 1) that the caller draws (for example rand.Float64), so
// that the choice is deterministic for a given u; a u outside [0, 1)
// gives nominal. The nominal times, not the fire times, drive Next, so the
// window never shifts later fires.
func (s *Schedule) Fire(nominal time.Time, u float64) time.Time {
	if s.Window <= 0 || !(u > 0) { // also catches NaN
		return nominal
	}
	if u >= 1 {
		u = 0
	}
	return nominal.Add(time.Duration(u * float64(s.Window)))
}

// Flexible time window modes.
const (
	ModeOff      = "OFF"
	ModeFlexible = "FLEXIBLE"
)

// FlexibleWindow converts a FlexibleTimeWindow to Schedule.Window: 0 for
// Mode OFF, and MaximumWindowInMinutes (1-1440, required) minutes for
// FLEXIBLE. maximumWindowInMinutes is nil when the request left it out.
// The errors are Sluice's words; AWS's own messages for these cases are
// not documented.
func FlexibleWindow(mode string, maximumWindowInMinutes *int) (time.Duration, error) {
	switch mode {
	case ModeOff:
		return 0, nil
	case ModeFlexible:
		if maximumWindowInMinutes == nil {
			return 0, errors.New("FlexibleTimeWindow: MaximumWindowInMinutes is required when Mode is FLEXIBLE")
		}
		m := *maximumWindowInMinutes
		if m < 1 || m > 1440 {
			return 0, errors.New("FlexibleTimeWindow: MaximumWindowInMinutes must be 1-1440, not " + strconv.Itoa(m))
		}
		return time.Duration(m) * time.Minute, nil
	}
	return 0, errors.New("FlexibleTimeWindow: Mode must be OFF or FLEXIBLE, not " + strconv.Quote(mode))
}
