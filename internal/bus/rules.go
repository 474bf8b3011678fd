package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sluice-run/sluice/internal/awsapi"
	"github.com/sluice-run/sluice/internal/pattern"
	"github.com/sluice-run/sluice/internal/schedule"
	"github.com/sluice-run/sluice/internal/store"
	"github.com/sluice-run/sluice/internal/transformer"
)

// Rule states.
const (
	stateEnabled  = "ENABLED"
	stateDisabled = "DISABLED"
)

// MaxTargetsPerRule is AWS's limit.
const MaxTargetsPerRule = 5

// ruleRecord is a stored rule with its targets.
type ruleRecord struct {
	Arn                string    `json:"arn"`
	Name               string    `json:"name"`
	EventBusName       string    `json:"eventBusName"`
	EventPattern       string    `json:"eventPattern,omitempty"`
	ScheduleExpression string    `json:"scheduleExpression,omitempty"`
	State              string    `json:"state"`
	Description        string    `json:"description,omitempty"`
	RoleArn            string    `json:"roleArn,omitempty"`
	ManagedBy          string    `json:"managedBy,omitempty"`
	Targets            []target  `json:"targets,omitempty"`
	Tags               []tag     `json:"tags,omitempty"`
	Created            time.Time `json:"created"`
	// Anchor is when a rate() schedule started counting, so that its
	// fires keep their nominal times.
	Anchor time.Time `json:"anchor,omitzero"`
}

// target is a rule target as PutTargets takes it.
type target struct {
	ID               string            `json:"Id"`
	Arn              string            `json:"Arn"`
	RoleArn          string            `json:"RoleArn,omitempty"`
	Input            *string           `json:"Input,omitempty"`
	InputPath        *string           `json:"InputPath,omitempty"`
	InputTransformer *inputTransformer `json:"InputTransformer,omitempty"`
	RetryPolicy      *retryPolicy      `json:"RetryPolicy,omitempty"`
	DeadLetterConfig *struct {
		Arn string `json:"Arn,omitempty"`
	} `json:"DeadLetterConfig,omitempty"`
	HTTPParameters              json.RawMessage `json:"HttpParameters,omitempty"`
	SqsParameters               json.RawMessage `json:"SqsParameters,omitempty"`
	KinesisParameters           json.RawMessage `json:"KinesisParameters,omitempty"`
	RunCommandParameters        json.RawMessage `json:"RunCommandParameters,omitempty"`
	EcsParameters               json.RawMessage `json:"EcsParameters,omitempty"`
	BatchParameters             json.RawMessage `json:"BatchParameters,omitempty"`
	RedshiftDataParameters      json.RawMessage `json:"RedshiftDataParameters,omitempty"`
	SageMakerPipelineParameters json.RawMessage `json:"SageMakerPipelineParameters,omitempty"`
	AppSyncParameters           json.RawMessage `json:"AppSyncParameters,omitempty"`
}

type inputTransformer struct {
	InputPathsMap map[string]string `json:"InputPathsMap,omitempty"`
	InputTemplate *string           `json:"InputTemplate"`
}

type retryPolicy struct {
	MaximumRetryAttempts     *int `json:"MaximumRetryAttempts,omitempty"`
	MaximumEventAgeInSeconds *int `json:"MaximumEventAgeInSeconds,omitempty"`
}

// Default retry policy of EventBridge targets.
const (
	defaultRetryAttempts = 185
	defaultMaxEventAge   = 86400
)

// ruleState is a rule in memory with compiled targets.
type ruleState struct {
	rec      ruleRecord
	rev      int64
	sched    *schedule.Expr
	targets  []*compiledTarget
	patternP *pattern.Pattern
}

// compiledTarget is a target ready to receive events.
type compiledTarget struct {
	t     target
	tr    *transformer.Transformer
	kind  targetKind
	retry int
	age   time.Duration
}

func compileRule(rr ruleRecord) (*ruleState, error) {
	rs := &ruleState{rec: rr}
	if rr.ScheduleExpression != "" {
		e, err := schedule.Parse(rr.ScheduleExpression, schedule.Options{AllowSeconds: true})
		if err != nil {
			return nil, err
		}
		rs.sched = e
	}
	for _, t := range rr.Targets {
		ct, err := compileTarget(t)
		if err != nil {
			return nil, err
		}
		rs.targets = append(rs.targets, ct)
	}
	return rs, nil
}

func compileTarget(t target) (*compiledTarget, error) { return compileTargetAt(t, 1) }

// compileTargetAt compiles a target given at 1-based position index of a
// PutTargets request (for AWS's messages).
func compileTargetAt(t target, index int) (*compiledTarget, error) {
	spec := transformer.Spec{Input: t.Input, InputPath: t.InputPath, TargetID: t.ID, Index: index}
	if it := t.InputTransformer; it != nil {
		spec.HasTransformer = true
		spec.InputPathsMap = it.InputPathsMap
		spec.InputTemplate = it.InputTemplate
	}
	tr, err := transformer.Compile(spec)
	if err != nil {
		return nil, err
	}
	kind, err := kindOf(t.Arn)
	if err != nil {
		return nil, err
	}
	ct := &compiledTarget{t: t, tr: tr, kind: kind, retry: defaultRetryAttempts, age: defaultMaxEventAge * time.Second}
	if p := t.RetryPolicy; p != nil {
		if p.MaximumRetryAttempts != nil {
			ct.retry = *p.MaximumRetryAttempts
		}
		if p.MaximumEventAgeInSeconds != nil {
			ct.age = time.Duration(*p.MaximumEventAgeInSeconds) * time.Second
		}
	}
	return ct, nil
}

// activate (re)indexes a rule in its bus's matcher and schedules. The
// caller holds s.mu for writing.
func (s *Service) activate(b *busState, rs *ruleState) {
	b.matcher.Remove(rs.rec.Arn)
	s.unschedule(rs)
	if rs.rec.State == stateDisabled {
		return
	}
	if rs.rec.EventPattern != "" {
		if err := b.matcher.Add(rs.rec.Arn, []byte(rs.rec.EventPattern)); err != nil {
			s.log.Error("index rule", "rule", rs.rec.Arn, "err", err)
		}
	}
	if rs.sched != nil {
		s.scheduleRule(rs)
	}
}

// rule finds a rule of a bus.
func (s *Service) rule(ctx context.Context, c *call, busParam, name string) (*busState, *ruleState, error) {
	busName, err := c.busName(busParam)
	if err != nil {
		return nil, nil, err
	}
	if !ruleNameRE.MatchString(name) {
		return nil, nil, awsapi.ValidationField(name, "name", "Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+")
	}
	b, err := s.bus(ctx, c, busName)
	if err != nil {
		return nil, nil, err
	}
	s.mu.RLock()
	rs := b.rules[c.ruleArn(busName, name)]
	s.mu.RUnlock()
	if rs == nil {
		return nil, nil, notFound("Rule %s does not exist on EventBus %s.", name, busName)
	}
	return b, rs, nil
}

// saveRule writes a rule record (insert when rev is 0).
func (s *Service) saveRule(ctx context.Context, b *busState, rs *ruleState) error {
	rev, err := s.putRecord(ctx, kindRule, rs.rec.Arn, b.rec.Arn, rs.rec, rs.rec.Created, rs.rev)
	if err != nil {
		return err
	}
	rs.rev = rev
	return nil
}

// replaceRule saves a new or changed rule and puts it in place of the
// rule of the same ARN: the old one's schedule stops, the new one's
// pattern or schedule takes effect. The caller holds s.mu.
func (s *Service) replaceRule(ctx context.Context, b *busState, rs *ruleState) error {
	if err := s.saveRule(ctx, b, rs); err != nil {
		return err
	}
	if old := b.rules[rs.rec.Arn]; old != nil {
		s.unschedule(old)
	}
	b.rules[rs.rec.Arn] = rs
	s.activate(b, rs)
	return nil
}

// withTargets compiles rule rs with other targets, as the next revision
// of rs.
func withTargets(rs *ruleState, targets []target) (*ruleState, error) {
	rec := rs.rec
	rec.Targets = targets
	compiled, err := compileRule(rec)
	if err != nil {
		return nil, err
	}
	compiled.rev = rs.rev
	return compiled, nil
}

func (s *Service) putRule(ctx context.Context, c *call) (any, error) {
	var in struct {
		Name               string  `json:"Name"`
		ScheduleExpression *string `json:"ScheduleExpression"`
		EventPattern       *string `json:"EventPattern"`
		State              *string `json:"State"`
		Description        *string `json:"Description"`
		RoleArn            *string `json:"RoleArn"`
		Tags               []tag   `json:"Tags"`
		EventBusName       string  `json:"EventBusName"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if in.Name == "" {
		return nil, awsapi.ValidationField(nil, "name", "Member must not be null")
	}
	if !ruleNameRE.MatchString(in.Name) {
		return nil, awsapi.ValidationField(in.Name, "name", "Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+")
	}
	if in.ScheduleExpression == nil && in.EventPattern == nil {
		return nil, awsapi.Validation("Parameter(s) EventPattern or ScheduleExpression must be specified.")
	}
	state := stateEnabled
	if in.State != nil {
		switch *in.State {
		case stateEnabled, stateDisabled, "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS":
			state = *in.State
		default:
			return nil, awsapi.ValidationField(*in.State, "state", "Member must satisfy enum value set: [ENABLED, DISABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS]")
		}
	}
	if in.Description != nil && len(*in.Description) > 512 {
		return nil, awsapi.ValidationField(*in.Description, "description", "Member must have length less than or equal to 512")
	}
	busName, err := c.busName(in.EventBusName)
	if err != nil {
		return nil, err
	}
	if in.EventPattern != nil {
		if len(*in.EventPattern) > 4096 {
			return nil, awsapi.ValidationField("...", "eventPattern", "Member must have length less than or equal to 4096")
		}
		if _, err := pattern.Compile([]byte(*in.EventPattern)); err != nil {
			return nil, invalidPattern(err)
		}
	}
	var sched *schedule.Expr
	if in.ScheduleExpression != nil {
		if busName != "default" {
			return nil, awsapi.Validation("ScheduleExpression is supported only on the default event bus.")
		}
		e, err := schedule.Parse(*in.ScheduleExpression, schedule.Options{AllowSeconds: true})
		if err != nil {
			return nil, awsapi.Validation("Parameter ScheduleExpression is not valid.")
		}
		sched = e
	}
	b, err := s.bus(ctx, c, busName)
	if err != nil {
		return nil, err
	}
	arn := c.ruleArn(busName, in.Name)
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	rs := b.rules[arn]
	if rs == nil {
		rs = &ruleState{rec: ruleRecord{Arn: arn, Name: in.Name, EventBusName: busName, Created: now, Tags: in.Tags}}
	} else {
		copyRec := *rs
		rs = &copyRec
	}
	rec := &rs.rec
	rec.EventPattern = deref(in.EventPattern)
	oldSchedule := rec.ScheduleExpression
	rec.ScheduleExpression = deref(in.ScheduleExpression)
	if rec.ScheduleExpression != oldSchedule || rec.Anchor.IsZero() {
		rec.Anchor = now
	}
	rec.State = state
	rec.Description = deref(in.Description)
	rec.RoleArn = deref(in.RoleArn)
	rs.sched = sched
	if err := s.replaceRule(ctx, b, rs); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, awsapi.Errorf("ConcurrentModificationException", "Concurrent modification of rule %s", in.Name)
		}
		return nil, err
	}
	return map[string]any{"RuleArn": arn}, nil
}

func ruleOut(r ruleRecord) map[string]any {
	out := map[string]any{"Name": r.Name, "Arn": r.Arn, "State": r.State, "EventBusName": r.EventBusName, "CreatedBy": accountOf(r.Arn)}
	if r.EventPattern != "" {
		out["EventPattern"] = r.EventPattern
	}
	if r.ScheduleExpression != "" {
		out["ScheduleExpression"] = r.ScheduleExpression
	}
	if r.Description != "" {
		out["Description"] = r.Description
	}
	if r.RoleArn != "" {
		out["RoleArn"] = r.RoleArn
	}
	if r.ManagedBy != "" {
		out["ManagedBy"] = r.ManagedBy
	}
	return out
}

func accountOf(arn string) string {
	p := strings.SplitN(arn, ":", 6)
	if len(p) < 5 {
		return ""
	}
	return p[4]
}

func (s *Service) describeRule(ctx context.Context, c *call) (any, error) {
	var in struct {
		Name         string `json:"Name"`
		EventBusName string `json:"EventBusName"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	_, rs, err := s.rule(ctx, c, in.EventBusName, in.Name)
	if err != nil {
		return nil, err
	}
	return ruleOut(rs.rec), nil
}

func (s *Service) listRules(ctx context.Context, c *call) (any, error) {
	var in struct {
		NamePrefix   *string `json:"NamePrefix"`
		EventBusName string  `json:"EventBusName"`
		NextToken    *string `json:"NextToken"`
		Limit        int     `json:"Limit"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	b, err := s.busParam(ctx, c, in.EventBusName)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	var recs []ruleRecord
	for _, rs := range b.rules {
		if strings.HasPrefix(rs.rec.Name, deref(in.NamePrefix)) {
			recs = append(recs, rs.rec)
		}
	}
	s.mu.RUnlock()
	sortBy(recs, func(r ruleRecord) string { return r.Name })
	page, next, err := paginate(recs, in.Limit, in.NextToken)
	if err != nil {
		return nil, err
	}
	list := make([]map[string]any, 0, len(page))
	for _, r := range page {
		list = append(list, ruleOut(r))
	}
	out := map[string]any{"Rules": list}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}

func (s *Service) setRuleState(ctx context.Context, c *call, state string) (any, error) {
	var in struct {
		Name         string `json:"Name"`
		EventBusName string `json:"EventBusName"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	b, rs, err := s.rule(ctx, c, in.EventBusName, in.Name)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if rs.rec.State == state {
		return map[string]any{}, nil
	}
	next := *rs
	next.rec.State = state
	if state == stateEnabled && next.rec.ScheduleExpression != "" {
		next.rec.Anchor = s.now()
	}
	if err := s.replaceRule(ctx, b, &next); err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

func (s *Service) enableRule(ctx context.Context, c *call) (any, error) {
	return s.setRuleState(ctx, c, stateEnabled)
}

func (s *Service) disableRule(ctx context.Context, c *call) (any, error) {
	return s.setRuleState(ctx, c, stateDisabled)
}

func (s *Service) deleteRule(ctx context.Context, c *call) (any, error) {
	var in struct {
		Name         string `json:"Name"`
		EventBusName string `json:"EventBusName"`
		Force        bool   `json:"Force"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	b, rs, err := s.rule(ctx, c, in.EventBusName, in.Name)
	if err != nil {
		var ae *awsapi.Error
		if errors.As(err, &ae) && ae.Code == "ResourceNotFoundException" && strings.HasPrefix(ae.Message, "Rule ") {
			return map[string]any{}, nil // deleting a missing rule succeeds, as on AWS
		}
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(rs.rec.Targets) > 0 {
		return nil, awsapi.Validation("Rule can't be deleted since it has targets.")
	}
	if rs.rec.ManagedBy != "" && !in.Force {
		return nil, awsapi.Errorf("ManagedRuleException", "Rule %s is managed by %s and cannot be deleted without Force.", in.Name, rs.rec.ManagedBy)
	}
	if err := s.deleteRecord(ctx, kindRule, rs.rec.Arn); err != nil {
		return nil, err
	}
	b.matcher.Remove(rs.rec.Arn)
	s.unschedule(rs)
	delete(b.rules, rs.rec.Arn)
	return map[string]any{}, nil
}

func (s *Service) listRuleNamesByTarget(ctx context.Context, c *call) (any, error) {
	var in struct {
		TargetArn    string  `json:"TargetArn"`
		EventBusName string  `json:"EventBusName"`
		NextToken    *string `json:"NextToken"`
		Limit        int     `json:"Limit"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if in.TargetArn == "" {
		return nil, awsapi.ValidationField(nil, "targetArn", "Member must not be null")
	}
	b, err := s.busParam(ctx, c, in.EventBusName)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	var names []string
	for _, rs := range b.rules {
		for _, t := range rs.rec.Targets {
			if t.Arn == in.TargetArn {
				names = append(names, rs.rec.Name)
				break
			}
		}
	}
	s.mu.RUnlock()
	sort.Strings(names)
	page, next, err := paginate(names, in.Limit, in.NextToken)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"RuleNames": page}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}

// --- targets -------------------------------------------------------------------

type failedEntry struct {
	TargetID     string `json:"TargetId"`
	ErrorCode    string `json:"ErrorCode"`
	ErrorMessage string `json:"ErrorMessage"`
}

func (s *Service) putTargets(ctx context.Context, c *call) (any, error) {
	var in struct {
		Rule         string   `json:"Rule"`
		EventBusName string   `json:"EventBusName"`
		Targets      []target `json:"Targets"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if len(in.Targets) == 0 {
		return nil, awsapi.ValidationField(nil, "targets", "Member must have length greater than or equal to 1")
	}
	if len(in.Targets) > 10 {
		return nil, awsapi.ValidationField("...", "targets", "Member must have length less than or equal to 10")
	}
	for _, t := range in.Targets {
		if !targetIDRE.MatchString(t.ID) {
			return nil, awsapi.ValidationField(t.ID, "targets.member.id", "Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+")
		}
		if t.Arn == "" {
			return nil, awsapi.ValidationField(nil, "targets.member.arn", "Member must not be null")
		}
		n := 0
		if t.Input != nil {
			n++
		}
		if t.InputPath != nil {
			n++
		}
		if t.InputTransformer != nil {
			n++
		}
		if n > 1 {
			return nil, awsapi.Validation("Only one of Input, InputPath, or InputTransformer must be provided for target %s.", t.ID)
		}
	}
	b, rs, err := s.rule(ctx, c, in.EventBusName, in.Rule)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	targets := append([]target(nil), rs.rec.Targets...)
	var failed []failedEntry
	for i, t := range in.Targets {
		if _, err := compileTargetAt(t, i+1); err != nil {
			var te *transformer.Error
			if errors.As(err, &te) {
				return nil, awsapi.Validation("%s", te.Message)
			}
			failed = append(failed, failedEntry{TargetID: t.ID, ErrorCode: "ValidationException", ErrorMessage: err.Error()})
			continue
		}
		replaced := false
		for i := range targets {
			if targets[i].ID == t.ID {
				targets[i], replaced = t, true
			}
		}
		if !replaced {
			targets = append(targets, t)
		}
	}
	if len(targets) > MaxTargetsPerRule {
		return nil, awsapi.Errorf("LimitExceededException", "The requested resource exceeds the maximum number allowed.")
	}
	compiled, err := withTargets(rs, targets)
	if err != nil {
		return nil, err
	}
	if err := s.replaceRule(ctx, b, compiled); err != nil {
		return nil, err
	}
	if failed == nil {
		failed = []failedEntry{}
	}
	return map[string]any{"FailedEntryCount": len(failed), "FailedEntries": failed}, nil
}

func (s *Service) removeTargets(ctx context.Context, c *call) (any, error) {
	var in struct {
		Rule         string   `json:"Rule"`
		EventBusName string   `json:"EventBusName"`
		Ids          []string `json:"Ids"`
		Force        bool     `json:"Force"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if len(in.Ids) == 0 {
		return nil, awsapi.ValidationField(nil, "ids", "Member must have length greater than or equal to 1")
	}
	b, rs, err := s.rule(ctx, c, in.EventBusName, in.Rule)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	drop := map[string]bool{}
	for _, id := range in.Ids {
		drop[id] = true
	}
	var targets []target
	for _, t := range rs.rec.Targets {
		if !drop[t.ID] {
			targets = append(targets, t)
		}
	}
	compiled, err := withTargets(rs, targets)
	if err != nil {
		return nil, err
	}
	if err := s.replaceRule(ctx, b, compiled); err != nil {
		return nil, err
	}
	return map[string]any{"FailedEntryCount": 0, "FailedEntries": []failedEntry{}}, nil
}

func (s *Service) listTargetsByRule(ctx context.Context, c *call) (any, error) {
	var in struct {
		Rule         string  `json:"Rule"`
		EventBusName string  `json:"EventBusName"`
		NextToken    *string `json:"NextToken"`
		Limit        int     `json:"Limit"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	_, rs, err := s.rule(ctx, c, in.EventBusName, in.Rule)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	ts := append([]target(nil), rs.rec.Targets...)
	s.mu.RUnlock()
	page, next, err := paginate(ts, in.Limit, in.NextToken)
	if err != nil {
		return nil, err
	}
	if page == nil {
		page = []target{} // AWS answers [], not null
	}
	out := map[string]any{"Targets": page}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}

// --- helpers -------------------------------------------------------------------

func sortBy[T any](xs []T, key func(T) string) {
	sort.Slice(xs, func(i, j int) bool { return key(xs[i]) < key(xs[j]) })
}

// paginate pages an in-memory list with an offset token.
func paginate[T any](items []T, limit int, token *string) ([]T, string, error) {
	if limit < 0 || limit > 100 {
		return nil, "", awsapi.ValidationField(limit, "limit", "Member must have value less than or equal to 100")
	}
	if limit == 0 {
		limit = 100
	}
	start := 0
	if token != nil && *token != "" {
		n, err := strconv.Atoi(*token)
		if err != nil || n < 0 || n > len(items) {
			return nil, "", awsapi.Validation("The NextToken provided is invalid: %s", *token)
		}
		start = n
	}
	end := min(start+limit, len(items))
	next := ""
	if end < len(items) {
		next = strconv.Itoa(end)
	}
	return items[start:end], next, nil
}

var _ = fmt.Sprintf
