package jsonpath

// The compiler in this file follows Jayway JsonPath's PathCompiler character
// by character, so that Sluice accepts and rejects the same paths as Step
// Functions and reads them the same way. Notable consequences:
//
//   - a dot name runs to the next '.', '[' or '(' and may contain any other
//     character except a space: $.a-b, $.é, $.a*b and $.a]b are names;
//   - after a token, a single remaining character is ignored ($['a']x is
//     $['a']), because Jayway stops when at most one character is left;
//   - a token may follow another without a dot: $.*ab is $.*.ab;
//   - a slice has no step: [1:5:2] is [1:5] and [::2] is an error.

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// compile parses src with Step Functions' roots and, if ref is set, checks
// that it is a reference path.
func compile(src string, ref bool) (*Path, error) {
	if src == "" {
		return nil, &SyntaxError{Path: src, Msg: "the path is empty"}
	}
	if src[0] != '$' {
		return nil, &SyntaxError{Path: src, Msg: "a path must start with '$'"}
	}
	// Jayway trims spaces at both ends.
	t := strings.TrimRight(src, " ")
	p := &Path{src: src}
	rest := 1
	switch {
	case len(t) > 1 && t[1] == '$':
		p.root = RootContext
		rest = 2
	case len(t) == 1 || t[1] == '.' || t[1] == '[':
		p.root = RootInput
	default:
		j := 1
		for j < len(t) && t[j] != '.' && t[j] != '[' {
			j++
		}
		p.root = RootVariable
		p.name = t[1:j]
		if !ValidVariableName(p.name) {
			if r, _ := utf8.DecodeRuneInString(p.name); !isIDStart(r) && r != '_' {
				return nil, &SyntaxError{Path: src, Offset: 1, Msg: fmt.Sprintf(
					"illegal character %q after '$': expected '.', '[', '$' or a variable name", r)}
			}
			return nil, &SyntaxError{Path: src, Offset: 1, Msg: fmt.Sprintf(
				"%q is not a valid variable name: a variable name starts with a letter or '_', continues with letters, digits and '_', and has at most 80 characters",
				p.name)}
		}
		rest = j
	}
	c := compiler{cindex: newCindex("$" + t[rest:]), src: src, base: rest - 1}
	if err := c.compileTokens(true); err != nil {
		return nil, err
	}
	p.segs = c.segs
	p.finish()
	if ref && !p.reference {
		for i := range p.segs {
			s := &p.segs[i]
			if k := s.kind; k != segName && k != segIndex {
				return nil, &SyntaxError{Path: src, Offset: s.offset, Msg: "a reference path can contain only names and single array indexes, but this one " + notReference[k]}
			}
		}
	}
	return p, nil
}

// notReference says why a segment kind is not allowed in a reference path.
var notReference = map[segKind]string{
	segNames:    "selects several properties",
	segIndexes:  "selects several array elements",
	segSlice:    "has an array slice",
	segWildcard: "has a wildcard",
	segScan:     "has a deep scan (..)",
	segFilter:   "has a filter",
	segFunc:     "calls a function",
}

// compileSub compiles a path that appears inside a filter, as Jayway's
// public PathCompiler.compile does: the root is $ (the document) or @ (the
// current item).
func compileSub(text, src string, base, depth int) (*Path, error) {
	t := strings.Trim(text, " ")
	base += strings.Index(text, t)
	c := compiler{cindex: newCindex(t), src: src, base: base, depth: depth}
	if err := c.compileTokens(true); err != nil {
		return nil, err
	}
	return c.path(t), nil
}

// compileParam compiles a path argument of a path function, as Jayway's
// private compiler does: without trimming.
func compileParam(text, src string, base, depth int) (*Path, error) {
	c := compiler{cindex: newCindex(text), src: src, base: base, depth: depth}
	if err := c.compileTokens(false); err != nil {
		return nil, err
	}
	return c.path(text), nil
}

func (c *compiler) path(text string) *Path {
	p := &Path{src: text, segs: c.segs, root: RootInput}
	if c.rootChar == '@' {
		p.root = rootCurrent
	}
	p.finish()
	return p
}

// ValidVariableName reports whether name can name a workflow variable, as
// the Assign field requires: a Unicode identifier (a letter, letter number
// or '_', then letters, digits, combining marks and connector punctuation)
// of at most 80 characters.
func ValidVariableName(name string) bool {
	if name == "" || utf8.RuneCountInString(name) > 80 {
		return false
	}
	for i, r := range name {
		if i == 0 {
			if !isIDStart(r) && r != '_' {
				return false
			}
		} else if !isIDContinue(r) {
			return false
		}
	}
	return true
}

func isIDStart(r rune) bool {
	return unicode.IsLetter(r) || unicode.Is(unicode.Nl, r) || unicode.Is(unicode.Other_ID_Start, r)
}

func isIDContinue(r rune) bool {
	return isIDStart(r) || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Nd, unicode.Pc) ||
		unicode.Is(unicode.Other_ID_Continue, r)
}

// cindex is a string with a read position and an inclusive end position,
// after Jayway's CharacterIndex.
type cindex struct {
	s   string
	pos int
	end int // index of the last character
}

func newCindex(s string) cindex { return cindex{s: s, end: len(s) - 1} }

func (c *cindex) inBounds(i int) bool { return i >= 0 && i <= c.end }

// at returns the byte at i, or 0 outside the string.
func (c *cindex) at(i int) byte {
	if i < 0 || i >= len(c.s) {
		return 0
	}
	return c.s[i]
}

func (c *cindex) cur() byte { return c.at(c.pos) }

// nextSignificantChar returns the first character after i that is not a
// space, or ' ' if there is none.
func (c *cindex) nextSignificantChar(i int) byte {
	i++
	for c.inBounds(i) && c.s[i] == ' ' {
		i++
	}
	if c.inBounds(i) {
		return c.s[i]
	}
	return ' '
}

// indexOfNextSignificantChar returns the index of the first character after
// i that is not a space if it is ch, and -1 otherwise.
func (c *cindex) indexOfNextSignificantChar(i int, ch byte) int {
	i++
	for c.inBounds(i) && c.s[i] == ' ' {
		i++
	}
	if c.inBounds(i) && c.s[i] == ch {
		return i
	}
	return -1
}

// nextIndexOf returns the index of the first ch at or after i, or -1.
func (c *cindex) nextIndexOf(i int, ch byte) int {
	for ; c.inBounds(i); i++ {
		if c.s[i] == ch {
			return i
		}
	}
	return -1
}

// nextIndexOfUnescaped returns the index of the first ch after i that is not
// escaped with a backslash, or -1.
func (c *cindex) nextIndexOfUnescaped(i int, ch byte) int {
	esc := false
	for i++; c.inBounds(i); i++ {
		switch {
		case esc:
			esc = false
		case c.s[i] == '\\':
			esc = true
		case c.s[i] == ch:
			return i
		}
	}
	return -1
}

// indexOfMatchingCloseChar returns the index of the close character that
// matches the open character at start, skipping quoted strings and, if
// skipRegex is set, /regex/ literals. ok is false for an unterminated
// string or regex.
func (c *cindex) indexOfMatchingCloseChar(start int, open, close byte, skipStrings, skipRegex bool) (idx int, ok bool) {
	if c.at(start) != open {
		return -1, false
	}
	opened := 1
	for i := start + 1; c.inBounds(i); i++ {
		if skipStrings {
			if q := c.s[i]; q == '\'' || q == '"' {
				i = c.nextIndexOfUnescaped(i, q)
				if i < 0 {
					return -1, false
				}
				i++
			}
		}
		if skipRegex && c.at(i) == '/' {
			i = c.nextIndexOfUnescaped(i, '/')
			if i < 0 {
				return -1, false
			}
			i++
		}
		switch c.at(i) {
		case open:
			opened++
		case close:
			opened--
			if opened == 0 {
				return i, true
			}
		}
	}
	return -1, true
}

// skipBlanks skips spaces, but never past the last character.
func (c *cindex) skipBlanks() *cindex {
	for c.inBounds(c.pos) && c.pos < c.end && c.s[c.pos] == ' ' {
		c.pos++
	}
	return c
}

func (c *cindex) trim() {
	c.skipBlanks()
	for c.inBounds(c.pos) && c.pos < c.end && c.s[c.end] == ' ' {
		c.end--
	}
}

// compiler turns the text of a path into segments.
type compiler struct {
	cindex
	src      string // the whole source, for errors
	base     int    // offset of s[0] in src
	rootChar byte
	segs     []segment
	depth    int // how deeply this path is nested in filters and arguments
}

// maxNesting limits how deeply filters, parentheses and function arguments
// may nest, so that compiling a hostile path cannot exhaust the stack.
const maxNesting = 50

func (c *compiler) fail(pos int, format string, args ...any) error {
	off := c.base + pos
	if off < 0 {
		off = 0
	}
	if off > len(c.src) {
		off = len(c.src)
	}
	return &SyntaxError{Path: c.src, Offset: off, Msg: fmt.Sprintf(format, args...)}
}

func (c *compiler) add(s segment, pos int) {
	s.offset = c.base + pos
	c.segs = append(c.segs, s)
}

func isWS(ch byte) bool { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' }

func isDigit(ch byte) bool { return ch >= '0' && ch <= '9' }

// compileTokens reads the root and the tokens after it.
func (c *compiler) compileTokens(public bool) error {
	if c.depth > maxNesting {
		return c.fail(0, "filters and function arguments are nested too deeply")
	}
	if c.end < 0 {
		return c.fail(0, "the path is empty")
	}
	if public && c.s[c.end] == '.' {
		return c.fail(c.end, "a path must not end with '.' or '..'")
	}
	for c.inBounds(c.pos) && isWS(c.cur()) {
		c.pos++
	}
	if ch := c.cur(); ch != '$' && ch != '@' {
		return c.fail(c.pos, "a path must start with '$' or '@'")
	}
	c.rootChar = c.cur()
	if c.pos >= c.end {
		return nil
	}
	c.pos++
	if ch := c.cur(); ch != '.' && ch != '[' {
		return c.fail(c.pos, "illegal character %q: expected '.' or '['", rune(ch))
	}
	return c.readTokens()
}

// readTokens reads tokens until at most one character is left, as Jayway
// does.
func (c *compiler) readTokens() error {
	for {
		switch c.cur() {
		case '[':
			if err := c.readBracket(); err != nil {
				return err
			}
		case '.':
			if err := c.readDot(); err != nil {
				return err
			}
			continue // the token after a dot is read without the end check
		case '*':
			c.add(segment{kind: segWildcard}, c.pos)
			c.pos++
		default:
			last, err := c.readPropertyOrFunction()
			if err != nil || last {
				return err
			}
		}
		if c.pos >= c.end {
			return nil
		}
	}
}

// readDot reads "." or "..".
func (c *compiler) readDot() error {
	start := c.pos
	switch {
	case c.at(c.pos+1) == '.' && c.inBounds(c.pos+1):
		c.add(segment{kind: segScan}, c.pos)
		c.pos += 2
	case !c.inBounds(c.pos + 1):
		return c.fail(c.pos, "a path must not end with '.'")
	default:
		c.pos++
	}
	if !c.inBounds(c.pos) {
		return c.fail(start, "a path must not end with '.' or '..'")
	}
	if c.cur() == '.' {
		return c.fail(c.pos, "character '.' is not valid here")
	}
	return nil
}

// readPropertyOrFunction reads a dot name or a function call. It reports
// whether it read a function, which must end the path.
func (c *compiler) readPropertyOrFunction() (bool, error) {
	switch c.cur() {
	case '[', '*', '.', ' ':
		return false, c.fail(c.pos, "could not parse the token that starts here")
	}
	start := c.pos
	end := -1
	isFunc := false
	i := start
	for ; c.inBounds(i); i++ {
		ch := c.s[i]
		if ch == ' ' {
			return false, c.fail(i, "use bracket notation ['my prop'] for a property name that contains spaces")
		}
		if ch == '.' || ch == '[' {
			end = i
			break
		}
		if ch == '(' {
			isFunc = true
			end = i
			break
		}
	}
	if end < 0 {
		end = c.end + 1
	}
	name := c.s[start:end]
	if !isFunc {
		c.add(segment{kind: segName, name: name}, start)
		c.pos = end
		return false, nil
	}
	// A function: its parentheses must balance.
	depth := 1
	for j := i + 1; j <= c.end; j++ {
		switch c.s[j] {
		case ')':
			depth--
		case '(':
			depth++
		}
		if depth == 0 {
			break
		}
	}
	if depth != 0 {
		return false, c.fail(i, "the arguments of function %q are not closed properly", name)
	}
	if !functions[name] {
		return false, c.fail(start, "function %q does not exist; the path functions are %s", name, functionList)
	}
	var params []funcParam
	if c.inBounds(i + 1) {
		if c.s[i+1] != ')' {
			c.pos = end + 1
			var err error
			if params, err = c.parseFunctionParameters(name); err != nil {
				return false, err
			}
		} else {
			c.pos = i + 1
		}
	} else {
		c.pos = i
	}
	c.add(segment{kind: segFunc, fn: &funcCall{name: name, params: params}}, start)
	if c.pos < c.end {
		return true, c.fail(c.pos, "a path function must be the last segment of the path")
	}
	return true, nil
}

// parseFunctionParameters reads the arguments of a function after its
// opening parenthesis. An argument that starts with $ or @ is a path; one
// that starts with {, a digit, '"' or '-' is JSON; Jayway ignores any other
// argument, such as 'text' in single quotes.
func (c *compiler) parseFunctionParameters(name string) ([]funcParam, error) {
	const (
		typeNone = iota
		typeJSON
		typePath
	)
	typ := typeNone
	paren, bracket, brace, quote := 1, 0, 0, 0
	done := false
	var prior byte
	var params []funcParam
	var buf []byte
	start := c.pos
	for c.inBounds(c.pos) && !done {
		ch := c.cur()
		c.pos++
		if typ == typeNone {
			if isWS(ch) {
				continue
			}
			switch {
			case ch == '{' || isDigit(ch) || ch == '"' || ch == '-':
				typ = typeJSON
				start = c.pos - 1
			case ch == '$' || ch == '@':
				typ = typePath
				start = c.pos - 1
			}
		}
		switch ch {
		case '"':
			if prior != '\\' && quote > 0 {
				quote--
			} else {
				quote++
			}
		case '(':
			paren++
		case '{':
			brace++
		case '[':
			bracket++
		case '}':
			if brace == 0 {
				return nil, c.fail(c.pos-1, "unexpected '}' in the arguments of function %q", name)
			}
			brace--
		case ']':
			if bracket == 0 {
				return nil, c.fail(c.pos-1, "unexpected ']' in the arguments of function %q", name)
			}
			bracket--
		case ')', ',':
			if ch == ')' {
				paren--
				if paren < 0 || prior == '(' {
					buf = append(buf, ch)
				}
			}
			if quote == 0 && brace == 0 && bracket == 0 && ((paren == 0 && ch == ')') || paren == 1) {
				done = paren == 0
				if typ != typeNone {
					p, err := c.param(typ == typePath, string(buf), start)
					if err != nil {
						return nil, err
					}
					params = append(params, p)
					buf = buf[:0]
					typ = typeNone
				}
			}
		case '\\':
			next := c.cur()
			if quote == 1 && (next == ',' || next == '"') {
				buf = append(buf, next)
				c.pos++
				prior = 0
				continue
			}
		}
		if typ != typeNone && !(ch == ',' && brace == 0 && bracket == 0 && paren == 1) {
			buf = append(buf, ch)
		}
		prior = ch
	}
	if brace != 0 || paren != 0 || bracket != 0 {
		return nil, c.fail(c.pos, "the arguments of function %q are not closed properly", name)
	}
	return params, nil
}

// param compiles one function argument.
func (c *compiler) param(isPath bool, text string, start int) (funcParam, error) {
	if isPath {
		p, err := compileParam(text, c.src, c.base+start, c.depth+1)
		if err != nil {
			return funcParam{}, err
		}
		return funcParam{path: p, all: withWildcard(p)}, nil
	}
	v, err := parseLiteralJSON(text)
	if err != nil {
		return funcParam{}, c.fail(start, "the argument %s is not valid JSON: %v", text, err)
	}
	return funcParam{json: v, isJSON: true}, nil
}

// readBracket reads a token that starts with '['.
func (c *compiler) readBracket() error {
	for _, read := range [...]func() (bool, error){
		c.readBracketProperty, c.readArray, c.readBracketWildcard, c.readFilter, c.readPlaceholder,
	} {
		ok, err := read()
		if err != nil || ok {
			return err
		}
	}
	return c.fail(c.pos, "could not parse the token that starts here: expected ?, ', 0-9 or *")
}

// readBracketProperty reads ['a'], ["a"] or ['a','b'].
func (c *compiler) readBracketProperty() (bool, error) {
	delim := c.nextSignificantChar(c.pos)
	if delim != '\'' && delim != '"' {
		return false, nil
	}
	var props []string
	start := c.pos + 1
	endPos := 0
	inProp, inEsc, lastComma := false, false, false
	for i := c.pos + 1; c.inBounds(i); i++ {
		ch := c.s[i]
		switch {
		case inEsc:
			inEsc = false
		case ch == '\\':
			inEsc = true
		case ch == ']' && !inProp:
			if lastComma {
				return false, c.fail(i, "empty property name")
			}
			goto closed
		case ch == delim:
			if inProp {
				if n := c.nextSignificantChar(i); n != ']' && n != ',' {
					return false, c.fail(i, "properties must be separated by ',' and closed by ']'")
				}
				endPos = i
				prop, ok := javaUnescape(c.s[start:endPos])
				if !ok {
					return false, c.fail(start, "invalid \\u escape in property name")
				}
				props = append(props, prop)
				inProp = false
			} else {
				start = i + 1
				inProp = true
				lastComma = false
			}
		case ch == ',' && !inProp:
			if lastComma {
				return false, c.fail(i, "empty property name")
			}
			lastComma = true
		}
	}
closed:
	if inProp {
		return false, c.fail(start-1, "the property name is not closed: missing %c", rune(delim))
	}
	endBracket := c.indexOfNextSignificantChar(endPos, ']')
	if endBracket < 0 || len(props) == 0 {
		return false, c.fail(c.pos, "the property is not closed: missing ]")
	}
	if len(props) == 1 {
		c.add(segment{kind: segName, name: props[0]}, c.pos)
	} else {
		c.add(segment{kind: segNames, names: props}, c.pos)
	}
	c.pos = endBracket + 1
	return true, nil
}

// readArray reads [0], [-1], [0,2], [1:3], [:2] or [-2:].
func (c *compiler) readArray() (bool, error) {
	n := c.nextSignificantChar(c.pos)
	if !isDigit(n) && n != '-' && n != ':' {
		return false, nil
	}
	begin := c.pos + 1
	end := c.nextIndexOf(begin, ']')
	if end < 0 {
		return false, nil
	}
	expr := javaTrim(c.s[begin:end])
	if expr == "*" {
		return false, nil
	}
	for i := 0; i < len(expr); i++ {
		if ch := expr[i]; !isDigit(ch) && ch != ',' && ch != '-' && ch != ':' && ch != ' ' {
			return false, nil
		}
	}
	if strings.IndexByte(expr, ':') >= 0 {
		op, err := c.parseSlice(expr, begin)
		if err != nil {
			return false, err
		}
		c.add(segment{kind: segSlice, slice: op}, c.pos)
	} else {
		var idx []int
		for _, tok := range strings.Split(expr, ",") {
			i, ok := parseJavaInt(strings.Trim(tok, " "))
			if !ok {
				return false, c.fail(begin, "cannot parse array index [%s]: %q is not an integer", expr, strings.Trim(tok, " "))
			}
			idx = append(idx, i)
		}
		if len(idx) == 1 {
			c.add(segment{kind: segIndex, index: idx[0]}, c.pos)
		} else {
			c.add(segment{kind: segIndexes, indexes: idx}, c.pos)
		}
	}
	c.pos = end + 1
	return true, nil
}

// parseSlice parses from:to as Jayway's ArraySliceOperation does: anything
// after a second colon is ignored, and at least one bound is required.
func (c *compiler) parseSlice(expr string, begin int) (sliceOp, error) {
	for i := 0; i < len(expr); i++ {
		if ch := expr[i]; !isDigit(ch) && ch != '-' && ch != ':' {
			return sliceOp{}, c.fail(begin, "cannot parse array slice [%s]", expr)
		}
	}
	parts := strings.Split(expr, ":")
	for len(parts) > 0 && parts[len(parts)-1] == "" { // Java's String.split drops trailing empty strings
		parts = parts[:len(parts)-1]
	}
	var op sliceOp
	read := func(i int) (int, bool, error) {
		if i >= len(parts) || parts[i] == "" {
			return 0, false, nil
		}
		v, ok := parseJavaInt(parts[i])
		if !ok {
			return 0, false, c.fail(begin, "cannot parse array slice [%s]: %q is not an integer", expr, parts[i])
		}
		return v, true, nil
	}
	var err error
	if op.from, op.hasFrom, err = read(0); err != nil {
		return op, err
	}
	if op.to, op.hasTo, err = read(1); err != nil {
		return op, err
	}
	if !op.hasFrom && !op.hasTo {
		return op, c.fail(begin, "cannot parse array slice [%s]: a slice needs a start or an end, and has no step", expr)
	}
	return op, nil
}

// readBracketWildcard reads [*].
func (c *compiler) readBracketWildcard() (bool, error) {
	if c.nextSignificantChar(c.pos) != '*' {
		return false, nil
	}
	w := c.indexOfNextSignificantChar(c.pos, '*')
	end := c.indexOfNextSignificantChar(w, ']')
	if end < 0 {
		return false, c.fail(w+1, "expected the wildcard to end with ']'")
	}
	c.add(segment{kind: segWildcard}, c.pos)
	c.pos = end + 1
	return true, nil
}

// readFilter reads [?(...)].
func (c *compiler) readFilter() (bool, error) {
	q := c.indexOfNextSignificantChar(c.pos, '?')
	if q < 0 {
		return false, nil
	}
	open := c.indexOfNextSignificantChar(q, '(')
	if open < 0 {
		return false, nil
	}
	closeParen, ok := c.indexOfMatchingCloseChar(open, '(', ')', true, true)
	if !ok {
		return false, c.fail(open, "a string or regular expression in the filter is not closed")
	}
	if closeParen < 0 {
		return false, nil
	}
	end := c.indexOfNextSignificantChar(closeParen, ']')
	if end < 0 {
		return false, nil
	}
	f, err := compileFilter(c.s[c.pos:end+1], c.src, c.base+c.pos, c.depth+1)
	if err != nil {
		return false, err
	}
	c.add(segment{kind: segFilter, filter: f}, c.pos)
	c.pos = end + 1
	return true, nil
}

// readPlaceholder rejects [?], which stands for a predicate passed in Java
// code and cannot be used in Step Functions.
func (c *compiler) readPlaceholder() (bool, error) {
	q := c.indexOfNextSignificantChar(c.pos, '?')
	if q < 0 {
		return false, nil
	}
	if n := c.nextSignificantChar(q); n != ']' && n != ',' {
		return false, nil
	}
	if c.nextIndexOf(c.pos+1, ']') < 0 {
		return false, nil
	}
	return false, c.fail(c.pos, "a filter needs an expression: write [?(...)]")
}

// withWildcard returns p followed by [*], which length() uses for a path
// argument, or nil if p ends with a function.
func withWildcard(p *Path) *Path {
	if p.UsesFunctions() {
		return nil
	}
	q := &Path{src: p.src + "[*]", root: p.root, name: p.name}
	q.segs = append(append([]segment(nil), p.segs...), segment{kind: segWildcard})
	q.finish()
	return q
}
