package pattern

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// FuzzCompile checks that no pattern text makes Compile panic, that every
// failure is an *Error, and that compiled patterns match without panicking.
func FuzzCompile(f *testing.F) {
	for _, s := range []string{
		`{"source":["aws.ec2"]}`,
		`{"a":[{"prefix":"x"},{"suffix":{"equals-ignore-case":"Y"}}]}`,
		`{"a":[{"numeric":[">",0,"<=",5]}],"b":{"$or":[{"c":[1]},{"d":[null]}]}}`,
		`{"a":[{"anything-but":{"wildcard":["*x*","y\\*"]}}]}`,
		`{"a":[{"cidr":"10.0.0.0/8"},{"exists":false}]}`,
		`{"a":[{"wildcard":"*:*:*"}]}`,
		`{"a":"b"}`, `[]`, `{"a":[]}`, `{"a":[{"numeric":[">",1,"<"]}]}`,
	} {
		f.Add([]byte(s))
	}
	events := [][]byte{
		[]byte(`{"source":"aws.ec2","a":["x","10.1.2.3",5,null,true],"b":{"c":1,"d":[{"e":2}]}}`),
		[]byte(`{"a":[{"x":1},{"y":"Y"}],"b":[]}`),
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Compile(data)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		for _, ev := range events {
			got, err := p.MatchBytes(ev)
			if err != nil {
				t.Fatal(err)
			}
			if got != p.Match(jsonvalue.MustParse(string(ev))) {
				t.Fatalf("MatchBytes and Match disagree on %s", ev)
			}
		}
	})
}

// FuzzMatchBytes checks that arbitrary event bytes never make matching
// panic and that MatchBytes agrees with Match on decoded events.
func FuzzMatchBytes(f *testing.F) {
	f.Add([]byte(`{"source":"aws.ec2","detail":{"state":"running","n":[1,2,{"x":"10.0.0.1"}]}}`))
	f.Add([]byte(`{"a":"\u00e9\"","detail":{"state.x":"y"}}`))
	m := NewMatcher()
	for i, p := range []string{
		`{"source":["aws.ec2"]}`,
		`{"detail":{"state":[{"prefix":"r"}]}}`,
		`{"detail":{"n":[{"numeric":[">",1]}],"n.x":[{"cidr":"10.0.0.0/8"}]}}`,
		`{"detail":{"state":[{"anything-but":"x"}],"state.x":[{"exists":false}]}}`,
		`{"a":[{"equals-ignore-case":"É\""}]}`,
	} {
		if err := m.Add(string(rune('a'+i)), []byte(p)); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ids, err := m.MatchBytes(data)
		dup := false
		v, perr := jsonvalue.ParseWith(data, func(*jsonvalue.Object, string) { dup = true })
		if perr != nil || dup || hasDottedKey(v) {
			return // see extractor.object on duplicate and dotted keys
		}
		if err != nil {
			t.Fatalf("valid JSON %q rejected: %v", data, err)
		}
		want := m.Match(v)
		sort.Strings(ids)
		sort.Strings(want)
		if !slices.Equal(ids, want) {
			t.Fatalf("MatchBytes %v, Match %v for %q", ids, want, data)
		}
	})
}

// FuzzDifferential compares the matcher with the reference evaluator on
// random patterns and events derived from the fuzzer's seed.
func FuzzDifferential(f *testing.F) {
	f.Add(uint64(1), uint64(2))
	f.Fuzz(func(t *testing.T, a, b uint64) {
		g := &generator{r: rand.New(rand.NewPCG(a, b))}
		p := g.object(0)
		compiled, err := Compile([]byte(p))
		if err != nil {
			return // too complex wildcards
		}
		decoded := jsonvalue.MustParse(p).(*jsonvalue.Object)
		for i := 0; i < 20; i++ {
			ev := g.eventObject(0)
			got, err := compiled.MatchBytes([]byte(ev))
			if err != nil {
				t.Fatal(err)
			}
			if want := refMatch(decoded, jsonvalue.MustParse(ev)); got != want {
				t.Fatalf("pattern %s\nevent %s\ngot %v want %v", p, ev, got, want)
			}
		}
	})
}

// FuzzMatcherDifferential compares a Matcher holding many random rules,
// after random additions, replacements and removals, with the reference
// evaluator on random events. Many rules share index nodes, so this covers
// what a single Pattern does not: nodes switching from their flat list to
// hash indexes, shared entries, and the clean-up on removal.
func FuzzMatcherDifferential(f *testing.F) {
	for _, s := range [][3]uint64{{1, 2, 30}, {7, 3, 64}, {42, 42, 200}} {
		f.Add(s[0], s[1], uint8(s[2]))
	}
	f.Fuzz(func(t *testing.T, a, b uint64, n uint8) {
		g := &generator{r: rand.New(rand.NewPCG(a, b))}
		m := NewMatcher()
		live := map[string]string{}
		ops := 1 + int(n)
		for i := 0; i < ops; i++ {
			id := fmt.Sprint(g.r.IntN(1 + ops/2)) // repeats replace rules
			if g.r.IntN(6) == 0 {
				m.Remove(id)
				delete(live, id)
				continue
			}
			p := g.object(0)
			if err := m.Add(id, []byte(p)); err != nil {
				var pe *Error
				if errors.As(err, &pe) && strings.Contains(pe.Reason, "too complex") {
					continue // the Matcher keeps the rule it had
				}
				t.Fatalf("pattern %s: %v", p, err)
			}
			live[id] = p
		}
		if m.Len() != len(live) {
			t.Fatalf("Len %d, want %d", m.Len(), len(live))
		}
		decoded := map[string]*jsonvalue.Object{}
		for id, p := range live {
			decoded[id] = jsonvalue.MustParse(p).(*jsonvalue.Object)
		}
		for e := 0; e < 20; e++ {
			ev := g.eventObject(0)
			v := jsonvalue.MustParse(ev)
			var want []string
			for id, p := range decoded {
				if refMatch(p, v) {
					want = append(want, id)
				}
			}
			sort.Strings(want)
			got, err := m.MatchBytes([]byte(ev))
			if err != nil {
				t.Fatal(err)
			}
			sort.Strings(got)
			got2 := m.Match(v)
			sort.Strings(got2)
			if !slices.Equal(got, want) || !slices.Equal(got2, want) {
				t.Fatalf("event %s\nrules %v\nMatchBytes %v, Match %v, reference %v", ev, live, got, got2, want)
			}
		}
	})
}

func hasDottedKey(v jsonvalue.Value) bool {
	switch x := v.(type) {
	case *jsonvalue.Object:
		for i := 0; i < x.Len(); i++ {
			k, c := x.At(i)
			if strings.Contains(k, ".") || hasDottedKey(c) {
				return true
			}
		}
	case []jsonvalue.Value:
		for _, e := range x {
			if hasDottedKey(e) {
				return true
			}
		}
	}
	return false
}
