package schedule

import (
	"strings"
	"testing"
	"time"
)

var (
	rule      = Options{}
	ruleSecs  = Options{AllowSeconds: true}
	scheduler = Options{Scheduler: true}
)

// Where a case comes from. "recorded" cases are answers from real AWS
// that public test suites or bug reports captured; "documented" ones are
// in AWS's documentation; "decision" ones are Sluice's choice where the
// sources are silent (see doc.go).
const (
	recorded   = "recorded"
	documented = "documented"
	decision   = "decision"
)

var parseCases = []struct {
	expr   string
	opts   Options
	valid  bool
	source string
}{
	// EventBridge rules: rate.
	{"rate(1 minute)", rule, true, documented},
	{"rate(5 minutes)", rule, true, documented},
	{"rate(1 hour)", rule, true, documented},
	{"rate(2 hours)", rule, true, recorded},
	{"rate(1 day)", rule, true, documented},
	{"rate(10 days)", rule, true, documented},
	{"rate(2147483647 minutes)", rule, true, decision},
	{"rate(2147483648 minutes)", rule, false, decision},
	{"rate(10 seconds)", rule, false, recorded},
	{"rate(10 years)", rule, false, recorded},
	{"rate(1 minutes)", rule, false, recorded},
	{"rate(1 hours)", rule, false, recorded},
	{"rate(1 days)", rule, false, recorded},
	{"rate(10 minute)", rule, false, recorded},
	{"rate(3 minute)", rule, false, recorded},
	{"rate(10 hour)", rule, false, recorded},
	{"rate(10 day)", rule, false, recorded},
	{"rate()", rule, false, recorded},
	{"rate(10)", rule, false, recorded},
	{"rate(10 minutess)", rule, false, recorded},
	{"rate(foo minutes)", rule, false, recorded},
	{"rate(0 minutes)", rule, false, recorded},
	{"rate(-10 minutes)", rule, false, recorded},
	{"rate(10 MINUTES)", rule, false, recorded},
	{"rate( 10 minutes )", rule, false, recorded},
	{" rate(10 minutes)", rule, false, recorded},
	{"rate(10 minutes) ", rule, false, decision},
	{"rate(10  minutes)", rule, false, decision},
	{"rate(01 minute)", rule, false, decision},
	{"rate(+5 minutes)", rule, false, decision},
	{"rate(1.5 hours)", rule, false, decision},
	{"RATE(5 minutes)", rule, false, decision},
	{"rate(5 minutes", rule, false, decision},
	{"rate(5 minutes))", rule, false, decision},
	{"", rule, false, decision},
	{"5 minutes", rule, false, decision},

	// The seconds extension, for rules only when asked for.
	{"rate(1 second)", ruleSecs, true, decision},
	{"rate(30 seconds)", ruleSecs, true, decision},
	{"rate(1 seconds)", ruleSecs, false, decision},
	{"rate(30 second)", ruleSecs, false, decision},
	{"rate(1 second)", rule, false, decision},

	// EventBridge rules: cron, documented examples.
	{"cron(0 10 * * ? *)", rule, true, documented},
	{"cron(15 12 * * ? *)", rule, true, documented},
	{"cron(0 18 ? * MON-FRI *)", rule, true, documented},
	{"cron(0 8 1 * ? *)", rule, true, documented},
	{"cron(0/15 * * * ? *)", rule, true, documented},
	{"cron(0/10 * ? * MON-FRI *)", rule, true, documented},
	{"cron(0/5 8-17 ? * MON-FRI *)", rule, true, documented},
	{"cron(0/30 20-2 ? * MON-FRI *)", rule, true, documented},
	{"cron(0 12 * * ? *)", rule, true, documented},
	{"cron(5,35 14 * * ? *)", rule, true, documented},
	{"cron(15 10 ? * 6L 2019-2022)", rule, true, documented},
	{"cron(0 12 ? * 3#2 *)", rule, true, documented},
	{"cron(0 9 3W * ? *)", rule, true, documented},
	{"cron(0 9 L * ? *)", rule, true, documented},
	{"cron(0 9 ? * L *)", rule, true, documented},
	{"cron(0 9 ? JAN,FEB,MAR ? *)", rule, false, documented}, // two ?
	{"cron(0 9 1-15 JAN,FEB,MAR ? *)", rule, true, documented},
	{"cron(1/10 * * * ? *)", rule, true, documented},

	// EventBridge rules: cron, recorded answers.
	{"cron(0 2 ? * SAT *)", rule, true, recorded},
	{"cron(15 10 ? * 6L 2002-2005)", rule, true, recorded},
	{"cron(0 2 ? * SAT#3 *)", rule, true, recorded},
	{"cron(* * ? * SAT#3 *)", rule, true, recorded},
	{"cron(0/5 5 ? JAN 1-5 2022)", rule, true, recorded},
	{"cron(0/30 20-23 ? * MON-FRI *)", rule, true, recorded},
	{"cron(0/30 0-2 ? * MON-FRI *)", rule, true, recorded},
	{"cron(0-15/1 8-8 ? * 2,3,4,5,6,7 *)", rule, true, recorded},
	{"cron(30-30 13-13 ? * 2,4,6 *)", rule, true, recorded},
	{"cron(1-31/30 1-1 ? * 1,7 *)", rule, true, recorded},
	{"cron(0/5, 9-18, ?, *, MON-FRI, *)", rule, true, recorded},
	{"cron(0 21 LW * ? *)", rule, true, recorded},
	{"cron(0 2 ? * 5L *)", rule, true, recorded},
	{"cron(0 9 ? * mOn *)", rule, true, recorded},
	{"cron(0 9 ? jan-Mar fri *)", rule, true, recorded},
	{"cron(0 1 * * * *)", rule, false, recorded},
	{"cron(7 20 * * NOT *)", rule, false, recorded},
	{"cron(INVALID)", rule, false, recorded},
	{"cron(0 dummy ? * MON-FRI *)", rule, false, recorded},
	{"cron(71 8 1 * ? *)", rule, false, recorded},
	{"cron(7 20 * * 1-7 *)", rule, false, recorded},
	{"cron(15 12 ? * -1 *)", rule, false, recorded},
	{"cron(*/1 * * * *)", rule, false, recorded},
	{"cron(0/10 * ? * *)", rule, false, recorded},
	{"cron(*/60 * * * ? *)", rule, false, recorded},
	{"cron(0/15 * * * * *)", rule, false, recorded},
	{"cron(0/1 * * ? *)", rule, false, recorded},
	{"cron()", rule, false, recorded},

	// EventBridge rules: cron, limits from the documentation's table.
	{"cron(0 25 * * ? *)", rule, false, documented},
	{"cron(60 0 * * ? *)", rule, false, documented},
	{"cron(0 0 32 * ? *)", rule, false, documented},
	{"cron(0 0 0 * ? *)", rule, false, documented},
	{"cron(0 0 * 13 ? *)", rule, false, documented},
	{"cron(0 0 * 0 ? *)", rule, false, documented},
	{"cron(0 0 ? * 0 *)", rule, false, documented},
	{"cron(0 0 ? * 8 *)", rule, false, documented},
	{"cron(0 0 * * ? 1969)", rule, false, documented},
	{"cron(0 0 * * ? 2200)", rule, false, documented},
	{"cron(0 0 1 1 ? 1970)", rule, true, documented},
	{"cron(59 23 31 12 ? 2199)", rule, true, documented},
	{"cron(0 12 ? * 3#1,6#3 *)", rule, false, documented},
	{"cron(0 12 ? ? * *)", rule, false, documented},
	{"cron(0 12 ? * ? *)", rule, false, documented},
	{"cron(0 12 1 * 2 *)", rule, false, documented},
	{"cron(0 12 L * ? L)", rule, false, documented},
	{"cron(0 ? * * ? *)", rule, false, documented},
	{"cron(0 12 * ? ? *)", rule, false, documented},
	{"cron(0 12 1W * ? *)", rule, true, documented},
	{"cron(0 12 ? * 2W *)", rule, false, documented},
	{"cron(0 12 1#2 * ? *)", rule, false, documented},
	{"cron(0 12 ? * 1#5 *)", rule, true, documented},
	{"cron(0 12 ? * 1#6 *)", rule, false, decision},
	{"cron(0 12 ? * 1#0 *)", rule, false, decision},
	{"cron(0 12 * JAN-DEC ? *)", rule, true, documented},
	{"cron(0 12 ? * SUN-SAT *)", rule, true, documented},
	{"cron(0 12 * * ? 2020,2025-2030)", rule, true, documented},
	{"cron(*/59 */23 */31 */12 ? */5)", rule, true, decision},
	{"cron(0 */24 * * ? *)", rule, false, decision},
	{"cron(0 0 */32 * ? *)", rule, false, decision},
	{"cron(0 0 1 */13 ? *)", rule, false, decision},

	// EventBridge rules: cron, Sluice's decisions where sources are silent.
	{"cron(00 09 * * ? *)", rule, true, decision},
	{"cron(0  12 * * ? *)", rule, true, decision},
	{"cron(0\t12 * * ? *)", rule, true, decision},
	{"cron(0 12 ? * FRI-MON *)", rule, true, decision},
	{"cron(50-10/5 * * * ? *)", rule, true, decision},
	{"cron(0 0 28-3 * ? *)", rule, true, decision},
	{"cron(0 0 1 NOV-FEB ? *)", rule, true, decision},
	{"cron(0 0 1 * ? 2030-2020)", rule, false, decision},
	{"cron( 0 12 * * ? *)", rule, false, decision},
	{"cron(0 12 * * ? * )", rule, false, decision},
	{"cron(0 12 * * ? * *)", rule, false, decision},
	{"CRON(0 12 * * ? *)", rule, false, decision},
	{"cron(0 12 L-3 * ? *)", rule, false, decision},
	{"cron(0 12 L,15 * ? *)", rule, false, decision},
	{"cron(0 12 15W,20 * ? *)", rule, false, decision},
	{"cron(0 12 1-5W * ? *)", rule, false, decision},
	{"cron(0 12 32W * ? *)", rule, false, decision},
	{"cron(0 12 ? * */2 *)", rule, false, decision},
	{"cron(0 12 ? * MON/2 *)", rule, false, decision},
	{"cron(0 12 * JAN/2 ? *)", rule, false, decision},
	{"cron(0 12 ? * MONDAY *)", rule, false, decision},
	{"cron(0 12 ? * 6L,2 *)", rule, false, decision},
	{"cron(0 12 ? * L-2 *)", rule, false, decision},
	{"cron(*/0 * * * ? *)", rule, false, decision},
	{"cron(5/0 * * * ? *)", rule, false, decision},
	{"cron(, 12 * * ? *)", rule, false, decision},
	{"cron(*-5 12 * * ? *)", rule, false, decision},
	{"cron(1-60 * * * ? *)", rule, false, decision},
	{"cron(0 12 * * ? 2020/0)", rule, false, decision},
	{"cron(0 12 ?,1 * ? *)", rule, false, decision},
	{"cron(0 12 * * ?,1 *)", rule, false, decision},
	{"cron(0 12 * * ? *", rule, false, decision},
	{"at(2030-01-01T00:00:00)", rule, false, documented},

	// EventBridge Scheduler.
	{"at(2022-11-20T13:00:00)", scheduler, true, documented},
	{"at(2022-12-31T23:59:59)", scheduler, true, recorded},
	{"at(2024-02-29T00:00:00)", scheduler, true, decision},
	{"rate(5 minutes)", scheduler, true, documented},
	{"rate(1 hour)", scheduler, true, documented},
	{"cron(30 8 * * ? *)", scheduler, true, documented},
	{"cron(15 10 ? * 6L 2022-2023)", scheduler, true, documented},
	{"cron(0 1 * * * *)", scheduler, false, recorded},
	{"cron(7 20 * * NOT *)", scheduler, false, recorded},
	{"cron(INVALID)", scheduler, false, recorded},
	{"cron(0 dummy ? * MON-FRI *)", scheduler, false, recorded},
	{"cron(71 8 1 * ? *)", scheduler, false, recorded},
	{"cron()", scheduler, false, recorded},
	{"rate(10 seconds)", scheduler, false, recorded},
	{"rate(10 years)", scheduler, false, recorded},
	{"rate()", scheduler, false, recorded},
	{"rate(10)", scheduler, false, recorded},
	{"rate(10 minutess)", scheduler, false, recorded},
	{"rate(foo minutes)", scheduler, false, recorded},
	{"rate(-10 minutes)", scheduler, false, recorded},
	{"rate( 10 minutes )", scheduler, false, recorded},
	{" rate(10 minutes)", scheduler, false, recorded},
	{"at(2021-12-31T23:59:59Z)", scheduler, false, recorded},
	{"at(2021-12-31)", scheduler, false, recorded},
	{"rate(1 hours)", scheduler, false, decision},
	{"at(2023-02-29T00:00:00)", scheduler, false, decision},
	{"at(2024-13-01T00:00:00)", scheduler, false, decision},
	{"at(2024-04-31T00:00:00)", scheduler, false, decision},
	{"at(2024-01-01T24:00:00)", scheduler, false, decision},
	{"at(2024-01-01T00:60:00)", scheduler, false, decision},
	{"at(2024-01-01T00:00:60)", scheduler, false, decision},
	{"at(2024-01-01 00:00:00)", scheduler, false, decision},
	{"at(2024-01-01T00:00:00.000)", scheduler, false, decision},
	{"at(2024-01-01T00:00)", scheduler, false, decision},
	{"at(2024-1-01T00:00:00)", scheduler, false, decision},
	{"at( 2024-01-01T00:00:00)", scheduler, false, decision},
	{"AT(2024-01-01T00:00:00)", scheduler, false, decision},
}

func TestParse(t *testing.T) {
	t.Parallel()
	for _, c := range parseCases {
		name := strings.ReplaceAll(c.expr, "/", "∕") // keep subtest names flat
		if c.opts.Scheduler {
			name = "scheduler/" + name
		} else {
			name = "rule/" + name
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e, err := Parse(c.expr, c.opts)
			if c.valid {
				if err != nil {
					t.Fatalf("Parse(%q) [%s]: %v (%s)", c.expr, c.source, err, err.(*Error).Reason)
				}
				if got := e.String(); got != c.expr {
					t.Errorf("String() = %q, want %q", got, c.expr)
				}
				return
			}
			if err == nil {
				t.Fatalf("Parse(%q) [%s] succeeded, want ValidationException", c.expr, c.source)
			}
			pe, ok := asError(err)
			if !ok {
				t.Fatalf("error is %T, want *Error", err)
			}
			want := "Parameter ScheduleExpression is not valid."
			if c.opts.Scheduler {
				want = "Invalid Schedule Expression " + c.expr + "."
			}
			if pe.Message != want || err.Error() != want {
				t.Errorf("message %q, want %q", pe.Message, want)
			}
			if pe.Reason == "" || pe.Expr != c.expr {
				t.Errorf("Reason %q, Expr %q: want a reason and the expression", pe.Reason, pe.Expr)
			}
		})
	}
}

func TestKindAndPeriod(t *testing.T) {
	t.Parallel()
	cases := []struct {
		expr   string
		opts   Options
		kind   Kind
		period time.Duration
	}{
		{"rate(1 minute)", rule, KindRate, time.Minute},
		{"rate(90 minutes)", rule, KindRate, 90 * time.Minute},
		{"rate(1 hour)", rule, KindRate, time.Hour},
		{"rate(7 days)", rule, KindRate, 7 * 24 * time.Hour},
		{"rate(45 seconds)", ruleSecs, KindRate, 45 * time.Second},
		{"cron(0 12 * * ? *)", rule, KindCron, 0},
		{"at(2030-01-01T00:00:00)", scheduler, KindAt, 0},
	}
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			t.Parallel()
			e := MustParse(c.expr, c.opts)
			if e.Kind() != c.kind || e.Period() != c.period {
				t.Errorf("Kind %v Period %v, want %v %v", e.Kind(), e.Period(), c.kind, c.period)
			}
			if e.Kind().String() != strings.SplitN(c.expr, "(", 2)[0] {
				t.Errorf("Kind().String() = %q", e.Kind())
			}
		})
	}
}

// TestTrailingCommas checks that AWS's tolerance of empty list items
// (cron(0/5, 9-18, ?, *, MON-FRI, *) is accepted by PutRule) gives the
// same schedule as the expression without them.
func TestTrailingCommas(t *testing.T) {
	t.Parallel()
	a := MustParse("cron(0/5, 9-18, ?, *, MON-FRI, *)", rule)
	b := MustParse("cron(0/5 9-18 ? * MON-FRI *)", rule)
	from := utc(2024, 6, 7, 17, 50)
	got := fires(t, a, time.UTC, from, 20, time.RFC3339)
	want := fires(t, b, time.UTC, from, 20, time.RFC3339)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got %v\nwant %v", got, want)
	}
}
