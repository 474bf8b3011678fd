package httptask

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// ArrayFormat is how URL-encoding lays out arrays
// (Transform.RequestEncodingOptions.ArrayFormat).
type ArrayFormat string

// Array formats. For {"array": ["a", "b"]}:
const (
	// Indices sends array[0]=a&array[1]=b. It is the default.
	Indices ArrayFormat = "INDICES"
	// Repeat sends array=a&array=b.
	Repeat ArrayFormat = "REPEAT"
	// Commas sends array=a,b.
	Commas ArrayFormat = "COMMAS"
	// Brackets sends array[]=a&array[]=b.
	Brackets ArrayFormat = "BRACKETS"
)

// ParseArrayFormat returns the ArrayFormat named s and whether s names
// one.
func ParseArrayFormat(s string) (ArrayFormat, bool) {
	switch f := ArrayFormat(s); f {
	case Indices, Repeat, Commas, Brackets:
		return f, true
	}
	return Indices, false
}

// pair is one name=value of a query string or form. The name is plain
// text; the value is already percent-encoded (COMMAS joins encoded values
// with literal commas).
type pair struct {
	name  string
	value string
}

// EncodeForm URL-encodes a JSON object as application/x-www-form-urlencoded
// data, the way an HTTP Task with Transform.RequestBodyEncoding URL_ENCODED
// sends its RequestBody:
//
//   - keys keep their order; nested objects become key[sub]=value;
//   - arrays follow format (INDICES when format is empty); empty arrays
//     and objects send nothing;
//   - strings are sent as they are, numbers as written, booleans as
//     true/false and null as an empty value;
//   - names and values are percent-encoded except for the RFC 3986
//     unreserved characters (A-Z a-z 0-9 - . _ ~), so a space is %20 and
//     brackets are %5B and %5D.
//
// A null v encodes as the empty string; anything but an object or null is
// an error.
func EncodeForm(v jsonvalue.Value, format ArrayFormat) (string, error) {
	if format == "" {
		format = Indices
	}
	if _, ok := ParseArrayFormat(string(format)); !ok {
		return "", fmt.Errorf("unknown array format %q; the formats are INDICES, REPEAT, COMMAS and BRACKETS", format)
	}
	switch x := v.(type) {
	case nil:
		return "", nil
	case *jsonvalue.Object:
		return joinPairs(formPairs(x, format)), nil
	}
	return "", fmt.Errorf("only a JSON object can be URL-encoded, not %s", jsonvalue.TypeName(v))
}

// formPairs flattens an object to name/value pairs.
func formPairs(obj *jsonvalue.Object, format ArrayFormat) []pair {
	var out []pair
	for i := range obj.Len() {
		k, v := obj.At(i)
		out = appendPairs(out, k, v, format)
	}
	return out
}

func appendPairs(out []pair, name string, v jsonvalue.Value, format ArrayFormat) []pair {
	switch x := v.(type) {
	case *jsonvalue.Object:
		for i := range x.Len() {
			k, e := x.At(i)
			out = appendPairs(out, name+"["+k+"]", e, format)
		}
		return out
	case []jsonvalue.Value:
		if format == Commas && allScalars(x) {
			if len(x) == 0 {
				return out
			}
			var b strings.Builder
			for i, e := range x {
				if i > 0 {
					b.WriteByte(',')
				}
				s, _ := scalarText(e)
				b.WriteString(Escape(s))
			}
			return append(out, pair{name: name, value: b.String()})
		}
		for i, e := range x {
			var child string
			switch format {
			case Repeat:
				child = name
			case Brackets:
				child = name + "[]"
			default: // Indices, and Commas for arrays holding containers
				child = name + "[" + strconv.Itoa(i) + "]"
			}
			out = appendPairs(out, child, e, format)
		}
		return out
	}
	s, _ := scalarText(v)
	return append(out, pair{name: name, value: Escape(s)})
}

func allScalars(a []jsonvalue.Value) bool {
	for _, e := range a {
		switch e.(type) {
		case *jsonvalue.Object, []jsonvalue.Value:
			return false
		}
	}
	return true
}

func joinPairs(ps []pair) string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(Escape(p.name))
		b.WriteByte('=')
		b.WriteString(p.value)
	}
	return b.String()
}

// Escape percent-encodes s for a query string or form: every byte but the
// RFC 3986 unreserved characters becomes %XX with upper-case hex digits.
func Escape(s string) string {
	n := 0
	for i := range len(s) {
		if !unreserved(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	const hex = "0123456789ABCDEF"
	b := make([]byte, 0, len(s)+2*n)
	for i := range len(s) {
		c := s[i]
		if unreserved(c) {
			b = append(b, c)
			continue
		}
		b = append(b, '%', hex[c>>4], hex[c&15])
	}
	return string(b)
}

func unreserved(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}
