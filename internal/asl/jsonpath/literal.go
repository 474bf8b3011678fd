package jsonpath

// JSON literals in filters and function arguments are parsed leniently, as
// json-smart's permissive mode that Jayway uses does: strings may be in
// single or double quotes, and a word without quotes is a number, true,
// false, null or else a string.

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// parseLiteralJSON parses s as one lenient JSON value.
func parseLiteralJSON(s string) (jsonvalue.Value, error) {
	l := litParser{s: s}
	l.space()
	v, err := l.value(0)
	if err != nil {
		return nil, err
	}
	l.space()
	if l.pos < len(l.s) {
		return nil, fmt.Errorf("unexpected %q at offset %d", l.s[l.pos:], l.pos)
	}
	return v, nil
}

type litParser struct {
	s   string
	pos int
}

func (l *litParser) space() {
	for l.pos < len(l.s) && isWS(l.s[l.pos]) {
		l.pos++
	}
}

func (l *litParser) errorf(format string, args ...any) error {
	return fmt.Errorf("%s at offset %d", fmt.Sprintf(format, args...), l.pos)
}

func (l *litParser) value(depth int) (jsonvalue.Value, error) {
	if depth > jsonvalue.MaxDepth {
		return nil, l.errorf("nesting too deep")
	}
	if l.pos >= len(l.s) {
		return nil, l.errorf("unexpected end")
	}
	switch c := l.s[l.pos]; c {
	case '{':
		l.pos++
		obj := jsonvalue.NewObject(4)
		l.space()
		if l.pos < len(l.s) && l.s[l.pos] == '}' {
			l.pos++
			return obj, nil
		}
		for {
			l.space()
			k, err := l.key()
			if err != nil {
				return nil, err
			}
			l.space()
			if l.pos >= len(l.s) || l.s[l.pos] != ':' {
				return nil, l.errorf("expected ':'")
			}
			l.pos++
			l.space()
			v, err := l.value(depth + 1)
			if err != nil {
				return nil, err
			}
			obj.Set(k, v)
			l.space()
			if l.pos >= len(l.s) {
				return nil, l.errorf("unexpected end in an object")
			}
			switch l.s[l.pos] {
			case ',':
				l.pos++
			case '}':
				l.pos++
				return obj, nil
			default:
				return nil, l.errorf("expected ',' or '}'")
			}
		}
	case '[':
		l.pos++
		arr := []jsonvalue.Value{}
		l.space()
		if l.pos < len(l.s) && l.s[l.pos] == ']' {
			l.pos++
			return arr, nil
		}
		for {
			l.space()
			v, err := l.value(depth + 1)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
			l.space()
			if l.pos >= len(l.s) {
				return nil, l.errorf("unexpected end in an array")
			}
			switch l.s[l.pos] {
			case ',':
				l.pos++
			case ']':
				l.pos++
				return arr, nil
			default:
				return nil, l.errorf("expected ',' or ']'")
			}
		}
	case '"', '\'':
		return l.str(c)
	}
	w := l.word()
	if w == "" {
		return nil, l.errorf("unexpected %q", rune(l.s[l.pos]))
	}
	switch w {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "null":
		return nil, nil
	}
	if d, ok := parseBigDecimal(w); ok && (w[0] == '-' || isDigit(w[0]) || w[0] == '.') {
		if _, err := jsonvalue.ParseString(w); err == nil {
			return jsonvalue.Number(w), nil
		}
		return d.number(), nil
	}
	return w, nil
}

func (l *litParser) key() (string, error) {
	if l.pos < len(l.s) && (l.s[l.pos] == '"' || l.s[l.pos] == '\'') {
		return l.str(l.s[l.pos])
	}
	if w := l.word(); w != "" {
		return w, nil
	}
	return "", l.errorf("expected a key")
}

// word reads an unquoted token.
func (l *litParser) word() string {
	start := l.pos
	for l.pos < len(l.s) && !strings.ContainsRune(",:[]{}\"' \t\n\r", rune(l.s[l.pos])) {
		l.pos++
	}
	return l.s[start:l.pos]
}

// str reads a quoted string with JSON escapes; \' is accepted too.
func (l *litParser) str(q byte) (string, error) {
	l.pos++
	var sb strings.Builder
	for l.pos < len(l.s) {
		c := l.s[l.pos]
		switch {
		case c == q:
			l.pos++
			return sb.String(), nil
		case c == '\\':
			if l.pos+1 >= len(l.s) {
				return "", l.errorf("unterminated escape")
			}
			e := l.s[l.pos+1]
			l.pos += 2
			switch e {
			case 'n':
				sb.WriteByte('\n')
			case 't':
				sb.WriteByte('\t')
			case 'r':
				sb.WriteByte('\r')
			case 'b':
				sb.WriteByte('\b')
			case 'f':
				sb.WriteByte('\f')
			case 'u':
				if l.pos+4 > len(l.s) {
					return "", l.errorf("truncated \\u escape")
				}
				v, err := strconv.ParseUint(l.s[l.pos:l.pos+4], 16, 16)
				if err != nil {
					return "", l.errorf("invalid \\u escape")
				}
				l.pos += 4
				r := rune(v)
				if utf16.IsSurrogate(r) && l.pos+6 <= len(l.s) && l.s[l.pos] == '\\' && l.s[l.pos+1] == 'u' {
					if v2, err := strconv.ParseUint(l.s[l.pos+2:l.pos+6], 16, 16); err == nil {
						if d := utf16.DecodeRune(r, rune(v2)); d != utf8.RuneError {
							r = d
							l.pos += 6
						}
					}
				}
				sb.WriteRune(r)
			default:
				sb.WriteByte(e)
			}
		default:
			sb.WriteByte(c)
			l.pos++
		}
	}
	return "", l.errorf("unterminated string")
}
