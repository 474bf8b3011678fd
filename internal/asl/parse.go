package asl

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sluice-run/sluice/internal/asl/jsonpath"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// Limits AWS applies to definitions.
const (
	MaxStateNameLength  = 80
	MaxDefinitionBytes  = 1 << 20 // 1 MiB
	maxTimeoutSeconds   = 99999999
	maxRetryIntervalSec = 99999999
	maxRetryAttempts    = 99999999
	maxDelaySeconds     = 31622400
)

// Fields each state type supports, beyond Type, Comment and QueryLanguage.
var (
	jsonPathIO   = []string{"InputPath", "OutputPath"}
	resultFields = []string{"Parameters", "ResultPath", "ResultSelector"}
	transition   = []string{"Next", "End"}
	errorFields  = []string{"Retry", "Catch"}

	supported = map[StateType][]string{
		TypeTask: concat(transition, jsonPathIO, resultFields, errorFields, []string{"Resource", "TimeoutSeconds", "TimeoutSecondsPath",
			"HeartbeatSeconds", "HeartbeatSecondsPath", "Credentials", "Assign", "Arguments", "Output"}),
		TypePass:    concat(transition, jsonPathIO, []string{"Parameters", "ResultPath", "Result", "Assign", "Output"}),
		TypeChoice:  concat(jsonPathIO, []string{"Choices", "Default", "Assign", "Output"}),
		TypeWait:    concat(transition, jsonPathIO, []string{"Seconds", "Timestamp", "SecondsPath", "TimestampPath", "Assign", "Output"}),
		TypeSucceed: concat(jsonPathIO, []string{"Output"}),
		TypeFail:    {"Error", "Cause", "ErrorPath", "CausePath"},
		TypeParallel: concat(transition, jsonPathIO, resultFields, errorFields, []string{"Branches", "Assign", "Arguments",
			"Output"}),
		TypeMap: concat(transition, jsonPathIO, resultFields, errorFields, []string{"Iterator", "ItemProcessor", "ItemsPath",
			"ItemSelector", "MaxConcurrency", "MaxConcurrencyPath", "ItemReader", "ItemBatcher", "ResultWriter",
			"ToleratedFailureCount", "ToleratedFailureCountPath", "ToleratedFailurePercentage",
			"ToleratedFailurePercentagePath", "Label", "Assign", "Items", "Output"}),
	}
	// jsonataOnly are fields that exist only in the JSONata query language.
	jsonataOnly = map[string]bool{"Arguments": true, "Output": true, "Items": true}
	// jsonPathOnly are fields that exist only in the JSONPath query language.
	jsonPathOnly = map[string]bool{"InputPath": true, "OutputPath": true, "Parameters": true, "ResultSelector": true,
		"ResultPath": true, "Result": true, "ItemsPath": true, "TimeoutSecondsPath": true, "HeartbeatSecondsPath": true,
		"SecondsPath": true, "TimestampPath": true, "MaxConcurrencyPath": true, "ToleratedFailureCountPath": true,
		"ToleratedFailurePercentagePath": true, "ErrorPath": true, "CausePath": true}
)

func concat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// Parse parses and validates a definition. It returns the compiled
// definition when there are no error diagnostics, and all diagnostics found.
func Parse(data []byte) (*Definition, Diagnostics) {
	p := &parser{names: map[string]string{}, dups: map[*jsonvalue.Object][]string{}}
	def := p.parse(data)
	sortDiagnostics(p.diags)
	if p.diags.HasErrors() {
		return nil, p.diags
	}
	return def, p.diags
}

// MustParse parses a definition known to be valid, such as one written in a
// test, and panics otherwise.
func MustParse(src string) *Definition {
	d, diags := Parse([]byte(src))
	if d == nil {
		panic(diags.Error())
	}
	return d
}

type parser struct {
	diags Diagnostics
	names map[string]string              // state name -> pointer, across the whole definition
	dups  map[*jsonvalue.Object][]string // duplicate keys per object
}

func (p *parser) add(code, ptr, format string, args ...any) {
	p.diags = append(p.diags, Diagnostic{Severity: SeverityError, Code: code, Location: ptr, Message: fmt.Sprintf(format, args...)})
}

func (p *parser) schemaError(ptr, format string, args ...any) {
	p.add(CodeSchemaValidationFailed, ptr, format, args...)
}

func (p *parser) parse(data []byte) *Definition {
	if len(strings.TrimSpace(string(data))) == 0 {
		p.diags = append(p.diags, Diagnostic{Severity: SeverityError, Code: CodeMissingDescription, Message: "Received a null or empty workflow input"})
		return nil
	}
	if len(data) > MaxDefinitionBytes {
		p.schemaError("", "The definition is %d bytes; the maximum is %d", len(data), MaxDefinitionBytes)
		return nil
	}
	v, err := jsonvalue.ParseWith(data, func(obj *jsonvalue.Object, key string) {
		p.dups[obj] = append(p.dups[obj], key)
	})
	if err != nil {
		p.diags = append(p.diags, Diagnostic{Severity: SeverityError, Code: CodeInvalidJSON, Message: jsonErrorMessage(err)})
		return nil
	}
	root, ok := v.(*jsonvalue.Object)
	if !ok {
		p.diags = append(p.diags, Diagnostic{Severity: SeverityError, Code: CodeInvalidJSON, Message: "The definition must be a JSON object"})
		return nil
	}
	return p.machine(root, "", JSONPath, machineTop)
}

func jsonErrorMessage(err error) string {
	var se *jsonvalue.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("Invalid JSON at offset %d: %s", se.Offset, se.Msg)
	}
	return err.Error()
}

type machineKind int

const (
	machineTop machineKind = iota
	machineBranch
	machineProcessor
)

// machine parses a state machine: the top level, a Parallel branch or a Map
// item processor.
func (p *parser) machine(obj *jsonvalue.Object, ptr string, lang string, kind machineKind) *Definition {
	loc := ptr
	if loc == "" {
		loc = "/"
	}
	d := &Definition{Pointer: ptr, byName: map[string]*State{}, QueryLanguage: lang, raw: obj}
	allowed := map[string]bool{"StartAt": true, "States": true, "Comment": true}
	switch kind {
	case machineTop:
		allowed["Version"] = true
		allowed["TimeoutSeconds"] = true
		allowed["QueryLanguage"] = true
	case machineProcessor:
		allowed["ProcessorConfig"] = true
	}
	for _, k := range obj.Keys() {
		if !allowed[k] {
			p.schemaError(loc, "Field '%s' is not supported", k)
		}
	}
	f := fields{p: p, obj: obj, ptr: ptr}
	d.Comment, _ = f.str("Comment")
	if kind == machineTop {
		d.Version, _ = f.str("Version")
		if ql, ok := f.str("QueryLanguage"); ok {
			if ql != JSONPath && ql != JSONata {
				p.schemaError(ptr+"/QueryLanguage", "The field 'QueryLanguage' must be one of [JSONPath, JSONata] but was '%s'", ql)
			} else {
				d.QueryLanguage = ql
			}
		}
		if t, ok := f.integer("TimeoutSeconds", 1, maxTimeoutSeconds); ok {
			d.TimeoutSeconds = t
		}
	}
	start, hasStart := f.str("StartAt")
	if !hasStart && !f.has("StartAt") {
		p.schemaError(loc, "These fields are required: [StartAt]")
	}
	d.StartAt = start
	d.startSet = hasStart
	sv, ok := obj.Get("States")
	if !ok {
		p.schemaError(loc, "These fields are required: [States]")
		return d
	}
	states, ok := sv.(*jsonvalue.Object)
	if !ok {
		p.schemaError(ptr+"/States", "The field 'States' must be an object but was %s", jsonTypeUpper(sv))
		return d
	}
	if states.Len() == 0 {
		p.schemaError(ptr+"/States", "The field 'States' must have at least one state")
	}
	for _, dup := range p.dups[states] {
		p.add(CodeDuplicateStateName, ptr+"/States/"+pointerKey(dup), "Duplicate State name: %s", dup)
	}
	for i := 0; i < states.Len(); i++ {
		name, v := states.At(i)
		sptr := ptr + "/States/" + pointerKey(name)
		p.checkName(name, sptr)
		so, ok := v.(*jsonvalue.Object)
		if !ok {
			p.schemaError(sptr, "The state '%s' must be a JSON object but was %s", name, jsonTypeUpper(v))
			continue
		}
		s := p.state(name, so, sptr, d.QueryLanguage)
		s.Index = len(d.States)
		d.States = append(d.States, s)
		d.byName[name] = s
	}
	p.link(d, ptr, loc)
	return d
}

func (p *parser) checkName(name, ptr string) {
	if prev, ok := p.names[name]; ok && prev != ptr {
		p.add(CodeDuplicateStateName, ptr, "Duplicate State name: %s", name)
	} else {
		p.names[name] = ptr
	}
	n := utf8.RuneCountInString(name)
	switch {
	case n == 0:
		p.add(CodeInvalidStateName, ptr, "State names must not be empty")
	case n > MaxStateNameLength:
		p.add(CodeInvalidStateName, ptr, "State name '%s' is longer than %d characters", name, MaxStateNameLength)
	default:
		for _, r := range name {
			if unicode.IsControl(r) {
				p.add(CodeInvalidStateName, ptr, "State name '%s' contains a control character", name)
				break
			}
		}
	}
}

// state parses one state.
func (p *parser) state(name string, obj *jsonvalue.Object, ptr, lang string) *State {
	s := &State{Name: name, Pointer: ptr, QueryLanguage: lang}
	f := fields{p: p, obj: obj, ptr: ptr}
	s.Comment, _ = f.str("Comment")
	typ, ok := f.str("Type")
	if !ok {
		if !f.has("Type") {
			p.schemaError(ptr, "These fields are required: [Type]")
		}
		s.incomplete = true
		return s
	}
	s.Type = StateType(typ)
	allowed, known := supported[s.Type]
	if !known {
		p.schemaError(ptr+"/Type", "The field 'Type' should have one of these values: [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map]")
		s.incomplete = true
		return s
	}
	if ql, ok := f.str("QueryLanguage"); ok {
		switch {
		case ql != JSONPath && ql != JSONata:
			p.schemaError(ptr+"/QueryLanguage", "The field 'QueryLanguage' must be one of [JSONPath, JSONata] but was '%s'", ql)
		case ql == JSONPath && lang == JSONata:
			p.schemaError(ptr, "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine")
		default:
			s.QueryLanguage = ql
		}
	}
	ok2 := map[string]bool{"Type": true, "Comment": true, "QueryLanguage": true}
	for _, k := range allowed {
		ok2[k] = true
	}
	for _, k := range obj.Keys() {
		switch {
		case !ok2[k]:
			p.schemaError(ptr, "Field '%s' is not supported", k)
		case !s.IsJSONata() && jsonataOnly[k]:
			p.schemaError(ptr, "The QueryLanguage is set to 'JSONPath', but field '%s' is only supported for the 'JSONata' QueryLanguage", k)
		case s.IsJSONata() && jsonPathOnly[k]:
			p.schemaError(ptr, "The QueryLanguage is set to 'JSONata', but field '%s' is only supported for the 'JSONPath' QueryLanguage", k)
		}
	}

	// Transitions.
	if s.Type != TypeChoice && s.Type != TypeSucceed && s.Type != TypeFail {
		next, hasNext := f.str("Next")
		end, hasEnd := f.boolean("End")
		switch {
		case hasNext && hasEnd && end:
			p.schemaError(ptr, "Only one of these fields is allowed: [Next, End]")
			s.Next = next
		case hasNext:
			s.Next = next
		case hasEnd && end:
			s.End = true
		case !f.has("Next") && !f.has("End"):
			p.schemaError(ptr, "These fields are required: [Next or End]")
			s.incomplete = true
		case hasEnd && !end:
			p.schemaError(ptr+"/End", "The field 'End' must be true when 'Next' is absent")
			s.incomplete = true
		default:
			s.incomplete = true
		}
	}

	// Input and output processing.
	if s.IsJSONata() {
		if v, ok := obj.Get("Output"); ok && s.Type != TypeFail {
			s.Output = p.compileJSONata(v, ptr+"/Output", "Output")
		}
		if v, ok := obj.Get("Arguments"); ok {
			s.Arguments = p.compileJSONata(v, ptr+"/Arguments", "Arguments")
			if _, isObj := v.(*jsonvalue.Object); !isObj && !IsJSONata(v) {
				p.schemaError(ptr+"/Arguments", "The field 'Arguments' must be an OBJECT or a JSONata expression but was %s", jsonTypeUpper(v))
			}
		}
	} else {
		if s.Type != TypeFail {
			s.InputPath = f.optionalPath("InputPath", false)
			s.OutputPath = f.optionalPath("OutputPath", false)
		}
		switch s.Type {
		case TypeTask, TypePass, TypeParallel, TypeMap:
			s.ResultPath = f.optionalPath("ResultPath", true)
			s.Parameters = f.template("Parameters")
		}
		switch s.Type {
		case TypeTask, TypeParallel, TypeMap:
			s.ResultSelector = f.template("ResultSelector")
		}
	}
	if v, ok := obj.Get("Assign"); ok && p.checkAssign(v, ptr+"/Assign", !s.IsJSONata()) {
		if s.IsJSONata() {
			s.JAssign = p.compileJSONata(v, ptr+"/Assign", "Assign")
		} else {
			s.Assign = f.template("Assign")
		}
	}
	switch s.Type {
	case TypeTask, TypeParallel, TypeMap:
		s.Retry = p.retriers(obj, ptr)
		s.Catch = p.catchers(obj, ptr, s.IsJSONata())
	}

	switch s.Type {
	case TypePass:
		if v, ok := obj.Get("Result"); ok && !s.IsJSONata() {
			s.Result, s.HasResult = v, true
		}
	case TypeTask:
		p.task(s, f)
	case TypeChoice:
		p.choiceState(s, obj, ptr)
	case TypeWait:
		p.wait(s, f)
	case TypeFail:
		p.fail(s, f)
	case TypeParallel:
		p.parallel(s, obj, ptr)
	case TypeMap:
		p.mapState(s, f)
	}
	s.UsesContext = s.usesContext()
	return s
}

// usesContext reports whether any dynamic part of the state reads $$.
func (s *State) usesContext() bool {
	isCtx := func(pt *jsonpath.Path) bool { return pt != nil && pt.Root() == jsonpath.RootContext }
	if isCtx(s.InputPath.Path) || isCtx(s.OutputPath.Path) || isCtx(s.ItemsPath.Path) || isCtx(s.SecondsPath) ||
		isCtx(s.TimestampPath) || isCtx(s.MaxConcurrencyPath) || isCtx(s.TimeoutSecondsPath) || isCtx(s.HeartbeatSecondsPath) ||
		isCtx(s.ToleratedFailureCountPath) || isCtx(s.ToleratedFailurePercentagePath) {
		return true
	}
	if s.Parameters.UsesContext() || s.ResultSelector.UsesContext() || s.ItemSelector.UsesContext() || s.Assign.UsesContext() {
		return true
	}
	for _, c := range s.Catch {
		if c.Assign.UsesContext() {
			return true
		}
	}
	for _, c := range s.Choices {
		if c.Assign.UsesContext() {
			return true
		}
	}
	if s.IsJSONata() {
		return true
	}
	if s.ItemBatcher != nil && s.ItemBatcher.BatchInput.UsesContext() {
		return true
	}
	for _, e := range []*Expr{s.ErrorExpr, s.CauseExpr} {
		if e != nil && e.usesContext() {
			return true
		}
	}
	for _, c := range s.Choices {
		if c.usesContext() {
			return true
		}
	}
	return false
}

func (p *parser) task(s *State, f fields) {
	res, ok := f.str("Resource")
	if !ok {
		if !f.has("Resource") {
			p.schemaError(f.ptr, "These fields are required: [Resource]")
		}
	} else if !validResource(res) {
		p.add(CodeInvalidResource, f.ptr+"/Resource", "Value is not a valid resource ARN: %s", res)
	}
	s.Resource = res
	if s.JTimeoutSeconds = p.jsonataField(s, f, "TimeoutSeconds"); s.JTimeoutSeconds == nil {
		s.TimeoutSeconds, _ = f.integer("TimeoutSeconds", 1, maxTimeoutSeconds)
	}
	s.TimeoutSecondsPath = f.referencePath("TimeoutSecondsPath")
	if s.JHeartbeatSeconds = p.jsonataField(s, f, "HeartbeatSeconds"); s.JHeartbeatSeconds == nil {
		s.HeartbeatSeconds, _ = f.integer("HeartbeatSeconds", 1, maxTimeoutSeconds)
	}
	s.HeartbeatSecondsPath = f.referencePath("HeartbeatSecondsPath")
	if f.has("TimeoutSeconds") && f.has("TimeoutSecondsPath") {
		p.schemaError(f.ptr, "Only one of these fields is allowed: [TimeoutSeconds, TimeoutSecondsPath]")
	}
	if f.has("HeartbeatSeconds") && f.has("HeartbeatSecondsPath") {
		p.schemaError(f.ptr, "Only one of these fields is allowed: [HeartbeatSeconds, HeartbeatSecondsPath]")
	}
	timeout := s.TimeoutSeconds
	if timeout == 0 && s.TimeoutSecondsPath == nil {
		timeout = 99999999 // AWS's default task timeout is effectively unlimited
	}
	if s.HeartbeatSeconds > 0 && s.TimeoutSeconds > 0 && s.HeartbeatSeconds >= timeout {
		p.schemaError(f.ptr+"/HeartbeatSeconds", "HeartbeatSeconds must be smaller than TimeoutSeconds")
	}
	if v, ok := f.obj.Get("Credentials"); ok {
		if _, isObj := v.(*jsonvalue.Object); !isObj {
			p.schemaError(f.ptr+"/Credentials", "The field 'Credentials' must be an object but was %s", jsonTypeUpper(v))
		}
		s.Credentials = v
	}
}

// validResource checks the shape of a Task resource: an ARN with at least
// six colon-separated parts.
func validResource(r string) bool {
	if !strings.HasPrefix(r, "arn:") {
		return false
	}
	return strings.Count(r, ":") >= 5
}

func (p *parser) wait(s *State, f fields) {
	n := 0
	for _, k := range []string{"Seconds", "Timestamp", "SecondsPath", "TimestampPath"} {
		if f.has(k) {
			n++
		}
	}
	if n != 1 {
		p.schemaError(f.ptr, "A Wait state must have exactly one of these fields: [Seconds, Timestamp, SecondsPath, TimestampPath]")
	}
	s.JSeconds = p.jsonataField(s, f, "Seconds")
	s.JTimestamp = p.jsonataField(s, f, "Timestamp")
	if f.has("Seconds") && s.JSeconds == nil {
		if v, ok := f.integer("Seconds", 0, maxTimeoutSeconds); ok {
			s.Seconds = &v
		}
	}
	if ts, ok := f.str("Timestamp"); ok && s.JTimestamp == nil {
		t, err := ParseTimestamp(ts)
		if err != nil {
			p.schemaError(f.ptr+"/Timestamp", "The value for the field 'Timestamp' must be a valid ISO-8601 extended offset date-time format string")
		} else {
			s.Timestamp = &t
		}
	}
	s.SecondsPath = f.referencePath("SecondsPath")
	s.TimestampPath = f.referencePath("TimestampPath")
}

func (p *parser) fail(s *State, f fields) {
	s.JError = p.jsonataField(s, f, "Error")
	s.JCause = p.jsonataField(s, f, "Cause")
	if v, ok := f.str("Error"); ok && s.JError == nil {
		s.Error = &v
	}
	if v, ok := f.str("Cause"); ok && s.JCause == nil {
		s.Cause = &v
	}
	if f.has("Error") && f.has("ErrorPath") {
		p.schemaError(f.ptr, "Only one of these fields is allowed: [Error, ErrorPath]")
	}
	if f.has("Cause") && f.has("CausePath") {
		p.schemaError(f.ptr, "Only one of these fields is allowed: [Cause, CausePath]")
	}
	s.ErrorExpr = f.expr("ErrorPath")
	s.CauseExpr = f.expr("CausePath")
}

func (p *parser) parallel(s *State, obj *jsonvalue.Object, ptr string) {
	v, ok := obj.Get("Branches")
	if !ok {
		p.schemaError(ptr, "These fields are required: [Branches]")
		return
	}
	arr, ok := v.([]jsonvalue.Value)
	if !ok {
		p.schemaError(ptr+"/Branches", "The field 'Branches' must be an array but was %s", jsonTypeUpper(v))
		return
	}
	if len(arr) == 0 {
		p.schemaError(ptr+"/Branches", "The field 'Branches' must have at least one branch")
	}
	for i, b := range arr {
		bptr := fmt.Sprintf("%s/Branches[%d]", ptr, i)
		bo, ok := b.(*jsonvalue.Object)
		if !ok {
			p.schemaError(bptr, "A branch must be a JSON object but was %s", jsonTypeUpper(b))
			continue
		}
		s.Branches = append(s.Branches, p.machine(bo, bptr, s.QueryLanguage, machineBranch))
	}
}

func (p *parser) mapState(s *State, f fields) {
	obj, ptr := f.obj, f.ptr
	procKey := "ItemProcessor"
	pv, hasProc := obj.Get("ItemProcessor")
	iv, hasIter := obj.Get("Iterator")
	switch {
	case hasProc && hasIter:
		p.schemaError(ptr, "Only one of these fields is allowed: [ItemProcessor, Iterator]")
	case hasIter:
		pv, procKey = iv, "Iterator"
	case !hasProc:
		p.schemaError(ptr, "These fields are required: [ItemProcessor]")
	}
	s.ProcessorMode = "INLINE"
	if pv != nil {
		po, ok := pv.(*jsonvalue.Object)
		if !ok {
			p.schemaError(ptr+"/"+procKey, "The field '%s' must be an object but was %s", procKey, jsonTypeUpper(pv))
		} else {
			pptr := ptr + "/" + procKey
			if po.Len() > 0 {
				if _, has := po.Get("QueryLanguage"); has {
					p.schemaError(pptr, "Field 'QueryLanguage' is not supported")
				}
			}
			s.ItemProcessor = p.machine(withoutKey(po, "QueryLanguage"), pptr, s.QueryLanguage, machineProcessor)
			p.processorConfig(s, po, pptr)
		}
	}
	if f.has("ItemSelector") && f.has("Parameters") {
		p.schemaError(ptr, "Only one of these fields is allowed: [ItemSelector, Parameters]")
	}
	if s.IsJSONata() {
		if v, ok := obj.Get("ItemSelector"); ok {
			s.JItemSelector = p.compileJSONata(v, ptr+"/ItemSelector", "ItemSelector")
		}
		if v, ok := obj.Get("Items"); ok {
			s.Items = p.compileJSONata(v, ptr+"/Items", "Items")
			if _, isArr := v.([]jsonvalue.Value); !isArr && !IsJSONata(v) {
				p.schemaError(ptr+"/Items", "The field 'Items' must be an ARRAY or a JSONata expression but was %s", jsonTypeUpper(v))
			}
		}
	} else {
		s.ItemSelector = f.template("ItemSelector")
	}
	if s.ItemSelector == nil {
		// Parameters is the deprecated spelling of ItemSelector on a Map.
		s.ItemSelector, s.Parameters = s.Parameters, nil
	}
	s.ItemsPath = f.optionalPath("ItemsPath", false)
	if s.ItemsPath.Null {
		p.schemaError(ptr+"/ItemsPath", "The field 'ItemsPath' must not be null")
	}
	if s.JMaxConcurrency = p.jsonataField(s, f, "MaxConcurrency"); s.JMaxConcurrency == nil {
		s.MaxConcurrency, _ = f.integer("MaxConcurrency", 0, math.MaxInt32)
	}
	s.MaxConcurrencyPath = f.referencePath("MaxConcurrencyPath")
	if f.has("MaxConcurrency") && f.has("MaxConcurrencyPath") {
		p.schemaError(ptr, "Only one of these fields is allowed: [MaxConcurrency, MaxConcurrencyPath]")
	}
	s.JToleratedFailureCount = p.jsonataField(s, f, "ToleratedFailureCount")
	s.JToleratedFailurePercentage = p.jsonataField(s, f, "ToleratedFailurePercentage")
	if f.has("ToleratedFailureCount") && s.JToleratedFailureCount == nil {
		if v, ok := f.integer("ToleratedFailureCount", 0, math.MaxInt32); ok {
			s.ToleratedFailureCount = &v
		}
	}
	s.ToleratedFailureCountPath = f.referencePath("ToleratedFailureCountPath")
	if f.has("ToleratedFailurePercentage") && s.JToleratedFailurePercentage == nil {
		if v, ok := f.number("ToleratedFailurePercentage"); ok {
			if v < 0 || v > 100 {
				p.schemaError(ptr+"/ToleratedFailurePercentage", "ToleratedFailurePercentage must be between 0 and 100")
			} else {
				s.ToleratedFailurePercentage = &v
			}
		}
	}
	s.ToleratedFailurePercentagePath = f.referencePath("ToleratedFailurePercentagePath")
	for _, pair := range [][2]string{{"ToleratedFailureCount", "ToleratedFailureCountPath"}, {"ToleratedFailurePercentage", "ToleratedFailurePercentagePath"}} {
		if f.has(pair[0]) && f.has(pair[1]) {
			p.schemaError(ptr, "Only one of these fields is allowed: [%s, %s]", pair[0], pair[1])
		}
	}
	if label, ok := f.str("Label"); ok {
		if utf8.RuneCountInString(label) > 40 {
			p.schemaError(ptr+"/Label", "The field 'Label' must be at most 40 characters")
		}
		if strings.ContainsAny(label, " <>{}[]?*\"#%\\^|~`$&,;:/") {
			p.schemaError(ptr+"/Label", "The field 'Label' contains a character that is not allowed")
		}
		s.Label = label
	}
	if v, ok := obj.Get("ItemReader"); ok {
		s.ItemReader = v
		p.schemaError(ptr+"/ItemReader", "Field 'ItemReader' reads items from Amazon S3, and Sluice has no S3; pass the items in the state input instead")
	}
	if v, ok := obj.Get("ResultWriter"); ok {
		s.ResultWriter = v
		p.schemaError(ptr+"/ResultWriter", "Field 'ResultWriter' writes results to Amazon S3, and Sluice has no S3; the Map state's output holds the results instead")
	}
	if v, ok := obj.Get("ItemBatcher"); ok {
		p.itemBatcher(s, v, ptr+"/ItemBatcher")
	}
	distributedOnly := []string{"ItemBatcher", "ItemReader", "ResultWriter", "ToleratedFailureCount", "ToleratedFailureCountPath",
		"ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "Label"}
	if s.ProcessorMode != "DISTRIBUTED" {
		for _, k := range distributedOnly {
			if f.has(k) {
				p.schemaError(ptr, "Field '%s' is only supported for a Map state in DISTRIBUTED mode", k)
			}
		}
	}
}

func withoutKey(o *jsonvalue.Object, key string) *jsonvalue.Object {
	if _, ok := o.Get(key); !ok {
		return o
	}
	c := o.Clone()
	c.Delete(key)
	return c
}

func (p *parser) processorConfig(s *State, proc *jsonvalue.Object, ptr string) {
	v, ok := proc.Get("ProcessorConfig")
	if !ok {
		return
	}
	cptr := ptr + "/ProcessorConfig"
	cfg, ok := v.(*jsonvalue.Object)
	if !ok {
		p.schemaError(cptr, "The field 'ProcessorConfig' must be an object but was %s", jsonTypeUpper(v))
		return
	}
	f := fields{p: p, obj: cfg, ptr: cptr}
	for _, k := range cfg.Keys() {
		if k != "Mode" && k != "ExecutionType" {
			p.schemaError(cptr, "Field '%s' is not supported", k)
		}
	}
	if mode, ok := f.str("Mode"); ok {
		if mode != "INLINE" && mode != "DISTRIBUTED" {
			p.schemaError(cptr+"/Mode", "The field 'Mode' must be one of [INLINE, DISTRIBUTED] but was '%s'", mode)
		} else {
			s.ProcessorMode = mode
		}
	}
	if et, ok := f.str("ExecutionType"); ok {
		switch {
		case s.ProcessorMode != "DISTRIBUTED":
			p.schemaError(cptr, "Field 'ExecutionType' is only supported in DISTRIBUTED mode")
		case et != "STANDARD" && et != "EXPRESS":
			p.schemaError(cptr+"/ExecutionType", "The field 'ExecutionType' must be one of [STANDARD, EXPRESS] but was '%s'", et)
		default:
			s.ExecutionType = et
		}
	} else if s.ProcessorMode == "DISTRIBUTED" {
		p.schemaError(cptr, "These fields are required: [ExecutionType]")
	}
}

func (p *parser) itemBatcher(s *State, v jsonvalue.Value, ptr string) {
	o, ok := v.(*jsonvalue.Object)
	if !ok {
		p.schemaError(ptr, "The field 'ItemBatcher' must be an object but was %s", jsonTypeUpper(v))
		return
	}
	f := fields{p: p, obj: o, ptr: ptr}
	for _, k := range o.Keys() {
		switch k {
		case "MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath", "BatchInput":
		default:
			p.schemaError(ptr, "Field '%s' is not supported", k)
		}
	}
	b := &ItemBatcher{}
	b.MaxItemsPerBatch, _ = f.integer("MaxItemsPerBatch", 1, math.MaxInt32)
	b.MaxItemsPerBatchPath = f.referencePath("MaxItemsPerBatchPath")
	b.MaxInputBytesPerBatch, _ = f.integer("MaxInputBytesPerBatch", 1, 256*1024)
	b.MaxInputBytesPerBatchPath = f.referencePath("MaxInputBytesPerBatchPath")
	b.BatchInput = f.template("BatchInput")
	if !f.has("MaxItemsPerBatch") && !f.has("MaxItemsPerBatchPath") && !f.has("MaxInputBytesPerBatch") && !f.has("MaxInputBytesPerBatchPath") {
		p.schemaError(ptr, "At least one of these fields is required: [MaxItemsPerBatch, MaxItemsPerBatchPath, MaxInputBytesPerBatch, MaxInputBytesPerBatchPath]")
	}
	s.ItemBatcher = b
}

func (p *parser) retriers(obj *jsonvalue.Object, ptr string) []*Retrier {
	v, ok := obj.Get("Retry")
	if !ok {
		return nil
	}
	arr, ok := v.([]jsonvalue.Value)
	if !ok {
		p.schemaError(ptr+"/Retry", "The field 'Retry' must be an array but was %s", jsonTypeUpper(v))
		return nil
	}
	var out []*Retrier
	for i, e := range arr {
		rptr := fmt.Sprintf("%s/Retry[%d]", ptr, i)
		o, ok := e.(*jsonvalue.Object)
		if !ok {
			p.schemaError(rptr, "A Retrier must be an object but was %s", jsonTypeUpper(e))
			continue
		}
		f := fields{p: p, obj: o, ptr: rptr}
		for _, k := range o.Keys() {
			switch k {
			case "ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment":
			default:
				p.schemaError(rptr, "Field '%s' is not supported", k)
			}
		}
		r := &Retrier{IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2.0, JitterStrategy: "NONE"}
		r.ErrorEquals = p.errorEquals(o, rptr, i == len(arr)-1, "Retrier")
		if f.has("IntervalSeconds") {
			r.IntervalSeconds, _ = f.integer("IntervalSeconds", 1, maxRetryIntervalSec)
		}
		if f.has("MaxAttempts") {
			r.MaxAttempts, _ = f.integer("MaxAttempts", 0, maxRetryAttempts)
		}
		if f.has("BackoffRate") {
			if b, ok := f.number("BackoffRate"); ok {
				if b < 1.0 {
					p.schemaError(rptr+"/BackoffRate", "The field 'BackoffRate' must be greater than or equal to 1.0")
				} else {
					r.BackoffRate = b
				}
			}
		}
		if f.has("MaxDelaySeconds") {
			r.MaxDelaySeconds, _ = f.integer("MaxDelaySeconds", 1, maxDelaySeconds-1)
		}
		if js, ok := f.str("JitterStrategy"); ok {
			if js != "FULL" && js != "NONE" {
				p.schemaError(rptr+"/JitterStrategy", "The field 'JitterStrategy' must be one of [FULL, NONE] but was '%s'", js)
			} else {
				r.JitterStrategy = js
			}
		}
		out = append(out, r)
	}
	return out
}

func (p *parser) catchers(obj *jsonvalue.Object, ptr string, isJSONata bool) []*Catcher {
	v, ok := obj.Get("Catch")
	if !ok {
		return nil
	}
	arr, ok := v.([]jsonvalue.Value)
	if !ok {
		p.schemaError(ptr+"/Catch", "The field 'Catch' must be an array but was %s", jsonTypeUpper(v))
		return nil
	}
	var out []*Catcher
	for i, e := range arr {
		cptr := fmt.Sprintf("%s/Catch[%d]", ptr, i)
		o, ok := e.(*jsonvalue.Object)
		if !ok {
			p.schemaError(cptr, "A Catcher must be an object but was %s", jsonTypeUpper(e))
			continue
		}
		f := fields{p: p, obj: o, ptr: cptr}
		for _, k := range o.Keys() {
			switch k {
			case "ErrorEquals", "Next", "Comment", "Assign":
			case "ResultPath":
				if isJSONata {
					p.schemaError(cptr, "The QueryLanguage is set to 'JSONata', but field 'ResultPath' is only supported for the 'JSONPath' QueryLanguage")
				}
			case "Output":
				if !isJSONata {
					p.schemaError(cptr, "The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage")
				}
			default:
				p.schemaError(cptr, "Field '%s' is not supported", k)
			}
		}
		c := &Catcher{}
		c.ErrorEquals = p.errorEquals(o, cptr, i == len(arr)-1, "Catcher")
		next, ok := f.str("Next")
		if !ok && !f.has("Next") {
			p.schemaError(cptr, "These fields are required: [Next]")
		}
		c.Next = next
		if isJSONata {
			if v, ok := o.Get("Output"); ok {
				c.Output = p.compileJSONata(v, cptr+"/Output", "Output")
			}
		} else {
			c.ResultPath = f.optionalPath("ResultPath", true)
		}
		if v, ok := o.Get("Assign"); ok && p.checkAssign(v, cptr+"/Assign", !isJSONata) {
			if isJSONata {
				c.JAssign = p.compileJSONata(v, cptr+"/Assign", "Assign")
			} else {
				c.Assign = f.template("Assign")
			}
		}
		out = append(out, c)
	}
	return out
}

func (p *parser) errorEquals(o *jsonvalue.Object, ptr string, last bool, what string) []string {
	v, ok := o.Get("ErrorEquals")
	if !ok {
		p.schemaError(ptr, "These fields are required: [ErrorEquals]")
		return nil
	}
	arr, ok := v.([]jsonvalue.Value)
	if !ok {
		p.schemaError(ptr+"/ErrorEquals", "The field 'ErrorEquals' must be an array but was %s", jsonTypeUpper(v))
		return nil
	}
	if len(arr) == 0 {
		p.schemaError(ptr+"/ErrorEquals", "The field 'ErrorEquals' must have at least one error name")
	}
	var out []string
	for i, e := range arr {
		s, ok := e.(string)
		if !ok || s == "" {
			p.schemaError(fmt.Sprintf("%s/ErrorEquals[%d]", ptr, i), "An error name must be a non-empty string")
			continue
		}
		out = append(out, s)
	}
	for _, s := range out {
		if s == "States.ALL" {
			if len(arr) != 1 {
				p.schemaError(ptr+"/ErrorEquals", "'States.ALL' must appear alone in ErrorEquals")
			}
			if !last {
				p.schemaError(ptr, "A %s with 'States.ALL' in ErrorEquals must be the last one", what)
			}
		}
	}
	return out
}

// link resolves transitions of one (sub) machine and checks its graph:
// transition targets exist in the same machine, every state is reachable
// and at least one state is terminal.
func (p *parser) link(d *Definition, ptr, loc string) {
	if d.startSet {
		d.Start = d.byName[d.StartAt]
		if d.Start == nil {
			p.add(CodeMissingTransitionTarget, ptr+"/StartAt", "Missing 'Next' target: %s", d.StartAt)
		}
	}
	missing := func(target, at string) *State {
		st := d.byName[target]
		if st == nil {
			p.add(CodeMissingTransitionTarget, at, "Missing 'Next' target: %s", target)
		}
		return st
	}
	terminal, incomplete := false, false
	for _, s := range d.States {
		incomplete = incomplete || s.incomplete
		if s.Next != "" {
			s.NextState = missing(s.Next, s.Pointer+"/Next")
		}
		if s.Default != "" {
			s.DefaultState = missing(s.Default, s.Pointer+"/Default")
		}
		for i, c := range s.Choices {
			if c.Next != "" {
				c.NextState = missing(c.Next, fmt.Sprintf("%s/Choices[%d]/Next", s.Pointer, i))
			}
		}
		for i, c := range s.Catch {
			if c.Next != "" {
				c.NextState = missing(c.Next, fmt.Sprintf("%s/Catch[%d]/Next", s.Pointer, i))
			}
		}
		if s.IsTerminal() {
			terminal = true
		}
	}
	if incomplete {
		return
	}
	if len(d.States) > 0 && !terminal {
		p.diags = append(p.diags, Diagnostic{Severity: SeverityError, Code: CodeMissingEndState, Message: "Workflow has no terminal state"})
		return
	}
	if d.Start == nil {
		return
	}
	seen := make([]bool, len(d.States))
	stack := []*State{d.Start}
	seen[d.Start.Index] = true
	visit := func(st *State) {
		if st != nil && !seen[st.Index] {
			seen[st.Index] = true
			stack = append(stack, st)
		}
	}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		visit(s.NextState)
		visit(s.DefaultState)
		for _, c := range s.Choices {
			visit(c.NextState)
		}
		for _, c := range s.Catch {
			visit(c.NextState)
		}
	}
	for _, s := range d.States {
		if !seen[s.Index] {
			p.add(CodeMissingTransitionTarget, s.Pointer, "State \"%s\" is not reachable.", s.Name)
		}
	}
}

// sortDiagnostics orders diagnostics by location so that output is stable,
// keeping the discovery order among equal locations.
func sortDiagnostics(ds Diagnostics) {
	sort.SliceStable(ds, func(i, j int) bool {
		if (ds[i].Location == "") != (ds[j].Location == "") {
			return ds[i].Location != ""
		}
		return false
	})
}

// ParseTimestamp parses a timestamp as Step Functions accepts it in Wait
// states and Timestamp comparisons: RFC 3339 with a mandatory "T", seconds
// and an offset or "Z".
func ParseTimestamp(s string) (time.Time, error) {
	if len(s) < 20 || (s[10] != 'T') {
		return time.Time{}, fmt.Errorf("not an ISO-8601 extended offset date-time: %q", s)
	}
	return time.Parse(time.RFC3339Nano, s)
}

// jsonataField compiles a field of a JSONata state whose value is a
// "{% %}" expression; it returns nil when the state is not JSONata or the
// field holds a plain value.
func (p *parser) jsonataField(s *State, f fields, name string) *JTemplate {
	if !s.IsJSONata() {
		return nil
	}
	v, ok := f.obj.Get(name)
	if !ok || !IsJSONata(v) {
		return nil
	}
	return p.compileJSONata(v, f.ptr+"/"+name, name)
}
