package jsonata

import (
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file holds $formatInteger and $parseInteger, and the integer
// pictures of XPath's fn:format-integer that the date/time pictures of
// $fromMillis and $toMillis reuse for their numeric components.

func init() {
	register("formatInteger", "<n-s:s>", fnFormatInteger)
	register("parseInteger", "<s-s:n>", fnParseInteger)
}

// fnFormatInteger implements $formatInteger(number, picture).
func fnFormatInteger(c *Call, args []Value) (Value, error) {
	n, ok := args[0].(float64)
	if !ok {
		return nil, nil
	}
	pic, _ := args[1].(string)
	p, err := parseIntPicture(pic)
	if err != nil {
		return nil, errorAt(err, c.Position)
	}
	if math.IsNaN(n) || math.IsInf(n, 0) {
		return FormatNumber(n), nil
	}
	s, err := p.format(math.Floor(n))
	if err != nil {
		return nil, errorAt(err, c.Position)
	}
	return s, nil
}

// fnParseInteger implements $parseInteger(string, picture), the inverse of
// $formatInteger. A string the picture cannot read gives undefined.
func fnParseInteger(c *Call, args []Value) (Value, error) {
	s, ok := args[0].(string)
	if !ok {
		return nil, nil
	}
	pic, _ := args[1].(string)
	p, err := parseIntPicture(pic)
	if err != nil {
		return nil, errorAt(err, c.Position)
	}
	n, ok := p.parse(s)
	if !ok {
		return nil, nil
	}
	return n, nil
}

// errorAt sets the expression position on a JSONata error.
func errorAt(err error, pos int) error {
	if e, ok := err.(*Error); ok && e.Position == 0 {
		e.Position = pos
	}
	return err
}

// intPicKind is the primary format of an integer picture.
type intPicKind int

const (
	intDecimal intPicKind = iota // a decimal digit pattern such as "#,##0"
	intLetters                   // "a" or "A": a, b, ..., z, aa, ab, ...
	intRoman                     // "i" or "I": roman numerals
	intWords                     // "w", "W" or "Ww": English words
)

// letterCase is the case in which letters, roman numerals, words and names
// are written.
type letterCase int

const (
	lcLower letterCase = iota
	lcUpper
	lcTitle
)

// groupSep is one grouping separator of an irregular decimal digit
// pattern: the separator and the number of digit positions to its right.
type groupSep struct {
	pos int
	sep string
}

// intPicture is an analysed fn:format-integer picture.
type intPicture struct {
	kind    intPicKind
	lcase   letterCase
	ordinal bool

	// Decimal digit patterns only.
	zero      rune // the zero of the digit family used
	mandatory int  // digits (of the family) in the pattern
	optional  int  // '#' characters in the pattern
	regular   int  // the group size when the grouping is regular, else 0
	regSep    string
	seps      []groupSep // the separators when the grouping is irregular
}

// parseIntPicture analyses an fn:format-integer picture: a primary format
// token, optionally followed by ';' and a format modifier whose leading
// 'o' asks for ordinal numbers.
func parseIntPicture(picture string) (*intPicture, error) {
	primary := picture
	p := &intPicture{kind: intDecimal, zero: '0'}
	if i := strings.LastIndexByte(picture, ';'); i >= 0 {
		primary = picture[:i]
		if strings.HasPrefix(picture[i+1:], "o") {
			p.ordinal = true
		}
	}
	switch primary {
	case "a":
		p.kind = intLetters
	case "A":
		p.kind, p.lcase = intLetters, lcUpper
	case "i":
		p.kind = intRoman
	case "I":
		p.kind, p.lcase = intRoman, lcUpper
	case "w":
		p.kind = intWords
	case "W":
		p.kind, p.lcase = intWords, lcUpper
	case "Ww":
		p.kind, p.lcase = intWords, lcTitle
	default:
		if err := p.analyseDigits(primary); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// analyseDigits reads a decimal digit pattern: digits of one Unicode digit
// family (mandatory), '#' (optional) and any other character as a grouping
// separator. A token without any digit is a numbering sequence this
// implementation does not support (D3130).
func (p *intPicture) analyseDigits(token string) error {
	runes := []rune(token)
	var seps []groupSep
	zero := rune(-1)
	pos := 0
	for i := len(runes) - 1; i >= 0; i-- {
		r := runes[i]
		if z, ok := digitZero(r); ok {
			if zero < 0 {
				zero = z
			} else if z != zero {
				return &Error{Code: "D3131"}
			}
			p.mandatory++
			pos++
			continue
		}
		if r == '#' {
			p.optional++
			pos++
			continue
		}
		seps = append(seps, groupSep{pos: pos, sep: string(r)})
	}
	if p.mandatory == 0 {
		return &Error{Code: "D3130", Value: token}
	}
	p.zero = zero
	if g := regularGrouping(seps); g > 0 {
		p.regular, p.regSep = g, seps[0].sep
	} else {
		p.seps = seps
	}
	return nil
}

// regularGrouping returns the group size when the separators (listed from
// the right) are all the same character at positions g, 2g, 3g, ...; it
// returns 0 otherwise.
func regularGrouping(seps []groupSep) int {
	if len(seps) == 0 || seps[0].pos == 0 {
		return 0
	}
	g := seps[0].pos
	for i, s := range seps {
		if s.sep != seps[0].sep || s.pos != g*(i+1) {
			return 0
		}
	}
	return g
}

// digitZero reports whether r is a decimal digit (Unicode category Nd) and
// returns the zero of its family.
func digitZero(r rune) (rune, bool) {
	if r >= '0' && r <= '9' {
		return '0', true
	}
	if r < 0x80 || !unicode.Is(unicode.Nd, r) {
		return 0, false
	}
	// Nd characters come in complete runs of ten starting at a zero, and the
	// range table's ranges start at a zero.
	for _, rg := range unicode.Nd.R16 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); r >= lo && r <= hi && rg.Stride == 1 {
			return lo + (r-lo)/10*10, true
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); r >= lo && r <= hi && rg.Stride == 1 {
			return lo + (r-lo)/10*10, true
		}
	}
	return 0, false
}

// maxRoman is the largest number written in roman numerals; larger ones
// would need absurdly many M's.
const maxRoman = 1e7

// format renders the integer n (already rounded down) per the picture.
func (p *intPicture) format(n float64) (string, error) {
	neg := n < 0
	if neg {
		n = -n
	}
	var s string
	switch p.kind {
	case intLetters:
		s = toLetters(n, p.lcase == lcUpper)
	case intRoman:
		if n > maxRoman {
			return "", &Error{Code: "D3130", Value: "I"}
		}
		s = toRoman(int(n))
		if p.lcase != lcUpper {
			s = strings.ToLower(s)
		}
	case intWords:
		s = wordsCase(numberToWords(n, p.ordinal), p.lcase)
	default:
		s = p.formatDecimal(n)
		if p.ordinal {
			s += ordinalSuffix(n)
		}
	}
	if neg {
		s = "-" + s
	}
	return s, nil
}

// formatDecimal writes the non-negative integer n with the pattern's digit
// family, minimum number of digits and grouping separators.
func (p *intPicture) formatDecimal(n float64) string {
	digits := []rune(strconv.FormatFloat(n, 'f', 0, 64))
	for len(digits) < p.mandatory {
		digits = append([]rune{'0'}, digits...)
	}
	if p.zero != '0' {
		for i, d := range digits {
			digits[i] = p.zero + (d - '0')
		}
	}
	return groupDigits(digits, p.regular, p.regSep, p.seps)
}

// groupDigits inserts grouping separators into an integer's digits:
// every `regular` digits from the right when regular > 0, otherwise at the
// listed positions (counted in digits from the right). A separator is only
// written where a digit precedes it.
func groupDigits(digits []rune, regular int, regSep string, seps []groupSep) string {
	var out []string
	n := len(digits)
	for i := n - 1; i >= 0; i-- {
		out = append(out, string(digits[i]))
		count := n - i
		if i == 0 {
			break
		}
		if regular > 0 {
			if count%regular == 0 {
				out = append(out, regSep)
			}
			continue
		}
		for _, s := range seps {
			if s.pos == count {
				out = append(out, s.sep)
			}
		}
	}
	var b strings.Builder
	for i := len(out) - 1; i >= 0; i-- {
		b.WriteString(out[i])
	}
	return b.String()
}

// ordinalSuffix returns the English ordinal suffix of n: st, nd, rd or th.
func ordinalSuffix(n float64) string {
	if math.Mod(math.Floor(n/10), 10) == 1 {
		return "th"
	}
	switch math.Mod(n, 10) {
	case 1:
		return "st"
	case 2:
		return "nd"
	case 3:
		return "rd"
	}
	return "th"
}

// toLetters writes n in the sequence a, b, ..., z, aa, ab, ... (0 is "").
func toLetters(n float64, upper bool) string {
	a := 'a'
	if upper {
		a = 'A'
	}
	var out []rune
	for n > 0 && len(out) < 1000 {
		out = append(out, a+rune(math.Mod(n-1, 26)))
		n = math.Floor((n - 1) / 26)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return string(out)
}

var romanValues = []struct {
	n int
	s string
}{
	{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"}, {90, "XC"},
	{50, "L"}, {40, "XL"}, {10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"},
}

// toRoman writes n in upper-case roman numerals (0 is "").
func toRoman(n int) string {
	var b strings.Builder
	for _, rv := range romanValues {
		for n >= rv.n {
			b.WriteString(rv.s)
			n -= rv.n
		}
	}
	return b.String()
}

// fromRoman reads roman numerals in either case; "" is 0.
func fromRoman(s string) (float64, bool) {
	val := map[rune]float64{'I': 1, 'V': 5, 'X': 10, 'L': 50, 'C': 100, 'D': 500, 'M': 1000}
	runes := []rune(strings.ToUpper(s))
	total := 0.0
	for i, r := range runes {
		v, ok := val[r]
		if !ok {
			return 0, false
		}
		if i+1 < len(runes) && val[runes[i+1]] > v {
			total -= v
		} else {
			total += v
		}
	}
	return total, true
}

// fromLetters reads the a, b, ..., z, aa sequence in either case.
func fromLetters(s string) (float64, bool) {
	total := 0.0
	for _, r := range strings.ToLower(s) {
		if r < 'a' || r > 'z' {
			return 0, false
		}
		total = total*26 + float64(r-'a'+1)
	}
	return total, true
}

var (
	smallWords = []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
		"eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"}
	smallOrdinals = []string{"zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
		"eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth"}
	tensWords    = []string{"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}
	tensOrdinals = []string{"twentieth", "thirtieth", "fortieth", "fiftieth", "sixtieth", "seventieth", "eightieth", "ninetieth"}
	scaleWords   = []string{"thousand", "million", "billion", "trillion"}
	scaleValues  = []float64{1e3, 1e6, 1e9, 1e12}
)

// numberToWords writes the non-negative integer n in English words, as
// JSONata does: "and" before a last part under one hundred, commas
// between thousands groups, and scales past trillion written as repeated
// trillions ("one thousand trillion").
func numberToWords(n float64, ordinal bool) string {
	return wordsPart(n, false, ordinal)
}

func wordsPart(n float64, after, ordinal bool) string {
	switch {
	case n < 20:
		w := smallWords[int(n)]
		if ordinal {
			w = smallOrdinals[int(n)]
		}
		if after {
			return " and " + w
		}
		return w
	case n < 100:
		tens, rest := int(n)/10, math.Mod(n, 10)
		w := tensWords[tens-2]
		if rest == 0 && ordinal {
			w = tensOrdinals[tens-2]
		}
		if after {
			w = " and " + w
		}
		if rest > 0 {
			w += "-" + wordsPart(rest, false, ordinal)
		}
		return w
	case n < 1000:
		w := smallWords[int(n)/100] + " hundred"
		if after {
			w = ", " + w
		}
		if rest := math.Mod(n, 100); rest > 0 {
			w += wordsPart(rest, true, ordinal)
		} else if ordinal {
			w += "th"
		}
		return w
	}
	mag := 0
	for mag+1 < len(scaleValues) && n >= scaleValues[mag+1] {
		mag++
	}
	factor := scaleValues[mag]
	lead := math.Floor(n / factor)
	rest := n - lead*factor
	if rest < 0 || rest >= factor {
		// Beyond 2^53 the subtraction is off by the rounding of lead*factor;
		// what is left is noise, not a lower part.
		rest = 0
	}
	w := wordsPart(lead, false, false) + " " + scaleWords[mag]
	if after {
		w = ", " + w
	}
	if rest > 0 {
		w += wordsPart(rest, true, ordinal)
	} else if ordinal {
		w += "th"
	}
	return w
}

// wordsCase puts English words into the picture's case; title case
// capitalises every word but "and".
func wordsCase(s string, lc letterCase) string {
	switch lc {
	case lcUpper:
		return strings.ToUpper(s)
	case lcTitle:
		var b strings.Builder
		start := true
		for i, r := range s {
			if start && !strings.HasPrefix(s[i:], "and ") {
				r = unicode.ToUpper(r)
			}
			b.WriteRune(r)
			start = r == ' ' || r == '-'
		}
		return b.String()
	}
	return s
}

// wordValues maps every English number word (cardinal and ordinal) to its
// value.
var wordValues = func() map[string]float64 {
	m := map[string]float64{}
	for i, w := range smallWords {
		m[w] = float64(i)
		m[smallOrdinals[i]] = float64(i)
	}
	for i, w := range tensWords {
		m[w] = float64(20 + 10*i)
		m[tensOrdinals[i]] = float64(20 + 10*i)
	}
	m["hundred"], m["hundredth"] = 100, 100
	for i, w := range scaleWords {
		m[w] = scaleValues[i]
		m[w+"th"] = scaleValues[i]
	}
	return m
}()

var wordSplitter = regexp.MustCompile(`,\s|\sand\s|[\s\-]`)

// fromWords reads a number written in English words (any case).
func fromWords(s string) (float64, bool) {
	segs := []float64{0}
	seen := false
	for _, part := range wordSplitter.Split(strings.ToLower(s), -1) {
		if part == "" {
			continue
		}
		v, ok := wordValues[part]
		if !ok {
			return 0, false
		}
		seen = true
		top := segs[len(segs)-1]
		if v < 100 {
			if top >= 1000 {
				segs = append(segs, v)
			} else {
				segs[len(segs)-1] = top + v
			}
		} else {
			segs[len(segs)-1] = top * v
		}
	}
	if !seen {
		return 0, false
	}
	total := 0.0
	for _, v := range segs {
		total += v
	}
	return total, true
}

// parse reads s per the picture, reporting false when it cannot.
func (p *intPicture) parse(s string) (float64, bool) {
	switch p.kind {
	case intLetters:
		return fromLetters(s)
	case intRoman:
		return fromRoman(s)
	case intWords:
		return fromWords(s)
	}
	if p.ordinal {
		for _, suf := range []string{"st", "nd", "rd", "th"} {
			if strings.HasSuffix(strings.ToLower(s), suf) {
				s = s[:len(s)-2]
				break
			}
		}
	}
	isSep := func(r rune) bool {
		if p.regular > 0 {
			return string(r) == p.regSep
		}
		for _, g := range p.seps {
			if string(r) == g.sep {
				return true
			}
		}
		return false
	}
	total, digits := 0.0, 0
	for _, r := range s {
		if r == utf8.RuneError {
			return 0, false
		}
		if r >= p.zero && r <= p.zero+9 {
			total = total*10 + float64(r-p.zero)
			digits++
			continue
		}
		if isSep(r) {
			continue
		}
		return 0, false
	}
	return total, digits > 0
}

// digitClass is a regular expression character class for one digit of the
// family starting at zero.
func digitClass(zero rune) string {
	if zero == '0' {
		return "[0-9]"
	}
	return "[" + regexp.QuoteMeta(string(zero)) + "-" + regexp.QuoteMeta(string(zero+9)) + "]"
}

// wordsPattern matches a number written in English words.
var wordsPattern = func() string {
	words := make([]string, 0, len(wordValues))
	for w := range wordValues {
		words = append(words, w)
	}
	// Longest first, so that "seventeen" is tried before "seven".
	sort.Slice(words, func(i, j int) bool {
		if len(words[i]) != len(words[j]) {
			return len(words[i]) > len(words[j])
		}
		return words[i] < words[j]
	})
	alt := "(?:" + strings.Join(words, "|") + ")"
	return "(?i:" + alt + "(?:(?:,\\s|\\sand\\s|\\s|-)" + alt + ")*)"
}()

// pattern returns a regular expression (without anchors or capture) that
// matches the integer written per the picture; minDigits and maxDigits
// bound the digits of a decimal pattern (maxDigits 0 for no bound).
func (p *intPicture) pattern(minDigits, maxDigits int) string {
	switch p.kind {
	case intLetters:
		if p.lcase == lcUpper {
			return "[A-Z]+"
		}
		return "[a-z]+"
	case intRoman:
		if p.lcase == lcUpper {
			return "[MDCLXVI]+"
		}
		return "[mdclxvi]+"
	case intWords:
		return wordsPattern
	}
	d := digitClass(p.zero)
	var q string
	if minDigits < 1 {
		minDigits = 1
	}
	switch {
	case maxDigits >= minDigits:
		q = "{" + strconv.Itoa(minDigits) + "," + strconv.Itoa(maxDigits) + "}"
	case minDigits == 1:
		q = "+"
	default:
		q = "{" + strconv.Itoa(minDigits) + ",}"
	}
	var body string
	if p.regular > 0 || len(p.seps) > 0 {
		seps := map[string]bool{p.regSep: p.regular > 0}
		for _, g := range p.seps {
			seps[g.sep] = true
		}
		var alt []string
		for s, ok := range seps {
			if ok {
				alt = append(alt, regexp.QuoteMeta(s))
			}
		}
		sort.Strings(alt)
		body = d + "(?:" + d + "|" + strings.Join(alt, "|") + ")*"
	} else {
		body = d + q
	}
	if p.ordinal {
		body += "(?:st|nd|rd|th)"
	}
	return body
}
