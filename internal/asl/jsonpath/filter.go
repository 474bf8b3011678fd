package jsonpath

// This file follows Jayway JsonPath's FilterCompiler, and filtereval.go its
// value nodes and evaluators. Jayway's comparison rules, which Step
// Functions inherits, are kept as they are:
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
