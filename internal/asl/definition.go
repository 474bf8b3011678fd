// Package asl holds the typed model of an Amazon States Language definition,
// its parser and its static validator.
//
// Parse turns definition text into a *Definition whose paths, payload
// templates and intrinsic calls are compiled, and reports every problem it
// finds as a Diagnostic with an AWS-style code and the JSON pointer of the
// offending field. The interpreter runs the compiled model and never
// re-parses strings at run time.
package asl

import (
	"time"

	"github.com/sluice-run/sluice/internal/asl/jsonpath"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// Query languages a definition or state may declare.
const (
	JSONPath = "JSONPath"
	JSONata  = "JSONata"
)

// StateType is the Type of a state.
type StateType string

// The state types of the States Language.
const (
	TypeTask     StateType = "Task"
	TypePass     StateType = "Pass"
	TypeChoice   StateType = "Choice"
	TypeWait     StateType = "Wait"
	TypeSucceed  StateType = "Succeed"
	TypeFail     StateType = "Fail"
	TypeParallel StateType = "Parallel"
	TypeMap      StateType = "Map"
)

// Definition is a parsed state machine. The same type holds a Parallel
// branch and a Map item processor, which are state machines of their own.
type Definition struct {
	Comment       string
	StartAt       string
	Version       string
	QueryLanguage string
	// TimeoutSeconds is the execution timeout; zero means none (AWS then
	// applies its one-year limit).
	TimeoutSeconds int64
	// States in the order they appear in the definition.
	States []*State
	// Start is the state named by StartAt.
	Start *State

	byName   map[string]*State
	startSet bool
	raw      *jsonvalue.Object
	// Pointer is the JSON pointer of this (sub) machine in the definition.
	Pointer string
}

// Source returns the (sub) state machine as JSON text.
func (d *Definition) Source() string { return jsonvalue.Marshal(d.raw) }

// State returns the state called name, or nil.
func (d *Definition) State(name string) *State { return d.byName[name] }

// OptionalPath is a path field that may be absent (the default "$"
// applies), set to a path, or set to JSON null.
type OptionalPath struct {
	Path *jsonpath.Path
	Null bool
}

// IsDefault reports whether the field was absent.
func (p OptionalPath) IsDefault() bool { return p.Path == nil && !p.Null }

// IsRoot reports whether the path is absent or exactly "$", so that it
// passes its input through unchanged.
func (p OptionalPath) IsRoot() bool {
	return p.IsDefault() || (p.Path != nil && p.Path.String() == "$")
}

// State is one state of a state machine. Fields that do not apply to the
// state's type are zero.
type State struct {
	Name    string
	Type    StateType
	Comment string
	// QueryLanguage is the effective language of the state.
	QueryLanguage string
	// Pointer is the JSON pointer of the state, such as /States/Check.
	Pointer string
	// Index is the position of the state in its Definition.States.
	Index int

	// Transition. NextState is resolved from Next after parsing.
	Next      string
	End       bool
	NextState *State

	// Input and output processing.
	InputPath      OptionalPath
	OutputPath     OptionalPath
	ResultPath     OptionalPath
	Parameters     *Template
	ResultSelector *Template
	// Result is the Pass state's fixed result; HasResult says whether it
	// was given (it may be JSON null).
	Result    jsonvalue.Value
	HasResult bool

	// Error handling.
	Retry []*Retrier
	Catch []*Catcher

	// Task.
	Resource             string
	TimeoutSeconds       int64
	TimeoutSecondsPath   *jsonpath.Path
	HeartbeatSeconds     int64
	HeartbeatSecondsPath *jsonpath.Path
	Credentials          jsonvalue.Value

	// Choice.
	Choices      []*ChoiceRule
	Default      string
	DefaultState *State

	// Wait. Exactly one of these is set.
	Seconds       *int64
	Timestamp     *time.Time
	SecondsPath   *jsonpath.Path
	TimestampPath *jsonpath.Path

	// Fail. ErrorExpr and CauseExpr hold ErrorPath and CausePath, which
	// may be paths or intrinsic calls.
	Error     *string
	Cause     *string
	ErrorExpr *Expr
	CauseExpr *Expr

	// Parallel.
	Branches []*Definition

	// Map.
	ItemProcessor                  *Definition
	ProcessorMode                  string // INLINE or DISTRIBUTED
	ExecutionType                  string // STANDARD or EXPRESS, for DISTRIBUTED
	ItemsPath                      OptionalPath
	ItemSelector                   *Template
	MaxConcurrency                 int64
	MaxConcurrencyPath             *jsonpath.Path
	ToleratedFailureCount          *int64
	ToleratedFailureCountPath      *jsonpath.Path
	ToleratedFailurePercentage     *float64
	ToleratedFailurePercentagePath *jsonpath.Path
	Label                          string
	ItemBatcher                    *ItemBatcher
	ItemReader                     jsonvalue.Value
	ResultWriter                   jsonvalue.Value

	// Workflow variables: Assign of a JSONPath state is a payload
	// template evaluated against the state's result; JAssign is the
	// JSONata form.
	Assign  *Template
	JAssign *JTemplate

	// JSONata states. Output replaces InputPath, ResultSelector,
	// ResultPath and OutputPath; Arguments replaces Parameters; Items
	// replaces ItemsPath. The other J fields hold the "{% %}" forms of
	// fields that also take plain values.
	Output                      *JTemplate
	Arguments                   *JTemplate
	Items                       *JTemplate
	JItemSelector               *JTemplate
	JSeconds                    *JTemplate
	JTimestamp                  *JTemplate
	JTimeoutSeconds             *JTemplate
	JHeartbeatSeconds           *JTemplate
	JMaxConcurrency             *JTemplate
	JToleratedFailureCount      *JTemplate
	JToleratedFailurePercentage *JTemplate
	JError                      *JTemplate
	JCause                      *JTemplate

	// incomplete marks a state whose type or transition could not be
	// parsed, so graph checks would only repeat the problem.
	incomplete bool

	// UsesContext reports whether any path or intrinsic of the state reads
	// the context object ($$), so the interpreter builds it only when needed.
	UsesContext bool
}

// IsTerminal reports whether the state ends its state machine when it
// completes without error.
func (s *State) IsTerminal() bool {
	return s.End || s.Type == TypeSucceed || s.Type == TypeFail
}

// ItemBatcher is a distributed Map's batching configuration.
type ItemBatcher struct {
	MaxItemsPerBatch          int64
	MaxItemsPerBatchPath      *jsonpath.Path
	MaxInputBytesPerBatch     int64
	MaxInputBytesPerBatchPath *jsonpath.Path
	BatchInput                *Template
}

// Retrier is one entry of a Retry field.
type Retrier struct {
	ErrorEquals     []string
	IntervalSeconds int64
	MaxAttempts     int64
	BackoffRate     float64
	MaxDelaySeconds int64 // zero means no cap
	JitterStrategy  string
}

// Catcher is one entry of a Catch field.
type Catcher struct {
	ErrorEquals []string
	Next        string
	NextState   *State
	ResultPath  OptionalPath
	// Assign (JSONPath) and JAssign and Output (JSONata) are evaluated
	// against the error output.
	Assign  *Template
	JAssign *JTemplate
	Output  *JTemplate
}

// IsJSONata reports whether the state uses the JSONata query language.
func (s *State) IsJSONata() bool { return s.QueryLanguage == JSONata }

// Expr is a ".$"-style dynamic value: either a JSONPath or an intrinsic
// function call.
type Expr struct {
	src       string
	path      *jsonpath.Path
	intrinsic intrinsicCall
}

// String returns the expression as written.
func (e *Expr) String() string { return e.src }
