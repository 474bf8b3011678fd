package intrinsic

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluice-run/sluice/internal/asl/jsonpath"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// conformanceFile holds Step Functions executions recorded from AWS. It is
// not part of the repository; the test skips when it is absent.
var conformanceFile = filepath.Join("..", "..", "..", "..", "shared", "conformance", "asl-executions.jsonl")

// TestConformance replays the recorded executions that consist only of Pass
// states with Parameters and Assign and of Fail states, and that use an
// intrinsic function, and compares the outcome with what AWS recorded.
func TestConformance(t *testing.T) {
	t.Parallel()
	f, err := os.Open(conformanceFile)
	if err != nil {
		t.Skipf("conformance cases not available: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	ran := 0
	for sc.Scan() {
		line := sc.Bytes()
		if !strings.Contains(string(line), "States.") {
			continue
		}
		doc, err := jsonvalue.Parse(line)
		if err != nil {
			t.Fatalf("bad conformance line: %v", err)
		}
		c := doc.(*jsonvalue.Object)
		name, _ := c.Get("name")
		def, _ := c.Get("definition")
		if !usesIntrinsic(def) {
			continue
		}
		ex, ok := newMiniExecution(def.(*jsonvalue.Object))
		if !ok {
			continue
		}
		ran++
		t.Run(name.(string), func(t *testing.T) {
			input, _ := c.Get("input")
			status, _ := c.Get("status")
			out, errName, cause, err := ex.run(input)
			if err != nil {
				t.Fatalf("execution failed unexpectedly: %v", err)
			}
			if status == "SUCCEEDED" {
				want, _ := c.Get("output")
				if errName != "" {
					t.Fatalf("failed with %s: %s; want output %s", errName, cause, jsonvalue.Marshal(want))
				}
				if !matchRecorded(out, want) {
					t.Errorf("output %s\nwant %s", jsonvalue.Marshal(out), jsonvalue.Marshal(want))
				}
				return
			}
			wantErr, _ := c.Get("error")
			wantCause, _ := c.Get("cause")
			if errName != wantErr || cause != wantCause {
				t.Errorf("failed with %v: %v\nwant %v: %v", errName, cause, wantErr, wantCause)
			}
		})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if ran == 0 {
		t.Fatal("no conformance case could be replayed")
	}
}

// usesIntrinsic reports whether a definition has a ".$" field or a *Path
// field holding an intrinsic call.
func usesIntrinsic(v jsonvalue.Value) bool {
	switch x := v.(type) {
	case *jsonvalue.Object:
		for i := 0; i < x.Len(); i++ {
			k, e := x.At(i)
			if s, ok := e.(string); ok && (strings.HasSuffix(k, ".$") || strings.HasSuffix(k, "Path")) && Looks(s) {
				return true
			}
			if usesIntrinsic(e) {
				return true
			}
		}
	case []jsonvalue.Value:
		for _, e := range x {
			if usesIntrinsic(e) {
				return true
			}
		}
	}
	return false
}

// miniExecution runs a chain of simple Pass and Fail states.
type miniExecution struct {
	start  string
	states *jsonvalue.Object
}

func newMiniExecution(def *jsonvalue.Object) (*miniExecution, bool) {
	for _, k := range def.Keys() {
		if k != "StartAt" && k != "States" && k != "Comment" {
			return nil, false
		}
	}
	start, _ := def.Get("StartAt")
	states, _ := def.Get("States")
	so, ok := states.(*jsonvalue.Object)
	if !ok {
		return nil, false
	}
	allowed := map[string]map[string]bool{
		"Pass": {"Type": true, "Next": true, "End": true, "Parameters": true, "Assign": true, "Comment": true},
		"Fail": {"Type": true, "Error": true, "Cause": true, "ErrorPath": true, "CausePath": true, "Comment": true},
	}
	for i := 0; i < so.Len(); i++ {
		_, st := so.At(i)
		sto, ok := st.(*jsonvalue.Object)
		if !ok {
			return nil, false
		}
		typ, _ := sto.Get("Type")
		fields := allowed[typ.(string)]
		if fields == nil {
			return nil, false
		}
		for _, k := range sto.Keys() {
			if !fields[k] {
				return nil, false
			}
		}
	}
	return &miniExecution{start: start.(string), states: so}, true
}

func (m *miniExecution) run(input jsonvalue.Value) (out jsonvalue.Value, errName, cause string, err error) {
	vars := map[string]jsonvalue.Value{}
	env := &jsonpath.Env{
		Input:   input,
		Context: jsonvalue.MustParse(`{"Execution":{"Id":"arn:aws:states:us-east-1:111111111111:execution:<ArnPart_0idx>:<ExecArnPart_0idx>","Name":"<ExecArnPart_0idx>","RoleArn":"snf_role_arn","StartTime":"2024-01-01T00:00:00Z"},"StateMachine":{"Id":"arn:aws:states:us-east-1:111111111111:stateMachine:<ArnPart_0idx>","Name":"<ArnPart_0idx>"}}`),
		Var: func(name string) (jsonvalue.Value, bool) {
			v, ok := vars[name]
			return v, ok
		},
	}
	ctx := env.Context.(*jsonvalue.Object).Clone()
	exec, _ := ctx.Get("Execution")
	eo := exec.(*jsonvalue.Object).Clone()
	eo.Set("Input", input)
	ctx.Set("Execution", eo)
	env.Context = ctx
	rnd := newRand()
	name := m.start
	for {
		st, _ := m.states.Get(name)
		so := st.(*jsonvalue.Object)
		typ, _ := so.Get("Type")
		if typ == "Fail" {
			errName, cause = "", ""
			if v, ok := so.Get("Error"); ok {
				errName = v.(string)
			}
			if v, ok := so.Get("Cause"); ok {
				cause = v.(string)
			}
			if v, ok := so.Get("ErrorPath"); ok {
				r, err := evalExpr(v.(string), env, rnd)
				if err != nil {
					return nil, "", "", err
				}
				errName, _ = r.(string)
			}
			if v, ok := so.Get("CausePath"); ok {
				r, err := evalExpr(v.(string), env, rnd)
				if err != nil {
					return nil, "", "", err
				}
				cause, _ = r.(string)
			}
			return nil, errName, cause, nil
		}
		result := env.Input
		if p, ok := so.Get("Parameters"); ok {
			r, err := evalTemplate(p, env, rnd)
			if err != nil {
				var ie *Error
				if errors.As(err, &ie) {
					return nil, ie.Name, ie.Message, nil
				}
				return nil, "", "", err
			}
			result = r
		}
		if a, ok := so.Get("Assign"); ok {
			r, err := evalTemplate(a, env, rnd)
			if err != nil {
				return nil, "", "", err
			}
			ao := r.(*jsonvalue.Object)
			for i := 0; i < ao.Len(); i++ {
				k, v := ao.At(i)
				vars[k] = v
			}
		}
		env.Input = result
		if end, _ := so.Get("End"); end == true {
			return result, "", "", nil
		}
		next, _ := so.Get("Next")
		name = next.(string)
	}
}

func evalExpr(src string, env *jsonpath.Env, rnd Random) (jsonvalue.Value, error) {
	if Looks(src) {
		c, err := Parse(src)
		if err != nil {
			return nil, err
		}
		return c.Eval(env, rnd)
	}
	p, err := jsonpath.Parse(src)
	if err != nil {
		return nil, err
	}
	return p.Eval(env)
}

// evalTemplate evaluates a payload template: fields whose names end in
// ".$" take their value from a path or an intrinsic call.
func evalTemplate(t jsonvalue.Value, env *jsonpath.Env, rnd Random) (jsonvalue.Value, error) {
	switch x := t.(type) {
	case *jsonvalue.Object:
		out := jsonvalue.NewObject(x.Len())
		for i := 0; i < x.Len(); i++ {
			k, v := x.At(i)
			if s, ok := v.(string); ok && strings.HasSuffix(k, ".$") {
				r, err := evalExpr(s, env, rnd)
				if err != nil {
					return nil, err
				}
				out.Set(strings.TrimSuffix(k, ".$"), r)
				continue
			}
			r, err := evalTemplate(v, env, rnd)
			if err != nil {
				return nil, err
			}
			out.Set(k, r)
		}
		return out, nil
	case []jsonvalue.Value:
		out := make([]jsonvalue.Value, len(x))
		for i, e := range x {
			r, err := evalTemplate(e, env, rnd)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	}
	return t, nil
}

// matchRecorded compares a result with a recorded one, in which UUIDs
// appear as <uuid:N> and random numbers as RandomNumberGenerated.
func matchRecorded(got, want jsonvalue.Value) bool {
	switch w := want.(type) {
	case string:
		if strings.HasPrefix(w, "<uuid:") {
			s, ok := got.(string)
			return ok && uuidPattern.MatchString(s)
		}
		if w == "RandomNumberGenerated" {
			_, ok := got.(jsonvalue.Number)
			return ok
		}
	case []jsonvalue.Value:
		g, ok := got.([]jsonvalue.Value)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !matchRecorded(g[i], w[i]) {
				return false
			}
		}
		return true
	case *jsonvalue.Object:
		g, ok := got.(*jsonvalue.Object)
		if !ok || g.Len() != w.Len() {
			return false
		}
		for i := 0; i < w.Len(); i++ {
			k, wv := w.At(i)
			gv, ok := g.Get(k)
			if !ok || !matchRecorded(gv, wv) {
				return false
			}
		}
		return true
	}
	return jsonvalue.Equal(got, want)
}
