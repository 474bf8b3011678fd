package jsonata

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// This file holds $toMillis: ISO 8601 timestamps, and timestamps read
// through an fn:format-dateTime picture.

func init() {
	register("toMillis", "<s-s?:n>", fnToMillis)
}

// fnToMillis implements $toMillis(timestamp [, picture]).
func fnToMillis(c *Call, args []Value) (Value, error) {
	s, ok := args[0].(string)
	if !ok {
		return nil, nil
	}
	pic, ok := args[1].(string)
	if !ok {
		ms, ok := parseISO8601(s)
		if !ok {
			return nil, &Error{Code: "D3110", Position: c.Position, Value: s}
		}
		return ms, nil
	}
	v, err := parseWithPicture(s, pic, c.Now())
	if err != nil {
		return nil, errorAt(err, c.Position)
	}
	return v, nil
}

// isoTimestamp matches the ISO 8601 forms $toMillis reads without a
// picture: a year, optionally month and day, optionally a time with
// optional fraction and offset.
var isoTimestamp = regexp.MustCompile(`^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$`)

// parseISO8601 reads an ISO 8601 timestamp as milliseconds since the
// epoch. A timestamp without an offset is taken as UTC.
func parseISO8601(s string) (float64, bool) {
	g := isoTimestamp.FindStringSubmatch(s)
	if g == nil {
		return 0, false
	}
	num := func(s string, def int) int {
		if s == "" {
			return def
		}
		n, _ := strconv.Atoi(s)
		return n
	}
	year, month, day := num(g[1], 0), num(g[2], 1), num(g[3], 1)
	hour, minute, sec := num(g[4], 0), num(g[5], 0), num(g[6], 0)
	ms := 0
	if g[7] != "" {
		frac := (g[7] + "00")[:3]
		ms = num(frac, 0)
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(year, time.Month(month)) ||
		hour > 24 || minute > 59 || sec > 59 || (hour == 24 && (minute != 0 || sec != 0 || ms != 0)) {
		return 0, false
	}
	offset := 0
	if z := g[8]; z != "" && z != "Z" {
		digits := strings.Replace(z[1:], ":", "", 1)
		oh, om := num(digits[:2], 0), num(digits[2:], 0)
		if oh > 23 || om > 59 {
			return 0, false
		}
		offset = oh*60 + om
		if z[0] == '-' {
			offset = -offset
		}
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, ms*1e6, time.UTC)
	return float64(t.UnixMilli() - int64(offset)*60000), true
}

// daysIn returns the number of days in a month.
func daysIn(year int, m time.Month) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// parseWithPicture reads a timestamp through a date/time picture. It
// returns undefined when the timestamp does not match the picture or the
// picture holds no date or time component, and D3136 when the components
// leave a gap (a year and a day but no month, say). Components left out
// before the first given are those of now (in UTC); those after the last
// given are their minimum.
func parseWithPicture(s, pic string, now time.Time) (Value, error) {
	parts, err := parseDateTimePicture(pic)
	if err != nil {
		return nil, err
	}
	var re strings.Builder
	re.WriteString("^")
	var markers []*dtMarker
	for _, p := range parts {
		if p.marker == nil {
			re.WriteString(regexp.QuoteMeta(p.literal))
			continue
		}
		re.WriteString("(")
		re.WriteString(p.marker.pattern())
		re.WriteString(")")
		markers = append(markers, p.marker)
	}
	re.WriteString("$")
	rx, err := regexp.Compile(re.String())
	if err != nil {
		return nil, nil
	}
	g := rx.FindStringSubmatch(s)
	if g == nil {
		return nil, nil
	}
	vals := map[rune]int{}
	pm, hasP := false, false
	offset, hasZ := 0, false
	for i, m := range markers {
		text := g[i+1]
		switch m.comp {
		case 'P':
			hasP, pm = true, strings.EqualFold(text, "pm")
			continue
		case 'Z', 'z':
			o, ok := parseZoneText(text)
			if !ok {
				return nil, nil
			}
			offset, hasZ = o, true
			continue
		case 'C', 'E':
			continue
		}
		v, ok := m.value(text)
		if !ok {
			return nil, nil
		}
		vals[m.comp] = v
	}
	if h, ok := vals['h']; ok {
		if _, ok := vals['H']; !ok {
			if hasP {
				h %= 12
				if pm {
					h += 12
				}
			}
			vals['H'] = h
		}
	}
	_, hasY := vals['Y']
	_, hasM := vals['M']
	_, hasD := vals['D']
	_, hasd := vals['d']
	order := "YMDHmsf"
	if hasd && !hasM && !hasD {
		order = "YdHmsf"
	}
	for _, c := range "XWxw" {
		if _, ok := vals[c]; ok && !hasY && !hasM && !hasD && !hasd {
			return nil, &Error{Code: "D3136"}
		}
	}
	first, last := -1, -1
	for i, c := range order {
		if _, ok := vals[c]; ok {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return nil, nil
	}
	for i, c := range order {
		if _, ok := vals[c]; !ok && i > first && i < last {
			return nil, &Error{Code: "D3136"}
		}
	}
	now = now.UTC()
	current := map[rune]int{
		'Y': now.Year(), 'M': int(now.Month()), 'D': now.Day(), 'd': now.YearDay(),
		'H': now.Hour(), 'm': now.Minute(), 's': now.Second(), 'f': now.Nanosecond() / 1e6,
	}
	for i, c := range order {
		if _, ok := vals[c]; ok {
			continue
		}
		switch {
		case i < first:
			vals[c] = current[c]
		case c == 'M' || c == 'D' || c == 'd':
			vals[c] = 1
		default:
			vals[c] = 0
		}
	}
	month, day := vals['M'], vals['D']
	if order == "YdHmsf" {
		month, day = 1, vals['d']
	}
	t := time.Date(vals['Y'], time.Month(month), day, vals['H'], vals['m'], vals['s'], vals['f']*1e6, time.UTC)
	if !hasZ {
		offset = 0
	}
	return float64(t.UnixMilli() - int64(offset)*60000), nil
}

// pattern returns the regular expression (without a capture group) that
// matches the marker's component as the marker writes it.
func (m *dtMarker) pattern() string {
	switch m.comp {
	case 'P':
		return "(?i:am|pm)"
	case 'Z':
		return `(?:Z|[+-][0-9]{1,2}(?::?[0-9]{2})?)`
	case 'z':
		return `(?:GMT(?:[+-][0-9]{1,2}(?::?[0-9]{2})?)?|Z)`
	case 'C', 'E':
		return `[A-Za-z]*`
	}
	if m.names {
		var list []string
		if m.comp == 'F' {
			list = dayNames
		} else {
			list = monthNames
		}
		alts := make([]string, len(list))
		for i, n := range list {
			if m.maxW > 0 && len(n) > m.maxW {
				n = n[:m.maxW]
			}
			alts[i] = regexp.QuoteMeta(n)
		}
		return "(?i:" + strings.Join(alts, "|") + ")"
	}
	minD, maxD := m.num.mandatory, 0
	if m.comp == 'Y' && m.yearDigits > 0 {
		maxD = m.yearDigits
	} else if m.maxW > 0 {
		maxD = m.maxW
	}
	if m.comp == 'f' {
		minD = 1
	}
	if maxD > 0 && maxD < minD {
		minD = maxD
	}
	return m.num.pattern(minD, maxD)
}

// value reads the text the marker's expression matched as the
// component's value.
func (m *dtMarker) value(text string) (int, bool) {
	if m.names {
		var list []string
		if m.comp == 'F' {
			list = dayNames
		} else {
			list = monthNames
		}
		for i, n := range list {
			if m.maxW > 0 && len(n) > m.maxW {
				n = n[:m.maxW]
			}
			if strings.EqualFold(n, text) {
				return i + 1, true
			}
		}
		return 0, false
	}
	if m.comp == 'f' && m.num.kind == intDecimal {
		digits := []rune(text)
		for len(digits) < 3 {
			digits = append(digits, m.num.zero)
		}
		v, ok := m.num.parse(string(digits[:3]))
		return int(v), ok
	}
	v, ok := m.num.parse(text)
	if !ok || v > 1e9 {
		return 0, false
	}
	return int(v), true
}

// parseZoneText reads a timezone offset written by [Z] or [z]: "Z",
// "+05:30", "+0530", "-5", "GMT-05:00".
func parseZoneText(s string) (int, bool) {
	s = strings.TrimPrefix(s, "GMT")
	if s == "" || s == "Z" {
		return 0, true
	}
	sign := 1
	if s[0] == '-' {
		sign = -1
	}
	s = s[1:]
	var h, m string
	if i := strings.IndexByte(s, ':'); i >= 0 {
		h, m = s[:i], s[i+1:]
	} else if len(s) > 2 {
		h, m = s[:len(s)-2], s[len(s)-2:]
	} else {
		h, m = s, "0"
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return sign * (hh*60 + mm), true
}
