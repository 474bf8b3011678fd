package intrinsic

// States.StringToJson parses with Jackson's ObjectMapper.readTree. This
// file reproduces what shows of it: blank text gives null, text after the
// first value is ignored (unless a root-level number runs into it), -0
// reads as 0, decimals read as doubles, and malformed text fails with
// Jackson's message and location.

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

const (
	jacksonSource   = "[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); "
	jacksonValues   = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
	jacksonMaxDepth = 1000
)

type jsonParser struct {
	s        string
	pos      int
	line     int
	rowStart int // byte offset where the current line starts
	depth    int
}

// jacksonError is a parse failure with Jackson's wording.
type jacksonError struct{ msg string }

func (e *jacksonError) Error() string { return e.msg }

// parseJackson parses text as readTree does.
func parseJackson(text string) (jsonvalue.Value, error) {
	p := jsonParser{s: text, line: 1}
	more, err := p.next()
	if err != nil || !more {
		return nil, err
	}
	return p.value(true)
}

// location formats a Jackson location at byte offset at.
func (p *jsonParser) location(at int) string {
	if at > len(p.s) {
		at = len(p.s)
	}
	col := utf16Len(p.s[p.rowStart:at]) + 1
	return fmt.Sprintf("%sline: %d, column: %d]", jacksonSource, p.line, col)
}

// fail reports msg with the location after the consumed input.
func (p *jsonParser) fail(msg string) error {
	return &jacksonError{msg: msg + "\n at " + p.location(p.pos)}
}

// failAt reports msg with the location of the character at offset at.
func (p *jsonParser) failAt(msg string, at int) error {
	return &jacksonError{msg: msg + "\n at " + p.location(at)}
}

// charDesc describes a character as Jackson does.
func charDesc(r rune) string {
	if r < 0x20 || r >= 0x7f && r <= 0x9f {
		return fmt.Sprintf("(CTRL-CHAR, code %d)", r)
	}
	if r > 255 {
		return fmt.Sprintf("'%c' (code %d / 0x%x)", r, r, r)
	}
	return fmt.Sprintf("'%c' (code %d)", r, r)
}

func (p *jsonParser) peekRune() (rune, int) {
	r, size := utf8.DecodeRuneInString(p.s[p.pos:])
	return r, size
}

// unexpected reports an unexpected character at the current position.
func (p *jsonParser) unexpected(comment string) error {
	r, _ := p.peekRune()
	msg := "Unexpected character (" + charDesc(r) + ")"
	if comment != "" {
		msg += ": " + comment
	}
	return p.failAt(msg, p.pos)
}

// skipSpace skips white space, counting lines.
func (p *jsonParser) skipSpace() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t':
			p.pos++
		case '\n':
			p.pos++
			p.line++
			p.rowStart = p.pos
		case '\r':
			p.pos++
			if p.pos < len(p.s) && p.s[p.pos] == '\n' {
				p.pos++
			}
			p.line++
			p.rowStart = p.pos
		default:
			return
		}
	}
}

// next skips white space and reports whether a character follows; control
// characters between tokens are errors.
func (p *jsonParser) next() (bool, error) {
	p.skipSpace()
	if p.pos >= len(p.s) {
		return false, nil
	}
	if c := p.s[p.pos]; c < 0x20 {
		return true, p.failAt(fmt.Sprintf("Illegal character (%s): only regular white space (\\r, \\n, \\t) is allowed between tokens", charDesc(rune(c))), p.pos)
	}
	return true, nil
}

func (p *jsonParser) eofInContainer(kind string, start int, startLine, startRow int) error {
	col := utf16Len(p.s[startRow:start]) + 1
	return p.fail(fmt.Sprintf("Unexpected end-of-input: expected close marker for %s (start marker at %sline: %d, column: %d])",
		kind, jacksonSource, startLine, col))
}

func (p *jsonParser) mismatched(got byte, kind string, start, startLine, startRow int) error {
	want := byte('}')
	if kind == "Array" {
		want = ']'
	}
	col := utf16Len(p.s[startRow:start]) + 1
	p.pos++
	return p.fail(fmt.Sprintf("Unexpected close marker '%c': expected '%c' (for %s starting at %sline: %d, column: %d])",
		got, want, kind, jacksonSource, startLine, col))
}

// value parses a value at the current (non-space) position.
func (p *jsonParser) value(root bool) (jsonvalue.Value, error) {
	c := p.s[p.pos]
	switch {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		return p.str()
	case c == '-' || c >= '0' && c <= '9':
		return p.number(root)
	case c == ']' || c == '}':
		if root {
			want := byte('}')
			if c == '}' {
				want = ']'
			}
			p.pos++
			return nil, p.fail(fmt.Sprintf("Unexpected close marker '%c': expected '%c' (for root starting at %sline: 1, column: 0])", c, want, jacksonSource))
		}
	case c == '/':
		return nil, p.unexpected("maybe a (non-standard) comment? (not recognized as one since Feature 'ALLOW_COMMENTS' not enabled for parser)")
	case c == '+':
		return nil, p.failAt("Unexpected character ('+' (code 43)) in numeric value: JSON spec does not allow numbers to have plus signs: enable `JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS` to allow", p.pos)
	}
	r, _ := p.peekRune()
	if isJavaIdentStart(r) {
		tok := p.identifier()
		switch tok {
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "null":
			return nil, nil
		case "NaN", "Infinity":
			return nil, p.fail("Non-standard token '" + tok + "': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow")
		}
		return nil, p.fail("Unrecognized token '" + tok + "': was expecting " + jacksonValues)
	}
	return nil, p.unexpected("expected a valid value " + jacksonValues)
}

// identifier consumes a run of Java identifier characters, as Jackson
// does when reporting an unrecognized token.
func (p *jsonParser) identifier() string {
	start := p.pos
	n := 0
	for p.pos < len(p.s) {
		r, size := p.peekRune()
		if !isJavaIdentPart(r) {
			break
		}
		p.pos += size
		n++
		if n >= 256 {
			return p.s[start:p.pos] + "..."
		}
	}
	return p.s[start:p.pos]
}

func isJavaIdentStart(r rune) bool {
	return unicode.IsLetter(r) || r == '_' || r == '$' || unicode.Is(unicode.Sc, r) ||
		unicode.Is(unicode.Pc, r) || unicode.Is(unicode.Nl, r)
}

func isJavaIdentPart(r rune) bool {
	return isJavaIdentStart(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) ||
		unicode.Is(unicode.Mc, r) || r >= 0 && r <= 8 || r >= 0xe && r <= 0x1b || r >= 0x7f && r <= 0x9f
}

func (p *jsonParser) enter() error {
	p.depth++
	if p.depth > jacksonMaxDepth {
		return p.fail(fmt.Sprintf("Document nesting depth (%d) exceeds the maximum allowed (%d, from `StreamReadConstraints.getMaxNestingDepth()`)", p.depth, jacksonMaxDepth))
	}
	return nil
}

func (p *jsonParser) object() (jsonvalue.Value, error) {
	start, startLine, startRow := p.pos, p.line, p.rowStart
	p.pos++
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	obj := jsonvalue.NewObject(4)
	first := true
	for {
		more, err := p.next()
		if err != nil {
			return nil, err
		}
		if !more {
			return nil, p.eofInContainer("Object", start, startLine, startRow)
		}
		c := p.s[p.pos]
		if c == '}' && first {
			p.pos++
			return obj, nil
		}
		if c == ']' {
			return nil, p.mismatched(c, "Object", start, startLine, startRow)
		}
		if !first {
			if c == '}' {
				p.pos++
				return obj, nil
			}
			if c != ',' {
				return nil, p.unexpected("was expecting comma to separate Object entries")
			}
			p.pos++
			if more, err = p.next(); err != nil {
				return nil, err
			}
			if !more {
				return nil, p.eofInContainer("Object", start, startLine, startRow)
			}
			c = p.s[p.pos]
		}
		first = false
		if c != '"' {
			return nil, p.unexpected("was expecting double-quote to start field name")
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		if more, err = p.next(); err != nil {
			return nil, err
		}
		if !more {
			return nil, p.fail("Unexpected end-of-input within/between Object entries")
		}
		if p.s[p.pos] != ':' {
			return nil, p.unexpected("was expecting a colon to separate field name and value")
		}
		p.pos++
		if more, err = p.next(); err != nil {
			return nil, err
		}
		if !more {
			return nil, p.fail("Unexpected end-of-input within/between Object entries")
		}
		v, err := p.value(false)
		if err != nil {
			return nil, err
		}
		obj.Set(k.(string), v)
	}
}

func (p *jsonParser) array() (jsonvalue.Value, error) {
	start, startLine, startRow := p.pos, p.line, p.rowStart
	p.pos++
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	arr := make([]jsonvalue.Value, 0, 4)
	first := true
	for {
		more, err := p.next()
		if err != nil {
			return nil, err
		}
		if !more {
			return nil, p.eofInContainer("Array", start, startLine, startRow)
		}
		c := p.s[p.pos]
		if c == ']' {
			if first {
				p.pos++
				return arr, nil
			}
		}
		if c == '}' {
			return nil, p.mismatched(c, "Array", start, startLine, startRow)
		}
		if !first {
			if c == ']' {
				p.pos++
				return arr, nil
			}
			if c != ',' {
				return nil, p.unexpected("was expecting comma to separate Array entries")
			}
			p.pos++
			if more, err = p.next(); err != nil {
				return nil, err
			}
			if !more {
				return nil, p.eofInContainer("Array", start, startLine, startRow)
			}
		}
		first = false
		v, err := p.value(false)
		if err != nil {
			return nil, err
		}
		arr = append(arr, v)
	}
}

func (p *jsonParser) str() (jsonvalue.Value, error) {
	p.pos++ // opening quote
	start := p.pos
	var b strings.Builder
	plain := true
	for {
		if p.pos >= len(p.s) {
			return nil, p.fail("Unexpected end-of-input: was expecting closing quote for a string value")
		}
		c := p.s[p.pos]
		switch {
		case c == '"':
			s := p.s[start:p.pos]
			p.pos++
			if !plain {
				s = b.String()
			}
			return validUTF8(s), nil
		case c == '\\':
			if plain {
				plain = false
				b.WriteString(p.s[start:p.pos])
			}
			p.pos++
			if p.pos >= len(p.s) {
				return nil, p.fail("Unexpected end-of-input in character escape sequence")
			}
			e := p.s[p.pos]
			p.pos++
			switch e {
			case '"', '\\', '/':
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
				r, err := p.hex4()
				if err != nil {
					return nil, err
				}
				if r >= 0xD800 && r < 0xDC00 && p.pos+6 <= len(p.s) && p.s[p.pos] == '\\' && p.s[p.pos+1] == 'u' {
					save := p.pos
					p.pos += 2
					if r2, err := p.hex4(); err == nil && r2 >= 0xDC00 && r2 < 0xE000 {
						r = 0x10000 + (r-0xD800)<<10 + (r2 - 0xDC00)
					} else {
						p.pos = save
					}
				}
				b.WriteRune(r)
			default:
				p.pos--
				er, size := p.peekRune()
				p.pos += size
				return nil, p.fail("Unrecognized character escape " + charDesc(er))
			}
		case c < 0x20:
			p.pos++
			return nil, p.fail(fmt.Sprintf("Illegal unquoted character (%s): has to be escaped using backslash to be included in string value", charDesc(rune(c))))
		default:
			if !plain {
				b.WriteByte(c)
			}
			p.pos++
		}
	}
}

// validUTF8 replaces each byte of s that is not part of valid UTF-8 with
// U+FFFD, as the state input parser does.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(r)
	}
	return b.String()
}

func (p *jsonParser) hex4() (rune, error) {
	var r rune
	for i := 0; i < 4; i++ {
		if p.pos >= len(p.s) {
			return 0, p.fail("Unexpected end-of-input in character escape sequence")
		}
		c := p.s[p.pos]
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, p.unexpected("expected a hex-digit for character escape sequence")
		}
		r = r<<4 | rune(d)
		p.pos++
	}
	return r, nil
}

func (p *jsonParser) number(root bool) (jsonvalue.Value, error) {
	start := p.pos
	s := p.s
	if s[p.pos] == '-' {
		p.pos++
		if p.pos >= len(s) {
			return nil, p.fail("Unexpected end-of-input in a Number value")
		}
		if c := s[p.pos]; c < '0' || c > '9' {
			if strings.HasPrefix(s[p.pos:], "Infinity") {
				p.pos += len("Infinity")
				return nil, p.fail("Non-standard token '-Infinity': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow")
			}
			r, size := p.peekRune()
			p.pos += size
			return nil, p.fail("Unexpected character (" + charDesc(r) + ") in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value")
		}
	}
	intStart := p.pos
	for p.pos < len(s) && s[p.pos] >= '0' && s[p.pos] <= '9' {
		p.pos++
	}
	if p.pos-intStart > 1 && s[intStart] == '0' {
		p.pos = intStart + 1
		return nil, p.fail("Invalid numeric value: Leading zeroes not allowed")
	}
	integer := true
	if p.pos < len(s) && s[p.pos] == '.' {
		integer = false
		p.pos++
		fs := p.pos
		for p.pos < len(s) && s[p.pos] >= '0' && s[p.pos] <= '9' {
			p.pos++
		}
		if p.pos == fs {
			if p.pos >= len(s) {
				return nil, p.fail("Unexpected end-of-input in a Number value")
			}
			r, size := p.peekRune()
			p.pos += size
			return nil, p.fail("Unexpected character (" + charDesc(r) + ") in numeric value: Decimal point not followed by a digit")
		}
	}
	if p.pos < len(s) && (s[p.pos] == 'e' || s[p.pos] == 'E') {
		integer = false
		p.pos++
		if p.pos < len(s) && (s[p.pos] == '+' || s[p.pos] == '-') {
			p.pos++
		}
		es := p.pos
		for p.pos < len(s) && s[p.pos] >= '0' && s[p.pos] <= '9' {
			p.pos++
		}
		if p.pos == es {
			if p.pos >= len(s) {
				return nil, p.fail("Unexpected end-of-input in a Number value")
			}
			r, size := p.peekRune()
			p.pos += size
			return nil, p.fail("Unexpected character (" + charDesc(r) + ") in numeric value: Exponent indicator not followed by a digit")
		}
	}
	if root && p.pos < len(s) {
		switch s[p.pos] {
		case ' ', '\t', '\n', '\r':
		default:
			return nil, p.unexpected("Expected space separating root-level values")
		}
	}
	text := s[start:p.pos]
	if integer {
		if text == "-0" || strings.HasPrefix(text, "-") && strings.Trim(text[1:], "0") == "" {
			return jsonvalue.Number("0"), nil
		}
		return jsonvalue.Number(text), nil
	}
	f, _ := strconv.ParseFloat(text, 64)
	if math.IsInf(f, 0) {
		return jsonvalue.Number(text), nil
	}
	return jsonvalue.Number(appendJavaDouble(nil, f)), nil
}
