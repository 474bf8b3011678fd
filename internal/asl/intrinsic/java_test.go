package intrinsic

import (
	"math"
	"math/big"
	"strings"
	"testing"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

func TestJavaDouble(t *testing.T) {
	t.Parallel()
	for f, want := range map[float64]string{
		0:                      "0.0",
		math.Copysign(0, -1):   "-0.0",
		1:                      "1.0",
		-1.5:                   "-1.5",
		100:                    "100.0",
		0.001:                  "0.001",
		0.000999:               "9.99E-4",
		1234567.5:              "1234567.5",
		1e7:                    "1.0E7",
		12345678.9:             "1.23456789E7",
		1e21:                   "1.0E21",
		1.0e-5:                 "1.0E-5",
		math.Nextafter(0.3, 1): "0.30000000000000004",
		math.MaxFloat64:        "1.7976931348623157E308",
		math.Inf(1):            "Infinity",
		math.Inf(-1):           "-Infinity",
		math.NaN():             "NaN",
		9.223372036854776e18:   "9.223372036854776E18",
	} {
		if got := string(appendJavaDouble(nil, f)); got != want {
			t.Errorf("appendJavaDouble(%v) = %q, want %q", f, got, want)
		}
	}
}

func TestJavaText(t *testing.T) {
	t.Parallel()
	v := jsonvalue.MustParse(`{"s":"x y","n":[1,-0,2.50,1e2,null,true],"o":{},"a":[]}`)
	if got, want := string(appendJava(nil, v)), "{s=x y, n=[1, 0, 2.5, 100.0, null, true], o={}, a=[]}"; got != want {
		t.Errorf("appendJava = %q, want %q", got, want)
	}
	if got, want := string(appendJackson(nil, v)), `{"s":"x y","n":[1,0,2.5,100.0,null,true],"o":{},"a":[]}`; got != want {
		t.Errorf("appendJackson = %q, want %q", got, want)
	}
	if got := string(appendJackson(nil, jsonvalue.Number("1e400"))); got != "1e400" {
		t.Errorf("appendJackson(1e400) = %q", got)
	}
	if got := string(appendJavaNumber(nil, "123456789012345678901234567890")); got != "123456789012345678901234567890" {
		t.Errorf("big integer printed as %q", got)
	}
}

func TestJavaHash(t *testing.T) {
	t.Parallel()
	bi, _ := new(big.Int).SetString("12345678901234567890", 10)
	for _, tc := range []struct {
		v    jsonvalue.Value
		want int32
	}{
		{nil, 0},
		{true, 1231},
		{false, 1237},
		{"", 0},
		{"Aa", 2112},
		{"BB", 2112},
		{"hello", 99162322},
		{"🚀", 0xD83D*31 + 0xDE80},
		{jsonvalue.Number("7"), 7},
		{jsonvalue.Number("-7"), -7},
		{jsonvalue.Number("4294967296"), 1},   // Long
		{jsonvalue.Number("-4294967297"), 1},  // Long: -4294967297 ^ (… >>> 32)
		{jsonvalue.Number("1.0"), 1072693248}, // Double
		{jsonvalue.Number("0.0"), 0},
		{jsonvalue.Number("12345678901234567890"), -1436577082}, // BigInteger
		{[]jsonvalue.Value{}, 1},
		{[]jsonvalue.Value{jsonvalue.Number("1"), jsonvalue.Number("2")}, 994},
		{jsonvalue.MustParse(`{"a":1}`), 97 ^ 1},
	} {
		if got := javaHash(tc.v); got != tc.want {
			t.Errorf("javaHash(%s) = %d, want %d", jsonvalue.Marshal(tc.v), got, tc.want)
		}
	}
	if got := bigIntHash(new(big.Int).Neg(bi)); got != 1436577082 {
		t.Errorf("hash of negative BigInteger = %d", got)
	}
}

func TestJavaEqual(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{`1`, `1`, true},
		{`1`, `1.0`, false},
		{`1.0`, `1.00`, true},
		{`0.0`, `-0.0`, false},
		{`-0`, `0`, true},
		{`12345678901234567890`, `12345678901234567890`, true},
		{`12345678901234567890`, `12345678901234567891`, false},
		{`"a"`, `"a"`, true},
		{`"1"`, `1`, false},
		{`null`, `null`, true},
		{`null`, `false`, false},
		{`true`, `true`, true},
		{`[1,[2]]`, `[1,[2]]`, true},
		{`[1,2]`, `[2,1]`, false},
		{`[1]`, `[1,1]`, false},
		{`{"a":1,"b":[null]}`, `{"b":[null],"a":1}`, true},
		{`{"a":1}`, `{"a":2}`, false},
		{`{"a":1}`, `{"b":1}`, false},
		{`{"a":1}`, `[1]`, false},
	} {
		a, b := jsonvalue.MustParse(tc.a), jsonvalue.MustParse(tc.b)
		if got := javaEqual(a, b); got != tc.want {
			t.Errorf("javaEqual(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestHashSetOrder(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{`[]`, `[]`},
		{`[3,1,2,1]`, `[1,2,3]`},
		{`[true,false,null]`, `[null,false,true]`},
		// Nine values in one bucket of a 16-bucket table: HashMap doubles
		// the table instead of making a tree, which splits the bucket.
		{`[0,16,32,48,64,80,96,112,128]`, `[0,32,64,96,128,16,48,80,112]`},
		// Thirteen values need a 32-bucket table.
		{`[31,30,29,28,27,26,25,24,23,22,21,20,19]`, `[19,20,21,22,23,24,25,26,27,28,29,30,31]`},
		// "x" hashes to bucket 8, the BigInteger to bucket 9.
		{`[12345678901234567890,12345678901234567890,"x"]`, `["x",12345678901234567890]`},
	} {
		got := hashSetOrder(jsonvalue.MustParse(tc.in).([]jsonvalue.Value))
		if g := jsonvalue.Marshal(got); g != tc.want {
			t.Errorf("hashSetOrder(%s) = %s, want %s", tc.in, g, tc.want)
		}
	}
}

func TestJavaRandom(t *testing.T) {
	t.Parallel()
	// new Random(42): nextInt(10) is 0, and nextInt(4) takes the
	// power-of-two path.
	r := newJavaRandom(42)
	if got := r.nextInt(10); got != 0 {
		t.Errorf("new Random(42).nextInt(10) = %d, want 0", got)
	}
	r = newJavaRandom(42)
	if got := r.nextInt(4); got != 2 {
		t.Errorf("new Random(42).nextInt(4) = %d, want 2", got)
	}
	// The rejection loop terminates and stays in range for a bound just
	// above 2^30.
	r = newJavaRandom(7)
	for i := 0; i < 1000; i++ {
		if n := r.nextInt(1<<30 + 1); n < 0 || n > 1<<30 {
			t.Fatalf("nextInt out of range: %d", n)
		}
	}
}

func TestJavaConversions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   jsonvalue.Value
		want int64
		ok   bool
	}{
		{jsonvalue.Number("42"), 42, true},
		{jsonvalue.Number("2.9"), 2, true},
		{jsonvalue.Number("-2.9"), -2, true},
		{jsonvalue.Number("1e30"), 0, false},
		{"42", 0, false},
	} {
		got, ok := javaLong(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("javaLong(%v) = %d, %v", tc.in, got, ok)
		}
	}
	if _, ok := truncInt(jsonvalue.Number("1e10")); ok {
		t.Error("truncInt(1e10) succeeded")
	}
	if _, ok := truncInt(jsonvalue.Number("2147483648")); ok {
		t.Error("truncInt(2147483648) succeeded")
	}
	if v, ok := truncInt(jsonvalue.Number("-2147483648.9")); !ok || v != math.MinInt32 {
		t.Errorf("truncInt(-2147483648.9) = %d, %v", v, ok)
	}
	if v, ok := roundInt(jsonvalue.Number("2147483646.5")); !ok || v != math.MaxInt32 {
		t.Errorf("roundInt(2147483646.5) = %d, %v", v, ok)
	}
	if _, ok := roundInt(jsonvalue.Number("2147483647.5")); ok {
		t.Error("roundInt(2147483647.5) succeeded")
	}
	if got := utf16Len("a✓🚀"); got != 4 {
		t.Errorf("utf16Len = %d, want 4", got)
	}
}

func TestDecodeUTF8Java(t *testing.T) {
	t.Parallel()
	const r = "\uFFFD"
	for _, tc := range []struct {
		in   []byte
		want string
	}{
		{[]byte("ok ✓"), "ok ✓"},
		{[]byte{0xE2, 0x82}, r},                  // truncated 3-byte sequence
		{[]byte{0xF0, 0x9F, 0x9A, 'x'}, r + "x"}, // truncated 4-byte sequence
		{[]byte{0xC0, 0x80}, r + r},              // overlong form
		{[]byte{0xED, 0xA0, 0x80}, r + r + r},    // surrogate
		{[]byte{0xE0, 0x80}, r + r},              // bad second byte
		{[]byte{0xF4, 0x90, 0x80, 0x80}, r + r + r + r},
		{[]byte{'a', 0xFF, 'b'}, "a" + r + "b"},
	} {
		if got := decodeUTF8Java(tc.in); got != tc.want {
			t.Errorf("decodeUTF8Java(% x) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestJacksonErrors(t *testing.T) {
	t.Parallel()
	loc := func(line, col int) string {
		return "\n at " + jacksonSource + "line: " + itoa(line) + ", column: " + itoa(col) + "]"
	}
	for _, tc := range []struct{ in, want string }{
		{`NaN`, "Non-standard token 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow" + loc(1, 4)},
		{`-Infinity`, "Non-standard token '-Infinity': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow" + loc(1, 10)},
		{`-x`, "Unexpected character ('x' (code 120)) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value" + loc(1, 3)},
		{`-`, "Unexpected end-of-input in a Number value" + loc(1, 2)},
		{`1.x`, "Unexpected character ('x' (code 120)) in numeric value: Decimal point not followed by a digit" + loc(1, 4)},
		{`1e`, "Unexpected end-of-input in a Number value" + loc(1, 3)},
		{`1ex`, "Unexpected character ('x' (code 120)) in numeric value: Exponent indicator not followed by a digit" + loc(1, 4)},
		{`+1`, "Unexpected character ('+' (code 43)) in numeric value: JSON spec does not allow numbers to have plus signs: enable `JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS` to allow" + loc(1, 1)},
		{`// c`, "Unexpected character ('/' (code 47)): maybe a (non-standard) comment? (not recognized as one since Feature 'ALLOW_COMMENTS' not enabled for parser)" + loc(1, 1)},
		{`#`, "Unexpected character ('#' (code 35)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')" + loc(1, 1)},
		{`]`, "Unexpected close marker ']': expected '}' (for root starting at " + jacksonSource + "line: 1, column: 0])" + loc(1, 2)},
		{"[1,\x00]", "Illegal character ((CTRL-CHAR, code 0)): only regular white space (\\r, \\n, \\t) is allowed between tokens" + loc(1, 4)},
		{"\"a\nb\"", "Illegal unquoted character ((CTRL-CHAR, code 10)): has to be escaped using backslash to be included in string value" + loc(1, 4)},
		{`"\x"`, "Unrecognized character escape 'x' (code 120)" + loc(1, 4)},
		{`"\u12g4"`, "Unexpected character ('g' (code 103)): expected a hex-digit for character escape sequence" + loc(1, 6)},
		{`"\u12`, "Unexpected end-of-input in character escape sequence" + loc(1, 6)},
		{`"\`, "Unexpected end-of-input in character escape sequence" + loc(1, 3)},
		{`{"a"`, "Unexpected end-of-input within/between Object entries" + loc(1, 5)},
		{`{"a":`, "Unexpected end-of-input within/between Object entries" + loc(1, 6)},
		{`{"a":1,`, "Unexpected end-of-input: expected close marker for Object (start marker at " + jacksonSource + "line: 1, column: 1])" + loc(1, 8)},
		{`{"a":1,}`, "Unexpected character ('}' (code 125)): was expecting double-quote to start field name" + loc(1, 8)},
		{`{"a":1 "b":2}`, "Unexpected character ('\"' (code 34)): was expecting comma to separate Object entries" + loc(1, 8)},
		{`{"a":1]`, "Unexpected close marker ']': expected '}' (for Object starting at " + jacksonSource + "line: 1, column: 1])" + loc(1, 8)},
		{`[`, "Unexpected end-of-input: expected close marker for Array (start marker at " + jacksonSource + "line: 1, column: 1])" + loc(1, 2)},
		{`[1,`, "Unexpected end-of-input: expected close marker for Array (start marker at " + jacksonSource + "line: 1, column: 1])" + loc(1, 4)},
		{"  [\n  [1,", "Unexpected end-of-input: expected close marker for Array (start marker at " + jacksonSource + "line: 2, column: 3])" + loc(2, 6)},
		{`é`, "Unrecognized token 'é': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')" + loc(1, 2)},
		{`✓`, "Unexpected character ('✓' (code 10003 / 0x2713)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')" + loc(1, 1)},
		{"\u0085", "Unexpected character ((CTRL-CHAR, code 133)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')" + loc(1, 1)},
		{strings.Repeat("[", 1001), "Document nesting depth (1001) exceeds the maximum allowed (1000, from `StreamReadConstraints.getMaxNestingDepth()`)" + loc(1, 1002)},
		{"x" + strings.Repeat("y", 300), "Unrecognized token 'x" + strings.Repeat("y", 255) + "...': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')" + loc(1, 257)},
	} {
		_, err := parseJackson(tc.in)
		if err == nil {
			t.Errorf("parseJackson(%q) succeeded", tc.in)
			continue
		}
		if err.Error() != tc.want {
			t.Errorf("parseJackson(%q)\n got %q\nwant %q", tc.in, err.Error(), tc.want)
		}
	}
	// Within nesting and size limits documents parse.
	if v, err := parseJackson(strings.Repeat("[", 1000) + strings.Repeat("]", 1000)); err != nil || v == nil {
		t.Errorf("1000 nested arrays: %v", err)
	}
	if v, err := parseJackson(`"\ud83d\ude80 \ud83d x"`); err != nil || v != "🚀 \uFFFD x" {
		t.Errorf("surrogates: %q, %v", v, err)
	}
}

func itoa(n int) string { return jsonvalue.Marshal(jsonvalue.Int(int64(n))) }
