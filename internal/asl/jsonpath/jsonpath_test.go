package jsonpath

import (
	"errors"
	"strings"
	"testing"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// storeJSON is the document of Jayway JsonPath's README.
const storeJSON = `{
  "store": {
    "book": [
      {"category": "reference", "author": "Nigel Rees", "title": "Sayings of the Century", "price": 8.95},
      {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour", "price": 12.99},
      {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553-21311-3", "price": 8.99},
      {"category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord of the Rings", "isbn": "0-395-19395-8", "price": 22.99}
    ],
    "bicycle": {"color": "red", "price": 19.95}
  },
  "expensive": 10
}`

// testJSON exercises types and edge cases.
const testJSON = `{
  "a": {"b": [1, 2, 3], "c": "x", "n": null, "e": [], "o": {}},
  "items": [
    {"id": 1, "t": ["a", "b"], "name": "one"},
    {"id": "1", "t": [], "name": "One"},
    {"id": 2.0, "name": "two"},
    {"x": true}
  ],
  "s": "hello",
  "nums": [5, 1, 9, -2],
  "strs": ["b", "a", "é", "😀"],
  "nested": [[1, 2], [3, [4, 5]]],
  "k-e y": {"ü": 1, "a.b": 2, "it's": 3, "q\"": 4},
  "big": 12345678901234567890,
  "dec": 1e2
}`

func mustParse(t *testing.T, src string) *Path {
	t.Helper()
	p, err := Parse(src)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	return p
}

func TestParseRoots(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src        string
		root       Root
		variable   string
		normalized string
		definite   bool
		reference  bool
	}{
		{"$", RootInput, "", "$", true, true},
		{"$$", RootContext, "", "$$", true, true},
		{"$.a", RootInput, "", "$['a']", true, true},
		{"$$.Execution.Id", RootContext, "", "$$['Execution']['Id']", true, true},
		{"$$.Map.Item.Value", RootContext, "", "$$['Map']['Item']['Value']", true, true},
		{"$$['Execution']", RootContext, "", "$$['Execution']", true, true},
		{"$x", RootVariable, "x", "$x", true, true},
		{"$x.a[0]", RootVariable, "x", "$x['a'][0]", true, true},
		{"$myVar['a b']", RootVariable, "myVar", "$myVar['a b']", true, true},
		{"$_tmp.a", RootVariable, "_tmp", "$_tmp['a']", true, true},
		{"$größe", RootVariable, "größe", "$größe", true, true},
		{"$x[*].a", RootVariable, "x", "$x[*]['a']", false, false},
		{"$.a.b[0]", RootInput, "", "$['a']['b'][0]", true, true},
		{"$.a  ", RootInput, "", "$['a']", true, true},
	}
	for _, tc := range tests {
		p := mustParse(t, tc.src)
		if p.String() != tc.src {
			t.Errorf("%q: String() = %q", tc.src, p.String())
		}
		if p.Root() != tc.root || p.Variable() != tc.variable {
			t.Errorf("%q: Root() = %v, Variable() = %q; want %v, %q", tc.src, p.Root(), p.Variable(), tc.root, tc.variable)
		}
		if got := p.Normalized(); got != tc.normalized {
			t.Errorf("%q: Normalized() = %q, want %q", tc.src, got, tc.normalized)
		}
		if p.Definite() != tc.definite || p.IsReference() != tc.reference {
			t.Errorf("%q: Definite() = %v, IsReference() = %v; want %v, %v", tc.src, p.Definite(), p.IsReference(), tc.definite, tc.reference)
		}
	}
}

// TestNormalized covers every segment kind and Jayway's reading of odd
// paths.
func TestNormalized(t *testing.T) {
	t.Parallel()
	tests := []struct{ src, want string }{
		{"$.a.b[0]", "$['a']['b'][0]"},
		{"$['a']['b']", "$['a']['b']"},
		{`$["a"]`, "$['a']"},
		{"$[ 'a' , 'b' ]", "$['a','b']"},
		{`$['it\'s']`, "$['it's']"},
		{`$['a\u00e9']`, "$['aé']"},
		{`$["q\""]`, `$['q"']`},
		{"$.a-b.c_d.é.$x.@y", "$['a-b']['c_d']['é']['$x']['@y']"},
		{"$.a*b", "$['a*b']"},
		{"$.a]b", "$['a]b']"},
		{"$.['a b']", "$['a b']"},
		{"$.[0]", "$[0]"},
		{"$[-1]", "$[-1]"},
		{"$[007]", "$[7]"},
		{"$[0, 2 ,4]", "$[0,2,4]"},
		{"$[1:3]", "$[1:3]"},
		{"$[-2:]", "$[-2:]"},
		{"$[:2]", "$[:2]"},
		{"$[1:5:2]", "$[1:5]"},
		{"$.*", "$[*]"},
		{"$[*]", "$[*]"},
		{"$[ * ]", "$[*]"},
		{"$..name", "$..['name']"},
		{"$..*", "$..[*]"},
		{"$..[0]", "$..[0]"},
		{"$..['a','b']", "$..['a','b']"},
		{"$.a[?(@.x == 1)].b", "$['a'][?]['b']"},
		{"$.a.length()", "$['a'].length()"},
		{"$.a.concat(\"x\")", "$['a'].concat(...)"},
		{"$..price.sum()", "$.sum()"},
		{"$.*a", "$[*]"},        // Jayway ignores a single character left after a token
		{"$.*ab", "$[*]['ab']"}, // and reads a name after a token without a dot
		{"$['a']x", "$['a']"},
		{"$[0]]", "$[0]"},
		{"$.a[", "$['a']"},
		{"$[0]a.b", "$[0]['a']['b']"},
	}
	for _, tc := range tests {
		if got := mustParse(t, tc.src).Normalized(); got != tc.want {
			t.Errorf("Parse(%q).Normalized() = %q, want %q", tc.src, got, tc.want)
		}
	}
}

func TestDefinite(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src  string
		want bool
	}{
		{"$", true},
		{"$.a.b[0]", true},
		{"$[-1]", true},
		{"$['a','b']", true}, // merged into one object
		{"$['a','b'].c", false},
		{"$[0,1]", false},
		{"$[0:1]", false},
		{"$.*", false},
		{"$..a", false},
		{"$[?(@.a)]", false},
		{"$.a.length()", true},
		{"$.a[*].length()", false},
		{"$..a.length()", true}, // evaluated as $.length($..a)
		{"$.x..a.length()", false},
	}
	for _, tc := range tests {
		if got := mustParse(t, tc.src).Definite(); got != tc.want {
			t.Errorf("Parse(%q).Definite() = %v, want %v", tc.src, got, tc.want)
		}
	}
}

// evalCase is a path evaluated on a document: want is the JSON of the
// result, or err a substring of the error.
type evalCase struct {
	src  string
	want string
	err  string
}

func runEval(t *testing.T, doc string, tests []evalCase) {
	t.Helper()
	env := &Env{Input: jsonvalue.MustParse(doc)}
	for _, tc := range tests {
		p, err := Parse(tc.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.src, err)
			continue
		}
		v, err := p.Eval(env)
		switch {
		case tc.err != "":
			if err == nil {
				t.Errorf("Eval(%q) = %s, want error %q", tc.src, jsonvalue.Marshal(v), tc.err)
			} else if !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Eval(%q) error = %q, want %q", tc.src, err, tc.err)
			} else if !errors.Is(err, ErrNotFound) {
				t.Errorf("Eval(%q) error %v does not wrap ErrNotFound", tc.src, err)
			}
		case err != nil:
			t.Errorf("Eval(%q): %v", tc.src, err)
		default:
			if got := jsonvalue.Marshal(v); got != tc.want {
				t.Errorf("Eval(%q) = %s, want %s", tc.src, got, tc.want)
			}
		}
	}
}

// TestEvalStore checks the examples of Jayway's README.
func TestEvalStore(t *testing.T) {
	t.Parallel()
	runEval(t, storeJSON, []evalCase{
		{src: "$.store.book[*].author", want: `["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]`},
		{src: "$..author", want: `["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]`},
		{src: "$.store.*", want: `[[{"category":"reference","author":"Nigel Rees","title":"Sayings of the Century","price":8.95},{"category":"fiction","author":"Evelyn Waugh","title":"Sword of Honour","price":12.99},{"category":"fiction","author":"Herman Melville","title":"Moby Dick","isbn":"0-553-21311-3","price":8.99},{"category":"fiction","author":"J. R. R. Tolkien","title":"The Lord of the Rings","isbn":"0-395-19395-8","price":22.99}],{"color":"red","price":19.95}]`},
		{src: "$.store..price", want: `[8.95,12.99,8.99,22.99,19.95]`},
		{src: "$..book[2].title", want: `["Moby Dick"]`},
		{src: "$..book[-2].title", want: `["Moby Dick"]`},
		{src: "$..book[0,1].title", want: `["Sayings of the Century","Sword of Honour"]`},
		{src: "$..book[:2].title", want: `["Sayings of the Century","Sword of Honour"]`},
		{src: "$..book[1:2].title", want: `["Sword of Honour"]`},
		{src: "$..book[-2:].title", want: `["Moby Dick","The Lord of the Rings"]`},
		{src: "$..book[2:].title", want: `["Moby Dick","The Lord of the Rings"]`},
		{src: "$..book[?(@.isbn)].title", want: `["Moby Dick","The Lord of the Rings"]`},
		{src: "$.store.book[?(@.price < 10)].title", want: `["Sayings of the Century","Moby Dick"]`},
		{src: "$..book[?(@.price <= $['expensive'])].title", want: `["Sayings of the Century","Moby Dick"]`},
		{src: "$..book[?(@.author =~ /.*REES/i)].title", want: `["Sayings of the Century"]`},
		{src: "$..book.length()", want: `4`},
		{src: "$.store.book[0].title", want: `"Sayings of the Century"`},
		{src: "$['store']['bicycle']['color','price']", want: `{"color":"red","price":19.95}`},
		{src: "$..book[?(@.category == 'fiction' && @.price > 10)].title", want: `["Sword of Honour","The Lord of the Rings"]`},
		{src: "$..book[?(@.category == 'reference' || @.price > 20)].title", want: `["Sayings of the Century","The Lord of the Rings"]`},
		{src: "$.store.keys()", want: `["book","bicycle"]`},
		// Deep scan visits a node before its children, in key order.
		{src: "$.store.bicycle..*", want: `["red",19.95]`},
		{src: "$..price.sum()", want: `73.87`},
	})
}

func TestEvalPaths(t *testing.T) {
	t.Parallel()
	runEval(t, testJSON, []evalCase{
		{src: "$", want: jsonvalue.Marshal(jsonvalue.MustParse(testJSON))},
		{src: "$.a.b[0]", want: `1`},
		{src: "$.a.b[-1]", want: `3`},
		{src: "$.a.n", want: `null`},
		{src: "$['k-e y']['ü']", want: `1`},
		{src: "$['k-e y']['a.b']", want: `2`},
		{src: `$['k-e y']['it\'s']`, want: `3`},
		{src: `$['k-e y']["it's"]`, want: `3`},
		{src: `$['k-e y']['q"']`, want: `4`},
		{src: "$.nested[1][1][0]", want: `4`},
		{src: "$.big", want: `12345678901234567890`},
		// Unions, slices and wildcards give arrays, possibly empty.
		{src: "$.nums[0,2]", want: `[5,9]`},
		{src: "$.nums[0,0]", want: `[5,5]`},
		{src: "$.nums[0,9]", want: `[5]`},
		{src: "$.nums[1:3]", want: `[1,9]`},
		{src: "$.nums[:2]", want: `[5,1]`},
		{src: "$.nums[-2:]", want: `[9,-2]`},
		{src: "$.nums[:-1]", want: `[5,1,9]`},
		{src: "$.nums[2:1]", want: `[]`},
		{src: "$.nums[9:]", want: `[]`},
		{src: "$.a.e[0:]", want: `[]`},
		{src: "$.a.e[*]", want: `[]`},
		// Jayway does not count bounds from the end when both are given.
		{src: "$.nums[1:-1]", want: `[]`},
		{src: "$.nums[-3:2]", want: `[1,9,-2,5,1]`},
		{src: "$.nums[-9:1]", want: `[5,1,9,-2,5]`},
		{src: "$.a.*", want: `[[1,2,3],"x",null,[],{}]`},
		{src: "$.nested[*][0]", want: `[1,3]`},
		{src: "$.s.*", want: `[]`},
		{src: "$.items[*].id", want: `[1,"1",2.0]`},
		// Several names as the last segment merge into one object per item.
		{src: "$.items[*]['id','name']", want: `[{"id":1,"name":"one"},{"id":"1","name":"One"},{"id":2.0,"name":"two"},{}]`},
		// Elsewhere they apply one by one.
		{src: "$.items[0,1]['id','name'].length()", want: `[null,null,null,null]`},
		{src: "$.items[0]['id','t'][0]", want: `["a"]`},
		{src: "$.a['b','c']", want: `{"b":[1,2,3],"c":"x"}`},
		{src: "$.a['zz','c']", want: `{"c":"x"}`},
		{src: "$.nested..[0]", want: `[[1,2],1,3,4]`},
		{src: "$..['ü','x']", want: `[]`},
		{src: "$..x", want: `[true]`},
		{src: "$.items..id", want: `[1,"1",2.0]`},
		// Jayway applies the segment after a scanned index to every element
		// of the array.
		{src: "$..[0].id", want: `[1,"1",2.0]`},
	})
}

func TestEvalErrors(t *testing.T) {
	t.Parallel()
	const provider = "This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JacksonJsonProvider'."
	runEval(t, testJSON, []evalCase{
		{src: "$.missing", err: "No results for path: $['missing']"},
		{src: "$.a.missing", err: "No results for path: $['a']['missing']"},
		{src: "$.missing.x", err: "Missing property in path $['missing']"},
		{src: "$.a.missing.x.y", err: "Missing property in path $['a']['missing']"},
		{src: "$.a.b[9]", err: "No results for path: $['a']['b'][9]"},
		{src: "$.a.b[-9]", err: "No results for path: $['a']['b'][-9]"},
		{src: "$.a.b[9].x", err: "No results for path: $['a']['b'][9]['x']"},
		{src: "$.a.b.x", err: "Expected to find an object with property ['x'] in path $['a']['b'] but found 'java.util.ArrayList'. " + provider},
		{src: "$.a.c.x", err: "Expected to find an object with property ['x'] in path $['a']['c'] but found 'java.lang.String'. " + provider},
		{src: "$.a.n.x", err: "but found 'null'"},
		{src: "$.nums[0].x", err: "but found 'java.lang.Integer'"},
		{src: "$.big.x", err: "but found 'java.math.BigInteger'"},
		{src: "$.dec.x", err: "but found 'java.lang.Double'"},
		{src: "$.s['a','b']", err: "Expected to find an object with property ['a','b'] in path $['s']"},
		{src: "$.a.n[0]", err: "The path $['a']['n'] is null"},
		{src: "$.a.c[0]", err: "Filter: [0] can only be applied to arrays. Current context is: x"},
		{src: "$.a[0].b", err: "Filter: [0]['b'] can only be applied to arrays. Current context is: {b=[1, 2, 3], c=x, n=null, e=[], o={}}"},
		{src: "$.a[1:]", err: "Filter: [1:] can only be applied to arrays."},
		{src: "$.s[?(@.x)]", err: "Filter: [?] can not be applied to primitives. Current context is: hello"},
		// Errors in the definite prefix also fail indefinite paths.
		{src: "$.missing[*]", err: "Missing property in path $['missing']"},
		{src: "$.missing..x", err: "Missing property in path $['missing']"},
	})
	// After the first indefinite segment, what does not fit is skipped.
	runEval(t, testJSON, []evalCase{
		{src: "$.items[*].missing", want: `[]`},
		{src: "$.items[*].missing.x", want: `[]`},
		{src: "$.items[*].t[5]", want: `[]`},
		{src: "$.items[*].id.x", want: `[]`},
		{src: "$.items[*].id[0]", want: `[]`},
		{src: "$.items[*].name[?(@.x)]", want: `[]`},
	})
}

func TestEvalRoots(t *testing.T) {
	t.Parallel()
	ctx := jsonvalue.MustParse(`{"Execution":{"Id":"arn:x","Input":{"a":1}},"Map":{"Item":{"Index":2,"Value":{"v":"w"}}}}`)
	vars := map[string]jsonvalue.Value{
		"x":    jsonvalue.MustParse(`{"a":[10,20]}`),
		"name": "bob",
	}
	env := &Env{
		Input:   jsonvalue.MustParse(`{"in":true}`),
		Context: ctx,
		Var: func(name string) (jsonvalue.Value, bool) {
			v, ok := vars[name]
			return v, ok
		},
	}
	tests := []struct{ src, want, err string }{
		{src: "$", want: `{"in":true}`},
		{src: "$.in", want: `true`},
		{src: "$$", want: jsonvalue.Marshal(ctx)},
		{src: "$$.Execution.Id", want: `"arn:x"`},
		{src: "$$.Map.Item.Value", want: `{"v":"w"}`},
		{src: "$$.Map.Item.Value.v", want: `"w"`},
		{src: "$$..Index", want: `[2]`},
		{src: "$x", want: `{"a":[10,20]}`},
		{src: "$x.a[1]", want: `20`},
		{src: "$x.a[?(@ > 15)]", want: `[20]`},
		{src: "$x.a[?(@ == $.a[0])]", want: `[10]`}, // $ in a filter is the variable's value
		{src: "$name", want: `"bob"`},
		{src: "$nope", err: "The variable $nope is not defined"},
		{src: "$$.Execution.Nope", err: "No results for path: $$['Execution']['Nope']"},
		{src: "$x.b", err: "No results for path: $x['b']"},
	}
	for _, tc := range tests {
		v, err := mustParse(t, tc.src).Eval(env)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err || !errors.Is(err, ErrNotFound) {
				t.Errorf("Eval(%q) = %v, %v; want error %q", tc.src, v, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Eval(%q): %v", tc.src, err)
		} else if got := jsonvalue.Marshal(v); got != tc.want {
			t.Errorf("Eval(%q) = %s, want %s", tc.src, got, tc.want)
		}
	}
	// A nil Env and a nil Var are allowed.
	if v, err := mustParse(t, "$").Eval(nil); err != nil || v != nil {
		t.Errorf("Eval(nil) = %v, %v", v, err)
	}
	if _, err := mustParse(t, "$x").Eval(&Env{}); err == nil {
		t.Error("Eval($x) without variables succeeded")
	}
}

func TestPathErrorFields(t *testing.T) {
	t.Parallel()
	_, err := mustParse(t, "$.a.missing.x").Eval(&Env{Input: jsonvalue.MustParse(testJSON)})
	var pe *PathError
	if !errors.As(err, &pe) {
		t.Fatalf("error %T is not a *PathError", err)
	}
	want := PathError{Kind: MissingProperty, Path: "$.a.missing.x", At: "$['a']['missing']", Msg: "Missing property in path $['a']['missing']"}
	if *pe != want {
		t.Errorf("PathError = %+v, want %+v", *pe, want)
	}
}

func TestFilters(t *testing.T) {
	t.Parallel()
	ids := func(s string) string { return "$.items[?(" + s + ")].name" }
	runEval(t, testJSON, []evalCase{
		// Existence, and its negation.
		{src: ids("@.t"), want: `["one"]`}, // an empty array does not exist
		{src: ids("!@.t"), want: `["One","two"]`},
		{src: ids("@.id"), want: `["one","One","two"]`},
		{src: ids("@"), want: `["one","One","two"]`},
		// == compares a number on the left with a string by value.
		{src: ids("@.id == 1"), want: `["one","One"]`},
		{src: ids("@.id == '1'"), want: `["one","One"]`},
		{src: ids("'1' == @.id"), want: `["one","One"]`},
		{src: ids("@.id == 2"), want: `["two"]`},
		{src: ids("@.id == 2.00"), want: `["two"]`},
		{src: ids("'2' == @.id"), want: `[]`}, // the string of 2.0 is "2.0"
		{src: ids("'2.0' == @.id"), want: `["two"]`},
		{src: ids("@.id === 1"), want: `["one"]`},
		{src: ids("@.id === '1'"), want: `["One"]`},
		{src: ids("@.id !== 1"), want: `["One","two"]`},
		// A missing value equals nothing, so != matches it.
		{src: ids("@.id != 1"), want: `["two"]`},
		{src: "$.items[?(@.id != 1)].x", want: `[true]`},
		{src: ids("@.missing == null"), want: `[]`},
		{src: "$.a[?(@.n == null)].c", want: `["x"]`},
		{src: ids("@.name > 'one'"), want: `["two"]`},
		{src: ids("@.name < 'one'"), want: `["One"]`},
		{src: ids("@.id >= 2"), want: `["two"]`},
		{src: ids("@.id < 2"), want: `["one"]`},
		{src: ids("@.id <= 1 || @.id > 1.5"), want: `["one","two"]`},
		{src: ids("@.id > '0'"), want: `["One"]`},
		{src: ids("!(@.id == 1)"), want: `["two"]`},
		{src: ids("(@.id == 1 || @.id == 2) && @.name != 'one'"), want: `["One","two"]`},
		// Regular expressions match the whole text.
		{src: ids("@.name =~ /o.e/"), want: `["one"]`},
		{src: ids("@.name =~ /O.E/i"), want: `["one","One"]`},
		{src: ids("@.name =~ /n/"), want: `[]`},
		{src: ids("@.id =~ /2.0/"), want: `["two"]`},
		{src: ids("/one/ =~ @.name"), want: `["one"]`},
		// in, nin, contains, subsetof, anyof, noneof, size, empty.
		{src: ids("@.id in [1, 3]"), want: `["one","One"]`},
		{src: ids("@.name in ['two', 'three']"), want: `["two"]`},
		{src: ids("@.name IN [two, three]"), want: `["two"]`},
		{src: ids("@.name nin ['two']"), want: `["one","One"]`},
		{src: ids("@.name in $.strs"), want: `[]`},
		{src: ids("@.t contains 'a'"), want: `["one"]`},
		{src: ids("@.name contains 'ne'"), want: `["one","One"]`},
		{src: ids("@.t subsetof ['a', 'b', 'c']"), want: `["one","One"]`},
		{src: ids("@.t anyof ['b', 'z']"), want: `["one"]`},
		{src: ids("@.t noneof ['b', 'z']"), want: `["One"]`},
		{src: ids("@.t size 2"), want: `["one"]`},
		{src: ids("@.name size 3"), want: `["one","One","two"]`},
		{src: ids("@.t empty true"), want: `["One"]`},
		{src: ids("@.t empty false"), want: `["one"]`},
		{src: ids("@.name empty false"), want: `["one","One","two"]`},
		// JSON literals.
		{src: ids("@.t == ['a','b']"), want: `["one"]`},
		{src: ids("['a','b'] == @.t"), want: `[]`},
		// An operator applied to operands it cannot take rejects the item,
		// also under ! and ||.
		{src: ids("@.id in 5"), want: `[]`},
		{src: ids("!(@.id in 5)"), want: `[]`},
		{src: ids("@.id in 5 || @.id == 1"), want: `[]`},
		{src: ids("@.t all ['a']"), want: `[]`},
		{src: ids("@.name empty 1"), want: `[]`},
		// Filters on objects and scalars.
		{src: "$.a[?(@.c == 'x')].b", want: `[[1,2,3]]`},
		{src: "$.a[?(@.c == 'y')].b", want: `[]`},
		{src: "$.nums[?(@ > 2)]", want: `[5,9]`},
		{src: "$.strs[?(@ < 'b')]", want: `["a"]`},
		{src: "$.strs[?(@ > 'é')]", want: `["😀"]`},
		{src: "$.nums[?(@ in [1, 9])]", want: `[1,9]`},
		{src: "$..[?(@.id == 1)].name", want: `["one","One"]`},
		{src: "$.items[?(@.id == $.nums[1])].name", want: `["one","One"]`},
		// $ in an existence test looks at the item, as in Jayway.
		{src: "$.items[?($.x)].x", want: `[true]`},
		// Filter paths with functions.
		{src: ids("@.t.length() == 2"), want: `["one"]`},
		{src: ids("@.name.length() == 3"), want: `[]`}, // length() of a string is null
		// A list holding an object fails the whole evaluation.
		{src: ids("@.id in [{}]"), err: "Could not determine value type"},
		{src: "$.nested[?(@ contains 3)]", err: "Could not determine value type"},
	})
}

func TestFunctions(t *testing.T) {
	t.Parallel()
	runEval(t, testJSON, []evalCase{
		{src: "$.nums.length()", want: `4`},
		{src: "$.nums.size()", want: `4`},
		{src: "$.a.length()", want: `5`},
		{src: "$.s.length()", want: `null`},
		{src: "$.nums.sum()", want: `13.0`},
		{src: "$.nums.avg()", want: `3.25`},
		{src: "$.nums.min()", want: `-2.0`},
		{src: "$.nums.max()", want: `9.0`},
		{src: "$.nums.stddev()", want: `4.14578098794425`},
		{src: "$.nums.sum(10, $.nums[0])", want: `28.0`},
		{src: "$.nums.sum($.a.b)", want: `19.0`},
		{src: "$.nums.first()", want: `5`},
		{src: "$.nums.last()", want: `-2`},
		{src: "$.nums.index(2)", want: `9`},
		{src: "$.nums.index(-1)", want: `-2`},
		{src: "$.nums.append(7, \"x\", {\"k\": [1]})", want: `[5,1,9,-2,7,"x",{"k":[1]}]`},
		{src: "$.strs.concat(\"-\", $.s)", want: `"baé😀-hello"`},
		{src: "$.a.keys()", want: `["b","c","n","e","o"]`},
		{src: "$.nums.keys()", want: `null`},
		{src: "$..b.length()", want: `3`},
		{src: "$..id.length()", want: `0`},
		{src: "$..id.sum()", want: `3.0`},
		{src: "$.items[*].t.length()", want: `[2,0]`},
		{src: "$.nested[*].length()", want: `[2,2]`},
		{src: "$.length($.nums)", want: `4`},
		{src: "$.a.e.sum()", err: "Aggregation function attempted to calculate value using empty array"},
		{src: "$.s.avg()", err: "Aggregation function attempted to calculate value using empty array"},
		{src: "$.a.e.first()", err: "Index 0 out of bounds for length 0"},
		{src: "$.nums.index(7)", err: "Index 7 out of bounds for length 4"},
		// Jayway refuses a negative index that lands on element 0.
		{src: "$.nums.index(-4)", err: "Target index:-4 larger than object count:4"},
		{src: "$.nums.concat($.missing)", err: "No results for path: $['missing']"},
	})
	// The document is not changed by append().
	doc := jsonvalue.MustParse(`{"a":[1]}`)
	if _, err := mustParse(t, "$.a.append(2)").Eval(&Env{Input: doc}); err != nil {
		t.Fatal(err)
	}
	if got := jsonvalue.Marshal(doc); got != `{"a":[1]}` {
		t.Errorf("append changed the document: %s", got)
	}
	if mustParse(t, "$.a").UsesFunctions() || !mustParse(t, "$.a.length()").UsesFunctions() {
		t.Error("UsesFunctions is wrong")
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src    string
		offset int
		msg    string
	}{
		{"", 0, "the path is empty"},
		{"a.b", 0, "a path must start with '$'"},
		{"@.a", 0, "a path must start with '$'"},
		{" $.a", 0, "a path must start with '$'"},
		{"$.", 1, "a path must not end with '.' or '..'"},
		{"$..", 2, "a path must not end with '.' or '..'"},
		{"$.a.", 3, "a path must not end with '.' or '..'"},
		{"$...a", 3, "character '.' is not valid here"},
		{"$ .a", 1, "illegal character ' ' after '$': expected '.', '[', '$' or a variable name"},
		{"$1x", 1, "illegal character '1' after '$'"},
		{"$x-y", 1, "is not a valid variable name"},
		{"$" + strings.Repeat("v", 81), 1, "is not a valid variable name"},
		{"$$x", 2, "illegal character 'x': expected '.' or '['"},
		{"$.a b", 3, "use bracket notation ['my prop']"},
		{"$. a", 2, "could not parse the token that starts here"},
		{"$['a", 2, "the property name is not closed: missing '"},
		{"$['a'", 4, "properties must be separated by ',' and closed by ']'"},
		{"$['a' 'b']", 4, "properties must be separated by ',' and closed by ']'"},
		{"$['a',,'b']", 6, "empty property name"},
		{"$[1a]", 1, "could not parse the token that starts here"},
		{"$[]", 1, "could not parse the token that starts here"},
		{"$[1 2]", 2, `cannot parse array index [1 2]: "1 2" is not an integer`},
		{"$[1,]", 2, `cannot parse array index [1,]: "" is not an integer`},
		{"$[99999999999]", 2, `is not an integer`},
		{"$[:]", 2, "a slice needs a start or an end, and has no step"},
		{"$[::2]", 2, "a slice needs a start or an end, and has no step"},
		{"$[1: 2]", 2, "cannot parse array slice [1: 2]"},
		{"$[1-:2]", 2, `"1-" is not an integer`},
		{"$[*x]", 3, "expected the wildcard to end with ']'"},
		{"$[?]", 1, "a filter needs an expression"},
		{"$[?(@.a == 'x)]", 3, "a string or regular expression in the filter is not closed"},
		{"$[?(true)]", 4, "expected a path such as @.name or a comparison"},
		{"$[?(@.a == )]", 11, "unexpected character ')'"},
		{"$[?(@.a == tru)]", 11, "expected a boolean literal"},
		{"$[?(@.a == 1x)]", 12, "expected ')'"},
		{"$[?(@.a =~ /x(/)]", 11, "the regular expression /x(/ is not supported"},
		{"$[?(@.a =~ /(?=x)/)]", 11, "is not supported"},
		{"$[?(@.a in [1,)]", 11, "the JSON literal is not closed"},
		{"$[?(@.a in [1,,])]", 11, "the JSON literal [1,,] is not valid"},
		{"$[?(@.a in['x'])]", 8, "expected ')'"},
		{"$[?(@..)]", 6, "a path must not end with '.' or '..'"},
		{"$[?($$.a)]", 5, "illegal character '$'"},
		{"$.foo()", 2, `function "foo" does not exist`},
		{"$.length(", 8, `the arguments of function "length" are not closed properly`},
		{"$.length().x", 9, "a path function must be the last segment of the path"},
		{"$.sum({\"a\":}, 1)", 6, "is not valid JSON"},
		{"$.concat($.a , $.b)", 12, "use bracket notation"},
		{"$" + strings.Repeat("[?(@", 60) + strings.Repeat(")]", 60), 0, "nested too deeply"},
		{"$[?(" + strings.Repeat("(", 60) + "@.a" + strings.Repeat(")", 60) + ")]", 0, "nested too deeply"},
	}
	for _, tc := range tests {
		_, err := Parse(tc.src)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) = %v, want a *SyntaxError", tc.src, err)
			continue
		}
		if !strings.Contains(se.Msg, tc.msg) || (tc.offset != 0 && se.Offset != tc.offset) {
			t.Errorf("Parse(%q) = offset %d %q; want offset %d %q", tc.src, se.Offset, se.Msg, tc.offset, tc.msg)
		}
		if se.Path != tc.src || !strings.Contains(se.Error(), "invalid JSONPath") {
			t.Errorf("Parse(%q): Error() = %q", tc.src, se.Error())
		}
	}
	if Valid("$.a[") != true || Valid("$.a b") || !ValidReference("$.a[0]") || ValidReference("$.a[*]") {
		t.Error("Valid or ValidReference is wrong")
	}
}

func TestParseReference(t *testing.T) {
	t.Parallel()
	good := []string{"$", "$.a", "$['a']", "$.a[0].b", "$.a[-1]", "$$.Execution.Id", "$x", "$var.x[2]", `$["a b"].c`}
	for _, src := range good {
		p, err := ParseReference(src)
		if err != nil {
			t.Errorf("ParseReference(%q): %v", src, err)
		} else if !p.IsReference() || !p.Definite() {
			t.Errorf("ParseReference(%q): not a definite reference path", src)
		}
	}
	bad := []struct{ src, msg string }{
		{"$.a[*]", "has a wildcard"},
		{"$.*", "has a wildcard"},
		{"$..a", "has a deep scan (..)"},
		{"$.a[?(@.b)]", "has a filter"},
		{"$.a[0:1]", "has an array slice"},
		{"$.a[0,1]", "selects several array elements"},
		{"$['a','b']", "selects several properties"},
		{"$.a.length()", "calls a function"},
		{"$.a b", "use bracket notation"},
	}
	for _, tc := range bad {
		_, err := ParseReference(tc.src)
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("ParseReference(%q) = %v, want error %q", tc.src, err, tc.msg)
		}
	}
	var se *SyntaxError
	if _, err := ParseReference("$.a.b[*]"); !errors.As(err, &se) || se.Offset != 5 {
		t.Errorf("ParseReference($.a.b[*]) = %v, want offset 5", err)
	}
}

func TestValidVariableName(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"x": true, "myVar": true, "_x": true, "x1": true, "größe": true, "变量": true, "x_y": true,
		"": false, "1x": false, "x-y": false, "x y": false, "x.y": false, "$x": false,
		strings.Repeat("a", 80): true, strings.Repeat("a", 81): false,
	} {
		if got := ValidVariableName(name); got != want {
			t.Errorf("ValidVariableName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestSet(t *testing.T) {
	t.Parallel()
	tests := []struct {
		path, doc, v, want string
	}{
		{"$", `{"a":1}`, `"r"`, `"r"`},
		{"$.a", `{"x":1}`, `2`, `{"x":1,"a":2}`},
		{"$.a.b", `{"x":1}`, `2`, `{"x":1,"a":{"b":2}}`},
		{"$.x", `{"x":1,"y":2}`, `3`, `{"x":3,"y":2}`},
		{"$.a.b", `{"a":{"c":1,"b":0,"d":2},"z":0}`, `{"n":[1]}`, `{"a":{"c":1,"b":{"n":[1]},"d":2},"z":0}`},
		{"$['a b']['c']", `{}`, `1`, `{"a b":{"c":1}}`},
		{"$.a[1]", `{"a":[1,2,3]}`, `9`, `{"a":[1,9,3]}`},
		{"$.a[-1]", `{"a":[1,2,3]}`, `9`, `{"a":[1,2,9]}`},
		{"$.a[0].b", `{"a":[{"c":1}]}`, `2`, `{"a":[{"c":1,"b":2}]}`},
		{"$.list[0]", `{"p":1}`, `"v"`, `{"p":1,"list":["v"]}`},
		{"$.list[2]", `{}`, `"v"`, `{"list":[null,null,"v"]}`},
		{"$.a[3]", `{"a":[1]}`, `"v"`, `{"a":[1,null,null,"v"]}`},
		{"$[1]", `[1,2]`, `3`, `[1,3]`},
		{"$.a", `{"a":null}`, `1`, `{"a":1}`},
	}
	for _, tc := range tests {
		p, err := ParseReference(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		doc := jsonvalue.MustParse(tc.doc)
		out, err := p.Set(doc, jsonvalue.MustParse(tc.v))
		if err != nil {
			t.Errorf("Set(%s, %s): %v", tc.path, tc.doc, err)
			continue
		}
		if got := jsonvalue.Marshal(out); got != tc.want {
			t.Errorf("Set(%s, %s) = %s, want %s", tc.path, tc.doc, got, tc.want)
		}
		if got := jsonvalue.Marshal(doc); got != jsonvalue.Marshal(jsonvalue.MustParse(tc.doc)) {
			t.Errorf("Set(%s) changed its input to %s", tc.path, got)
		}
	}
}

func TestSetErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		path, doc, at, found, msg string
	}{
		{"$.a.b", `{"a":"x"}`, "$['a']", "string", `Unable to apply ReferencePath $.a.b to input {"a":"x"}`},
		{"$.a", `"text"`, "$", "string", `Unable to apply ReferencePath $.a to input "text"`},
		{"$.a", `[1]`, "$", "array", `Unable to apply ReferencePath $.a to input [1]`},
		{"$.a.b", `{"a":null}`, "$['a']", "null", ``},
		{"$.a.b", `{"a":5}`, "$['a']", "number", ``},
		{"$.a[0]", `{"a":{"b":1}}`, "$['a']", "object", ``},
		{"$.a[-5]", `{"a":[1]}`, "$['a']", "array", ``},
		{"$.a[-1]", `{}`, "$['a']", "null", ``},
	}
	for _, tc := range tests {
		doc := jsonvalue.MustParse(tc.doc)
		_, err := mustParse(t, tc.path).Set(doc, 1)
		var se *SetError
		if !errors.As(err, &se) {
			t.Errorf("Set(%s, %s) = %v, want a *SetError", tc.path, tc.doc, err)
			continue
		}
		if se.At != tc.at || se.Found != tc.found || se.Path != tc.path || se.Input == nil && tc.doc != "null" {
			t.Errorf("Set(%s, %s): %+v; want At %q, Found %q", tc.path, tc.doc, se, tc.at, tc.found)
		}
		if tc.msg != "" && se.Error() != tc.msg {
			t.Errorf("Set(%s, %s): Error() = %q, want %q", tc.path, tc.doc, se.Error(), tc.msg)
		}
		if se.ErrorName() != "States.ResultPathMatchFailure" {
			t.Errorf("ErrorName() = %q", se.ErrorName())
		}
	}
	if _, err := mustParse(t, "$.a[*]").Set(jsonvalue.NewObject(0), 1); err == nil {
		t.Error("Set with a wildcard path succeeded")
	}
}

// TestSetSharing checks that Set copies only the containers on the path.
func TestSetSharing(t *testing.T) {
	t.Parallel()
	doc := jsonvalue.MustParse(`{"a":{"b":{"c":1},"keep":{"k":[1,2]}},"other":[{"x":1}]}`).(*jsonvalue.Object)
	out, err := mustParse(t, "$.a.b.c").Set(doc, 2)
	if err != nil {
		t.Fatal(err)
	}
	o := out.(*jsonvalue.Object)
	if o == doc {
		t.Fatal("Set returned the input object")
	}
	other, _ := doc.Get("other")
	other2, _ := o.Get("other")
	if &other.([]jsonvalue.Value)[0] != &other2.([]jsonvalue.Value)[0] {
		t.Error("Set copied an array that is not on the path")
	}
	a, _ := doc.Get("a")
	a2, _ := o.Get("a")
	keep, _ := a.(*jsonvalue.Object).Get("keep")
	keep2, _ := a2.(*jsonvalue.Object).Get("keep")
	if keep != keep2 {
		t.Error("Set copied an object that is not on the path")
	}
	if a == a2 {
		t.Error("Set did not copy an object on the path")
	}
	if got := jsonvalue.Marshal(out); got != `{"a":{"b":{"c":2},"keep":{"k":[1,2]}},"other":[{"x":1}]}` {
		t.Errorf("Set = %s", got)
	}
}

// TestTooComplex checks that the work of an evaluation is bounded.
func TestTooComplex(t *testing.T) {
	t.Parallel()
	doc := jsonvalue.MustParse("[" + strings.TrimSuffix(strings.Repeat(`{"a":[1,2]},`, 3000), ",") + "]")
	_, err := mustParse(t, "$..[?($..a == 1)]").Eval(&Env{Input: doc})
	var pe *PathError
	if !errors.As(err, &pe) || pe.Kind != TooComplex || errors.Is(err, ErrNotFound) {
		t.Fatalf("Eval = %v, want a TooComplex error", err)
	}
	if want := "The path $..[?($..a == 1)] is too complex to evaluate on this input: it needs more than 10000000 steps"; pe.Msg != want {
		t.Errorf("message = %q, want %q", pe.Msg, want)
	}
	// The same scan without nesting is fine.
	v, err := mustParse(t, "$..a").Eval(&Env{Input: doc})
	if err != nil || len(v.([]jsonvalue.Value)) != 3000 {
		t.Errorf("$..a failed: %v", err)
	}
}

// TestEvalDoesNotAllocate checks the promise of the package doc.
func TestEvalDoesNotAllocate(t *testing.T) {
	p := mustParse(t, "$.a.b[0]")
	ctx := mustParse(t, "$$.Execution.Id")
	env := &Env{
		Input:   jsonvalue.MustParse(`{"a":{"b":[{"c":1},2]}}`),
		Context: jsonvalue.MustParse(`{"Execution":{"Id":"x"}}`),
	}
	if n := testing.AllocsPerRun(100, func() {
		if _, err := p.Eval(env); err != nil {
			t.Fatal(err)
		}
		if _, err := ctx.Eval(env); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("Eval allocates %v times", n)
	}
}

// TestConcurrentEval runs one Path from many goroutines under the race
// detector.
func TestConcurrentEval(t *testing.T) {
	t.Parallel()
	p := mustParse(t, "$..book[?(@.price < $.expensive)].title")
	env := &Env{Input: jsonvalue.MustParse(storeJSON)}
	done := make(chan string)
	for range 8 {
		go func() {
			v, err := p.Eval(env)
			if err != nil {
				done <- err.Error()
				return
			}
			done <- jsonvalue.Marshal(v)
		}()
	}
	for range 8 {
		if got := <-done; got != `["Sayings of the Century","Moby Dick"]` {
			t.Errorf("Eval = %s", got)
		}
	}
}

func TestJavaFormatting(t *testing.T) {
	t.Parallel()
	for f, want := range map[float64]string{
		6: "6.0", 73.87: "73.87", 0.001: "0.001", 1e7: "1.0E7", 1.5e-5: "1.5E-5", -2: "-2.0",
		1234567.5: "1234567.5", 0.0001: "1.0E-4", 123456789: "1.23456789E8",
	} {
		if got := javaDouble(f); got != want {
			t.Errorf("javaDouble(%v) = %q, want %q", f, got, want)
		}
	}
	for in, want := range map[string]string{
		"1": "1", "1.50": "1.50", "1E+2": "1E+2", "100": "100", "0.00001": "0.00001", "1e-7": "1E-7",
		"1.0E10": "1.0E+10", "-0.0": "0.0", ".5": "0.5", "007": "7", "1.": "1",
	} {
		d, ok := parseBigDecimal(in)
		if !ok || d.String() != want {
			t.Errorf("BigDecimal(%q) = %q, %v; want %q", in, d.String(), ok, want)
		}
	}
	for _, bad := range []string{"", "-", ".", "1e", "1-2", "--1", "1e+-2", "x"} {
		if _, ok := parseBigDecimal(bad); ok {
			t.Errorf("BigDecimal(%q) succeeded", bad)
		}
	}
	if utf16Len("a😀") != 3 {
		t.Error("utf16Len is wrong")
	}
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"8.95", "10", -1}, {"10", "8.95", 1}, {"-1", "1", -1}, {"-0", "0", 0}, {"0.50", ".5", 0},
		{"-2.5", "-2.25", -1}, {"007", "7", 0}, {"1.10", "1.1", 0}, {"0.001", "0.0009", 1},
	} {
		if got, ok := comparePlain(tc.a, tc.b); !ok || got != tc.want {
			t.Errorf("comparePlain(%s, %s) = %d, %v; want %d", tc.a, tc.b, got, ok, tc.want)
		}
	}
	if compareNum("1e2", "100") != 0 || compareNum("12345678901234567890", "12345678901234567891") != -1 {
		t.Error("compareNum is wrong")
	}
}
