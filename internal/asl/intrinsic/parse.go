package intrinsic

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/sluice-run/sluice/internal/asl/jsonpath"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// maxNesting bounds how deeply calls may be nested in one expression. Step
// Functions documents a limit of 10 nested functions; this bound is far
// above it and only protects the parser from pathological input.
const maxNesting = 100

type nodeKind uint8

const (
	kindLiteral nodeKind = iota
	kindPath
	kindCall
)

// node is one argument or call of a parsed expression.
type node struct {
	kind nodeKind
	// lit is the value of a literal: string (escapes resolved), Number,
	// bool or nil.
	lit jsonvalue.Value
	// raw is the text of a string literal between the quotes, escapes
	// kept, for States.Format templates.
	raw   string
	isStr bool
	// path is a compiled path argument.
	path *jsonpath.Path
	// fn and args describe a call.
	fn   *function
	args []node
	// tmpl is the compiled template of a States.Format call whose first
	// argument is a string literal; tmplErr is the failure its evaluation
	// reports when the template is malformed.
	tmpl    *template
	tmplErr error
}

type parser struct {
	src string
	pos int
}

func (p *parser) errorf(format string, args ...any) error {
	return &SyntaxError{Src: p.src, Offset: p.pos, Msg: fmt.Sprintf(format, args...)}
}

// describe names what is at the current position, for messages.
func (p *parser) describe() string {
	if p.pos >= len(p.src) {
		return "end of input"
	}
	r, _ := utf8.DecodeRuneInString(p.src[p.pos:])
	return fmt.Sprintf("%q", r)
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (p *parser) skipSpace() {
	for p.pos < len(p.src) && isSpace(p.src[p.pos]) {
		p.pos++
	}
}

func isNameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// parseCall parses States.Name(args) at the current position.
func (p *parser) parseCall(depth int) (node, error) {
	if depth >= maxNesting {
		return node{}, p.errorf("intrinsic functions are nested more than %d deep", maxNesting)
	}
	if !strings.HasPrefix(p.src[p.pos:], "States.") {
		return node{}, p.errorf("expected an intrinsic function such as States.Format")
	}
	start := p.pos
	p.pos += len("States.")
	for p.pos < len(p.src) && isNameChar(p.src[p.pos]) {
		p.pos++
	}
	name := p.src[start:p.pos]
	fn := lookup(name)
	if fn == nil {
		p.pos = start
		return node{}, p.errorf("unknown intrinsic function %s", name)
	}
	p.skipSpace()
	if p.pos >= len(p.src) || p.src[p.pos] != '(' {
		return node{}, p.errorf("expected '(' after %s", name)
	}
	p.pos++
	n := node{kind: kindCall, fn: fn}
	p.skipSpace()
	if p.pos < len(p.src) && p.src[p.pos] == ')' {
		p.pos++
	} else {
		for {
			p.skipSpace()
			arg, err := p.parseArg(depth)
			if err != nil {
				return node{}, err
			}
			n.args = append(n.args, arg)
			p.skipSpace()
			if p.pos >= len(p.src) {
				return node{}, p.errorf("missing ')' to close %s", name)
			}
			if p.src[p.pos] == ',' {
				p.pos++
				continue
			}
			if p.src[p.pos] == ')' {
				p.pos++
				break
			}
			return node{}, p.errorf("unexpected %s in the arguments of %s; expected ',' or ')'", p.describe(), name)
		}
	}
	if fn.id == fnFormat && len(n.args) > 0 && n.args[0].isStr {
		n.tmpl, n.tmplErr = compileTemplate(n.args[0].raw)
	}
	return n, nil
}

// parseArg parses one argument.
func (p *parser) parseArg(depth int) (node, error) {
	if p.pos >= len(p.src) {
		return node{}, p.errorf("missing argument")
	}
	c := p.src[p.pos]
	switch {
	case c == '\'':
		return p.parseString()
	case c == '$':
		return p.parsePath()
	case c == '-' || c >= '0' && c <= '9':
		return p.parseNumber()
	case strings.HasPrefix(p.src[p.pos:], "States."):
		return p.parseCall(depth + 1)
	case c >= 'a' && c <= 'z':
		for _, kw := range [...]struct {
			word string
			v    jsonvalue.Value
		}{{"true", true}, {"false", false}, {"null", nil}} {
			if strings.HasPrefix(p.src[p.pos:], kw.word) {
				end := p.pos + len(kw.word)
				if end < len(p.src) && isNameChar(p.src[end]) {
					break
				}
				p.pos = end
				return node{kind: kindLiteral, lit: kw.v}, nil
			}
		}
	case c == ',' || c == ')':
		return node{}, p.errorf("missing argument")
	}
	return node{}, p.errorf("unexpected %s; expected a string in single quotes, a number, true, false, null, a path or an intrinsic function", p.describe())
}

// parseString parses a string literal in single quotes. Inside it a
// backslash may only escape ', {, } or \.
func (p *parser) parseString() (node, error) {
	p.pos++ // opening quote
	start := p.pos
	var b strings.Builder
	plain := true
	for {
		if p.pos >= len(p.src) {
			p.pos = start - 1
			return node{}, p.errorf("unterminated string literal")
		}
		c := p.src[p.pos]
		switch c {
		case '\'':
			raw := p.src[start:p.pos]
			p.pos++
			s := raw
			if !plain {
				s = b.String()
			}
			return node{kind: kindLiteral, lit: s, raw: raw, isStr: true}, nil
		case '\\':
			if p.pos+1 >= len(p.src) {
				return node{}, p.errorf("unterminated escape sequence")
			}
			e := p.src[p.pos+1]
			if e != '\'' && e != '{' && e != '}' && e != '\\' {
				return node{}, p.errorf("invalid escape sequence \\%c; only \\', \\{, \\} and \\\\ are allowed", e)
			}
			if plain {
				plain = false
				b.WriteString(p.src[start:p.pos])
			}
			b.WriteByte(e)
			p.pos += 2
		default:
			if !plain {
				b.WriteByte(c)
			}
			p.pos++
		}
	}
}

// parseNumber parses a JSON number, optionally negative.
func (p *parser) parseNumber() (node, error) {
	start := p.pos
	s := p.src
	if s[p.pos] == '-' {
		p.pos++
	}
	digits := func() int {
		n := 0
		for p.pos < len(s) && s[p.pos] >= '0' && s[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	intStart := p.pos
	if n := digits(); n == 0 {
		return node{}, p.errorf("invalid number")
	} else if n > 1 && s[intStart] == '0' {
		p.pos = intStart
		return node{}, p.errorf("invalid number: leading zeros are not allowed")
	}
	if p.pos < len(s) && s[p.pos] == '.' {
		p.pos++
		if digits() == 0 {
			return node{}, p.errorf("invalid number: a digit must follow the decimal point")
		}
	}
	if p.pos < len(s) && (s[p.pos] == 'e' || s[p.pos] == 'E') {
		p.pos++
		if p.pos < len(s) && (s[p.pos] == '+' || s[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			return node{}, p.errorf("invalid number: a digit must follow the exponent")
		}
	}
	if p.pos < len(s) && (isNameChar(s[p.pos]) || s[p.pos] == '.') {
		return node{}, p.errorf("invalid number")
	}
	return node{kind: kindLiteral, lit: javaNumberLiteral(s[start:p.pos])}, nil
}

// javaNumberLiteral returns the number a literal stands for in Step
// Functions, which reads a literal with a fraction or exponent as a double:
// 1.50 is 1.5 and 1e3 is 1000.0. Integers keep their text, except that -0
// is 0.
func javaNumberLiteral(text string) jsonvalue.Number {
	n := jsonvalue.Number(text)
	if isIntLiteral(n) {
		if isZeroInt(n) {
			return "0"
		}
		return n
	}
	f := n.Float64()
	if math.IsInf(f, 0) {
		return n
	}
	return jsonvalue.Number(appendJavaDouble(nil, f))
}

// parsePath scans a path argument and compiles it. The path ends at a ',',
// ')' or white space outside brackets, parentheses and quotes.
func (p *parser) parsePath() (node, error) {
	start := p.pos
	depth := 0
	var quote byte
scan:
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if quote != 0 {
			switch c {
			case '\\':
				p.pos++
			case quote:
				quote = 0
			}
			p.pos++
			continue
		}
		switch c {
		case '\'', '"':
			if depth > 0 {
				quote = c
			}
		case '[', '(':
			depth++
		case ']':
			if depth > 0 {
				depth--
			}
		case ')':
			if depth == 0 {
				break scan
			}
			depth--
		case ',':
			if depth == 0 {
				break scan
			}
		default:
			if depth == 0 && isSpace(c) {
				break scan
			}
		}
		p.pos++
	}
	if p.pos > len(p.src) {
		p.pos = len(p.src)
	}
	text := p.src[start:p.pos]
	path, err := jsonpath.Parse(text)
	if err != nil {
		p.pos = start
		return node{}, p.errorf("invalid path %s: %v", text, err)
	}
	return node{kind: kindPath, path: path}, nil
}

// check implements Call.Check for one node.
func (n *node) check() error {
	if n.kind != kindCall {
		return nil
	}
	for i := range n.args {
		if err := n.args[i].check(); err != nil {
			return err
		}
	}
	fn := n.fn
	if len(n.args) < fn.min || fn.max >= 0 && len(n.args) > fn.max {
		return fmt.Errorf("%s takes %s, not %d", fn.name, fn.arityText(), len(n.args))
	}
	for i := range n.args {
		a := &n.args[i]
		if a.kind != kindLiteral || i >= len(fn.kinds) || fn.kinds[i] == 0 {
			continue
		}
		if !fn.kinds[i].accepts(a.lit) {
			return fmt.Errorf("argument %d of %s must be %s, not %s", i+1, fn.name, fn.kinds[i], jsonvalue.TypeName(a.lit))
		}
	}
	if n.tmplErr != nil {
		return fmt.Errorf("%s", n.tmplErr.Error())
	}
	if n.tmpl != nil && n.tmpl.holes != len(n.args)-1 {
		return fmt.Errorf("the template of States.Format has %d placeholders but %d values are given", n.tmpl.holes, len(n.args)-1)
	}
	return nil
}
