package pattern

import (
	"sort"
	"strconv"
	"strings"
)

// MaxBranches is the largest number of alternatives a pattern may expand to
// through "$or" (each "$or" multiplies the alternatives of its object by
// the number of its elements).
const MaxBranches = 1000

// MaxPatternLength is the longest event pattern EventBridge stores, in
// bytes. Compile does not enforce it: PutRule rejects longer patterns with a
// ValidationException before they are parsed.
const MaxPatternLength = 4096

// condition is the test on one field path of one alternative: the field
// matches when one of its leaf values satisfies one of the matchers, or,
// when absentOK is set, when the field has no leaf value at all.
type condition struct {
	path     string
	matchers []matcher
	absentOK bool
}

// branchDef is one alternative of a pattern (patterns with "$or" have
// several): all its conditions must hold.
type branchDef struct {
	conds []condition // sorted by path
}

// ruleDef is a compiled pattern.
type ruleDef struct {
	branches []*branchDef
}

// rawBranch collects the conditions of one alternative while parsing; a
// later value for the same path replaces the earlier one.
type rawBranch map[string][]matcher

func cloneBranches(bs []rawBranch) []rawBranch {
	out := make([]rawBranch, len(bs))
	for i, b := range bs {
		c := make(rawBranch, len(b))
		for k, v := range b {
			c[k] = v
		}
		out[i] = c
	}
	return out
}

// reservedInOr lists the field names that may not be used inside "$or".
var reservedInOr = map[string]bool{
	"exactly": true, "equals-ignore-case": true, "prefix": true, "suffix": true,
	"anything-but": true, "exists": true, "wildcard": true, "numeric": true, "cidr": true,
	"=": true, "<": true, "<=": true, ">": true, ">=": true,
	"regex": true, "not-wildcard": true, "not-equals-ignore-case": true,
	"date-after": true, "date-on-or-after": true, "date-before": true, "date-on-or-before": true,
	"in-date-range": true, "ip-address-in-range": true, "ip-address-not-in-range": true,
}

type compiler struct {
	lx    *lexer
	path  []string
	rules []rawBranch
}

// compilePattern parses and validates an event pattern.
func compilePattern(data []byte) (*ruleDef, error) {
	c := &compiler{lx: newLexer(data)}
	tok, err := c.lx.next()
	if err != nil {
		return nil, err
	}
	if tok != tokBeginObject {
		return nil, newError("Filter is not an object")
	}
	if err := c.object(false); err != nil {
		return nil, err
	}
	return c.finish()
}

func (c *compiler) pathName(step string) string {
	if len(c.path) == 0 {
		return step
	}
	return strings.Join(c.path, ".") + "." + step
}

// object reads the members of an object whose '{' has been read.
func (c *compiler) object(inOr bool) error {
	present := false
	for {
		tok, err := c.lx.next()
		if err != nil {
			return err
		}
		if tok == tokEndObject {
			break
		}
		present = true
		name := c.lx.text
		if name == "$or" {
			if err := c.or(); err != nil {
				return err
			}
			continue
		}
		if inOr && reservedInOr[name] {
			return newError(name + " is Ruler reserved fieldName which cannot be used inside $or.")
		}
		tok, err = c.lx.next()
		if err != nil {
			return err
		}
		switch tok {
		case tokBeginObject:
			c.path = append(c.path, name)
			if err := c.object(inOr); err != nil {
				return err
			}
			c.path = c.path[:len(c.path)-1]
		case tokBeginArray:
			if err := c.values(c.pathName(name)); err != nil {
				return err
			}
		default:
			return newError("\"" + name + "\" must be an object or an array")
		}
	}
	if !present {
		return newError("Empty objects are not allowed")
	}
	return nil
}

// or reads the array of a "$or" member.
func (c *compiler) or() error {
	current := cloneBranches(c.rules)
	c.rules = nil
	tok, err := c.lx.next()
	if err != nil {
		return err
	}
	if tok != tokBeginArray {
		return newError("It must be an Array followed with $or.")
	}
	n := 0
	for {
		tok, err := c.lx.next()
		if err != nil {
			return err
		}
		if tok == tokEndArray {
			break
		}
		n++
		if tok != tokBeginObject {
			return newError("Only JSON object is allowed in array of $or relationship.")
		}
		outer := c.rules
		c.rules = cloneBranches(current)
		if len(c.rules) == 0 {
			c.rules = []rawBranch{{}}
		}
		if err := c.object(true); err != nil {
			return err
		}
		c.rules = append(outer, c.rules...)
		if len(c.rules) > MaxBranches {
			return newError("Rule is too complex - the $or expressions of a pattern may not expand to more than " + itoa(MaxBranches) + " combinations")
		}
	}
	if n < 2 {
		return newError("There must have at least 2 Objects in $or relationship.")
	}
	return nil
}

// values reads the value list of a field whose '[' has been read.
func (c *compiler) values(path string) error {
	var ms []matcher
	for {
		tok, err := c.lx.next()
		if err != nil {
			return err
		}
		if tok == tokEndArray {
			break
		}
		switch tok {
		case tokBeginObject:
			m, err := c.expression()
			if err != nil {
				return err
			}
			ms = append(ms, m)
		case tokString:
			ms = append(ms, exactStringMatcher(c.lx.text))
		case tokNumber:
			ms = append(ms, matcher{kind: mExactNumber, f: parseNumber(c.lx.text), s: c.lx.text})
		case tokTrue:
			ms = append(ms, matcher{kind: mExactTrue})
		case tokFalse:
			ms = append(ms, matcher{kind: mExactFalse})
		case tokNull:
			ms = append(ms, matcher{kind: mExactNull})
		default:
			return newError("Match value must be String, number, true, false, or null")
		}
	}
	if len(ms) == 0 {
		return newError("Empty arrays are not allowed")
	}
	if len(c.rules) == 0 {
		c.rules = []rawBranch{{}}
	}
	for _, r := range c.rules {
		r[path] = ms
	}
	return nil
}

func exactStringMatcher(s string) matcher {
	if looksLikeIPLiteral(s) {
		if b, v4, ok := parseIP(s); ok {
			return matcher{kind: mExactIP, s: s, x: &matchExtra{ip: ipRange{lo: b, hi: b, v4: v4}}}
		}
	}
	return matcher{kind: mExactString, s: s}
}

// looksLikeIPLiteral applies EventBridge's shape tests for IP literals.
func looksLikeIPLiteral(s string) bool {
	dots, digits := 0, 0
	shape := true
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && digits > 0:
			dots++
			digits = 0
		default:
			shape = false
		}
	}
	if shape && dots == 3 && digits > 0 {
		return true
	}
	return looksLikeIPv6(s)
}

// expression reads a match expression object whose '{' has been read.
func (c *compiler) expression() (matcher, error) {
	lx := c.lx
	tok, err := lx.next()
	if err != nil {
		return matcher{}, err
	}
	if tok != tokFieldName {
		return matcher{}, newError("Match expression name not found")
	}
	name := lx.text
	oneKey := func(m matcher) (matcher, error) {
		tok, err := lx.next()
		if err != nil {
			return matcher{}, err
		}
		if tok != tokEndObject {
			return matcher{}, newError("Only one key allowed in match expression")
		}
		return m, nil
	}
	switch name {
	case "exactly":
		if err := c.expectString("exact match pattern must be a string"); err != nil {
			return matcher{}, err
		}
		return oneKey(matcher{kind: mExactString, s: lx.text})
	case "prefix", "suffix":
		tok, err := lx.next()
		if err != nil {
			return matcher{}, err
		}
		if tok == tokBeginObject {
			return c.foldAffix(name)
		}
		if tok != tokString {
			return matcher{}, newError(name + " match pattern must be a string")
		}
		kind := mPrefix
		if name == "suffix" {
			kind = mSuffix
		}
		return oneKey(matcher{kind: kind, s: lx.text})
	case "equals-ignore-case":
		if err := c.expectString("equals-ignore-case match pattern must be a string"); err != nil {
			return matcher{}, err
		}
		return oneKey(matcher{kind: mEqualsFold, s: foldString(lx.text)})
	case "wildcard":
		if err := c.expectString("wildcard match pattern must be a string"); err != nil {
			return matcher{}, err
		}
		w, err := parseWildcard(lx.text)
		if err != nil {
			return matcher{}, err
		}
		return oneKey(matcher{kind: mWildcard, s: w.src, x: &matchExtra{wild: w}})
	case "numeric":
		tok, err := lx.next()
		if err != nil {
			return matcher{}, err
		}
		if tok != tokBeginArray {
			return matcher{}, newError("Value of numeric must be an array.")
		}
		m, err := c.numeric()
		if err != nil {
			return matcher{}, err
		}
		tok, err = lx.next()
		if err != nil {
			return matcher{}, err
		}
		if tok != tokEndObject {
			return matcher{}, newError("Too many elements in numeric expression")
		}
		return m, nil
	case "exists":
		tok, err := lx.next()
		if err != nil {
			return matcher{}, err
		}
		var m matcher
		switch tok {
		case tokTrue:
			m = matcher{kind: mExists}
		case tokFalse:
			m = matcher{kind: mAbsent}
		default:
			return matcher{}, newError("exists match pattern must be either true or false.")
		}
		return oneKey(m)
	case "cidr":
		if err := c.expectString("prefix match pattern must be a string"); err != nil {
			return matcher{}, err
		}
		r, err := parseCIDR(lx.text)
		if err != nil {
			return matcher{}, err
		}
		return oneKey(matcher{kind: mCIDR, s: lx.text, x: &matchExtra{ip: r}})
	case "anything-but":
		return c.anythingBut()
	}
	return matcher{}, newError("Unrecognized match type " + name)
}

// expectString reads the next token, which must be a string (its text is
// then in c.lx.text); any other token fails with msg.
func (c *compiler) expectString(msg string) error {
	tok, err := c.lx.next()
	if err != nil {
		return err
	}
	if tok != tokString {
		return newError(msg)
	}
	return nil
}

// foldAffix reads {"equals-ignore-case": "..."} after "prefix" or "suffix".
func (c *compiler) foldAffix(op string) (matcher, error) {
	lx := c.lx
	tok, err := lx.next()
	if err != nil {
		return matcher{}, err
	}
	title := strings.ToUpper(op[:1]) + op[1:]
	if tok != tokFieldName {
		return matcher{}, newError(title + " expression name not found")
	}
	if lx.text != "equals-ignore-case" {
		return matcher{}, newError("Unsupported " + op + " pattern: " + lx.text)
	}
	if err := c.expectString("equals-ignore-case match pattern must be a string"); err != nil {
		return matcher{}, err
	}
	m := matcher{kind: mPrefixFold, s: foldString(lx.text)}
	if op == "suffix" {
		m.kind = mSuffixFold
	}
	for i := 0; i < 2; i++ {
		tok, err = lx.next()
		if err != nil {
			return matcher{}, err
		}
		if tok != tokEndObject {
			return matcher{}, newError("Only one key allowed in match expression")
		}
	}
	return m, nil
}

// numeric reads the array of a "numeric" expression whose '[' has been read.
func (c *compiler) numeric() (matcher, error) {
	lx := c.lx
	tok, err := lx.next()
	if err != nil {
		return matcher{}, err
	}
	if tok != tokString {
		return matcher{}, newError("Invalid member in numeric match: " + lx.tokenText(tok))
	}
	op := lx.text
	tok, err = lx.next()
	if err != nil {
		return matcher{}, err
	}
	inf := parseNumber("1e999")
	valueOf := func(op string) error {
		name := op
		if op == "=" {
			name = "equals"
		}
		if !tok.isNumeric() {
			return newError("Value of " + name + " must be numeric")
		}
		return nil
	}
	switch op {
	case "=":
		if err := valueOf(op); err != nil {
			return matcher{}, err
		}
		v := parseNumber(lx.text)
		tok, err = lx.next()
		if err != nil {
			return matcher{}, err
		}
		if tok != tokEndArray {
			return matcher{}, newError("Too many elements in numeric expression")
		}
		return matcher{kind: mNumeric, lo: v, hi: v}, nil
	case "<", "<=":
		if err := valueOf(op); err != nil {
			return matcher{}, err
		}
		v := parseNumber(lx.text)
		tok, err = lx.next()
		if err != nil {
			return matcher{}, err
		}
		if tok != tokEndArray {
			return matcher{}, newError("Too many elements in numeric expression")
		}
		return matcher{kind: mNumeric, lo: -inf, hi: v, hiOpen: op == "<"}, nil
	case ">", ">=":
		if err := valueOf(op); err != nil {
			return matcher{}, err
		}
		bottom := parseNumber(lx.text)
		m := matcher{kind: mNumeric, lo: bottom, loOpen: op == ">", hi: inf}
		tok, err = lx.next()
		if err != nil {
			return matcher{}, err
		}
		if tok == tokEndArray {
			return m, nil
		}
		if tok != tokString {
			return matcher{}, newError("Bad value in numeric range: " + lx.tokenText(tok))
		}
		op2 := lx.text
		if op2 != "<" && op2 != "<=" {
			return matcher{}, newError("Bad numeric range operator: " + op2)
		}
		tok, err = lx.next()
		if err != nil {
			return matcher{}, err
		}
		if !tok.isNumeric() {
			return matcher{}, newError("Value of " + op2 + " must be numeric")
		}
		m.hi = parseNumber(lx.text)
		m.hiOpen = op2 == "<"
		tok, err = lx.next()
		if err != nil {
			return matcher{}, err
		}
		if tok != tokEndArray {
			return matcher{}, newError("Too many terms in numeric range expression")
		}
		if !(m.lo < m.hi) {
			return matcher{}, newError("Bottom must be less than top")
		}
		return m, nil
	}
	return matcher{}, newError("Unrecognized numeric range operator: " + op)
}

// anythingBut reads the value of an "anything-but" expression.
func (c *compiler) anythingBut() (matcher, error) {
	lx := c.lx
	tok, err := lx.next()
	if err != nil {
		return matcher{}, err
	}
	kind := mAnythingBut
	if tok == tokBeginObject {
		tok, err = lx.next()
		if err != nil {
			return matcher{}, err
		}
		if tok != tokFieldName {
			return matcher{}, newError("Anything-but expression name not found")
		}
		switch lx.text {
		case "equals-ignore-case":
			kind = mAnythingButFold
		case "prefix":
			kind = mAnythingButPre
		case "suffix":
			kind = mAnythingButSuf
		case "wildcard":
			kind = mAnythingButWild
		default:
			return matcher{}, newError("Unsupported anything-but pattern: " + lx.text)
		}
		tok, err = lx.next()
		if err != nil {
			return matcher{}, err
		}
	}
	if tok != tokBeginArray && tok != tokString && tok != tokNumber {
		return matcher{}, newError("Value of anything-but must be an array or single string/number value.")
	}
	var m matcher
	if kind == mAnythingBut {
		m, err = c.anythingButValues(tok)
	} else {
		m, err = c.anythingButSet(tok, kind)
	}
	if err != nil {
		return matcher{}, err
	}
	closes := 1
	if kind != mAnythingBut {
		closes = 2
	}
	for i := 0; i < closes; i++ {
		tok, err = lx.next()
		if err != nil {
			return matcher{}, err
		}
		if tok != tokEndObject {
			return matcher{}, newError("Too many elements in numeric expression")
		}
	}
	return m, nil
}

// anythingButValues reads the strings or numbers of a plain anything-but.
func (c *compiler) anythingButValues(tok tokenKind) (matcher, error) {
	lx := c.lx
	m := matcher{kind: mAnythingBut, x: &matchExtra{}}
	switch tok {
	case tokString:
		m.x.strs = []string{lx.text}
		return m, nil
	case tokNumber:
		m.x.nums = []float64{parseNumber(lx.text)}
		return m, nil
	}
	for {
		tok, err := lx.next()
		if err != nil {
			return matcher{}, err
		}
		if tok == tokEndArray {
			break
		}
		switch tok {
		case tokString:
			m.x.strs = append(m.x.strs, lx.text)
		case tokNumber:
			m.x.nums = append(m.x.nums, parseNumber(lx.text))
		default:
			return matcher{}, newError("Inside anything but list, start|null|boolean is not supported.")
		}
	}
	if (len(m.x.strs) > 0) == (len(m.x.nums) > 0) {
		return matcher{}, newError("Inside anything but list, either all values are number or string, mixed type is not supported")
	}
	return m, nil
}

// anythingButSet reads the value of anything-but equals-ignore-case,
// prefix, suffix or wildcard: a string or a list of strings.
func (c *compiler) anythingButSet(tok tokenKind, kind matchKind) (matcher, error) {
	lx := c.lx
	m := matcher{kind: kind, x: &matchExtra{}}
	typeError := func() error {
		switch kind {
		case mAnythingButFold:
			return newError("Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.")
		case mAnythingButWild:
			return newError("wildcard match pattern must be a string")
		}
		return newError("prefix/suffix match pattern must be a string")
	}
	add := func(s string) error {
		if (kind == mAnythingButPre || kind == mAnythingButSuf) && s == "" {
			return newError("Null prefix/suffix not allowed")
		}
		if kind == mAnythingButFold {
			s = foldString(s)
		}
		m.x.strs = append(m.x.strs, s)
		return nil
	}
	switch tok {
	case tokString:
		if err := add(lx.text); err != nil {
			return matcher{}, err
		}
	case tokNumber:
		return matcher{}, typeError()
	default: // an array
		for {
			tok, err := lx.next()
			if err != nil {
				return matcher{}, err
			}
			if tok == tokEndArray {
				break
			}
			if tok != tokString {
				return matcher{}, typeError()
			}
			if err := add(lx.text); err != nil {
				return matcher{}, err
			}
		}
	}
	if kind == mAnythingButWild {
		for _, s := range m.x.strs {
			w, err := parseWildcard(s)
			if err != nil {
				return matcher{}, err
			}
			m.x.wilds = append(m.x.wilds, w)
		}
	}
	return m, nil
}

// parseCIDR parses an IP range in CIDR notation. As in EventBridge, the
// range runs from the address as written to the last address of its block.
func parseCIDR(s string) (ipRange, error) {
	var r ipRange
	parts := strings.Split(s, "/")
	for len(parts) > 1 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1] // Java's split drops trailing empty strings
	}
	if len(parts) != 2 {
		return r, newError("Malformed CIDR, one '/' required")
	}
	bits, err := strconv.ParseInt(parts[1], 10, 32)
	if err != nil {
		return r, newError("Malformed CIDR, mask bits must be an integer")
	}
	if bits < 0 {
		return r, newError("Malformed CIDR, mask bits must not be negative")
	}
	addr, v4, ok := parseIP(parts[0])
	if !ok {
		if looksLikeIPLiteral(parts[0]) {
			return r, newError("Invalid IP address: " + parts[0])
		}
		return r, newError("Nonstandard IP address: " + parts[0])
	}
	width := 128
	if v4 {
		width = 32
		if bits > 31 {
			return r, newError("IPv4 mask bits must be < 32")
		}
	} else if bits > 127 {
		return r, newError("IPv6 mask bits must be < 128")
	}
	r.lo, r.hi, r.v4 = addr, addr, v4
	host := width - int(bits)
	for i := 15; i >= 0 && host > 0; i-- {
		if host >= 8 {
			r.hi[i] = 0xff
		} else {
			r.hi[i] |= byte(1<<host - 1)
		}
		host -= 8
	}
	return r, nil
}

// finish turns the parsed alternatives into branch definitions and checks
// the wildcard complexity of each field.
func (c *compiler) finish() (*ruleDef, error) {
	def := &ruleDef{}
	wilds := map[string][]*wildcard{}
	seenWild := map[string]bool{}
	for _, rb := range c.rules {
		b := &branchDef{}
		paths := make([]string, 0, len(rb))
		for p := range rb {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		for _, p := range paths {
			cond := condition{path: p}
			for _, m := range rb[p] {
				if m.kind == mAbsent {
					cond.absentOK = true
					continue
				}
				if m.kind == mWildcard && !seenWild[p+"\x00"+m.s] {
					seenWild[p+"\x00"+m.s] = true
					wilds[p] = append(wilds[p], m.x.wild)
				}
				cond.matchers = append(cond.matchers, m)
			}
			b.conds = append(b.conds, cond)
		}
		def.branches = append(def.branches, b)
	}
	for _, ws := range wilds {
		if wildcardComplexity(ws) > maxWildcardComplexity {
			return nil, newError(tooComplex)
		}
	}
	return def, nil
}
