package jsonata

import (
	"math"
	"testing"
)

func TestNumber(t *testing.T) {
	runLibCases(t, []libCase{
		{"number", arr(nil), "undefined"},
		{"number", arr(10.0), "10"},
		{"number", arr("0"), "0"},
		{"number", arr("-0.05"), "-0.05"},
		{"number", arr("1e2"), "100"},
		{"number", arr("1.0e-2"), "0.01"},
		{"number", arr("1E+2"), "100"},
		{"number", arr("1e-400"), "0"},
		{"number", arr("10e500"), "error:D3030"},
		{"number", arr("Hello world"), "error:D3030"},
		{"number", arr("1/2"), "error:D3030"},
		{"number", arr("1234 hello"), "error:D3030"},
		{"number", arr(""), "error:D3030"},
		{"number", arr(" 1"), "error:D3030"},
		{"number", arr("+1"), "error:D3030"},
		{"number", arr(".5"), "error:D3030"},
		{"number", arr("5."), "error:D3030"},
		{"number", arr("[1]"), "error:D3030"},
		{"number", arr(true), "1"},
		{"number", arr(false), "0"},
		{"number", arr("00"), "0"},
		{"number", arr("0123"), "123"},
		{"number", arr("-007"), "-7"},
		{"number", arr("000.00123000"), "0.00123"},
		{"number", arr("0x12"), "18"},
		{"number", arr("0XfF"), "255"},
		{"number", arr("0B101"), "5"},
		{"number", arr("0O12"), "10"},
		{"number", arr("0x"), "error:D3030"},
		{"number", arr("0b102"), "error:D3030"},
		{"number", arr("0o8"), "error:D3030"},
		{"number", arr("-0x12"), "error:D3030"},
		{"number", arr("0x1fffffffffffff1"), "144115188075855860"},
		{"number", arr(Null), "error:D3030"},
	})
}

func TestMathFunctions(t *testing.T) {
	runLibCases(t, []libCase{
		{"abs", arr(3.7), "3.7"},
		{"abs", arr(-3.7), "3.7"},
		{"abs", arr(nil), "undefined"},
		{"floor", arr(3.7), "3"},
		{"floor", arr(-3.7), "-4"},
		{"floor", arr(nil), "undefined"},
		{"ceil", arr(3.7), "4"},
		{"ceil", arr(-3.7), "-3"},
		{"ceil", arr(-0.5), "0"},
		{"ceil", arr(nil), "undefined"},
		{"power", arr(4.0, 2.0), "16"},
		{"power", arr(4.0, 0.5), "2"},
		{"power", arr(10.0, -2.0), "0.01"},
		{"power", arr(-2.0, 3.0), "-8"},
		{"power", arr(nil, 3.0), "undefined"},
		{"power", arr(-2.0, 1.0/3), "error:D3061"},
		{"power", arr(100.0, 1000.0), "error:D3061"},
		{"sqrt", arr(4.0), "2"},
		{"sqrt", arr(2.0), "1.4142135623730951"},
		{"sqrt", arr(nil), "undefined"},
		{"sqrt", arr(-2.0), "error:D3060"},
	})
}

func TestRound(t *testing.T) {
	runLibCases(t, []libCase{
		{"round", arr(4.0), "4"},
		{"round", arr(2.3), "2"},
		{"round", arr(2.7), "3"},
		{"round", arr(2.5), "2"},
		{"round", arr(3.5), "4"},
		{"round", arr(-0.5), "0"},
		{"round", arr(-0.3), "0"},
		{"round", arr(0.5), "0"},
		{"round", arr(-7.5), "-8"},
		{"round", arr(-8.5), "-8"},
		{"round", arr(-2.7), "-3"},
		{"round", arr(0.49999999999999994), "0"},
		{"round", arr(4.49, 1.0), "4.5"},
		{"round", arr(4.525, 2.0), "4.52"},
		{"round", arr(4.515, 2.0), "4.52"},
		{"round", arr(12345.0, -2.0), "12300"},
		{"round", arr(12450.0, -2.0), "12400"},
		{"round", arr(12350.0, -2.0), "12400"},
		{"round", arr(6.022e-23, 24.0), "6e-23"},
		{"round", arr(1.5e300, 100.0), "1.5e+300"},
		{"round", arr(123.0, -400.0), "0"},
		{"round", arr(123.0, 1e9), "123"},
		{"round", arr(123.0, math.Inf(-1)), "0"},
		{"round", arr(nil), "undefined"},
	})
}

func TestAggregates(t *testing.T) {
	runLibCases(t, []libCase{
		{"sum", arr(arr(1.0, 2.0, 3.0)), "6"},
		{"sum", arr(arr()), "0"},
		{"sum", arr(1.0), "1"},
		{"sum", arr(nil), "undefined"},
		{"sum", arr(arr(68.9, 21.67)), "90.57000000000001"},
		{"sum", arr(arr("1")), "error:T0412"},
		{"sum", arr(&Sequence{Items: arr(1.0, 2.0)}), "3"},
		{"max", arr(arr(1.0, 2.0, 3.0)), "3"},
		{"max", arr(arr(-1.0, -5.0)), "-1"},
		{"max", arr(arr()), "undefined"},
		{"max", arr(1.0), "1"},
		{"max", arr(nil), "undefined"},
		{"min", arr(arr(1.0, 2.0, 3.0)), "1"},
		{"min", arr(arr()), "undefined"},
		{"min", arr(nil), "undefined"},
		{"average", arr(arr(1.0, 2.0, 3.0)), "2"},
		{"average", arr(arr()), "undefined"},
		{"average", arr(1.0), "1"},
		{"average", arr(nil), "undefined"},
	})
}

func TestRandom(t *testing.T) {
	for range 100 {
		v, err := fnRandom(&Call{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if f := v.(float64); f < 0 || f >= 1 {
			t.Fatalf("$random() = %v", f)
		}
	}
}
