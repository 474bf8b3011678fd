package intrinsic

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"hash"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/sluice-run/sluice/internal/asl/jsonpath"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

type fnID uint8

const (
	fnFormat fnID = iota + 1
	fnStringToJSON
	fnJSONToString
	fnArray
	fnArrayPartition
	fnArrayContains
	fnArrayRange
	fnArrayGetItem
	fnArrayLength
	fnArrayUnique
	fnBase64Encode
	fnBase64Decode
	fnHash
	fnJSONMerge
	fnMathRandom
	fnMathAdd
	fnStringSplit
	fnUUID
)

// argKind is the JSON type an argument must have; kindAny accepts all.
type argKind uint8

const (
	kindAny argKind = iota
	kindString
	kindNumber
	kindArray
	kindObject
)

func (k argKind) String() string {
	switch k {
	case kindString:
		return "a string"
	case kindNumber:
		return "a number"
	case kindArray:
		return "an array"
	case kindObject:
		return "an object"
	}
	return "any value"
}

// accepts reports whether a literal argument has kind k.
func (k argKind) accepts(v jsonvalue.Value) bool {
	switch k {
	case kindString:
		_, ok := v.(string)
		return ok
	case kindNumber:
		_, ok := v.(jsonvalue.Number)
		return ok
	case kindArray, kindObject:
		return false
	}
	return true
}

// function describes one intrinsic function.
type function struct {
	id       fnID
	name     string
	min, max int // number of arguments; max -1 for any number
	kinds    []argKind
	invalid  error // "Invalid arguments in <name>"
}

func (f *function) arityText() string {
	plural := func(n int) string {
		if n == 1 {
			return "1 argument"
		}
		return strconv.Itoa(n) + " arguments"
	}
	switch {
	case f.max < 0:
		return "at least " + plural(f.min)
	case f.min == f.max:
		return plural(f.min)
	}
	return strconv.Itoa(f.min) + " or " + plural(f.max)
}

var functions = func() map[string]*function {
	list := []*function{
		{id: fnFormat, name: "States.Format", min: 1, max: -1, kinds: []argKind{kindString}},
		{id: fnStringToJSON, name: "States.StringToJson", min: 1, max: 1, kinds: []argKind{kindString}},
		{id: fnJSONToString, name: "States.JsonToString", min: 1, max: 1},
		{id: fnArray, name: "States.Array", min: 0, max: -1},
		{id: fnArrayPartition, name: "States.ArrayPartition", min: 2, max: 2, kinds: []argKind{kindArray, kindNumber}},
		{id: fnArrayContains, name: "States.ArrayContains", min: 2, max: 2, kinds: []argKind{kindArray}},
		{id: fnArrayRange, name: "States.ArrayRange", min: 3, max: 3, kinds: []argKind{kindNumber, kindNumber, kindNumber}},
		{id: fnArrayGetItem, name: "States.ArrayGetItem", min: 2, max: 2, kinds: []argKind{kindArray, kindNumber}},
		{id: fnArrayLength, name: "States.ArrayLength", min: 1, max: 1, kinds: []argKind{kindArray}},
		{id: fnArrayUnique, name: "States.ArrayUnique", min: 1, max: 1, kinds: []argKind{kindArray}},
		{id: fnBase64Encode, name: "States.Base64Encode", min: 1, max: 1, kinds: []argKind{kindString}},
		{id: fnBase64Decode, name: "States.Base64Decode", min: 1, max: 1, kinds: []argKind{kindString}},
		{id: fnHash, name: "States.Hash", min: 2, max: 2, kinds: []argKind{kindAny, kindString}},
		{id: fnJSONMerge, name: "States.JsonMerge", min: 3, max: 3, kinds: []argKind{kindObject, kindObject}},
		{id: fnMathRandom, name: "States.MathRandom", min: 2, max: 3, kinds: []argKind{kindNumber, kindNumber, kindNumber}},
		{id: fnMathAdd, name: "States.MathAdd", min: 2, max: 2, kinds: []argKind{kindNumber, kindNumber}},
		{id: fnStringSplit, name: "States.StringSplit", min: 2, max: 2, kinds: []argKind{kindString, kindString}},
		{id: fnUUID, name: "States.UUID", min: 0, max: 0},
	}
	m := make(map[string]*function, len(list))
	for _, f := range list {
		f.invalid = &failure{msg: "Invalid arguments in " + f.name}
		m[f.name] = f
	}
	return m
}()

func lookup(name string) *function { return functions[name] }

// Functions returns the names of all intrinsic functions, such as
// "States.Format", sorted.
func Functions() []string {
	out := make([]string, 0, len(functions))
	for name := range functions {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// Arity returns how many arguments the named function takes: at least min
// and at most max, or any number from min when max is -1. ok is false for
// an unknown name.
func Arity(name string) (min, max int, ok bool) {
	f := functions[name]
	if f == nil {
		return 0, 0, false
	}
	return f.min, f.max, true
}

// Limits Step Functions applies to intrinsic function arguments.
const (
	// MaxStringLength is the most UTF-16 code units States.Base64Encode,
	// States.Base64Decode and States.Hash accept.
	MaxStringLength = 10000
	// MaxRangeLength is the most elements States.ArrayRange creates.
	MaxRangeLength = 1000
)

// result is an evaluated argument. node marks a value that is a Jackson
// node in Step Functions (the result of States.StringToJson), which prints
// as JSON rather than as a Java object.
type result struct {
	v    jsonvalue.Value
	node bool
}

type evaluator struct {
	env *jsonpath.Env
	rnd Random
}

var errNoRandom = &failure{msg: "no source of randomness was provided"}

func (ev *evaluator) eval(n *node) (result, error) {
	switch n.kind {
	case kindLiteral:
		return result{v: n.lit}, nil
	case kindPath:
		v, err := n.path.Eval(ev.env)
		if err != nil {
			return result{}, &failure{msg: err.Error(), path: n.path, notFound: errors.Is(err, jsonpath.ErrNotFound)}
		}
		return result{v: v}, nil
	}
	var buf [4]result
	args := buf[:0]
	if len(n.args) > len(buf) {
		args = make([]result, 0, len(n.args))
	}
	for i := range n.args {
		r, err := ev.eval(&n.args[i])
		if err != nil {
			return result{}, err
		}
		args = append(args, r)
	}
	return ev.call(n, args)
}

// call applies the function of n to its evaluated arguments.
func (ev *evaluator) call(n *node, args []result) (result, error) {
	fn := n.fn
	if len(args) < fn.min || fn.max >= 0 && len(args) > fn.max {
		return result{}, fn.invalid
	}
	var v jsonvalue.Value
	var err error
	switch fn.id {
	case fnFormat:
		v, err = format(n, args)
	case fnStringToJSON:
		s, ok := args[0].v.(string)
		if !ok {
			return result{}, fn.invalid
		}
		v, err = parseJackson(s)
		if err != nil {
			return result{}, &failure{msg: "Cannot convert String to Json in States.StringToJson, caused by: " + err.Error()}
		}
		return result{v: v, node: true}, nil
	case fnJSONToString:
		v = string(appendJackson(nil, args[0].v))
	case fnArray:
		arr := make([]jsonvalue.Value, len(args))
		for i, a := range args {
			arr[i] = a.v
		}
		v = arr
	case fnArrayPartition:
		v, err = arrayPartition(fn, args)
	case fnArrayContains:
		v, err = arrayContains(fn, args)
	case fnArrayRange:
		v, err = arrayRange(fn, args)
	case fnArrayGetItem:
		v, err = arrayGetItem(fn, args)
	case fnArrayLength:
		arr, ok := args[0].v.([]jsonvalue.Value)
		if !ok {
			return result{}, fn.invalid
		}
		v = jsonvalue.Int(int64(len(arr)))
	case fnArrayUnique:
		arr, ok := args[0].v.([]jsonvalue.Value)
		if !ok {
			return result{}, fn.invalid
		}
		v = hashSetOrder(arr)
	case fnBase64Encode:
		s, ok := args[0].v.(string)
		if !ok || utf16Len(s) > MaxStringLength {
			return result{}, fn.invalid
		}
		v = base64.StdEncoding.EncodeToString([]byte(s))
	case fnBase64Decode:
		s, ok := args[0].v.(string)
		if !ok || utf16Len(s) > MaxStringLength {
			return result{}, fn.invalid
		}
		v = decodeUTF8Java(decodeBase64Lenient(s))
	case fnHash:
		v, err = hashValue(fn, args)
	case fnJSONMerge:
		v, err = jsonMerge(fn, args)
	case fnMathRandom:
		v, err = ev.mathRandom(fn, args)
	case fnMathAdd:
		v, err = mathAdd(fn, args)
	case fnStringSplit:
		v, err = stringSplit(fn, args)
	case fnUUID:
		if ev.rnd == nil {
			return result{}, errNoRandom
		}
		v = uuid4(ev.rnd)
	}
	if err != nil {
		return result{}, err
	}
	return result{v: v}, nil
}

// format implements States.Format.
func format(n *node, args []result) (jsonvalue.Value, error) {
	t, err := n.tmpl, n.tmplErr
	if t == nil && err == nil {
		s, ok := args[0].v.(string)
		if !ok {
			return nil, n.fn.invalid
		}
		t, err = compileTemplate(s)
	}
	if err != nil {
		return nil, err
	}
	vals := args[1:]
	if t.holes != len(vals) {
		return nil, errFormatCount
	}
	size := t.size
	for _, a := range vals {
		if s, ok := a.v.(string); ok && !a.node {
			size += len(s)
		} else {
			size += 16
		}
	}
	var b strings.Builder
	b.Grow(size)
	var scratch [64]byte
	for i, part := range t.parts {
		b.WriteString(part)
		if i < len(vals) {
			if s, ok := vals[i].v.(string); ok && !vals[i].node {
				b.WriteString(s)
			} else {
				b.Write(appendText(scratch[:0], vals[i]))
			}
		}
	}
	return b.String(), nil
}

// truncInt converts a number as Java's (int) cast of its value does,
// reporting false for a non-number or a value outside the int range.
func truncInt(v jsonvalue.Value) (int32, bool) {
	n, ok := v.(jsonvalue.Number)
	if !ok {
		return 0, false
	}
	i, ok := n.Int64()
	if !ok {
		f := n.Float64()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, false
		}
		f = math.Trunc(f)
		if f < math.MinInt32 || f > math.MaxInt32 {
			return 0, false
		}
		i = int64(f)
	}
	if i < math.MinInt32 || i > math.MaxInt32 {
		return 0, false
	}
	return int32(i), true
}

// roundInt rounds a number as Java's Math.round does (halves up), reporting
// false for a non-number or a result outside the int range.
func roundInt(v jsonvalue.Value) (int32, bool) {
	n, ok := v.(jsonvalue.Number)
	if !ok {
		return 0, false
	}
	i, ok := n.Int64()
	if !ok {
		f := n.Float64()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, false
		}
		r := math.Floor(f)
		if f-r >= 0.5 {
			r++
		}
		if r < math.MinInt32 || r > math.MaxInt32 {
			return 0, false
		}
		i = int64(r)
	}
	if i < math.MinInt32 || i > math.MaxInt32 {
		return 0, false
	}
	return int32(i), true
}

func arrayPartition(fn *function, args []result) (jsonvalue.Value, error) {
	arr, ok := args[0].v.([]jsonvalue.Value)
	size, ok2 := truncInt(args[1].v)
	if !ok || !ok2 || size <= 0 {
		return nil, fn.invalid
	}
	chunk := int(size)
	out := make([]jsonvalue.Value, 0, (len(arr)+chunk-1)/chunk)
	for i := 0; i < len(arr); i += chunk {
		end := min(i+chunk, len(arr))
		out = append(out, arr[i:end:end])
	}
	return out, nil
}

func arrayContains(fn *function, args []result) (jsonvalue.Value, error) {
	arr, ok := args[0].v.([]jsonvalue.Value)
	if !ok {
		return nil, fn.invalid
	}
	// Step Functions compares the printed forms of the values: "true"
	// contains true, and objects match only with the same key order.
	var tbuf [64]byte
	target := appendText(tbuf[:0], args[1])
	var sbuf [64]byte
	scratch := sbuf[:0]
	node := args[0].node
	tn, targetIsNum := args[1].v.(jsonvalue.Number)
	targetInt := targetIsNum && isIntLiteral(tn)
	targetZero := targetInt && isZeroInt(tn)
	for _, e := range arr {
		if s, ok := e.(string); ok && !node {
			if s == string(target) {
				return true, nil
			}
			continue
		}
		if en, ok := e.(jsonvalue.Number); ok && targetIsNum {
			// Two numbers print alike only when both are integers of the
			// same value or both doubles of the same value.
			if en == tn {
				return true, nil
			}
			if isIntLiteral(en) != targetInt {
				continue
			}
			if targetInt {
				// JSON integers are written one way, except for the sign
				// of zero.
				if targetZero && isZeroInt(en) {
					return true, nil
				}
				continue
			}
			if math.Float64bits(en.Float64()) == math.Float64bits(tn.Float64()) {
				return true, nil
			}
			continue
		}
		scratch = appendText(scratch[:0], result{v: e, node: node})
		if string(scratch) == string(target) {
			return true, nil
		}
	}
	return false, nil
}

// isIntLiteral reports whether a number is written without a fraction or
// exponent, which makes it an Integer, Long or BigInteger in Java.
func isIntLiteral(n jsonvalue.Number) bool {
	for i := 0; i < len(n); i++ {
		if c := n[i]; c == '.' || c == 'e' || c == 'E' {
			return false
		}
	}
	return true
}

// isZeroInt reports whether an integer literal is zero (0 or -0).
func isZeroInt(n jsonvalue.Number) bool {
	return strings.Trim(string(n), "-0") == ""
}

func arrayRange(fn *function, args []result) (jsonvalue.Value, error) {
	start, ok1 := truncInt(args[0].v)
	end, ok2 := truncInt(args[1].v)
	step, ok3 := truncInt(args[2].v)
	if !ok1 || !ok2 || !ok3 || step == 0 {
		return nil, fn.invalid
	}
	s, e, st := int64(start), int64(end), int64(step)
	var count int64
	switch {
	case st > 0 && s <= e:
		count = (e-s)/st + 1
	case st < 0 && s >= e:
		count = (s-e)/(-st) + 1
	}
	if count > MaxRangeLength {
		return nil, fn.invalid
	}
	out := make([]jsonvalue.Value, count)
	for i := range out {
		out[i] = jsonvalue.Int(s + int64(i)*st)
	}
	return out, nil
}

func arrayGetItem(fn *function, args []result) (jsonvalue.Value, error) {
	arr, ok := args[0].v.([]jsonvalue.Value)
	i, ok2 := truncInt(args[1].v)
	if !ok || !ok2 {
		return nil, fn.invalid
	}
	if len(arr) == 0 {
		// Step Functions returns null for any index of an empty array.
		return nil, nil
	}
	if i < 0 || int(i) >= len(arr) {
		return nil, fn.invalid
	}
	return arr[i], nil
}

// decodeBase64Lenient decodes Base64 as Apache Commons Codec does: the
// standard and URL-safe alphabets are both accepted, other characters are
// skipped, decoding stops at the first '=' and incomplete trailing bits are
// dropped.
func decodeBase64Lenient(s string) []byte {
	out := make([]byte, 0, len(s)*3/4+2)
	var acc uint32
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		var d uint32
		switch {
		case c >= 'A' && c <= 'Z':
			d = uint32(c - 'A')
		case c >= 'a' && c <= 'z':
			d = uint32(c-'a') + 26
		case c >= '0' && c <= '9':
			d = uint32(c-'0') + 52
		case c == '+' || c == '-':
			d = 62
		case c == '/' || c == '_':
			d = 63
		case c == '=':
			i = len(s)
			continue
		default:
			continue
		}
		acc = acc<<6 | d
		n++
		if n == 4 {
			out = append(out, byte(acc>>16), byte(acc>>8), byte(acc))
			acc, n = 0, 0
		}
	}
	switch n {
	case 2:
		out = append(out, byte(acc>>4))
	case 3:
		out = append(out, byte(acc>>10), byte(acc>>2))
	}
	return out
}

func hashValue(fn *function, args []result) (jsonvalue.Value, error) {
	var data string
	if s, ok := args[0].v.(string); ok && !args[0].node {
		data = s
	} else {
		// Step Functions hashes the printed form of other values.
		data = string(appendText(nil, args[0]))
	}
	alg, ok := args[1].v.(string)
	if !ok || utf16Len(data) > MaxStringLength {
		return nil, fn.invalid
	}
	var h hash.Hash
	switch alg {
	case "MD5":
		h = md5.New()
	case "SHA-1":
		h = sha1.New()
	case "SHA-256":
		h = sha256.New()
	case "SHA-384":
		h = sha512.New384()
	case "SHA-512":
		h = sha512.New()
	default:
		return nil, fn.invalid
	}
	h.Write([]byte(data))
	var sum [64]byte
	return hex.EncodeToString(h.Sum(sum[:0])), nil
}

func jsonMerge(fn *function, args []result) (jsonvalue.Value, error) {
	a, ok1 := args[0].v.(*jsonvalue.Object)
	b, ok2 := args[1].v.(*jsonvalue.Object)
	if !ok1 || !ok2 || a == nil || b == nil {
		return nil, fn.invalid
	}
	// Only the shallow mode exists. Step Functions accepts any value other
	// than true for the flag.
	switch deep := args[2].v.(type) {
	case bool:
		if deep {
			return nil, fn.invalid
		}
	case string:
		if strings.EqualFold(deep, "true") {
			return nil, fn.invalid
		}
	}
	if b.Len() == 0 {
		return a, nil
	}
	if a.Len() == 0 {
		return b, nil
	}
	out := jsonvalue.NewObject(a.Len() + b.Len())
	for i := 0; i < a.Len(); i++ {
		k, v := a.At(i)
		out.Append(k, v)
	}
	for i := 0; i < b.Len(); i++ {
		k, v := b.At(i)
		out.Set(k, v)
	}
	return out, nil
}

// mathRandom implements States.MathRandom: start + nextInt(end - start) of
// a java.util.Random, seeded with the seed argument when there is one.
func (ev *evaluator) mathRandom(fn *function, args []result) (jsonvalue.Value, error) {
	start, ok1 := truncInt(args[0].v)
	end, ok2 := truncInt(args[1].v)
	if !ok1 || !ok2 {
		return nil, fn.invalid
	}
	var rng javaRandom
	if len(args) == 3 {
		seed, ok := javaLong(args[2].v)
		if !ok {
			return nil, fn.invalid
		}
		rng = newJavaRandom(seed)
	} else {
		if ev.rnd == nil {
			return nil, errNoRandom
		}
		rng = newJavaRandom(int64(ev.rnd.Uint64()))
	}
	bound := end - start // int arithmetic, wrapping as in Java
	if bound <= 0 {
		return nil, fn.invalid
	}
	return jsonvalue.Int(int64(start + rng.nextInt(bound))), nil
}

// javaLong converts a number as Java's (long) cast of its value does.
func javaLong(v jsonvalue.Value) (int64, bool) {
	n, ok := v.(jsonvalue.Number)
	if !ok {
		return 0, false
	}
	if i, ok := n.Int64(); ok {
		return i, true
	}
	f := n.Float64()
	if math.IsNaN(f) || math.IsInf(f, 0) || f >= 9.223372036854775807e18 || f < -9.223372036854775808e18 {
		return 0, false
	}
	return int64(f), true
}

func mathAdd(fn *function, args []result) (jsonvalue.Value, error) {
	a, ok1 := roundInt(args[0].v)
	b, ok2 := roundInt(args[1].v)
	if !ok1 || !ok2 {
		return nil, fn.invalid
	}
	sum := int64(a) + int64(b)
	if sum < math.MinInt32 || sum > math.MaxInt32 {
		return nil, fn.invalid
	}
	return jsonvalue.Int(sum), nil
}

// stringSplit splits as java.util.StringTokenizer does: every character of
// the delimiter string separates tokens and empty tokens are dropped.
func stringSplit(fn *function, args []result) (jsonvalue.Value, error) {
	s, ok1 := args[0].v.(string)
	delims, ok2 := args[1].v.(string)
	if !ok1 || !ok2 {
		return nil, fn.invalid
	}
	isDelim := func(r rune) bool { return strings.ContainsRune(delims, r) }
	if len(delims) == 1 && delims[0] < 0x80 {
		d := rune(delims[0])
		isDelim = func(r rune) bool { return r == d }
	}
	out := make([]jsonvalue.Value, 0, 8)
	start := -1
	for i, r := range s {
		if isDelim(r) {
			if start >= 0 {
				out = append(out, s[start:i])
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out, nil
}

// uuid4 returns a random (version 4) UUID in lower case.
func uuid4(rnd Random) string {
	var b [16]byte
	hi, lo := rnd.Uint64(), rnd.Uint64()
	for i := 0; i < 8; i++ {
		b[i] = byte(hi >> (56 - 8*i))
		b[8+i] = byte(lo >> (56 - 8*i))
	}
	return FormatUUID4(b)
}

// FormatUUID4 sets the version (4) and variant bits of 16 random bytes and
// returns them as a UUID in its canonical lower-case form.
func FormatUUID4(b [16]byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}
