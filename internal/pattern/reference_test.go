package pattern

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// This file holds a deliberately simple reference evaluator of event
// patterns: it interprets the decoded pattern directly against a flattened
// event, with none of the indexing of the real matcher, and a random
// differential test comparing the two.

type refLeaf struct {
	v     jsonvalue.Value
	trail [][2]int // (array number, element index) from the root down
}

// refFlatten lists the leaf values of an event by dotted path.
func refFlatten(v jsonvalue.Value) map[string][]refLeaf {
	out := map[string][]refLeaf{}
	arrays := 0
	var walk func(path string, v jsonvalue.Value, trail [][2]int)
	walk = func(path string, v jsonvalue.Value, trail [][2]int) {
		switch x := v.(type) {
		case *jsonvalue.Object:
			for _, k := range x.Keys() {
				c, _ := x.Get(k)
				p := k
				if path != "" {
					p = path + "." + k
				}
				walk(p, c, trail)
			}
		case []jsonvalue.Value:
			arrays++
			n := arrays
			for i, e := range x {
				walk(path, e, append(slices.Clip(trail), [2]int{n, i}))
			}
		default:
			if path != "" {
				out[path] = append(out[path], refLeaf{v: v, trail: trail})
			}
		}
	}
	walk("", v, nil)
	return out
}

// refBranches expands a decoded pattern into alternatives of path → values.
func refBranches(p *jsonvalue.Object, prefix string, in []map[string][]jsonvalue.Value) []map[string][]jsonvalue.Value {
	rules := in
	for _, k := range p.Keys() {
		v, _ := p.Get(k)
		if k == "$or" {
			var next []map[string][]jsonvalue.Value
			for _, alt := range v.([]jsonvalue.Value) {
				base := cloneRef(rules)
				if len(base) == 0 {
					base = []map[string][]jsonvalue.Value{{}}
				}
				next = append(next, refBranches(alt.(*jsonvalue.Object), prefix, base)...)
			}
			rules = next
			continue
		}
		path := k
		if prefix != "" {
			path = prefix + "." + k
		}
		switch x := v.(type) {
		case *jsonvalue.Object:
			rules = refBranches(x, path, rules)
		case []jsonvalue.Value:
			if len(rules) == 0 {
				rules = []map[string][]jsonvalue.Value{{}}
			}
			for _, r := range rules {
				r[path] = x
			}
		}
	}
	return rules
}

func cloneRef(rs []map[string][]jsonvalue.Value) []map[string][]jsonvalue.Value {
	out := make([]map[string][]jsonvalue.Value, len(rs))
	for i, r := range rs {
		c := map[string][]jsonvalue.Value{}
		for k, v := range r {
			c[k] = v
		}
		out[i] = c
	}
	return out
}

func refNum(v jsonvalue.Value) (float64, bool) {
	n, ok := v.(jsonvalue.Number)
	if !ok {
		return 0, false
	}
	f, _ := strconv.ParseFloat(string(n), 64)
	return f, true
}

func refStr(v jsonvalue.Value) (string, bool) {
	s, ok := v.(string)
	return s, ok
}

func refWildcard(w, s string) bool {
	var re strings.Builder
	re.WriteString("^")
	for i := 0; i < len(w); i++ {
		switch {
		case w[i] == '\\' && i+1 < len(w):
			re.WriteString(regexp.QuoteMeta(w[i+1 : i+2]))
			i++
		case w[i] == '*':
			re.WriteString("(?s:.*)")
		default:
			re.WriteString(regexp.QuoteMeta(w[i : i+1]))
		}
	}
	re.WriteString("$")
	return regexp.MustCompile(re.String()).MatchString(s)
}

func refIP(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return a, false
	}
	return a.Unmap(), true
}

func strList(v jsonvalue.Value) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []jsonvalue.Value:
		var out []string
		for _, e := range x {
			out = append(out, e.(string))
		}
		return out
	}
	return nil
}

// refValue reports whether a leaf value satisfies one pattern value.
func refValue(pv jsonvalue.Value, leaf jsonvalue.Value) bool {
	o, ok := pv.(*jsonvalue.Object)
	if !ok {
		if s, ok := pv.(string); ok {
			if a, ok := refIP(s); ok {
				if ls, ok := refStr(leaf); ok {
					b, ok := refIP(ls)
					return ls == s || ok && a == b
				}
				return false
			}
		}
		return jsonvalue.Equal(pv, leaf)
	}
	op := o.Keys()[0]
	arg, _ := o.Get(op)
	ls, isStr := refStr(leaf)
	switch op {
	case "prefix", "suffix":
		if ao, ok := arg.(*jsonvalue.Object); ok {
			a, _ := ao.Get("equals-ignore-case")
			if !isStr {
				return false
			}
			n := len(a.(string))
			if op == "prefix" {
				return len(ls) >= n && strings.EqualFold(ls[:n], a.(string))
			}
			return len(ls) >= n && strings.EqualFold(ls[len(ls)-n:], a.(string))
		}
		if op == "prefix" {
			return isStr && strings.HasPrefix(ls, arg.(string))
		}
		return isStr && strings.HasSuffix(ls, arg.(string))
	case "equals-ignore-case":
		return isStr && strings.EqualFold(ls, arg.(string))
	case "wildcard":
		return isStr && refWildcard(arg.(string), ls)
	case "exists":
		return arg.(bool)
	case "numeric":
		f, ok := refNum(leaf)
		if !ok {
			return false
		}
		ops := arg.([]jsonvalue.Value)
		for i := 0; i < len(ops); i += 2 {
			b, _ := refNum(ops[i+1])
			var r bool
			switch ops[i].(string) {
			case "=":
				r = f == b
			case "<":
				r = f < b
			case "<=":
				r = f <= b
			case ">":
				r = f > b
			case ">=":
				r = f >= b
			}
			if !r {
				return false
			}
		}
		return true
	case "cidr":
		pfx, err := netip.ParsePrefix(arg.(string))
		if err != nil || !isStr {
			return false
		}
		a, ok := refIP(ls)
		return ok && pfx.Contains(a)
	case "anything-but":
		if ao, ok := arg.(*jsonvalue.Object); ok {
			sub := ao.Keys()[0]
			list, _ := ao.Get(sub)
			if !isStr {
				return true
			}
			for _, s := range strList(list) {
				var hit bool
				switch sub {
				case "prefix":
					hit = strings.HasPrefix(ls, s)
				case "suffix":
					hit = strings.HasSuffix(ls, s)
				case "equals-ignore-case":
					hit = strings.EqualFold(ls, s)
				case "wildcard":
					hit = refWildcard(s, ls)
				}
				if hit {
					return false
				}
			}
			return true
		}
		vals, ok := arg.([]jsonvalue.Value)
		if !ok {
			vals = []jsonvalue.Value{arg}
		}
		for _, v := range vals {
			if jsonvalue.Equal(v, leaf) {
				return false
			}
		}
		return true
	}
	panic("reference evaluator: unknown operator " + op)
}

func refConflict(a, b [][2]int) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i][0] != b[i][0] {
			return false
		}
		if a[i][1] != b[i][1] {
			return true
		}
	}
	return false
}

// refMatch reports whether an event matches a decoded pattern.
func refMatch(pattern *jsonvalue.Object, event jsonvalue.Value) bool {
	leaves := refFlatten(event)
	for _, br := range refBranches(pattern, "", nil) {
		paths := make([]string, 0, len(br))
		for p := range br {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		var chosen []refLeaf
		var try func(i int) bool
		try = func(i int) bool {
			if i == len(paths) {
				return true
			}
			vals := br[paths[i]]
			ls := leaves[paths[i]]
			if len(ls) == 0 {
				for _, pv := range vals {
					if o, ok := pv.(*jsonvalue.Object); ok && o.Keys()[0] == "exists" {
						if e, _ := o.Get("exists"); e == false {
							return try(i + 1)
						}
					}
				}
				return false
			}
			for _, l := range ls {
				ok := false
				for _, pv := range vals {
					if refValue(pv, l.v) {
						ok = true
						break
					}
				}
				if !ok {
					continue
				}
				clash := false
				for _, c := range chosen {
					if refConflict(c.trail, l.trail) {
						clash = true
						break
					}
				}
				if clash {
					continue
				}
				chosen = append(chosen, l)
				if try(i + 1) {
					return true
				}
				chosen = chosen[:len(chosen)-1]
			}
			return false
		}
		if try(0) {
			return true
		}
	}
	return false
}

// generator makes random patterns and events over a small vocabulary so
// that matches are frequent.
type generator struct {
	r *rand.Rand
}

var (
	genKeys    = []string{"source", "detail-type", "a", "b"}
	genSubKeys = []string{"x", "y", "z.w"}
	genStrings = []string{"", "a", "ab", "abc", "b", "ba", "AB", "aBc", "x.y", "10.0.0.1", "10.0.1.7", "2001:db8::1", "300", "é", "Éa", "q\"t"}
	genNumbers = []string{"0", "1", "-1", "2.5", "300", "3.0e2", "1e3", "-0"}
)

func (g *generator) str() string { return genStrings[g.r.IntN(len(genStrings))] }
func (g *generator) num() string { return genNumbers[g.r.IntN(len(genNumbers))] }

func (g *generator) scalar() string {
	switch g.r.IntN(8) {
	case 0:
		return "true"
	case 1:
		return "false"
	case 2:
		return "null"
	case 3, 4:
		return g.num()
	}
	return strconv.Quote(g.str())
}

func (g *generator) nonEmpty() string {
	for {
		if s := g.str(); s != "" {
			return s
		}
	}
}

func (g *generator) wildcard() string {
	s := g.str()
	var b strings.Builder
	for _, r := range s { // by rune, so that a '*' never splits a UTF-8 sequence
		if g.r.IntN(3) == 0 && (b.Len() == 0 || !strings.HasSuffix(b.String(), "*")) {
			b.WriteByte('*')
		}
		b.WriteRune(r)
	}
	if g.r.IntN(2) == 0 && !strings.HasSuffix(b.String(), "*") {
		b.WriteByte('*')
	}
	return b.String()
}

func (g *generator) strs() string {
	n := 1 + g.r.IntN(2)
	parts := make([]string, n)
	for i := range parts {
		parts[i] = strconv.Quote(g.nonEmpty())
	}
	if n == 1 && g.r.IntN(2) == 0 {
		return parts[0]
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func (g *generator) value() string {
	switch g.r.IntN(16) {
	case 0:
		return `{"prefix":` + strconv.Quote(g.str()) + `}`
	case 1:
		return `{"suffix":` + strconv.Quote(g.str()) + `}`
	case 2:
		return `{"equals-ignore-case":` + strconv.Quote(g.str()) + `}`
	case 3:
		return `{"prefix":{"equals-ignore-case":` + strconv.Quote(g.str()) + `}}`
	case 4:
		return `{"wildcard":` + strconv.Quote(g.wildcard()) + `}`
	case 5:
		return `{"exists":` + strconv.FormatBool(g.r.IntN(2) == 0) + `}`
	case 6:
		ops := []string{"=", "<", "<=", ">", ">="}
		op := ops[g.r.IntN(len(ops))]
		if (op == ">" || op == ">=") && g.r.IntN(2) == 0 {
			lo, hi := g.num(), g.num()
			if parseNumber(lo) >= parseNumber(hi) {
				return `{"numeric":[">=",` + lo + `]}`
			}
			return `{"numeric":["` + op + `",` + lo + `,"<",` + hi + `]}`
		}
		return `{"numeric":["` + op + `",` + g.num() + `]}`
	case 7:
		return `{"cidr":"10.0.0.0/24"}`
	case 8:
		if g.r.IntN(2) == 0 {
			return `{"anything-but":` + g.strs() + `}`
		}
		return `{"anything-but":[` + g.num() + `,` + g.num() + `]}`
	case 9:
		subs := []string{"prefix", "suffix", "equals-ignore-case", "wildcard"}
		sub := subs[g.r.IntN(len(subs))]
		if sub == "wildcard" {
			return `{"anything-but":{"wildcard":` + strconv.Quote(g.wildcard()) + `}}`
		}
		return `{"anything-but":{"` + sub + `":` + g.strs() + `}}`
	}
	return g.scalar()
}

func (g *generator) list() string {
	n := 1 + g.r.IntN(3)
	parts := make([]string, n)
	for i := range parts {
		parts[i] = g.value()
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func (g *generator) object(depth int) string {
	keys := genKeys
	if depth > 0 {
		keys = genSubKeys
	}
	var parts []string
	used := map[string]bool{}
	n := 1 + g.r.IntN(3)
	for i := 0; i < n; i++ {
		k := keys[g.r.IntN(len(keys))]
		if used[k] {
			continue
		}
		used[k] = true
		if depth < 1 && (k == "a" || k == "b") && g.r.IntN(2) == 0 {
			parts = append(parts, strconv.Quote(k)+":"+g.object(depth+1))
		} else {
			parts = append(parts, strconv.Quote(k)+":"+g.list())
		}
	}
	if g.r.IntN(6) == 0 {
		parts = append(parts, `"$or":[`+g.object(depth)+`,`+g.object(depth)+`]`)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func (g *generator) eventValue(depth int) string {
	switch g.r.IntN(10) {
	case 0:
		if depth < 2 {
			n := g.r.IntN(3)
			parts := make([]string, n)
			for i := range parts {
				if g.r.IntN(2) == 0 {
					parts[i] = g.eventObject(depth + 1)
				} else {
					parts[i] = g.scalar()
				}
			}
			return "[" + strings.Join(parts, ",") + "]"
		}
	case 1, 2:
		if depth < 2 {
			return g.eventObject(depth + 1)
		}
	}
	return g.scalar()
}

func (g *generator) eventObject(depth int) string {
	keys := genKeys
	if depth > 0 {
		keys = append(append([]string{}, genSubKeys...), "z")
	}
	var parts []string
	used := map[string]bool{}
	for i := 0; i < 1+g.r.IntN(4); i++ {
		k := keys[g.r.IntN(len(keys))]
		if used[k] {
			continue
		}
		used[k] = true
		part := strconv.Quote(k) + ":" + g.eventValue(depth)
		if strings.Contains(k, ".") {
			// MatchBytes stops reading an object once it has seen every
			// plain key the rules use there, so a dotted key standing for
			// two levels is only seen before that point (see
			// extractor.object); keep them first.
			parts = append([]string{part}, parts...)
			continue
		}
		parts = append(parts, part)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func TestDifferential(t *testing.T) {
	t.Parallel()
	for seed := uint64(1); seed <= 3; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			differential(t, seed)
		})
	}
}

func differential(t *testing.T, seed uint64) {
	g := &generator{r: rand.New(rand.NewPCG(seed, 2))}
	rules, events := 300, 1000
	if raceEnabled || testing.Short() {
		rules, events = 100, 300
	}
	patterns := make([]string, 0, rules)
	decoded := make([]*jsonvalue.Object, 0, rules)
	m := NewMatcher()
	for len(patterns) < rules {
		p := g.object(0)
		if err := m.Add(fmt.Sprint(len(patterns)), []byte(p)); err != nil {
			var pe *Error
			if errAs(err, &pe) && strings.Contains(pe.Reason, "too complex") {
				continue
			}
			t.Fatalf("pattern %s: %v", p, err)
		}
		patterns = append(patterns, p)
		decoded = append(decoded, jsonvalue.MustParse(p).(*jsonvalue.Object))
	}
	compiled := make([]*Pattern, len(patterns))
	for i, p := range patterns {
		compiled[i] = MustCompile(p)
	}
	matches := 0
	for e := 0; e < events; e++ {
		ev := g.eventObject(0)
		v := jsonvalue.MustParse(ev)
		var want []string
		for i, p := range decoded {
			w := refMatch(p, v)
			if w {
				want = append(want, fmt.Sprint(i))
			}
			got, err := compiled[i].MatchBytes([]byte(ev))
			if err != nil {
				t.Fatal(err)
			}
			if got != w || compiled[i].Match(v) != w {
				t.Fatalf("pattern %s\nevent %s\nreference %v, Pattern.MatchBytes %v, Pattern.Match %v", patterns[i], ev, w, got, compiled[i].Match(v))
			}
		}
		got, err := m.MatchBytes([]byte(ev))
		if err != nil {
			t.Fatal(err)
		}
		sort.Strings(got)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Fatalf("event %s\nMatcher %v\nreference %v", ev, got, want)
		}
		got2 := m.Match(v)
		sort.Strings(got2)
		if !slices.Equal(got2, want) {
			t.Fatalf("event %s\nMatcher.Match %v\nreference %v", ev, got2, want)
		}
		matches += len(want)
	}
	if matches < events/10 {
		t.Fatalf("only %d matches: the generator makes too few matching events", matches)
	}
	t.Logf("%d matches over %d events and %d rules", matches, events, rules)
}
