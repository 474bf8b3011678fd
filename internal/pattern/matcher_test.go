package pattern

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
)

func sortedIDs(t *testing.T, m *Matcher, event string) []string {
	t.Helper()
	ids, err := m.MatchBytes([]byte(event))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(ids)
	return ids
}

func TestMatcherAddReplaceRemove(t *testing.T) {
	t.Parallel()
	m := NewMatcher()
	must := func(id, p string) {
		t.Helper()
		if err := m.Add(id, []byte(p)); err != nil {
			t.Fatal(err)
		}
	}
	must("ec2", `{"source":["aws.ec2"]}`)
	must("ec2-running", `{"source":["aws.ec2"],"detail":{"state":["running"]}}`)
	must("any", `{"detail":{"state":[{"exists":true}]}}`)
	must("no-state", `{"detail":{"state":[{"exists":false}]}}`)
	ev := `{"source":"aws.ec2","detail":{"state":"running"}}`
	if got, want := sortedIDs(t, m, ev), []string{"any", "ec2", "ec2-running"}; !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	must("ec2", `{"source":["aws.s3"]}`) // replace
	if got, want := sortedIDs(t, m, ev), []string{"any", "ec2-running"}; !slices.Equal(got, want) {
		t.Fatalf("after replace got %v, want %v", got, want)
	}
	m.Remove("any")
	m.Remove("missing")
	if got, want := sortedIDs(t, m, ev), []string{"ec2-running"}; !slices.Equal(got, want) {
		t.Fatalf("after remove got %v, want %v", got, want)
	}
	if got, want := sortedIDs(t, m, `{"source":"aws.s3"}`), []string{"ec2", "no-state"}; !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if err := m.Add("bad", []byte(`{"a":[]}`)); err == nil {
		t.Fatal("invalid pattern added")
	}
	if m.Len() != 3 {
		t.Fatalf("Len = %d", m.Len())
	}
	for _, id := range []string{"ec2", "ec2-running", "no-state"} {
		m.Remove(id)
	}
	if got := sortedIDs(t, m, ev); len(got) != 0 {
		t.Fatalf("empty matcher matched %v", got)
	}
}

func TestMatcherManyRulesSameAnchor(t *testing.T) {
	t.Parallel()
	m := NewMatcher()
	for i := 0; i < 500; i++ {
		p := fmt.Sprintf(`{"source":["app"],"detail-type":["t"],"detail":{"n":[{"numeric":[">=",%d,"<",%d]}]}}`, i*10, i*10+10)
		if err := m.Add(fmt.Sprint(i), []byte(p)); err != nil {
			t.Fatal(err)
		}
	}
	got := sortedIDs(t, m, `{"source":"app","detail-type":"t","detail":{"n":1234}}`)
	if !slices.Equal(got, []string{"123"}) {
		t.Fatalf("got %v", got)
	}
	for i := 0; i < 500; i += 2 {
		m.Remove(fmt.Sprint(i))
	}
	if got := sortedIDs(t, m, `{"source":"app","detail-type":"t","detail":{"n":1234}}`); !slices.Equal(got, []string{"123"}) {
		t.Fatalf("got %v", got)
	}
	if got := sortedIDs(t, m, `{"source":"app","detail-type":"t","detail":{"n":1244}}`); len(got) != 0 {
		t.Fatalf("got %v", got)
	}
}

// TestMatcherConcurrent matches while rules are added and removed; run it
// with -race.
func TestMatcherConcurrent(t *testing.T) {
	t.Parallel()
	m := NewMatcher()
	if err := m.Add("stable", []byte(`{"source":["s"]}`)); err != nil {
		t.Fatal(err)
	}
	var stop atomic.Bool
	var wg, started sync.WaitGroup
	for w := 0; w < 3; w++ {
		wg.Add(1)
		started.Add(1)
		go func() {
			defer wg.Done()
			first := true
			for !stop.Load() {
				if first {
					started.Done()
					first = false
				}
				ids, err := m.MatchBytes([]byte(`{"source":"s","detail":{"n":5}}`))
				if err != nil {
					t.Error(err)
					return
				}
				if !slices.Contains(ids, "stable") {
					t.Errorf("stable rule missing from %v", ids)
					return
				}
			}
		}()
	}
	started.Wait()
	updates := 300
	if raceEnabled || testing.Short() {
		updates = 60
	}
	for i := 0; i < updates; i++ {
		id := fmt.Sprint("r", i%20)
		if err := m.Add(id, []byte(fmt.Sprintf(`{"source":["s"],"detail":{"n":[{"numeric":[">",%d]}]}}`, i%10))); err != nil {
			t.Fatal(err)
		}
		if i%3 == 0 {
			m.Remove(fmt.Sprint("r", (i+7)%20))
		}
	}
	stop.Store(true)
	wg.Wait()
}

// TestMatcherRemoveAllLeavesEmptyIndex adds and removes many kinds of
// rules, with small nodes growing into hash indexes on the way, and checks
// that nothing is left behind.
func TestMatcherRemoveAllLeavesEmptyIndex(t *testing.T) {
	t.Parallel()
	g := &generator{r: rand.New(rand.NewPCG(9, 9))}
	m := NewMatcher()
	var ids []string
	for i := 0; len(ids) < 400; i++ {
		id := fmt.Sprint(i)
		p := g.object(0)
		if i%3 == 0 {
			p = fmt.Sprintf(`{"source":["s"],"detail":{"n":[{"numeric":[">",%d]}],"p":[{"prefix":"x%d"}]}}`, i, i%20)
		}
		if m.Add(id, []byte(p)) == nil {
			ids = append(ids, id)
		}
	}
	for _, id := range ids {
		m.Remove(id)
	}
	for _, sd := range m.sides {
		n := &sd.root
		if n.size != 0 || len(n.terminal) != 0 || len(n.groups) != 0 || len(n.preds) != 0 || len(n.small) != 0 {
			t.Fatalf("root not empty: size %d, %d terminals, %d groups, %d preds, %d small",
				n.size, len(n.terminal), len(n.groups), len(n.preds), len(n.small))
		}
		if len(sd.paths) != 1 || len(sd.rules) != 0 {
			t.Fatalf("%d paths and %d rules left", len(sd.paths), len(sd.rules))
		}
	}
}
