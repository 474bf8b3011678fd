package bus

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/sluice-run/sluice/internal/awsapi"
	"github.com/sluice-run/sluice/internal/jsonvalue"
	"github.com/sluice-run/sluice/internal/transformer"
)

// targetKind says how a target's ARN is delivered to.
type targetKind int

const (
	targetStateMachine targetKind = iota + 1
	targetBus
	targetAPIDestination
	targetFunction
)

// ErrTargetNotSupported: Sluice cannot deliver to this kind of ARN yet.
var ErrTargetNotSupported = errors.New("target not supported")

// kindOf classifies a target ARN.
func kindOf(arn string) (targetKind, error) {
	p := strings.SplitN(arn, ":", 6)
	if len(p) < 6 || p[0] != "arn" {
		return 0, fmt.Errorf("%w: %q is not an ARN", ErrTargetNotSupported, arn)
	}
	switch {
	case p[2] == "states" && strings.HasPrefix(p[5], "stateMachine:"):
		return targetStateMachine, nil
	case p[2] == "events" && strings.HasPrefix(p[5], "event-bus/"):
		return targetBus, nil
	case p[2] == "events" && strings.HasPrefix(p[5], "api-destination/"):
		return targetAPIDestination, nil
	case p[2] == "lambda" && strings.HasPrefix(p[5], "function:"):
		return targetFunction, nil
	}
	return 0, fmt.Errorf("%w: Sluice cannot deliver events to %s targets yet (state machines, functions, event buses and API destinations are supported)", ErrTargetNotSupported, p[2])
}

// invoke delivers one event to one target.
func (s *Service) invoke(ctx context.Context, rs *ruleState, t *compiledTarget, d *delivery) error {
	ev, err := jsonvalue.Parse(d.event)
	if err != nil {
		return &permanentError{fmt.Errorf("InvalidEvent: %v", err)}
	}
	input, err := t.tr.Apply(ev, d.event, transformer.Context{RuleArn: rs.rec.Arn, RuleName: rs.rec.Name, IngestionTime: d.first})
	if err != nil {
		return &permanentError{fmt.Errorf("InvalidInput: %v", err)}
	}
	switch t.kind {
	case targetStateMachine:
		if s.cfg.StateMachines == nil {
			return &permanentError{errors.New("NotSupported: no Step Functions service")}
		}
		// The execution's name is derived from the event and target so
		// that a retried delivery does not start a second execution.
		name := d.eventID + "_" + shortHash(d.key+"\x00"+d.replay)
		_, err := s.cfg.StateMachines.StartForTarget(ctx, t.t.Arn, name, input)
		if awsapi.Permanent(err) { // the state machine does not exist, or refuses the input
			return &permanentError{err}
		}
		return err
	case targetBus:
		return s.forward(ctx, t.t.Arn, d, ev)
	case targetAPIDestination:
		return s.callAPIDestination(ctx, t, input)
	case targetFunction:
		if s.cfg.Functions == nil {
			return &permanentError{errors.New("NotSupported: no Lambda service")}
		}
		err := s.cfg.Functions.InvokeForTarget(ctx, t.t.Arn, input)
		if awsapi.Permanent(err) { // the function does not exist
			return &permanentError{err}
		}
		return err
	}
	return &permanentError{ErrTargetNotSupported}
}

// forward puts an event on another bus, keeping its id and content.
func (s *Service) forward(ctx context.Context, busArn string, d *delivery, ev jsonvalue.Value) error {
	s.mu.RLock()
	_, ok := s.buses[busArn]
	s.mu.RUnlock()
	if !ok { // not retried: EventBridge dead-letters at once for a target that does not exist
		return &permanentError{fmt.Errorf("ResourceNotFoundException: event bus %s does not exist", busArn)}
	}
	return s.Ingest(ctx, []*Event{{ID: d.eventID, BusArn: busArn, Raw: d.event, Value: ev, Ingest: s.now()}})
}

// httpParameters are a target's HttpParameters.
type httpParameters struct {
	PathParameterValues   []string          `json:"PathParameterValues"`
	HeaderParameters      map[string]string `json:"HeaderParameters"`
	QueryStringParameters map[string]string `json:"QueryStringParameters"`
}

// callAPIDestination invokes an API destination with the connection's
// authorization. 4xx answers other than 401, 407, 409 and 429 are not
// retried, as on AWS.
func (s *Service) callAPIDestination(ctx context.Context, t *compiledTarget, input []byte) error {
	dest, err := s.apiDestination(ctx, t.t.Arn)
	if err != nil {
		return err
	}
	if err := s.limiter(dest).wait(ctx); err != nil {
		return err
	}
	endpoint := dest.InvocationEndpoint
	var hp httpParameters
	if len(t.t.HTTPParameters) > 0 {
		_ = json.Unmarshal(t.t.HTTPParameters, &hp)
	}
	for _, v := range hp.PathParameterValues {
		endpoint = strings.Replace(endpoint, "*", url.PathEscape(v), 1)
	}
	if len(hp.QueryStringParameters) > 0 {
		u, err := url.Parse(endpoint)
		if err == nil {
			q := u.Query()
			for k, v := range hp.QueryStringParameters {
				q.Set(k, v)
			}
			u.RawQuery = q.Encode()
			endpoint = u.String()
		}
	}
	var body io.Reader
	if dest.HTTPMethod != http.MethodGet && dest.HTTPMethod != http.MethodHead {
		body = bytes.NewReader(input)
	}
	req, err := http.NewRequestWithContext(ctx, dest.HTTPMethod, endpoint, body)
	if err != nil {
		return &permanentError{err}
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "Amazon/EventBridge/ApiDestinations")
	for k, v := range hp.HeaderParameters {
		req.Header.Set(k, v)
	}
	if err := s.authorize(ctx, req, dest.ConnectionArn); err != nil {
		return err
	}
	resp, err := s.cfg.HTTPClient.Do(req)
	if err != nil {
		return fmt.Errorf("SDK_CLIENT_ERROR: %v", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	err = fmt.Errorf("%d: %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	switch {
	case resp.StatusCode == 401 || resp.StatusCode == 407 || resp.StatusCode == 409 || resp.StatusCode == 429 || resp.StatusCode >= 500:
		return err
	}
	return &permanentError{err}
}
