package jsonata

import (
	"testing"
)

func TestObjectFunctions(t *testing.T) {
	seq := func(v ...Value) *Sequence { return &Sequence{Items: v} }
	runLibCases(t, []libCase{
		{"keys", arr(obj("a", 1.0, "b", 2.0)), `["a","b"]`},
		{"keys", arr(obj("foo", obj())), `"foo"`},
		{"keys", arr(obj()), "undefined"},
		{"keys", arr("foo"), "undefined"},
		{"keys", arr(arr("foo", "bar")), "undefined"},
		{"keys", arr(arr(obj("a", 1.0, "b", 1.0), obj("b", 1.0, "c", 1.0))), `["a","b","c"]`},
		{"keys", arr(nil), "undefined"},
		{"lookup", arr(obj("a", 1.0), "a"), "1"},
		{"lookup", arr(obj("a", Null), "a"), "null"},
		{"lookup", arr(obj("a", 1.0), "b"), "undefined"},
		{"lookup", arr(arr(obj("a", 1.0), obj("b", 2.0), obj("a", arr(3.0, 4.0))), "a"), "[1,3,4]"},
		{"lookup", arr(arr(1.0, 2.0), "a"), "undefined"},
		{"lookup", arr("x", "a"), "undefined"},
		{"spread", arr("Hello World"), `"Hello World"`},
		{"spread", arr(obj("a", 1.0, "b", 2.0)), `[{"a":1},{"b":2}]`},
		{"spread", arr(obj("a", 1.0)), `{"a":1}`},
		{"spread", arr(arr(obj("a", 1.0), obj("b", 2.0, "c", 3.0))), `[{"a":1},{"b":2},{"c":3}]`},
		{"spread", arr(arr(obj("a", 1.0))), `[{"a":1}]`},
		{"spread", arr(arr(obj())), "undefined"},
		{"spread", arr(nil), "undefined"},
		{"merge", arr(nil), "undefined"},
		{"merge", arr(obj("a", 1.0)), `{"a":1}`},
		{"merge", arr(arr(obj("a", 1.0), obj("b", 2.0, "c", 3.0))), `{"a":1,"b":2,"c":3}`},
		{"merge", arr(arr(obj("a", 1.0), obj("b", 2.0, "a", 3.0))), `{"a":3,"b":2}`},
		{"merge", arr(arr()), `{}`},
		{"error", arr("Too Expensive"), "error:D3137"},
		{"error", arr(nil), "error:D3137"},
		{"assert", arr(true, "msg"), "undefined"},
		{"assert", arr(false, "msg"), "error:D3141"},
		{"assert", arr(false), "error:D3141"},
		{"type", arr(nil), "undefined"},
		{"type", arr(Null), `"null"`},
		{"type", arr(1.0), `"number"`},
		{"type", arr("1"), `"string"`},
		{"type", arr(false), `"boolean"`},
		{"type", arr(arr()), `"array"`},
		{"type", arr(seq(1.0)), `"array"`},
		{"type", arr(obj()), `"object"`},
		{"type", arr(builtins["sum"]), `"function"`},
		{"boolean", arr("Hello World"), "true"},
		{"boolean", arr(""), "false"},
		{"boolean", arr(true), "true"},
		{"boolean", arr(0.0), "false"},
		{"boolean", arr(-0.5), "true"},
		{"boolean", arr(Null), "false"},
		{"boolean", arr(arr()), "false"},
		{"boolean", arr(arr(0.0)), "false"},
		{"boolean", arr(arr(1.0)), "true"},
		{"boolean", arr(arr(0.0, 0.0)), "false"},
		{"boolean", arr(arr(0.0, "x")), "true"},
		{"boolean", arr(arr(arr())), "false"},
		{"boolean", arr(arr(arr(Null))), "false"},
		{"boolean", arr(arr(arr(arr(true)))), "true"},
		{"boolean", arr(obj()), "false"},
		{"boolean", arr(obj("a", 1.0)), "true"},
		{"boolean", arr(builtins["sum"]), "false"},
		{"boolean", arr(nil), "undefined"},
		{"not", arr(true), "false"},
		{"not", arr(""), "true"},
		{"not", arr(nil), "undefined"},
		{"exists", arr(nil), "false"},
		{"exists", arr(Null), "true"},
		{"exists", arr(false), "true"},
	})
}

func TestErrorMessages(t *testing.T) {
	for _, tc := range []struct {
		fn   string
		args []Value
		want string
	}{
		{"error", arr("Too Expensive"), "D3137: Too Expensive"},
		{"error", arr(nil), "D3137: $error() function evaluated"},
		{"assert", arr(false, "Too Expensive"), "D3141: Too Expensive"},
		{"assert", arr(false), "D3141: $assert() statement failed"},
		{"decodeUrl", arr("%E0%A4%A"), `D3140: Malformed URL passed to $decodeUrl(): "%E0%A4%A"`},
		{"number", arr("x"), `D3030: Unable to cast value to a number: "x"`},
		{"power", arr(100.0, 1000.0), "D3061: The power function has resulted in a value that cannot be represented as a JSON number: base=100, exponent=1000"},
		{"sqrt", arr(-2.0), "D3060: The sqrt function cannot be applied to a negative number: -2"},
	} {
		_, err := builtins[tc.fn].Impl(&Call{}, tc.args)
		if err == nil || err.Error() != tc.want {
			t.Errorf("$%s%s: error %v, want %s", tc.fn, Stringify(tc.args), err, tc.want)
		}
	}
}
