// Package jsonpath implements JSONPath as AWS Step Functions evaluates it in
// the JSONPath query language: full paths (InputPath, OutputPath, payload
// templates, ItemsPath) with Jayway JsonPath semantics, reference paths
// (ResultPath, Choice variables, *Path fields) that name exactly one node,
// and the roots $ (state input), $$ (context object) and $name (variables).
//
// Step Functions evaluates paths with the Java library Jayway JsonPath, and
// this package reproduces its behaviour, including its quirks: which paths
// are definite, what a missing property does in a definite or indefinite
// path, how slices treat negative bounds, how filters compare values of
// different types, and the error texts that end up in execution histories.
// The files of the package follow Jayway's structure: parse.go is its path
// compiler, eval.go its path tokens, filter.go and filtereval.go its filter
// compiler and evaluators, function.go its path functions, and java.go the
// Java behaviours (number printing, string ordering) that show through.
//
// A Path is compiled once and evaluated many times. Evaluating a simple
// definite path such as $.a.b[0] does not allocate.
package jsonpath

import (
	"errors"
	"strconv"
	"strings"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// Root says what a path starts from.
type Root int

const (
	// RootInput is "$": the effective input of the state.
	RootInput Root = iota
	// RootContext is "$$": the context object.
	RootContext
	// RootVariable is "$name": a workflow variable.
	RootVariable

	// rootCurrent is "@", the current item inside a filter.
	rootCurrent
)

// Env is what a path is evaluated against.
type Env struct {
	// Input is the value of "$".
	Input jsonvalue.Value
	// Context is the value of "$$".
	Context jsonvalue.Value
	// Var looks up the variable "$name"; nil means no variables exist.
	Var func(name string) (jsonvalue.Value, bool)
}

// ErrNotFound is wrapped by errors from Eval when a definite path selects
// nothing, and by the other errors Eval returns as *PathError (see there).
var ErrNotFound = errors.New("no results for path")

// Path is a compiled JSONPath expression. A Path is immutable and safe for
// concurrent use.
type Path struct {
	src  string
	root Root
	name string // variable name for RootVariable
	segs []segment

	// firstIndef is the index of the first segment that can select more
	// than one node (len(segs) if none). Jayway raises errors only while
	// the path so far is definite, that is for segments up to this one.
	firstIndef int
	definite   bool
	// simple is set when every segment is a single name or index, so Eval
	// can walk the document without the general evaluator.
	simple bool
	// reference is set when the path qualifies as a reference path.
	reference bool
	// inverted is set for a path such as $..price.sum(): a deep scan
	// followed by a function, which Jayway evaluates as sum($..price).
	inverted bool
}

// Parse compiles a full JSONPath expression as Step Functions accepts it in
// InputPath, OutputPath, payload templates and ItemsPath.
func Parse(src string) (*Path, error) {
	return compile(src, false)
}

// ParseReference compiles a reference path: a path that identifies a single
// node, made only of names and array indexes (no wildcards, filters,
// slices, unions or deep scans), as ResultPath, Choice Variable, the
// *Path comparison operators, SecondsPath and TimestampPath require.
func ParseReference(src string) (*Path, error) {
	return compile(src, true)
}

// Valid reports whether src is a path Parse accepts.
func Valid(src string) bool {
	_, err := Parse(src)
	return err == nil
}

// ValidReference reports whether src is a path ParseReference accepts.
func ValidReference(src string) bool {
	_, err := ParseReference(src)
	return err == nil
}

// String returns the path as written.
func (p *Path) String() string { return p.src }

// Normalized returns the path in Jayway's bracket notation, for example
// $['a']['b'][0], as it appears in AWS error messages. A filter prints as
// [?] and a function as .name() or .name(...). Paths on the context object
// and on variables keep their root: $$['Execution']['Id'], $x['a'].
func (p *Path) Normalized() string {
	if p.inverted {
		fn := p.segs[len(p.segs)-1].fn
		return p.prefix() + "." + fn.name + "()"
	}
	return p.normalizedUpTo(len(p.segs))
}

// Root returns what the path starts from.
func (p *Path) Root() Root { return p.root }

// Variable returns the variable name for a RootVariable path.
func (p *Path) Variable() string { return p.name }

// Definite reports whether the path can select at most one node.
func (p *Path) Definite() bool { return p.definite }

// IsReference reports whether the path qualifies as a reference path: the
// root followed only by single names and single indexes.
func (p *Path) IsReference() bool { return p.reference }

// UsesFunctions reports whether the path calls a path function such as
// length() or sum(). Step Functions' documentation lists such functions as
// unsupported and executions have been recorded failing on $.a.sum() with
// "could not be found in the input"; a caller that must reproduce that can
// refuse such paths.
func (p *Path) UsesFunctions() bool {
	return len(p.segs) > 0 && p.segs[len(p.segs)-1].kind == segFunc
}

// Eval evaluates the path. A definite path returns the selected value, or an
// error wrapping ErrNotFound. An indefinite path returns a []jsonvalue.Value
// of the matches, possibly empty; it fails too when its definite beginning
// fails, as $.missing[*] does. Errors are *PathError values whose messages
// are Jayway's.
func (p *Path) Eval(env *Env) (jsonvalue.Value, error) {
	root, err := p.rootValue(env)
	if err != nil {
		return nil, err
	}
	if p.simple {
		if v, ok := p.lookup(root); ok {
			return v, nil
		}
	}
	return p.eval(root)
}

// Set returns doc with the node the reference path p names set to v, as
// ResultPath does: intermediate objects are created as needed, containers
// along the path are copied and everything else is shared. A replaced key
// keeps its position and a new key goes last. An index names an element
// of an existing array (from the end if negative); an index past the end,
// or on a missing value, pads the array with nulls, so $.list[0] on
// {"a":1} gives {"a":1,"list":[v]}. Set fails with a *SetError when the
// path runs into a value that is not the object or array it needs.
func (p *Path) Set(doc, v jsonvalue.Value) (jsonvalue.Value, error) {
	if !p.reference {
		return nil, errors.New("jsonpath: " + p.src + " is not a reference path")
	}
	return p.set(doc, 0, doc, true, v)
}

// rootValue returns the document the path starts from.
func (p *Path) rootValue(env *Env) (jsonvalue.Value, error) {
	if env == nil {
		env = &Env{}
	}
	switch p.root {
	case RootContext:
		return env.Context, nil
	case RootVariable:
		if env.Var != nil {
			if v, ok := env.Var(p.name); ok {
				return v, nil
			}
		}
		return nil, &PathError{Kind: UndefinedVariable, Path: p.src, At: "$" + p.name,
			Msg: "The variable $" + p.name + " is not defined"}
	}
	return env.Input, nil
}

// prefix returns how the root prints.
func (p *Path) prefix() string {
	switch p.root {
	case RootContext:
		return "$$"
	case RootVariable:
		return "$" + p.name
	case rootCurrent:
		return "@"
	}
	return "$"
}

// normalizedUpTo returns the bracket notation of the root and the first n
// segments.
func (p *Path) normalizedUpTo(n int) string {
	var sb strings.Builder
	sb.WriteString(p.prefix())
	for i := 0; i < n; i++ {
		p.segs[i].appendFragment(&sb)
	}
	return sb.String()
}

// fragmentFrom returns the fragments of the segments from i on, as Jayway
// prints a token followed by the rest of the path.
func (p *Path) fragmentFrom(i int) string {
	var sb strings.Builder
	for ; i < len(p.segs); i++ {
		p.segs[i].appendFragment(&sb)
	}
	return sb.String()
}

// segKind is the kind of a path segment, after Jayway's path tokens.
type segKind uint8

const (
	segName     segKind = iota // ['a'] or .a
	segNames                   // ['a','b']
	segIndex                   // [0]
	segIndexes                 // [0,2]
	segSlice                   // [1:3]
	segWildcard                // [*] or .*
	segScan                    // ..
	segFilter                  // [?(...)]
	segFunc                    // .length()
)

// segment is one step of a path.
type segment struct {
	kind    segKind
	name    string
	names   []string
	index   int
	indexes []int
	slice   sliceOp
	filter  *expr
	fn      *funcCall
	offset  int // byte offset in the source, for messages
}

// sliceOp is an array slice; Jayway has no step.
type sliceOp struct {
	from, to       int
	hasFrom, hasTo bool
}

func (s *segment) appendFragment(sb *strings.Builder) {
	switch s.kind {
	case segName:
		sb.WriteString("['")
		sb.WriteString(s.name)
		sb.WriteString("']")
	case segNames:
		sb.WriteByte('[')
		for i, n := range s.names {
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteByte('\'')
			sb.WriteString(n)
			sb.WriteByte('\'')
		}
		sb.WriteByte(']')
	case segIndex:
		sb.WriteByte('[')
		sb.WriteString(strconv.Itoa(s.index))
		sb.WriteByte(']')
	case segIndexes:
		sb.WriteByte('[')
		for i, n := range s.indexes {
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(strconv.Itoa(n))
		}
		sb.WriteByte(']')
	case segSlice:
		sb.WriteByte('[')
		if s.slice.hasFrom {
			sb.WriteString(strconv.Itoa(s.slice.from))
		}
		sb.WriteByte(':')
		if s.slice.hasTo {
			sb.WriteString(strconv.Itoa(s.slice.to))
		}
		sb.WriteByte(']')
	case segWildcard:
		sb.WriteString("[*]")
	case segScan:
		sb.WriteString("..")
	case segFilter:
		sb.WriteString("[?]")
	case segFunc:
		sb.WriteByte('.')
		sb.WriteString(s.fn.name)
		if len(s.fn.params) > 0 {
			sb.WriteString("(...)")
		} else {
			sb.WriteString("()")
		}
	}
}

// tokenDefinite reports whether segment i selects at most one node, as
// Jayway's isTokenDefinite does. Several names are definite only as the last
// segment, where Jayway merges them into one object.
func (p *Path) tokenDefinite(i int) bool {
	switch p.segs[i].kind {
	case segName, segIndex, segFunc:
		return true
	case segNames:
		return i == len(p.segs)-1
	}
	return false
}

// upstreamDefinite reports whether the segments before i are all definite.
func (p *Path) upstreamDefinite(i int) bool { return i <= p.firstIndef }

// finish computes the derived fields after the segments are known.
func (p *Path) finish() {
	p.firstIndef = len(p.segs)
	for i := range p.segs {
		if !p.tokenDefinite(i) {
			p.firstIndef = i
			break
		}
	}
	p.definite = p.firstIndef == len(p.segs)
	n := len(p.segs)
	if n > 1 && p.segs[n-1].kind == segFunc && p.segs[0].kind == segScan {
		// Jayway rewrites $..x.fn() as $.fn($..x), which is definite.
		p.inverted = true
		p.definite = true
		fn := p.segs[n-1].fn
		fn.scan = &Path{src: p.src, root: p.root, name: p.name, segs: p.segs[:n-1]}
		fn.scan.finish()
		fn.scanAll = withWildcard(fn.scan)
	}
	p.simple, p.reference = true, true
	for i := range p.segs {
		if k := p.segs[i].kind; k != segName && k != segIndex {
			p.simple, p.reference = false, false
		}
	}
}
