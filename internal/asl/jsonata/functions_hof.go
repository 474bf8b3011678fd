package jsonata

// This file holds JSONata's higher-order functions: $map, $filter,
// $single and $reduce.

func init() {
	register("map", "<af>", fnMap)
	register("filter", "<af>", fnFilter)
	register("single", "<af?>", fnSingle)
	register("reduce", "<afj?:j>", fnReduce)
}

// libCallbackArity is the number of arguments a callback declares. $string
// is counted as taking one, as its optional second argument has a default
// in JSONata and so is not counted by JavaScript.
func libCallbackArity(c *Call, fn Value) int {
	if b, ok := fn.(*Builtin); ok && b.Name == "string" {
		return 1
	}
	return c.Arity(fn)
}

// libHofArgs returns the arguments for a callback: the value always, then
// the second and third only when the callback declares them.
func libHofArgs(c *Call, fn Value, v, second, third Value) []Value {
	n := libCallbackArity(c, fn)
	switch {
	case n >= 3:
		return []Value{v, second, third}
	case n == 2:
		return []Value{v, second}
	}
	return []Value{v}
}

// fnMap implements $map(array, fn): fn(value, index, array) for each item,
// undefined results left out.
func fnMap(c *Call, args []Value) (Value, error) {
	arr, fn := libArgAtOr(args, 0), libArgAtOr(args, 1)
	if arr == nil || fn == nil {
		return nil, nil
	}
	items := libAsItems(arr)
	out := make([]Value, 0, len(items))
	for i, e := range items {
		r, err := c.Apply(fn, libHofArgs(c, fn, e, float64(i), arr)...)
		if err != nil {
			return nil, err
		}
		if r != nil {
			out = append(out, r)
		}
	}
	return libSeqOrNil(out), nil
}

// fnFilter implements $filter(array, fn): the items for which fn(value,
// index, array) casts to true.
func fnFilter(c *Call, args []Value) (Value, error) {
	arr, fn := libArgAtOr(args, 0), libArgAtOr(args, 1)
	if arr == nil || fn == nil {
		return nil, nil
	}
	items := libAsItems(arr)
	var out []Value
	for i, e := range items {
		r, err := c.Apply(fn, libHofArgs(c, fn, e, float64(i), arr)...)
		if err != nil {
			return nil, err
		}
		if b, _ := libCastBoolean(r).(bool); b {
			out = append(out, e)
		}
	}
	return libSeqOrNil(out), nil
}

// fnSingle implements $single(array, fn): the one item for which fn is
// true (every item without fn); D3138 when more match, D3139 when none.
func fnSingle(c *Call, args []Value) (Value, error) {
	arr, fn := libArgAtOr(args, 0), libArgAtOr(args, 1)
	if arr == nil {
		return nil, nil
	}
	items := libAsItems(arr)
	var result Value
	found := false
	for i, e := range items {
		ok := true
		if fn != nil {
			r, err := c.Apply(fn, libHofArgs(c, fn, e, float64(i), arr)...)
			if err != nil {
				return nil, err
			}
			ok, _ = libCastBoolean(r).(bool)
		}
		if !ok {
			continue
		}
		if found {
			return nil, &Error{Code: "D3138", Position: c.Position, Token: "single"}
		}
		result, found = e, true
	}
	if !found {
		return nil, &Error{Code: "D3139", Position: c.Position, Token: "single"}
	}
	return result, nil
}

// fnReduce implements $reduce(array, fn, init): fn(accumulator, value,
// index, array) folded from the left, starting from init or the first
// item. fn must take at least two arguments (D3050).
func fnReduce(c *Call, args []Value) (Value, error) {
	arr, fn := libArgAtOr(args, 0), libArgAtOr(args, 1)
	if arr == nil {
		return nil, nil
	}
	if fn == nil {
		return nil, nil
	}
	n := libCallbackArity(c, fn)
	if n < 2 {
		return nil, &Error{Code: "D3050", Position: c.Position, Token: "reduce", Value: fn}
	}
	items := libAsItems(arr)
	acc := libArgAtOr(args, 2)
	i := 0
	if acc == nil && len(items) > 0 {
		acc = items[0]
		i = 1
	}
	for ; i < len(items); i++ {
		call := []Value{acc, items[i]}
		if n >= 3 {
			call = append(call, float64(i))
		}
		if n >= 4 {
			call = append(call, arr)
		}
		r, err := c.Apply(fn, call...)
		if err != nil {
			return nil, err
		}
		acc = r
	}
	return acc, nil
}
