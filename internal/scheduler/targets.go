package scheduler

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/sluice-run/sluice/internal/awsapi"
	"github.com/sluice-run/sluice/internal/bus"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// targetKind says how a target ARN is invoked.
type targetKind int

const (
	targetStateMachine targetKind = iota + 1
	targetBus
	targetStartExecution // arn:aws:scheduler:::aws-sdk:sfn:startExecution
	targetPutEvents      // arn:aws:scheduler:::aws-sdk:eventbridge:putEvents
	targetFunction
)

// Universal target ARNs Sluice invokes.
const (
	universalPrefix    = "arn:aws:scheduler:::aws-sdk:"
	arnStartExecution  = universalPrefix + "sfn:startExecution"
	arnPutEvents       = universalPrefix + "eventbridge:putEvents"
	supportedTargetsIs = "state machines, functions, event buses, aws-sdk:sfn:startExecution and aws-sdk:eventbridge:putEvents are supported"
)

// String names the kind in messages.
func (k targetKind) String() string {
	switch k {
	case targetStateMachine:
		return "state machine"
	case targetBus:
		return "event bus"
	case targetStartExecution:
		return "aws-sdk:sfn:startExecution"
	case targetPutEvents:
		return "aws-sdk:eventbridge:putEvents"
	case targetFunction:
		return "function"
	}
	return "unknown"
}

// kindOf classifies a target ARN; its error names what is not supported.
func kindOf(arn string) (targetKind, error) {
	switch arn {
	case arnStartExecution:
		return targetStartExecution, nil
	case arnPutEvents:
		return targetPutEvents, nil
	}
	if rest, ok := strings.CutPrefix(arn, universalPrefix); ok {
		return 0, fmt.Errorf("Sluice cannot invoke the universal target aws-sdk:%s yet (%s).", rest, supportedTargetsIs)
	}
	p := strings.SplitN(arn, ":", 6)
	if len(p) < 6 || p[0] != "arn" {
		return 0, fmt.Errorf("Invalid target ARN %s.", arn)
	}
	switch {
	case p[2] == "states" && strings.HasPrefix(p[5], "stateMachine:"):
		return targetStateMachine, nil
	case p[2] == "events" && strings.HasPrefix(p[5], "event-bus/"):
		return targetBus, nil
	case p[2] == "lambda" && strings.HasPrefix(p[5], "function:"):
		return targetFunction, nil
	}
	return 0, fmt.Errorf("Sluice cannot invoke %s targets yet (%s): %s.", p[2], supportedTargetsIs, arn)
}

// permanentError is an invocation failure that retrying cannot fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// classify marks the errors of Sluice's own services that retrying cannot
// fix (client errors other than throttling) as permanent.
func classify(err error) error {
	if awsapi.Permanent(err) {
		return &permanentError{err}
	}
	return err
}

// input is the target's Input for one attempt, with the context
// attributes replaced; "{}" when the schedule has none.
func (inv *invocation) input() string {
	if inv.Target.Input == nil {
		return "{}"
	}
	return strings.NewReplacer(
		"<aws.scheduler.scheduled-time>", inv.Nominal.UTC().Format("2006-01-02T15:04:05Z"),
		"<aws.scheduler.execution-id>", inv.ExecutionID,
		"<aws.scheduler.attempt-number>", strconv.Itoa(inv.Attempt),
		"<aws.scheduler.schedule-arn>", inv.Schedule,
	).Replace(*inv.Target.Input)
}

// invoke makes one attempt at an invocation.
func (s *Service) invoke(ctx context.Context, inv *invocation) error {
	arn := *inv.Target.Arn
	kind, err := kindOf(arn)
	if err != nil {
		return &permanentError{err}
	}
	input := inv.input()
	switch kind {
	case targetStateMachine:
		return s.startExecution(ctx, arn, inv.ExecutionID, input)
	case targetBus:
		p := inv.Target.EventBridgeParameters
		detail, err := jsonvalue.ParseString(input)
		if err != nil {
			return &permanentError{fmt.Errorf("InvalidInput: %v", err)}
		}
		return s.putEvents(ctx, []*bus.Event{s.event(inv, 0, arn, *p.DetailType, *p.Source, detail, []jsonvalue.Value{inv.Schedule})})
	case targetStartExecution:
		return s.universalStart(ctx, inv, input)
	case targetPutEvents:
		return s.universalPutEvents(ctx, inv, input)
	case targetFunction:
		if s.cfg.Functions == nil {
			return &permanentError{errors.New("NotSupported: no Lambda service")}
		}
		return classify(s.cfg.Functions.InvokeForTarget(ctx, arn, []byte(input)))
	}
	return &permanentError{fmt.Errorf("target kind %d", kind)}
}

func (s *Service) startExecution(ctx context.Context, smArn, name, input string) error {
	if s.cfg.StateMachines == nil {
		return &permanentError{errors.New("NotSupported: no Step Functions service")}
	}
	_, err := s.cfg.StateMachines.StartForTarget(ctx, smArn, name, []byte(input))
	return classify(err)
}

func (s *Service) putEvents(ctx context.Context, events []*bus.Event) error {
	if s.cfg.Events == nil {
		return &permanentError{errors.New("NotSupported: no EventBridge service")}
	}
	return classify(s.cfg.Events.Ingest(ctx, events))
}

// member reads a member of a universal target's request, whose names may
// be written as in the API (StateMachineArn) or in camel case.
func member(o *jsonvalue.Object, name string) (jsonvalue.Value, bool) {
	if v, ok := o.Get(name); ok {
		return v, true
	}
	return o.Get(strings.ToLower(name[:1]) + name[1:])
}

func memberString(o *jsonvalue.Object, name string) (string, bool) {
	v, ok := member(o, name)
	if !ok {
		return "", false
	}
	str, ok := v.(string)
	return str, ok
}

// universalStart is sfn:StartExecution with the Input as its request.
func (s *Service) universalStart(ctx context.Context, inv *invocation, input string) error {
	v, err := jsonvalue.ParseString(input)
	o, isObj := v.(*jsonvalue.Object)
	if err != nil || !isObj {
		return &permanentError{errors.New("InvalidInput: the input of aws-sdk:sfn:startExecution must be a StartExecution request")}
	}
	smArn, ok := memberString(o, "StateMachineArn")
	if !ok {
		return &permanentError{errors.New("ValidationException: StateMachineArn is required")}
	}
	name, ok := memberString(o, "Name")
	if !ok {
		name = inv.ExecutionID
	}
	execInput, ok := memberString(o, "Input")
	if !ok {
		execInput = "{}"
	}
	return s.startExecution(ctx, smArn, name, execInput)
}

// universalPutEvents is eventbridge:PutEvents with the Input as its
// request.
func (s *Service) universalPutEvents(ctx context.Context, inv *invocation, input string) error {
	v, err := jsonvalue.ParseString(input)
	o, isObj := v.(*jsonvalue.Object)
	if err != nil || !isObj {
		return &permanentError{errors.New("InvalidInput: the input of aws-sdk:eventbridge:putEvents must be a PutEvents request")}
	}
	raw, _ := member(o, "Entries")
	entries, ok := raw.([]jsonvalue.Value)
	if !ok || len(entries) == 0 {
		return &permanentError{errors.New("ValidationException: Entries is required")}
	}
	region, account := arnRegion(inv.Schedule), arnAccount(inv.Schedule)
	var events []*bus.Event
	for i, e := range entries {
		eo, ok := e.(*jsonvalue.Object)
		if !ok {
			return &permanentError{fmt.Errorf("ValidationException: Entries[%d] is not an object", i)}
		}
		source, _ := memberString(eo, "Source")
		detailType, _ := memberString(eo, "DetailType")
		detailText, _ := memberString(eo, "Detail")
		detail, err := jsonvalue.ParseString(detailText)
		if _, isObj := detail.(*jsonvalue.Object); err != nil || !isObj || source == "" || detailType == "" {
			return &permanentError{fmt.Errorf("ValidationException: Entries[%d] needs Source, DetailType and a JSON object Detail", i)}
		}
		busArn, _ := memberString(eo, "EventBusName")
		if busArn == "" {
			busArn = "default"
		}
		if !strings.HasPrefix(busArn, "arn:") {
			busArn = "arn:aws:events:" + region + ":" + account + ":event-bus/" + busArn
		}
		var resources []jsonvalue.Value
		if rs, ok := member(eo, "Resources"); ok {
			resources, _ = rs.([]jsonvalue.Value)
		}
		events = append(events, s.event(inv, i, busArn, detailType, source, detail, resources))
	}
	return s.putEvents(ctx, events)
}

// event builds the i-th event of an invocation in EventBridge's envelope.
// Its id is derived from the invocation, so that a retried attempt sends
// the same event.
func (s *Service) event(inv *invocation, i int, busArn, detailType, source string, detail jsonvalue.Value, resources []jsonvalue.Value) *bus.Event {
	id := uuidOf(inv.ExecutionID + "#" + strconv.Itoa(i))
	if resources == nil {
		resources = []jsonvalue.Value{}
	}
	o := jsonvalue.NewObject(9)
	o.Append("version", "0")
	o.Append("id", id)
	o.Append("detail-type", detailType)
	o.Append("source", source)
	o.Append("account", arnAccount(busArn))
	o.Append("time", inv.Nominal.UTC().Format("2006-01-02T15:04:05Z"))
	o.Append("region", arnRegion(busArn))
	o.Append("resources", resources)
	o.Append("detail", detail)
	return &bus.Event{ID: id, BusArn: busArn, Value: o, Raw: jsonvalue.Append(nil, o), Ingest: s.now()}
}

func arnRegion(arn string) string  { return awsapi.ARNField(arn, 3) }
func arnAccount(arn string) string { return awsapi.ARNField(arn, 4) }

// uuidOf derives a version 4 shaped UUID from s, the same for the same s.
func uuidOf(s string) string {
	b := sha256.Sum256([]byte(s))
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
