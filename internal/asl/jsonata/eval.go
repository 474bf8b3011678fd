package jsonata

import (
	"math"
	"math/rand/v2"
	"regexp"
	"time"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// Lambda is a function defined in an expression: function($x){...}. A
// thunk is the deferred tail call of another lambda.
type Lambda struct {
	params []string
	body   *node
	sig    *signature
	env    *environment
	input  Value
	thunk  bool
}

// partial is a partially applied function: f(?, 2).
type partial struct {
	fn   Value
	args []Value // placeholders are the positions in holes
	hole []bool
	n    int // number of placeholders
}

// Regex is a regular expression literal, /ab+/i. Called as a function on a
// string it yields JSONata's match object.
type Regex struct {
	Source string
	Flags  string
	re     *regexp.Regexp
}

// Regexp returns the compiled expression (Go syntax, JavaScript flags
// applied).
func (r *Regex) Regexp() *regexp.Regexp { return r.re }

// environment is a frame of variable bindings.
type environment struct {
	vars   map[string]Value
	parent *environment
}

func newEnv(parent *environment) *environment {
	return &environment{vars: map[string]Value{}, parent: parent}
}

func (e *environment) lookup(name string) Value {
	for f := e; f != nil; f = f.parent {
		if v, ok := f.vars[name]; ok {
			return v
		}
	}
	if b, ok := builtins[name]; ok {
		return b
	}
	return nil
}

func (e *environment) bind(name string, v Value) { e.vars[name] = v }

// maxDepth bounds nested evaluation, so that runaway recursion ends in
// U1001 rather than exhausting memory.
const maxDepth = 10000

// evaluator holds the state of one evaluation.
type evaluator struct {
	now      time.Time
	depth    int
	maxDepth int
	deadline time.Time
	steps    int
	random   func() float64
}

// Options bound an evaluation.
type Options struct {
	// Now is the time $now() and $millis() read; zero means the clock.
	Now time.Time
	// MaxDepth bounds the nesting of evaluation (deep or endless
	// recursion), giving U1001; zero means 10,000.
	MaxDepth int
	// Timeout bounds the evaluation time, giving U1002; zero means none.
	Timeout time.Duration
	// Random returns numbers in [0, 1) for $random() and $shuffle(); nil
	// means math/rand. A replaying caller hands in a seeded source so that
	// the same evaluation gives the same answer.
	Random func() float64
}

// Expression is a compiled JSONata expression. It is safe for concurrent
// use.
type Expression struct {
	src  string
	root *node
}

// Compile parses a JSONata expression.
func Compile(src string) (*Expression, error) {
	n, err := parse(src)
	if err != nil {
		return nil, err
	}
	return &Expression{src: src, root: n}, nil
}

// Source returns the expression's text.
func (e *Expression) Source() string { return e.src }

// Evaluate evaluates the expression against input (in the evaluator's
// model; see FromJSON) with extra variable bindings (names without $).
// An undefined result is nil.
func (e *Expression) Evaluate(input Value, bindings map[string]Value) (Value, error) {
	return e.EvaluateAt(input, bindings, time.Now())
}

// EvaluateAt is Evaluate with the clock $now() and $millis() read.
func (e *Expression) EvaluateAt(input Value, bindings map[string]Value, now time.Time) (Value, error) {
	return e.EvaluateWith(input, bindings, Options{Now: now})
}

// EvaluateWith is Evaluate with options.
func (e *Expression) EvaluateWith(input Value, bindings map[string]Value, o Options) (Value, error) {
	ev := &evaluator{now: o.Now, maxDepth: o.MaxDepth, random: o.Random}
	if ev.random == nil {
		ev.random = rand.Float64
	}
	if ev.now.IsZero() {
		ev.now = time.Now()
	}
	if ev.maxDepth == 0 {
		ev.maxDepth = maxDepth
	}
	if o.Timeout > 0 {
		ev.deadline = time.Now().Add(o.Timeout)
	}
	// The caller's bindings are read in place, under a frame of our own,
	// rather than copied.
	env := newEnv(&environment{vars: bindings})
	if _, ok := input.([]Value); ok {
		input = &Sequence{Items: []Value{input}, OuterWrapper: true}
	}
	env.bind("$", input)
	r, err := ev.eval(e.root, input, env)
	if err != nil {
		return nil, err
	}
	if s, ok := r.(*Sequence); ok {
		if s.TupleStream {
			items := make([]Value, len(s.Items))
			for i, t := range s.Items {
				items[i] = t.(*tuple).get("@")
			}
			s = &Sequence{Items: items, KeepSingleton: s.KeepSingleton}
		}
		switch {
		case len(s.Items) == 0:
			return nil, nil
		case len(s.Items) == 1 && !s.KeepSingleton:
			return s.Items[0], nil
		}
		return s, nil
	}
	return r, nil
}

// EvaluateJSON evaluates against a jsonvalue document and returns one;
// ok is false when the result is undefined.
func (e *Expression) EvaluateJSON(input jsonvalue.Value, bindings map[string]Value, now time.Time) (jsonvalue.Value, bool, error) {
	r, err := e.EvaluateAt(FromJSON(input), bindings, now)
	if err != nil {
		return nil, false, err
	}
	out, ok := ToJSON(r)
	return out, ok, nil
}

// tuple is one binding tuple of a tuple stream: the context value "@"
// and the variables bound by @ and # along a path.
type tuple struct {
	keys []string
	vals []Value
}

func (t *tuple) get(k string) Value {
	for i, kk := range t.keys {
		if kk == k {
			return t.vals[i]
		}
	}
	return nil
}

func (t *tuple) set(k string, v Value) {
	for i, kk := range t.keys {
		if kk == k {
			t.vals[i] = v
			return
		}
	}
	t.keys = append(t.keys, k)
	t.vals = append(t.vals, v)
}

func (t *tuple) clone() *tuple {
	return &tuple{keys: append([]string(nil), t.keys...), vals: append([]Value(nil), t.vals...)}
}

// frame binds a tuple's variables in a new frame.
func frame(env *environment, t *tuple) *environment {
	f := newEnv(env)
	for i, k := range t.keys {
		if k != "@" {
			f.vars[k] = t.vals[i]
		}
	}
	return f
}

func (ev *evaluator) eval(n *node, input Value, env *environment) (Value, error) {
	ev.depth++
	defer func() { ev.depth-- }()
	if ev.depth > ev.maxDepth {
		return nil, &Error{Code: "U1001", Position: n.pos}
	}
	if !ev.deadline.IsZero() {
		if ev.steps++; ev.steps%1024 == 0 && time.Now().After(ev.deadline) {
			return nil, &Error{Code: "U1002", Position: n.pos}
		}
	}
	r, err := ev.evalNode(n, input, env)
	if err != nil {
		return nil, err
	}
	return ev.finish(n, r, env)
}

// finish applies a node's predicates and grouping to its value and
// collapses a result sequence as JSONata does when a node is evaluated.
func (ev *evaluator) finish(n *node, r Value, env *environment) (Value, error) {
	var err error
	for _, pr := range n.predicates {
		if r, err = ev.filter(pr, r, env); err != nil {
			return nil, err
		}
	}
	if n.kind != nPath && n.group != nil {
		if r, err = ev.group(n.group, r, env); err != nil {
			return nil, err
		}
	}
	if s, ok := r.(*Sequence); ok && !s.TupleStream {
		if n.keepArray {
			s.KeepSingleton = true
		}
		switch {
		case len(s.Items) == 0:
			r = nil
		case len(s.Items) == 1 && !s.KeepSingleton:
			r = s.Items[0]
		}
	}
	return r, nil
}

func (ev *evaluator) evalNode(n *node, input Value, env *environment) (Value, error) {
	switch n.kind {
	case nPath:
		return ev.path(n, input, env)
	case nBinary:
		return ev.binary(n, input, env)
	case nName:
		return lookup(input, n.value), nil
	case nString:
		return n.value, nil
	case nNumber:
		return n.num, nil
	case nValue, nRegex:
		return n.val, nil
	case nWildcard:
		return wildcard(input), nil
	case nDescendant:
		return descendants(input), nil
	case nParent:
		if n.slot == nil {
			return nil, &Error{Code: "S0217", Position: n.pos, Token: "%"}
		}
		return env.lookup(n.slot.label), nil
	case nVariable:
		if n.value == "" {
			if s, ok := input.(*Sequence); ok && s.OuterWrapper && len(s.Items) > 0 {
				return s.Items[0], nil
			}
			return input, nil
		}
		return env.lookup(n.value), nil
	case nNegate:
		v, err := ev.eval(n.rhs, input, env)
		if err != nil || v == nil {
			return nil, err
		}
		f, ok := v.(float64)
		if !ok {
			return nil, &Error{Code: "D1002", Position: n.pos, Token: "-", Value: v}
		}
		return -f, nil
	case nArray:
		return ev.array(n, input, env)
	case nObject:
		return ev.group(n, input, env)
	case nBlock:
		f := newEnv(env)
		var r Value
		for _, e := range n.items {
			var err error
			if r, err = ev.eval(e, input, f); err != nil {
				return nil, err
			}
		}
		return r, nil
	case nCondition:
		c, err := ev.eval(n.cond, input, env)
		if err != nil {
			return nil, err
		}
		if truthy(c) {
			return ev.eval(n.then, input, env)
		}
		if n.els != nil {
			return ev.eval(n.els, input, env)
		}
		return nil, nil
	case nBind:
		v, err := ev.eval(n.rhs, input, env)
		if err != nil {
			return nil, err
		}
		env.bind(n.lhs.value, v)
		return v, nil
	case nCall:
		return ev.call(n, input, env, nil)
	case nPartial:
		return ev.partial(n, input, env)
	case nLambda:
		return &Lambda{params: n.params, body: n.body, sig: n.sig, env: env, input: input, thunk: n.thunk}, nil
	case nApply:
		return ev.applyOp(n, input, env)
	case nTransform:
		return ev.transform(n, env), nil
	case nSort:
		return ev.sort(n, input, env)
	case nPlaceholder:
		return nil, nil
	}
	return nil, &Error{Code: "S0206", Position: n.pos}
}

// lookup reads a field from an object, or from every object in an array.
func lookup(input Value, key string) Value {
	switch x := input.(type) {
	case *Object:
		v, _ := x.Get(key)
		return v
	case []Value, *Sequence:
		items, _ := Items(x)
		out := &Sequence{}
		for _, it := range items {
			r := lookup(it, key)
			if r == nil {
				continue
			}
			if ri, ok := Items(r); ok {
				out.Items = append(out.Items, ri...)
			} else {
				out.Items = append(out.Items, r)
			}
		}
		return out
	}
	return nil
}

func flattenInto(dst []Value, v Value) []Value {
	if items, ok := Items(v); ok {
		for _, it := range items {
			dst = flattenInto(dst, it)
		}
		return dst
	}
	return append(dst, v)
}

func wildcard(input Value) Value {
	out := &Sequence{}
	if s, ok := input.(*Sequence); ok && s.OuterWrapper && len(s.Items) > 0 {
		input = s.Items[0]
	}
	if items, ok := Items(input); ok {
		// An array's members are its values, as JavaScript's
		// Object.keys sees them.
		return &Sequence{Items: flattenInto(nil, items)}
	}
	if o, ok := input.(*Object); ok {
		for i := 0; i < o.Len(); i++ {
			_, v := o.At(i)
			if IsArray(v) {
				out.Items = flattenInto(out.Items, v)
			} else if v != nil {
				out.Items = append(out.Items, v)
			}
		}
	}
	return out
}

func descendants(input Value) Value {
	if input == nil {
		return nil
	}
	out := &Sequence{}
	var walk func(v Value)
	walk = func(v Value) {
		if items, ok := Items(v); ok {
			for _, it := range items {
				walk(it)
			}
			return
		}
		out.Items = append(out.Items, v)
		if o, ok := v.(*Object); ok {
			for i := 0; i < o.Len(); i++ {
				_, e := o.At(i)
				walk(e)
			}
		}
	}
	walk(input)
	if len(out.Items) == 1 {
		return out.Items[0]
	}
	return out
}

// path evaluates the steps of a path left to right, each over the
// sequence the previous one produced.
func (ev *evaluator) path(n *node, input Value, env *environment) (Value, error) {
	var in Value
	if IsArray(input) && n.items[0].kind != nVariable {
		in = input
	} else {
		in = &Sequence{Items: []Value{input}, OuterWrapper: true}
	}
	var result Value
	var tuples *Sequence
	isTuple := false
	for i, step := range n.items {
		if step.tuple {
			isTuple = true
		}
		var err error
		switch {
		case i == 0 && step.consArray:
			result, err = ev.eval(step, in, env)
		case isTuple:
			tuples, err = ev.tupleStep(step, in, tuples, env)
		default:
			result, err = ev.step(step, in, env, i == len(n.items)-1)
		}
		if err != nil {
			return nil, err
		}
		if !isTuple {
			if items, ok := Items(result); !ok && result == nil || ok && len(items) == 0 {
				result = nil
				break
			}
		}
		if !step.hasFocus {
			in = result
			if result != nil && !IsArray(result) {
				in = &Sequence{Items: []Value{result}}
			}
		}
	}
	if isTuple {
		if tuples == nil {
			tuples = &Sequence{TupleStream: true}
		}
		if n.tuple {
			return tuples, nil
		}
		items := make([]Value, len(tuples.Items))
		for i, t := range tuples.Items {
			items[i] = t.(*tuple).get("@")
		}
		result = &Sequence{Items: items}
	}
	if n.keepSingle {
		switch r := result.(type) {
		case []Value:
			if n.items[len(n.items)-1].consArray {
				result = &Sequence{Items: []Value{r}, KeepSingleton: true}
			}
		case *Sequence:
			r.KeepSingleton = true
		}
	}
	if n.group != nil {
		if isTuple {
			return ev.group(n.group, tuples, env)
		}
		return ev.group(n.group, result, env)
	}
	return result, nil
}

// step evaluates one path step for every item of the input sequence and
// flattens the results one level.
func (ev *evaluator) step(step *node, in Value, env *environment, last bool) (Value, error) {
	items, _ := Items(in)
	if step.kind == nSort {
		r, err := ev.sort(step, in, env)
		if err != nil {
			return nil, err
		}
		for _, st := range step.stages {
			if st.filter != nil {
				if r, err = ev.filter(st.filter, r, env); err != nil {
					return nil, err
				}
			}
		}
		return r, nil
	}
	results := make([]Value, 0, len(items))
	for _, it := range items {
		r, err := ev.eval(step, it, env)
		if err != nil {
			return nil, err
		}
		for _, st := range step.stages {
			if st.filter != nil {
				if r, err = ev.filter(st.filter, r, env); err != nil {
					return nil, err
				}
				r = normalize(r)
			}
		}
		if r != nil {
			results = append(results, r)
		}
	}
	if last && len(results) == 1 {
		if a, ok := results[0].([]Value); ok {
			return a, nil
		}
	}
	out := &Sequence{Items: make([]Value, 0, len(results))}
	for _, r := range results {
		if ri, ok := Items(r); ok && !(step.consArray && !isSeq(r)) {
			out.Items = append(out.Items, ri...)
		} else {
			out.Items = append(out.Items, r)
		}
	}
	return out, nil
}

func isSeq(v Value) bool {
	_, ok := v.(*Sequence)
	return ok
}

// normalize collapses a sequence as evaluate() does on return: empty is
// undefined, a singleton is its value.
func normalize(v Value) Value {
	if s, ok := v.(*Sequence); ok && !s.TupleStream {
		switch {
		case len(s.Items) == 0:
			return nil
		case len(s.Items) == 1 && !s.KeepSingleton:
			return s.Items[0]
		}
	}
	return v
}

// tupleStep evaluates a step in a path that binds @ or # variables: each
// result carries the variables bound so far.
func (ev *evaluator) tupleStep(step *node, in Value, tuples *Sequence, env *environment) (*Sequence, error) {
	if tuples == nil {
		items, _ := Items(in)
		tuples = &Sequence{TupleStream: true}
		for _, it := range items {
			tuples.Items = append(tuples.Items, &tuple{keys: []string{"@"}, vals: []Value{it}})
		}
	}
	if step.kind == nSort {
		r, err := ev.sort(step, tuples, env)
		if err != nil {
			return nil, err
		}
		out := r.(*Sequence)
		if step.hasIndex {
			for i, t := range out.Items {
				t.(*tuple).set(step.index, float64(i))
			}
		}
		return ev.stages(step.stages, out, env)
	}
	out := &Sequence{TupleStream: true}
	for _, tv := range tuples.Items {
		t := tv.(*tuple)
		r, err := ev.eval(step, t.get("@"), frame(env, t))
		if err != nil {
			return nil, err
		}
		if r == nil {
			continue
		}
		rs, isSeqTuple := r.(*Sequence)
		var items []Value
		if isSeqTuple && rs.TupleStream {
			items = rs.Items
		} else if it, ok := Items(r); ok {
			items = it
		} else {
			items = []Value{r}
		}
		for bi, v := range items {
			t2 := t.clone()
			if isSeqTuple && rs.TupleStream {
				src := v.(*tuple)
				for i, k := range src.keys {
					t2.set(k, src.vals[i])
				}
			} else {
				if step.hasFocus {
					t2.set(step.focus, v)
				} else {
					t2.set("@", v)
				}
				if step.hasIndex {
					t2.set(step.index, float64(bi))
				}
				if step.ancestor != nil {
					t2.set(step.ancestor.label, t.get("@"))
				}
			}
			out.Items = append(out.Items, t2)
		}
	}
	return ev.stages(step.stages, out, env)
}

func (ev *evaluator) stages(stages []stage, in *Sequence, env *environment) (*Sequence, error) {
	for _, st := range stages {
		if st.filter != nil {
			r, err := ev.filter(st.filter, in, env)
			if err != nil {
				return nil, err
			}
			in = r.(*Sequence)
			continue
		}
		for i, t := range in.Items {
			t.(*tuple).set(st.index, float64(i))
		}
	}
	return in, nil
}

// filter applies a predicate [..] to a value: a number selects by index,
// anything else keeps the items for which it is true.
func (ev *evaluator) filter(pred *node, in Value, env *environment) (Value, error) {
	out := &Sequence{}
	var items []Value
	tupleIn := false
	switch x := in.(type) {
	case nil:
		return out, nil
	case *Sequence:
		items = x.Items
		tupleIn = x.TupleStream
		out.TupleStream = tupleIn
	case []Value:
		items = x
	default:
		items = []Value{in}
	}
	if pred.kind == nNumber {
		i := int(math.Floor(pred.num))
		if i < 0 {
			i += len(items)
		}
		if i >= 0 && i < len(items) {
			it := items[i]
			if a, ok := it.([]Value); ok {
				return a, nil
			}
			if it != nil {
				out.Items = append(out.Items, it)
			}
		}
		return out, nil
	}
	for idx, it := range items {
		ctx, e := it, env
		if tupleIn {
			t := it.(*tuple)
			ctx, e = t.get("@"), frame(env, t)
		}
		r, err := ev.eval(pred, ctx, e)
		if err != nil {
			return nil, err
		}
		if f, ok := r.(float64); ok {
			r = []Value{f}
		}
		if nums, ok := numbersOf(r); ok {
			for _, f := range nums {
				i := int(math.Floor(f))
				if i < 0 {
					i += len(items)
				}
				if i == idx {
					out.Items = append(out.Items, it)
				}
			}
		} else if truthy(r) {
			out.Items = append(out.Items, it)
		}
	}
	return out, nil
}

func numbersOf(v Value) ([]float64, bool) {
	items, ok := Items(v)
	if !ok {
		return nil, false
	}
	out := make([]float64, len(items))
	for i, it := range items {
		f, ok := it.(float64)
		if !ok {
			return nil, false
		}
		out[i] = f
	}
	return out, true
}

// truthy is JSONata's boolean cast with undefined as false.
func truthy(v Value) bool {
	switch x := v.(type) {
	case nil, nullType:
		return false
	case bool:
		return x
	case float64:
		return x != 0
	case string:
		return x != ""
	case []Value, *Sequence:
		items, _ := Items(x)
		if len(items) == 1 {
			return truthy(items[0])
		}
		for _, it := range items {
			if truthy(it) {
				return true
			}
		}
		return false
	case *Object:
		return x.Len() > 0
	}
	return false
}

// array evaluates an array constructor: items are appended (flattening
// sequences and arrays) except nested constructors, which stay arrays.
func (ev *evaluator) array(n *node, input Value, env *environment) (Value, error) {
	out := make([]Value, 0, len(n.items))
	for _, it := range n.items {
		v, err := ev.eval(it, input, env)
		if err != nil {
			return nil, err
		}
		if v == nil {
			continue
		}
		if it.kind == nArray {
			out = append(out, v)
			continue
		}
		if items, ok := Items(v); ok {
			out = append(out, items...)
		} else {
			out = append(out, v)
		}
	}
	return out, nil
}

// group evaluates an object constructor over a sequence: keys are
// evaluated per item, items with the same key are grouped, and each
// value is evaluated over its group.
func (ev *evaluator) group(g *node, in Value, env *environment) (Value, error) {
	type entry struct {
		data  Value
		pair  int
		multi bool
	}
	var items []Value
	tupleIn := false
	switch x := in.(type) {
	case *Sequence:
		items, tupleIn = x.Items, x.TupleStream
	case []Value:
		items = x
	default:
		items = []Value{in}
	}
	if len(items) == 0 {
		items = []Value{nil}
	}
	var keys []string
	groups := map[string]*entry{}
	for _, it := range items {
		ctx, e := it, env
		if tupleIn {
			t := it.(*tuple)
			ctx, e = t.get("@"), frame(env, t)
		}
		for pi, pair := range g.pairs {
			k, err := ev.eval(pair[0], ctx, e)
			if err != nil {
				return nil, err
			}
			if k == nil {
				continue
			}
			ks, ok := k.(string)
			if !ok {
				return nil, &Error{Code: "T1003", Position: g.pos, Value: k}
			}
			if en, ok := groups[ks]; ok {
				if en.pair != pi {
					return nil, &Error{Code: "D1009", Position: g.pos, Value: ks}
				}
				if !en.multi {
					en.data = appendValues(nil, en.data, tupleIn)
					en.multi = true
				}
				en.data = appendValues(en.data.([]Value), it, tupleIn)
			} else {
				groups[ks] = &entry{data: it, pair: pi}
				keys = append(keys, ks)
			}
		}
	}
	out := jsonvalue.NewObject(len(keys))
	for _, k := range keys {
		en := groups[k]
		ctx, e := en.data, env
		if tupleIn {
			var ts []Value
			if en.multi {
				ts = en.data.([]Value)
			} else {
				ts = []Value{en.data}
			}
			t := reduceTuples(ts)
			ctx, e = t.get("@"), frame(env, t)
		} else if en.multi {
			ctx = &Sequence{Items: en.data.([]Value)}
		}
		v, err := ev.eval(g.pairs[en.pair][1], ctx, e)
		if err != nil {
			return nil, err
		}
		if v != nil {
			out.Append(k, v)
		}
	}
	return out, nil
}

func appendValues(dst []Value, v Value, raw bool) []Value {
	if !raw {
		if items, ok := Items(v); ok {
			return append(dst, items...)
		}
	}
	return append(dst, v)
}

// reduceTuples merges the tuples of a group: each variable becomes the
// sequence of its values.
func reduceTuples(ts []Value) *tuple {
	if len(ts) == 1 {
		return ts[0].(*tuple)
	}
	out := &tuple{}
	first := ts[0].(*tuple)
	for _, k := range first.keys {
		var vals []Value
		for _, tv := range ts {
			vals = appendValues(vals, tv.(*tuple).get(k), false)
		}
		out.set(k, &Sequence{Items: vals})
	}
	return out
}
