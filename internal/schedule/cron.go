package schedule

import (
	"strconv"
	"strings"
)

// Cron years run from 1970 to 2199, as AWS documents.
const (
	minYear = 1970
	maxYear = 2199
)

// dayRule is how a cron expression picks days: by day of month or by day
// of week (the other field being "?"), in one of several forms.
type dayRule uint8

const (
	domList     dayRule = iota + 1 // days of month in domSet
	domLast                        // L: the last day of the month
	domLastWday                    // LW: the last weekday (Mon-Fri) of the month
	domNearest                     // nW: the weekday nearest day n, within the month
	dowList                        // days of week in dowSet
	dowLast                        // nL: the last day n of the week in the month
	dowNth                         // n#k: the k-th day n of the week in the month
)

// cronSpec is a parsed cron expression: a bit set per field, and the rule
// that picks days.
type cronSpec struct {
	minutes uint64    // bit m for minute m, 0-59
	hours   uint32    // bit h for hour h, 0-23
	months  uint16    // bit m for month m, 1-12
	years   [4]uint64 // bit y-minYear for year y
	domSet  uint32    // domList: bit d for day d, 1-31
	dowSet  uint8     // dowList: bit w for weekday w, 0 = Sunday
	rule    dayRule
	n       int // domNearest: the day; dowLast, dowNth: the weekday, 0 = Sunday
	nth     int // dowNth: 1-5
}

// field describes one of the six fields: its name for messages, its
// values and which of AWS's wildcards it takes.
type field struct {
	name     string
	min, max int
	names    []string // names for min, min+1, ...: months and days of week
	step     bool     // takes "/"
	wrap     bool     // a range may wrap around (22-2)
}

var (
	fMinute = field{name: "minutes", min: 0, max: 59, step: true, wrap: true}
	fHour   = field{name: "hours", min: 0, max: 23, step: true, wrap: true}
	fDom    = field{name: "day-of-month", min: 1, max: 31, step: true, wrap: true}
	fMonth  = field{name: "month", min: 1, max: 12, step: true, wrap: true,
		names: []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}}
	fDow = field{name: "day-of-week", min: 1, max: 7, wrap: true,
		names: []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}}
	fYear = field{name: "year", min: minYear, max: maxYear, step: true}
)

// parseCron parses the six space-separated fields of a cron expression.
// It returns a reason when they are not valid.
func parseCron(body string) (*cronSpec, string) {
	if body == "" || isBlank(body[0]) || isBlank(body[len(body)-1]) {
		return nil, "cron needs six fields separated by spaces"
	}
	fields := strings.FieldsFunc(body, func(r rune) bool { return r == ' ' || r == '\t' })
	if len(fields) != 6 {
		return nil, "cron needs exactly six fields: minutes hours day-of-month month day-of-week year"
	}
	for i, f := range fields {
		fields[i] = strings.ToUpper(f) // names and L, W are not case-sensitive
	}
	c := &cronSpec{}
	var reason string
	var bits uint64
	if bits, reason = parseList(fields[0], fMinute); reason != "" {
		return nil, reason
	}
	c.minutes = bits
	if bits, reason = parseList(fields[1], fHour); reason != "" {
		return nil, reason
	}
	c.hours = uint32(bits)
	if bits, reason = parseList(fields[3], fMonth); reason != "" {
		return nil, reason
	}
	c.months = uint16(bits)
	if reason = c.parseYears(fields[5]); reason != "" {
		return nil, reason
	}
	domAny, dowAny := items(fields[2]) == "?", items(fields[4]) == "?"
	switch {
	case domAny && dowAny:
		return nil, "only one of day-of-month and day-of-week may be ?"
	case !domAny && !dowAny:
		return nil, "one of day-of-month and day-of-week must be ?"
	case dowAny:
		reason = c.parseDom(items(fields[2]))
	default:
		reason = c.parseDow(items(fields[4]))
	}
	if reason != "" {
		return nil, reason
	}
	return c, ""
}

func isBlank(b byte) bool { return b == ' ' || b == '\t' }

// items drops empty items from a comma-separated list: AWS accepts
// "0/5," as "0/5" (a PutRule answer recorded in aws/aws-sdk#161).
func items(s string) string {
	if !strings.Contains(s, ",,") && !strings.HasPrefix(s, ",") && !strings.HasSuffix(s, ",") {
		return s
	}
	parts := strings.Split(s, ",")
	kept := parts[:0]
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, ",")
}

// parseList parses a comma-separated list of *, values, ranges and
// increments into a bit set with bit v for value v (for years, v-minYear).
func parseList(s string, f field) (uint64, string) {
	s = items(s)
	if s == "" {
		return 0, f.name + ": empty field"
	}
	var bits uint64
	for item := range strings.SplitSeq(s, ",") {
		b, reason := parseItem(item, f)
		if reason != "" {
			return 0, reason
		}
		bits |= b
	}
	return bits, ""
}

// parseItem parses *, */s, v, v/s, a-b and a-b/s.
func parseItem(item string, f field) (uint64, string) {
	body, stepText, hasStep := strings.Cut(item, "/")
	step := 1
	if hasStep {
		if !f.step {
			return 0, f.name + ": / is not allowed"
		}
		n, ok := number(stepText)
		if !ok || n < 1 {
			return 0, f.name + ": the increment after / must be a positive integer"
		}
		if f.max-f.min+1 < 100 && n > f.max {
			// Quartz's limits, which AWS applies: cron(*/60 * * * ? *) is refused.
			return 0, f.name + ": increment " + strconv.Itoa(n) + " is larger than " + strconv.Itoa(f.max)
		}
		step = n
	}
	lo, hi := f.min, f.max
	switch {
	case body == "*":
	default:
		a, b, isRange := strings.Cut(body, "-")
		var named bool
		var reason string
		if lo, named, reason = value(a, f); reason != "" {
			return 0, reason
		}
		if isRange {
			var named2 bool
			if hi, named2, reason = value(b, f); reason != "" {
				return 0, reason
			}
			named = named || named2
		} else if !hasStep {
			hi = lo
		}
		if named && hasStep {
			return 0, f.name + ": / may follow only numbers or *"
		}
		if hi < lo && !f.wrap {
			return 0, f.name + ": range " + body + " runs backwards"
		}
	}
	return spread(lo, hi, step, f), ""
}

// spread sets every step-th value from lo to hi, wrapping past the field's
// maximum when hi < lo (minutes 50-10 are 50..59 and 0..10).
func spread(lo, hi, step int, f field) uint64 {
	size := f.max - f.min + 1
	if hi < lo {
		hi += size
	}
	var bits uint64
	for v := lo; v <= hi; v += step {
		x := v
		if x > f.max {
			x -= size
		}
		bits |= 1 << uint(x-bitBase(f))
	}
	return bits
}

// bitBase is the value held by bit 0 of a field's bit set.
func bitBase(f field) int {
	if f.min == minYear {
		return minYear
	}
	return 0
}

// value parses a number or, for months and days of week, a three-letter
// name, and checks its range.
func value(s string, f field) (v int, named bool, reason string) {
	if f.names != nil {
		for i, n := range f.names {
			if s == n {
				return f.min + i, true, ""
			}
		}
	}
	n, ok := number(s)
	if !ok {
		return 0, false, f.name + ": " + strconv.Quote(s) + " is not a value"
	}
	if n < f.min || n > f.max {
		return 0, false, f.name + ": " + s + " is out of range " + strconv.Itoa(f.min) + "-" + strconv.Itoa(f.max)
	}
	return n, false, ""
}

// number parses one to nine decimal digits.
func number(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

func (c *cronSpec) parseYears(s string) string {
	s = items(s)
	if s == "" {
		return "year: empty field"
	}
	for item := range strings.SplitSeq(s, ",") {
		// Years span 230 values: spread them over four words.
		body, stepText, hasStep := strings.Cut(item, "/")
		step := 1
		if hasStep {
			n, ok := number(stepText)
			if !ok || n < 1 {
				return "year: the increment after / must be a positive integer"
			}
			step = n
		}
		lo, hi := minYear, maxYear
		if body != "*" {
			a, b, isRange := strings.Cut(body, "-")
			var reason string
			if lo, _, reason = value(a, fYear); reason != "" {
				return reason
			}
			if isRange {
				if hi, _, reason = value(b, fYear); reason != "" {
					return reason
				}
			} else if !hasStep {
				hi = lo
			}
			if hi < lo {
				return "year: range " + body + " runs backwards"
			}
		}
		for y := lo; y <= hi; y += step {
			c.years[(y-minYear)/64] |= 1 << uint((y-minYear)%64)
		}
	}
	return ""
}

// parseDom parses a day-of-month field other than "?": a list, or one of
// L, LW and nW, which stand alone.
func (c *cronSpec) parseDom(s string) string {
	switch {
	case s == "L":
		c.rule = domLast
		return ""
	case s == "LW":
		c.rule = domLastWday
		return ""
	case strings.HasSuffix(s, "W"):
		n, ok := number(s[:len(s)-1])
		if !ok || n < 1 || n > 31 {
			return "day-of-month: W must follow a single day 1-31"
		}
		c.rule, c.n = domNearest, n
		return ""
	case strings.ContainsAny(s, "LW"):
		return "day-of-month: L and W stand alone, as L, LW or nW"
	case strings.Contains(s, "?"):
		return "day-of-month: ? stands alone"
	}
	bits, reason := parseList(s, fDom)
	if reason != "" {
		return reason
	}
	c.rule, c.domSet = domList, uint32(bits)
	return ""
}

// parseDow parses a day-of-week field other than "?": a list, L (which is
// Saturday), nL or n#k, which stand alone. Days run 1-7 from SUN.
func (c *cronSpec) parseDow(s string) string {
	if s == "L" {
		c.rule, c.dowSet = dowList, 1<<6
		return ""
	}
	if d, k, ok := strings.Cut(s, "#"); ok {
		v, _, reason := value(d, fDow)
		if reason != "" {
			return reason
		}
		n, ok := number(k)
		if !ok || n < 1 || n > 5 {
			return "day-of-week: # must be followed by 1-5"
		}
		c.rule, c.n, c.nth = dowNth, v-1, n
		return ""
	}
	if d, ok := strings.CutSuffix(s, "L"); ok {
		v, _, reason := value(d, fDow)
		if reason != "" {
			return "day-of-week: L stands alone or follows a single day"
		}
		c.rule, c.n = dowLast, v-1
		return ""
	}
	if strings.ContainsAny(s, "?L#") {
		return "day-of-week: ?, L and # stand alone"
	}
	bits, reason := parseList(s, fDow)
	if reason != "" {
		return reason
	}
	c.rule, c.dowSet = dowList, uint8(bits>>1) // days 1-7 to weekdays 0-6
	return ""
}
