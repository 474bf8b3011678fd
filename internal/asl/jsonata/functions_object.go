package jsonata

// This file holds JSONata's object functions ($keys, $lookup, $spread,
// $merge, $sift, $each, $error, $assert, $type) and its boolean functions
// ($boolean, $not, $exists).

func init() {
	register("keys", "<x-:a<s>>", fnKeys)
	register("lookup", "<x-s:x>", fnLookup)
	register("spread", "<x-:a<o>>", fnSpread)
	register("merge", "<a<o>:o>", fnMerge)
	register("sift", "<o-f?:o>", fnSift)
	register("each", "<o-f:a>", fnEach)
	register("error", "<s?:x>", fnError)
	register("assert", "<bs?:x>", fnAssert)
	register("type", "<x:s>", fnType)
	register("boolean", "<x-:b>", fnBoolean)
	register("not", "<x-:b>", fnNot)
	register("exists", "<x:b>", fnExists)
}

// libSeqOrNil returns items as a result sequence, or undefined when empty.
func libSeqOrNil(items []Value) Value {
	if len(items) == 0 {
		return nil
	}
	return &Sequence{Items: items}
}

// fnKeys implements $keys: the keys of an object, or the union of the keys
// of the objects in an array, in order of first appearance.
func fnKeys(c *Call, args []Value) (Value, error) {
	var keys []Value
	seen := map[string]bool{}
	var collect func(v Value, depth int)
	collect = func(v Value, depth int) {
		switch x := v.(type) {
		case *Object:
			for _, k := range x.Keys() {
				if !seen[k] {
					seen[k] = true
					keys = append(keys, k)
				}
			}
		case []Value, *Sequence:
			if depth > maxWriteDepth {
				return
			}
			items, _ := Items(x)
			for _, e := range items {
				collect(e, depth+1)
			}
		}
	}
	collect(libArgAtOr(args, 0), 0)
	return libSeqOrNil(keys), nil
}

// fnLookup implements $lookup(object, key): the value of key in an object,
// or the values of key in each object of an array, flattened.
func fnLookup(c *Call, args []Value) (Value, error) {
	key, ok := libArgString(args, 1)
	if !ok {
		return nil, nil
	}
	return libLookupKey(libArgAtOr(args, 0), key, 0), nil
}

func libLookupKey(v Value, key string, depth int) Value {
	switch x := v.(type) {
	case *Object:
		e, _ := x.Get(key)
		return e
	case []Value, *Sequence:
		if depth > maxWriteDepth {
			return nil
		}
		items, _ := Items(x)
		var out []Value
		for _, e := range items {
			r := libLookupKey(e, key, depth+1)
			if r == nil {
				continue
			}
			if sub, ok := Items(r); ok {
				out = append(out, sub...)
			} else {
				out = append(out, r)
			}
		}
		return libSeqOrNil(out)
	}
	return nil
}

// fnSpread implements $spread: an object becomes an array of one-key
// objects; an array has each of its items spread, all in one array; any
// other value is returned as it is.
func fnSpread(c *Call, args []Value) (Value, error) {
	v := libArgAtOr(args, 0)
	switch x := v.(type) {
	case *Object:
		return libSeqOrNil(libSpreadObject(x)), nil
	case []Value, *Sequence:
		items, _ := Items(x)
		var out []Value
		for _, e := range items {
			if o, ok := e.(*Object); ok {
				out = append(out, libSpreadObject(o)...)
			} else if sub, ok := Items(e); ok {
				r, _ := fnSpread(c, []Value{sub})
				out = append(out, libAsItemsOrNone(r)...)
			} else if e != nil {
				out = append(out, e)
			}
		}
		if len(out) == 0 {
			return nil, nil
		}
		return out, nil
	}
	return v, nil
}

// libAsItemsOrNone is libAsItems with undefined giving no items.
func libAsItemsOrNone(v Value) []Value {
	if v == nil {
		return nil
	}
	return libAsItems(v)
}

func libSpreadObject(o *Object) []Value {
	out := make([]Value, 0, o.Len())
	for i := 0; i < o.Len(); i++ {
		k, e := o.At(i)
		one := NewObject(1)
		one.Append(k, e)
		out = append(out, one)
	}
	return out
}

// fnMerge implements $merge: the objects of an array merged into one, a
// later key replacing an earlier one's value.
func fnMerge(c *Call, args []Value) (Value, error) {
	v := libArgAtOr(args, 0)
	if v == nil {
		return nil, nil
	}
	out := NewObject(0)
	for _, e := range libAsItems(v) {
		o, ok := e.(*Object)
		if !ok {
			continue
		}
		for i := 0; i < o.Len(); i++ {
			k, val := o.At(i)
			out.Set(k, val)
		}
	}
	return out, nil
}

// fnSift implements $sift(object, fn): the entries for which fn(value,
// key, object) is true, or undefined when there are none.
func fnSift(c *Call, args []Value) (Value, error) {
	o, ok := libArgAtOr(args, 0).(*Object)
	if !ok {
		return nil, nil
	}
	fn := libArgAtOr(args, 1)
	if fn == nil {
		return nil, nil
	}
	out := NewObject(0)
	for i := 0; i < o.Len(); i++ {
		k, v := o.At(i)
		r, err := c.Apply(fn, libHofArgs(c, fn, v, k, o)...)
		if err != nil {
			return nil, err
		}
		if b, _ := libCastBoolean(r).(bool); b {
			out.Append(k, v)
		}
	}
	if out.Len() == 0 {
		return nil, nil
	}
	return out, nil
}

// fnEach implements $each(object, fn): the results of fn(value, key,
// object) for each entry, undefined results left out.
func fnEach(c *Call, args []Value) (Value, error) {
	o, ok := libArgAtOr(args, 0).(*Object)
	if !ok {
		return nil, nil
	}
	fn := libArgAtOr(args, 1)
	if fn == nil {
		return nil, nil
	}
	var out []Value
	for i := 0; i < o.Len(); i++ {
		k, v := o.At(i)
		r, err := c.Apply(fn, libHofArgs(c, fn, v, k, o)...)
		if err != nil {
			return nil, err
		}
		if r != nil {
			out = append(out, r)
		}
	}
	return libSeqOrNil(out), nil
}

// fnError implements $error(message): it always fails with D3137.
func fnError(c *Call, args []Value) (Value, error) {
	msg, ok := libArgString(args, 0)
	if !ok {
		msg = "$error() function evaluated"
	}
	return nil, &Error{Code: "D3137", Position: c.Position, Token: "error", Detail: msg}
}

// fnAssert implements $assert(condition, message): D3141 unless condition
// is true.
func fnAssert(c *Call, args []Value) (Value, error) {
	if ok, _ := libArgAtOr(args, 0).(bool); ok {
		return nil, nil
	}
	msg, ok := libArgString(args, 1)
	if !ok {
		msg = "$assert() statement failed"
	}
	return nil, &Error{Code: "D3141", Position: c.Position, Token: "assert", Detail: msg}
}

// fnType implements $type: "null", "number", "string", "boolean",
// "array", "object" or "function"; undefined for undefined.
func fnType(c *Call, args []Value) (Value, error) {
	v := libArgAtOr(args, 0)
	switch v.(type) {
	case nil:
		return nil, nil
	case nullType:
		return "null", nil
	case float64:
		return "number", nil
	case string:
		return "string", nil
	case bool:
		return "boolean", nil
	case []Value, *Sequence:
		return "array", nil
	case *Object:
		return "object", nil
	}
	if IsFunction(v) {
		return "function", nil
	}
	return nil, nil
}

// libCastBoolean is JSONata's boolean cast: empty strings, 0, null, empty
// arrays and objects, and functions are false; an array is true when any
// of its items is; undefined stays undefined.
func libCastBoolean(v Value) Value {
	return libCastBooleanDepth(v, 0)
}

func libCastBooleanDepth(v Value, depth int) Value {
	switch x := v.(type) {
	case nil:
		return nil
	case nullType:
		return false
	case bool:
		return x
	case float64:
		return x != 0
	case string:
		return x != ""
	case *Object:
		return x.Len() > 0
	case []Value, *Sequence:
		items, _ := Items(x)
		if depth > maxWriteDepth {
			return len(items) > 0
		}
		switch len(items) {
		case 0:
			return false
		case 1:
			return libCastBooleanDepth(items[0], depth+1)
		}
		for _, e := range items {
			if b, _ := libCastBooleanDepth(e, depth+1).(bool); b {
				return true
			}
		}
		return false
	}
	return false
}

// fnBoolean implements $boolean.
func fnBoolean(c *Call, args []Value) (Value, error) {
	return libCastBoolean(libArgAtOr(args, 0)), nil
}

// fnNot implements $not: the negated boolean cast; undefined stays
// undefined.
func fnNot(c *Call, args []Value) (Value, error) {
	b := libCastBoolean(libArgAtOr(args, 0))
	if b == nil {
		return nil, nil
	}
	return !b.(bool), nil
}

// fnExists implements $exists: whether the argument is defined.
func fnExists(c *Call, args []Value) (Value, error) {
	return libArgAtOr(args, 0) != nil, nil
}
