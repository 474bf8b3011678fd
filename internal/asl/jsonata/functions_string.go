package jsonata

import (
	"encoding/base64"
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file holds JSONata's string functions: $string, $length,
// $substring, $substringBefore, $substringAfter, $uppercase, $lowercase,
// $trim, $pad, $contains, $split, $join, $match, $replace, $eval, the
// base64 pair and the four URL functions.

func init() {
	register("string", "<x-b?:s>", fnString)
	register("length", "<s-:n>", fnLength)
	register("substring", "<s-nn?:s>", fnSubstring)
	register("substringBefore", "<s-s:s>", fnSubstringBefore)
	register("substringAfter", "<s-s:s>", fnSubstringAfter)
	register("uppercase", "<s-:s>", fnUppercase)
	register("lowercase", "<s-:s>", fnLowercase)
	register("trim", "<s-:s>", fnTrim)
	register("pad", "<s-ns?:s>", fnPad)
	register("contains", "<s-(sf):b>", fnContains)
	register("split", "<s-(sf)n?:a<s>>", fnSplit)
	register("join", "<a<s>s?:s>", fnJoin)
	register("match", "<s-f<s:o>n?:a<o>>", fnMatch)
	register("replace", "<s-(sf)(sf)n?:s>", fnReplace)
	register("eval", "<sx?:x>", fnEval)
	register("base64encode", "<s-:s>", fnBase64Encode)
	register("base64decode", "<s-:s>", fnBase64Decode)
	register("encodeUrlComponent", "<s-:s>", fnEncodeURLComponent)
	register("encodeUrl", "<s-:s>", fnEncodeURL)
	register("decodeUrlComponent", "<s-:s>", fnDecodeURLComponent)
	register("decodeUrl", "<s-:s>", fnDecodeURL)
}

// libMaxBuiltString is the longest string, in bytes, that a string function
// builds from a small input ($pad's width): past it the function fails
// rather than exhaust memory.
const libMaxBuiltString = 1 << 27

// libErrTooLarge reports a result that would pass libMaxBuiltString.
func libErrTooLarge(c *Call, name string) error {
	return &Error{Code: "U1003", Position: c.Position, Token: name,
		Detail: "The result of $" + name + "() would be too large"}
}

// libArgString returns args[i] as a string and whether it is one.
func libArgString(args []Value, i int) (string, bool) {
	if i >= len(args) {
		return "", false
	}
	s, ok := args[i].(string)
	return s, ok
}

// libArgNumber returns args[i] as a number and whether it is one.
func libArgNumber(args []Value, i int) (float64, bool) {
	if i >= len(args) {
		return 0, false
	}
	f, ok := args[i].(float64)
	return f, ok
}

// libArgAtOr returns args[i], or nil when args is shorter.
func libArgAtOr(args []Value, i int) Value {
	if i < len(args) {
		return args[i]
	}
	return nil
}

// fnString implements $string(arg, prettify): strings are returned as they
// are, functions become "", and anything else is rendered as JSON with
// numbers printed to 15 significant digits.
func fnString(c *Call, args []Value) (Value, error) {
	v := libArgAtOr(args, 0)
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		return x, nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, &Error{Code: "D3001", Position: c.Position, Token: "string", Value: x}
		}
	case *Sequence:
		if x.OuterWrapper && len(x.Items) > 0 {
			v = x.Items[0]
		}
	}
	if IsFunction(v) {
		return "", nil
	}
	indent := ""
	if p, _ := libArgAtOr(args, 1).(bool); p {
		indent = "  "
	}
	w := jsonWriter{indent: indent, topUndefined: "null", number: func(x float64) (string, error) {
		switch {
		case math.IsNaN(x):
			return "null", nil
		case math.IsInf(x, 0):
			return "", &Error{Code: "D1001", Position: c.Position, Value: x}
		}
		// Rounding can carry the largest numbers past the range, to
		// Infinity, which JSON.stringify writes as null.
		if r := libToPrecision15(x); !math.IsInf(r, 0) {
			return FormatNumber(r), nil
		}
		return "null", nil
	}}
	if err := w.write(v, "", 0); err != nil {
		if err == errTooDeep {
			return nil, libErrTooLarge(c, "string")
		}
		return nil, err
	}
	return w.b.String(), nil
}

// libToPrecision15 rounds f to 15 significant digits as JavaScript's
// Number(f.toPrecision(15)) does: to the nearest, ties away from zero on
// the exact binary value.
func libToPrecision15(f float64) float64 {
	if f == 0 || math.IsNaN(f) || math.IsInf(f, 0) {
		return f
	}
	neg := f < 0
	a := math.Abs(f)
	r, _ := strconv.ParseFloat(strconv.FormatFloat(a, 'e', 14, 64), 64)
	// FormatFloat rounds exact ties to even; toPrecision rounds them up.
	// A tie needs the exact expansion to be 15 digits, a 5, then zeros.
	if short := strconv.FormatFloat(a, 'e', -1, 64); len(short) > 18 { // "d." + >15 digits + "e.."
		exact := strconv.FormatFloat(a, 'e', 800, 64)
		mant, exp, _ := strings.Cut(exact, "e")
		digits := strings.Replace(mant, ".", "", 1)
		if len(digits) > 16 && digits[15] == '5' && strings.Trim(digits[16:], "0") == "" {
			n, err := strconv.ParseUint(digits[:15], 10, 64)
			e, err2 := strconv.Atoi(exp)
			if err == nil && err2 == nil {
				if up, err := strconv.ParseFloat(strconv.FormatUint(n+1, 10)+"e"+strconv.Itoa(e-14), 64); err == nil {
					r = up
				}
			}
		}
	}
	if neg {
		return -r
	}
	return r
}

// fnLength implements $length: the number of code points.
func fnLength(c *Call, args []Value) (Value, error) {
	s, ok := libArgString(args, 0)
	if !ok {
		return nil, nil
	}
	return float64(utf8.RuneCountInString(s)), nil
}

// libJsInteger converts f as JavaScript's ToIntegerOrInfinity does, clamped
// into [lo, hi].
func libJsInteger(f float64, lo, hi int) int {
	if math.IsNaN(f) {
		f = 0
	}
	f = math.Trunc(f)
	if f < float64(lo) {
		return lo
	}
	if f > float64(hi) {
		return hi
	}
	return int(f)
}

// libSliceIndex resolves a start or end argument of Array.prototype.slice
// against length n.
func libSliceIndex(f float64, n int) int {
	i := libJsInteger(f, -n-1, n+1)
	if i < 0 {
		i += n
		if i < 0 {
			i = 0
		}
	}
	if i > n {
		i = n
	}
	return i
}

// fnSubstring implements $substring(str, start, length) on code points; a
// negative start counts from the end.
func fnSubstring(c *Call, args []Value) (Value, error) {
	s, ok := libArgString(args, 0)
	if !ok {
		return nil, nil
	}
	start, _ := libArgNumber(args, 1)
	runes := []rune(s)
	n := len(runes)
	if float64(n)+start < 0 {
		start = 0
	}
	from := libSliceIndex(start, n)
	if length, ok := libArgNumber(args, 2); ok {
		if !(length > 0) {
			return "", nil
		}
		var end float64
		if start >= 0 {
			end = start + length
		} else {
			end = float64(n) + start + length
		}
		to := libSliceIndex(end, n)
		if to <= from {
			return "", nil
		}
		return string(runes[from:to]), nil
	}
	return string(runes[from:]), nil
}

// fnSubstringBefore implements $substringBefore: the part before the first
// occurrence of chars, or the whole string when there is none.
func fnSubstringBefore(c *Call, args []Value) (Value, error) {
	s, ok := libArgString(args, 0)
	if !ok {
		return nil, nil
	}
	chars, ok := libArgString(args, 1)
	if !ok {
		return s, nil
	}
	if i := strings.Index(s, chars); i >= 0 {
		return s[:i], nil
	}
	return s, nil
}

// fnSubstringAfter implements $substringAfter: the part after the first
// occurrence of chars, or the whole string when there is none.
func fnSubstringAfter(c *Call, args []Value) (Value, error) {
	s, ok := libArgString(args, 0)
	if !ok {
		return nil, nil
	}
	chars, ok := libArgString(args, 1)
	if !ok {
		return s, nil
	}
	if i := strings.Index(s, chars); i >= 0 {
		return s[i+len(chars):], nil
	}
	return s, nil
}

// libUpperSpecial holds the characters whose upper case, in JavaScript's
// full case mapping, is more than one character.
var libUpperSpecial = map[rune]string{
	0x00DF: "SS",
	0x0149: "\u02BCN",
	0x01F0: "J\u030C",
	0x0390: "\u0399\u0308\u0301",
	0x03B0: "\u03A5\u0308\u0301",
	0x0587: "\u0535\u0552",
	0x1E96: "H\u0331",
	0x1E97: "T\u0308",
	0x1E98: "W\u030A",
	0x1E99: "Y\u030A",
	0x1E9A: "A\u02BE",
	0xFB00: "FF",
	0xFB01: "FI",
	0xFB02: "FL",
	0xFB03: "FFI",
	0xFB04: "FFL",
	0xFB05: "ST",
	0xFB06: "ST",
	0xFB13: "\u0544\u0546",
	0xFB14: "\u0544\u0535",
	0xFB15: "\u0544\u053B",
	0xFB16: "\u054E\u0546",
	0xFB17: "\u0544\u053D",
}

// fnUppercase implements $uppercase with JavaScript's case mapping, in
// which some characters (ß, ligatures) become two or three.
func fnUppercase(c *Call, args []Value) (Value, error) {
	s, ok := libArgString(args, 0)
	if !ok {
		return nil, nil
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if sp, ok := libUpperSpecial[r]; ok {
			b.WriteString(sp)
		} else {
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String(), nil
}

// fnLowercase implements $lowercase with JavaScript's case mapping: İ
// becomes i with a combining dot, and a capital sigma ending a word
// becomes the final form ς.
func fnLowercase(c *Call, args []Value) (Value, error) {
	s, ok := libArgString(args, 0)
	if !ok {
		return nil, nil
	}
	if !strings.ContainsRune(s, 0x0130) && !strings.ContainsRune(s, 0x03A3) {
		return strings.ToLower(s), nil
	}
	runes := []rune(s)
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range runes {
		switch {
		case r == 0x0130:
			b.WriteString("i\u0307")
		case r == 0x03A3 && libFinalSigma(runes, i):
			b.WriteRune(0x03C2)
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String(), nil
}

// libFinalSigma reports whether the sigma at i ends a word: a cased letter
// comes before it and none after it, skipping case-ignorable characters.
func libFinalSigma(runes []rune, i int) bool {
	before := false
	for j := i - 1; j >= 0; j-- {
		if libCaseIgnorable(runes[j]) {
			continue
		}
		before = libCased(runes[j])
		break
	}
	if !before {
		return false
	}
	for j := i + 1; j < len(runes); j++ {
		if libCaseIgnorable(runes[j]) {
			continue
		}
		return !libCased(runes[j])
	}
	return true
}

func libCased(r rune) bool {
	return unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsTitle(r)
}

func libCaseIgnorable(r rune) bool {
	switch r {
	case '\'', '.', ':', 0x00B7, 0x2018, 0x2019, 0x2024, 0xFE52, 0xFE55, 0xFF07, 0xFF0E, 0xFF1A:
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}

// fnTrim implements $trim: runs of spaces, tabs, carriage returns and line
// feeds become one space, and a leading or trailing space is removed.
func fnTrim(c *Call, args []Value) (Value, error) {
	s, ok := libArgString(args, 0)
	if !ok {
		return nil, nil
	}
	var b strings.Builder
	b.Grow(len(s))
	inSpace := false
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; ch {
		case ' ', '\t', '\n', '\r':
			if !inSpace {
				b.WriteByte(' ')
				inSpace = true
			}
		default:
			b.WriteByte(ch)
			inSpace = false
		}
	}
	out := b.String()
	out = strings.TrimPrefix(out, " ")
	out = strings.TrimSuffix(out, " ")
	return out, nil
}

// fnPad implements $pad(str, width, char): padding on the right for a
// positive width and on the left for a negative one, to |width| code
// points, with char (a space by default) repeated and cut to fit.
func fnPad(c *Call, args []Value) (Value, error) {
	s, ok := libArgString(args, 0)
	if !ok {
		return nil, nil
	}
	width, ok := libArgNumber(args, 1)
	if !ok || math.IsNaN(width) {
		return s, nil
	}
	char, _ := libArgString(args, 2)
	if char == "" {
		char = " "
	}
	size := math.Trunc(math.Abs(width))
	have := float64(utf8.RuneCountInString(s))
	if size <= have {
		return s, nil
	}
	need := size - have
	if need*float64(utf8.UTFMax) > libMaxBuiltString {
		return nil, libErrTooLarge(c, "pad")
	}
	padRunes := []rune(char)
	pad := make([]rune, int(need))
	for i := range pad {
		pad[i] = padRunes[i%len(padRunes)]
	}
	if width < 0 {
		return string(pad) + s, nil
	}
	return s + string(pad), nil
}

// fnContains implements $contains(str, pattern) for a string or a matcher
// function (such as a regular expression).
func fnContains(c *Call, args []Value) (Value, error) {
	s, ok := libArgString(args, 0)
	if !ok {
		return nil, nil
	}
	switch p := libArgAtOr(args, 1).(type) {
	case nil:
		return nil, nil
	case string:
		return strings.Contains(s, p), nil
	default:
		m := libNewMatcher(c, "contains", p, s)
		first, err := m.next()
		if err != nil {
			return nil, err
		}
		return first != nil, nil
	}
}

// fnSplit implements $split(str, separator, limit) for a string or matcher
// separator.
func fnSplit(c *Call, args []Value) (Value, error) {
	s, ok := libArgString(args, 0)
	if !ok {
		return nil, nil
	}
	limitArg := libArgAtOr(args, 2)
	limit, hasLimit := limitArg.(float64)
	if hasLimit && limit < 0 {
		return nil, &Error{Code: "D3020", Position: c.Position, Token: "split", Value: limit}
	}
	result := []Value{}
	switch sep := libArgAtOr(args, 1).(type) {
	case nil:
		return nil, nil
	case string:
		var parts []string
		if sep == "" {
			parts = strings.Split(s, "")
		} else {
			parts = strings.Split(s, sep)
		}
		n := len(parts)
		if hasLimit {
			n = libJsInteger(limit, 0, n)
		}
		for _, p := range parts[:n] {
			result = append(result, p)
		}
		return result, nil
	default:
		m := libNewMatcher(c, "split", sep, s)
		match, err := m.next()
		if err != nil {
			return nil, err
		}
		if match == nil {
			return []Value{s}, nil
		}
		start, count := 0, 0.0
		for match != nil && (!hasLimit || count < limit) {
			result = append(result, libSubstr(s, start, match.start))
			start = match.end
			if match, err = m.next(); err != nil {
				return nil, err
			}
			count++
		}
		if !hasLimit || count < limit {
			result = append(result, libSubstr(s, start, len(s)))
		}
		return result, nil
	}
}

// libSubstr returns s[from:to] with the bounds clamped to s, and "" when they
// cross (as String.prototype.substring swaps them, ordered here).
func libSubstr(s string, from, to int) string {
	from = max(0, min(from, len(s)))
	to = max(0, min(to, len(s)))
	if from > to {
		from, to = to, from
	}
	return s[from:to]
}

// fnJoin implements $join(strings, separator).
func fnJoin(c *Call, args []Value) (Value, error) {
	v := libArgAtOr(args, 0)
	if v == nil {
		return nil, nil
	}
	items, ok := Items(v)
	if !ok {
		items = []Value{v}
	}
	sep, _ := libArgString(args, 1)
	parts := make([]string, 0, len(items))
	for _, e := range items {
		s, ok := e.(string)
		if !ok {
			return nil, &Error{Code: "T0412", Position: c.Position, Token: "join", Index: 1, Value: e, Type: "string"}
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, sep), nil
}

// fnMatch implements $match(str, pattern, limit): the matches as objects
// {match, index, groups}.
func fnMatch(c *Call, args []Value) (Value, error) {
	s, ok := libArgString(args, 0)
	if !ok {
		return nil, nil
	}
	limit, hasLimit := libArgNumber(args, 2)
	if hasLimit && limit < 0 {
		return nil, &Error{Code: "D3040", Position: c.Position, Token: "match", Value: limit}
	}
	pattern := libArgAtOr(args, 1)
	if pattern == nil {
		return nil, nil
	}
	var out []Value
	if !hasLimit || limit > 0 {
		m := libNewMatcher(c, "match", pattern, s)
		match, err := m.next()
		if err != nil {
			return nil, err
		}
		count := 0.0
		for match != nil && (!hasLimit || count < limit) {
			o := NewObject(3)
			o.Append("match", match.text)
			o.Append("index", match.index)
			o.Append("groups", match.groups)
			out = append(out, o)
			if match, err = m.next(); err != nil {
				return nil, err
			}
			count++
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return &Sequence{Items: out}, nil
}

// fnReplace implements $replace(str, pattern, replacement, limit). A
// string pattern is found literally and a string replacement inserted as
// it is; with a matcher pattern the replacement may name groups ($0, $1,
// $$) or be a function of the match object returning a string.
func fnReplace(c *Call, args []Value) (Value, error) {
	s, ok := libArgString(args, 0)
	if !ok {
		return nil, nil
	}
	pattern := libArgAtOr(args, 1)
	if p, ok := pattern.(string); ok && p == "" {
		return nil, &Error{Code: "D3010", Position: c.Position, Token: "replace", Value: p}
	}
	limit, hasLimit := libArgNumber(args, 3)
	if hasLimit && limit < 0 {
		return nil, &Error{Code: "D3011", Position: c.Position, Token: "replace", Value: limit}
	}
	replacement := libArgAtOr(args, 2)
	if pattern == nil || replacement == nil {
		return nil, nil
	}
	if hasLimit && !(limit > 0) {
		return s, nil
	}
	var b strings.Builder
	count := 0.0
	if p, ok := pattern.(string); ok {
		pos := 0
		for !hasLimit || count < limit {
			i := strings.Index(s[pos:], p)
			if i < 0 {
				break
			}
			b.WriteString(s[pos : pos+i])
			switch r := replacement.(type) {
			case string:
				b.WriteString(r)
			default:
				m := &libMatchResult{text: p, start: pos + i, end: pos + i + len(p), index: float64(libUtf16Len(s[:pos+i]))}
				text, err := libApplyReplacer(c, r, m)
				if err != nil {
					return nil, err
				}
				b.WriteString(text)
			}
			pos += i + len(p)
			count++
		}
		b.WriteString(s[pos:])
		return b.String(), nil
	}
	m := libNewMatcher(c, "replace", pattern, s)
	match, err := m.next()
	if err != nil {
		return nil, err
	}
	if match == nil {
		return s, nil
	}
	pos := 0
	for match != nil && (!hasLimit || count < limit) {
		b.WriteString(libSubstr(s, pos, match.start))
		var text string
		if r, ok := replacement.(string); ok {
			text = libExpandReplacement(r, match)
		} else if text, err = libApplyReplacer(c, replacement, match); err != nil {
			return nil, err
		}
		b.WriteString(text)
		pos = max(pos, min(match.start+len(match.text), len(s)))
		if match, err = m.next(); err != nil {
			return nil, err
		}
		count++
	}
	b.WriteString(s[pos:])
	return b.String(), nil
}

// libApplyReplacer calls a replacement function with the match object
// {match, start, end, groups} and requires a string back (D3012).
func libApplyReplacer(c *Call, fn Value, m *libMatchResult) (string, error) {
	o := NewObject(4)
	o.Append("match", m.text)
	o.Append("start", m.index)
	o.Append("end", m.endIndex())
	o.Append("groups", m.groups)
	v, err := c.Apply(fn, o)
	if err != nil {
		return "", err
	}
	if s, ok := libSingleton(v).(string); ok {
		return s, nil
	}
	return "", &Error{Code: "D3012", Position: c.Position, Token: "replace", Value: v}
}

// libSingleton unwraps a sequence of one value.
func libSingleton(v Value) Value {
	if s, ok := v.(*Sequence); ok && len(s.Items) == 1 && !s.KeepSingleton {
		return s.Items[0]
	}
	return v
}

// libExpandReplacement substitutes a replacement string's $ references as
// JSONata does: $$ is a dollar sign, $0 the whole match, and $ followed by
// digits the group with that number, taking as many digits as the count of
// groups has (one fewer when the number would be too large). An unknown
// group inserts nothing; a $ not followed by a number stays as it is.
func libExpandReplacement(repl string, m *libMatchResult) string {
	if !strings.Contains(repl, "$") {
		return repl
	}
	ngroups := len(m.groups)
	maxDigits := 1
	if ngroups > 0 {
		maxDigits = int(math.Floor(math.Log(float64(ngroups))*math.Log10E)) + 1
	}
	var b strings.Builder
	r := []rune(repl)
	pos := 0
	for pos < len(r) {
		i := libIndexRune(r, '$', pos)
		if i < 0 {
			break
		}
		b.WriteString(string(r[pos:i]))
		pos = i + 1
		if pos < len(r) && r[pos] == '$' {
			b.WriteByte('$')
			pos++
			continue
		}
		if pos < len(r) && r[pos] == '0' {
			b.WriteString(m.text)
			pos++
			continue
		}
		n, ok := libParseIntPrefix(r[pos:min(pos+maxDigits, len(r))])
		if ok && maxDigits > 1 && n > float64(ngroups) {
			n, ok = libParseIntPrefix(r[pos:min(pos+maxDigits-1, len(r))])
		}
		if !ok {
			b.WriteByte('$')
			continue
		}
		if ngroups > 0 && n >= 1 && n <= float64(ngroups) {
			if g, ok := m.groups[int(n)-1].(string); ok {
				b.WriteString(g)
			}
		}
		pos += len(FormatNumber(n))
	}
	if pos < len(r) {
		b.WriteString(string(r[pos:]))
	}
	return b.String()
}

func libIndexRune(r []rune, x rune, from int) int {
	for i := from; i < len(r); i++ {
		if r[i] == x {
			return i
		}
	}
	return -1
}

// libParseIntPrefix reads an integer at the start of r as JavaScript's
// parseInt(r, 10) does: leading white space, an optional sign, digits.
func libParseIntPrefix(r []rune) (float64, bool) {
	i := 0
	for i < len(r) && libIsJSSpace(r[i]) {
		i++
	}
	neg := false
	if i < len(r) && (r[i] == '+' || r[i] == '-') {
		neg = r[i] == '-'
		i++
	}
	start := i
	n := 0.0
	for i < len(r) && r[i] >= '0' && r[i] <= '9' {
		n = n*10 + float64(r[i]-'0')
		i++
	}
	if i == start {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}

func libIsJSSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\v', '\f', '\r', 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}

// fnEval implements $eval(expr, context): expr is parsed and evaluated
// against context (or the current context), with syntax errors reported
// as D3120 and evaluation errors as D3121.
func fnEval(c *Call, args []Value) (Value, error) {
	expr, ok := libArgString(args, 0)
	if !ok {
		return nil, nil
	}
	input := c.Input
	if focus := libArgAtOr(args, 1); focus != nil {
		input = focus
		if arr, ok := focus.([]Value); ok {
			input = &Sequence{Items: []Value{arr}, OuterWrapper: true}
		}
	}
	v, err := c.Evaluate(expr, input, nil)
	if err != nil {
		var e *Error
		if !errors.As(err, &e) || e.Code == "D3120" || e.Code == "D3121" {
			return nil, err
		}
		code := "D3121"
		if strings.HasPrefix(e.Code, "S0") {
			code = "D3120"
		}
		return nil, &Error{Code: code, Position: c.Position, Token: "eval", Value: e.Message()}
	}
	return v, nil
}

// fnBase64Encode implements $base64encode. As in JSONata, each character
// is taken as one byte (its code unit modulo 256).
func fnBase64Encode(c *Call, args []Value) (Value, error) {
	s, ok := libArgString(args, 0)
	if !ok {
		return nil, nil
	}
	buf := make([]byte, 0, len(s))
	for _, r := range s {
		if r >= 0x10000 {
			// Two UTF-16 code units, each truncated to a byte.
			hi, lo := 0xd800+((r-0x10000)>>10), 0xdc00+((r-0x10000)&0x3ff)
			buf = append(buf, byte(hi), byte(lo))
			continue
		}
		buf = append(buf, byte(r))
	}
	return base64.StdEncoding.EncodeToString(buf), nil
}

// fnBase64Decode implements $base64decode: each decoded byte becomes one
// character (Latin-1), as JSONata does. Characters outside the base64
// alphabet are skipped, padding is optional and the URL-safe alphabet is
// accepted.
func fnBase64Decode(c *Call, args []Value) (Value, error) {
	s, ok := libArgString(args, 0)
	if !ok {
		return nil, nil
	}
	clean := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch >= 'A' && ch <= 'Z', ch >= 'a' && ch <= 'z', ch >= '0' && ch <= '9', ch == '+', ch == '/':
			clean = append(clean, ch)
		case ch == '-':
			clean = append(clean, '+')
		case ch == '_':
			clean = append(clean, '/')
		case ch == '=':
			i = len(s)
		}
	}
	if len(clean)%4 == 1 {
		clean = clean[:len(clean)-1]
	}
	// Unpadded and with stray low bits tolerated, as Node.js decodes.
	raw, err := base64.RawStdEncoding.DecodeString(string(clean))
	if err != nil {
		raw = nil
	}
	var b strings.Builder
	b.Grow(len(raw))
	for _, by := range raw {
		b.WriteRune(rune(by))
	}
	return b.String(), nil
}

const libUpperHex = "0123456789ABCDEF"

// encodeURI percent-encodes s as UTF-8, leaving the ASCII characters in
// keep unencoded; it fails on invalid UTF-8 (JavaScript's lone surrogates).
func libEncodeURI(c *Call, name, s, keep string) (Value, error) {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			return nil, &Error{Code: "D3140", Position: c.Position, Token: name, FuncName: name, Value: s}
		}
		if r < utf8.RuneSelf {
			ch := byte(r)
			if ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || strings.IndexByte(keep, ch) >= 0 {
				b.WriteByte(ch)
				i++
				continue
			}
		}
		for j := i; j < i+size; j++ {
			b.WriteByte('%')
			b.WriteByte(libUpperHex[s[j]>>4])
			b.WriteByte(libUpperHex[s[j]&0xf])
		}
		i += size
	}
	return b.String(), nil
}

const (
	libUriUnreserved = "-_.!~*'()"
	libUriReserved   = ";/?:@&=+$,#"
)

// fnEncodeURLComponent implements $encodeUrlComponent like JavaScript's
// encodeURIComponent.
func fnEncodeURLComponent(c *Call, args []Value) (Value, error) {
	s, ok := libArgString(args, 0)
	if !ok {
		return nil, nil
	}
	return libEncodeURI(c, "encodeUrlComponent", s, libUriUnreserved)
}

// fnEncodeURL implements $encodeUrl like JavaScript's encodeURI.
func fnEncodeURL(c *Call, args []Value) (Value, error) {
	s, ok := libArgString(args, 0)
	if !ok {
		return nil, nil
	}
	return libEncodeURI(c, "encodeUrl", s, libUriUnreserved+libUriReserved)
}

func libUnhex(ch byte) (byte, bool) {
	switch {
	case ch >= '0' && ch <= '9':
		return ch - '0', true
	case ch >= 'a' && ch <= 'f':
		return ch - 'a' + 10, true
	case ch >= 'A' && ch <= 'F':
		return ch - 'A' + 10, true
	}
	return 0, false
}

// decodeURI reverses percent-encoding as JavaScript's decodeURI family
// does: escapes must form valid UTF-8 (else D3140), and an escape of an
// ASCII character in keep is left as it was.
func libDecodeURI(c *Call, name, s, keep string) (Value, error) {
	malformed := &Error{Code: "D3140", Position: c.Position, Token: name, FuncName: name, Value: s}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		if s[i] != '%' {
			b.WriteByte(s[i])
			i++
			continue
		}
		// Gather the escapes of one UTF-8 sequence.
		readByte := func(at int) (byte, bool) {
			if at+3 > len(s) || s[at] != '%' {
				return 0, false
			}
			h, ok1 := libUnhex(s[at+1])
			l, ok2 := libUnhex(s[at+2])
			return h<<4 | l, ok1 && ok2
		}
		first, ok := readByte(i)
		if !ok {
			return nil, malformed
		}
		if first < 0x80 {
			if strings.IndexByte(keep, first) >= 0 {
				b.WriteString(s[i : i+3])
			} else {
				b.WriteByte(first)
			}
			i += 3
			continue
		}
		var n int
		switch {
		case first&0xe0 == 0xc0:
			n = 2
		case first&0xf0 == 0xe0:
			n = 3
		case first&0xf8 == 0xf0:
			n = 4
		default:
			return nil, malformed
		}
		seq := []byte{first}
		for k := 1; k < n; k++ {
			by, ok := readByte(i + 3*k)
			if !ok || by&0xc0 != 0x80 {
				return nil, malformed
			}
			seq = append(seq, by)
		}
		if r, size := utf8.DecodeRune(seq); r == utf8.RuneError && size <= 1 || size != n {
			return nil, malformed
		}
		b.Write(seq)
		i += 3 * n
	}
	return b.String(), nil
}

// fnDecodeURLComponent implements $decodeUrlComponent like JavaScript's
// decodeURIComponent.
func fnDecodeURLComponent(c *Call, args []Value) (Value, error) {
	s, ok := libArgString(args, 0)
	if !ok {
		return nil, nil
	}
	return libDecodeURI(c, "decodeUrlComponent", s, "")
}

// fnDecodeURL implements $decodeUrl like JavaScript's decodeURI, which
// leaves escapes of reserved characters alone.
func fnDecodeURL(c *Call, args []Value) (Value, error) {
	s, ok := libArgString(args, 0)
	if !ok {
		return nil, nil
	}
	return libDecodeURI(c, "decodeUrl", s, libUriReserved)
}

// libMatchResult is one match found by a regular expression or a custom matcher
// function. Offsets are bytes into the searched string.
type libMatchResult struct {
	text       string
	start, end int
	index      float64 // start as JSONata reports it (UTF-16 code units)
	groups     []Value // captured groups: strings, nil for a group that took no part
}

// endIndex is the match's end as JSONata reports it.
func (m *libMatchResult) endIndex() float64 {
	return m.index + float64(libUtf16Len(m.text))
}

// libMatcher walks the successive matches of a pattern in a string: a
// *Regex, or any function that follows JSONata's matcher protocol
// (returning {match, start, end, groups, next} or undefined).
type libMatcher struct {
	c    *Call
	name string
	str  string
	fn   Value

	re      *regexp.Regexp
	source  string
	all     [][]int
	k       int
	prev    *libMatchResult
	started bool
	done    bool
	nextFn  Value
}

// libNewMatcher prepares to walk the matches of fn in s for function name.
func libNewMatcher(c *Call, name string, fn Value, s string) *libMatcher {
	m := &libMatcher{c: c, name: name, str: s, fn: fn}
	if r, ok := fn.(*Regex); ok && r.Regexp() != nil {
		m.re = r.Regexp()
		m.source = r.Source
	}
	return m
}

// next returns the next match, nil when there are no more.
func (m *libMatcher) next() (*libMatchResult, error) {
	if m.done {
		return nil, nil
	}
	var res *libMatchResult
	var err error
	if m.re != nil {
		res, err = m.nextRegex()
	} else {
		res, err = m.nextCustom()
	}
	if res == nil || err != nil {
		m.done = true
	}
	return res, err
}

func (m *libMatcher) nextRegex() (*libMatchResult, error) {
	s := m.str
	if !m.started {
		m.started = true
		loc := m.re.FindStringSubmatchIndex(s)
		if loc == nil {
			return nil, nil
		}
		m.prev = m.regexMatch(loc)
		m.k = 1
		return m.prev, nil
	}
	// JavaScript searches on from where the last match ended; a match
	// there of no length would repeat for ever, which JSONata reports.
	if m.prev.end >= len(s) {
		return nil, nil
	}
	if m.prev.start == m.prev.end {
		return nil, &Error{Code: "D1004", Position: m.c.Position, Token: m.name, Value: m.source}
	}
	if m.all == nil {
		m.all = m.re.FindAllStringSubmatchIndex(s, -1)
	}
	for m.k < len(m.all) && m.all[m.k][0] < m.prev.end {
		m.k++
	}
	if m.k >= len(m.all) {
		return nil, nil
	}
	loc := m.all[m.k]
	m.k++
	if loc[0] == loc[1] {
		return nil, &Error{Code: "D1004", Position: m.c.Position, Token: m.name, Value: m.source}
	}
	m.prev = m.regexMatch(loc)
	return m.prev, nil
}

func (m *libMatcher) regexMatch(loc []int) *libMatchResult {
	s := m.str
	res := &libMatchResult{text: s[loc[0]:loc[1]], start: loc[0], end: loc[1], index: float64(libUtf16Len(s[:loc[0]]))}
	res.groups = make([]Value, 0, len(loc)/2-1)
	for g := 1; g < len(loc)/2; g++ {
		if loc[2*g] < 0 {
			res.groups = append(res.groups, nil)
		} else {
			res.groups = append(res.groups, s[loc[2*g]:loc[2*g+1]])
		}
	}
	return res
}

func (m *libMatcher) nextCustom() (*libMatchResult, error) {
	var v Value
	var err error
	if !m.started {
		m.started = true
		v, err = m.c.Apply(m.fn, m.str)
	} else {
		if m.nextFn == nil {
			return nil, nil
		}
		v, err = m.c.Apply(m.nextFn)
	}
	if err != nil {
		return nil, err
	}
	v = libSingleton(v)
	if v == nil {
		return nil, nil
	}
	bad := &Error{Code: "T1010", Position: m.c.Position, Token: m.name}
	o, ok := v.(*Object)
	if !ok {
		return nil, bad
	}
	text, ok1 := libObjField(o, "match").(string)
	start, ok2 := libObjField(o, "start").(float64)
	end, ok3 := libObjField(o, "end").(float64)
	groupsV := libObjField(o, "groups")
	groups, ok4 := Items(groupsV)
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return nil, bad
	}
	next := libObjField(o, "next")
	if next != nil && !IsFunction(next) {
		return nil, bad
	}
	m.nextFn = next
	return &libMatchResult{
		text:   text,
		start:  libUtf16ToByte(m.str, start),
		end:    libUtf16ToByte(m.str, end),
		index:  start,
		groups: append([]Value(nil), groups...),
	}, nil
}

func libObjField(o *Object, key string) Value {
	v, _ := o.Get(key)
	return v
}

// libUtf16Len is the length of s in UTF-16 code units, as JavaScript counts.
func libUtf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// libUtf16ToByte converts a UTF-16 offset into s to a byte offset, clamped to
// the string.
func libUtf16ToByte(s string, u float64) int {
	if !(u > 0) {
		return 0
	}
	n := 0.0
	for i, r := range s {
		if n >= u {
			return i
		}
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return len(s)
}
