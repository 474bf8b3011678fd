package intrinsic

import (
	"math"
	"testing"

	"github.com/sluice-run/sluice/internal/asl/jsonpath"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

var fuzzSeeds = []string{
	"States.Format('Hello {}, you are {} years old', 'Ada', 36)",
	"States.Format('{}', $.a)",
	"States.Format('\\{{}\\} \\' \\\\', null)",
	"States.Format('{', 1)",
	"States.StringToJson('{\"a\":[1,2.5,\"x\",null,true]}')",
	"States.StringToJson('[1,')",
	"States.JsonToString(States.Array(1, 'a', null))",
	"States.Array()",
	"States.Array(1, -2.5e3, true, false, null, 'x', States.UUID())",
	"States.ArrayPartition(States.Array(1, 2, 3), 2)",
	"States.ArrayContains(States.Array('true'), true)",
	"States.ArrayRange(1, 9, 2)",
	"States.ArrayRange(-2147483648, 2147483647, 1)",
	"States.ArrayGetItem(States.Array(1, 2), 1)",
	"States.ArrayLength(States.Array(1))",
	"States.ArrayUnique(States.Array(1, 1, 'a', States.Array()))",
	"States.Base64Encode('hello')",
	"States.Base64Decode('aGVsbG8=')",
	"States.Hash('data', 'SHA-256')",
	"States.JsonMerge(States.StringToJson('{\"a\":1}'), States.StringToJson('{\"b\":2}'), false)",
	"States.MathRandom(1, 100, 42)",
	"States.MathRandom(1, 100)",
	"States.MathAdd(2147483647, 1)",
	"States.StringSplit('a,b', ',')",
	"States.UUID()",
	"States.Format($$.Execution.Id, $var.x, $[0])",
	"States.Array(",
	"States.Array('unterminated)",
}

// FuzzParse checks that Parse never panics and that a call it accepts
// evaluates, against an input with no data, without panicking.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	env := &jsonpath.Env{Input: jsonvalue.NewObject(0), Context: jsonvalue.NewObject(0)}
	f.Fuzz(func(t *testing.T, src string) {
		c, err := Parse(src)
		if err != nil {
			if c != nil {
				t.Fatalf("Parse(%q) returned a call and an error", src)
			}
			return
		}
		if c.String() != src {
			t.Fatalf("String() = %q, want %q", c.String(), src)
		}
		_ = c.Name()
		_ = c.Paths()
		_ = c.Check()
		v, err := c.Eval(env, newRand())
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("Eval(%q) error %T, want *Error", src, err)
			}
			return
		}
		_ = jsonvalue.Marshal(v)
	})
}

// FuzzStringToJson checks the Jackson-style parser of States.StringToJson
// against the strict JSON parser: it never panics, and a document the
// strict parser accepts reads as the same value.
func FuzzStringToJson(f *testing.F) {
	for _, s := range []string{
		`{"a":1}`, `[1, 2.5e3, -0, "x\u00e9\n", null, true, false]`, ` 1 `, ``, `{bad`,
		`[1}`, `"abc`, `01`, `1x`, `{"a" 1}`, "{\n\"a\":\r\n[]}", `tru`, `[1,]`, `-`, `1.`, `1e+`,
		`"\ud83d\ude80"`, `{"a":{"b":{"c":[[[]]]}}}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseJackson(s)
		want, werr := jsonvalue.ParseString(s)
		if werr != nil {
			return
		}
		if err != nil {
			t.Fatalf("parseJackson(%q): %v; the strict parser accepts it", s, err)
		}
		if want = asJackson(want); !jsonvalue.Equal(got, want) {
			t.Fatalf("parseJackson(%q) = %s, want %s", s, jsonvalue.Marshal(got), jsonvalue.Marshal(want))
		}
	})
}

// asJackson converts the numbers of v as Jackson reads them: decimals
// become doubles.
func asJackson(v jsonvalue.Value) jsonvalue.Value {
	switch x := v.(type) {
	case jsonvalue.Number:
		if isIntLiteral(x) {
			return x
		}
		if f := x.Float64(); !math.IsInf(f, 0) {
			return jsonvalue.Number(appendJavaDouble(nil, f))
		}
		return x
	case []jsonvalue.Value:
		out := make([]jsonvalue.Value, len(x))
		for i, e := range x {
			out[i] = asJackson(e)
		}
		return out
	case *jsonvalue.Object:
		out := jsonvalue.NewObject(x.Len())
		for i := 0; i < x.Len(); i++ {
			k, e := x.At(i)
			out.Append(k, asJackson(e))
		}
		return out
	}
	return v
}
