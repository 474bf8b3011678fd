package jsonpath

// The evaluator follows Jayway JsonPath's path tokens. Jayway raises an
// error only while the path evaluated so far is definite; once a wildcard,
// slice, union, filter or deep scan has been passed, a value that does not
// fit the next segment is skipped. So $.a.b fails when a is missing, while
// $.x[*].a.b skips the elements of x without a.

import (
	"fmt"
	"strings"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// lookup walks a simple path (names and single indexes only) without
// allocating. ok is false when the path selects nothing.
func (p *Path) lookup(v jsonvalue.Value) (jsonvalue.Value, bool) {
	for i := range p.segs {
		s := &p.segs[i]
		if s.kind == segName {
			obj, ok := v.(*jsonvalue.Object)
			if !ok {
				return nil, false
			}
			if v, ok = obj.Get(s.name); !ok {
				return nil, false
			}
			continue
		}
		arr, ok := v.([]jsonvalue.Value)
		if !ok {
			return nil, false
		}
		idx := s.index
		if idx < 0 {
			idx += len(arr)
		}
		if idx < 0 || idx >= len(arr) {
			return nil, false
		}
		v = arr[idx]
	}
	return v, true
}

// eval evaluates the path on root with the general evaluator.
func (p *Path) eval(root jsonvalue.Value) (jsonvalue.Value, error) {
	var steps int
	v, err := p.evalOn(root, root, &steps)
	if pe, ok := err.(*PathError); ok && pe.Kind == TooComplex && pe.Path != p.src {
		// Name the path the caller evaluated, not the part of it that ran
		// out of steps.
		e := evaluator{p: p}
		e.tooComplex()
		err = e.err
	}
	return v, err
}

// maxSteps bounds the work of one evaluation. Deep scans nested in deep
// scans or filters cost the product of the document sizes, and a path of a
// few characters could otherwise keep an interpreter busy for hours.
const maxSteps = 10_000_000

// evalOn evaluates the path on doc; root is the document $ stands for in
// filters and function arguments. steps counts the work done so far in the
// whole evaluation.
func (p *Path) evalOn(doc, root jsonvalue.Value, steps *int) (jsonvalue.Value, error) {
	if p.simple {
		if v, ok := p.lookup(doc); ok {
			return v, nil
		}
	}
	e := evaluator{p: p, root: root, collect: !p.definite, steps: *steps}
	e.run(doc)
	*steps = e.steps
	if e.err != nil {
		return nil, e.err
	}
	if p.definite {
		if e.count == 0 {
			n := p.Normalized()
			return nil, &PathError{Kind: NoResults, Path: p.src, At: n, Msg: "No results for path: " + n}
		}
		return e.last, nil
	}
	if e.results == nil {
		return []jsonvalue.Value{}, nil
	}
	return e.results, nil
}

// evaluator holds the state of one evaluation.
type evaluator struct {
	p    *Path
	root jsonvalue.Value // what $ stands for in filters and function arguments
	// require makes a missing property an error, as Jayway's
	// REQUIRE_PROPERTIES option does for existence tests in filters.
	require bool
	// collect keeps every result; otherwise only the last is kept, which
	// is what a definite path returns.
	collect bool
	results []jsonvalue.Value
	last    jsonvalue.Value
	count   int
	steps   int // work done, shared with nested evaluations
	err     error
}

func (e *evaluator) add(v jsonvalue.Value) {
	if e.collect {
		if e.results == nil {
			e.results = make([]jsonvalue.Value, 0, 4)
		}
		e.results = append(e.results, v)
	}
	e.last = v
	e.count++
}

// run evaluates the path on doc.
func (e *evaluator) run(doc jsonvalue.Value) {
	if e.p.inverted {
		fn := e.p.segs[len(e.p.segs)-1].fn
		v, err := fn.invokeInverted(e, doc)
		if err != nil {
			e.err = err
			return
		}
		e.add(v)
		return
	}
	e.step(0, doc)
}

// step applies segment i to v. It returns false when the evaluation failed.
func (e *evaluator) step(i int, v jsonvalue.Value) bool {
	p := e.p
	if e.steps++; e.steps > maxSteps {
		return e.tooComplex()
	}
	if i == len(p.segs) {
		e.add(v)
		return true
	}
	s := &p.segs[i]
	switch s.kind {
	case segName:
		obj, ok := v.(*jsonvalue.Object)
		if !ok {
			return e.notAnObject(i, v)
		}
		return e.property(i, obj, s.name, true)
	case segNames:
		obj, ok := v.(*jsonvalue.Object)
		if !ok {
			return e.notAnObject(i, v)
		}
		if i == len(p.segs)-1 {
			return e.merge(i, obj, s.names)
		}
		for _, n := range s.names {
			if !e.property(i, obj, n, false) {
				return false
			}
		}
		return true
	case segIndex, segIndexes, segSlice:
		arr, ok := e.checkArray(i, v)
		if !ok {
			return e.err == nil
		}
		switch s.kind {
		case segIndex:
			return e.index(i, arr, s.index)
		case segIndexes:
			for _, idx := range s.indexes {
				if !e.index(i, arr, idx) {
					return false
				}
			}
			return true
		}
		return e.slice(i, arr, s.slice)
	case segWildcard:
		switch x := v.(type) {
		case *jsonvalue.Object:
			for j := 0; j < x.Len(); j++ {
				_, cv := x.At(j)
				if !e.step(i+1, cv) {
					return false
				}
			}
		case []jsonvalue.Value:
			for _, el := range x {
				if !e.step(i+1, el) {
					return false
				}
			}
		}
		return true
	case segScan:
		if i+1 == len(p.segs) {
			// Only $..fn() leaves a scan without a target: Jayway turns it
			// into fn($..), which it cannot evaluate.
			return e.fail(FunctionFailed, p.Normalized(), "Current path token is a leaf")
		}
		return e.walk(i+1, v)
	case segFilter:
		switch x := v.(type) {
		case *jsonvalue.Object:
			if e.accept(s.filter, x) {
				return e.step(i+1, x)
			}
			return e.err == nil
		case []jsonvalue.Value:
			for _, el := range x {
				if e.accept(s.filter, el) {
					if !e.step(i+1, el) {
						return false
					}
				} else if e.err != nil {
					return false
				}
			}
			return true
		}
		if p.upstreamDefinite(i) {
			return e.fail(FilterOnPrimitive, p.normalizedUpTo(i), fmt.Sprintf(
				"Filter: %s can not be applied to primitives. Current context is: %s", p.fragmentFrom(i), javaToString(v)))
		}
		return true
	case segFunc:
		r, err := s.fn.invoke(e, v)
		if err != nil {
			e.err = err
			return false
		}
		return e.step(i+1, r)
	}
	return true
}

func (e *evaluator) tooComplex() bool {
	if e.err == nil {
		e.fail(TooComplex, e.p.Normalized(), fmt.Sprintf(
			"The path %s is too complex to evaluate on this input: it needs more than %d steps", e.p.src, maxSteps))
	}
	return false
}

func (e *evaluator) fail(kind ErrorKind, at, msg string) bool {
	e.err = &PathError{Kind: kind, Path: e.p.src, At: at, Msg: msg}
	return false
}

// notAnObject handles a name applied to something that is not an object.
func (e *evaluator) notAnObject(i int, v jsonvalue.Value) bool {
	p := e.p
	if !p.upstreamDefinite(i) {
		return true
	}
	var sb strings.Builder
	p.segs[i].appendFragment(&sb)
	at := p.normalizedUpTo(i)
	return e.fail(NotAnObject, at, fmt.Sprintf(
		"Expected to find an object with property %s in path %s but found '%s'. This is not a json object according to the JsonProvider: '%s'.",
		sb.String(), at, javaClassName(v), providerClass))
}

// property selects name from obj. tokenDefinite is false when the name is
// one of several in a segment that is not the last.
func (e *evaluator) property(i int, obj *jsonvalue.Object, name string, tokenDefinite bool) bool {
	val, ok := obj.Get(name)
	if ok {
		return e.step(i+1, val)
	}
	p := e.p
	if i == len(p.segs)-1 {
		if e.require {
			at := p.normalizedUpTo(i) + "['" + name + "']"
			return e.fail(NoResults, at, "No results for path: "+at)
		}
		return true
	}
	if (tokenDefinite && p.upstreamDefinite(i)) || e.require {
		at := p.normalizedUpTo(i) + "['" + name + "']"
		return e.fail(MissingProperty, at, "Missing property in path "+at)
	}
	return true
}

// merge selects several names from obj as the last segment: the result is
// an object with the names that are present.
func (e *evaluator) merge(i int, obj *jsonvalue.Object, names []string) bool {
	out := jsonvalue.NewObject(len(names))
	for _, n := range names {
		if v, ok := obj.Get(n); ok {
			out.Set(n, v)
		} else if e.require {
			at := e.p.normalizedUpTo(i + 1)
			return e.fail(MissingProperty, at, "Missing property in path "+at)
		}
	}
	e.add(out)
	return true
}

// checkArray returns v as an array for an index or slice segment. When v is
// not an array it reports an error if the path so far is definite, and
// otherwise returns ok false with no error so v is skipped.
func (e *evaluator) checkArray(i int, v jsonvalue.Value) (arr []jsonvalue.Value, ok bool) {
	if arr, ok := v.([]jsonvalue.Value); ok {
		return arr, true
	}
	p := e.p
	if !p.upstreamDefinite(i) {
		return nil, false
	}
	at := p.normalizedUpTo(i)
	if v == nil {
		e.fail(NullValue, at, "The path "+at+" is null")
		return nil, false
	}
	e.fail(NotAnArray, at, fmt.Sprintf("Filter: %s can only be applied to arrays. Current context is: %s",
		p.fragmentFrom(i), javaToString(v)))
	return nil, false
}

// index selects element idx, counting from the end if it is negative. An
// index out of range selects nothing, also in a definite path.
func (e *evaluator) index(i int, arr []jsonvalue.Value, idx int) bool {
	if idx < 0 {
		idx += len(arr)
	}
	if idx < 0 || idx >= len(arr) {
		return true
	}
	return e.step(i+1, arr[idx])
}

// slice applies [from:to] as Jayway does: a negative bound counts from the
// end when it stands alone ([-2:], [:-1]), but not when both are given, in
// which case each index of the range is taken as written.
func (e *evaluator) slice(i int, arr []jsonvalue.Value, op sliceOp) bool {
	n := len(arr)
	switch {
	case op.hasFrom && !op.hasTo:
		from := op.from
		if from < 0 {
			from += n
		}
		from = max(from, 0)
		for j := from; j < n; j++ {
			if !e.index(i, arr, j) {
				return false
			}
		}
	case op.hasFrom && op.hasTo:
		from, to := op.from, min(n, op.to)
		if n == 0 {
			return true
		}
		for j := from; j < to; j++ {
			if !e.index(i, arr, j) {
				return false
			}
		}
	default:
		if n == 0 {
			return true
		}
		to := op.to
		if to < 0 {
			to += n
		}
		to = min(n, to)
		for j := 0; j < to; j++ {
			if !e.index(i, arr, j) {
				return false
			}
		}
	}
	return true
}

// walk is the deep scan: it applies segment t to v and to everything below
// it, in document order.
func (e *evaluator) walk(t int, v jsonvalue.Value) bool {
	if e.steps++; e.steps > maxSteps {
		return e.tooComplex()
	}
	switch x := v.(type) {
	case *jsonvalue.Object:
		if e.scanMatch(t, x) {
			if !e.step(t, x) {
				return false
			}
		} else if e.err != nil {
			return false
		}
		for j := 0; j < x.Len(); j++ {
			_, cv := x.At(j)
			if !e.walk(t, cv) {
				return false
			}
		}
	case []jsonvalue.Value:
		if e.scanMatch(t, x) {
			if t == len(e.p.segs)-1 {
				if !e.step(t, x) {
					return false
				}
			} else {
				// Jayway applies the segment after the scanned one to
				// every element of a matching array.
				for _, el := range x {
					if !e.step(t+1, el) {
						return false
					}
				}
			}
		} else if e.err != nil {
			return false
		}
		for _, el := range x {
			if !e.walk(t, el) {
				return false
			}
		}
	}
	return true
}

// scanMatch reports whether the deep scan applies segment t to model.
func (e *evaluator) scanMatch(t int, model jsonvalue.Value) bool {
	s := &e.p.segs[t]
	switch s.kind {
	case segName:
		obj, ok := model.(*jsonvalue.Object)
		if !ok {
			return false
		}
		_, has := obj.Get(s.name)
		return has
	case segNames:
		obj, ok := model.(*jsonvalue.Object)
		if !ok {
			return false
		}
		if t != len(e.p.segs)-1 {
			return true
		}
		for _, n := range s.names {
			if _, has := obj.Get(n); !has {
				return false
			}
		}
		return true
	case segIndex, segIndexes, segSlice:
		_, ok := model.([]jsonvalue.Value)
		return ok
	case segWildcard:
		return true
	case segFilter:
		return e.accept(s.filter, model)
	}
	return false
}

// accept applies a filter to item. On an error that fails the whole
// evaluation it sets e.err and returns false.
func (e *evaluator) accept(f *expr, item jsonvalue.Value) bool {
	if e.steps++; e.steps > maxSteps {
		return e.tooComplex()
	}
	ok, err := f.apply(e, item)
	if err != nil {
		if err != errInvalid {
			e.err = e.wrapFilterError(err)
		}
		return false
	}
	return ok
}

// wrapFilterError turns an error raised while applying a filter into a
// PathError.
func (e *evaluator) wrapFilterError(err error) error {
	if _, ok := err.(*PathError); ok {
		return err
	}
	return &PathError{Kind: FilterFailed, Path: e.p.src, At: e.p.Normalized(), Msg: err.Error()}
}
