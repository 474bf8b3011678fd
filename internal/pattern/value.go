package pattern

import (
	"math"
	"net/netip"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// leafKind is the JSON type of a leaf value of an event.
type leafKind uint8

const (
	kindString leafKind = iota + 1
	kindNumber
	kindTrue
	kindFalse
	kindNull
)

// matchKind says what a matcher tests.
type matchKind uint8

const (
	mExactString matchKind = iota + 1 // s
	mExactNumber                      // f
	mExactTrue
	mExactFalse
	mExactNull
	mExactIP         // ip: a string literal that is an IP address matches that address
	mPrefix          // s
	mPrefixFold      // s (folded)
	mSuffix          // s
	mSuffixFold      // s (folded)
	mEqualsFold      // s (folded)
	mWildcard        // wild
	mNumeric         // lo, hi
	mCIDR            // ipLo, ipHi
	mExists          // any leaf
	mAnythingBut     // strs, nums
	mAnythingButPre  // strs
	mAnythingButSuf  // strs
	mAnythingButFold // strs (folded)
	mAnythingButWild // wilds
	mAbsent          // exists: false (never matches a leaf)
)

// matcher is one element of a field's value list in a pattern. It is kept
// small, because index entries hold matchers inline; the rarer operands
// live behind x.
type matcher struct {
	kind   matchKind
	loOpen bool
	hiOpen bool
	s      string
	f      float64
	lo, hi float64
	x      *matchExtra
}

// matchExtra holds the operands of IP, anything-but and wildcard matchers.
type matchExtra struct {
	ip    ipRange
	strs  []string
	nums  []float64
	wild  *wildcard
	wilds []*wildcard
}

// ipRange is an inclusive range of addresses of one family, as 16 bytes
// (IPv4 in the last four with v4 set).
type ipRange struct {
	lo, hi [16]byte
	v4     bool
}

// leaf is one scalar value found in an event at a path the rules use.
type leaf struct {
	path   int32
	kind   leafKind
	next   int32 // next leaf of the same path, -1 at the end
	trail  int32 // node in the array-trail tree, -1 outside arrays of objects
	s      string
	f      float64
	fold   string // folded s, computed on demand
	folded bool
	ipOK   int8 // 0 unknown, 1 is an IP, -1 is not
	ip     [16]byte
	ipV4   bool
}

func (lf *leaf) folds() string {
	if !lf.folded {
		lf.fold = foldString(lf.s)
		lf.folded = true
	}
	return lf.fold
}

func (lf *leaf) addr() ([16]byte, bool, bool) {
	if lf.ipOK == 0 {
		lf.ipOK = -1
		if b, v4, ok := parseIP(lf.s); ok {
			lf.ip, lf.ipV4, lf.ipOK = b, v4, 1
		}
	}
	return lf.ip, lf.ipV4, lf.ipOK == 1
}

// matches reports whether the leaf satisfies the matcher.
func (m *matcher) matches(lf *leaf) bool {
	switch m.kind {
	case mExactString:
		return lf.kind == kindString && lf.s == m.s
	case mExactNumber:
		return lf.kind == kindNumber && lf.f == m.f
	case mExactTrue:
		return lf.kind == kindTrue
	case mExactFalse:
		return lf.kind == kindFalse
	case mExactNull:
		return lf.kind == kindNull
	case mExactIP:
		if lf.kind != kindString {
			return false
		}
		if lf.s == m.s {
			return true
		}
		b, v4, ok := lf.addr()
		return ok && v4 == m.x.ip.v4 && b == m.x.ip.lo
	case mPrefix:
		return lf.kind == kindString && strings.HasPrefix(lf.s, m.s)
	case mPrefixFold:
		return lf.kind == kindString && strings.HasPrefix(lf.folds(), m.s)
	case mSuffix:
		return lf.kind == kindString && strings.HasSuffix(lf.s, m.s)
	case mSuffixFold:
		return lf.kind == kindString && strings.HasSuffix(lf.folds(), m.s)
	case mEqualsFold:
		return lf.kind == kindString && lf.folds() == m.s
	case mWildcard:
		return lf.kind == kindString && m.x.wild.match(lf.s)
	case mNumeric:
		if lf.kind != kindNumber {
			return false
		}
		return inRange(lf.f, m.lo, m.loOpen, m.hi, m.hiOpen)
	case mCIDR:
		if lf.kind != kindString {
			return false
		}
		b, v4, ok := lf.addr()
		return ok && v4 == m.x.ip.v4 && cmp16(b, m.x.ip.lo) >= 0 && cmp16(b, m.x.ip.hi) <= 0
	case mExists:
		return true
	case mAnythingBut:
		switch lf.kind {
		case kindString:
			for _, s := range m.x.strs {
				if s == lf.s {
					return false
				}
			}
		case kindNumber:
			for _, f := range m.x.nums {
				if f == lf.f {
					return false
				}
			}
		}
		return true
	case mAnythingButPre:
		if lf.kind != kindString {
			return true
		}
		for _, s := range m.x.strs {
			if strings.HasPrefix(lf.s, s) {
				return false
			}
		}
		return true
	case mAnythingButSuf:
		if lf.kind != kindString {
			return true
		}
		for _, s := range m.x.strs {
			if strings.HasSuffix(lf.s, s) {
				return false
			}
		}
		return true
	case mAnythingButFold:
		if lf.kind != kindString {
			return true
		}
		f := lf.folds()
		for _, s := range m.x.strs {
			if s == f {
				return false
			}
		}
		return true
	case mAnythingButWild:
		if lf.kind != kindString {
			return true
		}
		for _, w := range m.x.wilds {
			if w.match(lf.s) {
				return false
			}
		}
		return true
	}
	return false
}

func inRange(f, lo float64, loOpen bool, hi float64, hiOpen bool) bool {
	if loOpen {
		if !(f > lo) {
			return false
		}
	} else if !(f >= lo) {
		return false
	}
	if hiOpen {
		return f < hi
	}
	return f <= hi
}

func cmp16(a, b [16]byte) int {
	for i := range a {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// parseNumber converts a JSON number literal to the float64 EventBridge
// compares numbers as. Literals beyond the float64 range become ±Inf.
func parseNumber(lit string) float64 {
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f
		}
		return math.NaN()
	}
	if f == 0 {
		return 0 // -0 and 0 are the same number
	}
	return f
}

// foldString maps s to a canonical case-folded form: two strings are equal
// ignoring case (Unicode simple folding) exactly when their folded forms are
// equal. ASCII letters fold to upper case.
func foldString(s string) string {
	ascii := true
	lower := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		if c >= 'a' && c <= 'z' {
			lower = true
		}
	}
	if ascii {
		if !lower {
			return s
		}
		b := []byte(s)
		for i, c := range b {
			if c >= 'a' && c <= 'z' {
				b[i] = c - 32
			}
		}
		return string(b)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

// foldRune returns the smallest rune of r's simple case-folding orbit.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if r >= 'a' && r <= 'z' {
			return r - 32
		}
		return r
	}
	min := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < min {
			min = f
		}
	}
	return min
}

// parseIP parses an IPv4 or IPv6 literal the way EventBridge recognises IP
// addresses: four dot-separated decimal numbers, or hex digits and colons
// (with an optional trailing dotted IPv4 part). IPv4-mapped IPv6 addresses
// count as IPv4.
func parseIP(s string) ([16]byte, bool, bool) {
	var out [16]byte
	if len(s) < 2 || len(s) > 45 {
		return out, false, false
	}
	if v4, ok := parseIPv4(s); ok {
		copy(out[12:], v4[:])
		return out, true, true
	}
	if !looksLikeIPv6(s) {
		return out, false, false
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return out, false, false
	}
	if a.Is4In6() {
		v4 := a.Unmap().As4()
		copy(out[12:], v4[:])
		return out, true, true
	}
	return a.As16(), false, true
}

func parseIPv4(s string) ([4]byte, bool) {
	var out [4]byte
	part, n, digits := 0, 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			n = n*10 + int(c-'0')
			digits++
			if n > 255 {
				return out, false
			}
		case c == '.':
			if digits == 0 || part == 3 {
				return out, false
			}
			out[part] = byte(n)
			part++
			n, digits = 0, 0
		default:
			return out, false
		}
	}
	if part != 3 || digits == 0 {
		return out, false
	}
	out[3] = byte(n)
	return out, true
}

// looksLikeIPv6 applies EventBridge's test for an IPv6 literal: only hex
// digits and colons, with at least one colon.
func looksLikeIPv6(s string) bool {
	colon := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ':':
			colon = true
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
		default:
			return false
		}
	}
	return colon
}
