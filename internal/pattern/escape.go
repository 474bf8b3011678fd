package pattern

import (
	"unicode/utf16"
	"unicode/utf8"
)

// escapeErr tells why a JSON escape sequence could not be decoded.
type escapeErr int

const (
	escapeOK        escapeErr = iota
	escapeTruncated           // the input ends after the backslash
	escapeBadHex              // \u is not followed by four hex digits
	escapeUnknown             // the backslash is followed by another character
)

// appendEscape decodes the JSON escape sequence whose backslash is at
// d[bs], appends the character to buf and returns the index after the
// sequence. A high surrogate followed by \u and its low surrogate makes
// one character; a lone surrogate is appended as it is (WTF-8), and the
// caller turns the string into valid UTF-8. On an error the index is
// where reading stopped: the backslash for escapeTruncated, just after
// the character following it otherwise.
func appendEscape(buf, d []byte, bs int) ([]byte, int, escapeErr) {
	if bs+1 >= len(d) {
		return buf, bs, escapeTruncated
	}
	i := bs + 2
	switch e := d[bs+1]; e {
	case '"', '\\', '/':
		return append(buf, e), i, escapeOK
	case 'b':
		return append(buf, '\b'), i, escapeOK
	case 'f':
		return append(buf, '\f'), i, escapeOK
	case 'n':
		return append(buf, '\n'), i, escapeOK
	case 'r':
		return append(buf, '\r'), i, escapeOK
	case 't':
		return append(buf, '\t'), i, escapeOK
	case 'u':
		r, ok := hex4(d, i)
		if !ok {
			return buf, i, escapeBadHex
		}
		i += 4
		if utf16.IsSurrogate(r) && i+6 <= len(d) && d[i] == '\\' && d[i+1] == 'u' {
			if r2, ok := hex4(d, i+2); ok && utf16.DecodeRune(r, r2) != utf8.RuneError {
				r = utf16.DecodeRune(r, r2)
				i += 6
			}
		}
		return utf8.AppendRune(buf, r), i, escapeOK
	default:
		return buf, i, escapeUnknown
	}
}

// hex4 reads the four hex digits at d[i:].
func hex4(d []byte, i int) (rune, bool) {
	if i+4 > len(d) {
		return 0, false
	}
	var r rune
	for _, c := range d[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
