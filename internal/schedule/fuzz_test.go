package schedule

import (
	"testing"
	"time"
)

// FuzzParse checks that no input makes Parse panic, that every failure is
// an *Error with AWS's message, and that every expression that parses
// gives strictly increasing fire times from Next, in UTC and across
// daylight-saving transitions.
func FuzzParse(f *testing.F) {
	for _, c := range parseCases {
		f.Add(c.expr)
	}
	for _, s := range []string{
		"cron(0 9 31W * ? 2027)", "cron(0/7 1-3 ? * 1#5 2024-2030)", "cron(30 2 ? * SUNL *)",
		"cron(59 23 L * ? 2199)", "cron(0 0 29 2 ? 2100-2199)", "rate(3 seconds)", "at(2024-03-10T02:30:00)",
	} {
		f.Add(s)
	}
	ny := loadLoc(f, "America/New_York")
	lh := loadLoc(f, "Australia/Lord_Howe")
	starts := []time.Time{
		{},
		utc(2024, 3, 10, 6, 59), // New York, just before spring-forward
		time.Date(2024, 11, 3, 6, 30, 0, 5, time.UTC),   // inside New York's repeated hour
		utc(2199, 12, 31, 23, 0),                        // the end of AWS's years
		time.Date(2025, 10, 4, 15, 29, 59, 0, time.UTC), // Lord Howe, just before its 30-minute gap
	}
	anchor := time.Date(2024, 1, 1, 0, 0, 13, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		for _, opts := range []Options{rule, ruleSecs, scheduler} {
			e, err := Parse(s, opts)
			if err != nil {
				pe, ok := asError(err)
				if !ok {
					t.Fatalf("error of type %T: %v", err, err)
				}
				want := "Parameter ScheduleExpression is not valid."
				if opts.Scheduler {
					want = "Invalid Schedule Expression " + s + "."
				}
				if pe.Message != want || pe.Reason == "" {
					t.Fatalf("Parse(%q): message %q reason %q", s, pe.Message, pe.Reason)
				}
				continue
			}
			if e.String() != s {
				t.Fatalf("String() = %q, want %q", e.String(), s)
			}
			for _, loc := range []*time.Location{time.UTC, ny, lh} {
				for _, start := range starts {
					prev := start
					for range 5 {
						next, ok := e.NextFrom(anchor, prev, loc)
						if !ok {
							break
						}
						if !next.After(prev) {
							t.Fatalf("%s in %s: NextFrom(%v) = %v, not after", s, loc, prev, next)
						}
						prev = next
					}
				}
			}
		}
	})
}
