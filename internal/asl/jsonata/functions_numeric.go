package jsonata

import (
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
)

// This file holds JSONata's numeric and aggregation functions: $number,
// $abs, $floor, $ceil, $round, $power, $sqrt, $random, $sum, $max, $min
// and $average.

func init() {
	register("number", "<(nsb)-:n>", fnNumber)
	register("abs", "<n-:n>", fnAbs)
	register("floor", "<n-:n>", fnFloor)
	register("ceil", "<n-:n>", fnCeil)
	register("round", "<n-n?:n>", fnRound)
	register("power", "<n-n:n>", fnPower)
	register("sqrt", "<n-:n>", fnSqrt)
	register("random", "<:n>", fnRandom)
	register("sum", "<a<n>:n>", fnSum)
	register("max", "<a<n>:n>", fnMax)
	register("min", "<a<n>:n>", fnMin)
	register("average", "<a<n>:n>", fnAverage)
}

// libDecimalNumber is the decimal syntax $number accepts: no leading plus, no
// bare leading or trailing point.
var libDecimalNumber = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$`)

// fnNumber implements $number: numbers as they are, numeric strings
// (decimal, or 0x, 0o and 0b prefixed integers), and booleans as 1 or 0.
func fnNumber(c *Call, args []Value) (Value, error) {
	v := libArgAtOr(args, 0)
	switch x := v.(type) {
	case nil:
		return nil, nil
	case float64:
		return x, nil
	case bool:
		if x {
			return 1.0, nil
		}
		return 0.0, nil
	case string:
		if f, ok := libParseNumberString(x); ok {
			return f, nil
		}
	}
	return nil, &Error{Code: "D3030", Position: c.Position, Token: "number", Value: v}
}

// libParseNumberString converts a string as $number does, reporting false
// when it is not a finite number in an accepted syntax.
func libParseNumberString(s string) (float64, bool) {
	if libDecimalNumber.MatchString(s) {
		f, err := strconv.ParseFloat(s, 64)
		if (err != nil && !libIsRangeErr(err)) || math.IsInf(f, 0) || math.IsNaN(f) {
			return 0, false
		}
		return f, true
	}
	if len(s) > 2 && s[0] == '0' {
		base := 0
		switch s[1] {
		case 'x', 'X':
			base = 16
		case 'o', 'O':
			base = 8
		case 'b', 'B':
			base = 2
		}
		if base == 0 {
			return 0, false
		}
		digits := s[2:]
		for i := 0; i < len(digits); i++ {
			if _, ok := libDigitValue(digits[i], base); !ok {
				return 0, false
			}
		}
		n, ok := new(big.Int).SetString(digits, base)
		if !ok {
			return 0, false
		}
		f, _ := new(big.Float).SetInt(n).Float64()
		if math.IsInf(f, 0) {
			return 0, false
		}
		return f, true
	}
	return 0, false
}

func libIsRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func libDigitValue(ch byte, base int) (int, bool) {
	var d int
	switch {
	case ch >= '0' && ch <= '9':
		d = int(ch - '0')
	case ch >= 'a' && ch <= 'f':
		d = int(ch-'a') + 10
	case ch >= 'A' && ch <= 'F':
		d = int(ch-'A') + 10
	default:
		return 0, false
	}
	return d, d < base
}

// fnAbs implements $abs.
func fnAbs(c *Call, args []Value) (Value, error) {
	f, ok := libArgNumber(args, 0)
	if !ok {
		return nil, nil
	}
	return math.Abs(f), nil
}

// fnFloor implements $floor.
func fnFloor(c *Call, args []Value) (Value, error) {
	f, ok := libArgNumber(args, 0)
	if !ok {
		return nil, nil
	}
	return libNoNegZero(math.Floor(f)), nil
}

// fnCeil implements $ceil.
func fnCeil(c *Call, args []Value) (Value, error) {
	f, ok := libArgNumber(args, 0)
	if !ok {
		return nil, nil
	}
	return libNoNegZero(math.Ceil(f)), nil
}

// libNoNegZero turns -0 into 0, which JSON cannot tell apart anyway.
func libNoNegZero(f float64) float64 {
	if f == 0 {
		return 0
	}
	return f
}

// fnRound implements $round(number, precision): rounding half to even at
// the given number of decimal places (negative places round to tens,
// hundreds, ...). The decimal point is shifted in the number's decimal
// text, as JSONata does, so that 4.525 rounds as written.
func fnRound(c *Call, args []Value) (Value, error) {
	f, ok := libArgNumber(args, 0)
	if !ok {
		return nil, nil
	}
	prec, _ := libArgNumber(args, 1)
	p := 0
	if prec != 0 && !math.IsNaN(prec) {
		if math.IsInf(prec, 0) || math.Abs(prec) > 1000 {
			// Past every float64's digits: the number is unchanged by
			// rounding to so many places, and rounds to 0 at so many tens.
			if prec > 0 {
				return f, nil
			}
			return 0.0, nil
		}
		p = int(math.Trunc(prec))
	}
	x := f
	if p != 0 {
		x = libShiftDecimal(f, p)
		if math.IsInf(x, 0) {
			return f, nil
		}
	}
	r := math.Floor(x)
	if x-r >= 0.5 {
		r++
	}
	if math.Abs(r-x) == 0.5 && math.Mod(math.Abs(r), 2) == 1 {
		r--
	}
	if p != 0 {
		r = libShiftDecimal(r, -p)
	}
	if math.IsNaN(r) {
		return f, nil
	}
	return libNoNegZero(r), nil
}

// libShiftDecimal multiplies f by 10^p by editing its decimal text.
func libShiftDecimal(f float64, p int) float64 {
	if f == 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		return f
	}
	s := FormatNumber(f)
	mant, exp, _ := strings.Cut(s, "e")
	e := 0
	if exp != "" {
		e, _ = strconv.Atoi(exp)
	}
	out, err := strconv.ParseFloat(mant+"e"+strconv.Itoa(e+p), 64)
	if err != nil && !libIsRangeErr(err) {
		return math.NaN()
	}
	return out
}

// fnPower implements $power(base, exponent); a result that is not a
// finite number is error D3061.
func fnPower(c *Call, args []Value) (Value, error) {
	base, ok := libArgNumber(args, 0)
	if !ok {
		return nil, nil
	}
	exp, ok := libArgNumber(args, 1)
	if !ok {
		return nil, nil
	}
	r := math.Pow(base, exp)
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return nil, &Error{Code: "D3061", Position: c.Position, Token: "power", Value: base, Value2: exp}
	}
	return r, nil
}

// fnSqrt implements $sqrt; a negative number is error D3060.
func fnSqrt(c *Call, args []Value) (Value, error) {
	f, ok := libArgNumber(args, 0)
	if !ok {
		return nil, nil
	}
	if f < 0 {
		return nil, &Error{Code: "D3060", Position: c.Position, Token: "sqrt", Value: f}
	}
	return math.Sqrt(f), nil
}

// fnRandom implements $random: a number in [0, 1) from the evaluation's
// random source.
func fnRandom(c *Call, args []Value) (Value, error) {
	return c.Random(), nil
}

// libNumbers returns the numbers of an aggregation's argument, which the
// signature has made an array of numbers.
func libNumbers(c *Call, name string, v Value) ([]float64, bool, error) {
	if v == nil {
		return nil, false, nil
	}
	items, ok := Items(v)
	if !ok {
		items = []Value{v}
	}
	out := make([]float64, 0, len(items))
	for _, e := range items {
		f, ok := e.(float64)
		if !ok {
			return nil, false, &Error{Code: "T0412", Position: c.Position, Token: name, Index: 1, Value: e, Type: "number"}
		}
		out = append(out, f)
	}
	return out, true, nil
}

// fnSum implements $sum: 0 for an empty array.
func fnSum(c *Call, args []Value) (Value, error) {
	nums, ok, err := libNumbers(c, "sum", libArgAtOr(args, 0))
	if !ok || err != nil {
		return nil, err
	}
	total := 0.0
	for _, f := range nums {
		total += f
	}
	return total, nil
}

// fnMax implements $max: undefined for an empty array.
func fnMax(c *Call, args []Value) (Value, error) {
	nums, ok, err := libNumbers(c, "max", libArgAtOr(args, 0))
	if !ok || err != nil || len(nums) == 0 {
		return nil, err
	}
	m := math.Inf(-1)
	for _, f := range nums {
		if math.IsNaN(f) {
			return f, nil
		}
		m = math.Max(m, f)
	}
	return m, nil
}

// fnMin implements $min: undefined for an empty array.
func fnMin(c *Call, args []Value) (Value, error) {
	nums, ok, err := libNumbers(c, "min", libArgAtOr(args, 0))
	if !ok || err != nil || len(nums) == 0 {
		return nil, err
	}
	m := math.Inf(1)
	for _, f := range nums {
		if math.IsNaN(f) {
			return f, nil
		}
		m = math.Min(m, f)
	}
	return m, nil
}

// fnAverage implements $average: undefined for an empty array.
func fnAverage(c *Call, args []Value) (Value, error) {
	nums, ok, err := libNumbers(c, "average", libArgAtOr(args, 0))
	if !ok || err != nil || len(nums) == 0 {
		return nil, err
	}
	total := 0.0
	for _, f := range nums {
		total += f
	}
	return total / float64(len(nums)), nil
}
