package jsonata

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// This file holds $now, $millis and $fromMillis, and the analysis of the
// date/time pictures of XPath's fn:format-dateTime that $toMillis also
// reads (datetime_parse.go).

func init() {
	register("now", "<s?s?:s>", fnNow)
	register("millis", "<:n>", fnMillis)
	register("fromMillis", "<n-s?s?:s>", fnFromMillis)
}

// isoPicture is the picture $fromMillis and $now use without one: ISO
// 8601 with milliseconds, "Z" for UTC.
const isoPicture = "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]"

// maxMillis bounds the timestamps JavaScript dates (and so JSONata) can
// represent: 100,000,000 days either side of 1970.
const maxMillis = 8.64e15

// fnNow implements $now([picture [, timezone]]): the evaluation's time,
// formatted as $fromMillis does.
func fnNow(c *Call, args []Value) (Value, error) {
	ms := float64(c.Now().UnixMilli())
	s, err := formatMillis(ms, args[0], args[1])
	if err != nil {
		return nil, errorAt(err, c.Position)
	}
	return s, nil
}

// fnMillis implements $millis(): the evaluation's time in milliseconds
// since the Unix epoch.
func fnMillis(c *Call, args []Value) (Value, error) {
	return float64(c.Now().UnixMilli()), nil
}

// fnFromMillis implements $fromMillis(number [, picture [, timezone]]).
func fnFromMillis(c *Call, args []Value) (Value, error) {
	ms, ok := args[0].(float64)
	if !ok {
		return nil, nil
	}
	s, err := formatMillis(ms, args[1], args[2])
	if err != nil {
		return nil, errorAt(err, c.Position)
	}
	return s, nil
}

// formatMillis formats a timestamp per picture (ISO 8601 when undefined)
// in timezone ("±HHMM", UTC when undefined).
func formatMillis(ms float64, picture, timezone Value) (string, error) {
	pic, custom := picture.(string)
	if !custom {
		pic = isoPicture
	}
	offset := 0
	if tz, ok := timezone.(string); ok {
		offset = parseTimezoneArg(tz)
	}
	if math.IsNaN(ms) || math.Abs(ms) > maxMillis {
		return "", &Error{Code: "D3137", Detail: "Invalid time value: " + FormatNumber(ms)}
	}
	parts, err := parseDateTimePicture(pic)
	if err != nil {
		return "", err
	}
	if !custom {
		// The ISO 8601 form writes years past 9999 in full.
		parts[0].marker.yearDigits = 0
	}
	t := time.UnixMilli(int64(ms)).UTC().Add(time.Duration(offset) * time.Minute)
	var b strings.Builder
	for _, p := range parts {
		if p.marker == nil {
			b.WriteString(p.literal)
			continue
		}
		s, err := p.marker.format(t, offset)
		if err != nil {
			return "", err
		}
		b.WriteString(s)
	}
	return b.String(), nil
}

// parseTimezoneArg reads a timezone argument such as "+0530", "-0500" or
// "0000" as an offset in minutes; text it cannot read means UTC.
func parseTimezoneArg(tz string) int {
	sign := 1
	s := strings.TrimSpace(tz)
	if strings.HasPrefix(s, "-") {
		sign, s = -1, s[1:]
	} else if strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	s = strings.Replace(s, ":", "", 1)
	if s == "" || len(s) > 4 {
		return 0
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0
		}
	}
	h, m := s, "0"
	if len(s) > 2 {
		h, m = s[:len(s)-2], s[len(s)-2:]
	}
	hh, _ := strconv.Atoi(h)
	mm, _ := strconv.Atoi(m)
	return sign * (hh*60 + mm)
}

// dtPart is a piece of a date/time picture: literal text or a variable
// marker.
type dtPart struct {
	literal string
	marker  *dtMarker
}

// dtMarker is an analysed variable marker such as [D1o] or [MNn,3-3].
type dtMarker struct {
	comp  rune        // the component specifier: Y, M, D, ...
	names bool        // presented as a name (N, n or Nn)
	lcase letterCase  // the case of a name
	num   *intPicture // the numeric presentation, when not a name
	tzT   bool        // the 't' modifier of [Z]: "Z" for UTC
	minW  int         // minimum width, -1 when not given
	maxW  int         // maximum width, -1 when not given or '*'
	// yearDigits, when above 0, is how many low-order digits of the year
	// are written (and read).
	yearDigits int
}

// dtDefaults are the default presentations of the components.
var dtDefaults = map[rune]string{
	'Y': "1", 'M': "1", 'D': "1", 'd': "1", 'F': "n", 'W': "1", 'w': "1", 'X': "1", 'x': "1",
	'H': "1", 'h': "1", 'P': "n", 'm': "01", 's': "01", 'f': "1", 'Z': "01:01", 'z': "01:01",
	'C': "n", 'E': "n",
}

// dtNamed are the components that can be presented as names.
const dtNamed = "MxFPCE"

// parseDateTimePicture splits a picture into literals and analysed
// markers: "[[" and "]]" stand for literal brackets, whitespace inside a
// marker is ignored.
func parseDateTimePicture(pic string) ([]dtPart, error) {
	var raw []dtPart
	var markers []string
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			raw = append(raw, dtPart{literal: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(pic); {
		switch {
		case strings.HasPrefix(pic[i:], "[["):
			lit.WriteByte('[')
			i += 2
		case strings.HasPrefix(pic[i:], "]]"):
			lit.WriteByte(']')
			i += 2
		case pic[i] == '[':
			end := strings.IndexByte(pic[i:], ']')
			if end < 0 {
				return nil, &Error{Code: "D3135"}
			}
			flush()
			text := strings.Map(func(r rune) rune {
				if unicode.IsSpace(r) {
					return -1
				}
				return r
			}, pic[i+1:i+end])
			markers = append(markers, text)
			raw = append(raw, dtPart{marker: &dtMarker{}})
			i += end + 1
		default:
			lit.WriteByte(pic[i])
			i++
		}
	}
	flush()
	k := 0
	for i := range raw {
		if raw[i].marker == nil {
			continue
		}
		m, err := analyseMarker(markers[k])
		if err != nil {
			return nil, err
		}
		raw[i].marker = m
		k++
	}
	return raw, nil
}

// analyseMarker analyses the text of a variable marker (brackets and
// whitespace removed): component, presentation modifiers and width.
func analyseMarker(text string) (*dtMarker, error) {
	comp, size := utf8.DecodeRuneInString(text)
	if text == "" || !strings.ContainsRune("YMDdFWwXxHhPmsfZzCE", comp) {
		return nil, &Error{Code: "D3132", Value: string(comp)}
	}
	m := &dtMarker{comp: comp, minW: -1, maxW: -1}
	pres := text[size:]
	if i := strings.LastIndexByte(pres, ','); i >= 0 {
		m.minW, m.maxW = parseWidth(pres[i+1:])
		pres = pres[:i]
	}
	if pres == "" {
		pres = dtDefaults[comp]
	}
	ordinal := false
	if n := len(pres); n > 1 && strings.IndexByte("atco", pres[n-1]) >= 0 {
		switch pres[n-1] {
		case 'o':
			ordinal = true
		case 't':
			m.tzT = true
		}
		pres = pres[:n-1]
	}
	switch pres {
	case "N", "n", "Nn":
		if !strings.ContainsRune(dtNamed, comp) {
			return nil, &Error{Code: "D3133", Value: string(comp)}
		}
		m.names = true
		m.lcase = map[string]letterCase{"N": lcUpper, "n": lcLower, "Nn": lcTitle}[pres]
		return m, nil
	}
	num, err := parseIntPicture(pres)
	if err != nil {
		return nil, err
	}
	num.ordinal = ordinal
	m.num = num
	if num.kind == intDecimal {
		if comp == 'Z' || comp == 'z' {
			if num.mandatory+num.optional > 4 {
				return nil, &Error{Code: "D3134"}
			}
		} else {
			// A width modifier adjusts the number of mandatory digits.
			if m.minW > num.mandatory {
				num.mandatory = m.minW
			}
			if m.maxW > 0 && num.mandatory > m.maxW {
				num.mandatory = m.maxW
			}
		}
	}
	if comp == 'Y' {
		if m.maxW > 0 {
			m.yearDigits = m.maxW
		} else if num.kind == intDecimal && num.mandatory+num.optional >= 2 {
			m.yearDigits = num.mandatory + num.optional
		}
	}
	return m, nil
}

// parseWidth reads a width modifier "min" or "min-max", where either may
// be "*"; absent or unreadable bounds are -1.
func parseWidth(s string) (minW, maxW int) {
	bound := func(s string) int {
		if s == "*" || s == "" {
			return -1
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 1000 {
			return -1
		}
		return n
	}
	lo, hi, found := strings.Cut(s, "-")
	minW = bound(lo)
	if found {
		maxW = bound(hi)
	} else {
		maxW = -1
	}
	return minW, maxW
}

var (
	monthNames = []string{"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"}
	dayNames = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
)

// weekOfMonth returns the week of the month t falls in and that month:
// weeks run Monday to Sunday and belong to the month of their Thursday,
// so that week 1 is the one holding the month's first Thursday.
func weekOfMonth(t time.Time) (week int, month time.Month) {
	wd := (int(t.Weekday()) + 6) % 7 // Monday 0 ... Sunday 6
	thu := t.AddDate(0, 0, 3-wd)
	return (thu.Day()-1)/7 + 1, thu.Month()
}

// format renders the marker for the time t (already moved to the
// timezone whose offset, in minutes, is offset).
func (m *dtMarker) format(t time.Time, offset int) (string, error) {
	switch m.comp {
	case 'Z', 'z':
		return m.formatZone(offset)
	case 'C', 'E':
		return "ISO", nil
	case 'P':
		s := "am"
		if t.Hour() >= 12 {
			s = "pm"
		}
		return m.name(s), nil
	}
	var v int
	switch m.comp {
	case 'Y':
		v = t.Year()
		if m.yearDigits > 0 && m.yearDigits < 10 {
			v %= int(math.Pow10(m.yearDigits))
		}
	case 'M':
		v = int(t.Month())
		if m.names {
			return m.name(monthNames[v-1]), nil
		}
	case 'D':
		v = t.Day()
	case 'd':
		v = t.YearDay()
	case 'F':
		v = (int(t.Weekday())+6)%7 + 1
		if m.names {
			return m.name(dayNames[v-1]), nil
		}
	case 'W':
		_, v = t.ISOWeek()
	case 'X':
		v, _ = t.ISOWeek()
	case 'w':
		v, _ = weekOfMonth(t)
	case 'x':
		_, mo := weekOfMonth(t)
		v = int(mo)
		if m.names {
			return m.name(monthNames[v-1]), nil
		}
	case 'H':
		v = t.Hour()
	case 'h':
		v = t.Hour() % 12
		if v == 0 {
			v = 12
		}
	case 'm':
		v = t.Minute()
	case 's':
		v = t.Second()
	case 'f':
		return m.formatFraction(t.Nanosecond() / 1e6)
	}
	if m.num == nil {
		return strconv.Itoa(v), nil
	}
	return m.num.format(float64(v))
}

// name writes a name in the marker's case, cut to its maximum width.
func (m *dtMarker) name(s string) string {
	switch m.lcase {
	case lcUpper:
		s = strings.ToUpper(s)
	case lcLower:
		s = strings.ToLower(s)
	default:
		s = strings.ToUpper(s[:1]) + strings.ToLower(s[1:])
	}
	if m.maxW > 0 && len(s) > m.maxW {
		s = s[:m.maxW]
	}
	return s
}

// formatFraction writes milliseconds as the digits of a decimal fraction
// of a second: at least the pattern's mandatory digits, at most its
// digits (or the maximum width), trailing zeros beyond the minimum
// dropped.
func (m *dtMarker) formatFraction(ms int) (string, error) {
	if m.num.kind != intDecimal {
		return m.num.format(float64(ms))
	}
	digits := []rune(strconv.Itoa(1000 + ms)[1:])
	minD := m.num.mandatory
	maxD := m.num.mandatory + m.num.optional
	if m.maxW > 0 {
		maxD = m.maxW
	} else if maxD <= 1 {
		maxD = len(digits)
	}
	if maxD < minD {
		maxD = minD
	}
	for len(digits) < minD {
		digits = append(digits, '0')
	}
	if len(digits) > maxD {
		digits = digits[:maxD]
	}
	for len(digits) > minD && len(digits) > 1 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
	}
	if m.num.zero != '0' {
		for i, d := range digits {
			digits[i] = m.num.zero + (d - '0')
		}
	}
	return string(digits), nil
}

// formatZone writes a timezone offset: "Z" for UTC with the 't' modifier;
// with a one- or two-digit pattern the hours, then ":mm" when the minutes
// are not zero; with three or four digits hours and minutes through the
// pattern ("01:01" gives +05:30, "0101" +0530). [z] prefixes "GMT".
func (m *dtMarker) formatZone(offset int) (string, error) {
	prefix := ""
	if m.comp == 'z' {
		prefix = "GMT"
	}
	if offset == 0 && m.tzT {
		return "Z", nil
	}
	sign := "+"
	if offset < 0 {
		sign, offset = "-", -offset
	}
	h, mins := offset/60, offset%60
	num := m.num
	if num == nil || num.kind != intDecimal {
		num, _ = parseIntPicture("01:01")
	}
	if num.mandatory+num.optional <= 2 {
		s, err := num.format(float64(h))
		if err != nil {
			return "", err
		}
		if mins != 0 {
			s += ":" + strconv.Itoa(100 + mins)[1:]
		}
		return prefix + sign + s, nil
	}
	s, err := num.format(float64(h*100 + mins))
	if err != nil {
		return "", err
	}
	return prefix + sign + s, nil
}
