package jsonata

import (
	"math"
	"strconv"
	"strings"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// FormatNumber prints f as JavaScript's Number.prototype.toString does:
// the shortest digits that round-trip, in positional notation for
// exponents from -7 to 20 and in exponential notation ("1e+21", "1.5e-7")
// otherwise.
func FormatNumber(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		return "0"
	}
	sign := ""
	if f < 0 {
		sign = "-"
		f = -f
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±xx
	mant, exp, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	x, _ := strconv.Atoi(exp)
	k := len(digits)
	n := x + 1
	var b strings.Builder
	b.WriteString(sign)
	switch {
	case k <= n && n <= 21:
		b.WriteString(digits)
		b.WriteString(strings.Repeat("0", n-k))
	case 0 < n && n <= 21:
		b.WriteString(digits[:n])
		b.WriteByte('.')
		b.WriteString(digits[n:])
	case -6 < n && n <= 0:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -n))
		b.WriteString(digits)
	default:
		b.WriteString(digits[:1])
		if k > 1 {
			b.WriteByte('.')
			b.WriteString(digits[1:])
		}
		b.WriteByte('e')
		if n-1 >= 0 {
			b.WriteByte('+')
		}
		b.WriteString(strconv.Itoa(n - 1))
	}
	return b.String()
}

// Stringify renders v as JSON.stringify would, compactly. Undefined renders
// as "undefined" (for error messages), functions as "".
func Stringify(v Value) string {
	var b strings.Builder
	stringify(&b, v, "", "")
	return b.String()
}

// StringifyIndent renders v as JSON.stringify(v, null, indent) would.
func StringifyIndent(v Value, indent string) string {
	var b strings.Builder
	stringify(&b, v, indent, "")
	return b.String()
}

func stringify(b *strings.Builder, v Value, indent, cur string) {
	switch x := v.(type) {
	case nil:
		b.WriteString("undefined")
	case nullType:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			b.WriteString("null")
		} else {
			b.WriteString(FormatNumber(x))
		}
	case string:
		b.Write(jsonvalue.AppendString(nil, x))
	case *Sequence:
		if len(x.Items) == 1 && !x.KeepSingleton {
			stringify(b, x.Items[0], indent, cur)
			return
		}
		stringifyArray(b, x.Items, indent, cur)
	case []Value:
		stringifyArray(b, x, indent, cur)
	case *Object:
		next := cur + indent
		b.WriteByte('{')
		first := true
		for i := 0; i < x.Len(); i++ {
			k, e := x.At(i)
			if e == nil {
				continue
			}
			if !first {
				b.WriteByte(',')
			}
			first = false
			if indent != "" {
				b.WriteByte('\n')
				b.WriteString(next)
			}
			b.Write(jsonvalue.AppendString(nil, k))
			b.WriteByte(':')
			if indent != "" {
				b.WriteByte(' ')
			}
			stringify(b, e, indent, next)
		}
		if indent != "" && !first {
			b.WriteByte('\n')
			b.WriteString(cur)
		}
		b.WriteByte('}')
	default:
		if IsFunction(v) {
			b.WriteString(`""`)
			return
		}
		b.WriteString("null")
	}
}

func stringifyArray(b *strings.Builder, items []Value, indent, cur string) {
	next := cur + indent
	b.WriteByte('[')
	for i, e := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		if indent != "" {
			b.WriteByte('\n')
			b.WriteString(next)
		}
		if e == nil {
			b.WriteString("null")
			continue
		}
		stringify(b, e, indent, next)
	}
	if indent != "" && len(items) > 0 {
		b.WriteByte('\n')
		b.WriteString(cur)
	}
	b.WriteByte(']')
}
