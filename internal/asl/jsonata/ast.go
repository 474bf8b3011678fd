package jsonata

// nodeKind is the kind of an expression node.
type nodeKind int

const (
	nString nodeKind = iota
	nNumber
	nValue // true, false, null
	nRegex
	nName
	nVariable
	nWildcard
	nDescendant
	nParent
	nPath
	nBinary
	nNegate
	nArray
	nObject
	nBlock
	nCondition
	nBind
	nCall
	nPartial
	nPlaceholder
	nLambda
	nApply
	nTransform
	nSort
)

// node is one node of a parsed expression.
type node struct {
	kind  nodeKind
	pos   int
	value string  // operator, name, variable or string literal
	num   float64 // number literal
	val   Value   // nValue literal, or *Regex

	lhs, rhs *node
	items    []*node    // array items, block expressions, call arguments, path steps
	pairs    [][2]*node // object constructor / group-by pairs

	// Lambdas.
	params []string
	sig    *signature
	body   *node
	thunk  bool

	// Conditions and transforms.
	cond, then, els *node
	update, del     *node

	// Sort terms.
	terms []sortTerm

	// Path step annotations.
	stages      []stage // predicates and index bindings applied per input item
	predicates  []*node // filters applied to the whole result (non-path nodes)
	group       *node   // group-by object constructor (nObject)
	focus       string  // @$var
	index       string  // #$var
	tuple       bool
	keepArray   bool
	consArray   bool
	keepSingle  bool // on paths: some step had []
	hasFocus    bool
	hasIndex    bool
	nextIsFocus bool

	// Parent operator support.
	slot     *parentSlot   // for nParent: the ancestor it names
	seeking  []*parentSlot // slots still looking for their ancestor
	ancestor *parentSlot   // on a step: record the step input under this slot
}

type stage struct {
	filter *node  // a predicate
	index  string // or an index binding #$var
}

type sortTerm struct {
	expr       *node
	descending bool
}

// parentSlot is the binding a % operator reads: the label of the step
// whose input it refers to, and how many levels up it looks.
type parentSlot struct {
	label string
	level int
	index int
}
