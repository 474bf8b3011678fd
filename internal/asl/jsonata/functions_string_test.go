package jsonata

import (
	"errors"
	"math"
	"regexp"
	"strings"
	"testing"
)

// libCase is one direct call of a standard-library function: want is the
// result as JSON text ("undefined" for undefined), or "error:CODE".
type libCase struct {
	fn   string
	args []Value
	want string
}

// runLibCases calls each case's implementation directly, without the
// evaluator (so without signature checks or callbacks).
func runLibCases(t *testing.T, cases []libCase) {
	t.Helper()
	for _, tc := range cases {
		b, ok := builtins[tc.fn]
		if !ok {
			t.Errorf("$%s is not registered", tc.fn)
			continue
		}
		got, err := b.Impl(&Call{}, tc.args)
		var text string
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Errorf("$%s%s: error %v is not an *Error", tc.fn, Stringify(tc.args), err)
				continue
			}
			_ = e.Error() // rendering the message must not fail
			text = "error:" + e.Code
		} else {
			text = Stringify(got)
		}
		if text != tc.want {
			t.Errorf("$%s%s = %s, want %s", tc.fn, Stringify(tc.args), text, tc.want)
		}
	}
}

func arr(v ...Value) []Value { return v }

func obj(kv ...Value) *Object {
	o := NewObject(len(kv) / 2)
	for i := 0; i+1 < len(kv); i += 2 {
		o.Append(kv[i].(string), kv[i+1])
	}
	return o
}

func TestStringFunctionSignatures(t *testing.T) {
	for _, name := range []string{"string", "length", "substring", "substringBefore", "substringAfter",
		"uppercase", "lowercase", "trim", "pad", "contains", "split", "join", "match", "replace", "eval",
		"base64encode", "base64decode", "encodeUrlComponent", "encodeUrl", "decodeUrlComponent", "decodeUrl"} {
		if b := builtins[name]; b == nil || b.sig == nil {
			t.Errorf("$%s not registered with a signature", name)
		}
	}
}

func TestString(t *testing.T) {
	runLibCases(t, []libCase{
		{"string", arr(nil), "undefined"},
		{"string", arr("abc"), `"abc"`},
		{"string", arr(5.0), `"5"`},
		{"string", arr(22.0 / 7), `"3.14285714285714"`},
		{"string", arr(1e100), `"1e+100"`},
		{"string", arr(1e-7), `"1e-7"`},
		{"string", arr(1e-6), `"0.000001"`},
		{"string", arr(1e21), `"1e+21"`},
		{"string", arr(90.57000000000001), `"90.57"`},
		{"string", arr(true), `"true"`},
		{"string", arr(Null), `"null"`},
		{"string", arr(math.Inf(1)), "error:D3001"},
		{"string", arr(math.NaN()), "error:D3001"},
		{"string", arr(obj("inf", math.Inf(1))), "error:D1001"},
		{"string", arr(arr(math.NaN())), `"[null]"`},
		{"string", arr(arr("string", 5.0)), `"[\"string\",5]"`},
		{"string", arr(arr("string", 5.0), true), `"[\n  \"string\",\n  5\n]"`},
		{"string", arr(obj("a", 1.0, "u", nil, "f", builtins["sum"])), `"{\"a\":1,\"f\":\"\"}"`},
		{"string", arr(obj("s", "hello"), true), `"{\n  \"s\": \"hello\"\n}"`},
		{"string", arr(obj(), true), `"{}"`},
		{"string", arr(builtins["sum"]), `""`},
		{"string", arr(&Sequence{Items: arr(arr(4.0, true)), OuterWrapper: true}), `"[4,true]"`},
		{"string", arr(1000000000000005.0), `"1000000000000010"`},
		{"string", arr(-1000000000000005.0), `"-1000000000000010"`},
		{"string", arr(0.1 + 0.2), `"0.3"`},
		{"string", arr(math.MaxFloat64), `"null"`},
	})
}

func TestLengthSubstring(t *testing.T) {
	runLibCases(t, []libCase{
		{"length", arr(""), "0"},
		{"length", arr("hello"), "5"},
		{"length", arr(nil), "undefined"},
		{"length", arr("𝄞💩"), "2"},
		{"length", arr("超明體繁"), "4"},
		{"substring", arr("hello world", 0.0, 5.0), `"hello"`},
		{"substring", arr("hello world", -5.0, 5.0), `"world"`},
		{"substring", arr("hello world", 6.0), `"world"`},
		{"substring", arr(nil, 6.0), "undefined"},
		{"substring", arr("𝄞💩", 1.0, 1.0), `"💩"`},
		{"substring", arr("hello world", -5.0, 4.0), `"worl"`},
		{"substring", arr("hello world", -5.0, 0.0), `""`},
		{"substring", arr("hello world", -5.0, -1.0), `""`},
		{"substring", arr("hello world", 0.0, -6.0), `""`},
		{"substring", arr("hello world", -100.0, 3.0), `"hel"`},
		{"substring", arr("😂😁😀", -2.0, 1.0), `"😁"`},
		{"substring", arr("😂😁😀", -5.0, 1.0), `"😂"`},
		{"substring", arr("hello", 1.5, 2.5), `"ell"`},
		{"substring", arr("hello", 100.0), `""`},
		{"substring", arr("hello", math.Inf(-1), math.Inf(1)), `"hello"`},
		{"substring", arr("hello", math.NaN(), 2.0), `""`},
		{"substring", arr("hello", 1e300, 1e300), `""`},
		{"substringBefore", arr("Hello World", " "), `"Hello"`},
		{"substringBefore", arr("Hello World", "f"), `"Hello World"`},
		{"substringBefore", arr("Hello World", "He"), `""`},
		{"substringBefore", arr(nil, "He"), "undefined"},
		{"substringAfter", arr("Hello World", "l"), `"lo World"`},
		{"substringAfter", arr("Hello World", "f"), `"Hello World"`},
		{"substringAfter", arr("Hello World", "ld"), `""`},
		{"substringAfter", arr(nil, "ld"), "undefined"},
	})
}

func TestCaseTrimPad(t *testing.T) {
	runLibCases(t, []libCase{
		{"uppercase", arr("Hello World"), `"HELLO WORLD"`},
		{"uppercase", arr("straße"), `"STRASSE"`},
		{"uppercase", arr("ﬁx ǰ"), "\"FIX J\u030C\""},
		{"lowercase", arr("ΟΔΟΣ ΣΑΣ. Σ"), `"οδος σας. σ"`},
		{"lowercase", arr("İ"), "\"i\u0307\""},
		{"uppercase", arr(nil), "undefined"},
		{"lowercase", arr("Hello World"), `"hello world"`},
		{"lowercase", arr(nil), "undefined"},
		{"trim", arr("Hello World"), `"Hello World"`},
		{"trim", arr("   Hello     \t World  \t "), `"Hello World"`},
		{"trim", arr("\n\r"), `""`},
		{"trim", arr(nil), "undefined"},
		{"pad", arr("foo", 5.0), `"foo  "`},
		{"pad", arr("foo", -5.0), `"  foo"`},
		{"pad", arr("foo", -5.0, "#"), `"##foo"`},
		{"pad", arr("foo", 5.0, ""), `"foo  "`},
		{"pad", arr("foo", 1.0), `"foo"`},
		{"pad", arr("foo", 8.0, "-+"), `"foo-+-+-"`},
		{"pad", arr(nil, 1.0), "undefined"},
		{"pad", arr("a𝄞💩", 6.0, "💩"), `"a𝄞💩💩💩💩"`},
		{"pad", arr("x", 1e15), "error:U1003"},
		{"pad", arr("x", math.Inf(1)), "error:U1003"},
		{"pad", arr("x", math.NaN()), `"x"`},
	})
}

func TestContainsSplitJoin(t *testing.T) {
	runLibCases(t, []libCase{
		{"contains", arr("Hello World", "lo"), "true"},
		{"contains", arr("Hello World", "world"), "false"},
		{"contains", arr(nil, "World"), "undefined"},
		{"split", arr("Hello World", " "), `["Hello","World"]`},
		{"split", arr("Hello  World", " "), `["Hello","","World"]`},
		{"split", arr("Hello", ""), `["H","e","l","l","o"]`},
		{"split", arr("", ""), `[]`},
		{"split", arr("", ","), `[""]`},
		{"split", arr("a, b, c, d", ", ", 2.0), `["a","b"]`},
		{"split", arr("a, b, c, d", ", ", 2.5), `["a","b"]`},
		{"split", arr("a, b, c, d", ", ", 10.0), `["a","b","c","d"]`},
		{"split", arr("a, b, c, d", ", ", 0.0), `[]`},
		{"split", arr("a, b, c, d", ", ", -3.0), "error:D3020"},
		{"split", arr(nil, " "), "undefined"},
		{"split", arr("12💩345💩6", "💩"), `["12","345","6"]`},
		{"join", arr(arr("hello", "world")), `"helloworld"`},
		{"join", arr(arr("hello", "world"), ", "), `"hello, world"`},
		{"join", arr(arr(), ", "), `""`},
		{"join", arr("hello"), `"hello"`},
		{"join", arr(nil, ", "), "undefined"},
		{"join", arr(arr(1.0), ", "), "error:T0412"},
	})
}

func TestReplaceString(t *testing.T) {
	runLibCases(t, []libCase{
		{"replace", arr("Hello World", "World", "Everyone"), `"Hello Everyone"`},
		{"replace", arr("the cat sat on the mat", "at", "it"), `"the cit sit on the mit"`},
		{"replace", arr("the cat sat on the mat", "at", "it", 0.0), `"the cat sat on the mat"`},
		{"replace", arr("the cat sat on the mat", "at", "it", 2.0), `"the cit sit on the mat"`},
		{"replace", arr("aaa", "a", "$0"), `"$0$0$0"`},
		{"replace", arr(nil, "at", "it", 2.0), "undefined"},
		{"replace", arr("hello", "l", "1", -2.0), "error:D3011"},
		{"replace", arr("hello", "", "bye"), "error:D3010"},
	})
}

func TestExpandReplacement(t *testing.T) {
	groups := func(n int) []Value {
		g := make([]Value, n)
		for i := range g {
			g[i] = string(rune('a' + i))
		}
		return g
	}
	for _, tc := range []struct {
		repl   string
		groups []Value
		want   string
	}{
		{"$2, $1", groups(2), "b, a"},
		{"$$$1", groups(1), "$a"},
		{"$w", groups(1), "$w"},
		{"$0 -> $$$1", groups(1), "M -> $a"},
		{"$0$1$2", groups(1), "Ma"},
		{"[1=$1][2=$2]", []Value{"ab", nil}, "[1=ab][2=]"},
		{"$8$5$12$12$18$123", groups(13), "hella8l3"},
		{"$8$5$12$12$18$123", nil, "22823"},
		{"$8$5$12$12$18$123", []Value{"X"}, "X2X2X8X23"},
		{"$x$", nil, "$x$"},
		{"$", nil, "$"},
		{"é$1ü", groups(1), "éaü"},
	} {
		got := libExpandReplacement(tc.repl, &libMatchResult{text: "M", groups: tc.groups})
		if got != tc.want {
			t.Errorf("expand(%q, %v) = %q, want %q", tc.repl, tc.groups, got, tc.want)
		}
	}
}

func TestRegexFunctions(t *testing.T) {
	re := func(src string) *Regex {
		return &Regex{Source: src, re: regexpMust(src)}
	}
	runLibCases(t, []libCase{
		{"split", arr("ababbxabbcc", re("b+")), `["a","a","xa","cc"]`},
		{"split", arr("ababbxabbcc", re("b+"), 2.0), `["a","a"]`},
		{"split", arr("ababbxabbcc", re("d+")), `["ababbxabbcc"]`},
		{"contains", arr("ababbxabbcc", re("ab+")), "true"},
		{"contains", arr("ababbxabbcc", re("ax+")), "false"},
		{"replace", arr("ababbxabbcc", re("b+"), "yy"), `"ayyayyxayycc"`},
		{"replace", arr("ababbxabbcc", re("b+"), "yy", 2.0), `"ayyayyxabbcc"`},
		{"replace", arr("John Smith", re(`(\w+)\s(\w+)`), "$2, $1"), `"Smith, John"`},
		{"replace", arr("abracadabra", re("a.*?a"), "*"), `"*c*bra"`},
		{"replace", arr("abracadabra", re(".*?"), "$1"), "error:D1004"},
		{"replace", arr("AAAA", re("A+?"), "b"), `"bbbb"`},
		{"replace", arr("darted", re("^(.*?)d(.*)$"), "$1c$2"), `"carted"`},
		{"replace", arr("aab", re("a*"), "x"), "error:D1004"},
		{"replace", arr("aa", re("a*"), "x"), `"x"`},
		{"match", arr("ababbabbcc", re("a(b+)")), `[{"match":"ab","index":0,"groups":["b"]},{"match":"abb","index":2,"groups":["bb"]},{"match":"abb","index":5,"groups":["bb"]}]`},
		{"match", arr("ababbabbcc", re("a(b+)"), 1.0), `{"match":"ab","index":0,"groups":["b"]}`},
		{"match", arr("ababbabbcc", re("a(b+)"), 0.0), "undefined"},
		{"match", arr("ababbabbcc", re("a(b+)"), -1.0), "error:D3040"},
		{"match", arr("ababbabbcc", re("x")), "undefined"},
		{"match", arr("💩ab", re("a")), `{"match":"a","index":2,"groups":[]}`},
		{"match", arr(nil, re("a")), "undefined"},
		{"match", arr("abc", re("x*")), "error:D1004"},
		{"match", arr("", re("x*")), `{"match":"","index":0,"groups":[]}`},
	})
}

func TestEncodings(t *testing.T) {
	runLibCases(t, []libCase{
		{"base64encode", arr("hello:world"), `"aGVsbG86d29ybGQ="`},
		{"base64encode", arr(nil), "undefined"},
		{"base64encode", arr("é"), `"6Q=="`},
		{"base64decode", arr("aGVsbG86d29ybGQ="), `"hello:world"`},
		{"base64decode", arr("aGVsbG86d29ybGQ"), `"hello:world"`},
		{"base64decode", arr("aGVs\nbG86d29ybGQ="), `"hello:world"`},
		{"base64decode", arr("6Q=="), `"é"`},
		{"base64decode", arr("a"), `""`},
		{"base64decode", arr(nil), "undefined"},
		{"encodeUrlComponent", arr("?x=test"), `"%3Fx%3Dtest"`},
		{"encodeUrlComponent", arr("a b-_.!~*'()é"), `"a%20b-_.!~*'()%C3%A9"`},
		{"encodeUrlComponent", arr("\xed\xa0\x80"), "error:D3140"},
		{"encodeUrlComponent", arr(nil), "undefined"},
		{"encodeUrl", arr("https://mozilla.org/?x=шеллы"), `"https://mozilla.org/?x=%D1%88%D0%B5%D0%BB%D0%BB%D1%8B"`},
		{"encodeUrl", arr("a b#c;d"), `"a%20b#c;d"`},
		{"decodeUrl", arr("https://mozilla.org/?x=%D1%88%D0%B5%D0%BB%D0%BB%D1%8B"), `"https://mozilla.org/?x=шеллы"`},
		{"decodeUrl", arr("%3F%3f%20"), `"%3F%3f "`},
		{"decodeUrl", arr("%E0%A4%A"), "error:D3140"},
		{"decodeUrlComponent", arr("%3Fx%3Dtest"), `"?x=test"`},
		{"decodeUrlComponent", arr("%E0%A4%A"), "error:D3140"},
		{"decodeUrlComponent", arr("%"), "error:D3140"},
		{"decodeUrlComponent", arr("%C3"), "error:D3140"},
		{"decodeUrlComponent", arr("%C0%80"), "error:D3140"},
		{"decodeUrlComponent", arr("%ED%A0%80"), "error:D3140"},
		{"decodeUrlComponent", arr("%F0%9F%92%A9"), `"💩"`},
		{"decodeUrlComponent", arr(nil), "undefined"},
	})
}

func TestToPrecision15(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{
		{0.1 + 0.2, "0.3"},
		{123.456, "123.456"},
		{1.0 / 3, "0.333333333333333"},
		{1e21, "1e+21"},
		{-0.000001234, "-0.000001234"},
		{5e-324, "5e-324"},
		{math.MaxFloat64, "Infinity"}, // as JavaScript rounds it
	} {
		if got := FormatNumber(libToPrecision15(tc.in)); got != tc.want {
			t.Errorf("toPrecision15(%v) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestStringFunctionsNoPanic(t *testing.T) {
	values := []Value{nil, Null, true, 0.0, -1.0, 1.5, math.Inf(1), math.NaN(), 1e300, "", "a", "\xff\xfe", "💩",
		arr(), arr("a"), obj("k", "v"), builtins["sum"]}
	names := []string{"string", "length", "substring", "substringBefore", "substringAfter", "uppercase",
		"lowercase", "trim", "pad", "contains", "split", "join", "base64encode", "base64decode",
		"encodeUrlComponent", "encodeUrl", "decodeUrlComponent", "decodeUrl", "replace", "match"}
	for _, name := range names {
		for _, a := range values {
			for _, b := range values {
				if IsFunction(b) && (name == "contains" || name == "split" || name == "replace" || name == "match") {
					continue // would need the evaluator to call
				}
				for _, n := range []Value{nil, 0.0, 2.0, -1.0, math.NaN()} {
					func() {
						defer func() {
							if r := recover(); r != nil {
								t.Fatalf("$%s(%s, %s, %s) panicked: %v", name, Stringify(a), Stringify(b), Stringify(n), r)
							}
						}()
						args := []Value{a, b, n, n}
						if name == "replace" {
							args = []Value{a, b, "x", n}
						}
						_, _ = builtins[name].Impl(&Call{}, args)
					}()
				}
			}
		}
	}
	if s := strings.Repeat("ab", 10); len(s) != 20 {
		t.Fatal(s)
	}
}

func regexpMust(src string) *regexp.Regexp { return regexp.MustCompile(src) }
