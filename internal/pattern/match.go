package pattern

import "sync"

// trailNode is one step of the array trail of a leaf: the leaf lies in
// element idx of array arr, within the trail parent.
type trailNode struct {
	parent int32
	arr    int32
	idx    int32
	depth  int32
}

// scratch holds the per-event working state of a match. Scratches are
// pooled; nothing in them is shared between concurrent matches.
type scratch struct {
	leaves   []leaf
	heads    []int32  // first leaf per path number, valid when stamp matches
	counts   []int32  // leaves per path number
	stamp    []uint32 // per path number
	epoch    uint32
	present  []int32 // path numbers with leaves, in order of appearance
	trails   []trailNode
	objTrail bool // some leaf lies in an object that is an array element
	nextArr  int32

	cand     []uint64 // candidate branches seen, by branch id
	candList []terminal
	ruleSeen []uint64 // rules already reported, by rule number
	ruleList []int32
	found    []string

	key   []byte
	key2  []byte
	chain [2][]int32 // trail chains for conflict checks
	pick  []int32    // chosen leaf per condition during verification
}

var scratchPool = sync.Pool{New: func() any { return &scratch{} }}

func getScratch(sd *side) *scratch {
	sc := scratchPool.Get().(*scratch)
	sc.reset(sd)
	return sc
}

func putScratch(sc *scratch) {
	if cap(sc.leaves) > 1<<16 {
		sc.leaves = nil
	}
	scratchPool.Put(sc)
}

func (sc *scratch) reset(sd *side) {
	sc.leaves = sc.leaves[:0]
	sc.present = sc.present[:0]
	sc.trails = sc.trails[:0]
	sc.objTrail = false
	sc.nextArr = 0
	sc.candList = sc.candList[:0]
	sc.ruleList = sc.ruleList[:0]
	if n := int(sd.nPaths); len(sc.heads) < n {
		sc.heads = make([]int32, n+8)
		sc.counts = make([]int32, n+8)
		sc.stamp = make([]uint32, n+8)
		sc.epoch = 0
	}
	sc.epoch++
	if sc.epoch == 0 {
		clear(sc.stamp)
		sc.epoch = 1
	}
	if n := int(sd.nBranch+63) / 64; len(sc.cand) < n {
		sc.cand = make([]uint64, n+4)
	}
	if n := int(sd.nRules+63) / 64; len(sc.ruleSeen) < n {
		sc.ruleSeen = make([]uint64, n+4)
	}
}

// addLeaf records a leaf value; the caller has filled s/f/kind.
func (sc *scratch) addLeaf(path int32, kind leafKind, s string, f float64, trail int32) {
	i := int32(len(sc.leaves))
	next := int32(-1)
	if sc.stamp[path] == sc.epoch {
		next = sc.heads[path]
		sc.counts[path]++
	} else {
		sc.stamp[path] = sc.epoch
		sc.counts[path] = 1
		sc.present = append(sc.present, path)
	}
	sc.heads[path] = i
	sc.leaves = append(sc.leaves, leaf{path: path, kind: kind, s: s, f: f, next: next, trail: trail})
}

func (sc *scratch) first(path int32) int32 {
	if sc.stamp[path] != sc.epoch {
		return -1
	}
	return sc.heads[path]
}

func (sc *scratch) newTrail(parent, arr, idx int32) int32 {
	d := int32(0)
	if parent >= 0 {
		d = sc.trails[parent].depth + 1
	}
	sc.trails = append(sc.trails, trailNode{parent: parent, arr: arr, idx: idx, depth: d})
	return int32(len(sc.trails) - 1)
}

func (sc *scratch) candidates(l []terminal) {
	for _, t := range l {
		w, bit := t.id/64, uint64(1)<<(t.id%64)
		if sc.cand[w]&bit != 0 {
			continue
		}
		sc.cand[w] |= bit
		sc.candList = append(sc.candList, t)
	}
}

// conflict reports whether two leaves lie in different elements of one
// array.
func (sc *scratch) conflict(t1, t2 int32) bool {
	if t1 < 0 || t2 < 0 || t1 == t2 {
		return false
	}
	c1 := sc.chainOf(0, t1)
	c2 := sc.chainOf(1, t2)
	for i := 0; i < len(c1) && i < len(c2); i++ {
		a, b := sc.trails[c1[i]], sc.trails[c2[i]]
		if a.arr != b.arr {
			return false
		}
		if a.idx != b.idx {
			return true
		}
	}
	return false
}

// chainOf returns the trail from the root down to t.
func (sc *scratch) chainOf(slot int, t int32) []int32 {
	c := sc.chain[slot][:0]
	for ; t >= 0; t = sc.trails[t].parent {
		c = append(c, t)
	}
	for i, j := 0, len(c)-1; i < j; i, j = i+1, j-1 {
		c[i], c[j] = c[j], c[i]
	}
	sc.chain[slot] = c
	return c
}

// collect finds the branches the leaves lead to.
func (sd *side) collect(sc *scratch) {
	sd.visit(sc, &sd.root)
}

func (sd *side) visit(sc *scratch, n *node) {
	for j := range n.small {
		e := &n.small[j]
		for i := sc.first(e.path); i >= 0; i = sc.leaves[i].next {
			if e.m.matches(&sc.leaves[i]) {
				sc.candidates(e.terms)
				if e.child != nil {
					sd.visit(sc, e.child)
				}
			}
		}
	}
	for _, g := range n.groups {
		sd.lookupGroup(sc, g)
	}
	for _, pi := range n.preds {
		for i := sc.first(pi.path); i >= 0; i = sc.leaves[i].next {
			sd.lookupPred(sc, pi, &sc.leaves[i])
		}
	}
	sc.candidates(n.terminal)
}

func (sd *side) lookupGroup(sc *scratch, g *exactGroup) {
	if g.p2 < 0 {
		for i := sc.first(g.p1); i >= 0; i = sc.leaves[i].next {
			lf := &sc.leaves[i]
			sc.key = leafKey(sc.key[:0], lf)
			if c := g.buckets[string(sc.key)]; c != nil {
				sd.visit(sc, c)
			}
			if g.ipKeys > 0 && lf.kind == kindString {
				if b, v4, ok := lf.addr(); ok {
					sc.key = ipKey(sc.key[:0], b, v4)
					if c := g.buckets[string(sc.key)]; c != nil {
						sd.visit(sc, c)
					}
				}
			}
		}
		return
	}
	if sc.first(g.p2) < 0 {
		return
	}
	for i := sc.first(g.p1); i >= 0; i = sc.leaves[i].next {
		for j := sc.first(g.p2); j >= 0; j = sc.leaves[j].next {
			l1, l2 := &sc.leaves[i], &sc.leaves[j]
			sd.lookupPair(sc, g, l1, l2, false, false)
			if g.ipKeys > 0 {
				_, _, ip1 := l1.addrIfString()
				_, _, ip2 := l2.addrIfString()
				if ip1 {
					sd.lookupPair(sc, g, l1, l2, true, false)
				}
				if ip2 {
					sd.lookupPair(sc, g, l1, l2, false, true)
				}
				if ip1 && ip2 {
					sd.lookupPair(sc, g, l1, l2, true, true)
				}
			}
		}
	}
}

func (lf *leaf) addrIfString() ([16]byte, bool, bool) {
	if lf.kind != kindString {
		return [16]byte{}, false, false
	}
	return lf.addr()
}

func (sd *side) lookupPair(sc *scratch, g *exactGroup, l1, l2 *leaf, ip1, ip2 bool) {
	sc.key2 = sc.key2[:0]
	if ip1 {
		b, v4, _ := l1.addr()
		sc.key2 = ipKey(sc.key2, b, v4)
	} else {
		sc.key2 = leafKey(sc.key2, l1)
	}
	k1len := len(sc.key2)
	if ip2 {
		b, v4, _ := l2.addr()
		sc.key2 = ipKey(sc.key2, b, v4)
	} else {
		sc.key2 = leafKey(sc.key2, l2)
	}
	sc.key = pairKey(sc.key[:0], sc.key2[:k1len], sc.key2[k1len:])
	if c := g.buckets[string(sc.key)]; c != nil {
		sd.visit(sc, c)
	}
}

func (sd *side) lookupPred(sc *scratch, pi *predIndex, lf *leaf) {
	if lf.kind == kindString {
		s := lf.s
		sd.affix(sc, &pi.prefix, s, true)
		sd.affix(sc, &pi.suffix, s, false)
		if pi.prefixFold.m != nil || pi.suffixFold.m != nil || pi.fold != nil {
			f := lf.folds()
			sd.affix(sc, &pi.prefixFold, f, true)
			sd.affix(sc, &pi.suffixFold, f, false)
			if c := pi.fold[f]; c != nil {
				sd.visit(sc, c)
			}
		}
	}
	if len(pi.ab) > 0 {
		var ex []int32
		switch lf.kind {
		case kindString:
			ex = pi.abStr[lf.s]
		case kindNumber:
			ex = pi.abNum[lf.f]
		}
	entries:
		for i := range pi.ab {
			for _, x := range ex {
				if x == int32(i) {
					continue entries
				}
			}
			e := &pi.ab[i]
			sc.candidates(e.terms)
			if e.child != nil {
				sd.visit(sc, e.child)
			}
		}
	}
	for i := range pi.other {
		e := &pi.other[i]
		if e.m.matches(lf) {
			sc.candidates(e.terms)
			if e.child != nil {
				sd.visit(sc, e.child)
			}
		}
	}
}

func (sd *side) affix(sc *scratch, a *affixIndex, s string, prefix bool) {
	if a.m == nil {
		return
	}
	for _, n := range a.ls {
		if n > len(s) {
			return
		}
		var part string
		if prefix {
			part = s[:n]
		} else {
			part = s[len(s)-n:]
		}
		if c := a.m[part]; c != nil {
			sd.visit(sc, c)
		}
	}
}

// verify checks every condition of a candidate branch against the leaves.
func (sc *scratch) verify(b *boundBranch) bool {
	if !sc.objTrail {
		for ci := range b.conds {
			c := &b.conds[ci]
			i := sc.first(c.path)
			if i < 0 {
				if !c.absentOK {
					return false
				}
				continue
			}
			ok := false
			for ; i >= 0 && !ok; i = sc.leaves[i].next {
				lf := &sc.leaves[i]
				for mi := range c.matchers {
					if c.matchers[mi].matches(lf) {
						ok = true
						break
					}
				}
			}
			if !ok {
				return false
			}
		}
		return true
	}
	if cap(sc.pick) < len(b.conds) {
		sc.pick = make([]int32, len(b.conds))
	}
	sc.pick = sc.pick[:len(b.conds)]
	return sc.search(b, 0)
}

// search assigns leaves to conditions ci.. so that no two chosen leaves lie
// in different elements of the same array.
func (sc *scratch) search(b *boundBranch, ci int) bool {
	if ci == len(b.conds) {
		return true
	}
	c := &b.conds[ci]
	i := sc.first(c.path)
	if i < 0 {
		if c.absentOK {
			sc.pick[ci] = -1
			return sc.search(b, ci+1)
		}
		return false
	}
	for ; i >= 0; i = sc.leaves[i].next {
		lf := &sc.leaves[i]
		ok := false
		for mi := range c.matchers {
			if c.matchers[mi].matches(lf) {
				ok = true
				break
			}
		}
		if !ok {
			continue
		}
		compatible := true
		for pj := 0; pj < ci; pj++ {
			if p := sc.pick[pj]; p >= 0 && sc.conflict(sc.leaves[p].trail, lf.trail) {
				compatible = false
				break
			}
		}
		if !compatible {
			continue
		}
		sc.pick[ci] = i
		if sc.search(b, ci+1) {
			return true
		}
	}
	return false
}

// run collects and verifies candidates and calls emit once per matching
// rule.
func (sd *side) run(sc *scratch, emit func(t *terminal) bool) {
	sd.collect(sc)
	for _, t := range sc.candList {
		sc.cand[t.id/64] &^= 1 << (t.id % 64)
	}
	for i := range sc.candList {
		t := &sc.candList[i]
		w, bit := t.num/64, uint64(1)<<(t.num%64)
		if sc.ruleSeen[w]&bit != 0 {
			continue
		}
		if (!t.residual && !sc.objTrail) || sc.verify(t.b) {
			sc.ruleSeen[w] |= bit
			sc.ruleList = append(sc.ruleList, t.num)
			if !emit(t) {
				break
			}
		}
	}
	for _, n := range sc.ruleList {
		sc.ruleSeen[n/64] &^= 1 << (n % 64)
	}
}
