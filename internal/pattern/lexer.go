package pattern

import (
	"fmt"
	"unicode/utf8"
)

// tokenKind is a token of the streaming JSON reader the pattern compiler
// uses. The compiler pulls tokens one at a time, as EventBridge's rule
// compiler does, so that of several problems in a pattern the one met first
// in reading order is reported, with EventBridge's wording.
type tokenKind uint8

const (
	tokEOF tokenKind = iota
	tokBeginObject
	tokEndObject
	tokBeginArray
	tokEndArray
	tokFieldName
	tokString
	tokNumber
	tokTrue
	tokFalse
	tokNull
)

func (k tokenKind) isNumeric() bool { return k == tokNumber }

// lexer is a pull tokenizer over one JSON text that checks the structure as
// it goes (commas, colons, nesting) and reports problems with the messages
// Jackson, the parser behind EventBridge, uses.
type lexer struct {
	data  []byte
	pos   int
	stack []byte // 'o' object, 'a' array
	// state after the last token
	needSep bool // a value or field was completed; a comma or close is next
	afterFn bool // a field name was read; a colon-separated value is next
	text    string
	kind    tokenKind
	done    bool
}

func newLexer(data []byte) *lexer { return &lexer{data: data} }

func (l *lexer) fail(msg string) error { return newError(msg) }

func describeChar(c rune) string {
	if c < 32 {
		return fmt.Sprintf("(CTRL-CHAR, code %d)", c)
	}
	return fmt.Sprintf("('%c' (code %d))", c, c)
}

func (l *lexer) skipSpace() {
	for l.pos < len(l.data) {
		switch l.data[l.pos] {
		case ' ', '\t', '\n', '\r':
			l.pos++
		default:
			return
		}
	}
}

func (l *lexer) peekRune() rune {
	r, _ := utf8.DecodeRune(l.data[l.pos:])
	return r
}

// next reads the next token. Its text (for field names, strings and
// numbers) is in l.text.
func (l *lexer) next() (tokenKind, error) {
	if l.done {
		return tokEOF, nil
	}
	l.skipSpace()
	top := byte(0)
	if len(l.stack) > 0 {
		top = l.stack[len(l.stack)-1]
	}
	if l.pos >= len(l.data) {
		if len(l.stack) == 0 {
			l.done = true
			return tokEOF, nil
		}
		if top == 'o' {
			return 0, l.fail("Unexpected end-of-input: expected close marker for Object")
		}
		return 0, l.fail("Unexpected end-of-input: expected close marker for Array")
	}
	c := l.data[l.pos]
	if l.afterFn {
		if c != ':' {
			return 0, l.fail("Unexpected character " + describeChar(l.peekRune()) + ": was expecting a colon to separate field name and value")
		}
		l.pos++
		l.afterFn = false
		l.skipSpace()
		return l.value(false)
	}
	if l.needSep {
		switch {
		case top == 'o' && c == '}', top == 'a' && c == ']':
			l.pos++
			l.stack = l.stack[:len(l.stack)-1]
			l.needSep = true
			if c == '}' {
				l.kind = tokEndObject
			} else {
				l.kind = tokEndArray
			}
			if len(l.stack) == 0 {
				l.done = true
			}
			return l.kind, nil
		case c == ',' && top != 0:
			l.pos++
			l.skipSpace()
			if top == 'o' {
				return l.fieldName()
			}
			return l.value(false)
		case top == 'o':
			return 0, l.fail("Unexpected character " + describeChar(l.peekRune()) + ": was expecting comma to separate Object entries")
		case top == 'a':
			return 0, l.fail("Unexpected character " + describeChar(l.peekRune()) + ": was expecting comma to separate Array entries")
		}
		l.done = true
		return tokEOF, nil
	}
	// at the start of the document, right after '{' or '['
	if top == 'o' {
		if c == '}' {
			l.pos++
			l.stack = l.stack[:len(l.stack)-1]
			l.needSep = true
			if len(l.stack) == 0 {
				l.done = true
			}
			return tokEndObject, nil
		}
		return l.fieldName()
	}
	return l.value(top == 'a')
}

func (l *lexer) fieldName() (tokenKind, error) {
	if l.pos >= len(l.data) {
		return 0, l.fail("Unexpected end-of-input: expected close marker for Object")
	}
	if l.data[l.pos] != '"' {
		return 0, l.fail("Unexpected character " + describeChar(l.peekRune()) + ": was expecting double-quote to start field name")
	}
	s, err := l.str()
	if err != nil {
		return 0, err
	}
	l.text = s
	l.afterFn = true
	l.needSep = false
	l.kind = tokFieldName
	return tokFieldName, nil
}

// value reads a value token; inArray says ']' may close an empty array.
func (l *lexer) value(inArray bool) (tokenKind, error) {
	if l.pos >= len(l.data) {
		if len(l.stack) == 0 {
			l.done = true
			return tokEOF, nil
		}
		return 0, l.fail("Unexpected end-of-input within/between Object entries")
	}
	c := l.data[l.pos]
	l.needSep = true
	switch {
	case c == '{':
		l.pos++
		l.stack = append(l.stack, 'o')
		l.needSep = false
		return tokBeginObject, nil
	case c == '[':
		l.pos++
		l.stack = append(l.stack, 'a')
		l.needSep = false
		return tokBeginArray, nil
	case c == ']' && inArray:
		l.pos++
		l.stack = l.stack[:len(l.stack)-1]
		if len(l.stack) == 0 {
			l.done = true
		}
		return tokEndArray, nil
	case c == '"':
		s, err := l.str()
		if err != nil {
			return 0, err
		}
		l.text = s
		return tokString, nil
	case c == '-' || (c >= '0' && c <= '9'):
		return l.number()
	case c == 't' || c == 'f' || c == 'n':
		word := l.word()
		switch word {
		case "true":
			l.text = word
			return tokTrue, nil
		case "false":
			l.text = word
			return tokFalse, nil
		case "null":
			l.text = word
			return tokNull, nil
		}
		return 0, l.fail("Unrecognized token '" + word + "': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')")
	case isWordByte(c):
		return 0, l.fail("Unrecognized token '" + l.word() + "': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')")
	}
	return 0, l.fail("Unexpected character " + describeChar(l.peekRune()) + ": expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')")
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c >= 0x80
}

func (l *lexer) word() string {
	start := l.pos
	for l.pos < len(l.data) && isWordByte(l.data[l.pos]) {
		l.pos++
	}
	return string(l.data[start:l.pos])
}

func (l *lexer) number() (tokenKind, error) {
	start := l.pos
	d := l.data
	if d[l.pos] == '-' {
		l.pos++
	}
	if l.pos >= len(d) || d[l.pos] < '0' || d[l.pos] > '9' {
		return 0, l.fail("Unexpected character " + describeChar(l.peekRuneAt(l.pos)) + " in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value")
	}
	if d[l.pos] == '0' && l.pos+1 < len(d) && d[l.pos+1] >= '0' && d[l.pos+1] <= '9' {
		return 0, l.fail("Invalid numeric value: Leading zeroes not allowed")
	}
	for l.pos < len(d) && d[l.pos] >= '0' && d[l.pos] <= '9' {
		l.pos++
	}
	if l.pos < len(d) && d[l.pos] == '.' {
		l.pos++
		n := l.pos
		for l.pos < len(d) && d[l.pos] >= '0' && d[l.pos] <= '9' {
			l.pos++
		}
		if l.pos == n {
			return 0, l.fail("Unexpected character " + describeChar(l.peekRuneAt(l.pos)) + " in numeric value: Decimal point not followed by a digit")
		}
	}
	if l.pos < len(d) && (d[l.pos] == 'e' || d[l.pos] == 'E') {
		l.pos++
		if l.pos < len(d) && (d[l.pos] == '+' || d[l.pos] == '-') {
			l.pos++
		}
		n := l.pos
		for l.pos < len(d) && d[l.pos] >= '0' && d[l.pos] <= '9' {
			l.pos++
		}
		if l.pos == n {
			return 0, l.fail("Unexpected character " + describeChar(l.peekRuneAt(l.pos)) + " in numeric value: Exponent indicator not followed by a digit")
		}
	}
	if l.pos < len(d) && isWordByte(d[l.pos]) {
		return 0, l.fail("Unexpected character " + describeChar(l.peekRuneAt(l.pos)) + " in numeric value")
	}
	l.text = string(d[start:l.pos])
	return tokNumber, nil
}

func (l *lexer) peekRuneAt(i int) rune {
	if i >= len(l.data) {
		return 0
	}
	r, _ := utf8.DecodeRune(l.data[i:])
	return r
}

// str reads a string starting at the opening quote and returns its value.
func (l *lexer) str() (string, error) {
	d := l.data
	l.pos++ // opening quote
	start := l.pos
	for l.pos < len(d) {
		c := d[l.pos]
		if c == '"' {
			s := string(d[start:l.pos])
			l.pos++
			if !utf8.ValidString(s) {
				s = string([]rune(s))
			}
			return s, nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
		l.pos++
	}
	buf := append([]byte(nil), d[start:l.pos]...)
	for l.pos < len(d) {
		c := d[l.pos]
		switch {
		case c == '"':
			l.pos++
			if !utf8.Valid(buf) {
				return string([]rune(string(buf))), nil
			}
			return string(buf), nil
		case c < 0x20:
			return "", l.fail("Illegal unquoted character " + describeChar(rune(c)) + ": has to be escaped using backslash to be included in string value")
		case c == '\\':
			var bad escapeErr
			buf, l.pos, bad = appendEscape(buf, d, l.pos)
			switch bad {
			case escapeTruncated:
				return "", l.fail("Unexpected end-of-input in character escape sequence")
			case escapeBadHex:
				return "", l.fail("Unexpected character in hex escape: expected a hex-digit for character escape sequence")
			case escapeUnknown:
				e := d[l.pos-1]
				return "", l.fail(fmt.Sprintf("Unrecognized character escape '%c' (code %d)", e, e))
			}
		default:
			buf = append(buf, c)
			l.pos++
		}
	}
	return "", l.fail("Unexpected end-of-input: was expecting closing quote for a string value")
}

// tokenText is the text Jackson's getText gives for the current token, used
// in some messages.
func (l *lexer) tokenText(k tokenKind) string {
	switch k {
	case tokBeginObject:
		return "{"
	case tokEndObject:
		return "}"
	case tokBeginArray:
		return "["
	case tokEndArray:
		return "]"
	case tokEOF:
		return "null"
	}
	return l.text
}
