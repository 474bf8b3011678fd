package schedule

import (
	"testing"
	"time"
)

// BenchmarkNext measures one Next call for cron expressions of different
// densities, in UTC and in a zone with daylight saving. The start times
// walk through 2024 so that month and year ends are crossed.
func BenchmarkNext(b *testing.B) {
	ny := loadLoc(b, "America/New_York")
	cases := []struct{ name, expr string }{
		{"every-15-min", "cron(0/15 * * * ? *)"},
		{"weekdays-18h", "cron(0 18 ? * MON-FRI *)"},
		{"last-friday", "cron(15 10 ? * 6L *)"},
		{"nearest-weekday", "cron(0 9 15W * ? *)"},
		{"third-saturday", "cron(0 2 ? * SAT#3 *)"},
		{"29-february", "cron(0 12 29 2 ? *)"},
		{"never-31-april", "cron(0 0 31 4 ? *)"},
	}
	for _, loc := range []*time.Location{time.UTC, ny} {
		for _, c := range cases {
			e := MustParse(c.expr, scheduler)
			b.Run(loc.String()+"/"+c.name, func(b *testing.B) {
				from := utc(2024, 1, 1, 0, 0)
				i := 0
				for b.Loop() {
					e.Next(from.Add(time.Duration(i%8760)*time.Hour+17*time.Minute), loc)
					i++
				}
			})
		}
	}
	rate := MustParse("rate(5 minutes)", rule)
	anchor := time.Date(2024, 1, 1, 0, 0, 7, 0, time.UTC)
	b.Run("rate", func(b *testing.B) {
		after := utc(2030, 6, 1, 12, 34)
		for b.Loop() {
			rate.NextFrom(anchor, after, nil)
		}
	})
}

// BenchmarkNextAcrossTransition measures Next from inside New York's
// repeated and skipped hours, where wall times need zone lookups.
func BenchmarkNextAcrossTransition(b *testing.B) {
	ny := loadLoc(b, "America/New_York")
	e := MustParse("cron(* * * * ? *)", scheduler)
	for _, c := range []struct {
		name  string
		after time.Time
	}{
		{"fall-back-second-pass", utc(2024, 11, 3, 6, 10)},
		{"spring-forward", utc(2024, 3, 10, 6, 59)},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				e.Next(c.after, ny)
			}
		})
	}
}

// BenchmarkParse measures parsing a typical cron expression.
func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		if _, err := Parse("cron(0/5 8-17 ? * MON-FRI 2024-2030)", rule); err != nil {
			b.Fatal(err)
		}
	}
}
