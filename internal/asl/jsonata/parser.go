package jsonata

import (
	"strings"
)

// parser is a Pratt parser over the lexer's tokens. It builds the
// evaluation tree directly: names become one-step paths, '.' joins paths,
// predicates attach to the step they follow, and so on.
type parser struct {
	lx  lexer
	tok token
	// deferred is an error found while building the tree that JSONata
	// reports only if the expression parses: a syntax error wins.
	deferred error
	slots    int // % operators seen, for their labels
}

// parse parses a whole expression.
func parse(src string) (*node, error) {
	p := &parser{lx: lexer{src: src}}
	if err := p.advance(true); err != nil {
		return nil, err
	}
	n, err := p.expression(0)
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tokEnd {
		return nil, &Error{Code: "S0201", Position: p.tok.pos, Token: p.tok.value}
	}
	if p.deferred != nil {
		return nil, p.deferred
	}
	for _, s := range seekingOf(n) {
		if s.level > 0 {
			return nil, &Error{Code: "S0217", Position: n.pos, Token: "%"}
		}
	}
	return n, nil
}

// advance reads the next token; prefix says an operand is expected.
func (p *parser) advance(prefix bool) error {
	t, err := p.lx.next(prefix)
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

func (p *parser) isOp(op string) bool { return p.tok.kind == tokOperator && p.tok.value == op }

// expect consumes the operator op.
func (p *parser) expect(op string, prefix bool) error {
	if p.tok.kind == tokEnd {
		return &Error{Code: "S0203", Position: p.tok.pos, Value: op}
	}
	if !p.isOp(op) {
		return &Error{Code: "S0202", Position: p.tok.pos, Value: op, Token: p.tok.value}
	}
	return p.advance(prefix)
}

// infix are the operators that can follow an operand; the others
// (closing brackets, separators, prefix-only symbols) bind nothing.
var infix = map[string]bool{
	".": true, "[": true, "{": true, "(": true, "@": true, "#": true, "?": true,
	"+": true, "-": true, "*": true, "/": true, "%": true, "=": true, "<": true,
	">": true, "^": true, "..": true, ":=": true, "!=": true, "<=": true,
	">=": true, "~>": true, "and": true, "or": true, "in": true, "&": true,
}

// bp is the left binding power of the current token.
func (p *parser) bp() int {
	if p.tok.kind == tokOperator && infix[p.tok.value] {
		return operators[p.tok.value]
	}
	return 0
}

func (p *parser) expression(rbp int) (*node, error) {
	t := p.tok
	if err := p.advance(false); err != nil {
		return nil, err
	}
	left, err := p.nud(t)
	if err != nil {
		return nil, err
	}
	if left.kind != nPath {
		absorbNode(left)
	}
	for rbp < p.bp() {
		t = p.tok
		if err := p.advance(true); err != nil {
			return nil, err
		}
		left, err = p.led(t, left)
		if err != nil {
			return nil, err
		}
	}
	return left, nil
}

func pathOf(n *node) *node {
	p := &node{kind: nPath, pos: n.pos, items: []*node{n}}
	if n.keepArray {
		p.keepSingle = true
	}
	return p
}

// nud parses a token in prefix position.
func (p *parser) nud(t token) (*node, error) {
	switch t.kind {
	case tokEnd:
		return nil, &Error{Code: "S0207", Position: t.pos}
	case tokString:
		return &node{kind: nString, pos: t.pos, value: t.value}, nil
	case tokNumber:
		return &node{kind: nNumber, pos: t.pos, num: t.num}, nil
	case tokValue:
		return &node{kind: nValue, pos: t.pos, val: t.b, value: t.value}, nil
	case tokRegex:
		return &node{kind: nRegex, pos: t.pos, val: t.re}, nil
	case tokName:
		return pathOf(&node{kind: nName, pos: t.pos, value: t.value}), nil
	case tokVariable:
		return &node{kind: nVariable, pos: t.pos, value: t.value}, nil
	}
	switch t.value {
	case "*":
		return pathOf(&node{kind: nWildcard, pos: t.pos}), nil
	case "**":
		return pathOf(&node{kind: nDescendant, pos: t.pos}), nil
	case "%":
		return &node{kind: nParent, pos: t.pos, slot: p.newSlot()}, nil
	case "-":
		rhs, err := p.expression(70)
		if err != nil {
			return nil, err
		}
		if rhs.kind == nNumber {
			rhs.num = -rhs.num
			return rhs, nil
		}
		return &node{kind: nNegate, pos: t.pos, rhs: rhs}, nil
	case "(":
		n := &node{kind: nBlock, pos: t.pos}
		return n, p.list(";", ")", true, func() error { return p.item(&n.items) })
	case "[":
		n := &node{kind: nArray, pos: t.pos}
		return n, p.list(",", "]", false, func() error { return p.item(&n.items) })
	case "{":
		pairs, err := p.pairs()
		if err != nil {
			return nil, err
		}
		return &node{kind: nObject, pos: t.pos, pairs: pairs}, nil
	case "|":
		n := &node{kind: nTransform, pos: t.pos}
		var err error
		if n.lhs, err = p.expression(0); err != nil {
			return nil, err
		}
		if err := p.expect("|", true); err != nil {
			return nil, err
		}
		if n.update, err = p.expression(0); err != nil {
			return nil, err
		}
		if p.isOp(",") {
			if err := p.advance(true); err != nil {
				return nil, err
			}
			if n.del, err = p.expression(0); err != nil {
				return nil, err
			}
		}
		if err := p.expect("|", false); err != nil {
			return nil, err
		}
		return n, nil
	case "?":
		return &node{kind: nPlaceholder, pos: t.pos}, nil
	case "and", "or", "in":
		// Operator words stand for field names in prefix position.
		return pathOf(&node{kind: nName, pos: t.pos, value: t.value}), nil
	}
	return nil, &Error{Code: "S0211", Position: t.pos, Token: t.value}
}

// list parses items separated by sep up to and including the closing
// operator; trailing allows a separator just before it.
func (p *parser) list(sep, closing string, trailing bool, item func() error) error {
	if !p.isOp(closing) {
		for {
			if err := item(); err != nil {
				return err
			}
			if !p.isOp(sep) {
				break
			}
			if err := p.advance(true); err != nil {
				return err
			}
			if trailing && p.isOp(closing) {
				break
			}
		}
	}
	return p.expect(closing, false)
}

// item parses one expression onto items.
func (p *parser) item(items *[]*node) error {
	e, err := p.expression(0)
	if err != nil {
		return err
	}
	*items = append(*items, e)
	return nil
}

// pairs parses the body of an object constructor up to and including }.
func (p *parser) pairs() ([][2]*node, error) {
	var out [][2]*node
	err := p.list(",", "}", false, func() error {
		k, err := p.expression(0)
		if err != nil {
			return err
		}
		if err := p.expect(":", true); err != nil {
			return err
		}
		v, err := p.expression(0)
		if err != nil {
			return err
		}
		out = append(out, [2]*node{k, v})
		return nil
	})
	return out, err
}

// lastStep returns the node that step annotations attach to: the last step
// of a path, or the node itself.
func lastStep(n *node) *node {
	if n.kind == nPath {
		return n.items[len(n.items)-1]
	}
	return n
}

// led parses a token in infix position with left operand left.
func (p *parser) led(t token, left *node) (*node, error) {
	op := t.value
	switch op {
	case ".":
		rhs, err := p.expression(operators["."])
		if err != nil {
			return nil, err
		}
		path, err := joinPath(left, rhs)
		if err != nil {
			if p.deferred == nil {
				p.deferred = err
			}
			return left, nil
		}
		return path, nil
	case "[":
		if p.isOp("]") {
			// [] keeps singleton arrays.
			step := lastStep(left)
			step.keepArray = true
			if left.kind == nPath {
				left.keepSingle = true
			}
			return left, p.advance(false)
		}
		pred, err := p.expression(0)
		if err != nil {
			return nil, err
		}
		if err := p.expect("]", false); err != nil {
			return nil, err
		}
		step := lastStep(left)
		if step.group != nil {
			return nil, &Error{Code: "S0209", Position: t.pos}
		}
		if seeking := seekingOf(pred); len(seeking) > 0 {
			for _, slot := range seeking {
				if slot.level == 1 {
					if err := seekParent(step, slot); err != nil {
						return nil, err
					}
				} else {
					slot.level--
				}
			}
			step.seeking = append(step.seeking, seeking...)
		}
		if left.kind == nPath {
			step.stages = append(step.stages, stage{filter: pred})
		} else {
			left.predicates = append(left.predicates, pred)
		}
		return left, nil
	case "{":
		pairs, err := p.pairs()
		if err != nil {
			return nil, err
		}
		if left.group != nil {
			return nil, &Error{Code: "S0210", Position: t.pos}
		}
		left.group = &node{kind: nObject, pos: t.pos, pairs: pairs}
		absorbNode(left.group)
		left.seeking = append(left.seeking, left.group.seeking...)
		return left, nil
	case "(":
		return p.call(t, left)
	case "?":
		n := &node{kind: nCondition, pos: t.pos, cond: left}
		var err error
		if n.then, err = p.expression(0); err != nil {
			return nil, err
		}
		if p.isOp(":") {
			if err := p.advance(true); err != nil {
				return nil, err
			}
			if n.els, err = p.expression(0); err != nil {
				return nil, err
			}
		}
		absorbNode(n)
		return n, nil
	case ":=":
		if left.kind != nVariable || len(left.predicates) > 0 || left.group != nil {
			return nil, &Error{Code: "S0212", Position: t.pos, Token: op}
		}
		rhs, err := p.expression(operators[":="] - 1)
		if err != nil {
			return nil, err
		}
		n := &node{kind: nBind, pos: t.pos, lhs: left, rhs: rhs}
		absorbNode(n)
		return n, nil
	case "@", "#":
		rhs, err := p.expression(operators[op])
		if err != nil {
			return nil, err
		}
		if rhs.kind != nVariable {
			return nil, &Error{Code: "S0214", Position: t.pos, Token: op}
		}
		if op == "@" {
			step := lastStep(left)
			if len(step.stages) > 0 || len(step.predicates) > 0 {
				return nil, &Error{Code: "S0215", Position: t.pos, Token: op}
			}
			if step.kind == nSort {
				return nil, &Error{Code: "S0216", Position: t.pos, Token: op}
			}
			if left.kind != nPath {
				left = pathOf(left)
				step = left.items[0]
			}
			step.focus, step.hasFocus, step.tuple = rhs.value, true, true
			return left, nil
		}
		if left.kind != nPath {
			left = pathOf(left)
		}
		step := lastStep(left)
		if len(step.stages) == 0 {
			step.index, step.hasIndex = rhs.value, true
		} else {
			step.stages = append(step.stages, stage{index: rhs.value})
		}
		step.tuple = true
		return left, nil
	case "^":
		if err := p.expect("(", true); err != nil {
			return nil, err
		}
		s := &node{kind: nSort, pos: t.pos}
		for {
			desc := false
			if p.isOp("<") {
				if err := p.advance(true); err != nil {
					return nil, err
				}
			} else if p.isOp(">") {
				desc = true
				if err := p.advance(true); err != nil {
					return nil, err
				}
			}
			e, err := p.expression(0)
			if err != nil {
				return nil, err
			}
			s.terms = append(s.terms, sortTerm{expr: e, descending: desc})
			if !p.isOp(",") {
				break
			}
			if err := p.advance(true); err != nil {
				return nil, err
			}
		}
		if err := p.expect(")", false); err != nil {
			return nil, err
		}
		if left.kind != nPath {
			left = pathOf(left)
		}
		for _, term := range s.terms {
			absorb(s, term.expr)
		}
		left.items = append(left.items, s)
		if err := resolveAncestry(left); err != nil {
			return nil, err
		}
		return left, nil
	case "~>":
		rhs, err := p.expression(operators[op])
		if err != nil {
			return nil, err
		}
		n := &node{kind: nApply, pos: t.pos, lhs: left, rhs: rhs}
		absorbNode(n)
		return n, nil
	}
	if _, ok := operators[op]; ok && t.kind == tokOperator {
		rhs, err := p.expression(operators[op])
		if err != nil {
			return nil, err
		}
		n := &node{kind: nBinary, pos: t.pos, value: op, lhs: left, rhs: rhs}
		absorbNode(n)
		return n, nil
	}
	return nil, &Error{Code: "S0201", Position: t.pos, Token: op}
}

// joinPath builds lhs.rhs.
func joinPath(lhs, rhs *node) (*node, error) {
	var path *node
	if lhs.kind == nPath {
		path = lhs
	} else {
		path = &node{kind: nPath, pos: lhs.pos, items: []*node{lhs}}
		if lhs.kind == nParent {
			path.seeking = []*parentSlot{lhs.slot}
		}
	}
	if rhs.kind == nPath && rhs.group == nil {
		last := rhs.items[len(rhs.items)-1]
		last.seeking = append(last.seeking, rhs.seeking...)
		path.items = append(path.items, rhs.items...)
		if rhs.keepSingle {
			path.keepSingle = true
		}
	} else {
		if len(rhs.predicates) > 0 {
			for _, pr := range rhs.predicates {
				rhs.stages = append(rhs.stages, stage{filter: pr})
			}
			rhs.predicates = nil
		}
		path.items = append(path.items, rhs)
	}
	for _, s := range path.items {
		switch s.kind {
		case nNumber, nValue:
			v := Value(s.num)
			if s.kind == nValue {
				v = s.val
			}
			return nil, &Error{Code: "S0213", Position: s.pos, Value: v}
		case nString:
			s.kind = nName
		}
		if s.keepArray {
			path.keepSingle = true
		}
	}
	if first := path.items[0]; first.kind == nArray {
		first.consArray = true
	}
	if last := path.items[len(path.items)-1]; last.kind == nArray {
		last.consArray = true
	}
	if err := resolveAncestry(path); err != nil {
		return nil, err
	}
	return path, nil
}

// call parses a function call, partial application or lambda definition
// after its opening parenthesis.
func (p *parser) call(t token, left *node) (*node, error) {
	n := &node{kind: nCall, pos: t.pos, lhs: left}
	err := p.list(",", ")", false, func() error {
		if p.isOp("?") {
			n.items = append(n.items, &node{kind: nPlaceholder, pos: p.tok.pos})
			n.kind = nPartial
			return p.advance(false)
		}
		return p.item(&n.items)
	})
	if err != nil {
		return nil, err
	}
	if left.kind == nPath && len(left.items) == 1 && left.items[0].kind == nName &&
		(left.items[0].value == "function" || left.items[0].value == "λ") {
		return p.lambda(t, n)
	}
	absorbNode(n)
	return n, nil
}

// lambda finishes function($a, $b)<sig>{ body }.
func (p *parser) lambda(t token, call *node) (*node, error) {
	fn := &node{kind: nLambda, pos: t.pos}
	for _, a := range call.items {
		if a.kind != nVariable {
			return nil, &Error{Code: "S0208", Position: a.pos, Value: a.value}
		}
		fn.params = append(fn.params, a.value)
	}
	if p.isOp("<") {
		// The signature is read as raw text up to its matching >.
		src := p.lx.src
		start := p.tok.pos - 1
		depth, i := 0, start
		for ; i < len(src); i++ {
			if src[i] == '<' {
				depth++
			} else if src[i] == '>' {
				depth--
				if depth == 0 {
					break
				}
			}
		}
		if i >= len(src) {
			return nil, &Error{Code: "S0401", Position: start}
		}
		sig, err := parseSignature(strings.Join(strings.Fields(src[start:i+1]), ""))
		if err != nil {
			if je, ok := err.(*Error); ok {
				je.Position = start
				return nil, je
			}
			return nil, &Error{Code: "S0401", Position: start, Detail: err.Error()}
		}
		fn.sig = sig
		p.lx.pos = i + 1
		if err := p.advance(false); err != nil {
			return nil, err
		}
	}
	if err := p.expect("{", true); err != nil {
		return nil, err
	}
	body, err := p.expression(0)
	if err != nil {
		return nil, err
	}
	if err := p.expect("}", false); err != nil {
		return nil, err
	}
	fn.body = tailCall(body)
	return fn, nil
}

// tailCall marks calls in tail position to run as thunks, so that
// tail-recursive lambdas run in constant stack.
func tailCall(n *node) *node {
	switch n.kind {
	case nCall:
		if len(n.predicates) == 0 && n.group == nil {
			return &node{kind: nLambda, pos: n.pos, thunk: true, body: n}
		}
	case nCondition:
		n.then = tailCall(n.then)
		if n.els != nil {
			n.els = tailCall(n.els)
		}
	case nBlock:
		if len(n.items) > 0 {
			n.items[len(n.items)-1] = tailCall(n.items[len(n.items)-1])
		}
	}
	return n
}
