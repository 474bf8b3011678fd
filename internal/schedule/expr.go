package schedule

import (
	"math"
	"strings"
	"time"
)

// Options says which dialect Parse accepts.
type Options struct {
	// AllowSeconds accepts rate(N second|seconds), a Sluice extension for
	// EventBridge rules; AWS rejects it.
	AllowSeconds bool
	// Scheduler selects the EventBridge Scheduler dialect: at() one-time
	// expressions are accepted and errors carry Scheduler's message
	// ("Invalid Schedule Expression <expr>.") instead of PutRule's.
	Scheduler bool
}

// Kind is the form of an expression.
type Kind uint8

// The forms of a schedule expression.
const (
	KindRate Kind = iota + 1 // rate(value unit)
	KindCron                 // cron(min hour dom month dow year)
	KindAt                   // at(yyyy-mm-ddThh:mm:ss), Scheduler only
)

// String returns "rate", "cron" or "at".
func (k Kind) String() string {
	switch k {
	case KindRate:
		return "rate"
	case KindCron:
		return "cron"
	case KindAt:
		return "at"
	}
	return "invalid"
}

// Expr is a parsed schedule expression. It is immutable and safe for
// concurrent use.
type Expr struct {
	text      string
	kind      Kind
	period    time.Duration // KindRate
	periodSec int64         // KindRate: period in whole seconds
	at        civil         // KindAt: local wall time, seconds included
	cron      *cronSpec     // KindCron
}

// Parse parses a schedule expression with AWS's syntax and validation:
// rate(value unit), cron(Minutes Hours Day-of-month Month Day-of-week Year)
// and, with opts.Scheduler, at(yyyy-mm-ddThh:mm:ss). A failure is an
// *Error carrying AWS's ValidationException message.
func Parse(expr string, opts Options) (*Expr, error) {
	fail := func(reason string) (*Expr, error) { return nil, newError(expr, opts, reason) }
	open := strings.IndexByte(expr, '(')
	if open < 0 || !strings.HasSuffix(expr, ")") {
		return fail("expected rate(...), cron(...) or at(...)")
	}
	body := expr[open+1 : len(expr)-1]
	switch expr[:open] {
	case "rate":
		p, sec, reason := parseRate(body, opts.AllowSeconds)
		if reason != "" {
			return fail(reason)
		}
		return &Expr{text: expr, kind: KindRate, period: p, periodSec: sec}, nil
	case "cron":
		c, reason := parseCron(body)
		if reason != "" {
			return fail(reason)
		}
		return &Expr{text: expr, kind: KindCron, cron: c}, nil
	case "at":
		if !opts.Scheduler {
			return fail("at() expressions are for EventBridge Scheduler only")
		}
		w, reason := parseAt(body)
		if reason != "" {
			return fail(reason)
		}
		return &Expr{text: expr, kind: KindAt, at: w}, nil
	}
	return fail("expected rate(...), cron(...) or at(...)")
}

// MustParse is Parse for expressions known to be valid, such as constants
// in tests; it panics on an error.
func MustParse(expr string, opts Options) *Expr {
	e, err := Parse(expr, opts)
	if err != nil {
		panic("schedule: " + err.(*Error).Reason + ": " + expr)
	}
	return e
}

// String returns the expression exactly as it was given to Parse, which is
// what AWS stores and answers with.
func (e *Expr) String() string { return e.text }

// Kind returns the form of the expression.
func (e *Expr) Kind() Kind { return e.kind }

// Period returns the interval of a rate expression, and 0 for the others.
// A period longer than a time.Duration holds (about 292 years) is returned
// as the longest Duration; Next stays exact for it.
func (e *Expr) Period() time.Duration { return e.period }

// epoch is the anchor Next uses for rate expressions.
var epoch = time.Unix(0, 0).UTC()

// Next returns the first nominal fire time strictly after after, and false
// when there is none (an at() time already passed, or a cron expression
// whose years are exhausted). Cron and at() expressions are evaluated in
// loc (nil means UTC), with EventBridge Scheduler's daylight-saving rules:
// a local time that a spring-forward transition skips does not fire, and a
// local time that a fall-back transition repeats fires once, at its first
// occurrence. A rate expression is anchored at the Unix epoch; use NextFrom
// to anchor it at a schedule's creation time or StartDate.
func (e *Expr) Next(after time.Time, loc *time.Location) (time.Time, bool) {
	return e.NextFrom(epoch, after, loc)
}

// NextFrom is Next with an explicit anchor for rate expressions: a rate
// fires at anchor + k×period for every k ≥ 0, computed from the anchor
// each time, so fire times never drift however many periods pass. A rate
// period is an exact duration (rate(1 day) is 24 hours even across a
// daylight-saving change, as in EventBridge Scheduler), so loc does not
// matter to it. Cron and at() expressions ignore anchor.
func (e *Expr) NextFrom(anchor, after time.Time, loc *time.Location) (time.Time, bool) {
	if loc == nil {
		loc = time.UTC
	}
	switch e.kind {
	case KindRate:
		return nextRate(anchor, after, e.periodSec), true
	case KindCron:
		return e.cron.next(after, loc)
	case KindAt:
		t := firstInstant(e.at, loc, true)
		return t, t.After(after)
	}
	return time.Time{}, false
}

// nextRate returns the first anchor + k×period (k ≥ 0) strictly after
// after. The arithmetic is on whole seconds and the anchor's nanoseconds,
// so it is exact for any distance between anchor and after.
func nextRate(anchor, after time.Time, period int64) time.Time {
	if after.Before(anchor) {
		return anchor
	}
	// d = after - anchor as seconds and nanoseconds, 0 ≤ dn < 1e9.
	ds := after.Unix() - anchor.Unix()
	dn := int64(after.Nanosecond() - anchor.Nanosecond())
	if dn < 0 {
		ds--
		dn += 1e9
	}
	// k = floor(d / period) + 1: the first multiple strictly after.
	k := ds/period + 1
	return time.Unix(anchor.Unix()+k*period, int64(anchor.Nanosecond())).In(anchor.Location())
}

// rateUnits maps the units of a rate expression to seconds. The singular
// is required for a value of 1 and the plural for anything else.
var rateUnits = map[string]struct {
	sec      int64
	singular bool
	seconds  bool // the Sluice extension
}{
	"minute":  {60, true, false},
	"minutes": {60, false, false},
	"hour":    {3600, true, false},
	"hours":   {3600, false, false},
	"day":     {86400, true, false},
	"days":    {86400, false, false},
	"second":  {1, true, true},
	"seconds": {1, false, true},
}

// maxRateValue is the largest rate value: AWS's values are 32-bit
// integers.
const maxRateValue = 1<<31 - 1

func parseRate(body string, allowSeconds bool) (time.Duration, int64, string) {
	num, unit, ok := strings.Cut(body, " ")
	if !ok {
		return 0, 0, "rate needs a value and a unit separated by one space"
	}
	if num == "" || num[0] < '1' || num[0] > '9' {
		return 0, 0, "rate value must be a positive integer without sign or leading zeros"
	}
	var v int64
	for i := 0; i < len(num); i++ {
		c := num[i]
		if c < '0' || c > '9' {
			return 0, 0, "rate value must be a positive integer"
		}
		v = v*10 + int64(c-'0')
		if v > maxRateValue {
			return 0, 0, "rate value is too large"
		}
	}
	u, ok := rateUnits[unit]
	if !ok || (u.seconds && !allowSeconds) {
		return 0, 0, "rate unit must be minute(s), hour(s) or day(s)"
	}
	if u.singular != (v == 1) {
		return 0, 0, "rate unit must be singular for a value of 1 and plural otherwise"
	}
	sec := v * u.sec
	d := time.Duration(math.MaxInt64)
	if sec <= math.MaxInt64/int64(time.Second) {
		d = time.Duration(sec) * time.Second
	}
	return d, sec, ""
}

// parseAt parses yyyy-mm-ddThh:mm:ss exactly: no zone, no fraction.
func parseAt(s string) (civil, string) {
	const layout = "dddd-dd-ddTdd:dd:dd"
	bad := "at() needs yyyy-mm-ddThh:mm:ss"
	if len(s) != len(layout) {
		return civil{}, bad
	}
	for i := 0; i < len(layout); i++ {
		if layout[i] == 'd' {
			if s[i] < '0' || s[i] > '9' {
				return civil{}, bad
			}
		} else if s[i] != layout[i] {
			return civil{}, bad
		}
	}
	n := func(i, j int) int {
		v := 0
		for _, c := range []byte(s[i:j]) {
			v = v*10 + int(c-'0')
		}
		return v
	}
	w := civil{y: n(0, 4), mo: n(5, 7), d: n(8, 10), h: n(11, 13), mi: n(14, 16), s: n(17, 19)}
	if w.mo < 1 || w.mo > 12 || w.d < 1 || w.d > daysIn(w.y, w.mo) || w.h > 23 || w.mi > 59 || w.s > 59 {
		return civil{}, "at() date or time out of range"
	}
	return w, ""
}
