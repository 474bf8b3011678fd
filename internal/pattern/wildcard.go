package pattern

import "strings"

// wildcard is a compiled wildcard value: literal segments separated by '*'.
// A value matches when it starts with the first segment (unless the
// wildcard starts with '*'), ends with the last one (unless it ends with
// '*'), and contains the others in order in between.
type wildcard struct {
	src   string   // the pattern as written
	segs  []string // literal segments; len(segs) = stars + 1
	stars int
	exact bool // no stars: segs[0] must equal the value
}

// parseWildcard compiles a wildcard value. Positions in errors count bytes
// of the value as EventBridge quotes it, so the first character is at 1.
func parseWildcard(src string) (*wildcard, error) {
	w := &wildcard{src: src}
	var cur strings.Builder
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch c {
		case '*':
			if i+1 < len(src) && src[i+1] == '*' {
				return nil, newError("Consecutive wildcard characters at pos " + itoa(i+1))
			}
			w.segs = append(w.segs, cur.String())
			cur.Reset()
			w.stars++
		case '\\':
			if i+1 < len(src) && (src[i+1] == '*' || src[i+1] == '\\') {
				cur.WriteByte(src[i+1])
				i++
				continue
			}
			return nil, newError("Invalid escape character at pos " + itoa(i+1))
		default:
			cur.WriteByte(c)
		}
	}
	w.segs = append(w.segs, cur.String())
	w.exact = w.stars == 0
	return w, nil
}

// match reports whether s matches the wildcard.
func (w *wildcard) match(s string) bool {
	if w.exact {
		return s == w.segs[0]
	}
	first, last := w.segs[0], w.segs[len(w.segs)-1]
	if len(first)+len(last) > len(s) || !strings.HasPrefix(s, first) || !strings.HasSuffix(s, last) {
		return false
	}
	mid := s[len(first) : len(s)-len(last)]
	for _, seg := range w.segs[1 : len(w.segs)-1] {
		i := strings.Index(mid, seg)
		if i < 0 {
			return false
		}
		mid = mid[i+len(seg):]
	}
	return true
}

// tokens returns the wildcard as bytes with star markers, for the
// complexity evaluation: star is -1.
func (w *wildcard) tokens() []int16 {
	out := make([]int16, 0, len(w.src)+3)
	out = append(out, '"')
	for i, seg := range w.segs {
		if i > 0 {
			out = append(out, -1)
		}
		for j := 0; j < len(seg); j++ {
			out = append(out, int16(seg[j]))
		}
	}
	return append(out, '"')
}
