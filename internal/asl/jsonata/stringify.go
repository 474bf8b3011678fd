package jsonata

import (
	"errors"
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
	w := jsonWriter{topUndefined: "undefined"}
	_ = w.write(v, "", 0)
	return w.b.String()
}

// StringifyIndent renders v as JSON.stringify(v, null, indent) would.
func StringifyIndent(v Value, indent string) string {
	w := jsonWriter{indent: indent, topUndefined: "undefined"}
	_ = w.write(v, "", 0)
	return w.b.String()
}

// errTooDeep is returned by jsonWriter for documents nested deeper than
// maxWriteDepth.
var errTooDeep = errors.New("jsonata: document nested too deeply to print")

// maxWriteDepth bounds the nesting jsonWriter follows.
const maxWriteDepth = 10000

// jsonWriter writes values as JSON.stringify does: undefined members of
// objects are left out and undefined array elements print as null;
// functions print as "".
type jsonWriter struct {
	b      strings.Builder
	indent string
	// number prints a number; nil means FormatNumber, with NaN and the
	// infinities as null.
	number func(float64) (string, error)
	// topUndefined is what an undefined value on its own prints as.
	topUndefined string
}

func (w *jsonWriter) write(v Value, cur string, depth int) error {
	if depth > maxWriteDepth {
		return errTooDeep
	}
	b := &w.b
	switch x := v.(type) {
	case nil:
		if depth == 0 {
			b.WriteString(w.topUndefined)
		} else {
			b.WriteString("null")
		}
	case nullType:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case float64:
		if w.number != nil {
			s, err := w.number(x)
			if err != nil {
				return err
			}
			b.WriteString(s)
		} else if math.IsNaN(x) || math.IsInf(x, 0) {
			b.WriteString("null")
		} else {
			b.WriteString(FormatNumber(x))
		}
	case string:
		b.Write(jsonvalue.AppendString(nil, x))
	case *Sequence:
		if len(x.Items) == 1 && !x.KeepSingleton {
			return w.write(x.Items[0], cur, depth)
		}
		return w.array(x.Items, cur, depth)
	case []Value:
		return w.array(x, cur, depth)
	case *Object:
		next := cur + w.indent
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
			if w.indent != "" {
				b.WriteByte('\n')
				b.WriteString(next)
			}
			b.Write(jsonvalue.AppendString(nil, k))
			b.WriteByte(':')
			if w.indent != "" {
				b.WriteByte(' ')
			}
			if err := w.write(e, next, depth+1); err != nil {
				return err
			}
		}
		if w.indent != "" && !first {
			b.WriteByte('\n')
			b.WriteString(cur)
		}
		b.WriteByte('}')
	default:
		if IsFunction(v) {
			b.WriteString(`""`)
			return nil
		}
		b.WriteString("null")
	}
	return nil
}

func (w *jsonWriter) array(items []Value, cur string, depth int) error {
	b := &w.b
	next := cur + w.indent
	b.WriteByte('[')
	for i, e := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		if w.indent != "" {
			b.WriteByte('\n')
			b.WriteString(next)
		}
		if err := w.write(e, next, depth+1); err != nil {
			return err
		}
	}
	if w.indent != "" && len(items) > 0 {
		b.WriteByte('\n')
		b.WriteString(cur)
	}
	b.WriteByte(']')
	return nil
}
