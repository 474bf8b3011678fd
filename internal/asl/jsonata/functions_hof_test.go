package jsonata

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// TestFunctionsThroughEvaluator covers the functions that call back into
// the evaluator (higher-order functions, $sort's comparator, replacement
// and matcher functions, $eval), evaluating whole expressions.
func TestFunctionsThroughEvaluator(t *testing.T) {
	data := FromJSON(jsonvalue.MustParse(`{
		"nums": [3, 1, 2],
		"people": [
			{"name": "Ann", "age": 31},
			{"name": "Bob", "age": 25},
			{"name": "Cid", "age": 31}
		],
		"obj": {"a": 1, "b": 0, "c": 3}
	}`))
	for _, tc := range []struct {
		expr string
		want string
	}{
		{`$map(nums, function($v){$v*2})`, `[6,2,4]`},
		{`$map(nums, function($v, $i){$i})`, `[0,1,2]`},
		{`$map(nums, function($v, $i, $a){$count($a)})`, `[3,3,3]`},
		{`$map([1], function($v){$v})`, `1`},
		{`$map(nums, function($v){$v > 1 ? $v})`, `[3,2]`},
		{`$map(nums, $string)`, `["3","1","2"]`},
		{`$map(nothing, $string)`, `undefined`},
		{`$filter(nums, function($v){$v > 1})`, `[3,2]`},
		{`$filter(nums, function($v, $i){$i = 1})`, `1`},
		{`$filter(nums, function($v){$v > 5})`, `undefined`},
		{`$single(nums, function($v){$v = 1})`, `1`},
		{`$single(nums, function($v){$v > 1})`, `error:D3138`},
		{`$single(nums, function($v){$v > 5})`, `error:D3139`},
		{`$reduce(nums, function($a, $b){$a + $b})`, `6`},
		{`$reduce(nums, function($a, $b){$a + $b}, 10)`, `16`},
		{`$reduce(nums, function($a, $v, $i){$a & $i}, "")`, `"012"`},
		{`$reduce(nums, function($a, $v, $i, $arr){$count($arr)})`, `3`},
		{`$reduce([], function($a, $b){$a + $b})`, `undefined`},
		{`$reduce(nums, function($a){$a})`, `error:D3050`},
		{`$sort(nums)`, `[1,2,3]`},
		{`$sort(nums, function($a, $b){$a < $b})`, `[3,2,1]`},
		{`$sort(people, function($a, $b){$a.age > $b.age}).name`, `["Bob","Ann","Cid"]`},
		{`$sort(people, function($a, $b){$a.age < $b.age}).name`, `["Ann","Cid","Bob"]`},
		{`$sort(people)`, `error:D3070`},
		{`$sift(obj, function($v){$v > 0})`, `{"a":1,"c":3}`},
		{`$sift(obj, function($v, $k){$k = "b"})`, `{"b":0}`},
		{`$sift(obj, function($v){$v > 5})`, `undefined`},
		{`$each(obj, function($v, $k){$k & "=" & $v})`, `["a=1","b=0","c=3"]`},
		{`$each(obj, function($v){$v > 0 ? $v})`, `[1,3]`},
		{`$replace("a1b22", /\d+/, function($m){"<" & $m.match & ">"})`, `"a<1>b<22>"`},
		{`$replace("a1b22", /\d+/, function($m){$m.start & "-" & $m.end})`, `"a1-2b3-5"`},
		{`$replace("a1", /\d/, function($m){5})`, `error:D3012`},
		{`$replace("a-b", "-", function($m){"+"})`, `"a+b"`},
		{`$split("a1b2c", /\d/)`, `["a","b","c"]`},
		{`$split("abc", /x*/, 1)`, `error:D1004`},
		{`$contains("abc", /B/i)`, `true`},
		{`$match("a1b2", /[a-z](\d)/).groups`, `["1","2"]`},
		{`$match("ab", /(a)|(b)/)[1].groups`, `[null,"b"]`},
		{`$split("some text", $uppercase)`, `error:T1010`},
		{`$eval("1 + 2")`, `3`},
		{`$eval("$ * 2", 21)`, `42`},
		{`$eval("$count($)", [1, 2, 3])`, `3`},
		{`$eval("1 +")`, `error:D3120`},
		{`$eval("$error('x')")`, `error:D3121`},
		{`$zip(nums, $map(nums, function($v){$v * 10}))`, `[[3,30],[1,10],[2,20]]`},
		{`$keys(people)`, `["name","age"]`},
		{`$lookup(people, "name")`, `["Ann","Bob","Cid"]`},
		{`$distinct(people.age)`, `[31,25]`},
		{`$string(people[0])`, `"{\"name\":\"Ann\",\"age\":31}"`},
		{`$string(obj, true)`, `"{\n  \"a\": 1,\n  \"b\": 0,\n  \"c\": 3\n}"`},
		{`$string(function(){1})`, `""`},
		{`$type($map)`, `"function"`},
		{`$boolean($map)`, `false`},
		{`$not(nums)`, `false`},
		{`nums.$string()`, `["3","1","2"]`},
	} {
		e, err := Compile(tc.expr)
		if err != nil {
			t.Errorf("%s: compile: %v", tc.expr, err)
			continue
		}
		got, err := e.Evaluate(data, nil)
		var text string
		if err != nil {
			var je *Error
			if !errors.As(err, &je) {
				t.Errorf("%s: error %v is not an *Error", tc.expr, err)
				continue
			}
			text = "error:" + je.Code
		} else {
			text = Stringify(got)
		}
		if text != tc.want {
			t.Errorf("%s = %s, want %s", tc.expr, text, tc.want)
		}
	}
}

// TestLibraryNoPanic calls each function of this library through the
// evaluator with awkward argument combinations: none may panic, and every
// failure must be an *Error.
func TestLibraryNoPanic(t *testing.T) {
	names := []string{"string", "length", "substring", "substringBefore", "substringAfter", "uppercase",
		"lowercase", "trim", "pad", "contains", "split", "join", "match", "replace", "eval", "base64encode",
		"base64decode", "encodeUrlComponent", "encodeUrl", "decodeUrlComponent", "decodeUrl", "number", "abs",
		"floor", "ceil", "round", "power", "sqrt", "random", "sum", "max", "min", "average", "count", "append",
		"reverse", "shuffle", "sort", "zip", "distinct", "keys", "lookup", "spread", "merge", "sift", "each",
		"error", "assert", "type", "boolean", "not", "exists", "map", "filter", "single", "reduce"}
	args := []string{"", "nothing", "null", "true", "-1", "2.5", "1e300", `""`, `"a,b"`, `"%"`, "[]", "[1,2]",
		`["a","b"]`, `{"a":1}`, `[{"a":[1]},{"b":2}]`, "/a*/", "/(b)/i", "$string", "function($a,$b){$a}",
		"function($v,$i,$a){$v}", "$append(?, ?)"}
	evaluated := 0
	defer func() { t.Logf("%d calls", evaluated) }()
	thirds := []string{"", "2", `"x"`, "function($x){$x}"}
	for k, name := range names {
		for i, a := range args {
			// Each first argument meets a rotating third of the others, to
			// keep the test fast while every pair turns up across names.
			for j := (i + k) % 3; j < len(args); j += 3 {
				b, c := args[j], thirds[(i+j+k)%len(thirds)]
				{
					var parts []string
					for _, p := range []string{a, b, c} {
						if p == "" {
							break
						}
						parts = append(parts, p)
					}
					expr := "$" + name + "(" + strings.Join(parts, ", ") + ")"
					func() {
						defer func() {
							if r := recover(); r != nil {
								t.Fatalf("%s panicked: %v", expr, r)
							}
						}()
						e, err := Compile(expr)
						if err != nil {
							t.Fatalf("%s: %v", expr, err)
						}
						evaluated++
						_, err = e.EvaluateWith(nil, nil, Options{MaxDepth: 200, Timeout: time.Second})
						if err != nil {
							if _, ok := err.(*Error); !ok {
								t.Fatalf("%s: error %T %v is not an *Error", expr, err, err)
							}
						}
					}()
				}
			}
		}
	}
}

// TestRandomSource checks that $random and $shuffle draw from
// Options.Random, so a seeded source repeats an evaluation.
func TestRandomSource(t *testing.T) {
	e, err := Compile(`[$random(), $shuffle([1, 2, 3, 4, 5])]`)
	if err != nil {
		t.Fatal(err)
	}
	run := func() string {
		n := 0
		v, err := e.EvaluateWith(nil, nil, Options{Random: func() float64 {
			n++
			return float64(n%7) / 7
		}})
		if err != nil {
			t.Fatal(err)
		}
		return Stringify(v)
	}
	first := run()
	if second := run(); first != second {
		t.Fatalf("same source, different results: %s and %s", first, second)
	}
	if want := `[0.14285714285714285,1,3,4,5,2]`; first != want {
		t.Fatalf("got %s, want %s", first, want)
	}
}
