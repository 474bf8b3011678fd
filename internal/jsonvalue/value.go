// Package jsonvalue holds the JSON document model shared by the States
// Language engine, the event-pattern matcher and the wire protocols.
//
// A Value is one of nil (JSON null), bool, string, Number, *Object or []Value.
// Objects keep their keys in insertion order, as AWS Step Functions does, so
// that States.JsonToString and execution outputs print keys in the order the
// user wrote them. Numbers keep their literal text so that pass-through data
// is never reformatted.
//
// Values are immutable once built: code that derives a new document from an
// old one copies the containers it changes and shares everything else. This
// makes it cheap to hand the same input to a thousand Map iterations.
package jsonvalue

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Value is a JSON value: nil, bool, string, Number, *Object or []Value.
type Value = any

// Number is a JSON number kept as its literal text.
type Number string

// Float64 returns the number as a float64. Literals too large for a float64
// give ±Inf, as a JSON parser in Java or JavaScript would.
func (n Number) Float64() float64 {
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil {
		// ParseFloat returns ±Inf with a range error; a syntax error cannot
		// happen for a literal that came from the parser or the constructors.
		return f
	}
	return f
}

// Int64 returns the number as an int64 and whether it is an integer that
// fits. "3", "3.0" and "3e0" are all integers.
func (n Number) Int64() (int64, bool) {
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		return i, true
	}
	f := n.Float64()
	if f != math.Trunc(f) || math.IsInf(f, 0) || f < -9.223372036854775808e18 || f >= 9.223372036854775808e18 {
		return 0, false
	}
	return int64(f), true
}

// IsIntegerLiteral reports whether the literal has no fraction or exponent,
// which is how Java's JSON libraries decide between integer and decimal
// nodes.
func (n Number) IsIntegerLiteral() bool {
	return !strings.ContainsAny(string(n), ".eE")
}

// Int returns the Number for an integer.
func Int(i int64) Number { return Number(strconv.FormatInt(i, 10)) }

// Float returns the Number for a float64, printed in the shortest form that
// round-trips. Integral values print without a fraction. NaN and infinities
// have no JSON form and print as null's nearest stand-in, 0.
func Float(f float64) Number {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "0"
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e21 {
		return Number(strconv.FormatFloat(f, 'f', -1, 64))
	}
	return Number(strconv.FormatFloat(f, 'g', -1, 64))
}

// CompareNumbers compares two numbers by value, exactly, also beyond the
// precision of a float64. It returns -1, 0 or 1.
func CompareNumbers(a, b Number) int {
	if ai, ok := parseSmallInt(a); ok {
		if bi, ok := parseSmallInt(b); ok {
			switch {
			case ai < bi:
				return -1
			case ai > bi:
				return 1
			}
			return 0
		}
	}
	fa, fb := a.Float64(), b.Float64()
	if fa < fb {
		return -1
	}
	if fa > fb {
		return 1
	}
	if math.IsInf(fa, 0) || (fa == math.Trunc(fa) && math.Abs(fa) > 1<<53) {
		ra, ok1 := new(big.Rat).SetString(string(a))
		rb, ok2 := new(big.Rat).SetString(string(b))
		if ok1 && ok2 {
			return ra.Cmp(rb)
		}
	}
	return 0
}

func parseSmallInt(n Number) (int64, bool) {
	s := string(n)
	if len(s) == 0 || len(s) > 18 {
		return 0, false
	}
	i, err := strconv.ParseInt(s, 10, 64)
	return i, err == nil
}

// Object is a JSON object with keys in insertion order.
type Object struct {
	keys  []string
	vals  []Value
	index map[string]int
	size  int // cached encoded length, 0 when unknown
}

// indexThreshold is the number of keys from which lookups use a map rather
// than a linear scan.
const indexThreshold = 12

// NewObject returns an empty object with room for n keys.
func NewObject(n int) *Object {
	return &Object{keys: make([]string, 0, n), vals: make([]Value, 0, n)}
}

// NewObjectKeys returns an object with the given keys, in order, all set to
// null, for a builder that fills the values with SetAt. The keys must be
// distinct; the slice is shared, not copied, and must not change.
func NewObjectKeys(keys []string) *Object {
	o := &Object{keys: keys[:len(keys):len(keys)], vals: make([]Value, len(keys))}
	if len(keys) > indexThreshold {
		o.index = make(map[string]int, len(keys))
		for i, k := range keys {
			o.index[k] = i
		}
	}
	return o
}

// SetAt sets the value of the i-th key of an object under construction.
func (o *Object) SetAt(i int, v Value) {
	o.size = 0
	o.vals[i] = v
}

// Len returns the number of keys.
func (o *Object) Len() int {
	if o == nil {
		return 0
	}
	return len(o.keys)
}

// Keys returns the keys in order. The slice must not be modified.
func (o *Object) Keys() []string {
	if o == nil {
		return nil
	}
	return o.keys
}

// At returns the i-th key and value.
func (o *Object) At(i int) (string, Value) { return o.keys[i], o.vals[i] }

// Get returns the value of key and whether it is present.
func (o *Object) Get(key string) (Value, bool) {
	if o == nil {
		return nil, false
	}
	if o.index != nil {
		i, ok := o.index[key]
		if !ok {
			return nil, false
		}
		return o.vals[i], true
	}
	for i, k := range o.keys {
		if k == key {
			return o.vals[i], true
		}
	}
	return nil, false
}

// Set sets key to v, replacing an existing value in place or appending a new
// key. Set is for building a new object; objects reachable by others must
// not be changed.
func (o *Object) Set(key string, v Value) {
	o.size = 0
	if o.index != nil {
		if i, ok := o.index[key]; ok {
			o.vals[i] = v
			return
		}
	} else {
		for i, k := range o.keys {
			if k == key {
				o.vals[i] = v
				return
			}
		}
	}
	o.Append(key, v)
}

// Append adds a key the caller knows is not present yet.
func (o *Object) Append(key string, v Value) {
	o.size = 0
	o.keys = append(o.keys, key)
	o.vals = append(o.vals, v)
	if o.index != nil {
		o.index[key] = len(o.keys) - 1
	} else if len(o.keys) > indexThreshold {
		o.index = make(map[string]int, len(o.keys)*2)
		for i, k := range o.keys {
			o.index[k] = i
		}
	}
}

// Delete removes key and returns whether it was present. Like Set, it is for
// objects under construction.
func (o *Object) Delete(key string) bool {
	i := -1
	if o.index != nil {
		j, ok := o.index[key]
		if !ok {
			return false
		}
		i = j
	} else {
		for j, k := range o.keys {
			if k == key {
				i = j
				break
			}
		}
		if i < 0 {
			return false
		}
	}
	o.size = 0
	o.keys = append(o.keys[:i], o.keys[i+1:]...)
	o.vals = append(o.vals[:i], o.vals[i+1:]...)
	if o.index != nil {
		o.index = make(map[string]int, len(o.keys))
		for j, k := range o.keys {
			o.index[k] = j
		}
	}
	return true
}

// Clone returns a shallow copy that may be changed without affecting o.
func (o *Object) Clone() *Object {
	if o == nil {
		return NewObject(0)
	}
	c := &Object{
		keys: make([]string, len(o.keys), len(o.keys)+1),
		vals: make([]Value, len(o.vals), len(o.vals)+1),
	}
	copy(c.keys, o.keys)
	copy(c.vals, o.vals)
	if o.index != nil {
		c.index = make(map[string]int, len(o.index)+1)
		for k, v := range o.index {
			c.index[k] = v
		}
	}
	return c
}

// TypeName returns the JSON type of v: "null", "boolean", "string",
// "number", "object" or "array".
func TypeName(v Value) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case Number:
		return "number"
	case *Object:
		return "object"
	case []Value:
		return "array"
	}
	return "unknown"
}

// Equal reports whether a and b are the same JSON value. Numbers compare by
// value; object key order does not matter.
func Equal(a, b Value) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	case Number:
		y, ok := b.(Number)
		return ok && (x == y || CompareNumbers(x, y) == 0)
	case []Value:
		y, ok := b.([]Value)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !Equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case *Object:
		y, ok := b.(*Object)
		if !ok || x.Len() != y.Len() {
			return false
		}
		for i, k := range x.keys {
			yv, ok := y.Get(k)
			if !ok || !Equal(x.vals[i], yv) {
				return false
			}
		}
		return true
	}
	return false
}
