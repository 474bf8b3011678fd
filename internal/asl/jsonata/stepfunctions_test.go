package jsonata

import (
	"errors"
	"math"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// evalStepFunctions compiles expr and evaluates it against input (a JSON
// text, or "" for undefined) with the Step Functions functions bound and
// the given random source. The result is rendered as JSON text,
// "undefined", or "error:CODE".
func evalStepFunctions(t *testing.T, expr, input string, random func() float64) string {
	t.Helper()
	e, err := Compile(expr)
	if err != nil {
		t.Fatalf("Compile(%q): %v", expr, err)
	}
	var in Value
	if input != "" {
		in = FromJSON(jsonvalue.MustParse(input))
	}
	got, err := e.EvaluateWith(in, WithStepFunctions(nil), Options{Random: random})
	if err != nil {
		var je *Error
		if !errors.As(err, &je) {
			t.Fatalf("%s: error %v is not an *Error", expr, err)
		}
		if msg := je.Error(); msg == "" {
			t.Fatalf("%s: empty error message", expr)
		}
		return "error:" + je.Code
	}
	if got == nil {
		return "undefined"
	}
	return Stringify(got)
}

// constant returns a random source that always answers r.
func constant(r float64) func() float64 { return func() float64 { return r } }

func TestStepFunctionsResults(t *testing.T) {
	cases := []struct {
		expr, input, want string
	}{
		// $partition
		{`$partition([1,2,3,4,5], 2)`, "", `[[1,2],[3,4],[5]]`},
		{`$partition([1,2,3,4,5,6,7,8,9], 3)`, "", `[[1,2,3],[4,5,6],[7,8,9]]`},
		{`$partition([1,2,3,4], 4)`, "", `[[1,2,3,4]]`},
		{`$partition([1,2,3], 10)`, "", `[[1,2,3]]`},
		{`$partition([0], 1)`, "", `[[0]]`},
		{`$partition([0,1], 1)`, "", `[[0],[1]]`},
		{`$partition([], 2)`, "", `[]`},
		{`$partition(7, 2)`, "", `[[7]]`},
		{`$partition({"a":1}, 2)`, "", `[[{"a":1}]]`},
		{`$partition(["a",{"b":1},[2,3]], 2)`, "", `[["a",{"b":1}],[[2,3]]]`},
		{`$partition(items, n)`, `{"items":[1,2,3],"n":2}`, `[[1,2],[3]]`},
		{`$partition(nothing, 2)`, `{}`, `undefined`},
		{`$partition([1,2,3], 9007199254740991)`, "", `[[1,2,3]]`},
		// $range
		{`$range(0, 10, 2)`, "", `[0,2,4,6,8,10]`},
		{`$range(1, 9, 2)`, "", `[1,3,5,7,9]`},
		{`$range(0, 9, 3)`, "", `[0,3,6,9]`},
		{`$range(0, 10, 3)`, "", `[0,3,6,9]`},
		{`$range(1, 9, 9)`, "", `[1]`},
		{`$range(5, 5, 1)`, "", `[5]`},
		{`$range(10, 0, -5)`, "", `[10,5,0]`},
		{`$range(-3, 3, 3)`, "", `[-3,0,3]`},
		{`$range(0, 10, -1)`, "", `[]`},
		{`$range(10, 0, 1)`, "", `[]`},
		{`$count($range(1, 1000, 1))`, "", `1000`},
		{`$range(9007199254740991, -9007199254740991, 9007199254740991)`, "", `[]`},
		{`$range(-9007199254740991, 9007199254740991, 9007199254740991)`, "", `[-9007199254740991,0,9007199254740991]`},
		// $hash
		{`$hash('hello', 'MD5')`, "", `"5d41402abc4b2a76b9719d911017c592"`},
		{`$hash('hello', 'SHA-1')`, "", `"aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"`},
		{`$hash('hello', 'SHA-256')`, "", `"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"`},
		{`$hash('hello', 'SHA-384')`, "", `"59e1748777448c69de6b800d7a33bbfb9ff1b463e44354c3553bcdb9c666fa90125a3c79f90397bdf5f6a13de828684f"`},
		{`$hash('hello', 'SHA-512')`, "", `"9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043"`},
		{`$hash('', 'SHA-256')`, "", `"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"`},
		{`$hash('é', 'MD5')`, "", `"66ddcd97cfdeabb2f6fb8a999b4bc76f"`},
		{`$hash(content, 'SHA-1')`, `{"content":"hello"}`, `"aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"`},
		{`$hash(nothing, 'SHA-1')`, `{}`, `undefined`},
		// $random
		{`$random()`, "", `0.25`},
		{`$random(3) = $random(3)`, "", `true`},
		{`$random(3) = $random(4)`, "", `false`},
		{`$random(-42) >= 0 and $random(-42) < 1`, "", `true`},
		{`$random(nothing)`, `{}`, `0.25`},
		// $uuid
		{`$uuid()`, "", `"40000000-4000-4000-8000-000040000000"`},
		// $parse
		{`$parse('{"Arg1": 1, "Arg2": []}')`, "", `{"Arg1":1,"Arg2":[]}`},
		{`$parse('[1, 2, "HelloWorld"]')`, "", `[1,2,"HelloWorld"]`},
		{`$parse('"HelloWorld"')`, "", `"HelloWorld"`},
		{`$parse('1.1')`, "", `1.1`},
		{`$parse('-0')`, "", `0`},
		{`$parse('true')`, "", `true`},
		{`$parse('null')`, "", `null`},
		{`$parse(' {"b":2,"a":1} ')`, "", `{"b":2,"a":1}`},
		{`$parse('{"a":{"b":[1,{"c":null}]}}').a.b[1]`, "", `{"c":null}`},
		{`$parse(body).id`, `{"body":"{\"id\":7}"}`, `7`},
		{`body.$parse()`, `{"body":"[1,2]"}`, `[1,2]`},
		{`body ~> $parse()`, `{"body":"{\"x\":true}"}`, `{"x":true}`},
		{`$parse(nothing)`, `{}`, `undefined`},
		{`$parse()`, "", `undefined`},
	}
	for _, tc := range cases {
		if got := evalStepFunctions(t, tc.expr, tc.input, constant(0.25)); got != tc.want {
			t.Errorf("%s = %s, want %s", tc.expr, got, tc.want)
		}
	}
}

func TestStepFunctionsErrors(t *testing.T) {
	cases := []struct {
		expr, want string
	}{
		{`$partition([1,2], 0)`, "D3137"},
		{`$partition([1,2], -1)`, "D3137"},
		{`$partition([1,2], 1.5)`, "D3137"},
		{`$partition([1,2], 1e300)`, "D3137"},
		{`$partition([1,2], nothing)`, "D3137"},
		{`$partition([1,2])`, "T0410"},
		{`$partition([1,2], '2')`, "T0410"},
		{`$partition([1], 1, 1)`, "T0410"},
		{`$range(0, 10, 0)`, "D3137"},
		{`$range(0.5, 2, 1)`, "D3137"},
		{`$range(0, 2.5, 1)`, "D3137"},
		{`$range(0, 2, 0.5)`, "D3137"},
		{`$range(0, 10, nothing)`, "D3137"},
		{`$range(nothing, 10, 1)`, "D3137"},
		{`$range(0, 10)`, "T0410"},
		{`$range()`, "T0410"},
		{`$range(0, 1000, 1)`, "D3137"},
		{`$range(1000, -1000, -1)`, "D3137"},
		{`$range(0, 1e300, 1)`, "D3137"},
		{`$range('0', 1, 1)`, "T0410"},
		{`$hash('x', 'SHA256')`, "D3137"},
		{`$hash('x', 'sha-256')`, "D3137"},
		{`$hash('x', nothing)`, "D3137"},
		{`$hash('x')`, "T0410"},
		{`$hash(1, 'MD5')`, "T0410"},
		{`$hash('x', 1)`, "T0410"},
		{`$random(1.5)`, "D3137"},
		{`$random('1')`, "T0410"},
		{`$random(1, 2)`, "T0410"},
		{`$uuid(1)`, "T0410"},
		{`$parse('{')`, "D3137"},
		{`$parse('')`, "D3137"},
		{`$parse('   ')`, "D3137"},
		{`$parse('1 2')`, "D3137"},
		{`$parse("{'a':1}")`, "D3137"},
		{`$parse('undefined')`, "D3137"},
		{`$parse(1)`, "T0410"},
	}
	for _, tc := range cases {
		if got := evalStepFunctions(t, tc.expr, "", constant(0.25)); got != "error:"+tc.want {
			t.Errorf("%s = %s, want error %s", tc.expr, got, tc.want)
		}
	}
}

func TestStepFunctionsErrorMessage(t *testing.T) {
	e, err := Compile(`$partition([1], 0)`)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.EvaluateWith(nil, WithStepFunctions(nil), Options{})
	var je *Error
	if !errors.As(err, &je) || je.Code != "D3137" {
		t.Fatalf("got %v, want a D3137 error", err)
	}
	if want := "D3137: The chunk size (argument 2) of function $partition must be a positive integer; got 0"; je.Error() != want {
		t.Errorf("message %q, want %q", je.Error(), want)
	}
	if je.Position == 0 {
		t.Error("the error has no position")
	}
}

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// seeded returns a deterministic random source, as a replaying caller
// would hand in.
func seeded(seed uint64) func() float64 {
	return rand.New(rand.NewPCG(seed, 0)).Float64
}

func TestStepFunctionsUUID(t *testing.T) {
	a := evalStepFunctions(t, `$uuid()`, "", seeded(1))
	b := evalStepFunctions(t, `$uuid()`, "", seeded(1))
	c := evalStepFunctions(t, `$uuid()`, "", seeded(2))
	if a != b {
		t.Errorf("the same source gave %s and %s", a, b)
	}
	if a == c {
		t.Errorf("different sources both gave %s", a)
	}
	for _, s := range []string{a, c, evalStepFunctions(t, `$uuid()`, "", nil)} {
		if !uuidV4.MatchString(strings.Trim(s, `"`)) {
			t.Errorf("%s is not a version 4 UUID", s)
		}
	}
	// One evaluation draws fresh numbers for each call.
	if got := evalStepFunctions(t, `$uuid() = $uuid()`, "", seeded(3)); got != "false" {
		t.Errorf("two $uuid() calls in one evaluation were equal")
	}
	// Sources at the edges of [0, 1), or outside it, still give UUIDs.
	for _, r := range []float64{0, math.Nextafter(1, 0), 1, -1, math.NaN()} {
		if s := evalStepFunctions(t, `$uuid()`, "", constant(r)); !uuidV4.MatchString(strings.Trim(s, `"`)) {
			t.Errorf("source %v gave %s", r, s)
		}
	}
	if got := evalStepFunctions(t, `$uuid()`, "", constant(0)); got != `"00000000-0000-4000-8000-000000000000"` {
		t.Errorf("zero source gave %s", got)
	}
}

func TestStepFunctionsRandom(t *testing.T) {
	// Without a seed, the evaluation's source decides.
	a := evalStepFunctions(t, `$random()`, "", seeded(9))
	b := evalStepFunctions(t, `$random()`, "", seeded(9))
	if a != b {
		t.Errorf("the same source gave %s and %s", a, b)
	}
	// With a seed, only the seed does, whatever the source.
	for _, seed := range []string{"0", "1", "-1", "256", "9007199254740991", "-9007199254740991"} {
		x := evalStepFunctions(t, `$random(`+seed+`)`, "", seeded(1))
		y := evalStepFunctions(t, `$random(`+seed+`)`, "", seeded(2))
		if x != y {
			t.Errorf("$random(%s) gave %s and %s", seed, x, y)
		}
		if got := evalStepFunctions(t, `$random(`+seed+`) >= 0 and $random(`+seed+`) < 1`, "", nil); got != "true" {
			t.Errorf("$random(%s) = %s is outside [0, 1)", seed, x)
		}
	}
	// Nearby seeds give unrelated numbers.
	seen := map[string]bool{}
	for _, seed := range []string{"0", "1", "2", "3", "4", "5"} {
		seen[evalStepFunctions(t, `$random(`+seed+`)`, "", nil)] = true
	}
	if len(seen) != 6 {
		t.Errorf("six seeds gave only %d distinct numbers", len(seen))
	}
}

func TestStepFunctionsBindings(t *testing.T) {
	// The functions are not part of plain JSONata.
	e, err := Compile(`$partition([1,2,3], 2)`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Evaluate(nil, nil); err == nil {
		t.Error("$partition is available without the Step Functions bindings")
	}
	for name, b := range StepFunctions {
		if _, ok := builtins[name]; ok && builtins[name] == b {
			t.Errorf("$%s is in the standard library", name)
		}
		if b.Name != name || b.sig == nil {
			t.Errorf("StepFunctions[%q] is %q with signature %v", name, b.Name, b.sig)
		}
	}
	// A caller's variable shadows a function, and the caller's map is
	// left alone.
	vars := map[string]Value{"hash": "mine"}
	got := WithStepFunctions(vars)
	if got["hash"] != "mine" || got["uuid"] != StepFunctions["uuid"] {
		t.Errorf("WithStepFunctions gave %v", got)
	}
	if len(vars) != 1 {
		t.Errorf("WithStepFunctions changed its argument: %v", vars)
	}
}

// TestStepFunctionsNoPanics calls every function with every combination
// of up to three awkward arguments, through the evaluator and directly.
func TestStepFunctionsNoPanics(t *testing.T) {
	values := []Value{
		nil, Null, true, 0.0, -1.0, 1.5, 1e300, math.Inf(1), math.NaN(), "", "x", "{",
		[]Value{}, []Value{1.0, "a"}, NewSequence(1.0, 2.0), NewObject(0), StepFunctions["uuid"],
	}
	names := make([]string, 0, len(StepFunctions))
	for name := range StepFunctions {
		names = append(names, name)
	}
	calls := [][]Value{{}}
	for _, a := range values {
		calls = append(calls, []Value{a})
		for _, b := range values {
			calls = append(calls, []Value{a, b})
			for _, c := range values[:8] {
				calls = append(calls, []Value{a, b, c})
			}
		}
	}
	exprs := []string{`$f()`, `$f($a)`, `$f($a, $b)`, `$f($a, $b, $c)`}
	compiled := make([]*Expression, len(exprs))
	for i, src := range exprs {
		e, err := Compile(src)
		if err != nil {
			t.Fatal(err)
		}
		compiled[i] = e
	}
	for _, name := range names {
		b := StepFunctions[name]
		for _, args := range calls {
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Errorf("$%s%v panicked: %v", name, args, r)
					}
				}()
				bind := map[string]Value{"f": b}
				for i, v := range args {
					bind[string(rune('a'+i))] = v
				}
				_, _ = compiled[len(args)].EvaluateWith(nil, bind, Options{Random: constant(0.5)})
				_, _ = b.Impl(&Call{}, args)
			}()
		}
	}
}
