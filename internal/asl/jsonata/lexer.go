package jsonata

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// tokenKind classifies a token.
type tokenKind int

const (
	tokEnd tokenKind = iota
	tokOperator
	tokString
	tokNumber
	tokName     // a field name, plain or `quoted`
	tokVariable // $name; "$" and "$$" too
	tokValue    // true, false, null
	tokRegex
)

type token struct {
	kind  tokenKind
	value string  // operator, name, variable name or string contents
	num   float64 // for tokNumber
	b     Value   // for tokValue: true, false or Null
	re    *Regex  // for tokRegex
	pos   int     // offset just after the token, as JSONata reports it
}

// operators are the symbols of the language with their binding powers.
var operators = map[string]int{
	".": 75, "[": 80, "]": 0, "{": 70, "}": 0, "(": 80, ")": 0, ",": 0,
	"@": 80, "#": 80, ";": 80, ":": 80, "?": 20, "+": 50, "-": 50,
	"*": 60, "/": 60, "%": 60, "|": 20, "=": 40, "<": 40, ">": 40,
	"^": 40, "**": 60, "..": 20, ":=": 10, "!=": 40, "<=": 40, ">=": 40,
	"~>": 40, "and": 30, "or": 25, "in": 40, "&": 50, "!": 0, "~": 0,
}

// lexer splits an expression into tokens on demand; the parser says
// whether a regular expression may start at the current position.
type lexer struct {
	src string
	pos int
}

func isNameEnd(c byte) bool {
	return strings.IndexByte(".[]{}()@#;:?+-*/%|=<>^&!~,'\"` \t\n\r\v\f", c) >= 0
}

func (l *lexer) errAt(code string, tok string) *Error {
	return &Error{Code: code, Position: l.pos, Token: tok}
}

// next returns the next token. prefix is true where an operand is
// expected, which is where / starts a regular expression.
func (l *lexer) next(prefix bool) (token, error) {
	src := l.src
	for {
		for l.pos < len(src) && strings.IndexByte(" \t\n\r\v\f", src[l.pos]) >= 0 {
			l.pos++
		}
		if strings.HasPrefix(src[l.pos:], "/*") {
			end := strings.Index(src[l.pos+2:], "*/")
			if end < 0 {
				l.pos = len(src)
				return token{}, l.errAt("S0106", "")
			}
			l.pos += end + 4
			continue
		}
		break
	}
	if l.pos >= len(src) {
		return token{kind: tokEnd, pos: l.pos}, nil
	}
	c := src[l.pos]
	if prefix && c == '/' {
		return l.regex()
	}
	// Two-character operators first.
	if l.pos+1 < len(src) {
		two := src[l.pos : l.pos+2]
		switch two {
		case "..", ":=", "!=", ">=", "<=", "**", "~>":
			l.pos += 2
			return token{kind: tokOperator, value: two, pos: l.pos}, nil
		}
	}
	if c == '!' || c == '~' {
		// Only != and ~> are operators.
		l.pos++
		return token{}, l.errAt("S0204", string(c))
	}
	if _, ok := operators[string(c)]; ok {
		l.pos++
		return token{kind: tokOperator, value: string(c), pos: l.pos}, nil
	}
	switch {
	case c == '"' || c == '\'':
		return l.str(c)
	case c >= '0' && c <= '9':
		return l.number()
	case c == '`':
		end := strings.IndexByte(src[l.pos+1:], '`')
		if end < 0 {
			l.pos = len(src)
			return token{}, l.errAt("S0105", "")
		}
		name := src[l.pos+1 : l.pos+1+end]
		l.pos += end + 2
		return token{kind: tokName, value: name, pos: l.pos}, nil
	}
	start := l.pos
	i := l.pos
	for i < len(src) && !isNameEnd(src[i]) {
		i++
	}
	word := src[start:i]
	l.pos = i
	if word[0] == '$' {
		return token{kind: tokVariable, value: word[1:], pos: l.pos}, nil
	}
	switch word {
	case "and", "or", "in":
		return token{kind: tokOperator, value: word, pos: l.pos}, nil
	case "true":
		return token{kind: tokValue, value: word, b: true, pos: l.pos}, nil
	case "false":
		return token{kind: tokValue, value: word, b: false, pos: l.pos}, nil
	case "null":
		return token{kind: tokValue, value: word, b: Null, pos: l.pos}, nil
	}
	return token{kind: tokName, value: word, pos: l.pos}, nil
}

var numberRE = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([Ee][-+]?[0-9]+)?`)

func (l *lexer) number() (token, error) {
	m := numberRE.FindString(l.src[l.pos:])
	l.pos += len(m)
	f, err := strconv.ParseFloat(m, 64)
	if err != nil {
		return token{}, l.errAt("S0102", m)
	}
	return token{kind: tokNumber, value: m, num: f, pos: l.pos}, nil
}

func (l *lexer) str(quote byte) (token, error) {
	src := l.src
	var b strings.Builder
	i := l.pos + 1
	for i < len(src) {
		c := src[i]
		switch {
		case c == '\\':
			i++
			if i >= len(src) {
				l.pos = i
				return token{}, l.errAt("S0101", "")
			}
			switch e := src[i]; e {
			case '"', '\\', '/', '\'':
				b.WriteByte(e)
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				r, ok := hex4(src, i+1)
				if !ok {
					l.pos = i
					return token{}, l.errAt("S0104", "")
				}
				i += 4
				if r >= 0xD800 && r < 0xDC00 && i+6 < len(src)+1 && strings.HasPrefix(src[i+1:], "\\u") {
					if lo, ok := hex4(src, i+3); ok && lo >= 0xDC00 && lo < 0xE000 {
						r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
						i += 6
					}
				}
				if r >= 0xD800 && r < 0xE000 {
					r = utf8.RuneError
				}
				b.WriteRune(r)
			default:
				l.pos = i
				return token{}, l.errAt("S0103", string(e))
			}
			i++
		case c == quote:
			l.pos = i + 1
			return token{kind: tokString, value: b.String(), pos: l.pos}, nil
		default:
			b.WriteByte(c)
			i++
		}
	}
	l.pos = len(src)
	return token{}, l.errAt("S0101", "")
}

func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	n, err := strconv.ParseUint(s[i:i+4], 16, 32)
	if err != nil {
		return 0, false
	}
	return rune(n), true
}

// regex reads /pattern/flags.
func (l *lexer) regex() (token, error) {
	src := l.src
	start := l.pos + 1
	i := start
	depth := 0 // inside [...]
	for i < len(src) {
		c := src[i]
		if c == '\\' {
			i += 2
			continue
		}
		if c == '[' {
			depth = 1
		} else if c == ']' {
			depth = 0
		} else if c == '/' && depth == 0 {
			break
		}
		i++
	}
	if i >= len(src) {
		l.pos = len(src)
		return token{}, l.errAt("S0302", "")
	}
	pattern := src[start:i]
	if pattern == "" {
		l.pos = i
		return token{}, l.errAt("S0301", "")
	}
	i++
	fstart := i
	for i < len(src) && (src[i] == 'i' || src[i] == 'm') {
		i++
	}
	flags := src[fstart:i]
	l.pos = i
	re, err := compileRegex(pattern, flags)
	if err != nil {
		return token{}, &Error{Code: "S0302", Position: l.pos, Token: pattern, Detail: err.Error()}
	}
	return token{kind: tokRegex, value: pattern, re: re, pos: l.pos}, nil
}

// compileRegex translates a JavaScript regular expression into Go's
// syntax: the i and m flags become inline flags, and \d, \w, \s keep their
// ASCII meaning as they have in both.
func compileRegex(pattern, flags string) (*Regex, error) {
	goPat := pattern
	// JavaScript allows an unescaped ] and } as literals where RE2 may not;
	// named groups (?<n>...) are accepted by both.
	prefix := ""
	if strings.Contains(flags, "i") {
		prefix += "i"
	}
	if strings.Contains(flags, "m") {
		prefix += "m"
	}
	if prefix != "" {
		goPat = "(?" + prefix + ")" + goPat
	}
	re, err := regexp.Compile(goPat)
	if err != nil {
		return nil, err
	}
	return &Regex{Source: pattern, Flags: flags, re: re}, nil
}
