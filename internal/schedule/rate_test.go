package schedule

import (
	"testing"
	"time"
)

// TestRateAnchored checks that rate schedules fire at anchor + k×period:
// following Next 10,000 times lands exactly where the formula says, and
// so does one call from far ahead, whatever the anchor's sub-second part.
func TestRateAnchored(t *testing.T) {
	t.Parallel()
	cases := []struct {
		expr   string
		opts   Options
		anchor time.Time
	}{
		{"rate(1 minute)", rule, time.Date(2024, 1, 1, 0, 0, 7, 123456789, time.UTC)},
		{"rate(7 minutes)", rule, time.Date(2024, 3, 10, 6, 59, 59, 999999999, time.UTC)},
		{"rate(1 hour)", scheduler, time.Date(2024, 11, 3, 5, 30, 0, 0, time.UTC)},
		{"rate(3 days)", scheduler, time.Date(1999, 12, 31, 23, 59, 1, 5, time.UTC)},
		{"rate(13 seconds)", ruleSecs, time.Date(2024, 6, 1, 12, 0, 0, 500, time.UTC)},
		{"rate(2147483647 minutes)", rule, time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			t.Parallel()
			e := MustParse(c.expr, c.opts)
			// k periods after the anchor, computed without time.Duration,
			// which cannot hold the longest periods.
			kth := func(k int64) time.Time {
				return time.Unix(c.anchor.Unix()+k*e.periodSec, int64(c.anchor.Nanosecond())).UTC()
			}
			n := int64(10000)
			if e.periodSec > 1e6 {
				n = 10
			}
			// Before, at and just after the anchor.
			if got, _ := e.NextFrom(c.anchor, c.anchor.Add(-time.Hour), nil); !got.Equal(c.anchor) {
				t.Errorf("before the anchor: %v, want the anchor", got)
			}
			if got, _ := e.NextFrom(c.anchor, c.anchor.Add(-time.Nanosecond), nil); !got.Equal(c.anchor) {
				t.Errorf("just before the anchor: %v, want the anchor", got)
			}
			if got, _ := e.NextFrom(c.anchor, c.anchor, nil); !got.Equal(kth(1)) {
				t.Errorf("at the anchor: %v, want one period later", got)
			}
			cur := c.anchor
			for k := int64(1); k <= n; k++ {
				next, ok := e.NextFrom(c.anchor, cur, nil)
				if !ok || !next.Equal(kth(k)) {
					t.Fatalf("step %d: %v after %v, want %v", k, next, cur, kth(k))
				}
				if e.periodSec < 1e6 && next.Sub(cur) != e.Period() {
					t.Fatalf("step %d: %v apart, want exactly %v", k, next.Sub(cur), e.Period())
				}
				cur = next
			}
			// Straight from points inside the last period.
			for _, back := range []int64{1, e.periodSec / 3, e.periodSec - 1} {
				from := time.Unix(kth(n).Unix()-back, int64(c.anchor.Nanosecond()))
				if got, _ := e.NextFrom(c.anchor, from, nil); !got.Equal(kth(n)) {
					t.Errorf("from %v: %v, want %v", from, got, kth(n))
				}
			}
		})
	}
}

// TestRateFarFuture checks rate arithmetic where the distance from the
// anchor exceeds what a time.Duration holds (about 292 years).
func TestRateFarFuture(t *testing.T) {
	t.Parallel()
	anchor := time.Date(1970, 1, 1, 0, 0, 30, 250, time.UTC)
	after := time.Date(2500, 6, 15, 12, 34, 56, 0, time.UTC)
	got, ok := MustParse("rate(1 day)", rule).NextFrom(anchor, after, nil)
	want := time.Date(2500, 6, 16, 0, 0, 30, 250, time.UTC)
	if !ok || !got.Equal(want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestRateIgnoresDaylightSaving checks EventBridge Scheduler's rule that a
// day in a rate expression is 24 hours, across a transition.
func TestRateIgnoresDaylightSaving(t *testing.T) {
	t.Parallel()
	ny := loadLoc(t, "America/New_York")
	s := &Schedule{Expr: MustParse("rate(1 day)", scheduler), Location: ny,
		Start: time.Date(2024, 3, 9, 9, 0, 0, 0, ny)}
	first, _ := s.Next(time.Time{})
	second, _ := s.Next(first)
	if second.Sub(first) != 24*time.Hour || second.In(ny).Hour() != 10 {
		t.Errorf("first %v, second %v: want 24 hours apart, 10:00 EDT", first.In(ny), second.In(ny))
	}
}

// TestRateDefaultAnchor checks that Next anchors a rate at the Unix epoch.
func TestRateDefaultAnchor(t *testing.T) {
	t.Parallel()
	got, _ := MustParse("rate(5 minutes)", rule).Next(time.Date(2024, 1, 1, 10, 2, 30, 0, time.UTC), nil)
	if want := utc(2024, 1, 1, 10, 5); !got.Equal(want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
