// Package transformer implements what Amazon EventBridge does to an event
// before it hands it to a rule target: nothing (the target gets the whole
// event), a constant Input, an InputPath selecting part of the event, or an
// InputTransformer filling an InputTemplate with values picked out of the
// event by the JSON paths of an InputPathsMap and with the predefined
// variables aws.events.rule-arn, aws.events.rule-name,
// aws.events.event.ingestion-time, aws.events.event and
// aws.events.event.json.
//
// Compile validates a target's input settings as PutTargets does and
// returns *Error values carrying AWS's ValidationException messages.
// Apply renders the input for one event. A compiled Transformer is
// immutable and safe for concurrent use.
//
// The rendering rules follow EventBridge, including where it is unfriendly:
//
//   - A template whose first non-blank character is '{' is a JSON template.
//     A placeholder standing as a JSON value is replaced by the value in
//     JSON form, a string gaining quotes; a placeholder inside a JSON string
//     is replaced by the value's text. The result is minified; when it is
//     not valid JSON, EventBridge delivers nothing and Apply fails with
//     ErrInvalidJSON.
//   - Any other template is text: values are inserted as their text, and an
//     object or array loses all its quotes ({"a":"b"} becomes {a:b}). The
//     result is delivered as it is, valid JSON or not.
//   - Values are never escaped: a string holding a quote or a line break
//     makes a JSON template invalid.
//   - A path that selects nothing inserts an empty string: "" as a JSON
//     value, nothing inside a string or a text template.
//   - Paths are not validated when the target is created; a path that
//     cannot be evaluated selects nothing. Paths are evaluated with Jayway
//     semantics (package jsonpath), a superset of the syntax EventBridge
//     documents: names in dot or bracket notation, array indexes and
//     wildcards.
package transformer

import (
	"errors"
	"fmt"
	"time"

	"github.com/sluice-run/sluice/internal/asl/jsonpath"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// Spec is a target's input settings as PutTargets receives them. At most
// one of Input, InputPath and the transformer may be set.
type Spec struct {
	// Input is constant JSON text passed to the target instead of the event.
	Input *string
	// InputPath is a JSONPath selecting the part of the event to pass.
	InputPath *string
	// InputPathsMap names values of the event, by JSONPath, for the
	// placeholders of InputTemplate.
	InputPathsMap map[string]string
	// InputTemplate is the InputTransformer's template.
	InputTemplate *string
	// HasTransformer reports that the target has an InputTransformer,
	// which matters when its InputTemplate is missing. A non-nil
	// InputTemplate or InputPathsMap implies it.
	HasTransformer bool

	// TargetID is the target's Id, which AWS quotes in its messages.
	TargetID string
	// Index is the 1-based position of the target in the PutTargets
	// request, which AWS quotes in constraint messages as
	// targets.<Index>.member; zero means 1.
	Index int
}

// Context is what the predefined template variables report besides the
// event itself.
type Context struct {
	// RuleArn is the value of aws.events.rule-arn.
	RuleArn string
	// RuleName is the value of aws.events.rule-name.
	RuleName string
	// IngestionTime is when the bus received the event, the value of
	// aws.events.event.ingestion-time.
	IngestionTime time.Time
}

// Kind says what a target receives.
type Kind int

const (
	// KindEvent is the whole event.
	KindEvent Kind = iota
	// KindInput is the constant Input.
	KindInput
	// KindInputPath is the part of the event InputPath selects.
	KindInputPath
	// KindTemplate is the rendered InputTemplate.
	KindTemplate
)

// Error is a validation error of Compile, reported by PutTargets as
// ValidationException with Message as the message.
type Error struct {
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errors Apply wraps when an event cannot give the target an input. The
// target is not invoked; retrying cannot help, as the same event renders
// the same way every time.
var (
	// ErrInvalidJSON is wrapped when a JSON template renders to text that
	// is not valid JSON.
	ErrInvalidJSON = errors.New("the input template rendered invalid JSON")
	// ErrPathNotFound is wrapped when InputPath selects nothing in the
	// event.
	ErrPathNotFound = errors.New("the InputPath selects nothing in the event")
)

// Transformer renders the input of one target. The zero value and a nil
// *Transformer pass the whole event.
type Transformer struct {
	kind  Kind
	input []byte         // KindInput: the constant, as written
	path  *jsonpath.Path // KindInputPath: nil when the path does not parse
	src   string         // KindInputPath: the path as written

	// KindTemplate:
	json bool       // the template is a JSON object
	segs []segment  // literal text and placeholders
	vars []variable // the distinct placeholders, indexed by segment.ref
}

// Kind returns what the target receives.
func (t *Transformer) Kind() Kind {
	if t == nil {
		return KindEvent
	}
	return t.kind
}

// Compile validates a target's input settings as PutTargets does and
// compiles them. Errors are *Error values with AWS's messages.
func Compile(spec Spec) (*Transformer, error) {
	hasT := spec.HasTransformer || spec.InputTemplate != nil || spec.InputPathsMap != nil
	if err := checkConstraints(spec, hasT); err != nil {
		return nil, err
	}
	n := 0
	for _, set := range []bool{spec.Input != nil, spec.InputPath != nil, hasT} {
		if set {
			n++
		}
	}
	if n > 1 {
		return nil, &Error{Message: fmt.Sprintf("Only one of Input, InputPath, or InputTransformer must be provided for target %s.", spec.TargetID)}
	}
	switch {
	case spec.Input != nil:
		if _, err := jsonvalue.ParseString(*spec.Input); err != nil {
			return nil, &Error{Message: fmt.Sprintf("JSON syntax error in input for target %s: %s", spec.TargetID, jacksonLocation(*spec.Input, err))}
		}
		return &Transformer{kind: KindInput, input: []byte(*spec.Input)}, nil
	case spec.InputPath != nil:
		// EventBridge evaluates paths at run time and does not reject them
		// here; a path that does not parse selects nothing.
		p, _ := jsonpath.Parse(*spec.InputPath)
		return &Transformer{kind: KindInputPath, path: p, src: *spec.InputPath}, nil
	case hasT:
		return compileTemplate(*spec.InputTemplate, spec.InputPathsMap, spec.TargetID)
	}
	return &Transformer{kind: KindEvent}, nil
}

// Apply returns the input the target receives for event, whose encoding as
// EventBridge delivers it is rawEvent (nil to encode event). The result may
// share memory with rawEvent and must not be modified. Apply fails only when
// the event cannot give an input: the error then wraps ErrInvalidJSON or
// ErrPathNotFound.
func (t *Transformer) Apply(event jsonvalue.Value, rawEvent []byte, ctx Context) ([]byte, error) {
	switch t.Kind() {
	case KindInput:
		return append([]byte(nil), t.input...), nil
	case KindInputPath:
		v, ok := t.selectPath(event)
		if !ok {
			return nil, fmt.Errorf("%w: %s", ErrPathNotFound, t.src)
		}
		return jsonvalue.Append(nil, v), nil
	case KindTemplate:
		return t.render(event, rawEvent, ctx)
	}
	return eventBytes(event, rawEvent), nil
}

// selectPath evaluates InputPath. An indefinite path always selects its
// list of matches, possibly empty; a definite one may select nothing.
func (t *Transformer) selectPath(event jsonvalue.Value) (jsonvalue.Value, bool) {
	if t.path == nil {
		return nil, false
	}
	v, err := t.path.Eval(&jsonpath.Env{Input: event})
	if err != nil {
		return nil, false
	}
	return v, true
}

// eventBytes returns the event as the target receives it.
func eventBytes(event jsonvalue.Value, rawEvent []byte) []byte {
	if rawEvent != nil {
		return rawEvent
	}
	return jsonvalue.Append(nil, event)
}
