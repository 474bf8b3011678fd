package jsonpath

// This file follows Jayway JsonPath's FilterCompiler and its evaluators.
// Jayway's comparison rules are kept as they are, because Step Functions
// inherits them:
//
//   - a path that selects nothing is "undefined", which equals nothing, so
//     [?(@.a != 'x')] matches items without a;
//   - a number equals a string holding the same number when the number is on
//     the left ([?(@.n == '1')] matches n = 1), and a string equals a number
//     when the string is BigDecimal's text of it;
//   - <, <=, >, >= compare two numbers or two strings (by UTF-16 code
//     units) and are false otherwise;
//   - =~ matches the whole string against a /regex/flags literal;
//   - an operator applied to operands it cannot take (in with a right side
//     that is not a list, empty with a right side that is not a boolean)
//     rejects the item, whatever ! or || surround it;
//   - [?(@.a)] tests existence and is false for an empty array.

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// relOp is a relational operator.
type relOp uint8

const (
	opEQ relOp = iota
	opTSEQ
	opNE
	opTSNE
	opLT
	opLTE
	opGT
	opGTE
	opRegex
	opIn
	opNin
	opContains
	opAll
	opSize
	opExists
	opType
	opMatches
	opEmpty
	opSubsetOf
	opAnyOf
	opNoneOf
)

var relOps = map[string]relOp{
	"==": opEQ, "===": opTSEQ, "!=": opNE, "!==": opTSNE, "<": opLT, "<=": opLTE, ">": opGT, ">=": opGTE,
	"=~": opRegex, "IN": opIn, "NIN": opNin, "CONTAINS": opContains, "ALL": opAll, "SIZE": opSize,
	"EXISTS": opExists, "TYPE": opType, "MATCHES": opMatches, "EMPTY": opEmpty, "SUBSETOF": opSubsetOf,
	"ANYOF": opAnyOf, "NONEOF": opNoneOf,
}

// exprKind is the kind of a filter expression node.
type exprKind uint8

const (
	exprOr exprKind = iota
	exprAnd
	exprNot
	exprRel
)

// expr is a compiled filter expression.
type expr struct {
	kind        exprKind
	subs        []*expr // operands of ||, && and !
	op          relOp
	left, right operand
}

// operand is one side of a relational expression: a literal or a path.
type operand struct {
	path        *Path
	exists      bool // an existence test [?(@.a)]
	shouldExist bool // false for [?(!@.a)]
	lit         vnode
}

// vkind is the kind of a value in a filter, after Jayway's ValueNode
// classes.
type vkind uint8

const (
	vUndefined vkind = iota // a path that selected nothing
	vNull
	vBool
	vNumber
	vString
	vJSON    // an array or object
	vPattern // a /regex/ literal
	vOpaque  // a value Jayway turns into a node that equals nothing
)

// vnode is a value in a filter.
type vnode struct {
	k vkind
	b bool
	// lit marks a JSON literal written in the filter. Jayway keeps those as
	// text, so one on the left of == never equals anything.
	lit bool
	s   string          // string value, or the number's JSON text for vNumber
	j   jsonvalue.Value // array or object
	x   *litInfo        // details of a literal, worked out when compiling
}

// litInfo holds what is known about a literal when the filter is compiled.
type litInfo struct {
	text     string // BigDecimal text of a number literal
	re       *regexp.Regexp
	elems    []vnode // elements of an array literal
	elemsErr error
}

func (v *vnode) num() jsonvalue.Number { return jsonvalue.Number(v.s) }

var (
	undefinedNode = vnode{k: vUndefined}
	trueNode      = vnode{k: vBool, b: true}
	falseNode     = vnode{k: vBool}
)

func boolNode(b bool) vnode {
	if b {
		return trueNode
	}
	return falseNode
}

// errInvalid stands for Jayway's InvalidPathException while a filter is
// applied: the item is rejected.
var errInvalid = errors.New("jsonpath: invalid filter operand")

// filterCompiler compiles the text of a filter, [?(...)].
type filterCompiler struct {
	cindex
	src   string // the whole path, for errors
	base  int    // offset of s[0] in src
	depth int    // nesting of the filter in other filters
	nest  int    // nesting of parentheses and ! in this filter
}

// fail reports a syntax error at pos.
func (f *filterCompiler) fail(pos int, format string, args ...any) error {
	return &SyntaxError{Path: f.src, Offset: f.offset(pos), Msg: fmt.Sprintf(format, args...)}
}

func (f *filterCompiler) offset(pos int) int {
	off := f.base + pos
	if off < 0 {
		return 0
	}
	if off > len(f.src) {
		return len(f.src)
	}
	return off
}

// compileFilter compiles criteria, the text from '[' to ']'.
func compileFilter(criteria, src string, base, depth int) (*expr, error) {
	f := &filterCompiler{cindex: newCindex(criteria), src: src, base: base, depth: depth}
	f.trim()
	if f.cur() != '[' || f.at(f.end) != ']' {
		return nil, f.fail(f.pos, "a filter must start with '[' and end with ']'")
	}
	f.pos++
	f.end--
	f.trim()
	if f.cur() != '?' {
		return nil, f.fail(f.pos, "a filter must start with '[?' and end with ']'")
	}
	f.pos++
	f.trim()
	if f.cur() != '(' || f.at(f.end) != ')' {
		return nil, f.fail(f.pos, "a filter must start with '[?(' and end with ')]'")
	}
	e, err := f.readLogicalOR()
	if err != nil {
		return nil, err
	}
	f.skipBlanks()
	if f.inBounds(f.pos) {
		return nil, f.fail(f.pos, "expected the end of the filter expression instead of %q", f.s[f.pos:f.end+1])
	}
	return e, nil
}

func (f *filterCompiler) hasSignificantSubSequence(s string) bool {
	f.skipBlanks()
	if !f.inBounds(f.pos+len(s)-1) || f.s[f.pos:f.pos+len(s)] != s {
		return false
	}
	f.pos += len(s)
	return true
}

func (f *filterCompiler) readSignificantChar(ch byte) error {
	if f.skipBlanks().cur() != ch {
		return f.fail(f.pos, "expected %q", rune(ch))
	}
	f.pos++
	return nil
}

func (f *filterCompiler) readLogicalOR() (*expr, error) {
	first, err := f.readLogicalAND()
	if err != nil {
		return nil, err
	}
	ops := []*expr{first}
	for {
		save := f.pos
		if !f.hasSignificantSubSequence("||") {
			f.pos = save
			break
		}
		op, err := f.readLogicalAND()
		if err != nil {
			return nil, err
		}
		ops = append(ops, op)
	}
	if len(ops) == 1 {
		return ops[0], nil
	}
	return &expr{kind: exprOr, subs: ops}, nil
}

func (f *filterCompiler) readLogicalAND() (*expr, error) {
	first, err := f.readLogicalANDOperand()
	if err != nil {
		return nil, err
	}
	ops := []*expr{first}
	for {
		save := f.pos
		if !f.hasSignificantSubSequence("&&") {
			f.pos = save
			break
		}
		op, err := f.readLogicalANDOperand()
		if err != nil {
			return nil, err
		}
		ops = append(ops, op)
	}
	if len(ops) == 1 {
		return ops[0], nil
	}
	return &expr{kind: exprAnd, subs: ops}, nil
}

func (f *filterCompiler) readLogicalANDOperand() (*expr, error) {
	f.nest++
	defer func() { f.nest-- }()
	if f.nest+f.depth > maxNesting {
		return nil, f.fail(f.pos, "the filter is nested too deeply")
	}
	save := f.skipBlanks().pos
	if f.skipBlanks().cur() == '!' {
		f.pos++
		switch f.skipBlanks().cur() {
		case '$', '@':
			// !@.a is an existence test, read with the path.
			f.pos = save
		default:
			op, err := f.readLogicalANDOperand()
			if err != nil {
				return nil, err
			}
			return &expr{kind: exprNot, subs: []*expr{op}}, nil
		}
	}
	if f.skipBlanks().cur() == '(' {
		f.pos++
		op, err := f.readLogicalOR()
		if err != nil {
			return nil, err
		}
		if err := f.readSignificantChar(')'); err != nil {
			return nil, err
		}
		return op, nil
	}
	return f.readExpression()
}

func (f *filterCompiler) readExpression() (*expr, error) {
	start := f.pos
	left, err := f.readValueNode()
	if err != nil {
		return nil, err
	}
	save := f.pos
	if op, ok := f.readRelationalOperator(); ok {
		right, err := f.readValueNode()
		if err != nil {
			// Jayway falls back to an existence test here and then fails
			// on the text it could not read; report the real problem.
			return nil, err
		}
		return &expr{kind: exprRel, op: op, left: left, right: right}, nil
	}
	f.pos = save
	if left.path == nil {
		return nil, f.fail(start, "expected a path such as @.name or a comparison")
	}
	left.exists = true
	right := boolNode(left.shouldExist)
	return &expr{kind: exprRel, op: opExists, left: left, right: operand{lit: right}}, nil
}

func isRelOpChar(ch byte) bool {
	return ch == '<' || ch == '>' || ch == '=' || ch == '~' || ch == '!'
}

// readRelationalOperator reads an operator: a run of <>=~! characters or a
// word up to the next space.
func (f *filterCompiler) readRelationalOperator() (relOp, bool) {
	begin := f.skipBlanks().pos
	if isRelOpChar(f.cur()) {
		for f.inBounds(f.pos) && isRelOpChar(f.cur()) {
			f.pos++
		}
	} else {
		for f.inBounds(f.pos) && f.cur() != ' ' {
			f.pos++
		}
	}
	if begin > f.pos || begin >= len(f.s) {
		return 0, false
	}
	op, ok := relOps[strings.ToUpper(f.s[begin:f.pos])]
	return op, ok
}

func (f *filterCompiler) readValueNode() (operand, error) {
	switch f.skipBlanks().cur() {
	case '$', '@':
		return f.readPath()
	case '!':
		f.pos++
		switch f.skipBlanks().cur() {
		case '$', '@':
			return f.readPath()
		}
		return operand{}, f.fail(f.pos, "unexpected character '!'")
	}
	v, err := f.readLiteral()
	return operand{lit: v}, err
}

func (f *filterCompiler) readLiteral() (vnode, error) {
	switch f.skipBlanks().cur() {
	case '\'', '"':
		return f.readStringLiteral(f.cur())
	case 't', 'f':
		return f.readBooleanLiteral()
	case 'n':
		return f.readNullLiteral()
	case '{', '[':
		return f.readJSONLiteral()
	case '/':
		return f.readPattern()
	}
	return f.readNumberLiteral()
}

// previousSignificantChar returns the character before the position that is
// not a space, or ' '.
func (f *filterCompiler) previousSignificantChar() byte {
	i := f.pos - 1
	for f.inBounds(i) && f.s[i] == ' ' {
		i--
	}
	if f.inBounds(i) {
		return f.s[i]
	}
	return ' '
}

// readPath reads a path up to a space, an operator character or a closing
// parenthesis that does not close a function call.
func (f *filterCompiler) readPath() (operand, error) {
	prev := f.previousSignificantChar()
	begin := f.pos
	f.pos++
	for f.inBounds(f.pos) {
		if f.cur() == '[' {
			end, ok := f.indexOfMatchingCloseChar(f.pos, '[', ']', true, false)
			if !ok {
				return operand{}, f.fail(f.pos, "a string in the filter is not closed")
			}
			if end < 0 {
				return operand{}, f.fail(f.pos, "square brackets do not match in the filter")
			}
			f.pos = end + 1
		}
		closing := f.cur() == ')' && !f.closesFunction(begin)
		if !f.inBounds(f.pos) || isRelOpChar(f.cur()) || f.cur() == ' ' || closing {
			break
		}
		f.pos++
	}
	p, err := compileSub(f.s[begin:f.pos], f.src, f.base+begin, f.depth+1)
	if err != nil {
		return operand{}, err
	}
	return operand{path: p, shouldExist: prev != '!'}, nil
}

// closesFunction reports whether the ')' at the position closes a call
// without arguments, such as @.length().
func (f *filterCompiler) closesFunction(lower int) bool {
	i := f.pos - 1
	for f.inBounds(i) && f.s[i] == ' ' {
		i--
	}
	if !f.inBounds(i) || f.s[i] != '(' {
		return false
	}
	for i--; f.inBounds(i) && i > lower; i-- {
		if f.s[i] == '.' {
			return true
		}
	}
	return false
}

func (f *filterCompiler) readStringLiteral(q byte) (vnode, error) {
	begin := f.pos
	end := f.nextIndexOfUnescaped(f.pos, q)
	if end < 0 {
		return vnode{}, f.fail(begin, "the string literal is not closed: expected %c", rune(q))
	}
	f.pos = end + 1
	s, ok := javaUnescape(f.s[begin+1 : end])
	if !ok {
		return vnode{}, f.fail(begin, "invalid \\u escape in the string literal")
	}
	return vnode{k: vString, s: s}, nil
}

func (f *filterCompiler) readBooleanLiteral() (vnode, error) {
	n := 4
	if f.cur() == 'f' {
		n = 5
	}
	if !f.inBounds(f.pos+n-1) || (f.s[f.pos:f.pos+n] != "true" && f.s[f.pos:f.pos+n] != "false") {
		return vnode{}, f.fail(f.pos, "expected a boolean literal")
	}
	f.pos += n
	return boolNode(n == 4), nil
}

func (f *filterCompiler) readNullLiteral() (vnode, error) {
	if !f.inBounds(f.pos+3) || f.s[f.pos:f.pos+4] != "null" {
		return vnode{}, f.fail(f.pos, "expected null")
	}
	f.pos += 4
	return vnode{k: vNull}, nil
}

func isNumberChar(ch byte) bool {
	return isDigit(ch) || ch == '-' || ch == '.' || ch == 'e' || ch == 'E'
}

func (f *filterCompiler) readNumberLiteral() (vnode, error) {
	begin := f.pos
	for f.inBounds(f.pos) && isNumberChar(f.cur()) {
		f.pos++
	}
	d, ok := parseBigDecimal(f.s[begin:f.pos])
	if !ok {
		if begin == f.pos {
			return vnode{}, f.fail(begin, "unexpected character %q", rune(f.at(begin)))
		}
		return vnode{}, f.fail(begin, "%q is not a number", f.s[begin:f.pos])
	}
	n := d.number()
	if d.scale > 0 && d.scale < 20 {
		// Keep the literal plain so comparisons need no parsing.
		n = plainDecimal(d)
	}
	return vnode{k: vNumber, s: string(n), x: &litInfo{text: d.String()}}, nil
}

func (f *filterCompiler) readJSONLiteral() (vnode, error) {
	begin := f.pos
	open := f.cur()
	closeCh := byte(']')
	if open == '{' {
		closeCh = '}'
	}
	end, ok := f.indexOfMatchingCloseChar(f.pos, open, closeCh, true, false)
	if !ok || end < 0 {
		return vnode{}, f.fail(begin, "the JSON literal is not closed: expected %c", rune(closeCh))
	}
	f.pos = end + 1
	v, err := parseLiteralJSON(f.s[begin : end+1])
	if err != nil {
		return vnode{}, f.fail(begin, "the JSON literal %s is not valid: %v", f.s[begin:end+1], err)
	}
	n := vnode{k: vJSON, j: v, lit: true, x: &litInfo{}}
	if arr, ok := v.([]jsonvalue.Value); ok {
		n.x.elems, n.x.elemsErr = listNodes(arr)
	}
	return n, nil
}

// readPattern reads /regex/flags. The flags are the letters after the
// closing slash: i (ignore case), m (multiline) and s (dot matches new
// lines); d, u, U and x are accepted and have no effect.
func (f *filterCompiler) readPattern() (vnode, error) {
	begin := f.pos
	end := f.nextIndexOfUnescaped(f.pos, '/')
	if end < 0 {
		return vnode{}, f.fail(begin, "the regular expression is not closed: expected /")
	}
	i := end + 1
	for i <= f.end && (f.s[i] >= 'a' && f.s[i] <= 'z' || f.s[i] >= 'A' && f.s[i] <= 'Z') {
		i++
	}
	f.pos = i
	var prefix strings.Builder
	for _, fl := range f.s[end+1 : i] {
		switch fl {
		case 'i', 'm', 's':
			if !strings.ContainsRune(prefix.String(), fl) {
				prefix.WriteRune(fl)
			}
		}
	}
	src := `\A(?:` + f.s[begin+1:end] + `)\z`
	if prefix.Len() > 0 {
		src = "(?" + prefix.String() + ")" + src
	}
	re, err := regexp.Compile(src)
	if err != nil {
		return vnode{}, f.fail(begin, "the regular expression %s is not supported: %v", f.s[begin:i], err)
	}
	return vnode{k: vPattern, x: &litInfo{re: re}}, nil
}

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
	l, err := x.left.value(e.root, item)
	if err != nil {
		return false, err
	}
	r, err := x.right.value(e.root, item)
	if err != nil {
		return false, err
	}
	return evalRel(x.op, &l, &r)
}

// value resolves the operand for item; root is the document.
func (o *operand) value(root, item jsonvalue.Value) (vnode, error) {
	if o.path == nil {
		return o.lit, nil
	}
	if o.exists {
		// Jayway tests existence on the item even for a $ path.
		v, found, err := evalSub(o.path, item, root, true)
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
		doc = root
	}
	v, found, err := evalSub(o.path, doc, root, false)
	if err != nil || !found {
		return undefinedNode, err
	}
	return nodeOf(v), nil
}

// evalSub evaluates a path inside a filter. found is false when the path
// selects nothing, which Jayway treats as undefined.
func evalSub(p *Path, doc, root jsonvalue.Value, require bool) (v jsonvalue.Value, found bool, err error) {
	if p.simple {
		v, found = p.lookup(doc)
		return v, found, nil
	}
	e := evaluator{p: p, root: root, require: require, collect: !p.definite}
	e.run(doc)
	if e.err != nil {
		var pe *PathError
		if errors.As(e.err, &pe) {
			switch pe.Kind {
			case FilterOnPrimitive:
				return nil, false, errInvalid
			case FunctionFailed, FilterFailed:
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

// contains reports whether some element e of list has x.equals(e) (or
// e.equals(x) when xFirst is false).
func contains(list []vnode, x *vnode, xFirst bool) bool {
	for i := range list {
		if xFirst && equals(x, &list[i]) || !xFirst && equals(&list[i], x) {
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
			c = compareUTF16(l.s, r.s)
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
		in := ok && contains(list, l, true)
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
			return contains(list, r, true), nil
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
				if !contains(right, &left[i], true) {
					return false, nil
				}
			}
			return true, nil
		case opAnyOf:
			for i := range left {
				if contains(right, &left[i], true) {
					return true, nil
				}
			}
			return false, nil
		}
		for i := range left {
			if contains(right, &left[i], true) {
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
