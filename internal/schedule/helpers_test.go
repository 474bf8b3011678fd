package schedule

import (
	"errors"
	"testing"
	"time"
	_ "time/tzdata" // the tests name zones; do not depend on the machine's database
)

// loadLoc loads an IANA zone or fails the test.
func loadLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return loc
}

// utc is shorthand for a time in UTC.
func utc(y int, mo time.Month, d, h, mi int) time.Time {
	return time.Date(y, mo, d, h, mi, 0, 0, time.UTC)
}

// fires returns up to n successive nominal fire times after from, each
// formatted with layout, and "END" when the expression runs out.
func fires(t testing.TB, e *Expr, loc *time.Location, from time.Time, n int, layout string) []string {
	t.Helper()
	var out []string
	prev := from
	for range n {
		next, ok := e.Next(prev, loc)
		if !ok {
			return append(out, "END")
		}
		if !next.After(prev) {
			t.Fatalf("%s: Next(%v) = %v, not after", e, prev, next)
		}
		out = append(out, next.Format(layout))
		prev = next
	}
	return out
}

func asError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
