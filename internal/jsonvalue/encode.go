package jsonvalue

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// Append appends the compact JSON encoding of v to dst. Strings are escaped
// minimally, as AWS's Java services print them: quotes, backslashes and
// control characters only.
func Append(dst []byte, v Value) []byte {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...)
	case bool:
		if x {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case string:
		return AppendString(dst, x)
	case Number:
		if x == "" {
			return append(dst, '0')
		}
		return append(dst, x...)
	case []Value:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = Append(dst, e)
		}
		return append(dst, ']')
	case *Object:
		if x == nil {
			return append(dst, "{}"...)
		}
		dst = append(dst, '{')
		for i, k := range x.keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendString(dst, k)
			dst = append(dst, ':')
			dst = Append(dst, x.vals[i])
		}
		return append(dst, '}')
	}
	// Foreign Go values are converted first; this keeps callers that build
	// documents from plain Go types working.
	return Append(dst, FromGo(v))
}

// AppendString appends s as a quoted JSON string.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\f':
			dst = append(dst, '\\', 'f')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// Marshal returns the compact JSON encoding of v as a string.
func Marshal(v Value) string {
	return string(Append(make([]byte, 0, 64), v))
}

// MarshalIndent returns the JSON encoding of v indented with two spaces, for
// people reading it at a terminal.
func MarshalIndent(v Value) string {
	return string(appendIndent(nil, v, 0))
}

func appendIndent(dst []byte, v Value, depth int) []byte {
	nl := func(d []byte, n int) []byte {
		d = append(d, '\n')
		for i := 0; i < n; i++ {
			d = append(d, ' ', ' ')
		}
		return d
	}
	switch x := v.(type) {
	case []Value:
		if len(x) == 0 {
			return append(dst, "[]"...)
		}
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = nl(dst, depth+1)
			dst = appendIndent(dst, e, depth+1)
		}
		dst = nl(dst, depth)
		return append(dst, ']')
	case *Object:
		if x.Len() == 0 {
			return append(dst, "{}"...)
		}
		dst = append(dst, '{')
		for i, k := range x.keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = nl(dst, depth+1)
			dst = AppendString(dst, k)
			dst = append(dst, ':', ' ')
			dst = appendIndent(dst, x.vals[i], depth+1)
		}
		dst = nl(dst, depth)
		return append(dst, '}')
	}
	return Append(dst, v)
}

// EncodedLen returns the length in bytes of the compact encoding of v
// without building it. Object lengths are cached, so checking the size of a
// document derived from a large, already measured one is cheap.
func EncodedLen(v Value) int {
	switch x := v.(type) {
	case nil:
		return 4
	case bool:
		if x {
			return 4
		}
		return 5
	case string:
		return stringLen(x)
	case Number:
		if x == "" {
			return 1
		}
		return len(x)
	case []Value:
		n := 2
		if len(x) > 1 {
			n += len(x) - 1
		}
		for _, e := range x {
			n += EncodedLen(e)
		}
		return n
	case *Object:
		if x == nil {
			return 2
		}
		if x.size > 0 {
			return x.size
		}
		n := 2
		if len(x.keys) > 1 {
			n += len(x.keys) - 1
		}
		for i, k := range x.keys {
			n += stringLen(k) + 1 + EncodedLen(x.vals[i])
		}
		x.size = n
		return n
	}
	return len(Append(nil, v))
}

func stringLen(s string) int {
	n := len(s) + 2
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		switch c {
		case '"', '\\', '\n', '\r', '\t', '\b', '\f':
			n++
		default:
			n += 5
		}
	}
	return n
}

// FromGo converts a value built from plain Go types (as encoding/json
// decodes into any) to a Value. Maps are ordered by key since Go maps have no
// order. Unsupported types are converted through encoding/json.
func FromGo(v any) Value {
	switch x := v.(type) {
	case nil, bool, string, Number, *Object:
		return x
	case []Value:
		out := make([]Value, len(x))
		for i, e := range x {
			out[i] = FromGo(e)
		}
		return out
	case json.Number:
		return Number(x)
	case float64:
		return Float(x)
	case float32:
		return Float(float64(x))
	case int:
		return Int(int64(x))
	case int64:
		return Int(x)
	case int32:
		return Int(int64(x))
	case uint64:
		return Number(strconv.FormatUint(x, 10))
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		o := NewObject(len(keys))
		for _, k := range keys {
			o.Append(k, FromGo(x[k]))
		}
		return o
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() != reflect.Uint8 {
		out := make([]Value, rv.Len())
		for i := range out {
			out[i] = FromGo(rv.Index(i).Interface())
		}
		return out
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	out, err := Parse(b)
	if err != nil {
		return fmt.Sprint(v)
	}
	return out
}

// ToGo converts a Value to plain Go types (map[string]any, []any, float64,
// string, bool, nil) for code that works with encoding/json's model.
func ToGo(v Value) any {
	switch x := v.(type) {
	case Number:
		f := x.Float64()
		if math.IsInf(f, 0) {
			return json.Number(x)
		}
		return f
	case []Value:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = ToGo(e)
		}
		return out
	case *Object:
		m := make(map[string]any, x.Len())
		for i, k := range x.keys {
			m[k] = ToGo(x.vals[i])
		}
		return m
	}
	return v
}

// ValidUTF8 reports whether every string in v is valid UTF-8.
func ValidUTF8(v Value) bool {
	switch x := v.(type) {
	case string:
		return utf8.ValidString(x)
	case []Value:
		for _, e := range x {
			if !ValidUTF8(e) {
				return false
			}
		}
	case *Object:
		for i, k := range x.keys {
			if !utf8.ValidString(k) || !ValidUTF8(x.vals[i]) {
				return false
			}
		}
	}
	return true
}
