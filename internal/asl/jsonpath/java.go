package jsonpath

// This file reproduces the Java behaviours Jayway JsonPath inherits and that
// show in results and messages: how Java prints numbers and collections,
// BigDecimal parsing and printing, UTF-16 string lengths and ordering, and
// Jayway's string unescaping.

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// providerClass is the JSON provider named in Jayway's "not a json object"
// message. Step Functions maps documents to java.util collections, as
// Jayway's JacksonJsonProvider does.
const providerClass = "com.jayway.jsonpath.spi.json.JacksonJsonProvider"

// javaDouble formats f as Java's Double.toString does: "6.0", "0.001",
// "1.0E7", "1.234E-5".
func javaDouble(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	var sb strings.Builder
	if f < 0 {
		sb.WriteByte('-')
		f = -f
	}
	// Shortest digits that round-trip, as Java 19 and later print.
	e := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±XX
	mant, expStr, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expStr)
	digits := strings.Replace(mant, ".", "", 1)
	if f >= 1e-3 && f < 1e7 {
		point := exp + 1 // digits before the decimal point
		switch {
		case point <= 0:
			sb.WriteString("0.")
			sb.WriteString(strings.Repeat("0", -point))
			sb.WriteString(digits)
		case point >= len(digits):
			sb.WriteString(digits)
			sb.WriteString(strings.Repeat("0", point-len(digits)))
			sb.WriteString(".0")
		default:
			sb.WriteString(digits[:point])
			sb.WriteByte('.')
			sb.WriteString(digits[point:])
		}
		return sb.String()
	}
	sb.WriteByte(digits[0])
	sb.WriteByte('.')
	if len(digits) > 1 {
		sb.WriteString(digits[1:])
	} else {
		sb.WriteByte('0')
	}
	sb.WriteByte('E')
	sb.WriteString(strconv.Itoa(exp))
	return sb.String()
}

// doubleNumber returns f as a JSON number printed as Java prints a double,
// or null for NaN and infinities, which JSON cannot hold.
func doubleNumber(f float64) jsonvalue.Value {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return jsonvalue.Number(javaDouble(f))
}

// javaNumberString returns the text Java's toString gives for the number
// Jackson reads from n: integers as they are, decimals as a Double.
func javaNumberString(n jsonvalue.Number) string {
	if n.IsIntegerLiteral() {
		if n == "-0" {
			return "0"
		}
		return string(n)
	}
	return javaDouble(n.Float64())
}

// javaClassName returns the Java class Jackson maps v to.
func javaClassName(v jsonvalue.Value) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "java.lang.Boolean"
	case string:
		return "java.lang.String"
	case jsonvalue.Number:
		if !x.IsIntegerLiteral() {
			return "java.lang.Double"
		}
		i, err := strconv.ParseInt(string(x), 10, 64)
		switch {
		case err != nil:
			return "java.math.BigInteger"
		case i >= math.MinInt32 && i <= math.MaxInt32:
			return "java.lang.Integer"
		}
		return "java.lang.Long"
	case []jsonvalue.Value:
		return "java.util.ArrayList"
	case *jsonvalue.Object:
		return "java.util.LinkedHashMap"
	}
	return "java.lang.Object"
}

// javaToString prints v as Java's toString prints the collections Jackson
// maps it to: {a=1, b=[x, y]}.
func javaToString(v jsonvalue.Value) string {
	var sb strings.Builder
	appendJavaString(&sb, v)
	return sb.String()
}

func appendJavaString(sb *strings.Builder, v jsonvalue.Value) {
	switch x := v.(type) {
	case nil:
		sb.WriteString("null")
	case bool:
		sb.WriteString(strconv.FormatBool(x))
	case string:
		sb.WriteString(x)
	case jsonvalue.Number:
		sb.WriteString(javaNumberString(x))
	case []jsonvalue.Value:
		sb.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				sb.WriteString(", ")
			}
			appendJavaString(sb, e)
		}
		sb.WriteByte(']')
	case *jsonvalue.Object:
		sb.WriteByte('{')
		for i := 0; i < x.Len(); i++ {
			k, e := x.At(i)
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(k)
			sb.WriteByte('=')
			appendJavaString(sb, e)
		}
		sb.WriteByte('}')
	}
}

// decimal is a number in the form BigDecimal holds: an unscaled integer
// (as digits) and a scale.
type decimal struct {
	neg    bool
	digits string // unscaled value without leading zeros; "0" for zero
	scale  int
}

// parseBigDecimal parses s as new BigDecimal(s) does: an optional sign,
// digits with at most one decimal point, and an optional exponent.
func parseBigDecimal(s string) (decimal, bool) {
	var d decimal
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		d.neg = s[i] == '-'
		i++
	}
	var digits []byte
	seenPoint, nDigits, frac := false, 0, 0
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			nDigits++
			if seenPoint {
				frac++
			}
			if c != '0' || len(digits) > 0 {
				digits = append(digits, c)
			}
		case c == '.' && !seenPoint:
			seenPoint = true
		default:
			goto exponent
		}
	}
exponent:
	if nDigits == 0 {
		return d, false
	}
	exp := 0
	if i < len(s) {
		if s[i] != 'e' && s[i] != 'E' {
			return d, false
		}
		e, err := strconv.ParseInt(s[i+1:], 10, 32)
		if err != nil {
			return d, false
		}
		exp = int(e)
	}
	if len(digits) == 0 {
		digits = []byte{'0'}
		d.neg = false
	}
	d.digits = string(digits)
	d.scale = frac - exp
	return d, true
}

// String prints d as BigDecimal.toString does.
func (d decimal) String() string {
	var sb strings.Builder
	if d.neg {
		sb.WriteByte('-')
	}
	coeff := d.digits
	adjusted := -d.scale + len(coeff) - 1
	if d.scale >= 0 && adjusted >= -6 {
		switch {
		case d.scale == 0:
			sb.WriteString(coeff)
		case len(coeff) > d.scale:
			sb.WriteString(coeff[:len(coeff)-d.scale])
			sb.WriteByte('.')
			sb.WriteString(coeff[len(coeff)-d.scale:])
		default:
			sb.WriteString("0.")
			sb.WriteString(strings.Repeat("0", d.scale-len(coeff)))
			sb.WriteString(coeff)
		}
		return sb.String()
	}
	sb.WriteByte(coeff[0])
	if len(coeff) > 1 {
		sb.WriteByte('.')
		sb.WriteString(coeff[1:])
	}
	sb.WriteByte('E')
	if adjusted >= 0 {
		sb.WriteByte('+')
	}
	sb.WriteString(strconv.Itoa(adjusted))
	return sb.String()
}

// number returns d as a JSON number of the same value.
func (d decimal) number() jsonvalue.Number {
	s := d.digits
	if d.neg {
		s = "-" + s
	}
	if d.scale != 0 {
		s += "e" + strconv.Itoa(-d.scale)
	}
	return jsonvalue.Number(s)
}

// numberText returns the text of a number node as Jayway's
// NumberNode.asStringNode gives it: BigDecimal.toString of the Java number.
func numberText(n jsonvalue.Number) string {
	d, ok := parseBigDecimal(javaNumberString(n))
	if !ok {
		return string(n)
	}
	return d.String()
}

// utf16Len returns the length of s in UTF-16 code units, as Java's
// String.length does.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// javaUnescape resolves the backslash escapes Jayway accepts in quoted
// names and string literals: \\ \' \" \r \f \t \n \b and \uXXXX; any other
// escaped character stands for itself and a trailing backslash is kept.
func javaUnescape(s string) (string, bool) {
	if strings.IndexByte(s, '\\') < 0 {
		return s, true
	}
	var units []uint16 // pending UTF-16 units from \u escapes
	var sb strings.Builder
	flush := func() {
		if len(units) > 0 {
			sb.WriteString(string(utf16.Decode(units)))
			units = units[:0]
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			flush()
			sb.WriteByte(c)
			continue
		}
		if i+1 >= len(s) {
			flush()
			sb.WriteByte('\\')
			break
		}
		i++
		switch c = s[i]; c {
		case 'u':
			if i+5 > len(s) {
				return "", false
			}
			v, err := strconv.ParseUint(s[i+1:i+5], 16, 16)
			if err != nil {
				return "", false
			}
			units = append(units, uint16(v))
			i += 4
			continue
		case 'r':
			c = '\r'
		case 'f':
			c = '\f'
		case 't':
			c = '\t'
		case 'n':
			c = '\n'
		case 'b':
			c = '\b'
		}
		flush()
		sb.WriteByte(c)
	}
	flush()
	return sb.String(), true
}

// javaTrim removes leading and trailing characters up to U+0020, as Java's
// String.trim does.
func javaTrim(s string) string {
	i, j := 0, len(s)
	for i < j && s[i] <= ' ' {
		i++
	}
	for j > i && s[j-1] <= ' ' {
		j--
	}
	return s[i:j]
}

// parseJavaInt parses s as Integer.parseInt does.
func parseJavaInt(s string) (int, bool) {
	if s == "" || s == "+" || s == "-" {
		return 0, false
	}
	i, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		return 0, false
	}
	return int(i), true
}

// compareNum compares two numbers by value, as BigDecimal.compareTo does,
// without allocating in the common cases.
func compareNum(a, b jsonvalue.Number) int {
	if len(a) <= 18 && len(b) <= 18 && a.IsIntegerLiteral() && b.IsIntegerLiteral() {
		ai, errA := strconv.ParseInt(string(a), 10, 64)
		bi, errB := strconv.ParseInt(string(b), 10, 64)
		if errA == nil && errB == nil {
			switch {
			case ai < bi:
				return -1
			case ai > bi:
				return 1
			}
			return 0
		}
	}
	if len(a) <= 15 && len(b) <= 15 {
		// Decimals of at most 15 digits are exact as doubles: different
		// ones never round to the same double.
		fa, errA := strconv.ParseFloat(string(a), 64)
		fb, errB := strconv.ParseFloat(string(b), 64)
		if errA == nil && errB == nil {
			switch {
			case fa < fb:
				return -1
			case fa > fb:
				return 1
			}
			return 0
		}
	}
	return jsonvalue.CompareNumbers(a, b)
}

// plainDecimal writes d without exponent.
func plainDecimal(d decimal) jsonvalue.Number {
	digits := d.digits
	if len(digits) <= d.scale {
		digits = strings.Repeat("0", d.scale-len(digits)+1) + digits
	}
	s := digits[:len(digits)-d.scale] + "." + digits[len(digits)-d.scale:]
	if d.neg {
		s = "-" + s
	}
	return jsonvalue.Number(s)
}
