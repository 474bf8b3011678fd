package schedule_test

import (
	"fmt"
	"time"

	"github.com/sluice-run/sluice/internal/schedule"
)

// An EventBridge rule: UTC, rate anchored at the rule's creation time.
func ExampleExpr_NextFrom() {
	e, err := schedule.Parse("rate(5 minutes)", schedule.Options{})
	if err != nil {
		panic(err)
	}
	created := time.Date(2024, 1, 1, 10, 2, 30, 0, time.UTC)
	t := created
	for range 3 {
		t, _ = e.NextFrom(created, t, time.UTC)
		fmt.Println(t.Format(time.TimeOnly))
	}
	// Output:
	// 10:07:30
	// 10:12:30
	// 10:17:30
}

// An EventBridge Scheduler schedule in New York: 02:30 does not exist on
// the day clocks spring forward, so that day is skipped.
func ExampleSchedule_Next() {
	ny, _ := time.LoadLocation("America/New_York")
	s := &schedule.Schedule{
		Expr:     schedule.MustParse("cron(30 2 * * ? *)", schedule.Options{Scheduler: true}),
		Location: ny,
		Start:    time.Date(2024, 3, 9, 0, 0, 0, 0, ny),
		End:      time.Date(2024, 3, 12, 0, 0, 0, 0, ny),
	}
	for t, ok := s.Next(time.Time{}); ok; t, ok = s.Next(t) {
		fmt.Println(t.In(ny).Format("Jan 2 15:04 MST"), "=", t.UTC().Format("15:04Z"))
	}
	// Output:
	// Mar 9 02:30 EST = 07:30Z
	// Mar 11 02:30 EDT = 06:30Z
}

// Invalid expressions carry the message AWS answers with.
func ExampleParse_error() {
	_, err := schedule.Parse("rate(1 minutes)", schedule.Options{})
	fmt.Println(err)
	_, err = schedule.Parse("cron(0 25 * * ? *)", schedule.Options{Scheduler: true})
	fmt.Println(err)
	// Output:
	// Parameter ScheduleExpression is not valid.
	// Invalid Schedule Expression cron(0 25 * * ? *).
}
