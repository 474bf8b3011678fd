package asl

import (
	"math"

	"github.com/sluice-run/sluice/internal/asl/jsonpath"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// fields reads typed fields of one JSON object, reporting type errors at the
// field's pointer.
type fields struct {
	p   *parser
	obj *jsonvalue.Object
	ptr string
}

func (f fields) has(name string) bool {
	_, ok := f.obj.Get(name)
	return ok
}

// str returns a string field; ok is false when it is absent or not a
// string (which is reported).
func (f fields) str(name string) (string, bool) {
	v, ok := f.obj.Get(name)
	if !ok {
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		f.p.schemaError(f.ptr+"/"+name, "The field '%s' must be a STRING but was %s", name, jsonTypeUpper(v))
		return "", false
	}
	return s, true
}

func (f fields) boolean(name string) (bool, bool) {
	v, ok := f.obj.Get(name)
	if !ok {
		return false, false
	}
	b, ok := v.(bool)
	if !ok {
		f.p.schemaError(f.ptr+"/"+name, "The field '%s' must be a BOOLEAN but was %s", name, jsonTypeUpper(v))
		return false, false
	}
	return b, true
}

// integer returns an integer field within [min, max].
func (f fields) integer(name string, min, max int64) (int64, bool) {
	v, ok := f.obj.Get(name)
	if !ok {
		return 0, false
	}
	n, ok := v.(jsonvalue.Number)
	if !ok {
		f.p.schemaError(f.ptr+"/"+name, "The field '%s' must be an INTEGER but was %s", name, jsonTypeUpper(v))
		return 0, false
	}
	i, ok := n.Int64()
	if !ok || !n.IsIntegerLiteral() {
		f.p.schemaError(f.ptr+"/"+name, "The field '%s' must be an INTEGER but was %s", name, n)
		return 0, false
	}
	if i < min || i > max {
		if max == math.MaxInt32 {
			f.p.schemaError(f.ptr+"/"+name, "The value of the field '%s' must be at least %d but was %d", name, min, i)
		} else {
			f.p.schemaError(f.ptr+"/"+name, "The value of the field '%s' must be between %d and %d but was %d", name, min, max, i)
		}
		return 0, false
	}
	return i, true
}

func (f fields) number(name string) (float64, bool) {
	v, ok := f.obj.Get(name)
	if !ok {
		return 0, false
	}
	n, ok := v.(jsonvalue.Number)
	if !ok {
		f.p.schemaError(f.ptr+"/"+name, "The field '%s' must be a NUMBER but was %s", name, jsonTypeUpper(v))
		return 0, false
	}
	return n.Float64(), true
}

// optionalPath reads InputPath, OutputPath, ResultPath and ItemsPath, which
// may be null. reference selects reference-path syntax.
func (f fields) optionalPath(name string, reference bool) OptionalPath {
	v, ok := f.obj.Get(name)
	if !ok {
		return OptionalPath{}
	}
	if v == nil {
		return OptionalPath{Null: true}
	}
	s, ok := v.(string)
	if !ok {
		f.p.schemaError(f.ptr+"/"+name, "The field '%s' must be a STRING but was %s", name, jsonTypeUpper(v))
		return OptionalPath{}
	}
	var p *jsonpath.Path
	var err error
	if reference {
		p, err = jsonpath.ParseReference(s)
		if err == nil && p.Root() != jsonpath.RootInput {
			f.p.schemaError(f.ptr+"/"+name, "The value for the field '%s' must be a valid ReferencePath starting with '$'", name)
			return OptionalPath{}
		}
	} else {
		p, err = jsonpath.Parse(s)
	}
	if err != nil {
		kind := "JSONPath"
		if reference {
			kind = "ReferencePath"
		}
		f.p.schemaError(f.ptr+"/"+name, "The value for the field '%s' must be a valid %s: %v", name, kind, err)
		return OptionalPath{}
	}
	return OptionalPath{Path: p}
}

// referencePath reads a *Path field holding a reference path.
func (f fields) referencePath(name string) *jsonpath.Path {
	s, ok := f.str(name)
	if !ok {
		return nil
	}
	p, err := jsonpath.ParseReference(s)
	if err != nil {
		f.p.schemaError(f.ptr+"/"+name, "The value for the field '%s' must be a valid ReferencePath: %v", name, err)
		return nil
	}
	return p
}

// expr reads ErrorPath or CausePath: a path or an intrinsic call.
func (f fields) expr(name string) *Expr {
	s, ok := f.str(name)
	if !ok {
		return nil
	}
	e, err := CompileExpr(s)
	if err != nil {
		f.p.schemaError(f.ptr+"/"+name, "The value for the field '%s' must be a valid JSONPath or a valid intrinsic function call: %v", name, err)
		return nil
	}
	return e
}

// template reads a payload template field, which must be an object.
func (f fields) template(name string) *Template {
	v, ok := f.obj.Get(name)
	if !ok {
		return nil
	}
	if _, isObj := v.(*jsonvalue.Object); !isObj {
		f.p.schemaError(f.ptr+"/"+name, "The field '%s' must be an OBJECT but was %s", name, jsonTypeUpper(v))
		return nil
	}
	return f.p.compileTemplate(v, f.ptr+"/"+name, name)
}
