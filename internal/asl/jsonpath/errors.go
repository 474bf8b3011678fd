package jsonpath

import (
	"fmt"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// SyntaxError is returned by Parse and ParseReference for a string that is
// not a valid path. Offset is the byte offset in Path where the problem was
// found.
type SyntaxError struct {
	Path   string // the path as written
	Offset int    // byte offset of the problem in Path
	Msg    string // what is wrong
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSONPath %q at offset %d: %s", e.Path, e.Offset, e.Msg)
}

// ErrorKind classifies a *PathError.
type ErrorKind int

const (
	// NoResults: the path is definite and selected nothing, for example
	// because the last property is missing or an index is out of range.
	// Message: "No results for path: $['a']['b']".
	NoResults ErrorKind = iota + 1
	// MissingProperty: a property before the last one is missing.
	// Message: "Missing property in path $['a']".
	MissingProperty
	// NotAnObject: a property was applied to a value that is not an object.
	// Message: "Expected to find an object with property ['b'] in path
	// $['a'] but found 'java.util.ArrayList'. This is not a json object
	// according to the JsonProvider:
	// 'com.jayway.jsonpath.spi.json.JacksonJsonProvider'."
	NotAnObject
	// NullValue: an index or slice was applied to null.
	// Message: "The path $['a'] is null".
	NullValue
	// NotAnArray: an index or slice was applied to a value that is not an
	// array. Message: "Filter: [0] can only be applied to arrays. Current
	// context is: {b=1}".
	NotAnArray
	// FilterOnPrimitive: a filter was applied to a value that is neither an
	// object nor an array. Message: "Filter: [?] can not be applied to
	// primitives. Current context is: 5".
	FilterOnPrimitive
	// FunctionFailed: a path function such as sum() failed, for example on
	// an empty array. Message: "Aggregation function attempted to calculate
	// value using empty array".
	FunctionFailed
	// FilterFailed: a filter could not be evaluated, for example because
	// the in operator met a list holding an object. Message: "Could not
	// determine value type".
	FilterFailed
	// UndefinedVariable: the path starts with a variable that does not
	// exist. Message: "The variable $name is not defined".
	UndefinedVariable
	// TooComplex: the evaluation was stopped because it needed more than
	// ten million steps, as deep scans nested in deep scans or filters can
	// on a large input. Jayway has no such limit. Message: "The path $..a..b
	// is too complex to evaluate on this input: it needs more than 10000000
	// steps".
	TooComplex
)

// PathError is the error Eval returns when a path cannot be evaluated. Msg
// is the text Jayway JsonPath produces, which Step Functions puts in its
// error causes, for example "No results for path: $['a']".
//
// Every PathError except TooComplex wraps ErrNotFound: Step Functions
// reports every failure of a JSONPath evaluation as a path that "could not
// be found in the input", including failures of path functions.
type PathError struct {
	Kind ErrorKind
	Path string // the path as written
	At   string // the location the message refers to, in bracket notation
	Msg  string
}

func (e *PathError) Error() string { return e.Msg }

// Unwrap returns ErrNotFound, or nil for TooComplex.
func (e *PathError) Unwrap() error {
	if e.Kind == TooComplex {
		return nil
	}
	return ErrNotFound
}

// ResultPathMatchFailure is the Step Functions error name for a ResultPath
// that cannot be applied to the state input; Set reports it as *SetError.
const ResultPathMatchFailure = "States.ResultPathMatchFailure"

// SetError is returned by Set when the path runs into a value it cannot
// descend into, such as a string where the path needs an object. Its
// message is the cause Step Functions gives with the error
// States.ResultPathMatchFailure:
//
//	Unable to apply ReferencePath $.a.b to input {"a":"x"}
//
// where the input is the compact JSON of the whole document.
type SetError struct {
	Path  string          // the path as written
	At    string          // the location that is not a container, in bracket notation
	Found string          // the JSON type found there: "string", "number", ...
	Input jsonvalue.Value // the document Set was applied to
}

func (e *SetError) Error() string {
	return "Unable to apply ReferencePath " + e.Path + " to input " + jsonvalue.Marshal(e.Input)
}

// ErrorName returns "States.ResultPathMatchFailure".
func (e *SetError) ErrorName() string { return ResultPathMatchFailure }
