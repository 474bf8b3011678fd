package teststate

import (
	"fmt"

	"github.com/sluice-run/sluice/internal/asl"
	"github.com/sluice-run/sluice/internal/asl/jsonata"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// statesVars are the parts of $states beyond input and context.
type statesVars struct {
	result      *doc
	errorOutput jsonvalue.Value
}

// jenv builds the environment of a JSONata evaluation: $states, the
// workflow variables and Step Functions' functions.
func (x *run) jenv(sv statesVars) *asl.JEnv {
	b := make(map[string]jsonata.Value, 8)
	for name, fn := range jsonata.StepFunctions {
		b[name] = fn
	}
	b["eval"] = nil // Step Functions leaves $eval out; $parse replaces it.
	if x.vars != nil {
		for i := 0; i < x.vars.Len(); i++ {
			k, v := x.vars.At(i)
			b[k] = x.conv.FromJSON(v)
		}
	}
	st := jsonvalue.NewObject(4)
	st.Append("input", x.input.v)
	st.Append("context", x.context)
	if sv.result != nil {
		st.Append("result", sv.result.v)
	}
	if sv.errorOutput != nil {
		st.Append("errorOutput", sv.errorOutput)
	}
	b["states"] = x.conv.FromJSON(st)
	return &asl.JEnv{Bindings: b, Now: x.now, Conv: &x.conv, Random: func() float64 {
		return float64(x.rnd.Uint64()>>11) / (1 << 53)
	}}
}

// evalJ evaluates a JSONata template of the state.
func (x *run) evalJ(t *asl.JTemplate, sv statesVars) (doc, *stateError) {
	v, err := t.Eval(x.jenv(sv))
	if err != nil {
		return doc{}, evalError(err)
	}
	return val(v), nil
}

// queryError is a States.QueryEvaluationError.
func queryError(format string, args ...any) *stateError {
	return newError(asl.ErrQueryEvaluation, fmt.Sprintf(format, args...))
}

// prepareAssign evaluates an Assign block with the variables as they were
// before the state, keeping the values until the state ends well; in is
// what a JSONPath Assign's "$" refers to.
func (x *run) prepareAssign(jp *asl.Template, ja *asl.JTemplate, in jsonvalue.Value, sv statesVars) *stateError {
	x.pending = nil
	var v jsonvalue.Value
	switch {
	case jp != nil:
		r, e := x.template(jp, in, nil)
		if e != nil {
			return e
		}
		v = r
	case ja != nil:
		r, e := x.evalJ(ja, sv)
		if e != nil {
			return e
		}
		v = r.v
	default:
		return nil
	}
	x.pending, _ = v.(*jsonvalue.Object)
	return nil
}

// applyAssign adds the prepared assignments to the variables the
// inspection data reports.
func (x *run) applyAssign() {
	if x.pending == nil {
		return
	}
	x.vars = overlay(x.vars, x.pending)
	x.pending = nil
}

// overlay returns a new object holding base's members with top's set over
// them, leaving both unchanged; a nil object counts as empty.
func overlay(base, top *jsonvalue.Object) *jsonvalue.Object {
	var out *jsonvalue.Object
	if base == nil {
		out = jsonvalue.NewObject(top.Len())
	} else {
		out = base.Clone()
	}
	for i := 0; top != nil && i < top.Len(); i++ {
		k, v := top.At(i)
		out.Set(k, v)
	}
	return out
}
