package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sluice-run/sluice/internal/awsapi"
	"github.com/sluice-run/sluice/internal/jsonvalue"
	"github.com/sluice-run/sluice/internal/pattern"
	"github.com/sluice-run/sluice/internal/store"
)

// MaxEntrySize is EventBridge's limit on the size of a PutEvents request's
// entries, in bytes.
const MaxEntrySize = 256 * 1024

// entry is one PutEvents request entry.
type entry struct {
	Time         *epochIn `json:"Time"`
	Source       *string  `json:"Source"`
	Resources    []string `json:"Resources"`
	DetailType   *string  `json:"DetailType"`
	Detail       *string  `json:"Detail"`
	EventBusName string   `json:"EventBusName"`
	TraceHeader  *string  `json:"TraceHeader"`
}

// epochIn decodes a timestamp the JSON protocols send: seconds since the
// epoch as a number (or, from some clients, an ISO 8601 string).
type epochIn time.Time

func (t *epochIn) UnmarshalJSON(b []byte) error {
	var f float64
	if err := json.Unmarshal(b, &f); err == nil {
		sec := int64(f)
		*t = epochIn(time.Unix(sec, int64((f-float64(sec))*1e9)).UTC())
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	tt, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return err
	}
	*t = epochIn(tt.UTC())
	return nil
}

type resultEntry struct {
	EventID      string `json:"EventId,omitempty"`
	ErrorCode    string `json:"ErrorCode,omitempty"`
	ErrorMessage string `json:"ErrorMessage,omitempty"`
}

func (s *Service) putEventsOp(ctx context.Context, c *call) (any, error) {
	var in struct {
		Entries    []entry `json:"Entries"`
		EndpointID *string `json:"EndpointId"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if len(in.Entries) == 0 {
		return nil, awsapi.ValidationField(nil, "entries", "Member must have length greater than or equal to 1")
	}
	if len(in.Entries) > 10 {
		return nil, awsapi.Validation("1 validation error detected: Value '%d' at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10", len(in.Entries))
	}
	size := 0
	for _, e := range in.Entries {
		size += entrySize(e)
	}
	if size > MaxEntrySize {
		return nil, awsapi.Validation("Total size of the entries in the request is over the limit.")
	}
	results := make([]resultEntry, len(in.Entries))
	var events []*Event
	var idx []int
	now := s.now()
	for i, e := range in.Entries {
		ev, code, msg := s.validateEntry(ctx, c, e, now)
		if code != "" {
			results[i] = resultEntry{ErrorCode: code, ErrorMessage: msg}
			continue
		}
		events = append(events, ev)
		idx = append(idx, i)
	}
	if len(events) > 0 {
		if err := s.Ingest(ctx, events); err != nil {
			return nil, err
		}
	}
	failed := 0
	for i, ev := range events {
		results[idx[i]] = resultEntry{EventID: ev.ID}
	}
	for _, r := range results {
		if r.ErrorCode != "" {
			failed++
		}
	}
	return map[string]any{"FailedEntryCount": failed, "Entries": results}, nil
}

// entrySize computes an entry's size as EventBridge counts it.
func entrySize(e entry) int {
	n := 0
	if e.Time != nil {
		n += 14
	}
	n += len(deref(e.Source)) + len(deref(e.DetailType)) + len(deref(e.Detail))
	for _, r := range e.Resources {
		n += len(r)
	}
	return n
}

// Event is an event on its way into a bus.
type Event struct {
	ID      string
	BusArn  string
	Raw     []byte          // the envelope as JSON
	Value   jsonvalue.Value // the envelope, parsed
	Ingest  time.Time
	Replay  string   // the replay that re-sent it, if any
	OnlyFor []string // replays: deliver only to these rule ARNs
}

func (s *Service) validateEntry(ctx context.Context, c *call, e entry, now time.Time) (*Event, string, string) {
	switch {
	case e.Source == nil || *e.Source == "":
		return nil, "InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument."
	case e.DetailType == nil || *e.DetailType == "":
		return nil, "InvalidArgument", "Parameter DetailType is not valid. Reason: DetailType is a required argument."
	case e.Detail == nil || *e.Detail == "":
		return nil, "InvalidArgument", "Parameter Detail is not valid. Reason: Detail is a required argument."
	case len(*e.DetailType) > 128:
		return nil, "InvalidArgument", "Parameter DetailType is not valid. Reason: DetailType length exceeds 128 characters."
	case len(*e.Source) > 256:
		return nil, "InvalidArgument", "Parameter Source is not valid. Reason: Source length exceeds 256 characters."
	case strings.HasPrefix(*e.Source, "aws."):
		return nil, "NotAuthorizedForSourceException", "Not authorized for the source."
	}
	detail, err := jsonvalue.ParseString(*e.Detail)
	if _, isObj := detail.(*jsonvalue.Object); err != nil || !isObj {
		return nil, "MalformedDetail", "Detail is malformed."
	}
	busName, err := c.busName(e.EventBusName)
	if err != nil {
		return nil, "InvalidArgument", "Parameter EventBusName is not valid."
	}
	b, err := s.bus(ctx, c, busName)
	if err != nil {
		return nil, "ResourceNotFoundException", fmt.Sprintf("Event bus %s does not exist.", busName)
	}
	t := now
	if e.Time != nil {
		t = time.Time(*e.Time)
	}
	resources := make([]jsonvalue.Value, len(e.Resources))
	for i, r := range e.Resources {
		resources[i] = r
	}
	id := newUUID()
	env := envelope(id, *e.DetailType, *e.Source, c.account, t, c.region, resources, detail)
	return &Event{ID: id, BusArn: b.rec.Arn, Value: env, Raw: jsonvalue.Append(nil, env), Ingest: now}, "", ""
}

// envelope builds an event in EventBridge's shape, keys in AWS's order.
func envelope(id, detailType, source, account string, t time.Time, region string, resources []jsonvalue.Value, detail jsonvalue.Value) *jsonvalue.Object {
	o := jsonvalue.NewObject(9)
	o.Append("version", "0")
	o.Append("id", id)
	o.Append("detail-type", detailType)
	o.Append("source", source)
	o.Append("account", account)
	o.Append("time", t.UTC().Format("2006-01-02T15:04:05Z"))
	o.Append("region", region)
	if resources == nil {
		resources = []jsonvalue.Value{}
	}
	o.Append("resources", resources)
	o.Append("detail", detail)
	return o
}

// Ingest matches events against their buses' rules and archives and makes
// the resulting deliveries and archive entries durable before it returns.
// An event for a bus that does not exist fails the whole call with
// ResourceNotFoundException, and nothing is written.
func (s *Service) Ingest(ctx context.Context, events []*Event) error {
	w := &store.Write{}
	var ds []*delivery
	for _, ev := range events {
		s.mu.RLock()
		b := s.buses[ev.BusArn]
		s.mu.RUnlock()
		if b == nil { // deleted since the event was validated, or a scheduler target naming no bus
			return notFound("Event bus %s does not exist.", ev.BusArn[strings.LastIndexByte(ev.BusArn, '/')+1:])
		}
		ids, err := b.matcher.MatchBytes(ev.Raw)
		if err != nil {
			return fmt.Errorf("bus: match event %s: %w", ev.ID, err)
		}
		s.metrics.ingested.Add(1)
		s.mu.RLock()
		for _, id := range ids {
			if arn, ok := strings.CutPrefix(id, "archive:"); ok {
				if ev.Replay == "" {
					w.StreamEntries = append(w.StreamEntries, store.StreamEntry{Stream: arn, Time: ev.Ingest, Data: ev.Raw})
				}
				continue
			}
			if ev.OnlyFor != nil && !contains(ev.OnlyFor, id) {
				continue
			}
			rs := b.rules[id]
			if rs == nil {
				continue
			}
			for _, t := range rs.targets {
				d := &delivery{key: deliveryKey(rs.rec.Arn, t.t.ID), ruleArn: rs.rec.Arn, targetID: t.t.ID, eventID: ev.ID, event: ev.Raw,
					busArn: ev.BusArn, first: ev.Ingest, replay: ev.Replay}
				ds = append(ds, d)
				w.AddPending = append(w.AddPending, d.pending())
			}
		}
		s.mu.RUnlock()
	}
	if len(w.AddPending) == 0 && len(w.StreamEntries) == 0 {
		return nil
	}
	if errs, err := s.st.Commit(ctx, w); err != nil {
		return fmt.Errorf("bus: write events: %w", err)
	} else if len(errs) > 0 && errs[0] != nil {
		return fmt.Errorf("bus: write events: %w", errs[0])
	}
	for _, d := range ds {
		s.deliv.enqueue(d)
	}
	return nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func (s *Service) testEventPattern(ctx context.Context, c *call) (any, error) {
	var in struct {
		EventPattern *string `json:"EventPattern"`
		Event        *string `json:"Event"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if in.EventPattern == nil {
		return nil, awsapi.ValidationField(nil, "eventPattern", "Member must not be null")
	}
	if in.Event == nil {
		return nil, awsapi.ValidationField(nil, "event", "Member must not be null")
	}
	p, err := pattern.Compile([]byte(*in.EventPattern))
	if err != nil {
		return nil, invalidPattern(err)
	}
	ev, err := jsonvalue.ParseString(*in.Event)
	if err != nil {
		return nil, awsapi.Errorf("InvalidArgument", "Event is not valid JSON: %v", err)
	}
	o, ok := ev.(*jsonvalue.Object)
	if !ok {
		return nil, awsapi.Errorf("InvalidArgument", "Event is not a JSON object")
	}
	for _, k := range []string{"id", "account", "source", "time", "region", "detail-type"} {
		if _, ok := o.Get(k); !ok {
			return nil, awsapi.Errorf("InvalidArgument", "Parameter Event is not valid. Reason: Provided JSON is missing required field %q.", k)
		}
	}
	return map[string]any{"Result": p.Match(ev)}, nil
}

// invalidPattern turns a pattern compile error into EventBridge's
// InvalidEventPatternException. A *pattern.Error's Message is already
// EventBridge's whole message, "Event pattern is not valid. Reason: ...".
func invalidPattern(err error) error {
	var pe *pattern.Error
	if errors.As(err, &pe) {
		return awsapi.Errorf("InvalidEventPatternException", "%s", pe.Message)
	}
	return awsapi.Errorf("InvalidEventPatternException", "Event pattern is not valid. Reason: %s", err.Error())
}
