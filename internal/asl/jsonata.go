package asl

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/sluice-run/sluice/internal/asl/jsonata"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// ErrQueryEvaluation is the error a state raises when a JSONata
// expression fails or gives a value the field cannot take.
const ErrQueryEvaluation = "States.QueryEvaluationError"

// JTemplate is a compiled JSONata template: a JSON value in which every
// string of the form "{% expression %}" is a JSONata expression, evaluated
// when the state runs. Other strings, including ones with spaces around
// the braces, are literals.
type JTemplate struct {
	root jnode
}

type jnode struct {
	// lit is set for a subtree without expressions; it is shared.
	lit    jsonvalue.Value
	static bool
	expr   *jsonata.Expression
	keys   []string
	vals   []jnode
	obj    bool
	elems  []jnode
	arr    bool
	// field names the node for messages, such as "Assign/result".
	field string
}

// JEnv is what JSONata templates are evaluated with.
type JEnv struct {
	// Bindings are the variables: "states", the workflow variables and the
	// functions Step Functions adds.
	Bindings map[string]jsonata.Value
	// Now is the clock $now() and $millis() read.
	Now time.Time
	// Random is the random source of $random(), $uuid() and $shuffle().
	Random func() float64
	// Conv, when set, converts results back to documents, reusing the
	// documents the bindings were converted from.
	Conv *jsonata.Converter
}

// jsonataExpr returns the expression text of a "{% ... %}" string.
func jsonataExpr(s string) (string, bool) {
	if len(s) >= 4 && strings.HasPrefix(s, "{%") && strings.HasSuffix(s, "%}") {
		return s[2 : len(s)-2], true
	}
	return "", false
}

// IsJSONata reports whether v is a "{% ... %}" string.
func IsJSONata(v jsonvalue.Value) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	_, ok = jsonataExpr(s)
	return ok
}

// compileJSONata compiles the template v of the field named field, found
// at ptr.
func (p *parser) compileJSONata(v jsonvalue.Value, ptr, field string) *JTemplate {
	return &JTemplate{root: p.compileJNode(v, ptr, field)}
}

func (p *parser) compileJNode(v jsonvalue.Value, ptr, field string) jnode {
	switch x := v.(type) {
	case string:
		src, ok := jsonataExpr(x)
		if !ok {
			return jnode{lit: v, static: true}
		}
		e, err := jsonata.Compile(src)
		if err != nil {
			msg := err.Error()
			var je *jsonata.Error
			if errors.As(err, &je) {
				msg = je.Message()
			}
			p.add(CodeSchemaValidationFailed, ptr, "The JSONata expression '%s' specified for the field '%s' is invalid: %s", strings.TrimSpace(src), field, msg)
			return jnode{lit: v, static: true}
		}
		return jnode{expr: e, field: field}
	case *jsonvalue.Object:
		n := jnode{obj: true}
		dynamic := false
		for i := 0; i < x.Len(); i++ {
			k, val := x.At(i)
			child := p.compileJNode(val, ptr+"/"+pointerKey(k), field+"/"+k)
			if !child.static {
				dynamic = true
			}
			n.keys = append(n.keys, k)
			n.vals = append(n.vals, child)
		}
		if !dynamic {
			return jnode{lit: v, static: true}
		}
		return n
	case []jsonvalue.Value:
		n := jnode{arr: true}
		dynamic := false
		for i, e := range x {
			child := p.compileJNode(e, fmt.Sprintf("%s/%d", ptr, i), fmt.Sprintf("%s[%d]", field, i))
			if !child.static {
				dynamic = true
			}
			n.elems = append(n.elems, child)
		}
		if !dynamic {
			return jnode{lit: v, static: true}
		}
		return n
	}
	return jnode{lit: v, static: true}
}

// Eval builds the template's value. Failures are *EvalError with
// States.QueryEvaluationError.
func (t *JTemplate) Eval(env *JEnv) (jsonvalue.Value, error) {
	return t.root.eval(env)
}

func (n *jnode) eval(env *JEnv) (jsonvalue.Value, error) {
	switch {
	case n.static:
		return n.lit, nil
	case n.expr != nil:
		src := strings.TrimSpace(n.expr.Source())
		r, err := n.expr.EvaluateWith(nil, env.Bindings, jsonata.Options{Now: env.Now, Random: env.Random})
		if err != nil {
			msg := err.Error()
			var je *jsonata.Error
			if errors.As(err, &je) {
				msg = je.Message()
			}
			return nil, &EvalError{Name: ErrQueryEvaluation, Cause: fmt.Sprintf(
				"The JSONata expression '%s' specified for the field '%s' threw an error during evaluation: %s", src, n.field, msg)}
		}
		var v jsonvalue.Value
		var ok bool
		if env.Conv != nil {
			v, ok = env.Conv.ToJSON(r)
		} else {
			v, ok = jsonata.ToJSON(r)
		}
		if !ok {
			return nil, &EvalError{Name: ErrQueryEvaluation, Cause: fmt.Sprintf(
				"The JSONata expression '%s' specified for the field '%s' returned nothing (undefined).", src, n.field)}
		}
		return v, nil
	case n.obj:
		o := jsonvalue.NewObject(len(n.keys))
		for i, k := range n.keys {
			v, err := n.vals[i].eval(env)
			if err != nil {
				return nil, err
			}
			o.Set(k, v)
		}
		return o, nil
	case n.arr:
		out := make([]jsonvalue.Value, len(n.elems))
		for i := range n.elems {
			v, err := n.elems[i].eval(env)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	}
	return nil, nil
}

// variableName is the syntax of a workflow variable's name.
var variableName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// MaxVariableNameLength is AWS's limit on a variable name.
const MaxVariableNameLength = 80

// checkAssign validates the names of an Assign block.
func (p *parser) checkAssign(v jsonvalue.Value, ptr string, jsonPath bool) bool {
	o, ok := v.(*jsonvalue.Object)
	if !ok {
		p.schemaError(ptr, "The field 'Assign' must be an OBJECT but was %s", jsonTypeUpper(v))
		return false
	}
	good := true
	for _, k := range o.Keys() {
		name := k
		if jsonPath {
			name = strings.TrimSuffix(k, ".$")
		}
		switch {
		case name == "states":
			p.schemaError(ptr+"/"+pointerKey(k), "The variable name 'states' is reserved")
			good = false
		case len(name) > MaxVariableNameLength || !variableName.MatchString(name):
			p.schemaError(ptr+"/"+pointerKey(k), "The variable name '%s' is invalid: names start with a letter or underscore, hold only letters, digits and underscores, and have at most %d characters", name, MaxVariableNameLength)
			good = false
		}
	}
	return good
}
