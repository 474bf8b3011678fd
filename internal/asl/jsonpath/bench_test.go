package jsonpath

import (
	"testing"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// benchDoc is a small state input of the size most states see.
const benchDoc = `{"a":{"b":[{"c":1},2,3],"name":"x"},"items":[
{"id":1,"price":8.95,"name":"a"},{"id":2,"price":12.99,"name":"b"},{"id":3,"price":8.99,"name":"c"},
{"id":4,"price":22.99,"name":"d"},{"id":5,"price":5,"name":"e"},{"id":6,"price":11,"name":"f"},
{"id":7,"price":9.5,"name":"g"},{"id":8,"price":30,"name":"h"},{"id":9,"price":1,"name":"i"},
{"id":10,"price":10,"name":"j"}],"status":"ok"}`

func BenchmarkEvalSimple(b *testing.B) {
	p, err := Parse("$.a.b[0]")
	if err != nil {
		b.Fatal(err)
	}
	env := &Env{Input: jsonvalue.MustParse(benchDoc)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Eval(env); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEvalFilter(b *testing.B) {
	p, err := Parse("$.items[?(@.price < 10 && @.name != 'c')].id")
	if err != nil {
		b.Fatal(err)
	}
	env := &Env{Input: jsonvalue.MustParse(benchDoc)}
	b.ReportAllocs()
	for b.Loop() {
		v, err := p.Eval(env)
		if err != nil {
			b.Fatal(err)
		}
		if n := len(v.([]jsonvalue.Value)); n != 4 {
			b.Fatalf("got %d matches, want 4", n)
		}
	}
}

func BenchmarkSet(b *testing.B) {
	p, err := ParseReference("$.result")
	if err != nil {
		b.Fatal(err)
	}
	doc := jsonvalue.MustParse(benchDoc)
	result := jsonvalue.MustParse(`{"ok":true}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Set(doc, result); err != nil {
			b.Fatal(err)
		}
	}
}
