package asl

import (
	"errors"
	"fmt"
	"strings"

	"github.com/sluice-run/sluice/internal/asl/intrinsic"
	"github.com/sluice-run/sluice/internal/asl/jsonpath"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

type intrinsicCall = *intrinsic.Call

// EvalError is a failure while evaluating a template, an expression or a
// path at run time. Name is the Step Functions error the state fails with
// and Cause the message without the "An error occurred while executing the
// state" prefix, which the interpreter adds.
type EvalError struct {
	Name  string
	Cause string
}

func (e *EvalError) Error() string { return e.Name + ": " + e.Cause }

// Errors raised by input and output processing.
const (
	ErrRuntime                = "States.Runtime"
	ErrIntrinsicFailure       = "States.IntrinsicFailure"
	ErrResultPathMatchFailure = "States.ResultPathMatchFailure"
	ErrParameterPathFailure   = "States.ParameterPathFailure"
)

// CompileExpr compiles the value of a ".$" field or of ErrorPath/CausePath:
// an intrinsic function call or a JSONPath.
func CompileExpr(src string) (*Expr, error) {
	if intrinsic.Looks(src) {
		c, err := intrinsic.Parse(src)
		if err != nil {
			return nil, err
		}
		return &Expr{src: src, intrinsic: c}, nil
	}
	p, err := jsonpath.Parse(src)
	if err != nil {
		return nil, err
	}
	return &Expr{src: src, path: p}, nil
}

// IsPath reports whether the expression is a path rather than an intrinsic
// call.
func (e *Expr) IsPath() bool { return e.path != nil }

// usesContext reports whether the expression reads $$.
func (e *Expr) usesContext() bool {
	if e.path != nil {
		return e.path.Root() == jsonpath.RootContext
	}
	return strings.Contains(e.src, "$$")
}

// Eval evaluates the expression. field names the field holding it (such
// as "name.$" or "ErrorPath") for error messages.
func (e *Expr) Eval(env *jsonpath.Env, rnd intrinsic.Random, field string) (jsonvalue.Value, error) {
	if e.intrinsic != nil {
		v, err := e.intrinsic.Eval(env, rnd)
		if err != nil {
			var ie *intrinsic.Error
			if errors.As(err, &ie) {
				return nil, &EvalError{Name: ie.Name, Cause: ie.Message}
			}
			return nil, &EvalError{Name: ErrRuntime, Cause: err.Error()}
		}
		return v, nil
	}
	v, err := e.path.Eval(env)
	if err != nil {
		if errors.Is(err, jsonpath.ErrNotFound) {
			return nil, &EvalError{Name: ErrRuntime, Cause: fmt.Sprintf(
				"The JsonPath argument for the field '%s' could not be found in the input '%s'",
				field, jsonvalue.Marshal(rootOf(e.path, env)))}
		}
		return nil, &EvalError{Name: ErrRuntime, Cause: err.Error()}
	}
	return v, nil
}

// rootOf returns the document a path is evaluated against, for messages.
func rootOf(p *jsonpath.Path, env *jsonpath.Env) jsonvalue.Value {
	switch p.Root() {
	case jsonpath.RootContext:
		return env.Context
	case jsonpath.RootVariable:
		if env.Var != nil {
			v, _ := env.Var(p.Variable())
			return v
		}
		return nil
	}
	return env.Input
}

// Template is a compiled payload template: the value of Parameters,
// ResultSelector, ItemSelector or BatchInput, where fields whose names end
// in ".$" take their values from paths or intrinsic calls.
type Template struct {
	root        tnode
	usesContext bool
}

type tnode struct {
	// lit is set for a subtree without dynamic fields; it is shared.
	lit    jsonvalue.Value
	static bool
	// obj is set for an object with dynamic fields somewhere below.
	keys []string
	vals []tnode
	obj  bool
	// arr is set for an array with dynamic fields below.
	elems []tnode
	arr   bool
	// expr is set for a dynamic field's value.
	expr  *Expr
	field string
}

// compileTemplate compiles v, reporting problems at ptr.
func (p *parser) compileTemplate(v jsonvalue.Value, ptr, field string) *Template {
	t := &Template{}
	t.root = p.compileNode(v, ptr, t)
	return t
}

func (p *parser) compileNode(v jsonvalue.Value, ptr string, t *Template) tnode {
	switch x := v.(type) {
	case *jsonvalue.Object:
		n := tnode{obj: true}
		dynamic := false
		for i := 0; i < x.Len(); i++ {
			k, val := x.At(i)
			kptr := ptr + "/" + pointerKey(k)
			if strings.HasSuffix(k, ".$") && len(k) > 2 {
				s, ok := val.(string)
				if !ok {
					p.schemaError(kptr, "The value for the field '%s' must be a STRING that contains a JSONPath but was an %s", k, jsonTypeUpper(val))
					continue
				}
				e, err := CompileExpr(s)
				if err != nil {
					p.schemaError(kptr, "The value for the field '%s' must be a valid JSONPath or a valid intrinsic function call", k)
					continue
				}
				if e.usesContext() {
					t.usesContext = true
				}
				dynamic = true
				n.keys = append(n.keys, k[:len(k)-2])
				n.vals = append(n.vals, tnode{expr: e, field: k})
				continue
			}
			child := p.compileNode(val, kptr, t)
			if !child.static {
				dynamic = true
			}
			n.keys = append(n.keys, k)
			n.vals = append(n.vals, child)
		}
		if !dynamic {
			return tnode{lit: v, static: true}
		}
		return n.dedupe()
	case []jsonvalue.Value:
		n := tnode{arr: true}
		dynamic := false
		for i, e := range x {
			child := p.compileNode(e, fmt.Sprintf("%s[%d]", ptr, i), t)
			if !child.static {
				dynamic = true
			}
			n.elems = append(n.elems, child)
		}
		if !dynamic {
			return tnode{lit: v, static: true}
		}
		return n
	}
	return tnode{lit: v, static: true}
}

func jsonTypeUpper(v jsonvalue.Value) string {
	switch v.(type) {
	case nil:
		return "NULL"
	case bool:
		return "BOOLEAN"
	case jsonvalue.Number:
		return "NUMBER"
	case *jsonvalue.Object:
		return "OBJECT"
	case []jsonvalue.Value:
		return "ARRAY"
	}
	return "STRING"
}

// UsesContext reports whether the template reads the context object.
func (t *Template) UsesContext() bool { return t != nil && t.usesContext }

// Eval builds the template's value for env.
func (t *Template) Eval(env *jsonpath.Env, rnd intrinsic.Random) (jsonvalue.Value, error) {
	return t.root.eval(env, rnd)
}

func (n *tnode) eval(env *jsonpath.Env, rnd intrinsic.Random) (jsonvalue.Value, error) {
	switch {
	case n.static:
		return n.lit, nil
	case n.expr != nil:
		return n.expr.Eval(env, rnd, n.field)
	case n.obj:
		o := jsonvalue.NewObjectKeys(n.keys)
		for i := range n.keys {
			v, err := n.vals[i].eval(env, rnd)
			if err != nil {
				return nil, err
			}
			o.SetAt(i, v)
		}
		return o, nil
	case n.arr:
		out := make([]jsonvalue.Value, len(n.elems))
		for i := range n.elems {
			v, err := n.elems[i].eval(env, rnd)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	}
	return nil, nil
}

// dedupe keeps one entry per key: "a" and "a.$" both produce "a", and the
// later one wins, in the position of the first, as building the object
// key by key would.
func (n tnode) dedupe() tnode {
	seen := make(map[string]int, len(n.keys))
	keys := n.keys[:0:0]
	vals := n.vals[:0:0]
	for i, k := range n.keys {
		if j, ok := seen[k]; ok {
			vals[j] = n.vals[i]
			continue
		}
		seen[k] = len(keys)
		keys = append(keys, k)
		vals = append(vals, n.vals[i])
	}
	n.keys, n.vals = keys, vals
	return n
}
