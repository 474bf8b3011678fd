package jsonata

import (
	"math"
	"testing"
)

func TestArrayFunctions(t *testing.T) {
	seq := func(v ...Value) *Sequence { return &Sequence{Items: v} }
	runLibCases(t, []libCase{
		{"count", arr(arr()), "0"},
		{"count", arr(arr(1.0, 2.0, 3.0)), "3"},
		{"count", arr(1.0), "1"},
		{"count", arr(nil), "0"},
		{"count", arr(seq("a", "b")), "2"},
		{"append", arr(arr(1.0, 2.0), arr(3.0, 4.0)), "[1,2,3,4]"},
		{"append", arr(1.0, arr(3.0, 4.0)), "[1,3,4]"},
		{"append", arr(1.0, 2.0), "[1,2]"},
		{"append", arr(1.0, nil), "1"},
		{"append", arr(nil, arr(2.0, 3.0)), "[2,3]"},
		{"append", arr(nil, nil), "undefined"},
		{"reverse", arr(arr(1.0, 2.0, 3.0)), "[3,2,1]"},
		{"reverse", arr(arr(1.0)), "[1]"},
		{"reverse", arr(nil), "undefined"},
		{"shuffle", arr(nil), "undefined"},
		{"shuffle", arr(arr(1.0)), "[1]"},
		{"sort", arr(nil), "undefined"},
		{"sort", arr(arr(1.0)), "[1]"},
		{"sort", arr(arr(1.0, 3.0, 22.0, 11.0)), "[1,3,11,22]"},
		{"sort", arr(arr("b", "a", "B", "aa")), `["B","a","aa","b"]`},
		{"sort", arr(arr("\uffff", "💩")), "[\"💩\",\"\uffff\"]"},
		{"sort", arr(arr(1.0, "a")), "error:D3070"},
		{"sort", arr(arr(obj("a", 1.0), obj("a", 2.0))), "error:D3070"},
		{"zip", arr(arr(1.0, 2.0, 3.0), arr(4.0, 5.0, 6.0)), "[[1,4],[2,5],[3,6]]"},
		{"zip", arr(arr(1.0, 2.0, 3.0), arr(4.0, 5.0), arr(7.0, 8.0, 9.0)), "[[1,4,7],[2,5,8]]"},
		{"zip", arr(arr(1.0, 2.0, 3.0)), "[[1],[2],[3]]"},
		{"zip", arr(arr(1.0), arr(2.0), arr(3.0)), "[[1,2,3]]"},
		{"zip", arr(arr(1.0, 2.0), nil), "[]"},
		{"distinct", arr(arr(1.0, 2.0, 3.0, 4.0)), "[1,2,3,4]"},
		{"distinct", arr(arr(1.0, 2.0, 1.0, 2.0)), "[1,2]"},
		{"distinct", arr(nil), "undefined"},
		{"distinct", arr(Null), "null"},
		{"distinct", arr("hello"), `"hello"`},
		{"distinct", arr(arr("1", 1.0, "1", true, true, Null, Null)), `["1",1,true,null]`},
		{"distinct", arr(arr(obj("a", 1.0, "b", 2.0), obj("b", 2.0, "a", 1.0), obj("a", 1.0))), `[{"a":1,"b":2},{"a":1}]`},
		{"distinct", arr(arr(arr(1.0, 2.0), arr(1.0, 2.0), arr(2.0, 1.0))), `[[1,2],[2,1]]`},
		{"distinct", arr(arr(math.NaN(), math.NaN())), `[null,null]`},
		{"distinct", arr(arr("ab", "a", "b")), `["ab","a","b"]`},
	})
}

func TestShuffleKeepsItems(t *testing.T) {
	in := make([]Value, 50)
	for i := range in {
		in[i] = float64(i)
	}
	v, err := fnShuffle(&Call{}, []Value{in})
	if err != nil {
		t.Fatal(err)
	}
	out := v.([]Value)
	seen := map[float64]bool{}
	for _, e := range out {
		seen[e.(float64)] = true
	}
	if len(out) != 50 || len(seen) != 50 {
		t.Fatalf("$shuffle lost items: %v", out)
	}
	if in[0] != 0.0 || in[49] != 49.0 {
		t.Fatal("$shuffle changed its argument")
	}
}

func TestSortIsStable(t *testing.T) {
	items := []Value{}
	for i := range 100 {
		items = append(items, obj("k", float64(i%3), "i", float64(i)))
	}
	out, err := libMergeSort(items, func(a, b Value) (bool, error) {
		ka, _ := a.(*Object).Get("k")
		kb, _ := b.(*Object).Get("k")
		return ka.(float64) > kb.(float64), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	last := map[float64]float64{0: -1, 1: -1, 2: -1}
	prevK := -1.0
	for _, e := range out {
		k, _ := e.(*Object).Get("k")
		i, _ := e.(*Object).Get("i")
		if k.(float64) < prevK || i.(float64) < last[k.(float64)] {
			t.Fatalf("not a stable sort: %s", Stringify(out))
		}
		prevK, last[k.(float64)] = k.(float64), i.(float64)
	}
}
