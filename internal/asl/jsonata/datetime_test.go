package jsonata

import (
	"errors"
	"testing"
	"time"
)

// dtClock is the fixed time the date/time tests evaluate at:
// 2018-03-23T10:33:36.617Z, a Friday.
var dtClock = time.UnixMilli(1521801216617)

// dtCase is an expression and its expected result: Stringify of the
// value, "undefined", or "error:CODE".
type dtCase struct {
	expr string
	want string
}

// runDTCases evaluates each expression at dtClock and compares.
func runDTCases(t *testing.T, cases []dtCase) {
	t.Helper()
	for _, c := range cases {
		got := evalForTest(c.expr)
		if got != c.want {
			t.Errorf("%s: got %s, want %s", c.expr, got, c.want)
		}
	}
}

// evalForTest evaluates expr at dtClock and renders the outcome as
// runDTCases compares it.
func evalForTest(expr string) string {
	e, err := Compile(expr)
	if err != nil {
		return "compile error: " + err.Error()
	}
	v, err := e.EvaluateAt(nil, nil, dtClock)
	if err != nil {
		var je *Error
		if errors.As(err, &je) {
			return "error:" + je.Code
		}
		return "error: " + err.Error()
	}
	if v == nil {
		return "undefined"
	}
	return Stringify(v)
}

func TestNowAndMillis(t *testing.T) {
	runDTCases(t, []dtCase{
		{`$now()`, `"2018-03-23T10:33:36.617Z"`},
		{`$millis()`, `1521801216617`},
		{`$now('[Y0001]-[M01]-[D01]')`, `"2018-03-23"`},
		{`$now('[H01]:[m01] [Z]', '+0530')`, `"16:03 +05:30"`},
		{`$now() = $now() and $millis() = $millis()`, `true`},
		{`$fromMillis($millis()) = $now()`, `true`},
		{`$now('[q]')`, `error:D3132`},
	})
}

func TestFromMillis(t *testing.T) {
	runDTCases(t, []dtCase{
		// ISO 8601 without a picture.
		{`$fromMillis(0)`, `"1970-01-01T00:00:00.000Z"`},
		{`$fromMillis(1)`, `"1970-01-01T00:00:00.001Z"`},
		{`$fromMillis(-1)`, `"1969-12-31T23:59:59.999Z"`},
		{`$fromMillis(1509380732935)`, `"2017-10-30T16:25:32.935Z"`},
		{`$fromMillis(1.9)`, `"1970-01-01T00:00:00.001Z"`},
		{`$fromMillis(nothing)`, `undefined`},
		{`$fromMillis(1540127100000, (), '-0500')`, `"2018-10-21T08:05:00.000-05:00"`},
		{`$fromMillis(1540127100000, (), '0000')`, `"2018-10-21T13:05:00.000Z"`},
		{`$fromMillis(0, (), '-0330')`, `"1969-12-31T20:30:00.000-03:30"`},
		{`$fromMillis(1e16)`, `error:D3137`},
		{`$fromMillis(253402300800000)`, `"10000-01-01T00:00:00.000Z"`},
		{`$fromMillis(-30610224000000)`, `"1000-01-01T00:00:00.000Z"`},
		{`$fromMillis(-62135596800000)`, `"0001-01-01T00:00:00.000Z"`},
		// Literals and brackets.
		{`$fromMillis(1521801216617, 'Hello')`, `"Hello"`},
		{`$fromMillis(1521801216617, '[[Year]]: [[[Y0001]]]')`, `"[Year]: [2018]"`},
		{`$fromMillis(1521801216617, 'Año [Y]')`, `"Año 2018"`},
		// Numeric presentations and widths.
		{`$fromMillis(1521801216617, 'Year: <[Y9,999,*]>')`, `"Year: <2,018>"`},
		{`$fromMillis(1521801216617, '[D#1]/[M#1]/[Y0001]')`, `"23/3/2018"`},
		{`$fromMillis(1521801216617, '[D#1,2]/[M1,2]/[Y,2]')`, `"23/03/18"`},
		{`$fromMillis(1521801216617, '[D#1,2]/[M1,2]/[Y0001,2]')`, `"23/03/2018"`},
		{`$fromMillis(1521801216617, '[D#1,2]/[M1,2]/[Y##01,2-2]')`, `"23/03/18"`},
		{`$fromMillis(1521801216617, '[D#1,2]/[M1,2]/[Y0001,2-2]')`, `"23/03/18"`},
		{`$fromMillis(1521801216617, '[Y01]')`, `"18"`},
		{`$fromMillis(1521801216617, '[Y]-[ M01]-[D 01]T[H01 ]:[ m   ]:[s].[f0  01][Z01:` + "\n" + ` 01t]')`, `"2018-03-23T10:33:36.617Z"`},
		{`$fromMillis(1521801216617, '[D1] [M01] [YI]')`, `"23 03 MMXVIII"`},
		{`$fromMillis(1521801216617, '[Da] [MA] [Yi]')`, `"w C mmxviii"`},
		{`$fromMillis(1521801216617, '[D1o] [M01] [Y]')`, `"23rd 03 2018"`},
		{`$fromMillis(1521801216617, '[Yw]')`, `"two thousand and eighteen"`},
		{`$fromMillis(1521801216617, '[Dwo] [MNn] [YWw]')`, `"twenty-third March Two Thousand and Eighteen"`},
		{`$fromMillis(1521801216617, '[D١]')`, `"٢٣"`},
		// Names.
		{`$fromMillis(1521801216617, '[D1o] [MN] [Y]')`, `"23rd MARCH 2018"`},
		{`$fromMillis(1521801216617, '[FNn], the [Dwo] of [MNn] [Y] [E]')`, `"Friday, the twenty-third of March 2018 ISO"`},
		{`$fromMillis(1521801216617, '[FNn,3-3], [D1o] [MNn,3-3] [Y] [C]')`, `"Fri, 23rd Mar 2018 ISO"`},
		{`$fromMillis(1521801216617, '[FNn,*-2] [Mn]')`, `"Fr march"`},
		{`$fromMillis(1522616700000, '[F0] [FNn]')`, `"7 Sunday"`},
		{`$fromMillis(1522703100000, '[F0] [FNn]')`, `"1 Monday"`},
		// 12-hour clock.
		{`$fromMillis(1521801216617, '[F], [D]/[M]/[Y] [h]:[m]:[s] [P]')`, `"friday, 23/3/2018 10:33:36 am"`},
		{`$fromMillis(1204405500000, '[F], [D]/[M]/[Y] [h]:[m]:[s] [P]')`, `"saturday, 1/3/2008 9:05:00 pm"`},
		{`$fromMillis(1199664000000, '[h]:[m] [PN] [PNn]')`, `"12:00 AM Am"`},
		// Day of year and weeks.
		{`$fromMillis(1514808000000, '[dwo] day of the year')`, `"first day of the year"`},
		{`$fromMillis(1483185600000, '[d] days in [Y0001]')`, `"366 days in 2016"`},
		{`$fromMillis(1451736000000, 'Week: [W]')`, `"Week: 53"`},
		{`$fromMillis(1420459200000, 'Week: [W]')`, `"Week: 2"`},
		{`$fromMillis(1359720000000, 'Week: [w] of [xNn]')`, `"Week: 5 of January"`},
		{`$fromMillis(1483272000000, 'Week: [w] of [xNn]')`, `"Week: 5 of December"`},
		{`$fromMillis(1533038400000, 'Week: [w] of [xNn]')`, `"Week: 1 of August"`},
		{`$fromMillis(1104537600000, '[X0001]-W[W01]-[F1]')`, `"2004-W53-6"`},
		{`$fromMillis(1230681600000, '[X0001]-W[W01]-[F1]')`, `"2009-W01-3"`},
		// Fractional seconds.
		{`$fromMillis(1521801216617, '[f001]|[f]|[f01]|[f1,3-3]')`, `"617|617|61|617"`},
		{`$fromMillis(1521801216500, '[f001]|[f]|[f01]')`, `"500|5|50"`},
		{`$fromMillis(1521801216005, '[f001]|[f]|[f1]')`, `"005|005|005"`},
		// Timezones.
		{`$fromMillis(1521801216617, '[H01]:[m01][Z0101t]', '+0100')`, `"11:33+0100"`},
		{`$fromMillis(1531310400000, '[H01][Z01:01]')`, `"12+00:00"`},
		{`$fromMillis(1531310400000, '[H01][Z01:01t]')`, `"12Z"`},
		{`$fromMillis(1531310400000, '[H01][Z]', '-0500')`, `"07-05:00"`},
		{`$fromMillis(1531310400000, '[H01][Z0]', '-0500')`, `"07-5"`},
		{`$fromMillis(1531310400000, '[H01][Z0]', '+0530')`, `"17+5:30"`},
		{`$fromMillis(1531310400000, '[H01][z]', '-0500')`, `"07GMT-05:00"`},
		{`$fromMillis(1531310400000, '[H01] [z]')`, `"12 GMT+00:00"`},
		{`$fromMillis(1204405500000, '[Y]-[M01]-[D01]T[H01]:[m]', '+0530')`, `"2008-03-02T02:35"`},
		// Picture errors.
		{`$fromMillis(0, '[Z010101t]')`, `error:D3134`},
		{`$fromMillis(0, '[YN]-[M]-[D]')`, `error:D3133`},
		{`$fromMillis(0, '[DNn]')`, `error:D3133`},
		{`$fromMillis(0, '[YN]-[M')`, `error:D3135`},
		{`$fromMillis(0, '[q]')`, `error:D3132`},
		{`$fromMillis(0, '[]')`, `error:D3132`},
		{`$fromMillis(0, '[Y#]')`, `error:D3130`},
		{`$fromMillis(0, '[D0١]')`, `error:D3131`},
	})
}

func TestToMillis(t *testing.T) {
	runDTCases(t, []dtCase{
		// ISO 8601.
		{`$toMillis("1970-01-01T00:00:00.001Z")`, `1`},
		{`$toMillis("2018-02-01T09:42:13.123+0000")`, `1517478133123`},
		{`$toMillis("2018-02-01T09:42:13.123-05:30")`, `1517497933123`},
		{`$toMillis("2017-10-30")`, `1509321600000`},
		{`$toMillis("2017-10-30T15:28:34Z")`, `1509377314000`},
		{`$toMillis("2017-10-30T15:28:34")`, `1509377314000`},
		{`$toMillis("2017-10-30T15:28:34.5Z")`, `1509377314500`},
		{`$toMillis("2018")`, `1514764800000`},
		{`$toMillis("2018-02")`, `1517443200000`},
		{`$toMillis(foo)`, `undefined`},
		{`$toMillis("foo")`, `error:D3110`},
		{`$toMillis("01-02-2018")`, `error:D3110`},
		{`$toMillis("2018-02-03 11:15:33")`, `error:D3110`},
		{`$toMillis("2018-13-01")`, `error:D3110`},
		{`$toMillis("2018-02-30")`, `error:D3110`},
		{`$toMillis("2018-02-01T25:00:00Z")`, `error:D3110`},
		// Pictures.
		{`$toMillis("201802", "[Y0001][M01]")`, `1517443200000`},
		{`$toMillis("201802", "[Y,*-4][M01]")`, `1517443200000`},
		{`$toMillis("20180205", "[Y0001][M01][D01]")`, `1517788800000`},
		{`$toMillis(undefined, 'pic')`, `undefined`},
		{`$toMillis('Hello', 'Hello')`, `undefined`},
		{`$toMillis('2018-03-27T14:03:00.123Z', '[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001]Z')`, `1522159380123`},
		{`$toMillis('21st 12 1881', '[D1o] [M01] [Y0001]')`, `-2777932800000`},
		{`$toMillis('27 iii MMXVIII', '[D1] [Mi] [YI]')`, `1522108800000`},
		{`$toMillis('ae C mmxviii', '[Da] [MA] [Yi]')`, `1522454400000`},
		{`$toMillis('2 Feb 2012', '[D1] [MNn,3-3] [Y0001]')`, `1328140800000`},
		{`$toMillis('2 FEBRUARY 2012', '[D1] [MN] [Y0001]')`, `1328140800000`},
		{`$toMillis('one thousand, nine hundred and eighty-four', '[Yw]')`, `441763200000`},
		{`$toMillis('nineteen hundred and eighty-four', '[Yw]')`, `441763200000`},
		{`$toMillis('Twentieth of August, two thousand and seventeen', '[DW] of [MNn], [Yw]')`, `1503187200000`},
		{`$toMillis('4/4/2018 12:06 am', '[D1]/[M1]/[Y0001] [h]:[m] [P]')`, `1522800360000`},
		{`$toMillis('4/4/2018 12:06 PM', '[D1]/[M1]/[Y0001] [h]:[m] [P]')`, `1522843560000`},
		{`$toMillis('4/4/2018 11:30 pm', '[D1]/[M1]/[Y0001] [h]:[m] [P]')`, `1522884600000`},
		{`$toMillis('2018-094', '[Y0001]-[d001]')`, `1522800000000`},
		{`$toMillis('three hundred and sixty-fifth day of 2018', '[dwo] day of [Y]') ~> $fromMillis()`, `"2018-12-31T00:00:00.000Z"`},
		{`$toMillis('Mon, Twelfth November 2018', '[FNn,*-3], [DWwo] [MNn] [Y]') ~> $fromMillis()`, `"2018-11-12T00:00:00.000Z"`},
		// Components before the first given come from now, after the last
		// given are their minimum.
		{`$toMillis('13:45', '[H]:[m]') ~> $fromMillis()`, `"2018-03-23T13:45:00.000Z"`},
		{`$toMillis('45', '[m]') ~> $fromMillis()`, `"2018-03-23T10:45:00.000Z"`},
		{`$toMillis('2019', '[Y]') ~> $fromMillis()`, `"2019-01-01T00:00:00.000Z"`},
		// Timezones.
		{`$toMillis('2020-09-09 08:00:00 +02:00', '[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [Z]') ~> $fromMillis()`, `"2020-09-09T06:00:00.000Z"`},
		{`$toMillis('2020-09-09 08:00:00 GMT-05:00', '[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [z]') ~> $fromMillis()`, `"2020-09-09T13:00:00.000Z"`},
		{`$toMillis('2020-09-09 12:00:00 GMT-5', '[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [z01]') ~> $fromMillis()`, `"2020-09-09T17:00:00.000Z"`},
		{`$toMillis('2020-09-09 12:00:00 +0530', '[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [Z0001]') ~> $fromMillis()`, `"2020-09-09T06:30:00.000Z"`},
		{`$toMillis('2020-09-09 12:00 Z', '[Y0001]-[M01]-[D01] [H01]:[m01] [Z01:01t]') ~> $fromMillis()`, `"2020-09-09T12:00:00.000Z"`},
		// Round trips through a picture.
		{`$fromMillis(1521801216617, '[FNn], [D1o] [MNn] [Y] [H01]:[m]:[s].[f001]') ~> $toMillis('[FNn], [D1o] [MNn] [Y] [H01]:[m]:[s].[f001]')`, `1521801216617`},
		// Mismatches and errors.
		{`$toMillis('irrelevent string', '[Y]-[M]-[D]')`, `undefined`},
		{`$toMillis('2018-05-22', '[Y]-[M]-[q]')`, `error:D3132`},
		{`$toMillis('2018-05-22', '[YN]-[M]-[D]')`, `error:D3133`},
		{`$toMillis('2018-22', '[Y]-[D]')`, `error:D3136`},
		{`$toMillis('5-22 23:59', '[M]-[D] [m]:[s]')`, `error:D3136`},
		{`$toMillis('2018-3-2-5', '[X]-[x]-[w]-[F1]')`, `error:D3136`},
		{`$toMillis('2018-32-5', '[X]-[W]-[F1]')`, `error:D3136`},
	})
}

// TestISOWeekDates checks [X]-W[W]-[F] against the ISO 8601 week dates
// around several year ends.
func TestISOWeekDates(t *testing.T) {
	cases := map[string]string{
		"2005-01-01": "2004-W53-6", "2005-01-02": "2004-W53-7", "2005-12-31": "2005-W52-6",
		"2006-01-01": "2005-W52-7", "2006-01-02": "2006-W01-1", "2007-12-31": "2008-W01-1",
		"2008-12-29": "2009-W01-1", "2009-12-31": "2009-W53-4", "2010-01-03": "2009-W53-7",
	}
	var list []dtCase
	for date, want := range cases {
		list = append(list, dtCase{
			`$fromMillis($toMillis('` + date + `', '[Y]-[M]-[D]'), '[X0001]-W[W01]-[F1]')`,
			`"` + want + `"`,
		})
	}
	runDTCases(t, list)
}

// TestParseTimezoneArg checks the reading of the timezone argument.
func TestParseTimezoneArg(t *testing.T) {
	for in, want := range map[string]int{
		"0000": 0, "+0100": 60, "-0500": -300, "+0530": 330, "-0330": -210,
		"+05:45": 345, "+10": 600, "junk": 0, "": 0, "-": 0,
	} {
		if got := parseTimezoneArg(in); got != want {
			t.Errorf("parseTimezoneArg(%q) = %d, want %d", in, got, want)
		}
	}
}

// FuzzDateTimePicture checks that no picture, timestamp or timezone makes
// the date/time functions panic, and that every failure is a JSONata
// error.
func FuzzDateTimePicture(f *testing.F) {
	for _, seed := range []string{
		isoPicture, "[Y,2]", "[Y0001,2-2]", "[Z010101t]", "[YN]-[M", "[[", "]]", "[", "]",
		"[Dwo] [MNn,*-3] [FN,2-9]", "[f1###,3-3]", "[Y9,999,*]", "[z]", "[Xx]", "[h]:[m] [P]",
		"[D,-]", "[D,999999999999]", "[Y,1000-1000]", "[M;o]", "[Dα]", "[Z#]", "[Zw]", "[Pi]",
		"[d0١]", "[F١]", "[Y\xff]", "[\xffY]",
	} {
		f.Add(seed, "2018-03-23", "+0100", 1521801216617.0)
	}
	f.Fuzz(func(t *testing.T, pic, ts, tz string, ms float64) {
		check := func(err error) {
			if err == nil {
				return
			}
			var je *Error
			if !errors.As(err, &je) {
				t.Fatalf("picture %q: non-JSONata error %v", pic, err)
			}
		}
		_, err := formatMillis(ms, pic, tz)
		check(err)
		_, err = parseWithPicture(ts, pic, dtClock)
		check(err)
		if s, err := formatMillis(1521801216617, pic, nil); err == nil {
			_, err = parseWithPicture(s, pic, dtClock)
			check(err)
		}
	})
}
