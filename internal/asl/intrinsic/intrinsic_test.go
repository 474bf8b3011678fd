package intrinsic

import (
	"errors"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/sluice-run/sluice/internal/asl/jsonpath"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// evalCase is one table entry: the call, the state input (JSON, "" for
// none), and either the expected result as JSON or the expected error
// detail, which follows "There was an error while evaluating the intrinsic
// function: <call>. " in the message.
type evalCase struct {
	name    string
	src     string
	input   string
	want    string
	wantErr string
}

const invalidPrefix = "There was an error while evaluating the intrinsic function: "

func newRand() Random { return rand.New(rand.NewPCG(1, 2)) }

func testEnv(input string) *jsonpath.Env {
	env := &jsonpath.Env{
		Context: jsonvalue.MustParse(`{"Execution":{"Id":"arn:aws:states:us-east-1:111111111111:execution:sm:exec-1","Name":"exec-1","Input":{"k":"v"}},"StateMachine":{"Id":"arn:aws:states:us-east-1:111111111111:stateMachine:sm","Name":"sm"}}`),
		Var: func(name string) (jsonvalue.Value, bool) {
			switch name {
			case "greeting":
				return "Hello", true
			case "nums":
				return jsonvalue.MustParse(`[3,1,2]`), true
			}
			return nil, false
		},
	}
	if input != "" {
		env.Input = jsonvalue.MustParse(input)
	} else {
		env.Input = jsonvalue.NewObject(0)
	}
	return env
}

func runCases(t *testing.T, cases []evalCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := Parse(tc.src)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.src, err)
			}
			got, err := c.Eval(testEnv(tc.input), newRand())
			if tc.wantErr != "" {
				var ie *Error
				if !errors.As(err, &ie) {
					t.Fatalf("Eval(%q) = %s, %v; want error %q", tc.src, jsonvalue.Marshal(got), err, tc.wantErr)
				}
				if ie.Name != ErrRuntime {
					t.Errorf("error name = %q, want %q", ie.Name, ErrRuntime)
				}
				want := tc.wantErr
				if !strings.HasPrefix(want, "The function ") {
					want = invalidPrefix + tc.src + ". " + want
				}
				if ie.Message != want {
					t.Errorf("Eval(%q) message\n got %q\nwant %q", tc.src, ie.Message, want)
				}
				return
			}
			if err != nil {
				t.Fatalf("Eval(%q): %v", tc.src, err)
			}
			if g := jsonvalue.Marshal(got); g != tc.want {
				t.Errorf("Eval(%q) = %s, want %s", tc.src, g, tc.want)
			}
		})
	}
}

func TestLooks(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"States.Format('{}', $.a)": true,
		"States.UUID()":            true,
		"States.Foo(":              true,
		"States.Format":            false,
		"$.States.Format()":        false,
		" States.UUID()":           false,
		"$":                        false,
		"":                         false,
	} {
		if got := Looks(s); got != want {
			t.Errorf("Looks(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for _, src := range []string{
		"States.Foo()",                    // unknown function
		"States.format('x')",              // names are case-sensitive
		"States.Array",                    // no parentheses
		"States.Array(",                   // unclosed
		"States.Array(1,)",                // missing argument
		"States.Array(,1)",                // missing argument
		"States.Array(1 2)",               // missing comma
		"States.Array(1) x",               // trailing text
		"States.Array('abc)",              // unterminated string
		"States.Array('a\\nb')",           // invalid escape
		"States.Array('a\\')",             // escape at the end
		"States.Array(\"x\")",             // double quotes are not strings
		"States.Array(01)",                // leading zero
		"States.Array(1.)",                // no fraction digits
		"States.Array(.5)",                // no integer digits
		"States.Array(1e)",                // no exponent digits
		"States.Array(--1)",               // double minus
		"States.Array(1x)",                // junk after a number
		"States.Array(True)",              // keywords are lower case
		"States.Array(nullx)",             // keyword followed by letters
		"States.Array([1,2])",             // no array literals
		"States.Array({})",                // no object literals
		"States.Array(States.Foo(1))",     // unknown nested function
		"States.Array(States.Array(1)",    // unclosed nested call
		"States.Format('{}', States.UUID", // unclosed nested call
		"States.UUID(())",
		"",
		"States.",
	} {
		if c, err := Parse(src); err == nil {
			t.Errorf("Parse(%q) = %v, want an error", src, c)
		} else {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Errorf("Parse(%q) error %T, want *SyntaxError", src, err)
			}
		}
	}
	// Deeply nested calls are refused rather than exhausting the stack.
	deep := strings.Repeat("States.Array(", maxNesting+1) + strings.Repeat(")", maxNesting+1)
	if _, err := Parse(deep); err == nil {
		t.Errorf("Parse of %d nested calls succeeded", maxNesting+1)
	}
}

func TestParseUnknownFunctionMessage(t *testing.T) {
	t.Parallel()
	_, err := Parse("States.ArrayFlatten($.a)")
	if err == nil || !strings.Contains(err.Error(), "States.ArrayFlatten") {
		t.Fatalf("error %v does not name the function", err)
	}
}

func TestCallAccessors(t *testing.T) {
	t.Parallel()
	src := "States.Format('{} {}', $.a, States.ArrayGetItem($$.Execution.Input.list, 0))"
	c, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	if c.String() != src {
		t.Errorf("String() = %q", c.String())
	}
	if c.Name() != "States.Format" {
		t.Errorf("Name() = %q", c.Name())
	}
	paths := c.Paths()
	if len(paths) != 2 || paths[0].String() != "$.a" || paths[1].String() != "$$.Execution.Input.list" {
		t.Errorf("Paths() = %v", paths)
	}
}

func TestArity(t *testing.T) {
	t.Parallel()
	if len(Functions()) != 18 {
		t.Errorf("Functions() has %d names, want 18", len(Functions()))
	}
	for _, tc := range []struct {
		name     string
		min, max int
	}{
		{"States.Format", 1, -1},
		{"States.Array", 0, -1},
		{"States.MathRandom", 2, 3},
		{"States.UUID", 0, 0},
		{"States.JsonMerge", 3, 3},
	} {
		min, max, ok := Arity(tc.name)
		if !ok || min != tc.min || max != tc.max {
			t.Errorf("Arity(%s) = %d, %d, %v", tc.name, min, max, ok)
		}
	}
	if _, _, ok := Arity("States.Nope"); ok {
		t.Error("Arity of an unknown function reported ok")
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	for src, want := range map[string]string{
		"States.Format('{} {}', 1, 2)":            "",
		"States.MathAdd(1)":                       "States.MathAdd takes 2 arguments, not 1",
		"States.MathRandom(1, 2, 3, 4)":           "States.MathRandom takes 2 or 3 arguments, not 4",
		"States.Format()":                         "States.Format takes at least 1 argument, not 0",
		"States.UUID(1)":                          "States.UUID takes 0 arguments, not 1",
		"States.MathAdd('1', 2)":                  "argument 1 of States.MathAdd must be a number, not string",
		"States.ArrayLength('abc')":               "argument 1 of States.ArrayLength must be an array, not string",
		"States.Array(States.StringToJson(1))":    "argument 1 of States.StringToJson must be a string, not number",
		"States.Format('{}')":                     "the template of States.Format has 1 placeholders but 0 values are given",
		"States.Format('{')":                      "Invalid template in States.Format: matching '}' not found for '{'.",
		"States.Hash(1, 'SHA-1')":                 "",
		"States.JsonMerge($.a, $.b, 'anything')":  "",
		"States.ArrayGetItem(States.Array(1), 0)": "",
	} {
		c, err := Parse(src)
		if err != nil {
			t.Fatalf("Parse(%q): %v", src, err)
		}
		err = c.Check()
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("Check(%q) = %q, want %q", src, got, want)
		}
	}
}

func TestSyntax(t *testing.T) {
	t.Parallel()
	runCases(t, []evalCase{
		{name: "no args", src: "States.Array()", want: `[]`},
		{name: "spaces around args", src: "States.Array( 1 , 'a' )", want: `[1,"a"]`},
		{name: "spaces before paren", src: "States.Array (1)", want: `[1]`},
		{name: "newline and tab", src: "States.Array(1,\n\t2)", want: `[1,2]`},
		{name: "trailing space", src: "States.Array(1)  ", want: `[1]`},
		{name: "literals", src: "States.Array(true, false, null, 0, -1, 1.5, -0.25, 1e3, 2E-2, 'x')", want: `[true,false,null,0,-1,1.5,-0.25,1000.0,0.02,"x"]`},
		{name: "number literals read as Java numbers", src: "States.Array(-0, 1.50, 1E2, 0.0001, 1e400, 123456789012345678901234567890)", want: `[0,1.5,100.0,1.0E-4,1e400,123456789012345678901234567890]`},
		{name: "escapes", src: `States.Array('it\'s', 'a\{b\}', 'back\\slash')`, want: `["it's","a{b}","back\\slash"]`},
		{name: "braces and quotes in strings", src: `States.Array('{"k": "v"}', 'say "hi"')`, want: `["{\"k\": \"v\"}","say \"hi\""]`},
		{name: "raw newline in string", src: "States.StringSplit('Hello\nWorld', '\n')", want: `["Hello","World"]`},
		{name: "comma and paren in string", src: "States.Array('a,b)', ')')", want: `["a,b)",")"]`},
		{name: "nested calls", src: "States.Array(States.Array(1), States.Array())", want: `[[1],[]]`},
		{name: "unicode", src: "States.Array('héllo ✓ 🚀')", want: `["héllo ✓ 🚀"]`},
	})
}

func TestFormat(t *testing.T) {
	t.Parallel()
	runCases(t, []evalCase{
		// Recorded from AWS (conformance TestGeneric, tiny-asl-machine).
		{name: "string", src: "States.Format('Formatting argument {}.', 'HelloWorld')", want: `"Formatting argument HelloWorld."`},
		{name: "empty string", src: "States.Format('Formatting argument {}.', '')", want: `"Formatting argument ."`},
		{name: "integer", src: "States.Format('{}', 1)", want: `"1"`},
		{name: "decimal", src: "States.Format('{}', 1.1)", want: `"1.1"`},
		{name: "null", src: "States.Format('{}', null)", want: `"null"`},
		{name: "booleans", src: "States.Format('{} {}', true, false)", want: `"true false"`},
		{name: "no placeholders", src: "States.Format('no placeholders')", want: `"no placeholders"`},
		{name: "whitespace kept", src: "States.Format('  {}  ', 'x')", want: `"  x  "`},
		{name: "escaped quotes", src: `States.Format('Name: \'{}\', Surname: "{}"', 'Gabriel', 'Moreira')`, want: `"Name: 'Gabriel', Surname: \"Moreira\""`},
		{name: "escaped braces", src: `States.Format('\{{}\}', 'x')`, want: `"{x}"`},
		{name: "escaped backslash", src: `States.Format('a\\b {}', 'x')`, want: `"a\\b x"`},
		{name: "object", src: "States.Format('{}', States.JsonMerge(States.StringToJson('{\"Arg1\": 1}'), States.StringToJson('{\"Arg2\": []}'), false))", want: `"{Arg1=1, Arg2=[]}"`},
		{name: "array", src: "States.Format('{}', States.Array('a', 1, null, States.Array(true)))", want: `"[a, 1, null, [true]]"`},
		{name: "Java doubles", src: "States.Format('{} {} {} {} {}', 1.50, 1e2, 0.0001, 12345678.9, -0.0)", want: `"1.5 100.0 1.0E-4 1.23456789E7 -0.0"`},
		{name: "big integers", src: "States.Format('{} {}', 9007199254740991, 123456789012345678901234567890)", want: `"9007199254740991 123456789012345678901234567890"`},
		{name: "negative zero integer", src: "States.Format('{}', -0)", want: `"0"`},
		{name: "nested JsonToString", src: "States.Format('arn:{}:{}', 'lambda', States.JsonToString(States.StringToJson('{\"k\":1}')))", want: `"arn:lambda:{\"k\":1}"`},
		// A StringToJson result is a Jackson node and prints as JSON.
		{name: "StringToJson node", src: "States.Format('{}', States.StringToJson('\"x\"'))", want: `"\"x\""`},
		{name: "StringToJson object node", src: "States.Format('{}', States.StringToJson('{\"a\": [1, 2.50]}'))", want: `"{\"a\":[1,2.5]}"`},
		{name: "template from path", src: "States.Format($greeting, 'x')", wantErr: "Invalid arguments in States.Format: number of arguments do not match the occurrences of {}."},
		// Errors recorded from AWS.
		{name: "unmatched open brace", src: "States.Format('Hello {', 'x')", wantErr: "Invalid template in States.Format: matching '}' not found for '{'."},
		{name: "doubled braces", src: "States.Format('Hello {{}}', 'x')", wantErr: "Invalid template in States.Format: matching '}' not found for '{'."},
		{name: "lone close brace", src: "States.Format('}')", wantErr: "Invalid template in States.Format: matching '{' not found for '}'."},
		{name: "too few values", src: "States.Format('{} {}', 'x')", wantErr: "Invalid arguments in States.Format: number of arguments do not match the occurrences of {}."},
		{name: "too many values", src: "States.Format('{}', 'x', 'y')", wantErr: "Invalid arguments in States.Format: number of arguments do not match the occurrences of {}."},
		{name: "no template", src: "States.Format()", wantErr: "Invalid arguments in States.Format"},
		{name: "number template", src: "States.Format(123, 'x')", wantErr: "Invalid arguments in States.Format"},
	})
}

func TestStringToJson(t *testing.T) {
	t.Parallel()
	runCases(t, []evalCase{
		// Recorded from AWS (conformance TestJsonManipulation).
		{name: "empty", src: "States.StringToJson('')", want: `null`},
		{name: "blank", src: "States.StringToJson(' ')", want: `null`},
		{name: "null", src: "States.StringToJson('null')", want: `null`},
		{name: "negative zero", src: "States.StringToJson('-0')", want: `0`},
		{name: "integer", src: "States.StringToJson('1')", want: `1`},
		{name: "decimal", src: "States.StringToJson('1.1')", want: `1.1`},
		{name: "true", src: "States.StringToJson('true')", want: `true`},
		{name: "string", src: `States.StringToJson('"HelloWorld"')`, want: `"HelloWorld"`},
		{name: "array", src: `States.StringToJson('[1, 2, "HelloWorld"]')`, want: `[1,2,"HelloWorld"]`},
		{name: "object", src: `States.StringToJson('{"Arg1": 1, "Arg2": []}')`, want: `{"Arg1":1,"Arg2":[]}`},
		{name: "surrounding whitespace", src: `States.StringToJson(' {"a":1} ')`, want: `{"a":1}`},
		{name: "apostrophe", src: `States.StringToJson('{"a":"it\'s"}')`, want: `{"a":"it's"}`},
		// Jackson reads decimals as doubles and ignores text after the value.
		{name: "decimal normalised", src: "States.StringToJson('[1.50, 1e2, -0.0, 1E-5]')", want: `[1.5,100.0,-0.0,1.0E-5]`},
		{name: "big integer kept", src: "States.StringToJson('123456789012345678901234567890')", want: `123456789012345678901234567890`},
		{name: "trailing text ignored", src: `States.StringToJson('{"a":1} trailing')`, want: `{"a":1}`},
		{name: "second value ignored", src: "States.StringToJson('1 2')", want: `1`},
		{name: "escapes", src: `States.StringToJson('"a\\nb\\u00e9\\ud83d\\ude80"')`, want: `"a\nbé🚀"`},
		{name: "duplicate keys", src: `States.StringToJson('{"a":1,"b":2,"a":3}')`, want: `{"a":3,"b":2}`},
		{name: "line counting", src: "States.StringToJson('{\n\"a\":\r\n1}')", want: `{"a":1}`},
		// Errors: the messages are Jackson's, as recorded from AWS.
		{name: "bad field name", src: "States.StringToJson('{bad json}')", wantErr: "Cannot convert String to Json in States.StringToJson, caused by: Unexpected character ('b' (code 98)): was expecting double-quote to start field name\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 2]"},
		{name: "truncated object", src: `States.StringToJson('{"a":1')`, wantErr: "Cannot convert String to Json in States.StringToJson, caused by: Unexpected end-of-input: expected close marker for Object (start marker at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 1])\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 7]"},
		{name: "unrecognized token", src: "States.StringToJson('undefined')", wantErr: "Cannot convert String to Json in States.StringToJson, caused by: Unrecognized token 'undefined': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 10]"},
		{name: "truncated keyword", src: "States.StringToJson('tru')", wantErr: "Cannot convert String to Json in States.StringToJson, caused by: Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 4]"},
		{name: "missing comma", src: "States.StringToJson('[1 2]')", wantErr: "Cannot convert String to Json in States.StringToJson, caused by: Unexpected character ('2' (code 50)): was expecting comma to separate Array entries\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 4]"},
		{name: "trailing comma", src: "States.StringToJson('[1,]')", wantErr: "Cannot convert String to Json in States.StringToJson, caused by: Unexpected character (']' (code 93)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 4]"},
		{name: "mismatched close", src: "States.StringToJson('[1}')", wantErr: "Cannot convert String to Json in States.StringToJson, caused by: Unexpected close marker '}': expected ']' (for Array starting at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 1])\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 4]"},
		{name: "missing colon", src: `States.StringToJson('{"a" 1}')`, wantErr: "Cannot convert String to Json in States.StringToJson, caused by: Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 6]"},
		{name: "leading zero", src: "States.StringToJson('01')", wantErr: "Cannot convert String to Json in States.StringToJson, caused by: Invalid numeric value: Leading zeroes not allowed\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 2]"},
		{name: "root number run-on", src: "States.StringToJson('1x')", wantErr: "Cannot convert String to Json in States.StringToJson, caused by: Unexpected character ('x' (code 120)): Expected space separating root-level values\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 2]"},
		{name: "unterminated string", src: `States.StringToJson('"abc')`, wantErr: "Cannot convert String to Json in States.StringToJson, caused by: Unexpected end-of-input: was expecting closing quote for a string value\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 5]"},
		{name: "error on second line", src: "States.StringToJson('{\n  x}')", wantErr: "Cannot convert String to Json in States.StringToJson, caused by: Unexpected character ('x' (code 120)): was expecting double-quote to start field name\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 2, column: 3]"},
		{name: "number argument", src: "States.StringToJson(123)", wantErr: "Invalid arguments in States.StringToJson"},
		{name: "no argument", src: "States.StringToJson()", wantErr: "Invalid arguments in States.StringToJson"},
		{name: "two arguments", src: "States.StringToJson('1', '2')", wantErr: "Invalid arguments in States.StringToJson"},
	})
}

func TestJsonToString(t *testing.T) {
	t.Parallel()
	runCases(t, []evalCase{
		// Recorded from AWS (conformance TestJsonManipulation).
		{name: "null", src: "States.JsonToString(null)", want: `"null"`},
		{name: "zero", src: "States.JsonToString(0)", want: `"0"`},
		{name: "decimal", src: "States.JsonToString(1.1)", want: `"1.1"`},
		{name: "string", src: "States.JsonToString('HelloWorld')", want: `"\"HelloWorld\""`},
		{name: "array", src: "States.JsonToString(States.Array(1, 2, 'HelloWorld'))", want: `"[1,2,\"HelloWorld\"]"`},
		{name: "object", src: `States.JsonToString(States.StringToJson('{"Arg1": 1, "Arg2": []}'))`, want: `"{\"Arg1\":1,\"Arg2\":[]}"`},
		{name: "escapes", src: "States.JsonToString('a\"b\\\\c\n')", want: `"\"a\\\"b\\\\c\\n\""`},
		{name: "no argument", src: "States.JsonToString()", wantErr: "Invalid arguments in States.JsonToString"},
		{name: "two arguments", src: "States.JsonToString(1, 2)", wantErr: "Invalid arguments in States.JsonToString"},
	})
}

func TestArray(t *testing.T) {
	t.Parallel()
	runCases(t, []evalCase{
		{name: "empty", src: "States.Array()", want: `[]`},
		{name: "scalars", src: "States.Array(42, true, null, 'hello')", want: `[42,true,null,"hello"]`},
		{name: "falsy", src: "States.Array(false, '', 0, null)", want: `[false,"",0,null]`},
		{name: "nested", src: "States.Array(1, States.Array(2, 3))", want: `[1,[2,3]]`},
		{name: "many", src: "States.Array(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)", want: `[1,2,3,4,5,6,7,8,9,10]`},
	})
}

func TestArrayPartition(t *testing.T) {
	t.Parallel()
	runCases(t, []evalCase{
		// Recorded from AWS (conformance TestArray, tiny-asl-machine).
		{name: "empty", src: "States.ArrayPartition(States.Array(), 1)", want: `[]`},
		{name: "singletons", src: "States.ArrayPartition(States.Array(0, 1, 2, 3), 1)", want: `[[0],[1],[2],[3]]`},
		{name: "pairs", src: "States.ArrayPartition(States.Array(0, 1, 2, 3), 2)", want: `[[0,1],[2,3]]`},
		{name: "remainder", src: "States.ArrayPartition(States.Array(0, 1, 2, 3), 3)", want: `[[0,1,2],[3]]`},
		{name: "oversized chunk", src: "States.ArrayPartition(States.Array(0, 1, 2), 4)", want: `[[0,1,2]]`},
		{name: "huge chunk", src: "States.ArrayPartition(States.Array(1, 2, 3), 2147483647)", want: `[[1,2,3]]`},
		{name: "truncated chunk", src: "States.ArrayPartition(States.Array(1, 2, 3, 4, 5), 2.6)", want: `[[1,2],[3,4],[5]]`},
		{name: "nested arrays", src: "States.ArrayPartition(States.Array(States.Array(1), States.Array(2), States.Array(3)), 2)", want: `[[[1],[2]],[[3]]]`},
		{name: "chunk truncates to zero", src: "States.ArrayPartition(States.Array(1, 2, 3), 0.6)", wantErr: "Invalid arguments in States.ArrayPartition"},
		{name: "negative truncates to zero", src: "States.ArrayPartition(States.Array(1, 2, 3), -0.4)", wantErr: "Invalid arguments in States.ArrayPartition"},
		{name: "zero", src: "States.ArrayPartition(States.Array(1, 2, 3), 0)", wantErr: "Invalid arguments in States.ArrayPartition"},
		{name: "negative", src: "States.ArrayPartition(States.Array(1, 2, 3), -1)", wantErr: "Invalid arguments in States.ArrayPartition"},
		{name: "string chunk", src: "States.ArrayPartition(States.Array(1, 2, 3), '2')", wantErr: "Invalid arguments in States.ArrayPartition"},
		{name: "null chunk", src: "States.ArrayPartition(States.Array(1, 2, 3), null)", wantErr: "Invalid arguments in States.ArrayPartition"},
		{name: "not an array", src: "States.ArrayPartition('not-array', 2)", wantErr: "Invalid arguments in States.ArrayPartition"},
		{name: "missing chunk", src: "States.ArrayPartition(States.Array(1))", wantErr: "Invalid arguments in States.ArrayPartition"},
		{name: "extra argument", src: "States.ArrayPartition(States.Array(1), 2, 999)", wantErr: "Invalid arguments in States.ArrayPartition"},
	})
}

func TestArrayContains(t *testing.T) {
	t.Parallel()
	runCases(t, []evalCase{
		// Recorded from AWS (conformance TestArray, tiny-asl-machine).
		{name: "empty with null", src: "States.ArrayContains(States.Array(), null)", want: `false`},
		{name: "empty with array", src: "States.ArrayContains(States.Array(), States.Array())", want: `false`},
		{name: "nested array", src: "States.ArrayContains(States.Array(States.Array(1, 2, 3), 2), States.Array(1, 2, 3))", want: `true`},
		{name: "object vs array", src: `States.ArrayContains(States.Array(States.StringToJson('{"1": 2, "2": []}')), States.Array())`, want: `false`},
		{name: "booleans", src: "States.ArrayContains(States.Array(true, false), false)", want: `true`},
		{name: "number", src: "States.ArrayContains(States.Array(1, 2, 3), 2)", want: `true`},
		{name: "absent number", src: "States.ArrayContains(States.Array(1, 2, 3), 5)", want: `false`},
		{name: "string", src: "States.ArrayContains(States.Array('A', 'B', 'C'), 'C')", want: `true`},
		{name: "null", src: "States.ArrayContains(States.Array(1, null, 3), null)", want: `true`},
		{name: "no bool-number coercion", src: "States.ArrayContains(States.Array(0, 1, -1, -1.5), false)", want: `false`},
		{name: "extra object field", src: "States.ArrayContains(States.Array(States.JsonMerge(States.StringToJson('{\"a\":1}'), States.StringToJson('{}'), false)), States.StringToJson('{\"a\":1,\"extra\":null}'))", want: `false`},
		// Step Functions compares printed forms: "true" matches true, a
		// string matches a number, and key order matters.
		{name: "string matches boolean", src: "States.ArrayContains(States.Array('true', 'false'), true)", want: `true`},
		{name: "string matches number", src: "States.ArrayContains(States.Array('-1', '9007199254740991'), 9007199254740991)", want: `true`},
		{name: "key order matters", src: `States.ArrayContains(States.Array(States.JsonMerge(States.StringToJson('{"a":1,"b":2}'), States.StringToJson('{}'), false)), States.JsonMerge(States.StringToJson('{"b":2,"a":1}'), States.StringToJson('{}'), false))`, want: `false`},
		{name: "integer vs double", src: "States.ArrayContains(States.Array(1), 1.0)", want: `false`},
		{name: "equal doubles", src: "States.ArrayContains(States.Array(1.50), 1.5)", want: `true`},
		{name: "not an array", src: "States.ArrayContains('not-array', 'x')", wantErr: "Invalid arguments in States.ArrayContains"},
		{name: "missing argument", src: "States.ArrayContains(States.Array(1))", wantErr: "Invalid arguments in States.ArrayContains"},
		{name: "extra argument", src: "States.ArrayContains(States.Array(1), 2, 999)", wantErr: "Invalid arguments in States.ArrayContains"},
	})
}

func TestArrayRange(t *testing.T) {
	t.Parallel()
	runCases(t, []evalCase{
		// Recorded from AWS (conformance TestArray, TestBaseScenarios,
		// tiny-asl-machine).
		{name: "step 3", src: "States.ArrayRange(0, 9, 3)", want: `[0,3,6,9]`},
		{name: "end not reached", src: "States.ArrayRange(0, 10, 3)", want: `[0,3,6,9]`},
		{name: "single", src: "States.ArrayRange(1, 9, 9)", want: `[1]`},
		{name: "odd", src: "States.ArrayRange(1, 9, 2)", want: `[1,3,5,7,9]`},
		{name: "unit", src: "States.ArrayRange(0, 3, 1)", want: `[0,1,2,3]`},
		{name: "crosses zero", src: "States.ArrayRange(-2, 2, 2)", want: `[-2,0,2]`},
		{name: "equal bounds", src: "States.ArrayRange(3, 3, -1)", want: `[3]`},
		{name: "descending", src: "States.ArrayRange(5, 1, -2)", want: `[5,3,1]`},
		{name: "wrong direction", src: "States.ArrayRange(5, 1, 1)", want: `[]`},
		{name: "wrong direction negative", src: "States.ArrayRange(1, 5, -1)", want: `[]`},
		{name: "truncated arguments", src: "States.ArrayRange(1.4, 5.6, 2.2)", want: `[1,3,5]`},
		{name: "truncation toward zero", src: "States.ArrayRange(1.6, 1.4, 1)", want: `[1]`},
		{name: "truncated descending", src: "States.ArrayRange(5.4, -0.6, -2.4)", want: `[5,3,1]`},
		{name: "zero step", src: "States.ArrayRange(1, 10, 0)", wantErr: "Invalid arguments in States.ArrayRange"},
		{name: "step truncates to zero", src: "States.ArrayRange(1, 10, 0.49)", wantErr: "Invalid arguments in States.ArrayRange"},
		{name: "string start", src: "States.ArrayRange('a', 5, 1)", wantErr: "Invalid arguments in States.ArrayRange"},
		{name: "string end", src: "States.ArrayRange(1, 'b', 1)", wantErr: "Invalid arguments in States.ArrayRange"},
		{name: "string step", src: "States.ArrayRange(1, 5, 'c')", wantErr: "Invalid arguments in States.ArrayRange"},
		{name: "1001 elements", src: "States.ArrayRange(1, 1001, 1)", wantErr: "Invalid arguments in States.ArrayRange"},
		{name: "1001 descending", src: "States.ArrayRange(1001, 1, -1)", wantErr: "Invalid arguments in States.ArrayRange"},
		{name: "out of int range", src: "States.ArrayRange(0, 3000000000, 3000000)", wantErr: "Invalid arguments in States.ArrayRange"},
		{name: "missing step", src: "States.ArrayRange(1, 5)", wantErr: "Invalid arguments in States.ArrayRange"},
		{name: "extra argument", src: "States.ArrayRange(1, 5, 1, 99)", wantErr: "Invalid arguments in States.ArrayRange"},
	})
	// Exactly 1000 elements is allowed in both directions.
	for _, src := range []string{"States.ArrayRange(1, 1000, 1)", "States.ArrayRange(1000, 1, -1)", "States.ArrayRange(-2147483648, 2147483647, 4300000)"} {
		c, err := Parse(src)
		if err != nil {
			t.Fatal(err)
		}
		v, err := c.Eval(nil, nil)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if n := len(v.([]jsonvalue.Value)); n > 1000 || n < 999 {
			t.Errorf("%s: %d elements", src, n)
		}
	}
}

func TestArrayGetItem(t *testing.T) {
	t.Parallel()
	runCases(t, []evalCase{
		// Recorded from AWS (conformance TestArray, tiny-asl-machine).
		{name: "index 5", src: "States.ArrayGetItem(States.Array(1, 2, 3, 4, 5, 6, 7, 8, 9), 5)", want: `6`},
		{name: "first", src: "States.ArrayGetItem(States.Array('a', 'b', 'c'), 0)", want: `"a"`},
		{name: "null item", src: "States.ArrayGetItem(States.Array(null), 0)", want: `null`},
		{name: "truncated index", src: "States.ArrayGetItem(States.Array(10, 20, 30), 1.2)", want: `20`},
		{name: "empty array", src: "States.ArrayGetItem(States.Array(), 999)", want: `null`},
		{name: "index equals length", src: "States.ArrayGetItem(States.Array(10, 20, 30), 3)", wantErr: "Invalid arguments in States.ArrayGetItem"},
		{name: "negative index", src: "States.ArrayGetItem(States.Array(10, 20, 30), -1)", wantErr: "Invalid arguments in States.ArrayGetItem"},
		{name: "string index", src: "States.ArrayGetItem(States.Array(10, 20, 30), '1')", wantErr: "Invalid arguments in States.ArrayGetItem"},
		{name: "not an array", src: "States.ArrayGetItem('not-array', 0)", wantErr: "Invalid arguments in States.ArrayGetItem"},
		{name: "missing index", src: "States.ArrayGetItem(States.Array(1))", wantErr: "Invalid arguments in States.ArrayGetItem"},
	})
}

func TestArrayLength(t *testing.T) {
	t.Parallel()
	runCases(t, []evalCase{
		{name: "nine", src: "States.ArrayLength(States.Array(1, 2, 3, 4, 5, 6, 7, 8, 9))", want: `9`},
		{name: "empty", src: "States.ArrayLength(States.Array())", want: `0`},
		{name: "nested result", src: "States.ArrayLength(States.StringSplit('a,b,c', ','))", want: `3`},
		{name: "string", src: "States.ArrayLength('abc')", wantErr: "Invalid arguments in States.ArrayLength"},
		// Recorded from AWS (tiny-asl-machine Feature.IntrinsicComposition).
		{name: "nested string", src: "States.ArrayLength(States.JsonToString(States.Array(1, 2, 3)))", wantErr: "Invalid arguments in States.ArrayLength"},
		{name: "no argument", src: "States.ArrayLength()", wantErr: "Invalid arguments in States.ArrayLength"},
	})
}

func TestArrayUnique(t *testing.T) {
	t.Parallel()
	runCases(t, []evalCase{
		// Recorded from AWS (tiny-asl-machine): the order is that of a
		// java.util.HashSet, not first-seen order.
		{name: "numbers", src: "States.ArrayUnique(States.Array(1, 2, 3, 3, 3, 4))", want: `[1,2,3,4]`},
		{name: "strings", src: "States.ArrayUnique(States.Array('a', 'b', 'a', 'c', 'b'))", want: `["a","b","c"]`},
		{name: "booleans", src: "States.ArrayUnique(States.Array(true, false, true, false))", want: `[false,true]`},
		{name: "nulls", src: "States.ArrayUnique(States.Array(null, null, 1, null))", want: `[null,1]`},
		{name: "nested arrays", src: "States.ArrayUnique(States.Array(States.Array(1, 2), States.Array(1, 2), States.Array(2, 1)))", want: `[[2,1],[1,2]]`},
		{name: "lookalikes", src: "States.ArrayUnique(States.Array(1, '1', 1, '01'))", want: `[1,"1","01"]`},
		{name: "key order ignored", src: `States.ArrayUnique(States.Array(States.StringToJson('{"a":1,"b":2}'), States.StringToJson('{"b":2,"a":1}')))`, want: `[{"a":1,"b":2}]`},
		{name: "empty", src: "States.ArrayUnique(States.Array())", want: `[]`},
		// Integer 1 hashes to bucket 1, Double 1.0 to bucket 0.
		{name: "integer and double differ", src: "States.ArrayUnique(States.Array(1, 1.0))", want: `[1.0,1]`},
		// 0 and 16 share a bucket of the 16-bucket table; 17 goes after 1.
		{name: "buckets", src: "States.ArrayUnique(States.Array(17, 16, 1, 0))", want: `[16,0,17,1]`},
		{name: "not an array", src: "States.ArrayUnique('not-array')", wantErr: "Invalid arguments in States.ArrayUnique"},
	})
}

func TestBase64(t *testing.T) {
	t.Parallel()
	a10000 := strings.Repeat("a", 10000)
	runCases(t, []evalCase{
		// Recorded from AWS (conformance TestEncodeDecode,
		// tiny-asl-machine).
		{name: "encode empty", src: "States.Base64Encode('')", want: `""`},
		{name: "encode", src: "States.Base64Encode('Data to encode')", want: `"RGF0YSB0byBlbmNvZGU="`},
		{name: "encode unicode", src: "States.Base64Encode('✓')", want: `"4pyT"`},
		{name: "encode astral", src: "States.Base64Encode('🚀')", want: `"8J+agA=="`},
		{name: "encode newline", src: "States.Base64Encode('line1\nline2')", want: `"bGluZTEKbGluZTI="`},
		{name: "encode 10000", src: "States.Base64Encode('" + a10000 + "')", want: `"` + strings.Repeat("YWFh", 3333) + `YQ=="`},
		{name: "encode 10001", src: "States.Base64Encode('" + a10000 + "a')", wantErr: "Invalid arguments in States.Base64Encode"},
		{name: "encode 5001 astral", src: "States.Base64Encode('" + strings.Repeat("🚀", 5001) + "')", wantErr: "Invalid arguments in States.Base64Encode"},
		{name: "encode number", src: "States.Base64Encode(123)", wantErr: "Invalid arguments in States.Base64Encode"},
		{name: "encode no argument", src: "States.Base64Encode()", wantErr: "Invalid arguments in States.Base64Encode"},
		{name: "encode extra argument", src: "States.Base64Encode('a', 'b')", wantErr: "Invalid arguments in States.Base64Encode"},
		{name: "decode", src: "States.Base64Decode('RGF0YSB0byBlbmNvZGU=')", want: `"Data to encode"`},
		{name: "decode empty", src: "States.Base64Decode('')", want: `""`},
		{name: "decode japanese", src: "States.Base64Decode('44GT44KT44Gr44Gh44Gv')", want: `"こんにちは"`},
		{name: "decode NUL", src: "States.Base64Decode('YWJjAGRlZg==')", want: `"abc\u0000def"`},
		// AWS decodes leniently: no padding, surrounding spaces, other
		// characters skipped, stop at '='.
		{name: "decode unpadded", src: "States.Base64Decode('YWJj')", want: `"abc"`},
		{name: "decode short", src: "States.Base64Decode('YWI')", want: `"ab"`},
		{name: "decode spaces", src: "States.Base64Decode(' YWJjZA== ')", want: `"abcd"`},
		{name: "decode stops at padding", src: "States.Base64Decode('YQ==YWJj')", want: `"a"`},
		{name: "decode URL-safe", src: "States.Base64Decode('-_8=')", want: `"` + "\ufffd\ufffd" + `"`},
		{name: "decode invalid UTF-8", src: "States.Base64Decode('/w==')", want: `"` + "\ufffd" + `"`},
		{name: "decode 10001", src: "States.Base64Decode('" + strings.Repeat("A", 10001) + "')", wantErr: "Invalid arguments in States.Base64Decode"},
		{name: "decode number", src: "States.Base64Decode(123)", wantErr: "Invalid arguments in States.Base64Decode"},
		{name: "round trip", src: "States.Base64Decode(States.Base64Encode('hello ✓'))", want: `"hello ✓"`},
	})
}

func TestHash(t *testing.T) {
	t.Parallel()
	runCases(t, []evalCase{
		// Recorded from AWS (conformance TestHashCalculations,
		// tiny-asl-machine).
		{name: "MD5", src: "States.Hash('input data', 'MD5')", want: `"812f45842bc6d66ee14572ce20db8e86"`},
		{name: "SHA-1", src: "States.Hash('input data', 'SHA-1')", want: `"aaff4a450a104cd177d28d18d74485e8cae074b7"`},
		{name: "SHA-256", src: "States.Hash('Hash this string', 'SHA-256')", want: `"1cac63f39fd68d8c531f27b807610fb3d50f0fc3f186995767fb6316e7200a3e"`},
		{name: "SHA-384", src: "States.Hash('input data', 'SHA-384')", want: `"d28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6123aa008c756511b87525bdc835ebb27e1fb9e9374a15562"`},
		{name: "SHA-512", src: "States.Hash('hello', 'SHA-512')", want: `"9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043"`},
		{name: "empty", src: "States.Hash('', 'SHA-256')", want: `"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"`},
		{name: "unicode", src: "States.Hash('✓', 'SHA-256')", want: `"1dabba21cdad44541f6b15796f8d22978fc7ea10c46aeceeeeb66c23b3ac7604"`},
		{name: "nested format", src: "States.Hash(States.Format('{}:{}', 'x', 'y'), 'SHA-256')", want: `"1274e286686b54fe765ec40735665b4bf789cee2a5b22124c5e0491a88e15271"`},
		// AWS hashes the printed form of a non-string.
		{name: "number data", src: "States.Hash(123, 'MD5')", want: `"202cb962ac59075b964b07152d234b70"`},
		{name: "10001 characters", src: "States.Hash('" + strings.Repeat("a", 10001) + "', 'SHA-256')", wantErr: "Invalid arguments in States.Hash"},
		{name: "unsupported", src: "States.Hash('data', 'UNSUPPORTED')", wantErr: "Invalid arguments in States.Hash"},
		{name: "lower case", src: "States.Hash('data', 'sha-256')", wantErr: "Invalid arguments in States.Hash"},
		{name: "no hyphen", src: "States.Hash('data', 'SHA256')", wantErr: "Invalid arguments in States.Hash"},
		{name: "numeric algorithm", src: "States.Hash('hello', 123)", wantErr: "Invalid arguments in States.Hash"},
		{name: "no arguments", src: "States.Hash()", wantErr: "Invalid arguments in States.Hash"},
		{name: "one argument", src: "States.Hash('hello')", wantErr: "Invalid arguments in States.Hash"},
		{name: "extra argument", src: "States.Hash('hello', 'SHA-256', 'extra')", wantErr: "Invalid arguments in States.Hash"},
	})
}

func TestJsonMerge(t *testing.T) {
	t.Parallel()
	obj := func(s string) string { return "States.StringToJson('" + s + "')" }
	runCases(t, []evalCase{
		// Recorded from AWS (conformance TestJsonManipulation).
		{name: "shallow", src: "States.JsonMerge(" + obj(`{"a":{"a1":1,"a2":2},"b":2,"d":3}`) + ", " + obj(`{"a":{"a3":1,"a4":2},"c":3,"d":4}`) + ", false)", want: `{"a":{"a3":1,"a4":2},"b":2,"d":4,"c":3}`},
		{name: "disjoint", src: "States.JsonMerge(" + obj(`{"a":1,"b":2}`) + ", " + obj(`{"c":3,"d":4}`) + ", false)", want: `{"a":1,"b":2,"c":3,"d":4}`},
		{name: "left empty", src: "States.JsonMerge(" + obj(`{}`) + ", " + obj(`{"x":1}`) + ", false)", want: `{"x":1}`},
		{name: "right empty", src: "States.JsonMerge(" + obj(`{"x":1}`) + ", " + obj(`{}`) + ", false)", want: `{"x":1}`},
		{name: "null overwrites", src: "States.JsonMerge(" + obj(`{"n":{"l":true},"keep":1}`) + ", " + obj(`{"n":null}`) + ", false)", want: `{"n":null,"keep":1}`},
		{name: "non-boolean flag", src: "States.JsonMerge(" + obj(`{"a":1}`) + ", " + obj(`{"b":2}`) + ", 'false')", want: `{"a":1,"b":2}`},
		{name: "deep", src: "States.JsonMerge(" + obj(`{"a":1}`) + ", " + obj(`{"b":2}`) + ", true)", wantErr: "Invalid arguments in States.JsonMerge"},
		{name: "null object", src: "States.JsonMerge(null, " + obj(`{}`) + ", false)", wantErr: "Invalid arguments in States.JsonMerge"},
		{name: "array object", src: "States.JsonMerge(States.Array(), " + obj(`{}`) + ", false)", wantErr: "Invalid arguments in States.JsonMerge"},
		{name: "missing flag", src: "States.JsonMerge(" + obj(`{}`) + ", " + obj(`{}`) + ")", wantErr: "Invalid arguments in States.JsonMerge"},
	})
}

func TestMathAdd(t *testing.T) {
	t.Parallel()
	runCases(t, []evalCase{
		// Recorded from AWS (conformance TestMathOperations,
		// tiny-asl-machine): operands are rounded half up first.
		{name: "ints", src: "States.MathAdd(-9, 3)", want: `-6`},
		{name: "round both", src: "States.MathAdd(1.49, 1.5)", want: `3`},
		{name: "round up", src: "States.MathAdd(1.5, 1.51)", want: `4`},
		{name: "negatives", src: "States.MathAdd(-1.49, -1.5)", want: `-2`},
		{name: "1.51", src: "States.MathAdd(1.51, 0)", want: `2`},
		{name: "-1.49", src: "States.MathAdd(-1.49, 0)", want: `-1`},
		{name: "-1.5", src: "States.MathAdd(-1.5, 0)", want: `-1`},
		{name: "0.5", src: "States.MathAdd(0.5, 0)", want: `1`},
		{name: "2.5", src: "States.MathAdd(2.5, 0)", want: `3`},
		{name: "-2.5", src: "States.MathAdd(-2.5, 0)", want: `-2`},
		{name: "-3.5", src: "States.MathAdd(-3.5, 0)", want: `-3`},
		{name: "tiny", src: "States.MathAdd(0.1, 0.2)", want: `0`},
		{name: "not quite a half", src: "States.MathAdd(0.49999999999999994, 0)", want: `0`},
		{name: "exponent", src: "States.MathAdd(1e2, 0)", want: `100`},
		{name: "max", src: "States.MathAdd(2147483646, 1)", want: `2147483647`},
		{name: "min", src: "States.MathAdd(-2147483647, -1)", want: `-2147483648`},
		{name: "nested", src: "States.MathAdd(States.MathAdd(5, 1), 2)", want: `8`},
		{name: "overflow", src: "States.MathAdd(2147483647, 1)", wantErr: "Invalid arguments in States.MathAdd"},
		{name: "underflow", src: "States.MathAdd(-2147483648, -1)", wantErr: "Invalid arguments in States.MathAdd"},
		{name: "operand too big", src: "States.MathAdd(3000000000, 1)", wantErr: "Invalid arguments in States.MathAdd"},
		{name: "operand too small", src: "States.MathAdd(-3000000000, 1)", wantErr: "Invalid arguments in States.MathAdd"},
		{name: "string", src: "States.MathAdd('1', 2)", wantErr: "Invalid arguments in States.MathAdd"},
		{name: "null", src: "States.MathAdd(null, 1)", wantErr: "Invalid arguments in States.MathAdd"},
		{name: "boolean", src: "States.MathAdd(true, 1)", wantErr: "Invalid arguments in States.MathAdd"},
		{name: "array", src: "States.MathAdd(-1, States.Array(1))", wantErr: "Invalid arguments in States.MathAdd"},
		{name: "one argument", src: "States.MathAdd(1)", wantErr: "Invalid arguments in States.MathAdd"},
		{name: "three arguments", src: "States.MathAdd(1, 2, 999)", wantErr: "Invalid arguments in States.MathAdd"},
	})
}

func TestMathRandom(t *testing.T) {
	t.Parallel()
	runCases(t, []evalCase{
		// Recorded from AWS (tiny-asl-machine): with a seed the result is
		// start + new java.util.Random(seed).nextInt(end - start).
		{name: "seed 42", src: "States.MathRandom(1, 100, 42)", want: `63`},
		{name: "seed 1", src: "States.MathRandom(1, 1000, 1)", want: `106`},
		{name: "seed 2", src: "States.MathRandom(1, 1000, 2)", want: `806`},
		{name: "seed 0", src: "States.MathRandom(1, 10, 0)", want: `7`},
		{name: "negative seed", src: "States.MathRandom(1, 10, -10)", want: `1`},
		{name: "power of two bound", src: "States.MathRandom(1, 5, 42)", want: `3`},
		{name: "mixed sign", src: "States.MathRandom(-5, 5, 42)", want: `-5`},
		{name: "near int max", src: "States.MathRandom(2147483640, 2147483647, 1)", want: `2147483644`},
		{name: "identical bounds", src: "States.MathRandom(1, 1)", wantErr: "Invalid arguments in States.MathRandom"},
		{name: "reversed bounds", src: "States.MathRandom(10, 5)", wantErr: "Invalid arguments in States.MathRandom"},
		{name: "bounds truncate together", src: "States.MathRandom(1.4, 1.6)", wantErr: "Invalid arguments in States.MathRandom"},
		{name: "string start", src: "States.MathRandom('a', 10)", wantErr: "Invalid arguments in States.MathRandom"},
		{name: "string seed", src: "States.MathRandom(1, 10, 'seed')", wantErr: "Invalid arguments in States.MathRandom"},
		{name: "null seed", src: "States.MathRandom(1, 10, null)", wantErr: "Invalid arguments in States.MathRandom"},
		{name: "one argument", src: "States.MathRandom(1)", wantErr: "Invalid arguments in States.MathRandom"},
		{name: "four arguments", src: "States.MathRandom(1, 10, 5, 99)", wantErr: "Invalid arguments in States.MathRandom"},
	})
	// Without a seed the value comes from the Random handed in and stays in
	// [start, end).
	c, err := Parse("States.MathRandom(1.6, 5.4)")
	if err != nil {
		t.Fatal(err)
	}
	rnd := newRand()
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		v, err := c.Eval(nil, rnd)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := v.(jsonvalue.Number).Int64()
		if n < 1 || n >= 5 {
			t.Fatalf("MathRandom(1.6, 5.4) = %d", n)
		}
		seen[string(v.(jsonvalue.Number))] = true
	}
	if len(seen) != 4 {
		t.Errorf("200 draws gave %v", seen)
	}
	a, _ := c.Eval(nil, newRand())
	b, _ := c.Eval(nil, newRand())
	if a != b {
		t.Errorf("equal Random sources gave %v and %v", a, b)
	}
	if _, err := c.Eval(nil, nil); err == nil {
		t.Error("unseeded MathRandom without a Random succeeded")
	}
}

func TestStringSplit(t *testing.T) {
	t.Parallel()
	runCases(t, []evalCase{
		// Recorded from AWS (conformance TestStringOperations): the second
		// argument is a set of delimiter characters and empty tokens are
		// dropped, as java.util.StringTokenizer does.
		{name: "space only", src: "States.StringSplit(' ', ',')", want: `[" "]`},
		{name: "spaces", src: "States.StringSplit(' , ', ',')", want: `[" "," "]`},
		{name: "commas and spaces", src: "States.StringSplit(', , ,', ',')", want: `[" "," "]`},
		{name: "only delimiters", src: "States.StringSplit(',,,,', ',')", want: `[]`},
		{name: "digits", src: "States.StringSplit('1,2,3,4,5', ',')", want: `["1","2","3","4","5"]`},
		{name: "delimiter set", src: "States.StringSplit('This.is+a,test=string', '.+,=')", want: `["This","is","a","test","string"]`},
		{name: "newline delimiter", src: "States.StringSplit('split on T and \nnew line', 'T\n')", want: `["split on "," and ","new line"]`},
		{name: "empty input", src: "States.StringSplit('', ',')", want: `[]`},
		{name: "empty delimiters", src: "States.StringSplit('abc', '')", want: `["abc"]`},
		{name: "unicode delimiter", src: "States.StringSplit('a✓b🚀c', '🚀✓')", want: `["a","b","c"]`},
		{name: "csv lines", src: "States.StringSplit('Value1,Value2,Value3\nValue4,Value5,Value6\n,,,\ntrue,1,\\'HelloWorld\\'\nNull,None,\n   \n', ',')", want: `["Value1","Value2","Value3\nValue4","Value5","Value6\n","\ntrue","1","'HelloWorld'\nNull","None","\n   \n"]`},
		{name: "number", src: "States.StringSplit(123, ',')", wantErr: "Invalid arguments in States.StringSplit"},
		{name: "null delimiter", src: "States.StringSplit('a,b', null)", wantErr: "Invalid arguments in States.StringSplit"},
		{name: "array delimiter", src: "States.StringSplit('a,b', States.Array(','))", wantErr: "Invalid arguments in States.StringSplit"},
		{name: "one argument", src: "States.StringSplit('a,b')", wantErr: "Invalid arguments in States.StringSplit"},
	})
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestUUID(t *testing.T) {
	t.Parallel()
	c, err := Parse("States.UUID()")
	if err != nil {
		t.Fatal(err)
	}
	rnd := newRand()
	seen := map[jsonvalue.Value]bool{}
	for i := 0; i < 100; i++ {
		v, err := c.Eval(nil, rnd)
		if err != nil {
			t.Fatal(err)
		}
		s, _ := v.(string)
		if !uuidPattern.MatchString(s) {
			t.Fatalf("UUID() = %q", s)
		}
		seen[v] = true
	}
	if len(seen) != 100 {
		t.Errorf("100 UUIDs had %d distinct values", len(seen))
	}
	a, _ := c.Eval(nil, newRand())
	b, _ := c.Eval(nil, newRand())
	if a != b {
		t.Errorf("equal Random sources gave %v and %v", a, b)
	}
	if _, err := c.Eval(nil, nil); err == nil {
		t.Error("UUID without a Random succeeded")
	}
	runCases(t, []evalCase{
		{name: "argument", src: "States.UUID(1)", wantErr: "Invalid arguments in States.UUID"},
	})
}

func TestErrorPropagation(t *testing.T) {
	t.Parallel()
	runCases(t, []evalCase{
		// The message names the whole expression, also when a nested call
		// fails.
		{name: "inner failure", src: "States.Array(1, States.MathAdd('x', 1))", wantErr: "Invalid arguments in States.MathAdd"},
		{name: "first failure wins", src: "States.Array(States.ArrayLength(1), States.MathAdd('x', 1))", wantErr: "Invalid arguments in States.ArrayLength"},
	})
}

func TestErrorType(t *testing.T) {
	t.Parallel()
	e := &Error{Name: "States.Runtime", Message: "boom"}
	if e.Error() != "States.Runtime: boom" {
		t.Errorf("Error() = %q", e.Error())
	}
	se := &SyntaxError{Src: "States.X(", Offset: 7, Msg: "bad"}
	if !strings.Contains(se.Error(), "offset 7") {
		t.Errorf("SyntaxError.Error() = %q", se.Error())
	}
}

func TestPathArguments(t *testing.T) {
	t.Parallel()
	runCases(t, []evalCase{
		{name: "input path", src: "States.Format('Hello {}', $.name)", input: `{"name":"Ada"}`, want: `"Hello Ada"`},
		{name: "template path", src: "States.Format($.template, $.name)", input: `{"template":"Hello, my name is {}.","name":"Arnav"}`, want: `"Hello, my name is Arnav."`},
		{name: "nested input path", src: "States.Array($.a.b, $.c[1])", input: `{"a":{"b":true},"c":[1,{"d":2}]}`, want: `[true,{"d":2}]`},
		{name: "whole input", src: "States.JsonToString($)", input: `{"a":[1,2.50]}`, want: `"{\"a\":[1,2.5]}"`},
		{name: "context", src: "States.Format('{}/{}', $$.Execution.Name, $$.StateMachine.Name)", want: `"exec-1/sm"`},
		{name: "context object", src: "States.Format('{}', $$.Execution.Input)", want: `"{k=v}"`},
		{name: "variables", src: "States.Format('{} {}', $greeting, States.ArrayLength($nums))", want: `"Hello 3"`},
		{name: "variable array", src: "States.ArrayUnique($nums)", want: `[1,2,3]`},
		{name: "path inside nested call", src: "States.ArrayGetItem(States.StringSplit($.csv, ','), 1)", input: `{"csv":"a,b,c"}`, want: `"b"`},
		{name: "object from path", src: "States.Format('{}', $.obj)", input: `{"obj":{"Arg1":1,"Arg2":[]}}`, want: `"{Arg1=1, Arg2=[]}"`},
		{name: "merge paths", src: "States.JsonMerge($.a, $.b, false)", input: `{"a":{"x":1,"y":2},"b":{"y":3,"z":4}}`, want: `{"x":1,"y":3,"z":4}`},
		{name: "hash object", src: "States.Hash($.obj, 'MD5')", input: `{"obj":{}}`, want: `"99914b932bd37a50b983c5e7c90ae93b"`},
		// Recorded from AWS (tiny-asl-machine States.StringToJson-020).
		{name: "missing path", src: "States.StringToJson($.missing)", input: `{}`, wantErr: "The function 'States.StringToJson($.missing)' had the following error: The JsonPath argument for the field '$.missing' could not be found in the input '{}'"},
		{name: "missing path with input", src: "States.Format('{}', $.a.missing)", input: `{"a":{"b":1}}`, wantErr: "The function 'States.Format('{}', $.a.missing)' had the following error: The JsonPath argument for the field '$.a.missing' could not be found in the input '{\"a\":{\"b\":1}}'"},
		{name: "missing context path", src: "States.Format('{}', $$.Nope)", wantErr: `The function 'States.Format('{}', $$.Nope)' had the following error: The JsonPath argument for the field '$$.Nope' could not be found in the input '{"Execution":{"Id":"arn:aws:states:us-east-1:111111111111:execution:sm:exec-1","Name":"exec-1","Input":{"k":"v"}},"StateMachine":{"Id":"arn:aws:states:us-east-1:111111111111:stateMachine:sm","Name":"sm"}}'`},
		{name: "missing variable", src: "States.Format('{}', $nope)", wantErr: "The function 'States.Format('{}', $nope)' had the following error: The JsonPath argument for the field '$nope' could not be found in the input 'null'"},
		{name: "path before type check", src: "States.MathAdd('x', $.missing)", input: `{}`, wantErr: "The function 'States.MathAdd('x', $.missing)' had the following error: The JsonPath argument for the field '$.missing' could not be found in the input '{}'"},
	})
}
