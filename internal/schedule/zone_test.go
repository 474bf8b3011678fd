package schedule

import (
	"strings"
	"testing"
	"time"
)

// TestDaylightSaving checks EventBridge Scheduler's documented behaviour
// on daylight-saving transitions: a local time that spring-forward skips
// does not fire that day, and a local time that fall-back repeats fires
// once, at its first occurrence. Each fire is shown as local time, zone
// abbreviation and the instant in UTC.
func TestDaylightSaving(t *testing.T) {
	t.Parallel()
	const layout = "01-02 15:04 MST=" // followed by the UTC time
	cases := []struct {
		name, zone, expr string
		from             time.Time // an instant
		want             string
	}{
		// America/New_York, 2024: 02:00 EST becomes 03:00 EDT on 10 March
		// (07:00Z); 02:00 EDT becomes 01:00 EST on 3 November (06:00Z).
		{"NY spring: 02:30 is skipped that day", "America/New_York", "cron(30 2 * * ? *)", utc(2024, 3, 9, 0, 0),
			"03-09 02:30 EST=07:30Z 03-11 02:30 EDT=06:30Z 03-12 02:30 EDT=06:30Z"},
		{"NY spring: hourly jumps the missing hour", "America/New_York", "cron(0 * * * ? *)", utc(2024, 3, 10, 5, 30),
			"03-10 01:00 EST=06:00Z 03-10 03:00 EDT=07:00Z 03-10 04:00 EDT=08:00Z"},
		{"NY spring: every 20 minutes", "America/New_York", "cron(0/20 * * * ? *)", utc(2024, 3, 10, 6, 30),
			"03-10 01:40 EST=06:40Z 03-10 03:00 EDT=07:00Z 03-10 03:20 EDT=07:20Z"},
		{"NY fall: 01:30 fires once", "America/New_York", "cron(30 1 * * ? *)", utc(2024, 11, 2, 12, 0),
			"11-03 01:30 EDT=05:30Z 11-04 01:30 EST=06:30Z 11-05 01:30 EST=06:30Z"},
		{"NY fall: hourly does not repeat 01:00", "America/New_York", "cron(0 * * * ? *)", utc(2024, 11, 3, 4, 30),
			"11-03 01:00 EDT=05:00Z 11-03 02:00 EST=07:00Z 11-03 03:00 EST=08:00Z"},
		{"NY fall: from inside the repeated hour", "America/New_York", "cron(0/20 * * * ? *)", utc(2024, 11, 3, 6, 10),
			"11-03 02:00 EST=07:00Z 11-03 02:20 EST=07:20Z"},
		{"NY fall: from the first pass", "America/New_York", "cron(0/20 * * * ? *)", utc(2024, 11, 3, 5, 30),
			"11-03 01:40 EDT=05:40Z 11-03 02:00 EST=07:00Z"},
		{"NY fall: weekly job at the repeated time", "America/New_York", "cron(30 1 ? * SUN *)", utc(2024, 10, 30, 0, 0),
			"11-03 01:30 EDT=05:30Z 11-10 01:30 EST=06:30Z"},

		// Europe/Berlin, 2024: 02:00 CET becomes 03:00 CEST on 31 March
		// (01:00Z); 03:00 CEST becomes 02:00 CET on 27 October (01:00Z).
		{"Berlin spring: 02:30 is skipped that day", "Europe/Berlin", "cron(30 2 * * ? *)", utc(2024, 3, 29, 12, 0),
			"03-30 02:30 CET=01:30Z 04-01 02:30 CEST=00:30Z"},
		{"Berlin spring: half-hourly", "Europe/Berlin", "cron(0,30 * * * ? *)", utc(2024, 3, 31, 0, 15),
			"03-31 01:30 CET=00:30Z 03-31 03:00 CEST=01:00Z 03-31 03:30 CEST=01:30Z"},
		{"Berlin fall: 02:30 fires once", "Europe/Berlin", "cron(30 2 * * ? *)", utc(2024, 10, 25, 12, 0),
			"10-26 02:30 CEST=00:30Z 10-27 02:30 CEST=00:30Z 10-28 02:30 CET=01:30Z"},
		{"Berlin fall: half-hourly skips the second pass", "Europe/Berlin", "cron(0,30 * * * ? *)", utc(2024, 10, 27, 0, 15),
			"10-27 02:30 CEST=00:30Z 10-27 03:00 CET=02:00Z 10-27 03:30 CET=02:30Z"},
		{"Berlin fall: from inside the second pass", "Europe/Berlin", "cron(* * * * ? *)", utc(2024, 10, 27, 1, 59),
			"10-27 03:00 CET=02:00Z 10-27 03:01 CET=02:01Z"},
		{"Berlin: last Sunday of March at 02:00 never exists", "Europe/Berlin", "cron(0 2 ? 3 1L 2024-2026)", utc(2024, 1, 1, 0, 0),
			"END"},

		// Past the zone tables (2037) Go computes transitions from the
		// zone's rule; its zone periods are wrong at the end of leap years.
		{"NY at the end of a leap year past the tables", "America/New_York", "cron(59 23 31 12 ? 2040,2192)", utc(2040, 1, 1, 0, 0),
			"12-31 23:59 EST=04:59Z 12-31 23:59 EST=04:59Z END"},
		{"NY spring-forward in 2150", "America/New_York", "cron(30 2 ? 3 1#2 2150)", utc(2150, 1, 1, 0, 0),
			"END"},
		{"NY fall-back in 2150", "America/New_York", "cron(30 1 ? 11 1#1 2150)", utc(2150, 1, 1, 0, 0),
			"11-01 01:30 EDT=05:30Z END"},

		// Zones that do not observe daylight saving, and UTC, are not adjusted.
		{"Tokyo", "Asia/Tokyo", "cron(30 2 * * ? *)", utc(2024, 3, 8, 0, 0),
			"03-09 02:30 JST=17:30Z 03-10 02:30 JST=17:30Z"},
		{"UTC", "UTC", "cron(30 2 * * ? *)", utc(2024, 3, 9, 0, 0),
			"03-09 02:30 UTC=02:30Z 03-10 02:30 UTC=02:30Z"},
		// A zone with a half-hour offset and a 30-minute shift.
		{"Lord Howe spring (30-minute gap)", "Australia/Lord_Howe", "cron(15,45 2 * * ? *)", time.Date(2024, 10, 5, 14, 0, 0, 0, time.UTC),
			"10-06 02:45 +11=15:45Z 10-07 02:15 +11=15:15Z"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			loc := loadLoc(t, c.zone)
			e := MustParse(c.expr, scheduler)
			want := strings.Fields(c.want)
			var got []string
			prev := c.from
			for len(got) < len(want) {
				next, ok := e.Next(prev, loc)
				if !ok {
					got = append(got, "END")
					break
				}
				if !next.After(prev) {
					t.Fatalf("Next(%v) = %v", prev, next)
				}
				f := next.Format(layout) + next.UTC().Format("15:04Z")
				got = append(got, strings.Fields(f)...)
				prev = next
			}
			if len(got) > len(want) {
				got = got[:len(want)]
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("%s in %s from %v:\n got %s\nwant %s", c.expr, c.zone, c.from, strings.Join(got, " "), c.want)
			}
		})
	}
}

// TestAtInZone checks one-time schedules read in a time zone.
func TestAtInZone(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, zone, expr string
		want             time.Time
	}{
		// The documentation's example: 1 pm in Los Angeles (UTC-8) on 20 November 2022.
		{"documented example", "America/Los_Angeles", "at(2022-11-20T13:00:00)", utc(2022, 11, 20, 21, 0)},
		{"UTC", "UTC", "at(2030-01-01T00:00:00)", utc(2030, 1, 1, 0, 0)},
		{"seconds are kept", "UTC", "at(2030-01-01T00:00:42)", time.Date(2030, 1, 1, 0, 0, 42, 0, time.UTC)},
		{"summer time", "Europe/Berlin", "at(2024-07-01T12:00:00)", utc(2024, 7, 1, 10, 0)},
		// Sluice's decisions: a time in the spring-forward gap fires when the
		// clock would have shown it (02:30 EST = 03:30 EDT); a repeated time
		// fires at its first occurrence.
		{"in the spring-forward gap", "America/New_York", "at(2024-03-10T02:30:00)", utc(2024, 3, 10, 7, 30)},
		{"in the fall-back overlap", "America/New_York", "at(2024-11-03T01:30:00)", utc(2024, 11, 3, 5, 30)},
		{"Berlin gap", "Europe/Berlin", "at(2024-03-31T02:15:00)", utc(2024, 3, 31, 1, 15)},
		{"Berlin overlap", "Europe/Berlin", "at(2024-10-27T02:15:00)", utc(2024, 10, 27, 0, 15)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			loc := loadLoc(t, c.zone)
			e := MustParse(c.expr, scheduler)
			got, ok := e.Next(c.want.Add(-time.Nanosecond), loc)
			if !ok || !got.Equal(c.want) {
				t.Fatalf("Next just before = %v, %v; want %v", got, ok, c.want)
			}
			if got, ok := e.Next(time.Time{}, loc); !ok || !got.Equal(c.want) {
				t.Errorf("Next from the zero time = %v, %v", got, ok)
			}
			if got, ok := e.Next(c.want, loc); ok {
				t.Errorf("Next at the time itself = %v, want none", got)
			}
		})
	}
}

// TestScheduleBounds checks StartDate, EndDate and the anchor of a
// Schedule.
func TestScheduleBounds(t *testing.T) {
	t.Parallel()
	ny := loadLoc(t, "America/New_York")
	at := func(s *Schedule, after time.Time) string {
		got, ok := s.Next(after)
		if !ok {
			return "none"
		}
		return got.UTC().Format(time.RFC3339)
	}
	hourly := &Schedule{
		Expr:  MustParse("cron(0 * * * ? *)", scheduler),
		Start: utc(2024, 1, 1, 10, 0),
		End:   utc(2024, 1, 1, 13, 0),
	}
	rate := &Schedule{
		Expr:  MustParse("rate(5 minutes)", scheduler),
		Start: time.Date(2024, 1, 1, 10, 2, 30, 0, time.UTC),
		End:   utc(2024, 1, 1, 10, 15),
	}
	created := &Schedule{
		Expr:   MustParse("rate(1 hour)", scheduler),
		Anchor: time.Date(2024, 1, 1, 9, 41, 7, 0, time.UTC), // creation time
	}
	once := &Schedule{
		Expr:     MustParse("at(2024-01-01T08:00:00)", scheduler),
		Location: ny,
		Start:    utc(2025, 1, 1, 0, 0), // ignored for at()
		End:      utc(2024, 1, 1, 0, 0),
	}
	localCron := &Schedule{
		Expr:     MustParse("cron(0 9 * * ? *)", scheduler),
		Location: ny,
		Start:    utc(2024, 3, 9, 14, 0), // 09:00 EST on the 9th: fires at once
		End:      utc(2024, 3, 12, 13, 0),
	}
	cases := []struct {
		name  string
		s     *Schedule
		after time.Time
		want  string
	}{
		{"fires on StartDate", hourly, time.Time{}, "2024-01-01T10:00:00Z"},
		{"within the bounds", hourly, utc(2024, 1, 1, 10, 0), "2024-01-01T11:00:00Z"},
		{"last before EndDate", hourly, utc(2024, 1, 1, 11, 0), "2024-01-01T12:00:00Z"},
		{"EndDate is exclusive", hourly, utc(2024, 1, 1, 12, 0), "none"},
		{"rate starts at StartDate", rate, time.Time{}, "2024-01-01T10:02:30Z"},
		{"rate keeps StartDate's phase", rate, time.Date(2024, 1, 1, 10, 2, 30, 0, time.UTC), "2024-01-01T10:07:30Z"},
		{"rate stops before EndDate", rate, time.Date(2024, 1, 1, 10, 12, 30, 0, time.UTC), "none"},
		{"rate anchored at creation", created, utc(2024, 1, 2, 0, 0), "2024-01-02T00:41:07Z"},
		{"at() ignores StartDate and EndDate", once, time.Time{}, "2024-01-01T13:00:00Z"},
		{"at() fires once", once, utc(2024, 1, 1, 13, 0), "none"},
		{"cron in a zone with bounds", localCron, time.Time{}, "2024-03-09T14:00:00Z"},
		{"cron in a zone across spring-forward", localCron, utc(2024, 3, 10, 14, 0), "2024-03-11T13:00:00Z"},
		{"cron in a zone up to EndDate", localCron, utc(2024, 3, 11, 13, 0), "none"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := at(c.s, c.after); got != c.want {
				t.Errorf("Next(%v) = %s, want %s", c.after, got, c.want)
			}
		})
	}
}

// TestFlexibleWindow checks FlexibleTimeWindow handling: the fire time is
// drawn in [nominal, nominal+window) from the caller's randomness, and
// nominal times stay put.
func TestFlexibleWindow(t *testing.T) {
	t.Parallel()
	nominal := utc(2024, 1, 1, 10, 0)
	s := &Schedule{Expr: MustParse("rate(1 hour)", scheduler), Window: 15 * time.Minute, Start: nominal}
	cases := []struct {
		u    float64
		want time.Duration
	}{
		{0, 0}, {0.5, 7*time.Minute + 30*time.Second}, {0.999999, 15*time.Minute - 900*time.Microsecond},
		{1, 0}, {-1, 0}, {2, 0},
	}
	for _, c := range cases {
		if got := s.Fire(nominal, c.u).Sub(nominal); got != c.want {
			t.Errorf("Fire(u=%v) = +%v, want +%v", c.u, got, c.want)
		}
	}
	off := &Schedule{Expr: s.Expr}
	if got := off.Fire(nominal, 0.7); !got.Equal(nominal) {
		t.Errorf("Mode OFF: Fire = %v", got)
	}
	// The next nominal time does not depend on where the last fire landed.
	fired := s.Fire(nominal, 0.9)
	if next, _ := s.Next(nominal); !next.Equal(nominal.Add(time.Hour)) || !fired.Before(next) {
		t.Errorf("next nominal %v after a fire at %v", next, fired)
	}

	minutes := func(n int) *int { return &n }
	windows := []struct {
		mode string
		max  *int
		want time.Duration
		ok   bool
	}{
		{ModeOff, nil, 0, true},
		{ModeOff, minutes(10), 0, true},
		{ModeFlexible, minutes(1), time.Minute, true},
		{ModeFlexible, minutes(1440), 24 * time.Hour, true},
		{ModeFlexible, minutes(0), 0, false},
		{ModeFlexible, minutes(1441), 0, false},
		{ModeFlexible, nil, 0, false},
		{"flexible", minutes(5), 0, false},
		{"", nil, 0, false},
	}
	for _, w := range windows {
		got, err := FlexibleWindow(w.mode, w.max)
		if (err == nil) != w.ok || got != w.want {
			t.Errorf("FlexibleWindow(%q, %v) = %v, %v", w.mode, w.max, got, err)
		}
	}
}
