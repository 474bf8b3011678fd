package schedule

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// This file cross-checks Next against a brute-force reference: it walks
// time minute by minute and asks, of each minute, whether the expression
// matches it, with day rules (L, LW, nW, nL, n#k) computed from their
// definitions with package time rather than with the day masks Next uses.

// refDay reports whether the expression allows the date y-mo-d.
func refDay(c *cronSpec, y int, mo time.Month, d int) bool {
	date := func(day int) time.Time { return time.Date(y, mo, day, 12, 0, 0, 0, time.UTC) }
	last := time.Date(y, mo+1, 0, 12, 0, 0, 0, time.UTC).Day()
	isWeekday := func(day int) bool {
		wd := date(day).Weekday()
		return wd != time.Saturday && wd != time.Sunday
	}
	wd := int(date(d).Weekday())
	switch c.rule {
	case domList:
		return c.domSet&(1<<uint(d)) != 0
	case domLast:
		return d == last
	case domLastWday:
		for x := last; x > 0; x-- {
			if isWeekday(x) {
				return d == x
			}
		}
	case domNearest:
		// The weekday of the month closest to day n; none if the month is
		// shorter than n.
		if c.n > last {
			return false
		}
		for k := 0; k <= 3; k++ {
			for _, x := range []int{c.n - k, c.n + k} {
				if x >= 1 && x <= last && isWeekday(x) {
					return d == x
				}
			}
		}
	case dowList:
		return c.dowSet&(1<<uint(wd)) != 0
	case dowLast:
		return wd == c.n && d+7 > last
	case dowNth:
		return wd == c.n && (d-1)/7+1 == c.nth
	}
	return false
}

// refMatch reports whether the expression matches the wall-clock minute
// of t (read in t's location).
func refMatch(c *cronSpec, t time.Time) bool {
	y := t.Year()
	if y < minYear || y > maxYear || c.years[(y-minYear)/64]&(1<<uint((y-minYear)%64)) == 0 {
		return false
	}
	return c.months&(1<<uint(t.Month())) != 0 &&
		c.hours&(1<<uint(t.Hour())) != 0 &&
		c.minutes&(1<<uint(t.Minute())) != 0 &&
		refDay(c, y, t.Month(), t.Day())
}

// refFires walks the instants (after, end] minute by minute and returns
// those at which the expression fires in loc: the matching wall-clock
// minutes, each at the first instant that shows it. Walls shown in the
// hours before after count as already seen, so that a minute repeated by
// a fall-back transition does not fire again.
func refFires(c *cronSpec, loc *time.Location, after, end time.Time) []time.Time {
	seen := map[int64]bool{}
	var out []time.Time
	for t := after.Truncate(time.Minute).Add(-3 * time.Hour); !t.After(end); t = t.Add(time.Minute) {
		w := t.In(loc)
		if w.Second() != 0 {
			continue
		}
		key := w.Unix() + int64(zoneOffset(w))
		if seen[key] {
			continue
		}
		seen[key] = true
		if t.After(after) && refMatch(c, w) {
			out = append(out, t)
		}
	}
	return out
}

func zoneOffset(t time.Time) int {
	_, off := t.Zone()
	return off
}

// refFiresByDay is refFires for UTC over long windows: it skips whole days
// that do not match before walking their minutes. It stops after limit
// fires.
func refFiresByDay(c *cronSpec, after, end time.Time, limit int) []time.Time {
	var out []time.Time
	for day := after.Truncate(24 * time.Hour); !day.After(end); day = day.AddDate(0, 0, 1) {
		if !refMatch(c, time.Date(day.Year(), day.Month(), day.Day(), firstBit(uint64(c.hours)), firstBit(c.minutes), 0, 0, time.UTC)) {
			continue
		}
		for m := 0; m < 1440; m++ {
			t := day.Add(time.Duration(m) * time.Minute)
			if t.After(after) && !t.After(end) && refMatch(c, t) {
				if out = append(out, t); len(out) == limit {
					return out
				}
			}
		}
	}
	return out
}

func firstBit(b uint64) int {
	for i := 0; i < 64; i++ {
		if b&(1<<uint(i)) != 0 {
			return i
		}
	}
	return 0
}

// nextFires collects Next's fires in (after, end], up to limit of them
// when limit > 0.
func nextFires(t *testing.T, e *Expr, loc *time.Location, after, end time.Time, limit ...int) []time.Time {
	var out []time.Time
	for prev := after; ; {
		n, ok := e.Next(prev, loc)
		if !ok || n.After(end) || len(limit) > 0 && len(out) == limit[0] {
			return out
		}
		if !n.After(prev) {
			t.Fatalf("%s: Next(%v) = %v", e, prev, n)
		}
		out = append(out, n)
		prev = n
	}
}

// randomCron builds a random valid cron expression.
func randomCron(r *rand.Rand) string {
	num := func(lo, hi int) int { return lo + r.IntN(hi-lo+1) }
	name := func(names []string, v, lo int) string {
		if names != nil && r.IntN(3) == 0 {
			s := names[v-lo]
			if r.IntN(2) == 0 {
				s = strings.ToLower(s)
			}
			return s
		}
		return strconv.Itoa(v)
	}
	list := func(lo, hi int, names []string, step, wrap bool, maxStep int) string {
		if r.IntN(6) == 0 {
			return "*"
		}
		var items []string
		for range num(1, 3) {
			switch k := r.IntN(6); {
			case k == 0 && step:
				items = append(items, "*/"+strconv.Itoa(num(1, maxStep)))
			case k == 1 && step:
				items = append(items, strconv.Itoa(num(lo, hi))+"/"+strconv.Itoa(num(1, maxStep)))
			case k == 2 || k == 3:
				a, b := num(lo, hi), num(lo, hi)
				if b < a && !wrap {
					a, b = b, a
				}
				if step && r.IntN(2) == 0 {
					items = append(items, fmt.Sprintf("%d-%d/%d", a, b, num(1, maxStep)))
				} else {
					items = append(items, name(names, a, lo)+"-"+name(names, b, lo))
				}
			default:
				items = append(items, name(names, num(lo, hi), lo))
			}
		}
		return strings.Join(items, ",")
	}
	minutes := list(0, 59, nil, true, true, 59)
	hours := list(0, 23, nil, true, true, 23)
	months := list(1, 12, fMonth.names, true, true, 12)
	if r.IntN(2) == 0 {
		months = "*"
	}
	years := []string{"*", "*", "*", "2024-2027", "2025,2027", "2024/2", "2019-2022", "2026"}[r.IntN(8)]
	dom, dow := "?", "?"
	if r.IntN(2) == 0 {
		switch r.IntN(6) {
		case 0:
			dom = "L"
		case 1:
			dom = "LW"
		case 2:
			// Weight the days where W meets a month boundary.
			dom = strconv.Itoa([]int{1, 1, 2, 28, 29, 30, 31, 31, num(1, 31)}[r.IntN(9)]) + "W"
		default:
			dom = list(1, 31, nil, true, true, 31)
		}
	} else {
		d := name(fDow.names, num(1, 7), 1)
		switch r.IntN(6) {
		case 0:
			dow = "L"
		case 1:
			dow = d + "L"
		case 2:
			dow = d + "#" + strconv.Itoa([]int{1, 4, 5, 5, num(1, 5)}[r.IntN(5)])
		default:
			dow = list(1, 7, fDow.names, false, true, 0)
		}
	}
	return fmt.Sprintf("cron(%s %s %s %s %s %s)", minutes, hours, dom, months, dow, years)
}

func randomTime(r *rand.Rand, from, to time.Time) time.Time {
	span := to.Sub(from)
	return from.Add(time.Duration(r.Int64N(int64(span))))
}

// TestNextMatchesReferenceUTC compares Next with the reference for random
// expressions in UTC: over 40 days, every minute for one expression in
// four and every minute of each matching day for the others, and over six
// years day by day.
func TestNextMatchesReferenceUTC(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	n := 300
	if testing.Short() {
		n = 50
	}
	for i := range n {
		expr := randomCron(r)
		e, err := Parse(expr, rule)
		if err != nil {
			t.Fatalf("random expression %s: %v (%s)", expr, err, err.(*Error).Reason)
		}
		after := randomTime(r, utc(2023, 1, 1, 0, 0), utc(2027, 12, 31, 0, 0))
		if i%3 == 0 {
			after = after.Truncate(time.Minute) // exactly on a minute
		}
		end := after.Add(40 * 24 * time.Hour)
		var want []time.Time
		if i%4 == 0 {
			want = refFires(e.cron, time.UTC, after, end)
		} else {
			want = refFiresByDay(e.cron, after, end, 0)
		}
		if got := nextFires(t, e, time.UTC, after, end); !slices.EqualFunc(got, want, time.Time.Equal) {
			t.Fatalf("%s after %v:\n got %v\nwant %v", expr, after, head(got), head(want))
		}
		end = after.AddDate(6, 0, 0)
		want = refFiresByDay(e.cron, after, end, 3000)
		if got := nextFires(t, e, time.UTC, after, end, 3000); !slices.EqualFunc(got, want, time.Time.Equal) {
			t.Fatalf("%s after %v (6 years):\n got %d fires %v\nwant %d fires %v", expr, after, len(got), head(got), len(want), head(want))
		}
	}
}

// TestNextMatchesReferenceDST compares Next with the reference around
// daylight-saving transitions in zones with one-hour and half-hour shifts,
// northern and southern.
func TestNextMatchesReferenceDST(t *testing.T) {
	t.Parallel()
	zones := []string{"America/New_York", "Europe/Berlin", "Australia/Sydney", "Australia/Lord_Howe", "America/Santiago"}
	var locs []*time.Location
	var transitions [][]time.Time
	for _, z := range zones {
		loc := loadLoc(t, z)
		locs = append(locs, loc)
		// Years in the zone tables, and years past them, where Go
		// computes transitions from the zone's rule.
		ts := offsetChanges(loc, utc(2024, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0))
		ts = append(ts, offsetChanges(loc, utc(2190, 1, 1, 0, 0), utc(2193, 1, 1, 0, 0))...)
		if len(ts) < 8 {
			t.Fatalf("%s: only %d transitions", z, len(ts))
		}
		transitions = append(transitions, ts)
	}
	r := rand.New(rand.NewPCG(3, 4))
	n := 400
	if testing.Short() {
		n = 60
	}
	for range n {
		expr := randomCron(r)
		e := MustParse(expr, scheduler)
		z := r.IntN(len(zones))
		tr := transitions[z][r.IntN(len(transitions[z]))]
		after := tr.Add(-time.Duration(r.IntN(30*60)) * time.Minute).Add(time.Duration(r.IntN(60)) * time.Second)
		end := tr.Add(36 * time.Hour)
		want := refFires(e.cron, locs[z], after, end)
		if got := nextFires(t, e, locs[z], after, end); !slices.EqualFunc(got, want, time.Time.Equal) {
			t.Fatalf("%s in %s after %v (transition %v):\n got %v\nwant %v", expr, zones[z], after, tr, head(got), head(want))
		}
	}
}

// TestNextFromEveryMinuteOfATransitionDay calls Next from every minute of
// the fall-back and spring-forward days, so that starting points inside
// the gap and both passes of the overlap are all checked.
func TestNextFromEveryMinuteOfATransitionDay(t *testing.T) {
	t.Parallel()
	for _, z := range []string{"America/New_York", "Europe/Berlin", "Australia/Lord_Howe"} {
		loc := loadLoc(t, z)
		for _, expr := range []string{"cron(* * * * ? *)", "cron(0/7 * * * ? *)", "cron(30 1,2 * * ? *)", "cron(0 * * * ? *)"} {
			e := MustParse(expr, scheduler)
			for _, tr := range offsetChanges(loc, utc(2024, 1, 1, 0, 0), utc(2025, 1, 1, 0, 0)) {
				for after := tr.Add(-2 * time.Hour); after.Before(tr.Add(2 * time.Hour)); after = after.Add(time.Minute) {
					want := refFires(e.cron, loc, after, after.Add(3*time.Hour))
					got := nextFires(t, e, loc, after, after.Add(3*time.Hour))
					if !slices.EqualFunc(got, want, time.Time.Equal) {
						t.Fatalf("%s in %s after %v:\n got %v\nwant %v", expr, z, after, head(got), head(want))
					}
				}
			}
		}
	}
}

// offsetChanges returns the instants in [from, to) at which loc's offset
// changes, found by reading the offset every hour and then every minute.
func offsetChanges(loc *time.Location, from, to time.Time) []time.Time {
	var out []time.Time
	prev := zoneOffset(from.In(loc))
	for t := from.Add(time.Hour); t.Before(to); t = t.Add(time.Hour) {
		if off := zoneOffset(t.In(loc)); off != prev {
			m := t.Add(-time.Hour)
			for zoneOffset(m.In(loc)) == prev {
				m = m.Add(time.Minute)
			}
			out = append(out, m)
			prev = off
		}
	}
	return out
}

func head(ts []time.Time) []string {
	var out []string
	for i, t := range ts {
		if i == 8 {
			out = append(out, fmt.Sprintf("... (%d)", len(ts)))
			break
		}
		out = append(out, t.Format("2006-01-02T15:04Z07:00"))
	}
	return out
}
