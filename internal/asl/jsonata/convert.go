package jsonata

import (
	"unsafe"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// Converter converts between jsonvalue documents and evaluator values
// like FromJSON and ToJSON, remembering what it converted. jsonvalue
// documents are immutable and share unchanged parts, so a document seen
// again (the same state input read by several expressions, or the parts a
// state passes on to the next) is converted once; and a result that is an
// unchanged converted value converts back to the original document
// without a copy. The evaluator never changes the values it is given
// (transforms work on deep copies), which is what makes this sound.
//
// A Converter is not safe for concurrent use. It forgets everything when
// it holds more than a few thousand conversions.
type Converter struct {
	objs    map[*jsonvalue.Object]*Object
	objBack map[*Object]*jsonvalue.Object
	arrs    map[sliceKey][]Value
	arrBack map[sliceKey][]jsonvalue.Value
}

type sliceKey struct {
	p unsafe.Pointer
	n int
}

// converterLimit bounds the conversions a Converter remembers.
const converterLimit = 4096

func keyOf[T any](s []T) sliceKey { return sliceKey{unsafe.Pointer(unsafe.SliceData(s)), len(s)} }

func (c *Converter) reset() {
	c.objs = make(map[*jsonvalue.Object]*Object)
	c.objBack = make(map[*Object]*jsonvalue.Object)
	c.arrs = make(map[sliceKey][]Value)
	c.arrBack = make(map[sliceKey][]jsonvalue.Value)
}

// FromJSON converts a document into the evaluator's model.
func (c *Converter) FromJSON(v jsonvalue.Value) Value {
	if c.objs == nil || len(c.objs)+len(c.arrs) > converterLimit {
		c.reset()
	}
	return c.from(v)
}

func (c *Converter) from(v jsonvalue.Value) Value {
	switch x := v.(type) {
	case nil:
		return Null
	case jsonvalue.Number:
		return x.Float64()
	case []jsonvalue.Value:
		if len(x) == 0 {
			return []Value{}
		}
		k := keyOf(x)
		if out, ok := c.arrs[k]; ok {
			return out
		}
		out := make([]Value, len(x))
		for i, e := range x {
			out[i] = c.from(e)
		}
		c.arrs[k] = out
		c.arrBack[keyOf(out)] = x
		return out
	case *jsonvalue.Object:
		if o, ok := c.objs[x]; ok {
			return o
		}
		o := jsonvalue.NewObject(x.Len())
		for i := 0; i < x.Len(); i++ {
			k, e := x.At(i)
			o.Append(k, c.from(e))
		}
		c.objs[x] = o
		c.objBack[o] = x
		return o
	}
	return v
}

// ToJSON converts an evaluator value into a document, as the package's
// ToJSON does, giving back the original of any value this Converter made.
func (c *Converter) ToJSON(v Value) (jsonvalue.Value, bool) {
	switch x := v.(type) {
	case *Object:
		if orig, ok := c.objBack[x]; ok {
			return orig, true
		}
		o := jsonvalue.NewObject(x.Len())
		for i := 0; i < x.Len(); i++ {
			k, e := x.At(i)
			if j, ok := c.ToJSON(e); ok {
				o.Append(k, j)
			}
		}
		return o, true
	case []Value:
		if len(x) > 0 {
			if orig, ok := c.arrBack[keyOf(x)]; ok {
				return orig, true
			}
		}
		out := make([]jsonvalue.Value, 0, len(x))
		for _, e := range x {
			if j, ok := c.ToJSON(e); ok {
				out = append(out, j)
			}
		}
		return out, true
	case *Sequence:
		if len(x.Items) == 1 && !x.KeepSingleton {
			return c.ToJSON(x.Items[0])
		}
		return c.ToJSON(x.Items)
	}
	return ToJSON(v)
}
