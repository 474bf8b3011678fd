package jsonata

import "strconv"

// The parent operator % refers to the context of the step before the one
// whose context it is in. While parsing, each % gets a slot that "seeks"
// its ancestor step; slots travel up the tree with the nodes holding them
// until a path resolves them by walking its steps backwards: a name or
// wildcard step one level up binds the slot, and at evaluation that step
// records its input under the slot's label in the binding tuples.

// newSlot returns the slot for a new % operator.
func (p *parser) newSlot() *parentSlot {
	p.slots++
	return &parentSlot{label: "!" + strconv.Itoa(p.slots-1), level: 1}
}

// seekingOf returns the slots n and its subtree still carry.
func seekingOf(n *node) []*parentSlot {
	if n == nil {
		return nil
	}
	if n.kind == nParent {
		return append(append([]*parentSlot(nil), n.seeking...), n.slot)
	}
	return n.seeking
}

// absorb gathers the slots of a new node's operands.
func absorb(n *node, children ...*node) {
	for _, c := range children {
		n.seeking = append(n.seeking, seekingOf(c)...)
	}
}

// absorbNode gathers the slots of every operand of a composite node.
func absorbNode(n *node) {
	switch n.kind {
	case nBinary, nApply:
		absorb(n, n.lhs, n.rhs)
	case nNegate:
		absorb(n, n.rhs)
	case nArray, nBlock, nCall, nPartial:
		absorb(n, n.items...)
	case nObject:
		for _, pr := range n.pairs {
			absorb(n, pr[0], pr[1])
		}
	case nCondition:
		absorb(n, n.cond, n.then, n.els)
	case nBind:
		absorb(n, n.rhs)
	}
}

// resolveAncestry resolves the slots sought by a path's last step against
// the steps before it; slots it cannot resolve move up to the path.
func resolveAncestry(path *node) error {
	last := path.items[len(path.items)-1]
	for _, slot := range seekingOf(last) {
		index := len(path.items) - 2
		for slot.level > 0 {
			if index < 0 {
				path.seeking = append(path.seeking, slot)
				break
			}
			step := path.items[index]
			index--
			// Consecutive steps that bind the focus count as one.
			for index >= 0 && step.hasFocus && path.items[index].hasFocus {
				step = path.items[index]
				index--
			}
			if err := seekParent(step, slot); err != nil {
				return err
			}
		}
	}
	return nil
}

// seekParent moves a slot one step back through node.
func seekParent(n *node, slot *parentSlot) error {
	switch n.kind {
	case nName, nWildcard:
		slot.level--
		if slot.level == 0 {
			if n.ancestor == nil {
				n.ancestor = slot
			} else {
				slot.label = n.ancestor.label
			}
			n.tuple = true
		}
	case nParent:
		slot.level++
	case nBlock:
		if len(n.items) > 0 {
			n.tuple = true
			return seekParent(n.items[len(n.items)-1], slot)
		}
	case nPath:
		n.tuple = true
		for i := len(n.items) - 1; i >= 0 && slot.level > 0; i-- {
			if err := seekParent(n.items[i], slot); err != nil {
				return err
			}
		}
	default:
		return &Error{Code: "S0217", Position: n.pos, Token: kindName(n.kind)}
	}
	return nil
}

func kindName(k nodeKind) string {
	switch k {
	case nString:
		return "string"
	case nNumber:
		return "number"
	case nValue:
		return "value"
	case nVariable:
		return "variable"
	case nCall:
		return "function"
	case nArray, nObject, nNegate:
		return "unary"
	case nBinary:
		return "binary"
	case nCondition:
		return "condition"
	case nLambda:
		return "lambda"
	case nSort:
		return "sort"
	}
	return "expression"
}
