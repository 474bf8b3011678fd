package jsonata

import (
	"testing"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// TestConverterReuses checks that a Converter converts a shared document
// once and gives back the original for an unchanged result, and that
// results the evaluator built convert like ToJSON does.
func TestConverterReuses(t *testing.T) {
	t.Parallel()
	doc := jsonvalue.MustParse(`{"a":{"b":[1,null,{"c":"x"}]},"n":2}`)
	var c Converter
	v1 := c.FromJSON(doc)
	v2 := c.FromJSON(doc)
	if v1 != v2 {
		t.Error("the same document was converted twice")
	}
	e, err := Compile(`a`)
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.Evaluate(v1, nil)
	if err != nil {
		t.Fatal(err)
	}
	back, ok := c.ToJSON(r)
	orig, _ := doc.(*jsonvalue.Object).Get("a")
	if !ok || back != orig {
		t.Errorf("an unchanged part did not convert back to the original: %s", jsonvalue.Marshal(back))
	}
	e, _ = Compile(`{"sum": n + 1, "b": a.b}`)
	r, err = e.Evaluate(v1, nil)
	if err != nil {
		t.Fatal(err)
	}
	back, _ = c.ToJSON(r)
	if got := jsonvalue.Marshal(back); got != `{"sum":3,"b":[1,null,{"c":"x"}]}` {
		t.Errorf("built result = %s", got)
	}
}
