package jsonpath

// Path functions, as Jayway JsonPath 2.9 defines them. A function applies
// to the value the path before it selects (the "model") and to its
// arguments, which are JSON literals or paths evaluated on the document.
// A deep scan followed by a function, $..price.sum(), is evaluated as
// $.sum($..price), so it aggregates every match.

import (
	"fmt"
	"math"
	"strings"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// functions are the names Jayway's PathFunctionFactory knows.
var functions = map[string]bool{
	"avg": true, "stddev": true, "sum": true, "min": true, "max": true,
	"concat": true, "length": true, "size": true, "append": true, "keys": true,
	"first": true, "last": true, "index": true,
}

const functionList = "avg, stddev, sum, min, max, concat, length, size, append, keys, first, last and index"

// funcCall is a compiled function call.
type funcCall struct {
	name   string
	params []funcParam
	// For $..x.fn(): the path $..x, and $..x[*] for length().
	scan, scanAll *Path
}

// funcParam is a function argument.
type funcParam struct {
	path   *Path // a path argument
	all    *Path // the path followed by [*], for length()
	json   jsonvalue.Value
	isJSON bool
}

func (f *funcCall) fail(e *evaluator, msg string) error {
	return &PathError{Kind: FunctionFailed, Path: e.p.src, At: e.p.Normalized(), Msg: msg}
}

// paramValues evaluates the arguments. Path arguments are evaluated on the
// document, whatever their root.
func (f *funcCall) paramValues(e *evaluator) ([]jsonvalue.Value, error) {
	if len(f.params) == 0 {
		return nil, nil
	}
	vals := make([]jsonvalue.Value, len(f.params))
	for i := range f.params {
		prm := &f.params[i]
		if prm.path == nil {
			vals[i] = prm.json
			continue
		}
		v, err := prm.path.evalOn(e.root, e.root, &e.steps)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	return vals, nil
}

func (f *funcCall) isLength() bool { return f.name == "length" || f.name == "size" }

// invoke calls the function on model.
func (f *funcCall) invoke(e *evaluator, model jsonvalue.Value) (jsonvalue.Value, error) {
	vals, err := f.paramValues(e)
	if err != nil {
		return nil, err
	}
	if f.isLength() && len(f.params) > 0 {
		// length(path) counts the children of what path selects in model.
		first := &f.params[0]
		if first.path == nil {
			return nil, f.fail(e, "The argument of "+f.name+"() must be a path")
		}
		if first.all != nil {
			inner, err := first.all.evalOn(model, model, &e.steps)
			if err != nil {
				return nil, err
			}
			if arr, ok := inner.([]jsonvalue.Value); ok {
				return jsonvalue.Int(int64(len(arr))), nil
			}
		}
	}
	return f.apply(e, model, vals)
}

// invokeInverted evaluates $..x.fn() as $.fn($..x).
func (f *funcCall) invokeInverted(e *evaluator, model jsonvalue.Value) (jsonvalue.Value, error) {
	v, err := f.scan.evalOn(e.root, e.root, &e.steps)
	if err != nil {
		return nil, err
	}
	if f.isLength() {
		inner, err := f.scanAll.evalOn(model, model, &e.steps)
		if err != nil {
			return nil, err
		}
		if arr, ok := inner.([]jsonvalue.Value); ok {
			return jsonvalue.Int(int64(len(arr))), nil
		}
	}
	return f.apply(e, model, []jsonvalue.Value{v})
}

func (f *funcCall) apply(e *evaluator, model jsonvalue.Value, vals []jsonvalue.Value) (jsonvalue.Value, error) {
	switch f.name {
	case "length", "size":
		switch x := model.(type) {
		case []jsonvalue.Value:
			return jsonvalue.Int(int64(len(x))), nil
		case *jsonvalue.Object:
			return jsonvalue.Int(int64(x.Len())), nil
		}
		return nil, nil
	case "sum", "avg", "min", "max", "stddev":
		return f.aggregate(e, model, vals)
	case "concat":
		var sb strings.Builder
		if arr, ok := model.([]jsonvalue.Value); ok {
			for _, el := range arr {
				if s, ok := el.(string); ok {
					sb.WriteString(s)
				}
			}
		}
		for _, v := range vals {
			switch x := v.(type) {
			case string:
				sb.WriteString(x)
			case []jsonvalue.Value:
				for _, el := range x {
					if el != nil {
						appendJavaString(&sb, el)
					}
				}
			}
		}
		return sb.String(), nil
	case "append":
		arr, ok := model.([]jsonvalue.Value)
		if !ok {
			return model, nil
		}
		out := make([]jsonvalue.Value, len(arr), len(arr)+len(vals))
		copy(out, arr)
		return append(out, vals...), nil
	case "keys":
		obj, ok := model.(*jsonvalue.Object)
		if !ok {
			return nil, nil
		}
		keys := make([]jsonvalue.Value, obj.Len())
		for i, k := range obj.Keys() {
			keys[i] = k
		}
		return keys, nil
	}
	return f.sequence(e, model, vals)
}

// aggregate computes sum, avg, min, max and stddev over the numbers of
// model, if it is an array, and of the arguments, as doubles.
func (f *funcCall) aggregate(e *evaluator, model jsonvalue.Value, vals []jsonvalue.Value) (jsonvalue.Value, error) {
	var sum, sumSq float64
	lo, hi := math.MaxFloat64, -math.MaxFloat64
	count := 0
	next := func(v jsonvalue.Value) {
		n, ok := v.(jsonvalue.Number)
		if !ok {
			return
		}
		x := n.Float64()
		sum += x
		sumSq += x * x
		lo, hi = min(lo, x), max(hi, x)
		count++
	}
	if arr, ok := model.([]jsonvalue.Value); ok {
		for _, el := range arr {
			next(el)
		}
	}
	for _, v := range vals {
		if arr, ok := v.([]jsonvalue.Value); ok {
			for _, el := range arr {
				next(el)
			}
		} else {
			next(v)
		}
	}
	if count == 0 {
		return nil, f.fail(e, "Aggregation function attempted to calculate value using empty array")
	}
	c := float64(count)
	var r float64
	switch f.name {
	case "sum":
		r = sum
	case "avg":
		r = sum / c
	case "min":
		r = lo
	case "max":
		r = hi
	default:
		r = math.Sqrt(sumSq/c - sum*sum/c/c)
	}
	return doubleNumber(r), nil
}

// sequence implements first(), last() and index(n), including Jayway's
// refusal of last() and index(-n) when they would select element 0.
func (f *funcCall) sequence(e *evaluator, model jsonvalue.Value, vals []jsonvalue.Value) (jsonvalue.Value, error) {
	arr, ok := model.([]jsonvalue.Value)
	if !ok {
		return nil, f.fail(e, "Aggregation function attempted to calculate value using empty array")
	}
	idx := 0
	switch f.name {
	case "last":
		idx = -1
	case "index":
		found := false
		for _, v := range vals {
			if list, ok := v.([]jsonvalue.Value); ok {
				for _, el := range list {
					if n, ok := el.(jsonvalue.Number); ok && !found {
						idx, found = intValue(n), true
					}
				}
			} else if n, ok := v.(jsonvalue.Number); ok && !found {
				idx, found = intValue(n), true
			}
		}
		if !found {
			return nil, f.fail(e, "Index 0 out of bounds for length 0")
		}
	}
	if idx >= 0 {
		if idx >= len(arr) {
			return nil, f.fail(e, fmt.Sprintf("Index %d out of bounds for length %d", idx, len(arr)))
		}
		return arr[idx], nil
	}
	if real := len(arr) + idx; real > 0 {
		return arr[real], nil
	}
	return nil, f.fail(e, fmt.Sprintf("Target index:%d larger than object count:%d", idx, len(arr)))
}
