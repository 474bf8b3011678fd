package schedule

import (
	"strings"
	"testing"
	"time"
)

// TestNextUTC checks sequences of nominal fire times of cron expressions
// in UTC, the zone of every EventBridge rule.
func TestNextUTC(t *testing.T) {
	t.Parallel()
	const layout = "2006-01-02 15:04 Mon"
	cases := []struct {
		name string
		expr string
		from time.Time
		want string // space-separated "date time weekday" triples, or END
	}{
		{"daily", "cron(0 10 * * ? *)", utc(2024, 1, 1, 0, 0),
			"2024-01-01 10:00 Mon 2024-01-02 10:00 Tue 2024-01-03 10:00 Wed"},
		{"strictly after", "cron(0 10 * * ? *)", utc(2024, 1, 1, 10, 0),
			"2024-01-02 10:00 Tue"},
		{"just before", "cron(0 10 * * ? *)", time.Date(2024, 1, 1, 9, 59, 59, 999999999, time.UTC),
			"2024-01-01 10:00 Mon"},
		{"within the minute", "cron(0 10 * * ? *)", time.Date(2024, 1, 1, 10, 0, 0, 1, time.UTC),
			"2024-01-02 10:00 Tue"},
		{"every 15 minutes", "cron(0/15 * * * ? *)", utc(2024, 1, 1, 0, 0),
			"2024-01-01 00:15 Mon 2024-01-01 00:30 Mon 2024-01-01 00:45 Mon 2024-01-01 01:00 Mon"},
		{"1/10", "cron(1/10 * * * ? *)", utc(2024, 1, 1, 0, 0),
			"2024-01-01 00:01 Mon 2024-01-01 00:11 Mon 2024-01-01 00:21 Mon"},
		{"list across a month end", "cron(5,35 14 * * ? *)", utc(2024, 5, 31, 14, 10),
			"2024-05-31 14:35 Fri 2024-06-01 14:05 Sat 2024-06-01 14:35 Sat"},
		{"first of the month", "cron(0 8 1 * ? *)", utc(2024, 1, 15, 0, 0),
			"2024-02-01 08:00 Thu 2024-03-01 08:00 Fri 2024-04-01 08:00 Mon"},
		{"weekdays", "cron(0 18 ? * MON-FRI *)", utc(2024, 6, 7, 19, 0),
			"2024-06-10 18:00 Mon 2024-06-11 18:00 Tue 2024-06-12 18:00 Wed"},
		{"hours wrapping midnight", "cron(0/30 20-2 ? * MON-FRI *)", utc(2024, 6, 7, 19, 0),
			"2024-06-07 20:00 Fri 2024-06-07 20:30 Fri 2024-06-07 21:00 Fri 2024-06-07 21:30 Fri " +
				"2024-06-07 22:00 Fri 2024-06-07 22:30 Fri 2024-06-07 23:00 Fri 2024-06-07 23:30 Fri " +
				"2024-06-10 00:00 Mon 2024-06-10 00:30 Mon 2024-06-10 01:00 Mon 2024-06-10 01:30 Mon " +
				"2024-06-10 02:00 Mon 2024-06-10 02:30 Mon 2024-06-10 20:00 Mon"},
		{"minutes wrapping with a step", "cron(50-10/5 0 * * ? *)", utc(2024, 1, 1, 0, 0),
			"2024-01-01 00:05 Mon 2024-01-01 00:10 Mon 2024-01-01 00:50 Mon 2024-01-01 00:55 Mon 2024-01-02 00:00 Tue"},
		{"days of month wrapping", "cron(0 0 30-2 * ? *)", utc(2024, 2, 1, 0, 0),
			"2024-02-02 00:00 Fri 2024-03-01 00:00 Fri 2024-03-02 00:00 Sat 2024-03-30 00:00 Sat 2024-03-31 00:00 Sun 2024-04-01 00:00 Mon"},
		{"day-of-month step", "cron(0 0 1/10 * ? *)", utc(2024, 2, 15, 0, 0),
			"2024-02-21 00:00 Wed 2024-03-01 00:00 Fri 2024-03-11 00:00 Mon 2024-03-21 00:00 Thu 2024-03-31 00:00 Sun"},
		{"months wrapping the year", "cron(0 0 1 NOV-FEB ? 2024)", utc(2024, 1, 15, 0, 0),
			"2024-02-01 00:00 Thu 2024-11-01 00:00 Fri 2024-12-01 00:00 Sun END"},
		{"days of week wrapping", "cron(0 12 ? * FRI-MON *)", utc(2024, 6, 5, 0, 0),
			"2024-06-07 12:00 Fri 2024-06-08 12:00 Sat 2024-06-09 12:00 Sun 2024-06-10 12:00 Mon 2024-06-14 12:00 Fri"},
		{"numbered days of week", "cron(0 0 ? * 2,4,6 *)", utc(2024, 6, 1, 0, 0),
			"2024-06-03 00:00 Mon 2024-06-05 00:00 Wed 2024-06-07 00:00 Fri 2024-06-10 00:00 Mon"},
		{"1 is Sunday and 7 Saturday", "cron(0 0 ? * 1,7 *)", utc(2024, 6, 3, 0, 0),
			"2024-06-08 00:00 Sat 2024-06-09 00:00 Sun 2024-06-15 00:00 Sat"},

		// L, W and #.
		{"last day of the month", "cron(0 0 L * ? *)", utc(2023, 12, 31, 1, 0),
			"2024-01-31 00:00 Wed 2024-02-29 00:00 Thu 2024-03-31 00:00 Sun 2024-04-30 00:00 Tue"},
		{"last day of February", "cron(0 0 L 2 ? *)", utc(2023, 1, 1, 0, 0),
			"2023-02-28 00:00 Tue 2024-02-29 00:00 Thu 2025-02-28 00:00 Fri"},
		{"last weekday of the month", "cron(0 21 LW * ? *)", utc(2024, 1, 1, 0, 0),
			"2024-01-31 21:00 Wed 2024-02-29 21:00 Thu 2024-03-29 21:00 Fri 2024-04-30 21:00 Tue"},
		{"LW when the month ends on Saturday", "cron(0 21 LW 8 ? 2024)", utc(2024, 1, 1, 0, 0),
			"2024-08-30 21:00 Fri END"},
		{"nearest weekday", "cron(0 9 15W * ? 2024)", utc(2024, 1, 1, 0, 0),
			"2024-01-15 09:00 Mon 2024-02-15 09:00 Thu 2024-03-15 09:00 Fri 2024-04-15 09:00 Mon " +
				"2024-05-15 09:00 Wed 2024-06-14 09:00 Fri 2024-07-15 09:00 Mon 2024-08-15 09:00 Thu " +
				"2024-09-16 09:00 Mon 2024-10-15 09:00 Tue 2024-11-15 09:00 Fri 2024-12-16 09:00 Mon END"},
		{"1W never jumps back into the previous month", "cron(0 9 1W * ? 2024)", utc(2024, 5, 15, 0, 0),
			"2024-06-03 09:00 Mon 2024-07-01 09:00 Mon 2024-08-01 09:00 Thu 2024-09-02 09:00 Mon 2024-10-01 09:00 Tue"},
		{"31W on a Sunday steps back to Friday", "cron(0 9 31W 3 ? 2024)", utc(2024, 1, 1, 0, 0),
			"2024-03-29 09:00 Fri END"},
		{"31W skips shorter months", "cron(0 9 31W * ? 2027)", utc(2027, 1, 1, 0, 0),
			"2027-01-29 09:00 Fri 2027-03-31 09:00 Wed 2027-05-31 09:00 Mon 2027-07-30 09:00 Fri " +
				"2027-08-31 09:00 Tue 2027-10-29 09:00 Fri 2027-12-31 09:00 Fri END"},
		{"30W in February never fires", "cron(0 9 30W 2 ? *)", utc(2024, 1, 1, 0, 0), "END"},
		{"third Saturday", "cron(0 2 ? * SAT#3 *)", utc(2024, 1, 1, 0, 0),
			"2024-01-20 02:00 Sat 2024-02-17 02:00 Sat 2024-03-16 02:00 Sat"},
		{"fifth Sunday only where there is one", "cron(0 12 ? * 1#5 *)", utc(2024, 1, 1, 0, 0),
			"2024-03-31 12:00 Sun 2024-06-30 12:00 Sun 2024-09-29 12:00 Sun 2024-12-29 12:00 Sun"},
		{"last Friday in a year range", "cron(15 10 ? * 6L 2019-2022)", utc(2022, 10, 1, 0, 0),
			"2022-10-28 10:15 Fri 2022-11-25 10:15 Fri 2022-12-30 10:15 Fri END"},
		{"L alone in day-of-week is Saturday", "cron(0 0 ? * L *)", utc(2024, 1, 1, 0, 0),
			"2024-01-06 00:00 Sat 2024-01-13 00:00 Sat 2024-01-20 00:00 Sat"},

		// Leap years, month ends and year ranges.
		{"29 February", "cron(0 12 29 2 ? *)", utc(2021, 3, 1, 0, 0),
			"2024-02-29 12:00 Thu 2028-02-29 12:00 Tue 2032-02-29 12:00 Sun"},
		{"2100 is not a leap year", "cron(0 12 29 2 ? *)", utc(2096, 3, 1, 0, 0),
			"2104-02-29 12:00 Fri 2108-02-29 12:00 Wed"},
		{"31st skips short months", "cron(0 0 31 * ? *)", utc(2024, 1, 31, 0, 0),
			"2024-03-31 00:00 Sun 2024-05-31 00:00 Fri 2024-07-31 00:00 Wed 2024-08-31 00:00 Sat 2024-10-31 00:00 Thu"},
		{"listed years", "cron(0 0 1 1 ? 2030,2035)", utc(2024, 1, 1, 0, 0),
			"2030-01-01 00:00 Tue 2035-01-01 00:00 Mon END"},
		{"year step", "cron(0 0 1 1 ? 2100/50)", utc(2024, 1, 1, 0, 0),
			"2100-01-01 00:00 Fri 2150-01-01 00:00 Thu END"},
		{"the last minute AWS allows", "cron(59 23 31 12 ? 2199)", utc(2199, 12, 31, 23, 58),
			"2199-12-31 23:59 Tue END"},
		{"past years only", "cron(15 10 ? * 6L 2002-2005)", utc(2024, 1, 1, 0, 0), "END"},
		{"30 February never comes", "cron(0 0 30 2 ? *)", utc(2024, 1, 1, 0, 0), "END"},
		{"31st of 30-day months never comes", "cron(0 0 31 4,6,9,11 ? *)", utc(2024, 1, 1, 0, 0), "END"},
		{"from before 1970", "cron(0 0 1 1 ? *)", utc(1900, 1, 1, 0, 0),
			"1970-01-01 00:00 Thu 1971-01-01 00:00 Fri"},
		{"from after 2199", "cron(* * * * ? *)", utc(2200, 1, 1, 0, 0), "END"},
		{"every minute", "cron(* * * * ? *)", utc(2024, 12, 31, 23, 58),
			"2024-12-31 23:59 Tue 2025-01-01 00:00 Wed 2025-01-01 00:01 Wed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := MustParse(c.expr, rule)
			want := strings.Fields(c.want)
			n := 0
			for i := 0; i < len(want); i++ {
				if want[i] != "END" {
					i += 2
				}
				n++
			}
			got := strings.Fields(strings.Join(fires(t, e, time.UTC, c.from, n, layout), " "))
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("%s from %v:\n got %s\nwant %s", c.expr, c.from, strings.Join(got, " "), c.want)
			}
		})
	}
}

// TestNextReturnsLocation checks that fire times come back in the zone
// they were evaluated in, so that callers can show them as local times.
func TestNextReturnsLocation(t *testing.T) {
	t.Parallel()
	berlin := loadLoc(t, "Europe/Berlin")
	got, ok := MustParse("cron(0 9 * * ? *)", scheduler).Next(utc(2024, 6, 1, 0, 0), berlin)
	if !ok || got.Location() != berlin || got.Hour() != 9 {
		t.Errorf("got %v, %v", got, ok)
	}
	got, _ = MustParse("cron(0 9 * * ? *)", scheduler).Next(utc(2024, 6, 1, 0, 0), nil)
	if got.Location() != time.UTC {
		t.Errorf("nil location: got %v", got.Location())
	}
}
