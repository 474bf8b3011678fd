// Package jsonata evaluates JSONata 2.0.6 expressions, the query language
// AWS Step Functions offers beside JSONPath.
//
// Inside the evaluator a value is one of:
//
//   - nil: undefined (no value at all, which JSONata keeps apart from null);
//   - Null: JSON null;
//   - bool, float64 (every JSONata number), string;
//   - []Value: an array;
//   - *Sequence: a result sequence built while evaluating a path;
//   - *jsonvalue.Object: an object, keys in insertion order;
//   - a function: *Lambda, *Builtin, *partial or *Regex.
//
// Values crossing the package boundary are jsonvalue values: FromJSON and
// ToJSON convert between the two models.
package jsonata

import (
	"math"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// Value is a JSONata value; see the package documentation.
type Value = any

// Object is the object type shared with the jsonvalue model.
type Object = jsonvalue.Object

type nullType struct{}

// Null is JSON null. Undefined is Go nil.
var Null Value = nullType{}

// Sequence is a result sequence: the values a path step or a flattening
// produced. Sequences of one value collapse to that value when an
// expression's result is returned, unless KeepSingleton is set (by the []
// operator).
type Sequence struct {
	Items         []Value
	KeepSingleton bool
	// OuterWrapper marks the sequence a path wraps its input in.
	OuterWrapper bool
	// TupleStream marks sequences of binding tuples (paths with @ or #).
	TupleStream bool
}

// NewSequence returns a sequence holding items.
func NewSequence(items ...Value) *Sequence { return &Sequence{Items: items} }

// Items returns the elements of an array or sequence and true, or nil and
// false for any other value.
func Items(v Value) ([]Value, bool) {
	switch a := v.(type) {
	case []Value:
		return a, true
	case *Sequence:
		return a.Items, true
	}
	return nil, false
}

// IsArray reports whether v is an array or a sequence.
func IsArray(v Value) bool {
	_, ok := Items(v)
	return ok
}

// IsFunction reports whether v can be called.
func IsFunction(v Value) bool {
	switch v.(type) {
	case *Lambda, *Builtin, *partial, *Regex:
		return true
	}
	return false
}

// IsNumber reports whether v is a finite number.
func IsNumber(v Value) bool {
	f, ok := v.(float64)
	return ok && !math.IsNaN(f) && !math.IsInf(f, 0)
}

// FromJSON converts a jsonvalue document into the evaluator's model.
func FromJSON(v jsonvalue.Value) Value {
	switch x := v.(type) {
	case nil:
		return Null
	case jsonvalue.Number:
		return x.Float64()
	case []jsonvalue.Value:
		out := make([]Value, len(x))
		for i, e := range x {
			out[i] = FromJSON(e)
		}
		return out
	case *jsonvalue.Object:
		o := jsonvalue.NewObject(x.Len())
		for i := 0; i < x.Len(); i++ {
			k, e := x.At(i)
			o.Append(k, FromJSON(e))
		}
		return o
	}
	return v
}

// ToJSON converts an evaluator value into a jsonvalue document. Undefined
// values inside arrays are dropped and inside objects their keys are left
// out, as JSON.stringify does; functions become "" as in JSONata's own
// serialisation. The boolean is false when v itself is undefined.
func ToJSON(v Value) (jsonvalue.Value, bool) {
	switch x := v.(type) {
	case nil:
		return nil, false
	case nullType:
		return nil, true
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, true
		}
		return jsonvalue.Float(x), true
	case []Value:
		out := make([]jsonvalue.Value, 0, len(x))
		for _, e := range x {
			if j, ok := ToJSON(e); ok {
				out = append(out, j)
			}
		}
		return out, true
	case *Sequence:
		if len(x.Items) == 1 && !x.KeepSingleton {
			return ToJSON(x.Items[0])
		}
		return ToJSON(x.Items)
	case *jsonvalue.Object:
		o := jsonvalue.NewObject(x.Len())
		for i := 0; i < x.Len(); i++ {
			k, e := x.At(i)
			if j, ok := ToJSON(e); ok {
				o.Append(k, j)
			}
		}
		return o, true
	case *Lambda, *Builtin, *partial, *Regex:
		return "", true
	}
	return v, true
}

// NewObject returns an empty object with room for n keys.
func NewObject(n int) *Object { return jsonvalue.NewObject(n) }
