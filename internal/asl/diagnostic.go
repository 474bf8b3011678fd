package asl

import (
	"fmt"
	"strings"
)

// Diagnostic codes, as ValidateStateMachineDefinition reports them.
const (
	CodeInvalidJSON             = "INVALID_JSON_DESCRIPTION"
	CodeMissingDescription      = "MISSING_DESCRIPTION"
	CodeSchemaValidationFailed  = "SCHEMA_VALIDATION_FAILED"
	CodeInvalidResource         = "INVALID_RESOURCE"
	CodeMissingEndState         = "MISSING_END_STATE"
	CodeDuplicateStateName      = "DUPLICATE_STATE_NAME"
	CodeInvalidStateName        = "INVALID_STATE_NAME"
	CodeMissingTransitionTarget = "MISSING_TRANSITION_TARGET"
)

// Severities of a Diagnostic.
const (
	SeverityError   = "ERROR"
	SeverityWarning = "WARNING"
)

// Diagnostic is one problem found in a definition.
type Diagnostic struct {
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Message  string `json:"message"`
	// Location is the JSON pointer of the offending field, written as AWS
	// writes it (array elements as Name[i]); empty when the problem has no
	// single location.
	Location string `json:"location,omitempty"`
}

// String formats the diagnostic as AWS does inside an InvalidDefinition
// message: "CODE: message at /location".
func (d Diagnostic) String() string {
	loc := d.Location
	if loc == "" {
		loc = "null"
	}
	return fmt.Sprintf("%s: %s at %s", d.Code, d.Message, loc)
}

// Diagnostics is the list of problems found in a definition.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Errors returns only the error diagnostics.
func (ds Diagnostics) Errors() Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity == SeverityError {
			out = append(out, d)
		}
	}
	return out
}

// Error formats the error diagnostics the way CreateStateMachine's
// InvalidDefinition exception does.
func (ds Diagnostics) Error() string {
	parts := make([]string, 0, len(ds))
	for _, d := range ds.Errors() {
		parts = append(parts, d.String())
	}
	return "Invalid State Machine Definition: '" + strings.Join(parts, ", ") + "'"
}

// pointerKey escapes one reference token of a JSON pointer.
func pointerKey(k string) string {
	if !strings.ContainsAny(k, "~/") {
		return k
	}
	k = strings.ReplaceAll(k, "~", "~0")
	return strings.ReplaceAll(k, "/", "~1")
}
