package teststate

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sluice-run/sluice/internal/asl"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// wrapName is the name a single-state definition runs under. AWS uses the
// same name: the default context object of a test reports it as
// $$.State.Name.
const wrapName = "StateName"

// target is the state under test and where it sits in its definition.
type target struct {
	state *asl.State
	// inMap reports whether the state is inside a Map item processor, so
	// the default context object holds $$.Map.
	inMap bool
}

// load parses the definition and finds the state to test. A single state
// is parsed as the only state of a machine, next to a Succeed state for
// each transition target it names, so that asl.Parse validates it exactly
// as it validates a state of a full machine while targets that TestState
// never visits need not exist.
func load(text []byte, stateName string) (*target, error) {
	if stateName != "" {
		def, diags := asl.Parse(text)
		if def == nil {
			return nil, definitionError(diags)
		}
		s, inMap := find(def, stateName, false)
		if s == nil {
			return nil, validationError("State not found in definition")
		}
		return &target{state: s, inMap: inMap}, nil
	}
	v, err := jsonvalue.Parse(text)
	obj, isObj := v.(*jsonvalue.Object)
	if err != nil || !isObj {
		// Let the parser word the problem: empty text, invalid JSON or a
		// definition that is not an object.
		_, diags := asl.Parse(text)
		return nil, definitionError(diags)
	}
	nested := map[string]bool{}
	nestedNames(obj, nested, 0)
	next := targets(obj)
	// The state runs as "StateName" unless it names a state so itself: a
	// single state has no name, so such a target is another state.
	own := wrapName
	for nested[own] || slices.Contains(next, own) {
		own += "_"
	}
	var b strings.Builder
	b.Grow(len(text) + 64)
	b.WriteString(`{"StartAt":`)
	b.Write(jsonvalue.AppendString(nil, own))
	b.WriteString(`,"States":{`)
	b.Write(jsonvalue.AppendString(nil, own))
	b.WriteByte(':')
	b.Write(text)
	for _, name := range next {
		if nested[name] || !validName(name) {
			// The parser reports such a target as missing.
			continue
		}
		b.WriteByte(',')
		b.Write(jsonvalue.AppendString(nil, name))
		b.WriteString(`:{"Type":"Succeed"}`)
	}
	b.WriteString(`}}`)
	def, diags := asl.Parse([]byte(b.String()))
	if def == nil {
		return nil, definitionError(diags)
	}
	return &target{state: def.State(own)}, nil
}

// definitionError is the InvalidDefinition exception for diags.
func definitionError(diags asl.Diagnostics) *Error {
	errs := diags.Errors()
	if len(errs) == 0 {
		errs = asl.Diagnostics{{Severity: asl.SeverityError, Code: asl.CodeSchemaValidationFailed, Message: "The definition is not valid"}}
	}
	return &Error{Code: CodeInvalidDefinition, Message: errs.Error(), Diagnostics: errs}
}

// find looks for the state called name in def and in the machines nested
// in its Parallel and Map states.
func find(def *asl.Definition, name string, inMap bool) (*asl.State, bool) {
	if s := def.State(name); s != nil {
		return s, inMap
	}
	for _, s := range def.States {
		for _, b := range s.Branches {
			if f, m := find(b, name, inMap); f != nil {
				return f, m
			}
		}
		if s.ItemProcessor != nil {
			if f, m := find(s.ItemProcessor, name, true); f != nil {
				return f, m
			}
		}
	}
	return nil, false
}

// targets returns the transition targets a state's JSON names: Next,
// Default, and the Next of its Choice rules and catchers, in order and
// without repeats.
func targets(obj *jsonvalue.Object) []string {
	var out []string
	seen := map[string]bool{}
	add := func(v jsonvalue.Value, ok bool) {
		if s, isStr := v.(string); ok && isStr && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	add(obj.Get("Next"))
	add(obj.Get("Default"))
	for _, field := range []string{"Choices", "Catch"} {
		v, _ := obj.Get(field)
		arr, _ := v.([]jsonvalue.Value)
		for _, e := range arr {
			if o, ok := e.(*jsonvalue.Object); ok {
				add(o.Get("Next"))
			}
		}
	}
	return out
}

// nestedNames collects the names of the states in the machines nested in
// a state's JSON, which a transition target must not repeat.
func nestedNames(state *jsonvalue.Object, names map[string]bool, depth int) {
	if depth > 64 {
		return
	}
	var machines []*jsonvalue.Object
	if v, ok := state.Get("Branches"); ok {
		arr, _ := v.([]jsonvalue.Value)
		for _, b := range arr {
			if o, ok := b.(*jsonvalue.Object); ok {
				machines = append(machines, o)
			}
		}
	}
	for _, key := range []string{"ItemProcessor", "Iterator"} {
		if v, ok := state.Get(key); ok {
			if o, ok := v.(*jsonvalue.Object); ok {
				machines = append(machines, o)
			}
		}
	}
	for _, m := range machines {
		v, _ := m.Get("States")
		states, _ := v.(*jsonvalue.Object)
		for i := 0; i < states.Len(); i++ {
			name, sv := states.At(i)
			names[name] = true
			if so, ok := sv.(*jsonvalue.Object); ok {
				nestedNames(so, names, depth+1)
			}
		}
	}
}

// validName reports whether the parser accepts name as a state name.
func validName(name string) bool {
	n := utf8.RuneCountInString(name)
	if n == 0 || n > asl.MaxStateNameLength {
		return false
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}
