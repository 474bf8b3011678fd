package intrinsic

// This file reproduces the few Java behaviours that show through Step
// Functions' intrinsic functions: how values print (String.valueOf of the
// Java object a JSON value becomes, and Jackson's JSON output), how they
// hash and compare (for java.util.HashSet order in States.ArrayUnique) and
// java.util.Random (for a seeded States.MathRandom).
//
// A JSON value read from a state's input becomes a plain Java object:
// null, Boolean, String, Integer, Long or BigInteger for a number without
// fraction or exponent, Double for any other number, ArrayList and
// LinkedHashMap. The result of States.StringToJson instead stays a Jackson
// node, which prints as JSON.

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// numKind is the Java class a JSON number becomes.
type numKind uint8

const (
	numInt    numKind = iota // Integer
	numLong                  // Long
	numBig                   // BigInteger
	numDouble                // Double
)

// classify returns the Java class of n with its value. For the integer
// kinds i holds the value (numBig: b); for numDouble, f.
func classify(n jsonvalue.Number) (k numKind, i int64, b *big.Int, f float64) {
	if n.IsIntegerLiteral() {
		if v, err := strconv.ParseInt(string(n), 10, 64); err == nil {
			if v >= math.MinInt32 && v <= math.MaxInt32 {
				return numInt, v, nil, 0
			}
			return numLong, v, nil, 0
		}
		if bi, ok := new(big.Int).SetString(string(n), 10); ok {
			return numBig, 0, bi, 0
		}
	}
	return numDouble, 0, nil, n.Float64()
}

// appendJavaNumber appends the Java text of n: the integer in decimal, or
// Double.toString of the double.
func appendJavaNumber(dst []byte, n jsonvalue.Number) []byte {
	if n.IsIntegerLiteral() {
		s := string(n)
		if s == "" {
			return append(dst, '0')
		}
		if s[0] == '-' && strings.Trim(s[1:], "0") == "" {
			return append(dst, '0')
		}
		if len(s) <= 18 {
			return append(dst, s...)
		}
		if bi, ok := new(big.Int).SetString(s, 10); ok {
			return bi.Append(dst, 10)
		}
		return append(dst, s...)
	}
	return appendJavaDouble(dst, n.Float64())
}

// appendJavaDouble appends Double.toString(f): the shortest decimal that
// reads back as f, in plain notation with at least one fraction digit when
// 10^-3 <= |f| < 10^7 and as d.dddE±n otherwise.
func appendJavaDouble(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	case f == 0:
		if math.Signbit(f) {
			return append(dst, "-0.0"...)
		}
		return append(dst, "0.0"...)
	}
	if f < 0 {
		dst = append(dst, '-')
		f = -f
	}
	var buf [32]byte
	e := strconv.AppendFloat(buf[:0], f, 'e', -1, 64)
	// e is d[.ddd]e±xx.
	ei := len(e) - 1
	for e[ei] != 'e' {
		ei--
	}
	exp, _ := strconv.Atoi(string(e[ei+1:]))
	digits := make([]byte, 0, 20)
	digits = append(digits, e[0])
	if ei > 1 {
		digits = append(digits, e[2:ei]...)
	}
	if f >= 1e-3 && f < 1e7 {
		if exp >= 0 {
			intLen := exp + 1
			for len(digits) < intLen {
				digits = append(digits, '0')
			}
			dst = append(dst, digits[:intLen]...)
			dst = append(dst, '.')
			if len(digits) > intLen {
				return append(dst, digits[intLen:]...)
			}
			return append(dst, '0')
		}
		dst = append(dst, '0', '.')
		for i := 0; i < -exp-1; i++ {
			dst = append(dst, '0')
		}
		return append(dst, digits...)
	}
	dst = append(dst, digits[0], '.')
	if len(digits) > 1 {
		dst = append(dst, digits[1:]...)
	} else {
		dst = append(dst, '0')
	}
	dst = append(dst, 'E')
	return strconv.AppendInt(dst, int64(exp), 10)
}

// appendJava appends String.valueOf of the Java object v becomes: strings
// unquoted, null as "null", lists as [a, b] and maps as {k=v, k2=v2}.
func appendJava(dst []byte, v jsonvalue.Value) []byte {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...)
	case bool:
		if x {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case string:
		return append(dst, x...)
	case jsonvalue.Number:
		return appendJavaNumber(dst, x)
	case []jsonvalue.Value:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',', ' ')
			}
			dst = appendJava(dst, e)
		}
		return append(dst, ']')
	case *jsonvalue.Object:
		dst = append(dst, '{')
		for i := 0; i < x.Len(); i++ {
			k, e := x.At(i)
			if i > 0 {
				dst = append(dst, ',', ' ')
			}
			dst = append(dst, k...)
			dst = append(dst, '=')
			dst = appendJava(dst, e)
		}
		return append(dst, '}')
	}
	return jsonvalue.Append(dst, v)
}

// appendJackson appends the compact JSON Jackson writes for v: like
// jsonvalue.Append but with numbers printed as Java numbers (1.50 as 1.5,
// 1e2 as 100.0).
func appendJackson(dst []byte, v jsonvalue.Value) []byte {
	switch x := v.(type) {
	case jsonvalue.Number:
		if !x.IsIntegerLiteral() {
			if f := x.Float64(); math.IsInf(f, 0) {
				return append(dst, x...)
			}
		}
		return appendJavaNumber(dst, x)
	case []jsonvalue.Value:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJackson(dst, e)
		}
		return append(dst, ']')
	case *jsonvalue.Object:
		dst = append(dst, '{')
		for i := 0; i < x.Len(); i++ {
			k, e := x.At(i)
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = jsonvalue.AppendString(dst, k)
			dst = append(dst, ':')
			dst = appendJackson(dst, e)
		}
		return append(dst, '}')
	}
	return jsonvalue.Append(dst, v)
}

// appendText appends the text of a value as States.Format and its kin see
// it: String.valueOf for plain values, JSON for Jackson nodes.
func appendText(dst []byte, r result) []byte {
	if r.node {
		return appendJackson(dst, r.v)
	}
	return appendJava(dst, r.v)
}

// javaStringHash is String.hashCode over the UTF-16 code units of s.
func javaStringHash(s string) int32 {
	var h int32
	for _, r := range s {
		if r >= 0x10000 {
			r -= 0x10000
			h = 31*h + int32(0xD800+(r>>10))
			h = 31*h + int32(0xDC00+(r&0x3FF))
			continue
		}
		h = 31*h + int32(r)
	}
	return h
}

// javaHash is hashCode of the Java object v becomes (0 for null, as
// HashMap treats a null key).
func javaHash(v jsonvalue.Value) int32 {
	switch x := v.(type) {
	case nil:
		return 0
	case bool:
		if x {
			return 1231
		}
		return 1237
	case string:
		return javaStringHash(x)
	case jsonvalue.Number:
		k, i, b, f := classify(x)
		switch k {
		case numInt:
			return int32(i)
		case numLong:
			return int32(i ^ int64(uint64(i)>>32))
		case numBig:
			return bigIntHash(b)
		}
		bits := math.Float64bits(f)
		if f != f {
			bits = 0x7ff8000000000000
		}
		return int32(bits ^ bits>>32)
	case []jsonvalue.Value:
		h := int32(1)
		for _, e := range x {
			h = 31*h + javaHash(e)
		}
		return h
	case *jsonvalue.Object:
		var h int32
		for i := 0; i < x.Len(); i++ {
			k, e := x.At(i)
			h += javaStringHash(k) ^ javaHash(e)
		}
		return h
	}
	return 0
}

// bigIntHash is BigInteger.hashCode.
func bigIntHash(b *big.Int) int32 {
	mag := new(big.Int).Abs(b).Bytes()
	// Pad to whole 32-bit words, big-endian.
	if r := len(mag) % 4; r != 0 {
		mag = append(make([]byte, 4-r), mag...)
	}
	var h int32
	for i := 0; i < len(mag); i += 4 {
		w := uint32(mag[i])<<24 | uint32(mag[i+1])<<16 | uint32(mag[i+2])<<8 | uint32(mag[i+3])
		h = int32(31*int64(h) + int64(w))
	}
	return h * int32(b.Sign())
}

// javaEqual is equals of the Java objects a and b become: numbers are
// equal only when they are of the same class and value, maps regardless of
// key order.
func javaEqual(a, b jsonvalue.Value) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	case jsonvalue.Number:
		y, ok := b.(jsonvalue.Number)
		if !ok {
			return false
		}
		if x == y {
			return true
		}
		kx, ix, bx, fx := classify(x)
		ky, iy, by, fy := classify(y)
		if kx != ky {
			return false
		}
		switch kx {
		case numInt, numLong:
			return ix == iy
		case numBig:
			return bx.Cmp(by) == 0
		}
		return math.Float64bits(fx) == math.Float64bits(fy) || fx != fx && fy != fy
	case []jsonvalue.Value:
		y, ok := b.([]jsonvalue.Value)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !javaEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case *jsonvalue.Object:
		y, ok := b.(*jsonvalue.Object)
		if !ok || x.Len() != y.Len() {
			return false
		}
		for i := 0; i < x.Len(); i++ {
			k, e := x.At(i)
			f, ok := y.Get(k)
			if !ok || !javaEqual(e, f) {
				return false
			}
		}
		return true
	}
	return false
}

// hashSetOrder returns the distinct values of vs (by javaEqual) in the
// order a java.util.HashSet built with new HashSet<>(list) iterates them:
// by bucket of the spread hash code, then in insertion order. Bins that
// grow past eight entries resize a small table as HashMap does; a bin that
// Java would turn into a tree keeps insertion order here, which can differ
// from Java only for nine or more values with colliding hash codes.
func hashSetOrder(vs []jsonvalue.Value) []jsonvalue.Value {
	type entry struct {
		hash int32
		v    jsonvalue.Value
	}
	// HashSet(Collection): new HashMap<>(Math.max((int) (size/.75f) + 1, 16)).
	capacity := max(int(float32(len(vs))/float32(0.75))+1, 16)
	n := 1
	for n < capacity {
		n <<= 1
	}
	table := make([][]entry, n)
	spread := func(h int32) int32 { return h ^ int32(uint32(h)>>16) }
	resize := func() {
		old := table
		table = make([][]entry, len(old)*2)
		for _, bin := range old {
			for _, e := range bin {
				i := int(uint32(e.hash) & uint32(len(table)-1))
				table[i] = append(table[i], e)
			}
		}
	}
	for _, v := range vs {
		h := spread(javaHash(v))
		i := int(uint32(h) & uint32(len(table)-1))
		dup := false
		for _, e := range table[i] {
			if e.hash == h && javaEqual(e.v, v) {
				dup = true
				break
			}
		}
		if dup {
			continue
		}
		table[i] = append(table[i], entry{h, v})
		// HashMap.putVal: a bin reaching nine entries is treeified, or the
		// table is resized instead while it has fewer than 64 buckets.
		if len(table[i]) > 8 && len(table) < 64 {
			resize()
		}
	}
	out := make([]jsonvalue.Value, 0, len(vs))
	for _, bin := range table {
		for _, e := range bin {
			out = append(out, e.v)
		}
	}
	return out
}

// javaRandom is java.util.Random.
type javaRandom struct{ seed int64 }

const (
	javaMultiplier = 0x5DEECE66D
	javaMask       = 1<<48 - 1
)

func newJavaRandom(seed int64) javaRandom {
	return javaRandom{seed: (seed ^ javaMultiplier) & javaMask}
}

func (r *javaRandom) next(bits uint) int32 {
	r.seed = (r.seed*javaMultiplier + 0xB) & javaMask
	return int32(uint64(r.seed) >> (48 - bits))
}

// nextInt is Random.nextInt(bound) for bound > 0.
func (r *javaRandom) nextInt(bound int32) int32 {
	x := r.next(31)
	m := bound - 1
	if bound&m == 0 {
		return int32((int64(bound) * int64(x)) >> 31)
	}
	for u := x; ; u = r.next(31) {
		x = u % bound
		if u-x+m >= 0 {
			return x
		}
	}
}

// utf16Len is the length of s in UTF-16 code units, Java's String.length.
func utf16Len(s string) int {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			n++
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
		i += size
	}
	return n
}

// decodeUTF8Java converts bytes to a string as new String(b, UTF_8) does:
// each maximal ill-formed subsequence becomes one U+FFFD.
func decodeUTF8Java(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(len(b) + 8)
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError || size > 1 {
			sb.WriteString(string(b[i : i+size]))
			i += size
			continue
		}
		// Skip the longest prefix of a well-formed sequence starting here.
		i += illFormedLen(b[i:])
		sb.WriteRune(utf8.RuneError)
	}
	return sb.String()
}

// illFormedLen returns the length of the maximal subpart of an ill-formed
// UTF-8 sequence at the start of b (at least 1).
func illFormedLen(b []byte) int {
	c := b[0]
	var need int
	lo, hi := byte(0x80), byte(0xBF)
	switch {
	case c >= 0xC2 && c <= 0xDF:
		need = 1
	case c == 0xE0:
		need, lo = 2, 0xA0
	case c >= 0xE1 && c <= 0xEC, c == 0xEE, c == 0xEF:
		need = 2
	case c == 0xED:
		need, hi = 2, 0x9F
	case c == 0xF0:
		need, lo = 3, 0x90
	case c >= 0xF1 && c <= 0xF3:
		need = 3
	case c == 0xF4:
		need, hi = 3, 0x8F
	default:
		return 1
	}
	n := 1
	for k := 0; k < need && n < len(b); k++ {
		d := b[n]
		if k == 0 && (d < lo || d > hi) || k > 0 && (d < 0x80 || d > 0xBF) {
			break
		}
		n++
	}
	return n
}
