package jsonata

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// This file holds $formatNumber (XPath's fn:format-number with a decimal
// format given as an options object) and $formatBase.

func init() {
	register("formatNumber", "<n-so?:s>", fnFormatNumber)
	register("formatBase", "<n-n?:s>", fnFormatBase)
}

// fnFormatBase implements $formatBase(number [, radix]): the number rounded
// to an integer, written in the radix (2 to 36, default 10).
func fnFormatBase(c *Call, args []Value) (Value, error) {
	n, ok := args[0].(float64)
	if !ok {
		return nil, nil
	}
	n = nfRound(n, 0)
	radix := 10.0
	if r, ok := args[1].(float64); ok {
		radix = nfRound(r, 0)
	}
	if !(radix >= 2 && radix <= 36) {
		return nil, &Error{Code: "D3100", Position: c.Position, Value: radix}
	}
	if radix == 10 || math.IsInf(n, 0) || math.IsNaN(n) {
		return FormatNumber(n), nil
	}
	i, _ := new(big.Float).SetFloat64(n).Int(nil)
	return i.Text(int(radix)), nil
}

// nfRound rounds x to precision decimal places, halves to even, as
// JSONata's $round does: the decimal shift is done on the number's decimal
// text so that 2.675 rounds as the literal it was written as.
func nfRound(x float64, precision int) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	if precision != 0 {
		shifted := nfShift(x, precision)
		if math.IsInf(shifted, 0) {
			// More decimal places than a double holds: nothing to round.
			return x
		}
		x = shifted
	}
	r := math.Floor(x)
	if x-r >= 0.5 {
		r++
	}
	if math.Abs(r-x) == 0.5 && math.Abs(math.Mod(r, 2)) == 1 {
		r--
	}
	if precision != 0 {
		r = nfShift(r, -precision)
	}
	if r == 0 {
		r = 0 // no negative zero
	}
	return r
}

// nfShift multiplies x by 10^by by editing its decimal exponent.
func nfShift(x float64, by int) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	mant, exp, found := strings.Cut(FormatNumber(x), "e")
	e := 0
	if found {
		e, _ = strconv.Atoi(exp)
	}
	f, err := strconv.ParseFloat(mant+"e"+strconv.Itoa(e+by), 64)
	if err != nil && !math.IsInf(f, 0) {
		return x
	}
	return f
}

// decimalFormat is the decimal format of fn:format-number: the characters
// (strings) a picture is written with and the number is written in.
type decimalFormat struct {
	decimalSep, groupSep, expSep, infinity, nan, minus string
	percent, perMille, zeroDigit, digit, patternSep    string
	zero                                               rune
}

// newDecimalFormat returns the default decimal format with the options
// object's string properties applied.
func newDecimalFormat(opts *Object) decimalFormat {
	f := decimalFormat{
		decimalSep: ".", groupSep: ",", expSep: "e", infinity: "Infinity", nan: "NaN",
		minus: "-", percent: "%", perMille: "\u2030", zeroDigit: "0", digit: "#", patternSep: ";",
	}
	if opts != nil {
		for i := 0; i < opts.Len(); i++ {
			k, v := opts.At(i)
			s, ok := v.(string)
			if !ok {
				continue
			}
			switch k {
			case "decimal-separator":
				f.decimalSep = s
			case "grouping-separator":
				f.groupSep = s
			case "exponent-separator":
				f.expSep = s
			case "infinity":
				f.infinity = s
			case "NaN":
				f.nan = s
			case "minus-sign":
				f.minus = s
			case "percent":
				f.percent = s
			case "per-mille":
				f.perMille = s
			case "zero-digit":
				f.zeroDigit = s
			case "digit":
				f.digit = s
			case "pattern-separator":
				f.patternSep = s
			}
		}
	}
	f.zero = '0'
	if r := []rune(f.zeroDigit); len(r) > 0 {
		f.zero = r[0]
	}
	return f
}

// isDigit reports whether ch is one of the ten digits of the format's
// decimal digit family.
func (f *decimalFormat) isDigit(ch string) bool {
	r := []rune(ch)
	return len(r) == 1 && r[0] >= f.zero && r[0] <= f.zero+9
}

// isActive reports whether ch is an active character of a picture.
func (f *decimalFormat) isActive(ch string) bool {
	return f.isDigit(ch) || ch == f.decimalSep || ch == f.expSep || ch == f.groupSep ||
		ch == f.digit || ch == f.patternSep
}

// digitOf returns the family's digit for the ASCII digit d.
func (f *decimalFormat) digitOf(d byte) string {
	return string(f.zero + rune(d-'0'))
}

// subPicture is one analysed sub-picture of a format-number picture.
type subPicture struct {
	text                      []string // the sub-picture, one string per character
	prefix, suffix            string
	active, mantissa          []string
	integer, fraction         []string
	exponent                  []string
	hasExponent               bool
	intGroups                 []int // separator positions in digits from the right
	regular                   int
	fracGroups                []int // separator positions in digits from the left
	minInt, scale             int
	minFrac, maxFrac, minExpo int
}

// pictureChars splits s into one string per character.
func pictureChars(s string) []string {
	out := make([]string, 0, len(s))
	for _, r := range s {
		out = append(out, string(r))
	}
	return out
}

// pictureIndex returns the index (in characters) of sub in cs at or after
// from, or -1.
func pictureIndex(cs []string, sub string, from int) int {
	subc := pictureChars(sub)
	if len(subc) == 0 {
		if from > len(cs) {
			return len(cs)
		}
		return from
	}
	for i := from; i+len(subc) <= len(cs); i++ {
		ok := true
		for j, c := range subc {
			if cs[i+j] != c {
				ok = false
				break
			}
		}
		if ok {
			return i
		}
	}
	return -1
}

// pictureCount returns how many times sub occurs in cs (at most 2 matter).
func pictureCount(cs []string, sub string) int {
	if sub == "" {
		return 0
	}
	n := 0
	for i := pictureIndex(cs, sub, 0); i >= 0 && n < 3; i = pictureIndex(cs, sub, i+1) {
		n++
	}
	return n
}

// fnFormatNumber implements $formatNumber(number, picture [, options]).
func fnFormatNumber(c *Call, args []Value) (Value, error) {
	n, ok := args[0].(float64)
	if !ok {
		return nil, nil
	}
	pic, _ := args[1].(string)
	opts, _ := args[2].(*Object)
	s, err := formatNumberPicture(n, pic, newDecimalFormat(opts))
	if err != nil {
		return nil, errorAt(err, c.Position)
	}
	return s, nil
}

// formatNumberPicture formats n per an fn:format-number picture.
func formatNumberPicture(n float64, picture string, f decimalFormat) (string, error) {
	var pics []string
	if f.patternSep == "" {
		pics = pictureChars(picture)
	} else {
		pics = strings.Split(picture, f.patternSep)
	}
	if len(pics) > 2 {
		return "", &Error{Code: "D3080"}
	}
	subs := make([]*subPicture, len(pics))
	for i, p := range pics {
		sp := f.split(p)
		if code := f.validate(sp); code != "" {
			return "", &Error{Code: code}
		}
		f.analyse(sp)
		subs[i] = sp
	}
	pos := subs[0]
	neg := pos
	if len(subs) == 2 {
		neg = subs[1]
	} else {
		cp := *pos
		cp.prefix = f.minus + pos.prefix
		neg = &cp
	}
	pic := pos
	if n < 0 {
		pic = neg
	}
	if math.IsNaN(n) {
		return f.nan, nil
	}
	if math.IsInf(n, 0) {
		return pic.prefix + f.infinity + pic.suffix, nil
	}
	adjusted := n
	switch {
	case pictureCount(pic.text, f.percent) > 0:
		adjusted = n * 100
	case pictureCount(pic.text, f.perMille) > 0:
		adjusted = n * 1000
	}
	mantissa := math.Abs(adjusted)
	exponent := 0
	if pic.hasExponent && mantissa != 0 {
		maxM := math.Pow(10, float64(pic.scale))
		minM := math.Pow(10, float64(pic.scale-1))
		for i := 0; mantissa < minM && i < 1000; i++ {
			mantissa *= 10
			exponent--
		}
		for i := 0; mantissa > maxM && i < 1000; i++ {
			mantissa /= 10
			exponent++
		}
	}
	rounded := nfRound(mantissa, pic.maxFrac)
	text := strconv.FormatFloat(math.Abs(rounded), 'f', pic.maxFrac, 64)
	intText, fracText, _ := strings.Cut(text, ".")
	intText = strings.TrimLeft(intText, "0")
	fracText = strings.TrimRight(fracText, "0")
	var intDigits, fracDigits []string
	for i := 0; i < pic.minInt-len(intText); i++ {
		intDigits = append(intDigits, f.digitOf('0'))
	}
	for i := 0; i < len(intText); i++ {
		intDigits = append(intDigits, f.digitOf(intText[i]))
	}
	for i := 0; i < len(fracText); i++ {
		fracDigits = append(fracDigits, f.digitOf(fracText[i]))
	}
	for len(fracDigits) < pic.minFrac {
		fracDigits = append(fracDigits, f.digitOf('0'))
	}
	var b strings.Builder
	b.WriteString(pic.prefix)
	// Integer part, with its grouping separators.
	for i, d := range intDigits {
		b.WriteString(d)
		right := len(intDigits) - i - 1
		if right == 0 {
			continue
		}
		if pic.regular > 0 {
			if right%pic.regular == 0 {
				b.WriteString(f.groupSep)
			}
			continue
		}
		for _, g := range pic.intGroups {
			if g == right {
				b.WriteString(f.groupSep)
			}
		}
	}
	if len(fracDigits) > 0 {
		b.WriteString(f.decimalSep)
		for i, d := range fracDigits {
			if i > 0 {
				for _, g := range pic.fracGroups {
					if g == i {
						b.WriteString(f.groupSep)
					}
				}
			}
			b.WriteString(d)
		}
	}
	if pic.hasExponent {
		b.WriteString(f.expSep)
		if exponent < 0 {
			b.WriteString(f.minus)
			exponent = -exponent
		}
		e := strconv.Itoa(exponent)
		for i := len(e); i < pic.minExpo; i++ {
			b.WriteString(f.digitOf('0'))
		}
		for i := 0; i < len(e); i++ {
			b.WriteString(f.digitOf(e[i]))
		}
	}
	b.WriteString(pic.suffix)
	return b.String(), nil
}

// split divides a sub-picture into prefix, active part (mantissa and
// exponent, integer and fractional parts) and suffix. The prefix ends at
// the first active character other than the exponent separator, the
// suffix starts after the last one; an exponent separator counts only
// between two active characters.
func (f *decimalFormat) split(p string) *subPicture {
	cs := pictureChars(p)
	sp := &subPicture{text: cs}
	start := len(cs)
	for i, ch := range cs {
		if f.isActive(ch) && ch != f.expSep {
			start = i
			break
		}
	}
	end := start
	for i := len(cs) - 1; i >= start; i-- {
		if f.isActive(cs[i]) && cs[i] != f.expSep {
			end = i + 1
			break
		}
	}
	sp.prefix = strings.Join(cs[:start], "")
	sp.suffix = strings.Join(cs[end:], "")
	sp.active = cs[start:end]
	sp.mantissa = sp.active
	if f.expSep != "" {
		if e := pictureIndex(cs, f.expSep, start); e > start && e+len(pictureChars(f.expSep)) < end {
			sp.hasExponent = true
			sp.mantissa = cs[start:e]
			sp.exponent = cs[e+len(pictureChars(f.expSep)) : end]
		}
	}
	if d := pictureIndex(sp.mantissa, f.decimalSep, 0); d >= 0 && f.decimalSep != "" {
		sp.integer = sp.mantissa[:d]
		sp.fraction = sp.mantissa[d+len(pictureChars(f.decimalSep)):]
	} else {
		sp.integer = sp.mantissa
	}
	return sp
}

// validate checks a sub-picture against the rules of fn:format-number,
// returning the error code of the last rule broken (as JSONata reports),
// or "".
func (f *decimalFormat) validate(sp *subPicture) string {
	code := ""
	cs := sp.text
	if pictureCount(cs, f.decimalSep) > 1 {
		code = "D3081"
	}
	if pictureCount(cs, f.percent) > 1 {
		code = "D3082"
	}
	if pictureCount(cs, f.perMille) > 1 {
		code = "D3083"
	}
	hasPercent := pictureCount(cs, f.percent) > 0
	hasPerMille := pictureCount(cs, f.perMille) > 0
	if hasPercent && hasPerMille {
		code = "D3084"
	}
	digitOrHash := func(ch string) bool { return f.isDigit(ch) || ch == f.digit }
	ok := false
	for _, ch := range sp.mantissa {
		if digitOrHash(ch) {
			ok = true
			break
		}
	}
	if !ok {
		code = "D3085"
	}
	for _, ch := range sp.active {
		if !f.isActive(ch) {
			code = "D3086"
			break
		}
	}
	if d := pictureIndex(cs, f.decimalSep, 0); d >= 0 && f.decimalSep != "" {
		n := len(pictureChars(f.decimalSep))
		if (d > 0 && cs[d-1] == f.groupSep) || (d+n < len(cs) && cs[d+n] == f.groupSep) {
			code = "D3087"
		}
	} else if len(sp.integer) > 0 && sp.integer[len(sp.integer)-1] == f.groupSep {
		code = "D3088"
	}
	if f.groupSep != "" && pictureIndex(cs, f.groupSep+f.groupSep, 0) >= 0 {
		code = "D3089"
	}
	if h := pictureIndex(sp.integer, f.digit, 0); h >= 0 && f.digit != "" {
		for _, ch := range sp.integer[:h] {
			if f.isDigit(ch) {
				code = "D3090"
			}
		}
	}
	lastHash := -1
	for i, ch := range sp.fraction {
		if ch == f.digit {
			lastHash = i
		}
	}
	if lastHash >= 0 {
		for _, ch := range sp.fraction[lastHash:] {
			if f.isDigit(ch) {
				code = "D3091"
			}
		}
	}
	if sp.hasExponent && len(sp.exponent) > 0 && (hasPercent || hasPerMille) {
		code = "D3092"
	}
	if sp.hasExponent {
		bad := len(sp.exponent) == 0
		for _, ch := range sp.exponent {
			if !f.isDigit(ch) {
				bad = true
			}
		}
		if bad {
			code = "D3093"
		}
	}
	return code
}

// analyse works out a valid sub-picture's grouping positions and the
// minimum and maximum sizes of its parts.
func (f *decimalFormat) analyse(sp *subPicture) {
	digitOrHash := func(ch string) bool { return f.isDigit(ch) || ch == f.digit }
	for i, ch := range sp.integer {
		if ch != f.groupSep {
			continue
		}
		n := 0
		for _, c := range sp.integer[i+1:] {
			if digitOrHash(c) {
				n++
			}
		}
		sp.intGroups = append(sp.intGroups, n)
	}
	sp.regular = regularPositions(sp.intGroups)
	for i, ch := range sp.fraction {
		if ch != f.groupSep {
			continue
		}
		n := 0
		for _, c := range sp.fraction[:i] {
			if digitOrHash(c) {
				n++
			}
		}
		sp.fracGroups = append(sp.fracGroups, n)
	}
	for _, ch := range sp.integer {
		if f.isDigit(ch) {
			sp.minInt++
		}
	}
	sp.scale = sp.minInt
	for _, ch := range sp.fraction {
		if f.isDigit(ch) {
			sp.minFrac++
		}
		if digitOrHash(ch) {
			sp.maxFrac++
		}
	}
	if sp.minInt == 0 && sp.maxFrac == 0 {
		if sp.hasExponent {
			sp.minFrac, sp.maxFrac = 1, 1
		} else {
			sp.minInt = 1
		}
	}
	if sp.hasExponent && sp.minInt == 0 && pictureIndex(sp.integer, f.digit, 0) >= 0 && f.digit != "" {
		sp.minInt = 1
	}
	if sp.minInt == 0 && sp.minFrac == 0 {
		sp.minFrac = 1
	}
	for _, ch := range sp.exponent {
		if f.isDigit(ch) {
			sp.minExpo++
		}
	}
}

// regularPositions returns the group size g when the integer part's
// separator positions are exactly g, 2g, ... (in any order), else 0.
func regularPositions(pos []int) int {
	if len(pos) == 0 {
		return 0
	}
	gcd := func(a, b int) int {
		for b != 0 {
			a, b = b, a%b
		}
		return a
	}
	g := pos[0]
	for _, p := range pos[1:] {
		g = gcd(g, p)
	}
	if g <= 0 {
		return 0
	}
	for k := 1; k <= len(pos); k++ {
		found := false
		for _, p := range pos {
			if p == k*g {
				found = true
			}
		}
		if !found {
			return 0
		}
	}
	return g
}
