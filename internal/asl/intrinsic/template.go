package intrinsic

import "strings"

// template is a compiled States.Format template: the literal text around
// the {} placeholders.
type template struct {
	// parts holds holes+1 literal segments; the values go between them.
	parts []string
	holes int
	size  int // total length of the literal segments
}

// Template failures, worded as Step Functions words them.
var (
	errTemplateOpen  = &failure{msg: "Invalid template in States.Format: matching '}' not found for '{'."}
	errTemplateClose = &failure{msg: "Invalid template in States.Format: matching '{' not found for '}'."}
	errFormatCount   = &failure{msg: "Invalid arguments in States.Format: number of arguments do not match the occurrences of {}."}
)

// compileTemplate compiles the text of a States.Format template. A
// placeholder is {}; \{, \} and \\ stand for the characters themselves (and
// \' for a quote). A { not directly followed by } and a } without its { are
// errors.
func compileTemplate(text string) (*template, error) {
	t := &template{}
	var b strings.Builder
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch c {
		case '\\':
			if i+1 < len(text) {
				switch e := text[i+1]; e {
				case '\'', '{', '}', '\\':
					b.WriteByte(e)
					i++
					continue
				}
			}
			b.WriteByte(c)
		case '{':
			if i+1 >= len(text) || text[i+1] != '}' {
				return nil, errTemplateOpen
			}
			t.parts = append(t.parts, b.String())
			t.size += b.Len()
			b.Reset()
			t.holes++
			i++
		case '}':
			return nil, errTemplateClose
		default:
			b.WriteByte(c)
		}
	}
	t.parts = append(t.parts, b.String())
	t.size += b.Len()
	return t, nil
}
