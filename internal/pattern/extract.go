package pattern

import (
	"encoding/binary"
	"unicode/utf8"
	"unsafe"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// extractor walks an event and records the leaf values at the paths the
// rules use. Subtrees no rule looks into are skipped without decoding.
type extractor struct {
	data    []byte
	pos     int
	top     *pathInfo
	sc      *scratch
	stopped bool // every used key of the top level was seen
}

// bytesString views b as a string without copying. The event bytes are not
// modified while a match runs and the strings do not outlive it.
func bytesString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

func (x *extractor) errorf(msg string) error {
	return &SyntaxError{Offset: x.pos, Msg: msg}
}

func (x *extractor) ws() {
	if x.pos < len(x.data) && x.data[x.pos] > ' ' {
		return
	}
	for x.pos < len(x.data) {
		switch x.data[x.pos] {
		case ' ', '\t', '\n', '\r':
			x.pos++
		default:
			return
		}
	}
}

// run extracts from a whole event.
func (x *extractor) run() error {
	x.ws()
	if x.pos >= len(x.data) {
		return x.errorf("no value")
	}
	var err error
	if x.data[x.pos] == '{' {
		err = x.object(x.top, -1, true)
	} else {
		err = x.skip()
	}
	if err != nil || x.stopped {
		return err
	}
	x.ws()
	if x.pos < len(x.data) {
		return x.errorf("unexpected data after the value")
	}
	return nil
}

// key reads an object key starting at its quote, returning the decoded
// bytes (a view into the event when there are no escapes).
func (x *extractor) key() ([]byte, error) {
	d := x.data
	start := x.pos + 1
	for i := scanSpecial(d, start); i < len(d); i++ {
		c := d[i]
		if c == '"' {
			x.pos = i + 1
			return d[start:i], nil
		}
		if c == '\\' {
			s, err := x.slowString()
			return []byte(s), err
		}
		if c < 0x20 {
			x.pos = i
			return nil, x.errorf("control character in string")
		}
	}
	x.pos = len(d)
	return nil, x.errorf("unterminated string")
}

// str reads a string value starting at its quote.
func (x *extractor) str() (string, error) {
	d := x.data
	start := x.pos + 1
	for i := scanSpecial(d, start); i < len(d); i++ {
		c := d[i]
		if c == '"' {
			x.pos = i + 1
			return bytesString(d[start:i]), nil
		}
		if c == '\\' {
			return x.slowString()
		}
		if c < 0x20 {
			x.pos = i
			return "", x.errorf("control character in string")
		}
	}
	x.pos = len(d)
	return "", x.errorf("unterminated string")
}

func (x *extractor) slowString() (string, error) {
	d := x.data
	x.pos++
	var buf []byte
	for x.pos < len(d) {
		c := d[x.pos]
		switch {
		case c == '"':
			x.pos++
			if !utf8.Valid(buf) {
				return string([]rune(string(buf))), nil
			}
			return string(buf), nil
		case c < 0x20:
			return "", x.errorf("control character in string")
		case c == '\\':
			var bad escapeErr
			buf, x.pos, bad = appendEscape(buf, d, x.pos)
			switch bad {
			case escapeTruncated:
				return "", x.errorf("unterminated escape")
			case escapeBadHex:
				return "", x.errorf("bad unicode escape")
			case escapeUnknown:
				return "", x.errorf("bad escape")
			}
		default:
			buf = append(buf, c)
			x.pos++
		}
	}
	return "", x.errorf("unterminated string")
}

// object reads an object at the key-tree node pi. Once every key the
// rules use at this level has been seen, the rest of the object is skipped
// without looking at its keys (and at the top level not read at all). A
// dotted key standing for several levels ("a.b") that comes after that
// point is therefore not seen, and of duplicate keys only the first is
// read; AWS documents dotted keys as a behaviour not to rely on.
func (x *extractor) object(pi *pathInfo, trail int32, top bool) error {
	x.pos++ // '{'
	x.ws()
	if x.pos < len(x.data) && x.data[x.pos] == '}' {
		x.pos++
		return nil
	}
	var seen uint64
	for {
		x.ws()
		if x.pos >= len(x.data) || x.data[x.pos] != '"' {
			return x.errorf("expected a field name")
		}
		k, err := x.key()
		if err != nil {
			return err
		}
		x.ws()
		if x.pos >= len(x.data) || x.data[x.pos] != ':' {
			return x.errorf("expected ':'")
		}
		x.pos++
		x.ws()
		if c, bit := pi.child(k); c != nil {
			if err := x.value(c, trail); err != nil {
				return err
			}
			seen |= bit
			if seen == pi.all && seen != 0 {
				if top {
					x.stopped = true
					return nil
				}
				return x.skipRest()
			}
		} else if err := x.skip(); err != nil {
			return err
		}
		x.ws()
		if x.pos >= len(x.data) {
			return x.errorf("unterminated object")
		}
		switch x.data[x.pos] {
		case ',':
			x.pos++
		case '}':
			x.pos++
			return nil
		default:
			return x.errorf("expected ',' or '}'")
		}
	}
}

// skipRest passes over the rest of an object after a member value.
func (x *extractor) skipRest() error {
	d := x.data
	depth := 1
	for x.pos < len(d) {
		if !structural[d[x.pos]] {
			x.pos++
			continue
		}
		switch d[x.pos] {
		case '"':
			if err := x.skipString(); err != nil {
				return err
			}
			continue
		case '{', '[':
			depth++
		default:
			depth--
			if depth == 0 {
				x.pos++
				return nil
			}
		}
		x.pos++
	}
	return x.errorf("unterminated object")
}

// structural marks the bytes that matter when skipping a value.
var structural = [256]bool{'"': true, '{': true, '}': true, '[': true, ']': true}

// value reads the value at a path the rules use.
func (x *extractor) value(pi *pathInfo, trail int32) error {
	if x.pos >= len(x.data) {
		return x.errorf("unexpected end of input")
	}
	switch c := x.data[x.pos]; {
	case c == '{':
		if pi.descend() {
			return x.object(pi, trail, false)
		}
		return x.skip()
	case c == '[':
		return x.array(pi, trail)
	case c == '"':
		if pi.leaf < 0 {
			return x.skip()
		}
		s, err := x.str()
		if err != nil {
			return err
		}
		x.sc.addLeaf(pi.leaf, kindString, s, 0, trail)
		return nil
	default:
		if pi.leaf < 0 {
			return x.skip()
		}
		return x.scalar(pi.leaf, trail)
	}
}

func (x *extractor) scalar(path int32, trail int32) error {
	d := x.data
	switch d[x.pos] {
	case 't':
		if x.word("true") {
			x.sc.addLeaf(path, kindTrue, "", 0, trail)
			return nil
		}
	case 'f':
		if x.word("false") {
			x.sc.addLeaf(path, kindFalse, "", 0, trail)
			return nil
		}
	case 'n':
		if x.word("null") {
			x.sc.addLeaf(path, kindNull, "", 0, trail)
			return nil
		}
	default:
		start := x.pos
		if !x.number() {
			return x.errorf("invalid number")
		}
		x.sc.addLeaf(path, kindNumber, "", parseNumber(bytesString(d[start:x.pos])), trail)
		return nil
	}
	return x.errorf("invalid literal")
}

func (x *extractor) word(w string) bool {
	if len(x.data)-x.pos >= len(w) && bytesString(x.data[x.pos:x.pos+len(w)]) == w {
		x.pos += len(w)
		return true
	}
	return false
}

// number consumes a JSON number.
func (x *extractor) number() bool {
	d := x.data
	i := x.pos
	if i < len(d) && d[i] == '-' {
		i++
	}
	if i >= len(d) || d[i] < '0' || d[i] > '9' {
		return false
	}
	if d[i] == '0' {
		i++
	} else {
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	if i < len(d) && d[i] == '.' {
		i++
		n := i
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
		if i == n {
			return false
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		n := i
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
		if i == n {
			return false
		}
	}
	x.pos = i
	return true
}

// array reads an array at a used path: scalars are leaves of the path,
// objects and arrays are walked with the array element recorded in the
// trail.
func (x *extractor) array(pi *pathInfo, trail int32) error {
	x.pos++ // '['
	x.ws()
	if x.pos < len(x.data) && x.data[x.pos] == ']' {
		x.pos++
		return nil
	}
	sc := x.sc
	arr := sc.nextArr
	sc.nextArr++
	for idx := int32(0); ; idx++ {
		x.ws()
		if x.pos >= len(x.data) {
			return x.errorf("unterminated array")
		}
		switch x.data[x.pos] {
		case '{':
			if pi.descend() {
				t := sc.newTrail(trail, arr, idx)
				sc.objTrail = true
				if err := x.object(pi, t, false); err != nil {
					return err
				}
			} else if err := x.skip(); err != nil {
				return err
			}
		case '[':
			t := sc.newTrail(trail, arr, idx)
			if err := x.array(pi, t); err != nil {
				return err
			}
		default:
			// Scalars of an array whose objects are looked into take part in
			// the trail: a rule may not combine one with a field of another
			// element.
			t := trail
			if pi.descend() {
				t = sc.newTrail(trail, arr, idx)
			}
			if err := x.value(pi, t); err != nil {
				return err
			}
		}
		x.ws()
		if x.pos >= len(x.data) {
			return x.errorf("unterminated array")
		}
		switch x.data[x.pos] {
		case ',':
			x.pos++
		case ']':
			x.pos++
			return nil
		default:
			return x.errorf("expected ',' or ']'")
		}
	}
}

// skip passes over a value no rule uses, checking only that strings end
// and brackets balance.
func (x *extractor) skip() error {
	d := x.data
	if x.pos >= len(d) {
		return x.errorf("unexpected end of input")
	}
	switch c := d[x.pos]; {
	case c == '"':
		return x.skipString()
	case c == '{' || c == '[':
		depth := 0
		var stack [64]byte
		var deep []byte
		for x.pos < len(d) {
			if !structural[d[x.pos]] {
				x.pos++
				continue
			}
			c := d[x.pos]
			switch c {
			case '"':
				if err := x.skipString(); err != nil {
					return err
				}
				continue
			case '{', '[':
				if depth < len(stack) {
					stack[depth] = c
				} else {
					deep = append(deep, c)
				}
				depth++
			default: // '}' or ']'
				if depth == 0 {
					return x.errorf("unbalanced brackets")
				}
				depth--
				var open byte
				if depth < len(stack) {
					open = stack[depth]
				} else {
					open = deep[len(deep)-1]
					deep = deep[:len(deep)-1]
				}
				if open == '{' && c != '}' || open == '[' && c != ']' {
					return x.errorf("mismatched brackets")
				}
				if depth == 0 {
					x.pos++
					return nil
				}
			}
			x.pos++
		}
		return x.errorf("unterminated value")
	case c == 't':
		if x.word("true") {
			return nil
		}
	case c == 'f':
		if x.word("false") {
			return nil
		}
	case c == 'n':
		if x.word("null") {
			return nil
		}
	default:
		if x.number() {
			return nil
		}
	}
	return x.errorf("invalid value")
}

func (x *extractor) skipString() error {
	d := x.data
	for i := scanQuote(d, x.pos+1); i < len(d); i++ {
		switch d[i] {
		case '"':
			x.pos = i + 1
			return nil
		case '\\':
			i++ // the escaped byte
		}
	}
	x.pos = len(d)
	return x.errorf("unterminated string")
}

// walkValue extracts leaves from a decoded event.
func walkValue(sc *scratch, top *pathInfo, v jsonvalue.Value) {
	if o, ok := v.(*jsonvalue.Object); ok {
		walkObject(sc, top, o, -1)
	}
}

func walkObject(sc *scratch, pi *pathInfo, o *jsonvalue.Object, trail int32) {
	for i := 0; i < o.Len(); i++ {
		k, v := o.At(i)
		if c, _ := pi.child(unsafe.Slice(unsafe.StringData(k), len(k))); c != nil {
			walkAt(sc, c, v, trail)
		}
	}
}

func walkAt(sc *scratch, pi *pathInfo, v jsonvalue.Value, trail int32) {
	switch x := v.(type) {
	case *jsonvalue.Object:
		if pi.descend() {
			walkObject(sc, pi, x, trail)
		}
	case []jsonvalue.Value:
		arr := sc.nextArr
		sc.nextArr++
		for idx, e := range x {
			switch e.(type) {
			case *jsonvalue.Object:
				if pi.descend() {
					sc.objTrail = true
					walkAt(sc, pi, e, sc.newTrail(trail, arr, int32(idx)))
				}
			case []jsonvalue.Value:
				walkAt(sc, pi, e, sc.newTrail(trail, arr, int32(idx)))
			default:
				t := trail
				if pi.descend() {
					t = sc.newTrail(trail, arr, int32(idx))
				}
				walkAt(sc, pi, e, t)
			}
		}
	default:
		if pi.leaf < 0 {
			return
		}
		switch x := v.(type) {
		case string:
			sc.addLeaf(pi.leaf, kindString, x, 0, trail)
		case jsonvalue.Number:
			sc.addLeaf(pi.leaf, kindNumber, "", parseNumber(string(x)), trail)
		case bool:
			if x {
				sc.addLeaf(pi.leaf, kindTrue, "", 0, trail)
			} else {
				sc.addLeaf(pi.leaf, kindFalse, "", 0, trail)
			}
		case nil:
			sc.addLeaf(pi.leaf, kindNull, "", 0, trail)
		}
	}
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// scanSpecial returns the index of the first byte at or after i that is a
// quote, a backslash or a control character, or a nearby earlier index;
// it tests eight bytes at a time.
func scanSpecial(d []byte, i int) int {
	for ; i+8 <= len(d); i += 8 {
		v := binary.LittleEndian.Uint64(d[i:])
		q := v ^ (lsb * '"')
		b := v ^ (lsb * '\\')
		if ((q-lsb)&^q|(b-lsb)&^b|(v-lsb*0x20)&^v)&msb != 0 {
			return i
		}
	}
	return i
}

// scanQuote is scanSpecial for quotes and backslashes only.
func scanQuote(d []byte, i int) int {
	for ; i+8 <= len(d); i += 8 {
		v := binary.LittleEndian.Uint64(d[i:])
		q := v ^ (lsb * '"')
		b := v ^ (lsb * '\\')
		if ((q-lsb)&^q|(b-lsb)&^b)&msb != 0 {
			return i
		}
	}
	return i
}
