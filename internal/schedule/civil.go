package schedule

import "time"

// civil is a local wall-clock time: a calendar date and a time of day
// with no zone. Cron expressions match civil times; a location then maps
// them to instants.
type civil struct {
	y, mo, d, h, mi, s int
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// daysIn returns the number of days in month mo (1-12) of year y.
func daysIn(y, mo int) int {
	switch mo {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil returns the days from 1970-01-01 to y-mo-d in the
// proleptic Gregorian calendar (Howard Hinnant's algorithm).
func daysFromCivil(y, mo, d int) int64 {
	if mo <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	m := mo + 9
	if mo > 2 {
		m = mo - 3
	}
	doy := (153*m+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int64) (y, mo, d int) {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	mo = int(mp + 3)
	if mp >= 10 {
		mo = int(mp - 9)
	}
	y = int(yoe + era*400)
	if mo <= 2 {
		y++
	}
	return y, mo, d
}

// weekday returns the day of the week of y-mo-d, 0 = Sunday.
func weekday(y, mo, d int) int {
	w := (daysFromCivil(y, mo, d) + 4) % 7 // 1970-01-01 was a Thursday
	if w < 0 {
		w += 7
	}
	return int(w)
}

// wall returns c as seconds since 1970-01-01T00:00:00 read as UTC.
func (c civil) wall() int64 {
	return daysFromCivil(c.y, c.mo, c.d)*86400 + int64(c.h*3600+c.mi*60+c.s)
}

// civilOf is the inverse of civil.wall.
func civilOf(w int64) civil {
	days := w / 86400
	sec := w % 86400
	if sec < 0 {
		sec += 86400
		days--
	}
	y, mo, d := civilFromDays(days)
	return civil{y: y, mo: mo, d: d, h: int(sec / 3600), mi: int(sec / 60 % 60), s: int(sec % 60)}
}

// wallOf returns the wall-clock reading of t in loc, as seconds.
func wallOf(t time.Time, loc *time.Location) int64 {
	if loc == time.UTC {
		return t.Unix()
	}
	_, off := t.In(loc).Zone()
	return t.Unix() + int64(off)
}

// zoneWindow bounds how far an instant can be from its wall-clock reading:
// no zone is more than 26 hours from UTC.
const zoneWindow = 26 * 3600

// resolution is how a wall-clock time maps to instants in a location.
type resolution struct {
	at         int64 // the first instant showing the wall time, when ok
	ok         bool  // the wall time exists
	overlapEnd int64 // when the wall time is shown twice: the first wall time after the repeated ones
	gap        bool  // the wall time falls in a spring-forward gap
	gapAt      int64 // in a gap: the instant read with the offset in force before it
	resume     int64 // in a gap: the first wall time after it
}

// offsetAt returns loc's offset from UTC, in seconds, at instant x.
func offsetAt(x int64, loc *time.Location) int64 {
	_, off := time.Unix(x, 0).In(loc).Zone()
	return int64(off)
}

// transition is a change of offset at instant at.
type transition struct {
	at            int64
	before, after int64 // offsets
}

// transitions appends the offset changes in (a, b], found by bisection on
// offsets alone. (Time.ZoneBounds is not used: past the end of the zone
// tables it can report a zone period that ends before the instant asked
// about.) A change and its reversal within one bisection step would go
// unseen; no zone has two transitions within hours of each other.
func transitions(a, oa, b, ob int64, loc *time.Location, out []transition) []transition {
	if oa == ob {
		return out
	}
	if b-a <= 1 {
		return append(out, transition{at: b, before: oa, after: ob})
	}
	m := a + (b-a)/2
	om := offsetAt(m, loc)
	out = transitions(a, oa, m, om, loc, out)
	return transitions(m, om, b, ob, loc, out)
}

// resolve maps the wall time w (seconds, see civil.wall) to the instants
// in loc whose reading it is, exactly at every transition: in a fall-back
// overlap it returns the earlier of the two instants, and in a
// spring-forward gap it reports none.
func resolve(w int64, loc *time.Location) resolution {
	if loc == time.UTC {
		return resolution{at: w, ok: true}
	}
	lo, hi := w-zoneWindow, w+zoneWindow
	olo, ohi := offsetAt(lo, loc), offsetAt(hi, loc)
	if olo == ohi {
		// No transition near: the common case.
		return resolution{at: w - olo, ok: true}
	}
	var buf [4]transition
	ts := transitions(lo, olo, hi, ohi, loc, buf[:0])
	var r resolution
	// Zone periods: before ts[0], between transitions, after the last.
	for i := 0; i <= len(ts); i++ {
		off, from, to := olo, lo, hi+1
		if i > 0 {
			off, from = ts[i-1].after, ts[i-1].at
		}
		if i < len(ts) {
			to = ts[i].at
		}
		if cand := w - off; cand >= from && cand < to {
			if r.ok {
				// Shown again after a fall-back transition: keep the first.
				r.overlapEnd = ts[i-1].at + ts[i-1].before
				continue
			}
			r.at, r.ok = cand, true
		}
	}
	if !r.ok {
		for _, t := range ts {
			if t.at+t.before <= w && w < t.at+t.after {
				r.gap, r.resume, r.gapAt = true, t.at+t.after, w-t.before
				break
			}
		}
	}
	return r
}

// firstInstant returns the first instant in loc whose wall-clock reading
// is c. For a wall time in a spring-forward gap it returns, when shiftGap
// is set, the instant that the offset in force before the gap gives (so
// 02:30 in a gap from 02:00 to 03:00 becomes 03:30 new time), and the zero
// Time otherwise.
func firstInstant(c civil, loc *time.Location, shiftGap bool) time.Time {
	r := resolve(c.wall(), loc)
	switch {
	case r.ok:
		return time.Unix(r.at, 0).In(loc)
	case shiftGap && r.gap:
		return time.Unix(r.gapAt, 0).In(loc)
	}
	return time.Time{}
}
