package teststate

import (
	"strings"

	"github.com/sluice-run/sluice/internal/asl"
	"github.com/sluice-run/sluice/internal/interp"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// prepared holds what the request contributes once checked against the
// state: the mock, the context object and the variables.
type prepared struct {
	mockResult   *doc
	mockError    *stateError
	context      *jsonvalue.Object // the caller's context object, or nil
	variables    *jsonvalue.Object
	retryCount   int64
	failureCount int64
}

// prepare checks the parts of the request that depend on the state under
// test, in the order AWS checks them as far as recorded responses show.
func prepare(r *Request, t *target) (*prepared, error) {
	s := t.state
	p := &prepared{}
	m := r.Mock
	switch {
	case s.Type == asl.TypeMap && (s.IsJSONata() || usesAssign(s)):
		// The interpreter runs JSONata Map states and their variables;
		// TestState's own runner does not yet, and says so rather than
		// run the state wrongly.
		return nil, &Error{Code: CodeInvalidDefinition, Message: "Sluice's TestState does not run JSONata or Assign in Map states yet; run the state in a state machine (sluice run) instead"}
	case m == nil && (s.Type == asl.TypeMap || s.Type == asl.TypeParallel):
		return nil, &Error{Code: CodeInvalidDefinition, Message: "TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]"}
	case m == nil && s.Type == asl.TypeTask && needsMock(s.Resource):
		return nil, validationError("TestState API does not support Activity tasks, .sync or .waitForTaskToken service integration patterns unless a mock is specified")
	case m != nil && s.Type != asl.TypeTask && s.Type != asl.TypeMap && s.Type != asl.TypeParallel:
		return nil, validationError("State type '%s' is not supported when a mock is specified", s.Type)
	}
	if m != nil {
		if err := p.mock(r, s); err != nil {
			return nil, err
		}
	}
	if m == nil && s.Type == asl.TypeTask && r.RoleArn == "" {
		return nil, validationError("RoleArn must be specified when testing a Task state")
	}
	if r.Context != nil {
		if m == nil {
			return nil, validationError("Invalid Context object provided: a Context object can only be specified when a mock is specified")
		}
		c, err := checkContext(r.Context, s)
		if err != nil {
			return nil, err
		}
		p.context = c
	}
	if r.Variables != nil {
		v, ok := r.Variables.(*jsonvalue.Object)
		if !ok {
			return nil, validationError("Invalid variables provided: the variables must be a JSON object but were %s", jsonvalue.TypeName(r.Variables))
		}
		p.variables = v
	}
	if c := r.Config; c != nil {
		p.retryCount = c.RetrierRetryCount
		p.failureCount = c.MapIterationFailureCount
	}
	return p, nil
}

// mock checks a mock against the state and parses its result.
func (p *prepared) mock(r *Request, s *asl.State) error {
	m := r.Mock
	if r.RevealSecrets {
		return validationError("TestState does not support RevealSecrets when a mock is specified.")
	}
	switch {
	case m.Result != nil && m.ErrorOutput != nil:
		return validationError("A test mock should have only one of the following fields: [result, errorOutput].")
	case m.Result == nil && m.ErrorOutput == nil:
		return validationError("A test mock should have one of the following fields: [result, errorOutput].")
	case m.ErrorOutput != nil:
		p.mockError = &stateError{Error: m.ErrorOutput.Error, Cause: m.ErrorOutput.Cause, HasError: true, HasCause: true}
		return nil
	}
	v, err := jsonvalue.ParseString(*m.Result)
	if err != nil {
		return validationError("Mocked result must be valid JSON")
	}
	switch s.Type {
	case asl.TypeMap:
		if s.ResultWriter != nil {
			if _, ok := v.(*jsonvalue.Object); !ok {
				return validationError("Mocked result must be a JSON object.")
			}
		} else if _, ok := v.([]jsonvalue.Value); !ok {
			return validationError("Mocked result must be an array.")
		}
	case asl.TypeParallel:
		arr, ok := v.([]jsonvalue.Value)
		if !ok {
			return validationError("Mocked result must be an array.")
		}
		if len(arr) != len(s.Branches) {
			return validationError("Mocked result must contain the same number of items as number of Parallel branches.")
		}
	}
	p.mockResult = &doc{v: v, raw: *m.Result, hasRaw: true}
	return nil
}

// needsMock reports whether a Task resource can only be tested with a
// mock: activities, and the .sync and .waitForTaskToken patterns.
func needsMock(resource string) bool {
	return interp.WaitsForToken(resource) || isSync(resource)
}

// isSync reports whether a resource uses a .sync integration pattern.
func isSync(resource string) bool {
	return strings.HasSuffix(resource, ".sync") || strings.Contains(resource, ".sync:")
}

// contextFields lists the fields a caller's context object may hold, with
// their JSON types.
var contextFields = map[string]map[string]string{
	"Execution":    {"Id": "string", "Input": "", "Name": "string", "RoleArn": "string", "StartTime": "string", "RedriveCount": "integer", "RedriveTime": "string"},
	"State":        {"EnteredTime": "string", "Name": "string", "RetryCount": "integer"},
	"StateMachine": {"Id": "string", "Name": "string"},
	"Task":         {"Token": "string"},
}

// checkContext validates a caller's context object with the messages AWS
// uses.
func checkContext(v jsonvalue.Value, s *asl.State) (*jsonvalue.Object, error) {
	bad := func(format string, args ...any) error {
		return validationError("Invalid Context object provided: "+format, args...)
	}
	c, ok := v.(*jsonvalue.Object)
	if !ok {
		return nil, bad("the Context object must be a JSON object")
	}
	for i := 0; i < c.Len(); i++ {
		k, sub := c.At(i)
		if k == "Map" {
			return nil, bad("'Map' field is not supported when mocking a Context object")
		}
		fields, known := contextFields[k]
		if !known {
			return nil, bad("Field '%s' is not allowed", k)
		}
		o, ok := sub.(*jsonvalue.Object)
		if !ok {
			return nil, bad("%s must be an object", k)
		}
		for j := 0; j < o.Len(); j++ {
			fk, fv := o.At(j)
			typ, known := fields[fk]
			if !known {
				return nil, bad("Field '%s' is not allowed", fk)
			}
			switch typ {
			case "string":
				if _, ok := fv.(string); !ok {
					return nil, bad("%s.%s must be a string", k, fk)
				}
			case "integer":
				n, ok := fv.(jsonvalue.Number)
				if _, isInt := n.Int64(); !ok || !isInt {
					return nil, bad("%s.%s must be an integer", k, fk)
				}
			}
		}
	}
	if _, hasTask := c.Get("Task"); hasTask && !(s.Type == asl.TypeTask && needsMock(s.Resource)) {
		return nil, bad("Context object contains 'Task' when state is not a Task state with a '.sync' or '.waitForTaskToken' service integration pattern")
	}
	return c, nil
}

// usesAssign reports whether the state or its choice rules or catchers
// assign workflow variables.
func usesAssign(s *asl.State) bool {
	if s.Assign != nil || s.JAssign != nil {
		return true
	}
	for _, r := range s.Choices {
		if r.Assign != nil || r.JAssign != nil {
			return true
		}
	}
	for _, c := range s.Catch {
		if c.Assign != nil || c.JAssign != nil {
			return true
		}
	}
	return false
}
