package interp

import (
	"fmt"
	"slices"

	"github.com/sluice-run/sluice/internal/asl"
	"github.com/sluice-run/sluice/internal/asl/jsonata"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// EvaluationFailed is recorded when a JSONata expression fails, before
// the state handles the States.QueryEvaluationError.
const EvaluationFailed EventType = "EvaluationFailed"

// EvaluationFailedDetails describes a failed JSONata evaluation.
type EvaluationFailedDetails struct {
	Error string
	Cause string
	State string
}

// scope holds the workflow variables of a thread. A Parallel branch or Map
// iteration reads the variables of the scope it started in and keeps its
// own assignments to itself.
type scope struct {
	vars   map[string]*variable
	parent *scope
}

// variable is a variable's value, with its JSONata form made on first
// use.
type variable struct {
	v  jsonvalue.Value
	jv jsonata.Value
}

func (s *scope) get(name string) (*variable, bool) {
	for f := s; f != nil; f = f.parent {
		if v, ok := f.vars[name]; ok {
			return v, true
		}
	}
	return nil, false
}

// scopeOf returns t's scope, creating it on first use.
func (t *thread) scopeOf() *scope {
	if t.vars == nil {
		var parent *scope
		if t.parent != nil {
			parent = t.parent.owner.scopeOf()
		}
		t.vars = &scope{vars: map[string]*variable{}, parent: parent}
	}
	return t.vars
}

// lookupVar is the jsonpath.Env variable lookup of t.
func (t *thread) lookupVar(name string) (jsonvalue.Value, bool) {
	v, ok := t.scopeOf().get(name)
	if !ok {
		return nil, false
	}
	return v.v, true
}

// statesVars are the fields of $states beyond input and context.
type statesVars struct {
	result      jsonvalue.Value
	hasResult   bool
	errorOutput jsonvalue.Value
	item        *mapItem
}

// jenv builds the environment of a JSONata evaluation in the current
// state: $states and every variable in scope.
func (t *thread) jenv(sv statesVars) *asl.JEnv {
	b := make(map[string]jsonata.Value, 8)
	for f := t.scopeOf(); f != nil; f = f.parent {
		for name, v := range f.vars {
			if _, shadowed := b[name]; shadowed {
				continue
			}
			if v.jv == nil {
				v.jv = t.x.jconv.FromJSON(v.v)
			}
			b[name] = v.jv
		}
	}
	for name, fn := range jsonata.StepFunctions {
		if _, isVar := b[name]; !isVar {
			b[name] = fn
		}
	}
	// Step Functions leaves $eval out of JSONata; $parse replaces it.
	b["eval"] = nil
	st := jsonvalue.NewObject(4)
	st.Append("input", t.rawInput)
	st.Append("context", t.context(sv.item))
	if sv.hasResult {
		st.Append("result", sv.result)
	}
	if sv.errorOutput != nil {
		st.Append("errorOutput", sv.errorOutput)
	}
	b["states"] = t.x.jconv.FromJSON(st)
	rng := t.x.rng
	return &asl.JEnv{Bindings: b, Now: t.x.now, Conv: &t.x.jconv, Random: func() float64 {
		return float64(rng.Uint64()>>11) / (1 << 53)
	}}
}

// evalJSONata evaluates a JSONata template; on failure the state has
// failed (with an EvaluationFailed event first) and ok is false.
func (t *thread) evalJSONata(tmpl *asl.JTemplate, sv statesVars) (jsonvalue.Value, bool) {
	v, err := tmpl.Eval(t.jenv(sv))
	if err != nil {
		t.failEval(t.evalError(err))
		return nil, false
	}
	return v, true
}

// failEval fails the state with e, recording EvaluationFailed first when
// e is a JSONata evaluation error.
func (t *thread) failEval(e stateError) {
	if e.Error == asl.ErrQueryEvaluation {
		t.x.emit(t, EvaluationFailed, &EvaluationFailedDetails{Error: e.Error, Cause: e.Cause, State: t.state.Name})
	}
	t.fail(e)
}

// queryError is a States.QueryEvaluationError of the current state.
func (t *thread) queryError(format string, args ...any) stateError {
	return t.runtimeError(asl.ErrQueryEvaluation, fmt.Sprintf(format, args...))
}

// assignment is a set of variable values a state assigns when it exits.
type assignment struct {
	names []string
	vals  []jsonvalue.Value
}

// prepareAssign evaluates an Assign block with the variables as they are
// before the state assigns any, and keeps the values until the state
// exits. in is what a JSONPath Assign's "$" refers to.
func (t *thread) prepareAssign(jp *asl.Template, ja *asl.JTemplate, in jsonvalue.Value, sv statesVars) bool {
	t.assign = nil
	var v jsonvalue.Value
	switch {
	case jp != nil:
		r, err := jp.Eval(t.env(in, jp.UsesContext(), nil), t.x)
		if err != nil {
			t.fail(t.evalError(err))
			return false
		}
		v = r
	case ja != nil:
		r, ok := t.evalJSONata(ja, sv)
		if !ok {
			return false
		}
		v = r
	default:
		return true
	}
	o, ok := v.(*jsonvalue.Object)
	if !ok {
		return true
	}
	a := &assignment{}
	for i := 0; i < o.Len(); i++ {
		k, val := o.At(i)
		a.names = append(a.names, k)
		a.vals = append(a.vals, val)
	}
	t.assign = a
	return true
}

// merge returns a followed by b: b's values win for names both assign.
func (a *assignment) merge(b *assignment) *assignment {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	out := &assignment{}
	for i, name := range a.names {
		if !slices.Contains(b.names, name) {
			out.names = append(out.names, name)
			out.vals = append(out.vals, a.vals[i])
		}
	}
	out.names = append(out.names, b.names...)
	out.vals = append(out.vals, b.vals...)
	return out
}

// applyAssign stores the prepared assignment and returns it for the
// state's exit event.
func (t *thread) applyAssign() *assignment {
	a := t.assign
	if a == nil {
		return nil
	}
	t.assign = nil
	sc := t.scopeOf()
	for i, name := range a.names {
		sc.vars[name] = &variable{v: a.vals[i]}
	}
	return a
}
