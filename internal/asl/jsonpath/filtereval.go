package jsonpath

// The evaluation of compiled filters: Jayway's ValueNode comparisons and
// relational evaluators.

import (
	"errors"
	"math"
	"strings"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// apply evaluates the expression for item; e is the evaluation the filter
// is part of. It returns errInvalid when Jayway would reject the item with
// an InvalidPathException, and other errors when the evaluation of the
// whole path fails.
func (x *expr) apply(e *evaluator, item jsonvalue.Value) (bool, error) {
	switch x.kind {
	case exprOr:
		for _, s := range x.subs {
			ok, err := s.apply(e, item)
			if err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	case exprAnd:
		for _, s := range x.subs {
			ok, err := s.apply(e, item)
			if err != nil || !ok {
				return ok, err
			}
		}
		return true, nil
	case exprNot:
		ok, err := x.subs[0].apply(e, item)
		return !ok, err
	}
	l, err := x.left.value(e, item)
	if err != nil {
		return false, err
	}
	r, err := x.right.value(e, item)
	if err != nil {
		return false, err
	}
	return evalRel(x.op, &l, &r)
}

// value resolves the operand for item in the evaluation e.
func (o *operand) value(e *evaluator, item jsonvalue.Value) (vnode, error) {
	if o.path == nil {
		return o.lit, nil
	}
	if o.exists {
		// Jayway tests existence on the item even for a $ path.
		v, found, err := evalSub(o.path, item, e, true)
		if err != nil {
			return vnode{}, err
		}
		if arr, ok := v.([]jsonvalue.Value); found && ok && len(arr) == 0 {
			found = false
		}
		return boolNode(found), nil
	}
	doc := item
	if o.path.root == RootInput {
		doc = e.root
	}
	v, found, err := evalSub(o.path, doc, e, false)
	if err != nil || !found {
		return undefinedNode, err
	}
	return nodeOf(v), nil
}

// evalSub evaluates a path inside a filter of the evaluation outer. found
// is false when the path selects nothing, which Jayway treats as undefined.
func evalSub(p *Path, doc jsonvalue.Value, outer *evaluator, require bool) (v jsonvalue.Value, found bool, err error) {
	if p.simple {
		v, found = p.lookup(doc)
		return v, found, nil
	}
	e := evaluator{p: p, root: outer.root, require: require, collect: !p.definite, steps: outer.steps}
	e.run(doc)
	outer.steps = e.steps
	if e.err != nil {
		var pe *PathError
		if errors.As(e.err, &pe) {
			switch pe.Kind {
			case FilterOnPrimitive:
				return nil, false, errInvalid
			case FunctionFailed, FilterFailed, TooComplex:
				return nil, false, e.err
			}
			return nil, false, nil
		}
		return nil, false, e.err
	}
	if p.definite {
		return e.last, e.count > 0, nil
	}
	if e.results == nil {
		return []jsonvalue.Value{}, true, nil
	}
	return e.results, true, nil
}

// nodeOf converts a value selected by a path.
func nodeOf(v jsonvalue.Value) vnode {
	switch x := v.(type) {
	case nil:
		return vnode{k: vNull}
	case bool:
		return boolNode(x)
	case string:
		return vnode{k: vString, s: x}
	case jsonvalue.Number:
		return vnode{k: vNumber, s: string(x)}
	}
	return vnode{k: vJSON, j: v}
}

// numText returns the text of a number node as a string node would hold it.
func (v *vnode) numText() string {
	if v.x != nil {
		return v.x.text
	}
	return numberText(v.num())
}

// comparePlain compares two numbers written as [-]digits[.digits], without
// parsing them. ok is false if either is written otherwise.
func comparePlain(a, b string) (c int, ok bool) {
	an, ai, af, ok1 := splitPlain(a)
	bn, bi, bf, ok2 := splitPlain(b)
	if !ok1 || !ok2 {
		return 0, false
	}
	if ai == "" && trimZeros(af) == "" {
		an = false // -0 is 0
	}
	if bi == "" && trimZeros(bf) == "" {
		bn = false
	}
	switch {
	case an && !bn:
		return -1, true
	case !an && bn:
		return 1, true
	}
	c = compareMagnitude(ai, af, bi, bf)
	if an {
		c = -c
	}
	return c, true
}

// splitPlain splits a plain number into sign, integer digits without
// leading zeros, and fraction digits.
func splitPlain(s string) (neg bool, intPart, frac string, ok bool) {
	if s != "" && s[0] == '-' {
		neg, s = true, s[1:]
	}
	dot := -1
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '.' && dot < 0:
			dot = i
		case c < '0' || c > '9':
			return false, "", "", false
		}
	}
	intPart = s
	if dot >= 0 {
		intPart, frac = s[:dot], s[dot+1:]
	}
	if intPart == "" && frac == "" {
		return false, "", "", false
	}
	for len(intPart) > 0 && intPart[0] == '0' {
		intPart = intPart[1:]
	}
	return neg, intPart, frac, true
}

func trimZeros(frac string) string {
	for len(frac) > 0 && frac[len(frac)-1] == '0' {
		frac = frac[:len(frac)-1]
	}
	return frac
}

func compareMagnitude(ai, af, bi, bf string) int {
	if len(ai) != len(bi) {
		if len(ai) < len(bi) {
			return -1
		}
		return 1
	}
	if ai != bi {
		if ai < bi {
			return -1
		}
		return 1
	}
	af, bf = trimZeros(af), trimZeros(bf)
	for i := 0; i < len(af) || i < len(bf); i++ {
		var x, y byte = '0', '0'
		if i < len(af) {
			x = af[i]
		}
		if i < len(bf) {
			y = bf[i]
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

// compareNodes compares two number nodes by value.
func compareNodes(l, r *vnode) int {
	if c, ok := comparePlain(l.s, r.s); ok {
		return c
	}
	return compareNum(l.num(), r.num())
}

// list returns the elements of a JSON node that is an array. ok is false for
// an object.
func (v *vnode) list() (elems []vnode, ok bool, err error) {
	if v.lit {
		if _, isArr := v.j.([]jsonvalue.Value); !isArr {
			return nil, false, nil
		}
		return v.x.elems, true, v.x.elemsErr
	}
	arr, isArr := v.j.([]jsonvalue.Value)
	if !isArr {
		return nil, false, nil
	}
	elems, err = listNodes(arr)
	return elems, true, err
}

// errValueType is Jayway's failure to put an array or object in a value
// list; it fails the whole evaluation.
var errValueType = errors.New("Could not determine value type")

// listNodes converts array elements as Jayway's ValueListNode does.
func listNodes(arr []jsonvalue.Value) ([]vnode, error) {
	out := make([]vnode, len(arr))
	for i, e := range arr {
		switch x := e.(type) {
		case []jsonvalue.Value, *jsonvalue.Object:
			return nil, errValueType
		case string:
			out[i] = stringElem(x)
		default:
			out[i] = nodeOf(e)
		}
	}
	return out, nil
}

// stringElem converts a string element of a list as Jayway's
// ValueNode.toValueNode does: a string that is a valid path or JSON text
// becomes a node that equals nothing, and surrounding quotes and backslash
// escapes are removed from any other.
func stringElem(s string) vnode {
	t := javaTrim(s)
	if t != "" && (t[0] == '$' || t[0] == '@') {
		if _, err := compileSub(t, t, 0, 0); err == nil {
			return vnode{k: vOpaque}
		}
	}
	if len(t) > 1 && (t[0] == '[' && t[len(t)-1] == ']' || t[0] == '{' && t[len(t)-1] == '}') {
		if _, err := parseLiteralJSON(t); err == nil {
			return vnode{k: vOpaque}
		}
	}
	if len(s) > 1 && (s[0] == '\'' && s[len(s)-1] == '\'' || s[0] == '"' && s[len(s)-1] == '"') {
		s = s[1 : len(s)-1]
	}
	if u, ok := javaUnescape(s); ok {
		s = u
	}
	return vnode{k: vString, s: s}
}

// equals is Jayway's ValueNode.equals: l.equals(r).
func equals(l, r *vnode) bool {
	switch l.k {
	case vNull:
		return r.k == vNull
	case vBool:
		return r.k == vBool && l.b == r.b
	case vString:
		switch r.k {
		case vString:
			return l.s == r.s
		case vNumber:
			return l.s == r.numText()
		}
	case vNumber:
		switch r.k {
		case vNumber:
			return compareNodes(l, r) == 0
		case vString:
			d, ok := parseBigDecimal(r.s)
			return ok && compareNum(l.num(), d.number()) == 0
		}
	case vJSON:
		return r.k == vJSON && l.lit == r.lit && javaEqual(l.j, r.j)
	}
	return false
}

// javaEqual compares JSON values as Java's equals compares the objects
// Jackson maps them to: an integer never equals a decimal.
func javaEqual(a, b jsonvalue.Value) bool {
	switch x := a.(type) {
	case jsonvalue.Number:
		y, ok := b.(jsonvalue.Number)
		return ok && x.IsIntegerLiteral() == y.IsIntegerLiteral() && compareNum(x, y) == 0
	case []jsonvalue.Value:
		y, ok := b.([]jsonvalue.Value)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !javaEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case *jsonvalue.Object:
		y, ok := b.(*jsonvalue.Object)
		if !ok || x.Len() != y.Len() {
			return false
		}
		for i := 0; i < x.Len(); i++ {
			k, xv := x.At(i)
			yv, ok := y.Get(k)
			if !ok || !javaEqual(xv, yv) {
				return false
			}
		}
		return true
	}
	return jsonvalue.Equal(a, b)
}

// contains reports whether some element e of list has x.equals(e), as
// Java's List.contains does.
func contains(list []vnode, x *vnode) bool {
	for i := range list {
		if equals(x, &list[i]) {
			return true
		}
	}
	return false
}

// valueList returns the elements of an operand that must be a list: a JSON
// array. ok is false for other JSON values; err is errInvalid for anything
// else.
func valueList(v *vnode) (elems []vnode, ok bool, err error) {
	if v.k != vJSON {
		return nil, false, errInvalid
	}
	return v.list()
}

// evalRel applies a relational operator.
func evalRel(op relOp, l, r *vnode) (bool, error) {
	switch op {
	case opExists:
		if l.k != vBool && r.k != vBool {
			return false, errors.New("Failed to evaluate exists expression")
		}
		if l.k != vBool || r.k != vBool {
			return false, errInvalid
		}
		return l.b == r.b, nil
	case opEQ:
		return eq(l, r), nil
	case opNE:
		return !eq(l, r), nil
	case opTSEQ:
		return l.k == r.k && eq(l, r), nil
	case opTSNE:
		return !(l.k == r.k && eq(l, r)), nil
	case opLT, opLTE, opGT, opGTE:
		var c int
		switch {
		case l.k == vNumber && r.k == vNumber:
			c = compareNodes(l, r)
		case l.k == vString && r.k == vString:
			c = jsonvalue.CompareUTF16(l.s, r.s)
		default:
			return false, nil
		}
		switch op {
		case opLT:
			return c < 0, nil
		case opLTE:
			return c <= 0, nil
		case opGT:
			return c > 0, nil
		}
		return c >= 0, nil
	case opRegex:
		if (l.k == vPattern) == (r.k == vPattern) {
			return false, nil
		}
		if l.k == vPattern {
			return l.x.re.MatchString(regexInput(r)), nil
		}
		return r.x.re.MatchString(regexInput(l)), nil
	case opSize:
		if r.k != vNumber {
			return false, nil
		}
		want := intValue(r.num())
		switch l.k {
		case vString:
			return utf16Len(l.s) == want, nil
		case vJSON:
			if arr, ok := l.j.([]jsonvalue.Value); ok {
				return len(arr) == want, nil
			}
			return want == -1, nil
		}
		return false, nil
	case opEmpty:
		switch l.k {
		case vString:
			if r.k != vBool {
				return false, errInvalid
			}
			return (l.s == "") == r.b, nil
		case vJSON:
			if r.k != vBool {
				return false, errInvalid
			}
			empty := true
			switch x := l.j.(type) {
			case []jsonvalue.Value:
				empty = len(x) == 0
			case *jsonvalue.Object:
				empty = x.Len() == 0
			}
			return empty == r.b, nil
		}
		return false, nil
	case opIn, opNin:
		list, ok, err := valueList(r)
		if err != nil {
			return false, err
		}
		in := ok && contains(list, l)
		if op == opNin {
			return !in, nil
		}
		return in, nil
	case opContains:
		switch {
		case l.k == vString && r.k == vString:
			return strings.Contains(l.s, r.s), nil
		case l.k == vJSON:
			list, ok, err := l.list()
			if err != nil || !ok {
				return false, err
			}
			return contains(list, r), nil
		}
		return false, nil
	case opSubsetOf, opAnyOf, opNoneOf:
		right, ok, err := valueList(r)
		if err != nil || !ok {
			return false, err
		}
		left, ok, err := valueList(l)
		if err != nil || !ok {
			return false, err
		}
		switch op {
		case opSubsetOf:
			for i := range left {
				if !contains(right, &left[i]) {
					return false, nil
				}
			}
			return true, nil
		case opAnyOf:
			for i := range left {
				if contains(right, &left[i]) {
					return true, nil
				}
			}
			return false, nil
		}
		for i := range left {
			if contains(right, &left[i]) {
				return false, nil
			}
		}
		return true, nil
	}
	// all, matches and type need operands that only Jayway's Java API can
	// build.
	return false, errInvalid
}

// eq is Jayway's == evaluator.
func eq(l, r *vnode) bool {
	if l.k == vJSON && r.k == vJSON {
		// Jayway keeps a literal as text, which equals no parsed value.
		return !l.lit && javaEqual(l.j, r.j)
	}
	return equals(l, r)
}

// regexInput is the text =~ matches: a string, the text of a number or
// boolean, or "" for anything else.
func regexInput(v *vnode) string {
	switch v.k {
	case vString:
		return v.s
	case vNumber:
		return v.numText()
	case vBool:
		if v.b {
			return "true"
		}
		return "false"
	}
	return ""
}

// intValue converts a number as BigDecimal.intValue does.
func intValue(n jsonvalue.Number) int {
	f := math.Trunc(n.Float64())
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	if f >= math.MinInt32 && f <= math.MaxInt32 {
		return int(f)
	}
	if i, ok := jsonvalue.Float(f).Int64(); ok {
		return int(int32(i))
	}
	return 0
}
