package pattern

import "github.com/sluice-run/sluice/internal/jsonvalue"

// Pattern is one compiled event pattern. It is safe for concurrent use.
type Pattern struct {
	sd *side
}

// Compile parses and validates an event pattern. An invalid pattern gives
// an *Error carrying EventBridge's InvalidEventPatternException message.
func Compile(pattern []byte) (*Pattern, error) {
	def, err := compilePattern(pattern)
	if err != nil {
		return nil, err
	}
	n := newNumbering()
	r := n.bind("", def)
	sd := newSide()
	sd.add(r, n.paths)
	return &Pattern{sd: sd}, nil
}

// MustCompile is Compile for patterns known to be valid, such as literals
// in tests; it panics on an error.
func MustCompile(pattern string) *Pattern {
	p, err := Compile([]byte(pattern))
	if err != nil {
		panic(err)
	}
	return p
}

// Match reports whether a decoded event matches the pattern.
func (p *Pattern) Match(event jsonvalue.Value) bool {
	sc := getScratch(p.sd)
	defer putScratch(sc)
	walkValue(sc, p.sd.paths[""], event)
	return p.sd.matched(sc)
}

// MatchBytes reports whether a JSON event matches the pattern. Only the
// parts of the event the pattern looks at are decoded; the rest is skipped
// after a structural check. Malformed JSON gives a *SyntaxError.
func (p *Pattern) MatchBytes(event []byte) (bool, error) {
	sc := getScratch(p.sd)
	defer putScratch(sc)
	x := extractor{data: event, top: p.sd.paths[""], sc: sc}
	if err := x.run(); err != nil {
		return false, err
	}
	return p.sd.matched(sc), nil
}

func (sd *side) matched(sc *scratch) bool {
	found := false
	sd.run(sc, func(*terminal) bool {
		found = true
		return false
	})
	return found
}
