package jsonpath

import (
	"errors"
	"testing"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// fuzzDocs are the documents FuzzParse evaluates the paths it accepts on.
var fuzzDocs = []string{
	storeJSON,
	`null`,
	`"text"`,
	`[1,"2",[3,[4]],{"a":null},true,-0.5e3]`,
	`{"a":{"b":[{"c":1},{"c":"1"},{"d":[]}]},"n":[5,1,9],"s":"x","e":{}}`,
}

var fuzzSeeds = []string{
	"$", "$$", "$x", "$x.a[0]", "$$.Execution.Id", "$.a.b[0]", "$['a b']", `$["x"]`, "$['a','b']",
	"$[-1]", "$[0,2]", "$[1:3]", "$[-2:]", "$[:2]", "$[::2]", "$.*", "$[*]", "$..name", "$..*", "$..[0]",
	"$..book[?(@.price < 10)].title", "$[?(@.isbn)]", "$[?(!@.isbn)]", "$[?(@.a == 'x' || @.b != 2 && !(@.c))]",
	"$[?(@.a =~ /x.*/i)]", "$[?(@.a in ['x', 1, null])]", "$[?(@.t subsetof [1,2])]", "$[?(@.t size 2)]",
	"$[?(@.t empty false)]", "$[?(@.a <= $.n[0])]", "$.n.length()", "$..price.sum()", "$.n.concat(\"a\", $.s)",
	"$.n.index(1)", "$.n.append({\"a\":1})", "$['a']x", "$.a[", "$.*a", "$[?(@.a == {\"b\":1})]",
	"$[?(@.length() > 1)]", "$[?(@..c)]", "$.a..c", "$[?(@ > 2)]", "$['\\'']", "$['\\u00e9']",
}

// FuzzParse checks that no string makes Parse or ParseReference panic, and
// that evaluating and setting the paths they accept does not panic either.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	docs := make([]jsonvalue.Value, len(fuzzDocs))
	for i, d := range fuzzDocs {
		docs[i] = jsonvalue.MustParse(d)
	}
	f.Fuzz(func(t *testing.T, src string) {
		ref, refErr := ParseReference(src)
		p, err := Parse(src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) returned %T, want *SyntaxError", src, err)
			}
			if se.Offset < 0 || se.Offset > len(src) {
				t.Fatalf("Parse(%q): offset %d out of range", src, se.Offset)
			}
			if refErr == nil {
				t.Fatalf("ParseReference(%q) succeeded where Parse failed", src)
			}
			return
		}
		_ = p.Normalized()
		if refErr == nil && !p.IsReference() {
			t.Fatalf("ParseReference(%q) accepted a path that is not a reference path", src)
		}
		env := &Env{Var: func(string) (jsonvalue.Value, bool) { return docs[0], true }}
		for _, doc := range docs {
			env.Input, env.Context = doc, doc
			checkEval(t, p, env)
			if ref != nil {
				checkSet(t, ref, doc)
			}
		}
	})
}

// FuzzEval evaluates paths on arbitrary documents.
func FuzzEval(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add([]byte(fuzzDocs[i%len(fuzzDocs)]), s)
	}
	f.Fuzz(func(t *testing.T, data []byte, src string) {
		doc, err := jsonvalue.Parse(data)
		if err != nil {
			return
		}
		p, err := Parse(src)
		if err != nil {
			return
		}
		checkEval(t, p, &Env{Input: doc, Context: doc})
		if p.IsReference() {
			checkSet(t, p, doc)
		}
	})
}

func checkEval(t *testing.T, p *Path, env *Env) {
	t.Helper()
	before := jsonvalue.Marshal(env.Input)
	v, err := p.Eval(env)
	if err != nil {
		var pe *PathError
		if !errors.As(err, &pe) || !errors.Is(err, ErrNotFound) && pe.Kind != TooComplex {
			t.Fatalf("Eval(%q) returned %T %v, want a *PathError wrapping ErrNotFound", p, err, err)
		}
	} else if !p.Definite() {
		if _, ok := v.([]jsonvalue.Value); !ok {
			t.Fatalf("Eval(%q) of an indefinite path returned %T", p, v)
		}
	}
	if after := jsonvalue.Marshal(env.Input); after != before {
		t.Fatalf("Eval(%q) changed the document:\n%s\n%s", p, before, after)
	}
}

func checkSet(t *testing.T, p *Path, doc jsonvalue.Value) {
	t.Helper()
	before := jsonvalue.Marshal(doc)
	out, err := p.Set(doc, "NEW")
	if after := jsonvalue.Marshal(doc); after != before {
		t.Fatalf("Set(%q) changed its input:\n%s\n%s", p, before, after)
	}
	if err != nil {
		var se *SetError
		if !errors.As(err, &se) {
			t.Fatalf("Set(%q) returned %T, want *SetError", p, err)
		}
		return
	}
	got, err := p.Eval(&Env{Input: out, Context: out, Var: func(string) (jsonvalue.Value, bool) { return out, true }})
	if err != nil || got != "NEW" {
		t.Fatalf("after Set(%q), Eval = %v, %v; want \"NEW\"", p, got, err)
	}
}
