package pattern

import (
	"encoding/binary"
	"math"
	"sort"
)

// boundCond is a condition whose path has been given a number.
type boundCond struct {
	path     int32
	matchers []matcher
	absentOK bool
}

// step is one level of a branch's path through the index tree: the branch
// is filed under the keys of one condition (or, for exact values, of a pair
// of conditions), in the child indexes reached through those keys. Matching
// looks the event's values up level by level, so only the parts of the
// tree the event's values lead to are visited.
type step struct {
	kind uint8 // stepExact or stepPred
	p1   int32 // exact: first path
	p2   int32 // exact: second path or -1
	keys []string
	cond int // pred: index of the condition
}

const (
	stepExact uint8 = iota + 1
	stepPred
)

// boundBranch is one alternative of a rule, ready to be indexed.
type boundBranch struct {
	id       int32 // dense, unique among the live branches of a matcher
	rule     *boundRule
	conds    []boundCond
	steps    []step
	residual bool // some condition is not covered by the steps
}

// boundRule is a compiled pattern bound to a matcher's numbering.
type boundRule struct {
	id       string
	num      int32 // dense, unique among the live rules of a matcher
	branches []*boundBranch
	paths    []string
}

// node is one index of the tree: the branches filed here have had the
// conditions of the steps leading here satisfied.
type node struct {
	small    []smallEntry // tests, while few (see smallMax)
	big      bool         // the tests are in preds instead
	groups   []*exactGroup
	byGroup  map[[2]int32]*exactGroup
	preds    []*predIndex
	byPath   map[int32]*predIndex
	terminal []terminal // branches with no steps left
	size     int        // branch registrations in this subtree
}

// terminal is a branch whose steps are all satisfied when its node is
// reached; the fields needed to report it are copied for locality.
type terminal struct {
	b        *boundBranch
	rule     string // rule id
	id       int32  // branch id
	num      int32  // rule number
	residual bool   // conditions remain to be checked
}

// fileTerminal adds branch b's terminal to terms, or removes it (the
// last one filed, when b was filed more than once).
func fileTerminal(terms []terminal, b *boundBranch, add bool) []terminal {
	if add {
		return append(terms, newTerminal(b))
	}
	for j := len(terms) - 1; j >= 0; j-- {
		if terms[j].b == b {
			return append(terms[:j], terms[j+1:]...)
		}
	}
	return terms
}

func newTerminal(b *boundBranch) terminal {
	return terminal{b: b, rule: b.rule.id, id: b.id, num: b.rule.num, residual: b.residual}
}

// exactGroup files branches under exact values of one path or a pair.
type exactGroup struct {
	p1, p2  int32
	buckets map[string]*node
	ipKeys  int
}

// affixIndex finds the prefixes (or suffixes) of a value that lead on.
type affixIndex struct {
	m    map[string]*node
	lens map[int]int
	ls   []int // sorted distinct lengths
}

func (a *affixIndex) child(s string, create bool) *node {
	if n := a.m[s]; n != nil || !create {
		return n
	}
	if a.m == nil {
		a.m = map[string]*node{}
		a.lens = map[int]int{}
	}
	n := &node{}
	a.m[s] = n
	a.lens[len(s)]++
	if a.lens[len(s)] == 1 {
		a.relens()
	}
	return n
}

func (a *affixIndex) drop(s string) {
	delete(a.m, s)
	a.lens[len(s)]--
	if a.lens[len(s)] == 0 {
		delete(a.lens, len(s))
		a.relens()
	}
	if len(a.m) == 0 {
		a.m, a.lens, a.ls = nil, nil, nil
	}
}

func (a *affixIndex) relens() {
	a.ls = a.ls[:0]
	for l := range a.lens {
		a.ls = append(a.ls, l)
	}
	sort.Ints(a.ls)
}

// predIndex files branches under non-exact tests of one path.
type predIndex struct {
	path                   int32
	prefix, suffix         affixIndex
	prefixFold, suffixFold affixIndex
	fold                   map[string]*node
	other                  []predEntry // kept inline for locality
	// plain anything-but tests, with an inverted index of the values each
	// excludes: a leaf satisfies every one of them except those listed
	// under its value, so no test needs evaluating.
	ab    []predEntry
	abStr map[string][]int32
	abNum map[float64][]int32
	size  int
}

// reindexAB rebuilds the exclusion index of the anything-but tests.
func (pi *predIndex) reindexAB() {
	pi.abStr, pi.abNum = nil, nil
	for i := range pi.ab {
		x := pi.ab[i].m.x
		for _, s := range x.strs {
			if pi.abStr == nil {
				pi.abStr = map[string][]int32{}
			}
			pi.abStr[s] = appendOnce(pi.abStr[s], int32(i))
		}
		for _, f := range x.nums {
			if pi.abNum == nil {
				pi.abNum = map[float64][]int32{}
			}
			pi.abNum[f] = appendOnce(pi.abNum[f], int32(i))
		}
	}
}

func appendOnce(l []int32, i int32) []int32 {
	if len(l) > 0 && l[len(l)-1] == i {
		return l
	}
	return append(l, i)
}

// predEntry is a test evaluated on each leaf of the path. Branches for
// which it is the last step are kept in the entry itself, so reaching them
// costs no further indirection.
type predEntry struct {
	m     matcher
	child *node // branches with further steps, or nil
	terms []terminal
	key   string
}

func (e *predEntry) empty() bool {
	return len(e.terms) == 0 && (e.child == nil || e.child.size == 0)
}

// side is one complete, self-contained index of a set of rules. A Pattern
// has one; a Matcher keeps two and updates them in turn so that matching
// never waits for an update (see Matcher).
type side struct {
	paths   map[string]*pathInfo // by path; "" is the root of the key tree
	root    node
	rules   map[string]*boundRule
	nPaths  int32 // path numbers are below nPaths
	nBranch int32 // branch ids are below nBranch
	nRules  int32 // rule numbers are below nRules
}

func newSide() *side {
	return &side{
		paths: map[string]*pathInfo{"": {leaf: -1}},
		rules: map[string]*boundRule{},
	}
}

// exactKey is the index key of an exact matcher.
func exactKey(dst []byte, m *matcher) []byte {
	switch m.kind {
	case mExactString:
		dst = append(dst, 's')
		return append(dst, m.s...)
	case mExactNumber:
		return numberKey(dst, m.f)
	case mExactTrue:
		return append(dst, 't')
	case mExactFalse:
		return append(dst, 'f')
	case mExactNull:
		return append(dst, 'z')
	case mExactIP:
		return ipKey(dst, m.x.ip.lo, m.x.ip.v4)
	}
	return dst
}

func numberKey(dst []byte, f float64) []byte {
	dst = append(dst, 'n')
	return binary.LittleEndian.AppendUint64(dst, math.Float64bits(f))
}

func ipKey(dst []byte, b [16]byte, v4 bool) []byte {
	dst = append(dst, 'i')
	if v4 {
		dst = append(dst, '4')
	} else {
		dst = append(dst, '6')
	}
	return append(dst, b[:]...)
}

// leafKey is the index key of a leaf value (IP addresses aside).
func leafKey(dst []byte, lf *leaf) []byte {
	switch lf.kind {
	case kindString:
		dst = append(dst, 's')
		return append(dst, lf.s...)
	case kindNumber:
		return numberKey(dst, lf.f)
	case kindTrue:
		return append(dst, 't')
	case kindFalse:
		return append(dst, 'f')
	}
	return append(dst, 'z')
}

func pairKey(dst []byte, k1, k2 []byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(k1)))
	dst = append(dst, k1...)
	return append(dst, k2...)
}

func isExact(k matchKind) bool {
	return k >= mExactString && k <= mExactIP
}

// predCost ranks matcher kinds by how selective and cheap they are as a
// step of the index tree.
func predCost(k matchKind) int {
	switch {
	case isExact(k), k == mEqualsFold, k == mPrefix, k == mSuffix, k == mPrefixFold, k == mSuffixFold:
		return 1
	case k == mCIDR:
		return 2
	case k == mNumeric, k == mWildcard:
		return 3
	case k == mExists:
		return 5
	}
	return 6
}

// maxFanOut bounds the number of places one branch is filed under: a
// condition with several values files the branch once per value, and the
// steps multiply. Conditions that would exceed it are checked when the
// branch is reached instead.
const maxFanOut = 64

// planSteps chooses the path of a branch through the index tree: exact
// conditions first (source and detail-type, then the fewest values), the
// first two as a pair, then the other conditions from the most selective
// and cheapest test to the least. names maps path numbers to paths.
func planSteps(b *boundBranch, names func(int32) string) {
	covered := make([]bool, len(b.conds))
	var exact, preds []int
	for i, c := range b.conds {
		if c.absentOK || len(c.matchers) == 0 {
			continue
		}
		all := true
		for _, m := range c.matchers {
			if !isExact(m.kind) {
				all = false
				break
			}
		}
		if all {
			exact = append(exact, i)
		} else {
			preds = append(preds, i)
		}
	}
	rank := func(i int) int {
		switch names(b.conds[i].path) {
		case "source":
			return 0
		case "detail-type":
			return 1
		}
		return 2
	}
	sort.SliceStable(exact, func(x, y int) bool {
		cx, cy := b.conds[exact[x]], b.conds[exact[y]]
		if rx, ry := rank(exact[x]), rank(exact[y]); rx != ry {
			return rx < ry
		}
		if len(cx.matchers) != len(cy.matchers) {
			return len(cx.matchers) < len(cy.matchers)
		}
		return names(cx.path) < names(cy.path)
	})
	sort.SliceStable(preds, func(x, y int) bool {
		return condCost(&b.conds[preds[x]]) < condCost(&b.conds[preds[y]])
	})
	fan := 1
	keysOf := func(c *boundCond) [][]byte {
		var ks [][]byte
		for i := range c.matchers {
			ks = append(ks, exactKey(nil, &c.matchers[i]))
		}
		return ks
	}
	for i := 0; i < len(exact); i++ {
		c1 := &b.conds[exact[i]]
		if i == 0 && len(exact) > 1 && fan*len(c1.matchers)*len(b.conds[exact[1]].matchers) <= maxFanOut {
			c2 := &b.conds[exact[1]]
			if c2.path < c1.path {
				c1, c2 = c2, c1
			}
			st := step{kind: stepExact, p1: c1.path, p2: c2.path}
			for _, k1 := range keysOf(c1) {
				for _, k2 := range keysOf(c2) {
					st.keys = append(st.keys, string(pairKey(nil, k1, k2)))
				}
			}
			st.keys = dedupe(st.keys)
			fan *= len(st.keys)
			b.steps = append(b.steps, st)
			covered[exact[0]], covered[exact[1]] = true, true
			i++
			continue
		}
		if fan*len(c1.matchers) > maxFanOut {
			continue
		}
		st := step{kind: stepExact, p1: c1.path, p2: -1}
		for _, k := range keysOf(c1) {
			st.keys = append(st.keys, string(k))
		}
		st.keys = dedupe(st.keys)
		fan *= len(st.keys)
		b.steps = append(b.steps, st)
		covered[exact[i]] = true
	}
	for _, i := range preds {
		if fan*len(b.conds[i].matchers) > maxFanOut {
			continue
		}
		fan *= len(b.conds[i].matchers)
		b.steps = append(b.steps, step{kind: stepPred, cond: i})
		covered[i] = true
	}
	for _, c := range covered {
		if !c {
			b.residual = true
		}
	}
}

func dedupe(keys []string) []string {
	sort.Strings(keys)
	out := keys[:0]
	for i, k := range keys {
		if i == 0 || k != keys[i-1] {
			out = append(out, k)
		}
	}
	return out
}

// ensurePath makes room for path number id.
func (sd *side) ensurePath(id int32) {
	if id >= sd.nPaths {
		sd.nPaths = id + 1
	}
}

// add indexes a bound rule. The rule must not be present.
func (sd *side) add(r *boundRule, pathIDs map[string]int32) {
	sd.rules[r.id] = r
	if r.num >= sd.nRules {
		sd.nRules = r.num + 1
	}
	for _, p := range r.paths {
		sd.addPath(p, pathIDs[p])
	}
	for _, b := range r.branches {
		if b.id >= sd.nBranch {
			sd.nBranch = b.id + 1
		}
		sd.root.file(b, 0, true)
	}
}

// remove drops a rule previously added.
func (sd *side) remove(r *boundRule) {
	if sd.rules[r.id] != r {
		return
	}
	delete(sd.rules, r.id)
	for _, b := range r.branches {
		sd.root.file(b, 0, false)
	}
	for _, p := range r.paths {
		sd.removePath(p)
	}
}

// file adds (or removes) branch b, whose steps before i led to n, to the
// subtree of n.
func (n *node) file(b *boundBranch, i int, add bool) {
	if add {
		n.size++
	} else {
		n.size--
	}
	if i == len(b.steps) {
		if add {
			n.terminal = append(n.terminal, newTerminal(b))
			return
		}
		for j := len(n.terminal) - 1; j >= 0; j-- {
			if n.terminal[j].b == b {
				last := len(n.terminal) - 1
				n.terminal[j] = n.terminal[last]
				n.terminal = n.terminal[:last]
				break
			}
		}
		return
	}
	st := &b.steps[i]
	if st.kind == stepExact {
		for _, k := range st.keys {
			n.fileExact(st.p1, st.p2, k, b, i, add)
		}
		return
	}
	c := &b.conds[st.cond]
	for mi := range c.matchers {
		m := &c.matchers[mi]
		if isExact(m.kind) {
			n.fileExact(c.path, -1, string(exactKey(nil, m)), b, i, add)
			continue
		}
		n.filePred(c.path, m, b, i, add)
	}
}

func (n *node) fileExact(p1, p2 int32, k string, b *boundBranch, i int, add bool) {
	gk := [2]int32{p1, p2}
	g := n.byGroup[gk]
	if g == nil {
		if !add {
			return
		}
		if n.byGroup == nil {
			n.byGroup = map[[2]int32]*exactGroup{}
		}
		g = &exactGroup{p1: p1, p2: p2, buckets: map[string]*node{}}
		n.byGroup[gk] = g
		n.groups = append(n.groups, g)
	}
	child := g.buckets[k]
	if child == nil {
		if !add {
			return
		}
		child = &node{}
		g.buckets[k] = child
		if containsIPKey(k, p2 >= 0) {
			g.ipKeys++
		}
	}
	child.file(b, i+1, add)
	if child.size > 0 {
		return
	}
	delete(g.buckets, k)
	if containsIPKey(k, p2 >= 0) {
		g.ipKeys--
	}
	if len(g.buckets) == 0 {
		delete(n.byGroup, gk)
		for j, x := range n.groups {
			if x == g {
				n.groups = append(n.groups[:j], n.groups[j+1:]...)
				break
			}
		}
	}
}

// smallMax is the number of tests a node keeps in one flat list, tried one
// after the other; past it the node switches to hash indexes. Small nodes
// are the common case below the source/detail-type level, and a short
// contiguous list costs fewer cache misses than maps.
const smallMax = 12

// smallEntry is a test of a small node.
type smallEntry struct {
	path  int32
	m     matcher
	child *node // branches with further steps, or nil
	terms []terminal
	key   string
}

func (n *node) filePred(path int32, m *matcher, b *boundBranch, i int, add bool) {
	if !n.big {
		if n.fileSmall(path, m, b, i, add) {
			return
		}
		n.toBig(i)
	}
	n.fileBig(path, m, b, i, add)
}

// fileSmall files a test in the flat list; it reports false when the list
// is full.
func (n *node) fileSmall(path int32, m *matcher, b *boundBranch, i int, add bool) bool {
	key := matcherKey(m)
	at := -1
	for j := range n.small {
		if n.small[j].path == path && n.small[j].key == key {
			at = j
			break
		}
	}
	if at < 0 {
		if !add {
			return true
		}
		if len(n.small) >= smallMax {
			return false
		}
		n.small = append(n.small, smallEntry{path: path, m: *m, key: key})
		at = len(n.small) - 1
	}
	e := &n.small[at]
	if i+1 == len(b.steps) {
		e.terms = fileTerminal(e.terms, b, add)
	} else {
		if e.child == nil {
			if !add {
				return true
			}
			e.child = &node{}
		}
		e.child.file(b, i+1, add)
	}
	if !add && len(e.terms) == 0 && (e.child == nil || e.child.size == 0) {
		n.small = append(n.small[:at], n.small[at+1:]...)
	}
	return true
}

// toBig moves the tests of a small node, whose branches are at step i,
// into hash indexes, re-filing each (test, branch) registration.
func (n *node) toBig(i int) {
	small := n.small
	n.small = nil
	n.big = true
	for j := range small {
		e := &small[j]
		seen := map[*boundBranch]bool{}
		var branches []*boundBranch
		add := func(ts []terminal) {
			for _, t := range ts {
				if !seen[t.b] {
					seen[t.b] = true
					branches = append(branches, t.b)
				}
			}
		}
		add(e.terms)
		if e.child != nil {
			e.child.walk(add)
		}
		for _, b := range branches {
			n.fileBig(e.path, &e.m, b, i, true)
		}
	}
}

// walk calls f with the terminals of every node of a subtree.
func (n *node) walk(f func([]terminal)) {
	f(n.terminal)
	for _, e := range n.small {
		f(e.terms)
		if e.child != nil {
			e.child.walk(f)
		}
	}
	for _, g := range n.groups {
		for _, c := range g.buckets {
			c.walk(f)
		}
	}
	for _, pi := range n.preds {
		for _, a := range []*affixIndex{&pi.prefix, &pi.suffix, &pi.prefixFold, &pi.suffixFold} {
			for _, c := range a.m {
				c.walk(f)
			}
		}
		for _, c := range pi.fold {
			c.walk(f)
		}
		for _, l := range [][]predEntry{pi.other, pi.ab} {
			for _, e := range l {
				f(e.terms)
				if e.child != nil {
					e.child.walk(f)
				}
			}
		}
	}
}

func (n *node) fileBig(path int32, m *matcher, b *boundBranch, i int, add bool) {
	pi := n.byPath[path]
	if pi == nil {
		if !add {
			return
		}
		if n.byPath == nil {
			n.byPath = map[int32]*predIndex{}
		}
		pi = &predIndex{path: path}
		n.byPath[path] = pi
		n.preds = append(n.preds, pi)
	}
	var ai *affixIndex
	switch m.kind {
	case mPrefix:
		ai = &pi.prefix
	case mSuffix:
		ai = &pi.suffix
	case mPrefixFold:
		ai = &pi.prefixFold
	case mSuffixFold:
		ai = &pi.suffixFold
	}
	var child *node
	switch {
	case ai != nil:
		child = ai.child(m.s, add)
	case m.kind == mEqualsFold:
		child = pi.fold[m.s]
		if child == nil && add {
			if pi.fold == nil {
				pi.fold = map[string]*node{}
			}
			child = &node{}
			pi.fold[m.s] = child
		}
	default:
		list := &pi.other
		if m.kind == mAnythingBut {
			list = &pi.ab
		}
		key := matcherKey(m)
		var e *predEntry
		for j := range *list {
			if (*list)[j].key == key {
				e = &(*list)[j]
				break
			}
		}
		if e == nil {
			if !add {
				return
			}
			*list = append(*list, predEntry{key: key, m: *m})
			e = &(*list)[len(*list)-1]
			if m.kind == mAnythingBut {
				pi.reindexAB()
			}
		}
		if i+1 == len(b.steps) {
			e.terms = fileTerminal(e.terms, b, add)
		} else {
			if e.child == nil {
				if !add {
					return
				}
				e.child = &node{}
			}
			e.child.file(b, i+1, add)
		}
		if add {
			pi.size++
			return
		}
		pi.size--
		if e.empty() {
			for j := range *list {
				if (*list)[j].key == key {
					*list = append((*list)[:j], (*list)[j+1:]...)
					break
				}
			}
			if m.kind == mAnythingBut {
				pi.reindexAB()
			}
		}
		n.dropPred(pi)
		return
	}
	if child == nil {
		return
	}
	child.file(b, i+1, add)
	if add {
		pi.size++
		return
	}
	pi.size--
	if child.size == 0 {
		switch {
		case ai != nil:
			ai.drop(m.s)
		case m.kind == mEqualsFold:
			delete(pi.fold, m.s)
		}
	}
	n.dropPred(pi)
}

// dropPred removes an index left empty.
func (n *node) dropPred(pi *predIndex) {
	if pi.size > 0 {
		return
	}
	delete(n.byPath, pi.path)
	for j, x := range n.preds {
		if x == pi {
			n.preds = append(n.preds[:j], n.preds[j+1:]...)
			break
		}
	}
}

// containsIPKey reports whether an exact key (or either half of a pair key)
// is an IP address key.
func containsIPKey(k string, pair bool) bool {
	if !pair {
		return len(k) > 0 && k[0] == 'i'
	}
	n, w := binary.Uvarint([]byte(k))
	if w <= 0 || int(n)+w > len(k) {
		return false
	}
	k1, k2 := k[w:w+int(n)], k[w+int(n):]
	return len(k1) > 0 && k1[0] == 'i' || len(k2) > 0 && k2[0] == 'i'
}

// matcherKey identifies equal tests, so that branches with the same test
// share one entry.
func matcherKey(m *matcher) string {
	b := []byte{byte(m.kind)}
	b = binary.AppendUvarint(b, uint64(len(m.s)))
	b = append(b, m.s...)
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(m.f))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(m.lo))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(m.hi))
	if m.loOpen {
		b = append(b, 1)
	}
	if m.hiOpen {
		b = append(b, 2)
	}
	if x := m.x; x != nil {
		b = append(b, x.ip.lo[:]...)
		b = append(b, x.ip.hi[:]...)
		if x.ip.v4 {
			b = append(b, 4)
		}
		for _, s := range x.strs {
			b = binary.AppendUvarint(b, uint64(len(s)))
			b = append(b, s...)
		}
		b = append(b, 0xff)
		for _, f := range x.nums {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(f))
		}
	}
	return string(b)
}
