// Package intrinsic implements the Step Functions intrinsic functions
// (States.Format, States.Array, States.Hash, ...) of the JSONPath query
// language: parsing a call such as States.Format('{}', $.name) and
// evaluating it against a state's input, context object and variables.
//
// The package follows what AWS Step Functions does, as recorded from real
// executions, where that differs from the documentation:
//
//   - Only syntax is checked when a definition is created: an unknown
//     function name, a malformed literal or an unbalanced parenthesis makes
//     Parse fail. A wrong number or type of arguments is accepted by Parse
//     and fails at run time with "Invalid arguments in States.X", as AWS
//     does; Check reports such problems for callers that want to warn early.
//   - Every run-time failure is a States.Runtime error whose message names
//     the whole call as written.
//   - Values are compared, printed and hashed the way the Java service does:
//     States.Format prints objects as {key=value, ...}, States.ArrayContains
//     compares those printed forms, States.ArrayUnique returns the values in
//     java.util.HashSet order and States.MathRandom with a seed returns what
//     java.util.Random returns for that seed.
package intrinsic

import (
	"errors"
	"fmt"
	"strings"

	"github.com/sluice-run/sluice/internal/asl/jsonpath"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// Random is the source of randomness for States.UUID and States.MathRandom.
// The interpreter hands one in so that executions replay deterministically;
// *math/rand/v2.Rand satisfies it.
type Random interface {
	Uint64() uint64
}

// ErrRuntime is the name of the Step Functions error every failing call
// raises.
const ErrRuntime = "States.Runtime"

// Error is a failure while evaluating a call. Name is the Step Functions
// error name the state fails with (for example States.Runtime) and Message
// is the human-readable cause without the "An error occurred while executing
// the state ..." prefix, which the interpreter adds.
type Error struct {
	Name    string
	Message string
}

// Error returns the error name and the message, separated by a colon.
func (e *Error) Error() string { return e.Name + ": " + e.Message }

// SyntaxError is returned by Parse for a string that is not a valid
// intrinsic function call.
type SyntaxError struct {
	// Src is the call as written.
	Src string
	// Offset is the byte offset in Src where the problem was found.
	Offset int
	// Msg says what is wrong.
	Msg string
}

// Error describes the problem and where it is in the call.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid intrinsic function call %q at offset %d: %s", e.Src, e.Offset, e.Msg)
}

// Call is a parsed intrinsic function call. A Call is immutable and safe for
// concurrent use.
type Call struct {
	src  string
	root node
}

// Looks reports whether s has the shape of an intrinsic function call
// (it starts with "States." and contains an opening parenthesis), which is
// how Step Functions decides between a path and a call in a ".$" field.
func Looks(s string) bool {
	return strings.HasPrefix(s, "States.") && strings.IndexByte(s, '(') >= 0
}

// Parse parses an intrinsic function call, including nested calls, string
// literals with \' \{ \} \\ escapes, numbers, booleans, null and path
// arguments ($, $$ and $variable roots). Path arguments are compiled with
// jsonpath.Parse. It fails for malformed syntax and unknown function names;
// argument counts and types are checked when the call is evaluated, as in
// Step Functions.
func Parse(src string) (*Call, error) {
	p := parser{src: src}
	root, err := p.parseCall(0)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos < len(p.src) {
		return nil, p.errorf("unexpected %s after the call", p.describe())
	}
	return &Call{src: src, root: root}, nil
}

// String returns the call as written.
func (c *Call) String() string { return c.src }

// Name returns the name of the outermost function, such as "States.Format".
func (c *Call) Name() string { return c.root.fn.name }

// Paths returns the path arguments of the call and of the calls nested in
// it, in the order they appear. Validators use it to check variable
// references; the paths must not be modified.
func (c *Call) Paths() []*jsonpath.Path {
	var out []*jsonpath.Path
	var walk func(n *node)
	walk = func(n *node) {
		switch n.kind {
		case kindPath:
			out = append(out, n.path)
		case kindCall:
			for i := range n.args {
				walk(&n.args[i])
			}
		}
	}
	walk(&c.root)
	return out
}

// Check reports the first problem that is certain to make the call fail at
// run time and that can be seen without data: a wrong number of arguments
// or a literal argument of the wrong type, in this call or a nested one.
// Step Functions accepts such calls when a state machine is created and
// fails the execution later, so a validator should report these as warnings
// rather than reject the definition.
func (c *Call) Check() error {
	return c.root.check()
}

// Eval evaluates the call against env. rnd supplies randomness for
// States.UUID and an unseeded States.MathRandom; it may be nil for calls
// that need none. Failures are returned as *Error.
func (c *Call) Eval(env *jsonpath.Env, rnd Random) (jsonvalue.Value, error) {
	if env == nil {
		env = &jsonpath.Env{}
	}
	ev := evaluator{env: env, rnd: rnd}
	r, err := ev.eval(&c.root)
	if err != nil {
		return nil, c.wrap(err, env)
	}
	return r.v, nil
}

// wrap turns an internal evaluation failure into the Error Step Functions
// reports.
func (c *Call) wrap(err error, env *jsonpath.Env) error {
	var fe *failure
	if !errors.As(err, &fe) {
		return &Error{Name: ErrRuntime, Message: "There was an error while evaluating the intrinsic function: " + c.src + ". " + err.Error()}
	}
	if fe.path != nil {
		if fe.notFound {
			return &Error{Name: ErrRuntime, Message: fmt.Sprintf(
				"The function '%s' had the following error: The JsonPath argument for the field '%s' could not be found in the input '%s'",
				c.src, fe.path.String(), jsonvalue.Marshal(rootOf(fe.path, env)))}
		}
		return &Error{Name: ErrRuntime, Message: fmt.Sprintf(
			"The function '%s' had the following error: %s", c.src, fe.msg)}
	}
	return &Error{Name: ErrRuntime, Message: "There was an error while evaluating the intrinsic function: " + c.src + ". " + fe.msg}
}

// rootOf returns the document a path is evaluated against, for messages.
func rootOf(p *jsonpath.Path, env *jsonpath.Env) jsonvalue.Value {
	switch p.Root() {
	case jsonpath.RootContext:
		return env.Context
	case jsonpath.RootVariable:
		if env.Var != nil {
			v, _ := env.Var(p.Variable())
			return v
		}
		return nil
	}
	return env.Input
}

// failure is an evaluation error before it is dressed as an Error.
type failure struct {
	msg      string
	path     *jsonpath.Path // set for a path argument that failed
	notFound bool
}

func (f *failure) Error() string { return f.msg }
