package jsonata

import (
	"math/rand/v2"
	"time"
)

// Builtin is a function of JSONata's standard library (or one a caller
// adds). Before Impl runs, the evaluator checks the arguments against
// Signature (JSONata's signature syntax, e.g. "<s-n?:s>"), fills a missing
// "-" argument from the context value and wraps single values given for
// array parameters into arrays; Impl can rely on the types the signature
// names. Any argument may still be nil (undefined): an optional argument
// that was left out, or an undefined value the signature lets through.
type Builtin struct {
	Name      string
	Signature string
	Impl      func(c *Call, args []Value) (Value, error)

	sig *signature
}

// Call gives a builtin access to the evaluation that called it.
type Call struct {
	// Input is the context value the function was called in.
	Input Value
	// Position is where in the expression the call is, for errors.
	Position int

	ev  *evaluator
	env *environment
}

// builtins is the standard library by name, without the leading $.
var builtins = map[string]*Builtin{}

// register adds a standard-library function. It panics on a bad
// signature, which is a programming error caught by the package's tests.
func register(name, sig string, impl func(c *Call, args []Value) (Value, error)) {
	b := &Builtin{Name: name, Signature: sig, Impl: impl}
	s, err := parseSignature(sig)
	if err != nil {
		panic("jsonata: signature of $" + name + ": " + err.Error())
	}
	b.sig = s
	builtins[name] = b
}

// Apply calls fn (a lambda, builtin, partial application or regex) with
// args, as a JSONata expression calling it would.
func (c *Call) Apply(fn Value, args ...Value) (Value, error) {
	return c.ev.apply(fn, args, c.Input, c.env, c.Position)
}

// Arity returns the number of parameters fn declares, so that $map, $filter
// and friends pass only the arguments a callback takes.
func (c *Call) Arity(fn Value) int { return arity(fn) }

// Now returns the time of this evaluation: $now() and $millis() give the
// same answer throughout one evaluation.
func (c *Call) Now() time.Time { return c.ev.now }

// Random returns a number in [0, 1) from the evaluation's random source
// (see Options.Random).
func (c *Call) Random() float64 {
	if c.ev == nil || c.ev.random == nil {
		return rand.Float64()
	}
	return c.ev.random()
}

// Evaluate parses and evaluates expr against input with the caller's
// variables plus bindings, for $eval.
func (c *Call) Evaluate(expr string, input Value, bindings *Object) (Value, error) {
	return c.ev.evalString(expr, input, bindings, c.env)
}
