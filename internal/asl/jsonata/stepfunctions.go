package jsonata

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"hash"
	"math"
	"strconv"

	"github.com/sluice-run/sluice/internal/jsonvalue"

	"github.com/sluice-run/sluice/internal/asl/intrinsic"
)

// StepFunctions holds the functions AWS Step Functions adds to JSONata
// inside a state machine, by name without the leading $: $partition,
// $range, $hash, $random, $uuid and $parse. They are not part of JSONata
// itself, so they are not in the standard library; a caller evaluating an
// expression for a state binds them as variables (see
// WithStepFunctions). The Step Functions $random, which takes an optional
// seed, shadows the standard one.
//
// The functions report bad arguments as D3137 errors whose message says
// what is wrong; Step Functions fails the state with
// States.QueryEvaluationError for them, as for any other JSONata error.
var StepFunctions = map[string]*Builtin{
	"partition": newStepFunction("partition", "<an:a>", sfnPartition),
	"range":     newStepFunction("range", "<nnn:a>", sfnRange),
	"hash":      newStepFunction("hash", "<ss:s>", sfnHash),
	"random":    newStepFunction("random", "<n?:n>", sfnRandom),
	"uuid":      newStepFunction("uuid", "<:s>", sfnUUID),
	"parse":     newStepFunction("parse", "<s-:j>", sfnParse),
}

// WithStepFunctions returns a new binding map holding the Step Functions
// functions and then vars, so that a variable of the same name as one of
// the functions shadows it, as bindings shadow JSONata's own functions.
// vars is not modified.
func WithStepFunctions(vars map[string]Value) map[string]Value {
	out := make(map[string]Value, len(StepFunctions)+len(vars))
	for name, fn := range StepFunctions {
		out[name] = fn
	}
	for name, v := range vars {
		out[name] = v
	}
	return out
}

// newStepFunction builds a builtin outside the standard library. It panics
// on a bad signature, a programming error the package's tests catch.
func newStepFunction(name, sig string, impl func(c *Call, args []Value) (Value, error)) *Builtin {
	s, err := parseSignature(sig)
	if err != nil {
		panic("jsonata: signature of $" + name + ": " + err.Error())
	}
	return &Builtin{Name: name, Signature: sig, Impl: impl, sig: s}
}

// sfnError returns a D3137 error carrying message.
func sfnError(c *Call, name, message string) error {
	return &Error{Code: "D3137", Position: c.Position, Token: name, Detail: message}
}

// sfnArg returns argument i, or nil when it was left out.
func sfnArg(args []Value, i int) Value {
	if i < len(args) {
		return args[i]
	}
	return nil
}

// maxSafeInteger is the largest integer a float64 holds exactly.
const maxSafeInteger = 1<<53 - 1

// sfnInteger returns argument i of function name as an integer, or an
// error naming what the argument is for when it is missing or is not an
// integer a float64 holds exactly.
func sfnInteger(c *Call, name string, args []Value, i int, what string) (int64, error) {
	v := sfnArg(args, i)
	if v == nil {
		return 0, sfnError(c, name, "The "+what+" (argument "+strconv.Itoa(i+1)+") of function $"+name+" is missing")
	}
	f, ok := v.(float64)
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f) || math.Abs(f) > maxSafeInteger {
		return 0, sfnError(c, name, "The "+what+" (argument "+strconv.Itoa(i+1)+") of function $"+name+" must be an integer; got "+Stringify(v))
	}
	return int64(f), nil
}

// sfnPartition implements $partition(array, chunkSize): the array cut into
// consecutive chunks of chunkSize items, the last of which may be shorter.
// The chunk size must be a positive integer. An undefined array gives
// undefined and an empty array gives an empty array.
func sfnPartition(c *Call, args []Value) (Value, error) {
	v := sfnArg(args, 0)
	size, err := sfnInteger(c, "partition", args, 1, "chunk size")
	if err != nil {
		return nil, err
	}
	if size <= 0 {
		return nil, sfnError(c, "partition", "The chunk size (argument 2) of function $partition must be a positive integer; got "+strconv.FormatInt(size, 10))
	}
	if v == nil {
		return nil, nil
	}
	items, _ := Items(v)
	out := make([]Value, 0, (int64(len(items))+size-1)/size)
	for start := 0; start < len(items); {
		end := len(items)
		if int64(end-start) > size {
			end = start + int(size)
		}
		out = append(out, append([]Value(nil), items[start:end]...))
		start = end
	}
	return out, nil
}

// maxRangeItems is the most items $range produces, the limit AWS documents
// for States.ArrayRange.
const maxRangeItems = 1000

// sfnRange implements $range(start, end, step): the integers from start
// towards end, step apart, end included when the steps land on it; for
// example $range(0, 10, 2) is [0, 2, 4, 6, 8, 10] and $range(5, 1, -2) is
// [5, 3, 1]. All three arguments must be integers and step must not be
// zero. A step pointing away from end gives an empty array, and a range of
// more than 1000 items is an error, as for States.ArrayRange.
func sfnRange(c *Call, args []Value) (Value, error) {
	start, err := sfnInteger(c, "range", args, 0, "start")
	if err != nil {
		return nil, err
	}
	end, err := sfnInteger(c, "range", args, 1, "end")
	if err != nil {
		return nil, err
	}
	step, err := sfnInteger(c, "range", args, 2, "step")
	if err != nil {
		return nil, err
	}
	if step == 0 {
		return nil, sfnError(c, "range", "The step (argument 3) of function $range must not be zero")
	}
	var n int64
	if (step > 0 && end >= start) || (step < 0 && end <= start) {
		// The operands are at most 2^53 in size, so neither the
		// difference nor the division overflows an int64.
		n = (end-start)/step + 1
	}
	if n > maxRangeItems {
		return nil, sfnError(c, "range", "Function $range would produce "+strconv.FormatInt(n, 10)+" items; at most "+strconv.Itoa(maxRangeItems)+" are allowed")
	}
	out := make([]Value, n)
	for i := range out {
		out[i] = float64(start + int64(i)*step)
	}
	return out, nil
}

// sfnHashAlgorithms are the algorithms $hash accepts, by the names AWS
// documents.
var sfnHashAlgorithms = map[string]func() hash.Hash{
	"MD5":     md5.New,
	"SHA-1":   sha1.New,
	"SHA-256": sha256.New,
	"SHA-384": sha512.New384,
	"SHA-512": sha512.New,
}

// sfnHash implements $hash(value, algorithm): the lower-case hexadecimal
// digest of the string's UTF-8 bytes with MD5, SHA-1, SHA-256, SHA-384 or
// SHA-512 (names as written, case included). The algorithm is required; an
// undefined value gives undefined.
func sfnHash(c *Call, args []Value) (Value, error) {
	alg := sfnArg(args, 1)
	if alg == nil {
		return nil, sfnError(c, "hash", "The hash algorithm (argument 2) of function $hash is missing; use one of MD5, SHA-1, SHA-256, SHA-384 or SHA-512")
	}
	name, _ := alg.(string)
	newHash, ok := sfnHashAlgorithms[name]
	if !ok {
		return nil, sfnError(c, "hash", "Unsupported hash algorithm "+Stringify(alg)+" for function $hash; use one of MD5, SHA-1, SHA-256, SHA-384 or SHA-512")
	}
	v := sfnArg(args, 0)
	if v == nil {
		return nil, nil
	}
	text, ok := v.(string)
	if !ok {
		return nil, sfnError(c, "hash", "The value (argument 1) of function $hash must be a string; got "+Stringify(v))
	}
	h := newHash()
	h.Write([]byte(text))
	return hex.EncodeToString(h.Sum(nil)), nil
}

// sfnRandom implements $random(seed): a number n with 0 <= n < 1. Without
// a seed the number comes from the evaluation's random source, so a replay
// that hands in the same source gets the same number; with one it depends
// only on the seed, which must be an integer.
func sfnRandom(c *Call, args []Value) (Value, error) {
	if sfnArg(args, 0) == nil {
		return c.Random(), nil
	}
	seed, err := sfnInteger(c, "random", args, 0, "seed")
	if err != nil {
		return nil, err
	}
	// The top 53 bits of one SplitMix64 output, scaled into [0, 1).
	return float64(splitMix64(uint64(seed))>>11) / (1 << 53), nil
}

// splitMix64 is the output function of the SplitMix64 generator: it mixes
// x so that nearby seeds give unrelated numbers.
func splitMix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// sfnUUID implements $uuid(): a random (version 4, RFC 9562 variant) UUID
// in its canonical lower-case form. The 128 bits come from four draws of
// the evaluation's random source, 32 bits each, so the same source gives
// the same UUID.
func sfnUUID(c *Call, args []Value) (Value, error) {
	var b [16]byte
	for i := 0; i < 16; i += 4 {
		r := c.Random()
		var u uint32
		switch {
		case !(r > 0): // also NaN
			u = 0
		case r >= 1:
			u = math.MaxUint32
		default:
			u = uint32(r * (1 << 32))
		}
		b[i] = byte(u >> 24)
		b[i+1] = byte(u >> 16)
		b[i+2] = byte(u >> 8)
		b[i+3] = byte(u)
	}
	return intrinsic.FormatUUID4(b), nil
}

// sfnParse implements $parse(json): the value a JSON text stands for, as
// States.StringToJson gives it. Text that is not one JSON value is an
// error; an undefined argument gives undefined.
func sfnParse(c *Call, args []Value) (Value, error) {
	v := sfnArg(args, 0)
	if v == nil {
		return nil, nil
	}
	text, ok := v.(string)
	if !ok {
		return nil, sfnError(c, "parse", "The argument of function $parse must be a string; got "+Stringify(v))
	}
	doc, err := jsonvalue.ParseString(text)
	if err != nil {
		msg := err.Error()
		var syn *jsonvalue.SyntaxError
		switch {
		case errors.As(err, &syn):
			msg = syn.Msg + " at offset " + strconv.Itoa(syn.Offset)
		case errors.Is(err, jsonvalue.ErrEmpty):
			msg = "the text holds no value"
		}
		return nil, sfnError(c, "parse", "The argument of function $parse is not valid JSON: "+msg)
	}
	return FromJSON(doc), nil
}
