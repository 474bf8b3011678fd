package jsonata

import (
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

func arity(fn Value) int {
	switch f := fn.(type) {
	case *Lambda:
		return len(f.params)
	case *Builtin:
		if f.sig == nil {
			return 1
		}
		return len(f.sig.params)
	case *partial:
		return f.n
	case *Regex:
		return 1
	}
	return 0
}

// calleeName returns the name a call was written with, for errors.
func calleeName(n *node) string {
	switch {
	case n.kind == nVariable:
		return n.value
	case n.kind == nPath && len(n.items) == 1 && n.items[0].kind == nName:
		return n.items[0].value
	}
	return ""
}

// call evaluates a function call; first, when set, is the left side of ~>
// passed as the first argument.
func (ev *evaluator) call(n *node, input Value, env *environment, first []Value) (Value, error) {
	fn, err := ev.eval(n.lhs, input, env)
	if err != nil {
		return nil, err
	}
	if !IsFunction(fn) {
		if n.lhs.kind == nPath && len(n.lhs.items) == 1 && n.lhs.items[0].kind == nName {
			if env.lookup(n.lhs.items[0].value) != nil {
				return nil, &Error{Code: "T1005", Position: n.pos, Token: n.lhs.items[0].value}
			}
		}
		return nil, &Error{Code: "T1006", Position: n.pos, Token: calleeName(n.lhs)}
	}
	args := append([]Value(nil), first...)
	for _, a := range n.items {
		v, err := ev.eval(a, input, env)
		if err != nil {
			return nil, err
		}
		args = append(args, v)
	}
	return ev.applyNamed(fn, args, input, env, n.pos, calleeName(n.lhs))
}

// partial evaluates f(?, x): a function waiting for its ? arguments.
func (ev *evaluator) partial(n *node, input Value, env *environment) (Value, error) {
	fn, err := ev.eval(n.lhs, input, env)
	if err != nil {
		return nil, err
	}
	if !IsFunction(fn) {
		if name := calleeName(n.lhs); name != "" && n.lhs.kind == nPath && env.lookup(name) != nil {
			return nil, &Error{Code: "T1007", Position: n.pos, Token: name}
		}
		return nil, &Error{Code: "T1008", Position: n.pos, Token: calleeName(n.lhs)}
	}
	p := &partial{fn: fn}
	for _, a := range n.items {
		if a.kind == nPlaceholder {
			p.args = append(p.args, nil)
			p.hole = append(p.hole, true)
			p.n++
			continue
		}
		v, err := ev.eval(a, input, env)
		if err != nil {
			return nil, err
		}
		p.args = append(p.args, v)
		p.hole = append(p.hole, false)
	}
	return p, nil
}

func (ev *evaluator) apply(fn Value, args []Value, input Value, env *environment, pos int) (Value, error) {
	return ev.applyNamed(fn, args, input, env, pos, "")
}

// applyNamed calls fn and runs any tail calls it returns as thunks.
func (ev *evaluator) applyNamed(fn Value, args []Value, input Value, env *environment, pos int, name string) (Value, error) {
	r, err := ev.applyOnce(fn, args, input, env, pos, name)
	for err == nil {
		th, ok := r.(*Lambda)
		if !ok || !th.thunk {
			break
		}
		call := th.body
		var next Value
		next, err = ev.eval(call.lhs, th.input, th.env)
		if err != nil {
			break
		}
		if !IsFunction(next) {
			return nil, &Error{Code: "T1006", Position: call.pos, Token: calleeName(call.lhs)}
		}
		targs := make([]Value, 0, len(call.items))
		for _, a := range call.items {
			var v Value
			if v, err = ev.eval(a, th.input, th.env); err != nil {
				return nil, err
			}
			targs = append(targs, v)
		}
		r, err = ev.applyOnce(next, targs, th.input, th.env, call.pos, calleeName(call.lhs))
	}
	return r, err
}

func (ev *evaluator) applyOnce(fn Value, args []Value, input Value, env *environment, pos int, name string) (Value, error) {
	switch f := fn.(type) {
	case *Lambda:
		if f.sig != nil {
			var err error
			if args, err = f.sig.validate(name, args, input, pos); err != nil {
				return nil, err
			}
		}
		e := newEnv(f.env)
		for i, p := range f.params {
			if i < len(args) {
				e.bind(p, args[i])
			} else {
				e.bind(p, nil)
			}
		}
		return ev.eval(f.body, f.input, e)
	case *Builtin:
		if f.sig != nil {
			var err error
			fname := f.Name
			if fname == "" {
				fname = name
			}
			if args, err = f.sig.validate(fname, args, input, pos); err != nil {
				return nil, err
			}
		}
		r, err := f.Impl(&Call{Input: input, Position: pos, ev: ev, env: env}, args)
		if err != nil {
			if e, ok := err.(*Error); ok && e.Position == 0 {
				e.Position = pos
			}
			return nil, err
		}
		return r, nil
	case *partial:
		full := make([]Value, 0, len(f.args))
		k := 0
		for i, a := range f.args {
			if f.hole[i] {
				if k < len(args) {
					full = append(full, args[k])
				} else {
					full = append(full, nil)
				}
				k++
			} else {
				full = append(full, a)
			}
		}
		return ev.applyOnce(f.fn, full, input, env, pos, name)
	case *Regex:
		if len(args) == 0 {
			return nil, nil
		}
		s, ok := args[0].(string)
		if !ok {
			return nil, nil
		}
		return regexMatch(f, s, 0), nil
	}
	return nil, &Error{Code: "T1006", Position: pos, Token: name}
}

// regexMatch returns the match object a regex yields when called: match,
// start, end, groups and a next() function for the following match.
func regexMatch(r *Regex, s string, from int) Value {
	if from > len(s) {
		return nil
	}
	loc := r.re.FindStringSubmatchIndex(s[from:])
	if loc == nil {
		return nil
	}
	o := jsonvalue.NewObject(5)
	o.Append("match", s[from+loc[0]:from+loc[1]])
	o.Append("start", float64(runeIndex(s, from+loc[0])))
	o.Append("end", float64(runeIndex(s, from+loc[1])))
	groups := []Value{}
	for i := 2; i < len(loc); i += 2 {
		if loc[i] < 0 {
			groups = append(groups, "")
		} else {
			groups = append(groups, s[from+loc[i]:from+loc[i+1]])
		}
	}
	o.Append("groups", groups)
	next := from + loc[1]
	if loc[1] == loc[0] {
		next++
	}
	o.Append("next", &Builtin{Name: "next", Impl: func(*Call, []Value) (Value, error) {
		return regexMatch(r, s, next), nil
	}})
	return o
}

// runeIndex converts a byte offset into a code-point offset.
func runeIndex(s string, b int) int {
	n := 0
	for i := range s {
		if i >= b {
			break
		}
		n++
	}
	return n
}

// applyOp evaluates lhs ~> rhs.
func (ev *evaluator) applyOp(n *node, input Value, env *environment) (Value, error) {
	lhs, err := ev.eval(n.lhs, input, env)
	if err != nil {
		return nil, err
	}
	if n.rhs.kind == nCall {
		r, err := ev.call(n.rhs, input, env, []Value{lhs})
		if err != nil {
			return nil, err
		}
		return ev.finish(n.rhs, r, env)
	}
	fn, err := ev.eval(n.rhs, input, env)
	if err != nil {
		return nil, err
	}
	if !IsFunction(fn) {
		return nil, &Error{Code: "T2006", Position: n.pos, Value: fn}
	}
	if IsFunction(lhs) {
		// f ~> g composes the two functions.
		return &Builtin{Name: "", Impl: func(c *Call, args []Value) (Value, error) {
			r, err := ev.apply(lhs, args, c.Input, env, n.pos)
			if err != nil {
				return nil, err
			}
			return ev.apply(fn, []Value{r}, c.Input, env, n.pos)
		}}, nil
	}
	return ev.apply(fn, []Value{lhs}, input, env, n.pos)
}

// transform evaluates |pattern|update,delete|: a function that copies its
// argument and changes the copies of the matched objects.
func (ev *evaluator) transform(n *node, env *environment) Value {
	return &Builtin{Name: "", Impl: func(c *Call, args []Value) (Value, error) {
		if len(args) == 0 || args[0] == nil {
			return nil, nil
		}
		cloneFn := env.lookup("clone")
		if !IsFunction(cloneFn) {
			return nil, &Error{Code: "T2013", Position: n.pos}
		}
		result, err := ev.apply(cloneFn, []Value{args[0]}, c.Input, env, n.pos)
		if err != nil {
			return nil, err
		}
		matches, err := ev.eval(n.lhs, result, env)
		if err != nil {
			return nil, err
		}
		if matches == nil {
			return result, nil
		}
		list, ok := Items(matches)
		if !ok {
			list = []Value{matches}
		}
		for _, m := range list {
			obj, isObj := m.(*Object)
			upd, err := ev.eval(n.update, m, env)
			if err != nil {
				return nil, err
			}
			if upd != nil {
				u, ok := upd.(*Object)
				if !ok {
					return nil, &Error{Code: "T2011", Position: n.update.pos, Value: upd}
				}
				if isObj {
					for i := 0; i < u.Len(); i++ {
						k, v := u.At(i)
						obj.Set(k, v)
					}
				}
			}
			if n.del != nil {
				del, err := ev.eval(n.del, m, env)
				if err != nil {
					return nil, err
				}
				if del != nil {
					names, ok := Items(del)
					if !ok {
						names = []Value{del}
					}
					for _, k := range names {
						ks, ok := k.(string)
						if !ok {
							return nil, &Error{Code: "T2012", Position: n.del.pos, Value: del}
						}
						if isObj {
							obj.Delete(ks)
						}
					}
				}
			}
		}
		return result, nil
	}}
}

// deepClone copies objects and arrays all the way down.
func deepClone(v Value) Value {
	switch x := v.(type) {
	case *Object:
		o := jsonvalue.NewObject(x.Len())
		for i := 0; i < x.Len(); i++ {
			k, e := x.At(i)
			o.Append(k, deepClone(e))
		}
		return o
	case []Value:
		out := make([]Value, len(x))
		for i, e := range x {
			out[i] = deepClone(e)
		}
		return out
	case *Sequence:
		out := make([]Value, len(x.Items))
		for i, e := range x.Items {
			out[i] = deepClone(e)
		}
		return &Sequence{Items: out, KeepSingleton: x.KeepSingleton}
	}
	return v
}

// evalString parses and evaluates an expression for $eval.
func (ev *evaluator) evalString(expr string, input Value, bindings *Object, env *environment) (Value, error) {
	n, err := parse(expr)
	if err != nil {
		return nil, &Error{Code: "D3120", Value: expr, Detail: err.Error()}
	}
	e := env
	if bindings != nil {
		e = newEnv(env)
		for i := 0; i < bindings.Len(); i++ {
			k, v := bindings.At(i)
			e.bind(k, v)
		}
	}
	if _, ok := input.([]Value); ok {
		input = &Sequence{Items: []Value{input}, OuterWrapper: true}
	}
	r, err := ev.eval(n, input, e)
	if err != nil {
		return nil, &Error{Code: "D3121", Value: expr, Detail: err.Error()}
	}
	return r, nil
}

func init() {
	register("clone", "<(oa)-:o>", func(c *Call, args []Value) (Value, error) {
		return deepClone(args[0]), nil
	})
}
