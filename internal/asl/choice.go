package asl

import (
	"fmt"
	"strings"
	"time"

	"github.com/sluice-run/sluice/internal/asl/jsonpath"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// Operator is a Choice rule comparison operator.
type Operator int

// The comparison operators of a Choice rule.
const (
	OpNone Operator = iota
	OpStringEquals
	OpStringLessThan
	OpStringGreaterThan
	OpStringLessThanEquals
	OpStringGreaterThanEquals
	OpStringMatches
	OpNumericEquals
	OpNumericLessThan
	OpNumericGreaterThan
	OpNumericLessThanEquals
	OpNumericGreaterThanEquals
	OpBooleanEquals
	OpTimestampEquals
	OpTimestampLessThan
	OpTimestampGreaterThan
	OpTimestampLessThanEquals
	OpTimestampGreaterThanEquals
	OpIsNull
	OpIsPresent
	OpIsNumeric
	OpIsString
	OpIsBoolean
	OpIsTimestamp
)

var operatorNames = map[string]Operator{
	"StringEquals": OpStringEquals, "StringLessThan": OpStringLessThan, "StringGreaterThan": OpStringGreaterThan,
	"StringLessThanEquals": OpStringLessThanEquals, "StringGreaterThanEquals": OpStringGreaterThanEquals,
	"StringMatches": OpStringMatches,
	"NumericEquals": OpNumericEquals, "NumericLessThan": OpNumericLessThan, "NumericGreaterThan": OpNumericGreaterThan,
	"NumericLessThanEquals": OpNumericLessThanEquals, "NumericGreaterThanEquals": OpNumericGreaterThanEquals,
	"BooleanEquals":   OpBooleanEquals,
	"TimestampEquals": OpTimestampEquals, "TimestampLessThan": OpTimestampLessThan, "TimestampGreaterThan": OpTimestampGreaterThan,
	"TimestampLessThanEquals": OpTimestampLessThanEquals, "TimestampGreaterThanEquals": OpTimestampGreaterThanEquals,
	"IsNull": OpIsNull, "IsPresent": OpIsPresent, "IsNumeric": OpIsNumeric, "IsString": OpIsString,
	"IsBoolean": OpIsBoolean, "IsTimestamp": OpIsTimestamp,
}

// pathTwin reports whether the operator has a ...Path form (all but
// StringMatches and the type tests).
func (op Operator) pathTwin() bool {
	return op != OpStringMatches && op < OpIsNull
}

// ChoiceRule is one rule of a Choice state: a comparison, or an And, Or or
// Not of nested rules. Only top-level rules have Next.
type ChoiceRule struct {
	Pointer   string
	Next      string
	NextState *State
	// Condition is a JSONata rule's test. Assign, JAssign and Output apply
	// when the rule is chosen.
	Condition *JTemplate
	Assign    *Template
	JAssign   *JTemplate
	Output    *JTemplate

	And []*ChoiceRule
	Or  []*ChoiceRule
	Not *ChoiceRule

	Variable *jsonpath.Path
	Op       Operator
	// OpName is the operator as written, e.g. "NumericEqualsPath".
	OpName string
	// Value is the literal operand; ValuePath is set instead for the
	// ...Path operators.
	Value     jsonvalue.Value
	ValuePath *jsonpath.Path

	timestamp time.Time
	pattern   []globPart
}

func (r *ChoiceRule) usesContext() bool {
	isCtx := func(p *jsonpath.Path) bool { return p != nil && p.Root() == jsonpath.RootContext }
	if isCtx(r.Variable) || isCtx(r.ValuePath) {
		return true
	}
	for _, c := range append(append([]*ChoiceRule{}, r.And...), r.Or...) {
		if c.usesContext() {
			return true
		}
	}
	return r.Not != nil && r.Not.usesContext()
}

func (p *parser) choiceState(s *State, obj *jsonvalue.Object, ptr string) {
	f := fields{p: p, obj: obj, ptr: ptr}
	s.Default, _ = f.str("Default")
	v, ok := obj.Get("Choices")
	if !ok {
		p.schemaError(ptr, "These fields are required: [Choices]")
		return
	}
	arr, ok := v.([]jsonvalue.Value)
	if !ok {
		p.schemaError(ptr+"/Choices", "The field 'Choices' must be an array but was %s", jsonTypeUpper(v))
		return
	}
	if len(arr) == 0 {
		p.schemaError(ptr+"/Choices", "The field 'Choices' must have at least one rule")
	}
	for i, e := range arr {
		rptr := fmt.Sprintf("%s/Choices[%d]", ptr, i)
		var r *ChoiceRule
		if s.IsJSONata() {
			r = p.jsonataRule(e, rptr)
		} else {
			r = p.choiceRule(e, rptr, true)
		}
		if r != nil {
			s.Choices = append(s.Choices, r)
		}
	}
}

// jsonataRule parses a choice rule of a JSONata Choice state: a
// Condition, Next, and optional Assign and Output.
func (p *parser) jsonataRule(v jsonvalue.Value, ptr string) *ChoiceRule {
	o, ok := v.(*jsonvalue.Object)
	if !ok {
		p.schemaError(ptr, "A choice rule must be an object but was %s", jsonTypeUpper(v))
		return nil
	}
	f := fields{p: p, obj: o, ptr: ptr}
	r := &ChoiceRule{Pointer: ptr}
	for _, k := range o.Keys() {
		switch k {
		case "Next", "Comment", "Condition", "Assign", "Output":
		case "Variable", "And", "Or", "Not":
			p.schemaError(ptr, "The QueryLanguage is set to 'JSONata', but field '%s' is only supported for the 'JSONPath' QueryLanguage", k)
		default:
			if _, isOp := operatorNames[strings.TrimSuffix(k, "Path")]; isOp {
				p.schemaError(ptr, "The QueryLanguage is set to 'JSONata', but field '%s' is only supported for the 'JSONPath' QueryLanguage", k)
			} else {
				p.schemaError(ptr, "Field '%s' is not supported", k)
			}
		}
	}
	next, ok := f.str("Next")
	if !ok && !f.has("Next") {
		p.schemaError(ptr, "These fields are required: [Next]")
	}
	r.Next = next
	cv, ok := o.Get("Condition")
	switch {
	case !ok:
		p.schemaError(ptr, "These fields are required: [Condition]")
	default:
		switch cv.(type) {
		case bool, string:
			r.Condition = p.compileJSONata(cv, ptr+"/Condition", "Condition")
			if s, isStr := cv.(string); isStr && !IsJSONata(s) {
				p.schemaError(ptr+"/Condition", "The field 'Condition' must be a boolean or a JSONata expression ({%% ... %%}) but was '%s'", s)
			}
		default:
			p.schemaError(ptr+"/Condition", "The field 'Condition' must be a boolean or a JSONata expression but was %s", jsonTypeUpper(cv))
		}
	}
	if av, ok := o.Get("Assign"); ok && p.checkAssign(av, ptr+"/Assign", false) {
		r.JAssign = p.compileJSONata(av, ptr+"/Assign", "Assign")
	}
	if ov, ok := o.Get("Output"); ok {
		r.Output = p.compileJSONata(ov, ptr+"/Output", "Output")
	}
	return r
}

func (p *parser) choiceRule(v jsonvalue.Value, ptr string, top bool) *ChoiceRule {
	o, ok := v.(*jsonvalue.Object)
	if !ok {
		p.schemaError(ptr, "A choice rule must be an object but was %s", jsonTypeUpper(v))
		return nil
	}
	f := fields{p: p, obj: o, ptr: ptr}
	r := &ChoiceRule{Pointer: ptr}
	if top {
		next, ok := f.str("Next")
		if !ok && !f.has("Next") {
			p.schemaError(ptr, "These fields are required: [Next]")
		}
		r.Next = next
	} else if f.has("Next") {
		p.schemaError(ptr, "Field 'Next' is not supported in a nested choice rule")
	}
	var ops []string
	for _, k := range o.Keys() {
		switch k {
		case "Next", "Comment", "Variable":
		case "And", "Or", "Not":
			ops = append(ops, k)
		case "Assign":
			if !top {
				p.schemaError(ptr, "Field 'Assign' is not supported in a nested choice rule")
			} else if av, _ := o.Get("Assign"); p.checkAssign(av, ptr+"/Assign", true) {
				r.Assign = f.template("Assign")
			}
		case "Condition", "Output":
			p.schemaError(ptr, "The QueryLanguage is set to 'JSONPath', but field '%s' is only supported for the 'JSONata' QueryLanguage", k)
		default:
			if _, ok := operatorNames[k]; ok {
				ops = append(ops, k)
			} else if base, ok := strings.CutSuffix(k, "Path"); ok && operatorNames[base].pathTwin() {
				ops = append(ops, k)
			} else {
				p.schemaError(ptr, "Field '%s' is not supported", k)
			}
		}
	}
	if len(ops) != 1 {
		if len(ops) == 0 {
			p.schemaError(ptr, "A choice rule must have exactly one comparison operator or one of [And, Or, Not]")
		} else {
			p.schemaError(ptr, "A choice rule must have exactly one comparison operator or one of [And, Or, Not], found [%s]", strings.Join(ops, ", "))
		}
		return r
	}
	op := ops[0]
	val, _ := o.Get(op)
	switch op {
	case "And", "Or":
		arr, ok := val.([]jsonvalue.Value)
		if !ok || len(arr) == 0 {
			p.schemaError(ptr+"/"+op, "The field '%s' must be a non-empty array of choice rules", op)
			return r
		}
		for i, e := range arr {
			if c := p.choiceRule(e, fmt.Sprintf("%s/%s[%d]", ptr, op, i), false); c != nil {
				if op == "And" {
					r.And = append(r.And, c)
				} else {
					r.Or = append(r.Or, c)
				}
			}
		}
		if f.has("Variable") {
			p.schemaError(ptr, "Field 'Variable' is not supported with '%s'", op)
		}
		return r
	case "Not":
		r.Not = p.choiceRule(val, ptr+"/Not", false)
		if f.has("Variable") {
			p.schemaError(ptr, "Field 'Variable' is not supported with 'Not'")
		}
		return r
	}
	// A comparison.
	r.OpName = op
	if !f.has("Variable") {
		p.schemaError(ptr, "These fields are required: [Variable]")
	} else if vs, ok := f.str("Variable"); ok {
		vp, err := jsonpath.ParseReference(vs)
		if err != nil {
			p.schemaError(ptr+"/Variable", "The value for the field 'Variable' must be a valid JSONPath")
		}
		r.Variable = vp
	}
	if base, isPath := strings.CutSuffix(op, "Path"); isPath && operatorNames[op] == OpNone {
		r.Op = operatorNames[base]
		s, ok := val.(string)
		if !ok {
			p.schemaError(ptr+"/"+op, "The value for the field '%s' must be a STRING but was %s", op, jsonTypeUpper(val))
			return r
		}
		vp, err := jsonpath.ParseReference(s)
		if err != nil {
			p.schemaError(ptr+"/"+op, "The value for the field '%s' must be a valid JSONPath", op)
			return r
		}
		r.ValuePath = vp
		return r
	}
	r.Op = operatorNames[op]
	r.Value = val
	bad := func(want string) {
		p.schemaError(ptr+"/"+op, "The value for the field '%s' must be a %s but was %s", op, want, jsonTypeUpper(val))
	}
	switch r.Op {
	case OpStringEquals, OpStringLessThan, OpStringGreaterThan, OpStringLessThanEquals, OpStringGreaterThanEquals:
		if _, ok := val.(string); !ok {
			bad("STRING")
		}
	case OpStringMatches:
		s, ok := val.(string)
		if !ok {
			bad("STRING")
		} else {
			r.pattern = compileGlob(s)
		}
	case OpNumericEquals, OpNumericLessThan, OpNumericGreaterThan, OpNumericLessThanEquals, OpNumericGreaterThanEquals:
		if _, ok := val.(jsonvalue.Number); !ok {
			bad("NUMBER")
		}
	case OpTimestampEquals, OpTimestampLessThan, OpTimestampGreaterThan, OpTimestampLessThanEquals, OpTimestampGreaterThanEquals:
		s, ok := val.(string)
		if !ok {
			bad("STRING")
			break
		}
		t, err := ParseTimestamp(s)
		if err != nil {
			p.schemaError(ptr+"/"+op, "The value for the field '%s' must be a valid ISO-8601 extended offset date-time format string", op)
		}
		r.timestamp = t
	default: // BooleanEquals and the type tests.
		if _, ok := val.(bool); !ok {
			bad("BOOLEAN")
		}
	}
	return r
}

// ChoiceError is a run-time failure evaluating a Choice rule.
type ChoiceError struct {
	Path string
}

func (e *ChoiceError) Error() string {
	return fmt.Sprintf("Invalid path '%s': The choice state's condition path references an invalid value.", e.Path)
}

// Match evaluates the rule against env.
func (r *ChoiceRule) Match(env *jsonpath.Env) (bool, error) {
	switch {
	case r.And != nil:
		for _, c := range r.And {
			ok, err := c.Match(env)
			if err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	case r.Or != nil:
		for _, c := range r.Or {
			ok, err := c.Match(env)
			if err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	case r.Not != nil:
		ok, err := r.Not.Match(env)
		return !ok && err == nil, err
	}
	v, err := r.Variable.Eval(env)
	if err != nil {
		if r.Op == OpIsPresent {
			return r.Value == false, nil
		}
		return false, &ChoiceError{Path: r.Variable.String()}
	}
	switch r.Op {
	case OpIsPresent:
		return r.Value == true, nil
	case OpIsNull:
		return (v == nil) == (r.Value == true), nil
	case OpIsNumeric:
		_, ok := v.(jsonvalue.Number)
		return ok == (r.Value == true), nil
	case OpIsString:
		_, ok := v.(string)
		return ok == (r.Value == true), nil
	case OpIsBoolean:
		_, ok := v.(bool)
		return ok == (r.Value == true), nil
	case OpIsTimestamp:
		s, ok := v.(string)
		if ok {
			_, err := ParseTimestamp(s)
			ok = err == nil
		}
		return ok == (r.Value == true), nil
	case OpStringMatches:
		s, ok := v.(string)
		return ok && matchGlob(r.pattern, s), nil
	}
	operand := r.Value
	ts := r.timestamp
	if r.ValuePath != nil {
		operand, err = r.ValuePath.Eval(env)
		if err != nil {
			return false, &ChoiceError{Path: r.ValuePath.String()}
		}
		if r.Op >= OpTimestampEquals && r.Op <= OpTimestampGreaterThanEquals {
			s, ok := operand.(string)
			if !ok {
				return false, nil
			}
			if ts, err = ParseTimestamp(s); err != nil {
				return false, nil
			}
		}
	}
	switch r.Op {
	case OpStringEquals, OpStringLessThan, OpStringGreaterThan, OpStringLessThanEquals, OpStringGreaterThanEquals:
		a, ok1 := v.(string)
		b, ok2 := operand.(string)
		if !ok1 || !ok2 {
			return false, nil
		}
		return compareResult(r.Op-OpStringEquals, jsonvalue.CompareUTF16(a, b)), nil
	case OpNumericEquals, OpNumericLessThan, OpNumericGreaterThan, OpNumericLessThanEquals, OpNumericGreaterThanEquals:
		a, ok1 := v.(jsonvalue.Number)
		b, ok2 := operand.(jsonvalue.Number)
		if !ok1 || !ok2 {
			return false, nil
		}
		return compareResult(r.Op-OpNumericEquals, jsonvalue.CompareNumbers(a, b)), nil
	case OpBooleanEquals:
		a, ok1 := v.(bool)
		b, ok2 := operand.(bool)
		return ok1 && ok2 && a == b, nil
	case OpTimestampEquals, OpTimestampLessThan, OpTimestampGreaterThan, OpTimestampLessThanEquals, OpTimestampGreaterThanEquals:
		s, ok := v.(string)
		if !ok {
			return false, nil
		}
		t, err := ParseTimestamp(s)
		if err != nil {
			return false, nil
		}
		return compareResult(r.Op-OpTimestampEquals, t.Compare(ts)), nil
	}
	return false, nil
}

// compareResult applies the k-th relation of (Equals, LessThan,
// GreaterThan, LessThanEquals, GreaterThanEquals) to a three-way compare.
func compareResult(k Operator, c int) bool {
	switch k {
	case 0:
		return c == 0
	case 1:
		return c < 0
	case 2:
		return c > 0
	case 3:
		return c <= 0
	}
	return c >= 0
}

// globPart is a literal run of a StringMatches pattern, or a "*".
type globPart struct {
	lit  string
	star bool
}

// compileGlob compiles a StringMatches pattern: "*" matches any run of
// characters, "\*" a literal asterisk and "\\" a literal backslash.
func compileGlob(pattern string) []globPart {
	var parts []globPart
	var lit strings.Builder
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch {
		case c == '\\' && i+1 < len(pattern) && (pattern[i+1] == '*' || pattern[i+1] == '\\'):
			lit.WriteByte(pattern[i+1])
			i++
		case c == '*':
			if lit.Len() > 0 {
				parts = append(parts, globPart{lit: lit.String()})
				lit.Reset()
			}
			if len(parts) == 0 || !parts[len(parts)-1].star {
				parts = append(parts, globPart{star: true})
			}
		default:
			lit.WriteByte(c)
		}
	}
	if lit.Len() > 0 {
		parts = append(parts, globPart{lit: lit.String()})
	}
	return parts
}

func matchGlob(parts []globPart, s string) bool {
	if len(parts) == 0 {
		return s == ""
	}
	if !parts[0].star {
		if !strings.HasPrefix(s, parts[0].lit) {
			return false
		}
		s = s[len(parts[0].lit):]
		parts = parts[1:]
		if len(parts) == 0 {
			return s == ""
		}
	}
	// parts[0] is a star now. Match the middle literals greedily left to
	// right and the final literal against the end.
	for i := 1; i < len(parts); i++ {
		lit := parts[i].lit
		if parts[i].star {
			continue
		}
		if i == len(parts)-1 {
			return strings.HasSuffix(s, lit)
		}
		j := strings.Index(s, lit)
		if j < 0 {
			return false
		}
		s = s[j+len(lit):]
	}
	return true
}
