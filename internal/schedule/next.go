package schedule

import (
	"math/bits"
	"time"
)

// nextBit returns the lowest set bit of set at or above from, and false
// when there is none.
func nextBit(set uint64, from int) (int, bool) {
	if from > 63 {
		return 0, false
	}
	if from < 0 {
		from = 0
	}
	rest := set >> uint(from) << uint(from)
	if rest == 0 {
		return 0, false
	}
	return bits.TrailingZeros64(rest), true
}

// nextYear returns the first year at or after y that the expression
// allows.
func (c *cronSpec) nextYear(y int) (int, bool) {
	if y < minYear {
		y = minYear
	}
	for i := (y - minYear) / 64; i < len(c.years); i++ {
		from := 0
		if i == (y-minYear)/64 {
			from = (y - minYear) % 64
		}
		if b, ok := nextBit(c.years[i], from); ok {
			if yy := minYear + i*64 + b; yy <= maxYear {
				return yy, true
			}
			return 0, false
		}
	}
	return 0, false
}

// dayMask returns the days of month mo of year y that the expression
// allows, as bit d for day d.
func (c *cronSpec) dayMask(y, mo int) uint32 {
	last := daysIn(y, mo)
	switch c.rule {
	case domList:
		return c.domSet & (1<<uint(last+1) - 1)
	case domLast:
		return 1 << uint(last)
	case domLastWday:
		d := last
		switch weekday(y, mo, last) {
		case 6:
			d--
		case 0:
			d -= 2
		}
		return 1 << uint(d)
	case domNearest:
		// Quartz's rule, which AWS follows: the weekday nearest day n,
		// never crossing into another month; no day when the month is
		// shorter than n (31W skips 30-day months).
		n := c.n
		if n > last {
			return 0
		}
		switch weekday(y, mo, n) {
		case 6: // Saturday: the Friday before, or Monday the 3rd
			if n == 1 {
				n = 3
			} else {
				n--
			}
		case 0: // Sunday: the Monday after, or the Friday before the last day
			if n == last {
				n -= 2
			} else {
				n++
			}
		}
		return 1 << uint(n)
	case dowList:
		first := weekday(y, mo, 1)
		var mask uint32
		for w := 0; w < 7; w++ {
			if c.dowSet&(1<<uint(w)) == 0 {
				continue
			}
			for d := 1 + (w-first+7)%7; d <= last; d += 7 {
				mask |= 1 << uint(d)
			}
		}
		return mask
	case dowLast:
		d := last - (weekday(y, mo, last)-c.n+7)%7
		return 1 << uint(d)
	case dowNth:
		d := 1 + (c.n-weekday(y, mo, 1)+7)%7 + 7*(c.nth-1)
		if d > last {
			return 0
		}
		return 1 << uint(d)
	}
	return 0
}

// nextWall returns the first civil minute at or after w (seconds ignored)
// that the expression matches, jumping field by field: a year, then a
// month, a day, an hour and a minute, restarting the lower fields at their
// first value whenever a higher one moves. No step scans minute by minute.
func (c *cronSpec) nextWall(w civil) (civil, bool) {
	y, mo, d, h, mi := w.y, w.mo, w.d, w.h, w.mi
	maskY, maskMo, mask := 0, 0, uint32(0)
	for {
		ny, ok := c.nextYear(y)
		if !ok {
			return civil{}, false
		}
		if ny != y {
			y, mo, d, h, mi = ny, 1, 1, 0, 0
		}
		m, ok := nextBit(uint64(c.months), mo)
		if !ok || m > 12 {
			y, mo, d, h, mi = y+1, 1, 1, 0, 0
			continue
		}
		if m != mo {
			mo, d, h, mi = m, 1, 0, 0
		}
		if maskY != y || maskMo != mo {
			maskY, maskMo, mask = y, mo, c.dayMask(y, mo)
		}
		dd, ok := nextBit(uint64(mask), d)
		if !ok {
			mo, d, h, mi = mo+1, 1, 0, 0
			if mo > 12 {
				y, mo = y+1, 1
			}
			continue
		}
		if dd != d {
			d, h, mi = dd, 0, 0
		}
		hh, ok := nextBit(uint64(c.hours), h)
		if !ok || hh > 23 {
			d, h, mi = d+1, 0, 0
			continue
		}
		if hh != h {
			h, mi = hh, 0
		}
		mm, ok := nextBit(c.minutes, mi)
		if !ok || mm > 59 {
			h, mi = h+1, 0
			continue
		}
		return civil{y: y, mo: mo, d: d, h: h, mi: mm}, true
	}
}

// next returns the first instant strictly after after at which the
// expression fires in loc. Each matching wall-clock minute fires once, at
// the first instant that shows it; one that does not exist (a
// spring-forward gap) does not fire.
func (c *cronSpec) next(after time.Time, loc *time.Location) (time.Time, bool) {
	aw := wallOf(after, loc)
	start := aw - mod(aw, 60) + 60 // the next wall minute
	if first := (civil{y: minYear, mo: 1, d: 1}).wall(); start < first {
		start = first
	}
	w := civilOf(start)
	for {
		m, ok := c.nextWall(w)
		if !ok {
			return time.Time{}, false
		}
		r := resolve(m.wall(), loc)
		switch {
		case r.ok && r.at > after.Unix(): // whole seconds: strictly after after
			return time.Unix(r.at, 0).In(loc), true
		case r.gap:
			// Skipped by a spring-forward transition: go on after the gap.
			w = civilOf(r.resume + mod(-r.resume, 60))
		case r.ok && r.overlapEnd > m.wall():
			// A repeated wall time that already fired in the first pass of
			// a fall-back overlap, as all those after it have: go on after
			// the overlap.
			w = civilOf(r.overlapEnd + mod(-r.overlapEnd, 60))
		default:
			w = civilOf(m.wall() + 60)
		}
	}
}

// mod returns a mod m in [0, m).
func mod(a, m int64) int64 {
	r := a % m
	if r < 0 {
		r += m
	}
	return r
}
