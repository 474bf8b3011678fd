package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sluice-run/sluice/internal/awsapi"
	"github.com/sluice-run/sluice/internal/pattern"
	"github.com/sluice-run/sluice/internal/store"
)

// Record kinds.
const (
	kindBus            = "eventBus"
	kindRule           = "eventRule"
	kindArchive        = "eventArchive"
	kindReplay         = "eventReplay"
	kindConnection     = "eventConnection"
	kindAPIDestination = "eventApiDestination"
)

type tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// busRecord is a stored event bus.
type busRecord struct {
	Arn              string          `json:"arn"`
	Name             string          `json:"name"`
	Description      string          `json:"description,omitempty"`
	KmsKeyIdentifier string          `json:"kmsKeyIdentifier,omitempty"`
	DeadLetterConfig json.RawMessage `json:"deadLetterConfig,omitempty"`
	Policy           string          `json:"policy,omitempty"`
	Created          time.Time       `json:"created"`
	Updated          time.Time       `json:"updated"`
	Tags             []tag           `json:"tags,omitempty"`
}

// busState is a bus in memory: its rules and their compiled matcher.
type busState struct {
	rec     busRecord
	scope   string
	matcher *pattern.Matcher
	rules   map[string]*ruleState // by rule ARN
	// archives by archive ARN, also in matcher under "archive:"+ARN.
	archives map[string]*archiveState
}

func newBusState(rec busRecord, scope string) *busState {
	return &busState{rec: rec, scope: scope, matcher: pattern.NewMatcher(), rules: map[string]*ruleState{}, archives: map[string]*archiveState{}}
}

func scopeOf(arn string) string {
	p := strings.SplitN(arn, ":", 6)
	if len(p) < 6 {
		return ""
	}
	return p[4] + ":" + p[3]
}

func (c *call) scope() string { return c.account + ":" + c.region }

func (s *Service) putRecord(ctx context.Context, kind, key, parent string, v any, created time.Time, rev int64) (int64, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return 0, err
	}
	rev, err = s.st.PutRecord(ctx, store.Record{Kind: kind, Key: key, Parent: parent, Data: data, Created: created}, rev)
	s.changed(kind)
	return rev, err
}

// deleteRecord deletes a record; one that is already gone is not an error.
func (s *Service) deleteRecord(ctx context.Context, kind, key string) error {
	err := s.st.DeleteRecord(ctx, kind, key)
	s.changed(kind)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

// changed invalidates what is cached of a kind of record after a write.
func (s *Service) changed(kind string) {
	if kind == kindConnection || kind == kindAPIDestination {
		s.cache.invalidate()
	}
}

// load rebuilds the in-memory view from the store and resumes pending
// work.
func (s *Service) load(ctx context.Context) error {
	recs, err := s.allRecords(ctx, kindBus, "")
	if err != nil {
		return fmt.Errorf("bus: load buses: %w", err)
	}
	for _, r := range recs {
		var b busRecord
		if err := json.Unmarshal(r.Data, &b); err != nil {
			return fmt.Errorf("bus: load bus %s: %w", r.Key, err)
		}
		s.buses[b.Arn] = newBusState(b, r.Parent)
	}
	rules, err := s.allRecords(ctx, kindRule, "")
	if err != nil {
		return fmt.Errorf("bus: load rules: %w", err)
	}
	for _, r := range rules {
		var rr ruleRecord
		if err := json.Unmarshal(r.Data, &rr); err != nil {
			return fmt.Errorf("bus: load rule %s: %w", r.Key, err)
		}
		b := s.buses[r.Parent]
		if b == nil {
			continue
		}
		rs, err := compileRule(rr)
		if err != nil {
			s.log.Error("load rule", "rule", rr.Arn, "err", err)
			continue
		}
		rs.rev = r.Revision
		b.rules[rr.Arn] = rs
		s.activate(b, rs)
	}
	if err := s.loadArchives(ctx); err != nil {
		return err
	}
	if err := s.deliv.recover(ctx); err != nil {
		return err
	}
	return s.recoverSchedules(ctx)
}

func (s *Service) allRecords(ctx context.Context, kind, parent string) ([]store.Record, error) {
	var out []store.Record
	p := store.Page{Limit: 1000}
	for {
		recs, next, err := s.st.ListRecords(ctx, kind, parent, p)
		if err != nil {
			return nil, err
		}
		out = append(out, recs...)
		if next == "" {
			return out, nil
		}
		p.Token = next
	}
}

// busParam returns the bus an EventBusName (or Name) parameter names: a
// name or an ARN, the default bus when empty.
func (s *Service) busParam(ctx context.Context, c *call, nameOrArn string) (*busState, error) {
	name, err := c.busName(nameOrArn)
	if err != nil {
		return nil, err
	}
	return s.bus(ctx, c, name)
}

// bus returns the bus of a name in the caller's account and region. The
// default bus always exists: it is created on first use.
func (s *Service) bus(ctx context.Context, c *call, name string) (*busState, error) {
	arn := c.busArn(name)
	s.mu.RLock()
	b := s.buses[arn]
	s.mu.RUnlock()
	if b != nil {
		return b, nil
	}
	if name != "default" {
		return nil, notFound("Event bus %s does not exist.", name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if b := s.buses[arn]; b != nil {
		return b, nil
	}
	now := s.now()
	rec := busRecord{Arn: arn, Name: "default", Created: now, Updated: now}
	if _, err := s.putRecord(ctx, kindBus, arn, c.scope(), rec, now, 0); err != nil && !errors.Is(err, store.ErrExists) {
		return nil, err
	}
	b = newBusState(rec, c.scope())
	s.buses[arn] = b
	return b, nil
}

func (s *Service) createEventBus(ctx context.Context, c *call) (any, error) {
	var in struct {
		Name             string          `json:"Name"`
		EventSourceName  *string         `json:"EventSourceName"`
		Description      *string         `json:"Description"`
		KmsKeyIdentifier *string         `json:"KmsKeyIdentifier"`
		DeadLetterConfig json.RawMessage `json:"DeadLetterConfig"`
		Tags             []tag           `json:"Tags"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if in.Name == "" {
		return nil, awsapi.ValidationField(nil, "name", "Member must not be null")
	}
	if !busNameRE.MatchString(in.Name) || strings.Contains(in.Name, "/") && in.EventSourceName == nil {
		return nil, awsapi.ValidationField(in.Name, "name", "Member must satisfy regular expression pattern: [/\\.\\-_A-Za-z0-9]+")
	}
	if in.Name == "default" {
		return nil, awsapi.Errorf("ResourceAlreadyExistsException", "Event bus default already exists.")
	}
	if in.Description != nil && len(*in.Description) > 512 {
		return nil, awsapi.ValidationField(*in.Description, "description", "Member must have length less than or equal to 512")
	}
	arn := c.busArn(in.Name)
	now := s.now()
	rec := busRecord{Arn: arn, Name: in.Name, Description: deref(in.Description), KmsKeyIdentifier: deref(in.KmsKeyIdentifier),
		DeadLetterConfig: in.DeadLetterConfig, Created: now, Updated: now, Tags: in.Tags}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.putRecord(ctx, kindBus, arn, c.scope(), rec, now, 0); err != nil {
		if errors.Is(err, store.ErrExists) {
			return nil, awsapi.Errorf("ResourceAlreadyExistsException", "Event bus %s already exists.", in.Name)
		}
		return nil, err
	}
	s.buses[arn] = newBusState(rec, c.scope())
	out := map[string]any{"EventBusArn": arn}
	if rec.Description != "" {
		out["Description"] = rec.Description
	}
	return out, nil
}

func (s *Service) describeEventBus(ctx context.Context, c *call) (any, error) {
	name, err := c.decodeName()
	if err != nil {
		return nil, err
	}
	b, err := s.busParam(ctx, c, name)
	if err != nil {
		return nil, err
	}
	return busOut(b.rec), nil
}

func busOut(r busRecord) map[string]any {
	out := map[string]any{"Name": r.Name, "Arn": r.Arn, "CreationTime": epoch(r.Created), "LastModifiedTime": epoch(r.Updated)}
	if r.Description != "" {
		out["Description"] = r.Description
	}
	if r.Policy != "" {
		out["Policy"] = r.Policy
	}
	if r.KmsKeyIdentifier != "" {
		out["KmsKeyIdentifier"] = r.KmsKeyIdentifier
	}
	if len(r.DeadLetterConfig) > 0 {
		out["DeadLetterConfig"] = r.DeadLetterConfig
	}
	return out
}

func (s *Service) updateEventBus(ctx context.Context, c *call) (any, error) {
	var in struct {
		Name             string          `json:"Name"`
		Description      *string         `json:"Description"`
		KmsKeyIdentifier *string         `json:"KmsKeyIdentifier"`
		DeadLetterConfig json.RawMessage `json:"DeadLetterConfig"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	b, err := s.busParam(ctx, c, in.Name)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := b.rec
	if in.Description != nil {
		rec.Description = *in.Description
	}
	if in.KmsKeyIdentifier != nil {
		rec.KmsKeyIdentifier = *in.KmsKeyIdentifier
	}
	if in.DeadLetterConfig != nil {
		rec.DeadLetterConfig = in.DeadLetterConfig
	}
	rec.Updated = s.now()
	r, err := s.st.GetRecord(ctx, kindBus, rec.Arn)
	if err != nil {
		return nil, err
	}
	if _, err := s.putRecord(ctx, kindBus, rec.Arn, r.Parent, rec, rec.Created, r.Revision); err != nil {
		return nil, err
	}
	b.rec = rec
	out := busOut(rec)
	delete(out, "CreationTime")
	delete(out, "LastModifiedTime")
	return out, nil
}

func (s *Service) listEventBuses(ctx context.Context, c *call) (any, error) {
	var in struct {
		NamePrefix *string `json:"NamePrefix"`
		Limit      int     `json:"Limit"`
		NextToken  *string `json:"NextToken"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if _, err := s.bus(ctx, c, "default"); err != nil {
		return nil, err
	}
	s.mu.RLock()
	var items []busRecord
	for _, b := range s.buses {
		if b.scope == c.scope() && strings.HasPrefix(b.rec.Name, deref(in.NamePrefix)) {
			items = append(items, b.rec)
		}
	}
	s.mu.RUnlock()
	sortBy(items, func(b busRecord) string { return b.Name })
	page, next, err := paginate(items, in.Limit, in.NextToken)
	if err != nil {
		return nil, err
	}
	list := make([]map[string]any, 0, len(page))
	for _, b := range page {
		m := busOut(b)
		delete(m, "DeadLetterConfig")
		delete(m, "KmsKeyIdentifier")
		list = append(list, m)
	}
	out := map[string]any{"EventBuses": list}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}

func (s *Service) deleteEventBus(ctx context.Context, c *call) (any, error) {
	param, err := c.decodeName()
	if err != nil {
		return nil, err
	}
	name, err := c.busName(param)
	if err != nil {
		return nil, err
	}
	if name == "default" {
		return nil, awsapi.Validation("Cannot delete event bus default.")
	}
	arn := c.busArn(name)
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.buses[arn]
	if b == nil {
		return map[string]any{}, nil // AWS: deleting a missing bus succeeds
	}
	if len(b.rules) > 0 {
		return nil, awsapi.Validation("Cannot delete event bus because it has rules.")
	}
	if err := s.deleteRecord(ctx, kindBus, arn); err != nil {
		return nil, err
	}
	delete(s.buses, arn)
	return map[string]any{}, nil
}
