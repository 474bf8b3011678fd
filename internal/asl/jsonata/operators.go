package jsonata

import (
	"math"
	"sort"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// binary evaluates the infix operators.
func (ev *evaluator) binary(n *node, input Value, env *environment) (Value, error) {
	lhs, err := ev.eval(n.lhs, input, env)
	if err != nil {
		return nil, err
	}
	op := n.value
	switch op {
	case "and":
		if !truthy(lhs) {
			return false, nil
		}
		rhs, err := ev.eval(n.rhs, input, env)
		if err != nil {
			return nil, err
		}
		return truthy(rhs), nil
	case "or":
		if truthy(lhs) {
			return true, nil
		}
		rhs, err := ev.eval(n.rhs, input, env)
		if err != nil {
			return nil, err
		}
		return truthy(rhs), nil
	}
	rhs, err := ev.eval(n.rhs, input, env)
	if err != nil {
		return nil, err
	}
	switch op {
	case "+", "-", "*", "/", "%":
		return arithmetic(n, op, lhs, rhs)
	case "=", "!=":
		if lhs == nil || rhs == nil {
			return false, nil
		}
		eq := deepEqual(lhs, rhs)
		if op == "!=" {
			return !eq, nil
		}
		return eq, nil
	case "<", "<=", ">", ">=":
		return compare(n, op, lhs, rhs)
	case "&":
		ls, err := ev.toString(lhs)
		if err != nil {
			return nil, err
		}
		rs, err := ev.toString(rhs)
		if err != nil {
			return nil, err
		}
		return ls + rs, nil
	case "in":
		if lhs == nil || rhs == nil {
			return false, nil
		}
		items, ok := Items(rhs)
		if !ok {
			items = []Value{rhs}
		}
		for _, it := range items {
			if deepEqual(it, lhs) {
				return true, nil
			}
		}
		return false, nil
	case "..":
		return rangeOp(n, lhs, rhs)
	}
	return nil, &Error{Code: "S0204", Position: n.pos, Token: op}
}

// toString casts for &: undefined is "", strings stay, others go through
// $string.
func (ev *evaluator) toString(v Value) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	}
	if b, ok := builtins["string"]; ok {
		r, err := b.Impl(&Call{ev: ev}, []Value{v, nil})
		if err != nil {
			return "", err
		}
		s, _ := r.(string)
		return s, nil
	}
	return Stringify(v), nil
}

func arithmetic(n *node, op string, lhs, rhs Value) (Value, error) {
	l, lok := lhs.(float64)
	r, rok := rhs.(float64)
	// Infinite operands (from an overflow earlier) are out of range, as
	// JSONata's numeric check reports them.
	for _, f := range []Value{lhs, rhs} {
		if x, ok := f.(float64); ok && (math.IsInf(x, 0) || math.IsNaN(x)) {
			return nil, &Error{Code: "D1001", Position: n.pos, Value: x}
		}
	}
	if lhs != nil && !lok {
		return nil, &Error{Code: "T2001", Position: n.pos, Token: op, Value: lhs}
	}
	if rhs != nil && !rok {
		return nil, &Error{Code: "T2002", Position: n.pos, Token: op, Value: rhs}
	}
	if lhs == nil || rhs == nil {
		return nil, nil
	}
	var res float64
	switch op {
	case "+":
		res = l + r
	case "-":
		res = l - r
	case "*":
		res = l * r
	case "/":
		res = l / r
	case "%":
		res = math.Mod(l, r)
	}
	return res, nil
}

func compare(n *node, op string, lhs, rhs Value) (Value, error) {
	comparable := func(v Value) bool {
		switch v.(type) {
		case float64, string:
			return true
		}
		return false
	}
	lc, rc := comparable(lhs), comparable(rhs)
	if (lhs != nil && !lc) || (rhs != nil && !rc) {
		bad := lhs
		if lc {
			bad = rhs
		}
		return nil, &Error{Code: "T2010", Position: n.pos, Token: op, Value: bad}
	}
	if lhs == nil || rhs == nil {
		return nil, nil
	}
	var c int
	switch l := lhs.(type) {
	case float64:
		r, ok := rhs.(float64)
		if !ok {
			return nil, &Error{Code: "T2009", Position: n.pos, Token: op, Value: lhs, Value2: rhs}
		}
		c = cmpFloat(l, r)
	case string:
		r, ok := rhs.(string)
		if !ok {
			return nil, &Error{Code: "T2009", Position: n.pos, Token: op, Value: lhs, Value2: rhs}
		}
		c = jsonvalue.CompareUTF16(l, r)
	}
	switch op {
	case "<":
		return c < 0, nil
	case "<=":
		return c <= 0, nil
	case ">":
		return c > 0, nil
	}
	return c >= 0, nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func rangeOp(n *node, lhs, rhs Value) (Value, error) {
	isInt := func(v Value) bool {
		f, ok := v.(float64)
		return ok && f == math.Trunc(f) && !math.IsInf(f, 0)
	}
	if lhs != nil && !isInt(lhs) {
		return nil, &Error{Code: "T2003", Position: n.pos, Value: lhs}
	}
	if rhs != nil && !isInt(rhs) {
		return nil, &Error{Code: "T2004", Position: n.pos, Value: rhs}
	}
	if lhs == nil || rhs == nil {
		return nil, nil
	}
	l, r := lhs.(float64), rhs.(float64)
	if l > r {
		return nil, nil
	}
	size := r - l + 1
	if size > 1e7 {
		return nil, &Error{Code: "D2014", Position: n.pos, Value: size}
	}
	out := make([]Value, 0, int(size))
	for i := l; i <= r; i++ {
		out = append(out, i)
	}
	return out, nil
}

// deepEqual is JSONata's equality: values of the same type and content.
func deepEqual(a, b Value) bool {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case nullType:
		_, ok := b.(nullType)
		return ok
	case []Value, *Sequence:
		xi, _ := Items(x)
		yi, ok := Items(b)
		if !ok || len(xi) != len(yi) {
			return false
		}
		for i := range xi {
			if !deepEqual(xi[i], yi[i]) {
				return false
			}
		}
		return true
	case *Object:
		y, ok := b.(*Object)
		if !ok || x.Len() != y.Len() {
			return false
		}
		for i := 0; i < x.Len(); i++ {
			k, v := x.At(i)
			w, ok := y.Get(k)
			if !ok || !deepEqual(v, w) {
				return false
			}
		}
		return true
	}
	return a == b
}

// sort evaluates an order-by step ^(...) over a sequence (of values or of
// binding tuples).
func (ev *evaluator) sort(n *node, in Value, env *environment) (Value, error) {
	var items []Value
	tupleIn := false
	switch x := in.(type) {
	case *Sequence:
		items, tupleIn = x.Items, x.TupleStream
	case []Value:
		items = x
	case nil:
	default:
		items = []Value{x}
	}
	type keyed struct {
		v    Value
		keys []Value
	}
	ks := make([]keyed, len(items))
	for i, it := range items {
		ctx, e := it, env
		if tupleIn {
			t := it.(*tuple)
			ctx, e = t.get("@"), frame(env, t)
		}
		ks[i].v = it
		for _, term := range n.terms {
			k, err := ev.eval(term.expr, ctx, e)
			if err != nil {
				return nil, err
			}
			switch k.(type) {
			case nil, float64, string:
			default:
				return nil, &Error{Code: "T2008", Position: n.pos, Value: k}
			}
			ks[i].keys = append(ks[i].keys, k)
		}
	}
	var sortErr error
	sort.SliceStable(ks, func(i, j int) bool {
		return compareKeys(n.terms, ks[i].keys, ks[j].keys, &sortErr, n.pos) < 0
	})
	if sortErr != nil {
		return nil, sortErr
	}
	out := &Sequence{Items: make([]Value, len(ks)), TupleStream: tupleIn}
	for i, k := range ks {
		out.Items[i] = k.v
	}
	return out, nil
}

func compareKeys(terms []sortTerm, a, b []Value, errp *error, pos int) int {
	for i, t := range terms {
		x, y := a[i], b[i]
		var c int
		switch {
		case x == nil && y == nil:
			continue
		case x == nil:
			return 1
		case y == nil:
			return -1
		}
		switch xv := x.(type) {
		case float64:
			yv, ok := y.(float64)
			if !ok {
				if *errp == nil {
					*errp = &Error{Code: "T2007", Position: pos, Value: x, Value2: y}
				}
				return 0
			}
			c = cmpFloat(xv, yv)
		case string:
			yv, ok := y.(string)
			if !ok {
				if *errp == nil {
					*errp = &Error{Code: "T2007", Position: pos, Value: x, Value2: y}
				}
				return 0
			}
			c = jsonvalue.CompareUTF16(xv, yv)
		}
		if c == 0 {
			continue
		}
		if t.descending {
			c = -c
		}
		return c
	}
	return 0
}
