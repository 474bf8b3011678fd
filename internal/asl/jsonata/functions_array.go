package jsonata

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// This file holds JSONata's array functions: $count, $append, $reverse,
// $shuffle, $sort, $zip and $distinct.

func init() {
	register("count", "<a:n>", fnCount)
	register("append", "<xx:a>", fnAppend)
	register("reverse", "<a:a>", fnReverse)
	register("shuffle", "<a:a>", fnShuffle)
	register("sort", "<af?:a>", fnSort)
	register("zip", "<a+>", fnZip)
	register("distinct", "<x:x>", fnDistinct)
}

// libAsItems returns the elements of an array or sequence, or v alone.
func libAsItems(v Value) []Value {
	if items, ok := Items(v); ok {
		return items
	}
	return []Value{v}
}

// fnCount implements $count: the number of items, 0 for undefined.
func fnCount(c *Call, args []Value) (Value, error) {
	v := libArgAtOr(args, 0)
	if v == nil {
		return 0.0, nil
	}
	return float64(len(libAsItems(v))), nil
}

// fnAppend implements $append(a, b): the items of both in one array; when
// either is undefined the other is returned as it is.
func fnAppend(c *Call, args []Value) (Value, error) {
	a, b := libArgAtOr(args, 0), libArgAtOr(args, 1)
	if a == nil {
		return b, nil
	}
	if b == nil {
		return a, nil
	}
	ai, bi := libAsItems(a), libAsItems(b)
	out := make([]Value, 0, len(ai)+len(bi))
	out = append(out, ai...)
	return append(out, bi...), nil
}

// fnReverse implements $reverse, returning a new array.
func fnReverse(c *Call, args []Value) (Value, error) {
	v := libArgAtOr(args, 0)
	if v == nil {
		return nil, nil
	}
	items := libAsItems(v)
	if len(items) <= 1 {
		return v, nil
	}
	out := slices.Clone(items)
	slices.Reverse(out)
	return out, nil
}

// fnShuffle implements $shuffle: the items in a random order.
func fnShuffle(c *Call, args []Value) (Value, error) {
	v := libArgAtOr(args, 0)
	if v == nil {
		return nil, nil
	}
	items := libAsItems(v)
	if len(items) <= 1 {
		return v, nil
	}
	// Fisher-Yates, drawing from the evaluation's random source so that a
	// seeded source gives a repeatable order.
	out := append([]Value(nil), items...)
	for i := len(out) - 1; i > 0; i-- {
		j := min(int(c.Random()*float64(i+1)), i)
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// fnSort implements $sort(array, before): a stable merge sort. Without a
// function the items must be all numbers or all strings (D3070), sorted
// ascending; with one, before(a, b) returns true when a belongs after b.
func fnSort(c *Call, args []Value) (Value, error) {
	v := libArgAtOr(args, 0)
	if v == nil {
		return nil, nil
	}
	items := libAsItems(v)
	if len(items) <= 1 {
		return v, nil
	}
	var after func(a, b Value) (bool, error)
	if fn := libArgAtOr(args, 1); fn != nil {
		after = func(a, b Value) (bool, error) {
			r, err := c.Apply(fn, a, b)
			if err != nil {
				return false, err
			}
			return libJsTruthy(r), nil
		}
	} else {
		allNum, allStr := true, true
		for _, e := range items {
			switch e.(type) {
			case float64:
				allStr = false
			case string:
				allNum = false
			default:
				allNum, allStr = false, false
			}
		}
		switch {
		case allNum:
			after = func(a, b Value) (bool, error) { return a.(float64) > b.(float64), nil }
		case allStr:
			after = func(a, b Value) (bool, error) { return jsonvalue.CompareUTF16(a.(string), b.(string)) > 0, nil }
		default:
			return nil, &Error{Code: "D3070", Position: c.Position, Token: "sort", Value: v}
		}
	}
	return libMergeSort(items, after)
}

// libMergeSort sorts a copy of items, splitting at the middle and merging
// left before right unless after(left, right) says otherwise, so equal
// items keep their order.
func libMergeSort(items []Value, after func(a, b Value) (bool, error)) ([]Value, error) {
	if len(items) <= 1 {
		return append([]Value(nil), items...), nil
	}
	mid := len(items) / 2
	left, err := libMergeSort(items[:mid], after)
	if err != nil {
		return nil, err
	}
	right, err := libMergeSort(items[mid:], after)
	if err != nil {
		return nil, err
	}
	out := make([]Value, 0, len(items))
	i, j := 0, 0
	for i < len(left) && j < len(right) {
		swap, err := after(left[i], right[j])
		if err != nil {
			return nil, err
		}
		if swap {
			out = append(out, right[j])
			j++
		} else {
			out = append(out, left[i])
			i++
		}
	}
	out = append(out, left[i:]...)
	return append(out, right[j:]...), nil
}

// libJsTruthy is JavaScript's truthiness, which $sort applies to a
// comparator's result.
func libJsTruthy(v Value) bool {
	switch x := libSingleton(v).(type) {
	case nil, nullType:
		return false
	case bool:
		return x
	case float64:
		return x != 0 && !math.IsNaN(x)
	case string:
		return x != ""
	}
	return true
}

// fnZip implements $zip: the i-th items of each array grouped, as long as
// the shortest array; an undefined argument makes the result empty.
func fnZip(c *Call, args []Value) (Value, error) {
	if len(args) == 0 {
		return []Value{}, nil
	}
	n := math.MaxInt
	lists := make([][]Value, len(args))
	for i, a := range args {
		if a == nil {
			return []Value{}, nil
		}
		lists[i] = libAsItems(a)
		n = min(n, len(lists[i]))
	}
	out := make([]Value, n)
	for i := range n {
		tuple := make([]Value, len(lists))
		for j, l := range lists {
			tuple[j] = l[i]
		}
		out[i] = tuple
	}
	return out, nil
}

// fnDistinct implements $distinct: an array without repeated items (by
// deep equality), keeping first occurrences; any other value is returned
// as it is.
func fnDistinct(c *Call, args []Value) (Value, error) {
	v := libArgAtOr(args, 0)
	items, ok := Items(v)
	if !ok || len(items) <= 1 {
		return v, nil
	}
	seen := make(map[string]bool, len(items))
	out := make([]Value, 0, len(items))
	var b strings.Builder
	for _, e := range items {
		b.Reset()
		libEqualityKey(&b, e)
		k := b.String()
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, e)
	}
	if _, isSeq := v.(*Sequence); isSeq {
		return &Sequence{Items: out}, nil
	}
	return out, nil
}

// libNanCounter numbers the NaNs libEqualityKey meets, so no two are equal.
var libNanCounter atomic.Uint64

// libEqualityKey writes a text that two values share exactly when they are
// deeply equal: same type, numbers equal, arrays item by item, objects
// with the same keys (in any order) and equal values; functions only
// equal themselves and NaN equals nothing.
func libEqualityKey(b *strings.Builder, v Value) {
	switch x := v.(type) {
	case nil:
		b.WriteByte('u')
	case nullType:
		b.WriteByte('l')
	case bool:
		if x {
			b.WriteByte('t')
		} else {
			b.WriteByte('f')
		}
	case float64:
		if math.IsNaN(x) {
			fmt.Fprintf(b, "N%d;", libNanCounter.Add(1))
			return
		}
		b.WriteByte('n')
		b.WriteString(FormatNumber(x))
		b.WriteByte(';')
	case string:
		b.WriteByte('s')
		b.WriteString(strconv.Itoa(len(x)))
		b.WriteByte(':')
		b.WriteString(x)
	case []Value:
		libEqualityKeyArray(b, x)
	case *Sequence:
		libEqualityKeyArray(b, x.Items)
	case *Object:
		keys := append([]string(nil), x.Keys()...)
		sort.Strings(keys)
		b.WriteString("o{")
		for _, k := range keys {
			e, _ := x.Get(k)
			b.WriteString(strconv.Itoa(len(k)))
			b.WriteByte(':')
			b.WriteString(k)
			libEqualityKey(b, e)
		}
		b.WriteByte('}')
	default:
		fmt.Fprintf(b, "F%p;", v)
	}
}

func libEqualityKeyArray(b *strings.Builder, items []Value) {
	b.WriteString("a[")
	for _, e := range items {
		libEqualityKey(b, e)
	}
	b.WriteByte(']')
}
