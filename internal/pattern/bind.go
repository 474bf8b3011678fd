package pattern

import "sort"

// numbering hands out the dense numbers of paths, branches and rules of one
// Pattern or Matcher. Numbers of removed rules and branches are reused.
type numbering struct {
	paths      map[string]int32
	nextBranch int32
	freeBranch []int32
	nextRule   int32
	freeRule   []int32
}

func newNumbering() *numbering {
	return &numbering{paths: map[string]int32{}}
}

func (n *numbering) path(p string) int32 {
	id, ok := n.paths[p]
	if !ok {
		id = int32(len(n.paths))
		n.paths[p] = id
	}
	return id
}

func (n *numbering) branch() int32 {
	if k := len(n.freeBranch); k > 0 {
		id := n.freeBranch[k-1]
		n.freeBranch = n.freeBranch[:k-1]
		return id
	}
	n.nextBranch++
	return n.nextBranch - 1
}

func (n *numbering) rule() int32 {
	if k := len(n.freeRule); k > 0 {
		id := n.freeRule[k-1]
		n.freeRule = n.freeRule[:k-1]
		return id
	}
	n.nextRule++
	return n.nextRule - 1
}

// release returns the numbers of a rule that no index refers to any more.
func (n *numbering) release(r *boundRule) {
	n.freeRule = append(n.freeRule, r.num)
	for _, b := range r.branches {
		n.freeBranch = append(n.freeBranch, b.id)
	}
}

// bind numbers a compiled pattern and plans the steps of its branches.
func (n *numbering) bind(id string, def *ruleDef) *boundRule {
	r := &boundRule{id: id, num: n.rule()}
	seen := map[string]bool{}
	names := map[int32]string{}
	for _, bd := range def.branches {
		b := &boundBranch{id: n.branch(), rule: r}
		for _, c := range bd.conds {
			pid := n.path(c.path)
			names[pid] = c.path
			if !seen[c.path] {
				seen[c.path] = true
				r.paths = append(r.paths, c.path)
			}
			b.conds = append(b.conds, boundCond{path: pid, matchers: c.matchers, absentOK: c.absentOK})
		}
		// cheap, selective conditions first, so verification fails fast
		sort.SliceStable(b.conds, func(i, j int) bool {
			return condCost(&b.conds[i]) < condCost(&b.conds[j])
		})
		planSteps(b, func(p int32) string { return names[p] })
		r.branches = append(r.branches, b)
	}
	return r
}

func condCost(c *boundCond) int {
	cost := 0
	for i := range c.matchers {
		if pc := predCost(c.matchers[i].kind); pc > cost {
			cost = pc
		}
	}
	if c.absentOK && cost < 4 {
		cost = 4
	}
	return cost
}
