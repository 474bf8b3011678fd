package sfn

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sluice-run/sluice/internal/asl"
	"github.com/sluice-run/sluice/internal/awsapi"
	"github.com/sluice-run/sluice/internal/runtime"
	"github.com/sluice-run/sluice/internal/store"
)

// Record kinds.
const (
	kindStateMachine = "stateMachine"
	kindVersion      = "stateMachineVersion"
	kindAlias        = "stateMachineAlias"
	kindActivity     = "activity"
	kindDefinition   = "definition"
)

// smRecord is a stored state machine.
type smRecord struct {
	Arn         string          `json:"arn"`
	Name        string          `json:"name"`
	Type        string          `json:"type"`
	Definition  string          `json:"definition"`
	DefKey      string          `json:"definitionKey"`
	RoleArn     string          `json:"roleArn"`
	Created     time.Time       `json:"created"`
	Updated     time.Time       `json:"updated,omitzero"`
	RevisionID  string          `json:"revisionId"`
	Description string          `json:"description,omitempty"`
	Logging     json.RawMessage `json:"logging,omitempty"`
	Tracing     json.RawMessage `json:"tracing,omitempty"`
	Encryption  json.RawMessage `json:"encryption,omitempty"`
	Tags        []tag           `json:"tags,omitempty"`
	NextVersion int             `json:"nextVersion"`
	rev         int64
}

// versionRecord is a published, immutable version of a state machine.
type versionRecord struct {
	Arn             string          `json:"arn"`
	StateMachineArn string          `json:"stateMachineArn"`
	Name            string          `json:"name"`
	Type            string          `json:"type"`
	Number          int             `json:"number"`
	Definition      string          `json:"definition"`
	DefKey          string          `json:"definitionKey"`
	RoleArn         string          `json:"roleArn"`
	Created         time.Time       `json:"created"`
	RevisionID      string          `json:"revisionId"`
	Description     string          `json:"description,omitempty"`
	Logging         json.RawMessage `json:"logging,omitempty"`
	Tracing         json.RawMessage `json:"tracing,omitempty"`
}

type tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// definitionKey returns the content address of a definition text.
func definitionKey(def string) string {
	sum := sha256.Sum256([]byte(def))
	return "sha256:" + hex.EncodeToString(sum[:])
}

func (s *Service) getRecord(ctx context.Context, kind, key string, v any) (int64, error) {
	r, err := s.st.GetRecord(ctx, kind, key)
	if err != nil {
		return 0, err
	}
	if err := json.Unmarshal(r.Data, v); err != nil {
		return 0, fmt.Errorf("sfn: decode %s %s: %w", kind, key, err)
	}
	return r.Revision, nil
}

func (s *Service) putRecord(ctx context.Context, kind, key, parent string, v any, created time.Time, rev int64) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = s.st.PutRecord(ctx, store.Record{Kind: kind, Key: key, Parent: parent, Data: data, Created: created}, rev)
	return err
}

func (s *Service) stateMachine(ctx context.Context, arn string) (*smRecord, error) {
	var sm smRecord
	rev, err := s.getRecord(ctx, kindStateMachine, arn, &sm)
	if errors.Is(err, store.ErrNotFound) {
		return nil, awsapi.Errorf("StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'", arn)
	}
	if err != nil {
		return nil, err
	}
	sm.rev = rev
	return &sm, nil
}

// target is what a state machine ARN, version ARN or alias ARN resolves to
// for starting an execution.
type target struct {
	sm         *smRecord
	version    *versionRecord
	aliasArn   string
	definition string
	defKey     string
	roleArn    string
	typ        string
}

// resolve resolves a state machine, version or alias ARN. Aliases pick a
// version by their routing weights.
func (s *Service) resolve(ctx context.Context, arn string) (*target, error) {
	p, ok := parseArn(arn)
	if !ok || p.kind != "stateMachine" || len(p.rest) > 2 {
		return nil, invalidArn(arn)
	}
	base := "arn:" + p.partition + ":states:" + p.region + ":" + p.account + ":stateMachine:" + p.rest[0]
	sm, err := s.stateMachine(ctx, base)
	if err != nil {
		return nil, err
	}
	t := &target{sm: sm, definition: sm.Definition, defKey: sm.DefKey, roleArn: sm.RoleArn, typ: sm.Type}
	if len(p.rest) == 1 {
		return t, nil
	}
	q := p.rest[1]
	versionArn := arn
	if _, err := strconv.Atoi(q); err != nil {
		al, err := s.alias(ctx, arn)
		if err != nil {
			return nil, err
		}
		t.aliasArn = arn
		versionArn = al.pick()
	}
	v, err := s.version(ctx, versionArn)
	if err != nil {
		return nil, err
	}
	t.version = v
	t.definition, t.defKey, t.roleArn = v.Definition, v.DefKey, v.RoleArn
	return t, nil
}

func (s *Service) version(ctx context.Context, arn string) (*versionRecord, error) {
	var v versionRecord
	_, err := s.getRecord(ctx, kindVersion, arn, &v)
	if errors.Is(err, store.ErrNotFound) {
		return nil, awsapi.Errorf("ResourceNotFound", "Resource not found: '%s'", arn)
	}
	return &v, err
}

// checkDefinition parses a definition and checks its Task resources are
// available; it returns AWS's InvalidDefinition error otherwise.
func (s *Service) checkDefinition(def string) (*asl.Definition, error) {
	d, diags := s.parseDefinition(def)
	if d == nil {
		return nil, awsapi.Errorf("InvalidDefinition", "%s", diags.Error())
	}
	return d, nil
}

func (s *Service) parseDefinition(def string) (*asl.Definition, asl.Diagnostics) {
	d, diags := asl.Parse([]byte(def))
	if d == nil {
		return nil, diags
	}
	var extra asl.Diagnostics
	var walk func(d *asl.Definition)
	walk = func(d *asl.Definition) {
		for _, st := range d.States {
			if st.Type == asl.TypeTask && !s.resourceAvailable(st.Resource) {
				extra = append(extra, asl.Diagnostic{Severity: asl.SeverityError, Code: asl.CodeSchemaValidationFailed,
					Location: st.Pointer + "/Resource",
					Message:  fmt.Sprintf("The resource provided %s is not recognized. The value is not a valid resource ARN, or the resource is not available in Sluice.", st.Resource)})
			}
			for _, b := range st.Branches {
				walk(b)
			}
			if st.ItemProcessor != nil {
				walk(st.ItemProcessor)
			}
		}
	}
	walk(d)
	if len(extra) > 0 {
		return nil, append(diags, extra...)
	}
	return d, diags
}

func (s *Service) resourceAvailable(resource string) bool {
	if runtime.IsActivity(resource) {
		return true
	}
	_, ok := s.eng.Resources().Lookup(resource)
	return ok
}

type loggingConfig struct {
	Level                string            `json:"level,omitempty"`
	IncludeExecutionData bool              `json:"includeExecutionData,omitempty"`
	Destinations         []json.RawMessage `json:"destinations,omitempty"`
}

func validateRole(role string) error {
	if err := required(role, "roleArn"); err != nil {
		return err
	}
	if !strings.HasPrefix(role, "arn:") || strings.Count(role, ":") < 5 {
		return invalidArn(role)
	}
	return nil
}

func newRevision() string { return newUUID() }

// --- CreateStateMachine ----------------------------------------------------

type createSMInput struct {
	Name                 string          `json:"name"`
	Definition           *string         `json:"definition"`
	RoleArn              string          `json:"roleArn"`
	Type                 string          `json:"type"`
	LoggingConfiguration json.RawMessage `json:"loggingConfiguration"`
	Tracing              json.RawMessage `json:"tracingConfiguration"`
	Encryption           json.RawMessage `json:"encryptionConfiguration"`
	Tags                 []tag           `json:"tags"`
	Publish              bool            `json:"publish"`
	VersionDescription   *string         `json:"versionDescription"`
}

func (s *Service) createStateMachine(ctx context.Context, c *call) (any, error) {
	var in createSMInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := required(in.Name, "name"); err != nil {
		return nil, err
	}
	if err := required(in.Definition, "definition"); err != nil {
		return nil, err
	}
	if !validName(in.Name, 80) {
		return nil, invalidName(in.Name)
	}
	if err := validateRole(in.RoleArn); err != nil {
		return nil, err
	}
	switch in.Type {
	case "":
		in.Type = "STANDARD"
	case "STANDARD", "EXPRESS":
	default:
		return nil, awsapi.ValidationField(in.Type, "type", "Member must satisfy enum value set: [STANDARD, EXPRESS]")
	}
	if len(*in.Definition) > asl.MaxDefinitionBytes {
		return nil, awsapi.ValidationField("...", "definition", "Member must have length less than or equal to 1048576")
	}
	if in.VersionDescription != nil && !in.Publish {
		return nil, awsapi.Validation("Version description can only be set when publish is true")
	}
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	if _, err := s.checkDefinition(*in.Definition); err != nil {
		return nil, err
	}
	arn := c.arn("stateMachine", in.Name)
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, err := s.stateMachine(ctx, arn); err == nil {
		// AWS makes creation idempotent for identical parameters.
		if old.Definition == *in.Definition && old.RoleArn == in.RoleArn && old.Type == in.Type {
			return map[string]any{"stateMachineArn": arn, "creationDate": epoch(old.Created)}, nil
		}
		return nil, awsapi.Errorf("StateMachineAlreadyExists", "State Machine Already Exists: '%s'", arn)
	}
	sm := &smRecord{Arn: arn, Name: in.Name, Type: in.Type, Definition: *in.Definition, DefKey: definitionKey(*in.Definition),
		RoleArn: in.RoleArn, Created: now, RevisionID: newRevision(), Logging: in.LoggingConfiguration, Tracing: in.Tracing,
		Encryption: in.Encryption, Tags: in.Tags, NextVersion: 1}
	if err := s.putDefinition(ctx, sm.DefKey, sm.Definition); err != nil {
		return nil, err
	}
	out := map[string]any{"stateMachineArn": arn, "creationDate": epoch(now)}
	if in.Publish {
		v := s.newVersion(sm, deref(in.VersionDescription), now)
		if err := s.putRecord(ctx, kindVersion, v.Arn, arn, v, now, 0); err != nil {
			return nil, err
		}
		out["stateMachineVersionArn"] = v.Arn
	}
	if err := s.putRecord(ctx, kindStateMachine, arn, scope(arn), sm, now, 0); err != nil {
		if errors.Is(err, store.ErrExists) {
			return nil, awsapi.Errorf("StateMachineAlreadyExists", "State Machine Already Exists: '%s'", arn)
		}
		return nil, err
	}
	return out, nil
}

func (s *Service) putDefinition(ctx context.Context, key, def string) error {
	_, err := s.st.PutRecord(ctx, store.Record{Kind: kindDefinition, Key: key, Data: []byte(def), Created: s.now()}, 0)
	if err != nil && !errors.Is(err, store.ErrExists) {
		return err
	}
	return nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// --- DescribeStateMachine ------------------------------------------------------

func (s *Service) describeStateMachine(ctx context.Context, c *call) (any, error) {
	var in struct {
		StateMachineArn string `json:"stateMachineArn"`
		IncludedData    string `json:"includedData"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := required(in.StateMachineArn, "stateMachineArn"); err != nil {
		return nil, err
	}
	p, ok := parseArn(in.StateMachineArn)
	if !ok || p.kind != "stateMachine" || len(p.rest) > 2 {
		return nil, invalidArn(in.StateMachineArn)
	}
	if len(p.rest) == 2 {
		if _, err := strconv.Atoi(p.rest[1]); err != nil {
			return nil, awsapi.Errorf("InvalidArn", "Invalid Arn: 'Unsupported resource type: alias. Use DescribeStateMachineAlias instead.'")
		}
		t, err := s.resolve(ctx, in.StateMachineArn)
		if err != nil {
			if ae := (*awsapi.Error)(nil); errors.As(err, &ae) && ae.Code == "ResourceNotFound" {
				return nil, awsapi.Errorf("StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'", in.StateMachineArn)
			}
			return nil, err
		}
		v := t.version
		out := map[string]any{"stateMachineArn": v.Arn, "name": v.Name, "status": "ACTIVE", "definition": v.Definition,
			"roleArn": v.RoleArn, "type": v.Type, "creationDate": epoch(v.Created), "revisionId": v.RevisionID,
			"loggingConfiguration": logging(v.Logging), "tracingConfiguration": tracing(v.Tracing)}
		if v.Description != "" {
			out["description"] = v.Description
		}
		return out, nil
	}
	sm, err := s.stateMachine(ctx, in.StateMachineArn)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"stateMachineArn": sm.Arn, "name": sm.Name, "status": "ACTIVE", "definition": sm.Definition,
		"roleArn": sm.RoleArn, "type": sm.Type, "creationDate": epoch(sm.Created), "revisionId": sm.RevisionID,
		"loggingConfiguration": logging(sm.Logging), "tracingConfiguration": tracing(sm.Tracing)}
	if sm.Description != "" {
		out["description"] = sm.Description
	}
	if len(sm.Encryption) > 0 {
		out["encryptionConfiguration"] = sm.Encryption
	}
	return out, nil
}

func logging(raw json.RawMessage) any {
	if len(raw) == 0 {
		return map[string]any{"level": "OFF", "includeExecutionData": false}
	}
	return raw
}

func tracing(raw json.RawMessage) any {
	if len(raw) == 0 {
		return map[string]any{"enabled": false}
	}
	return raw
}

// --- UpdateStateMachine ------------------------------------------------------

func (s *Service) updateStateMachine(ctx context.Context, c *call) (any, error) {
	var in struct {
		StateMachineArn    string          `json:"stateMachineArn"`
		Definition         *string         `json:"definition"`
		RoleArn            *string         `json:"roleArn"`
		Logging            json.RawMessage `json:"loggingConfiguration"`
		Tracing            json.RawMessage `json:"tracingConfiguration"`
		Encryption         json.RawMessage `json:"encryptionConfiguration"`
		Publish            bool            `json:"publish"`
		VersionDescription *string         `json:"versionDescription"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := required(in.StateMachineArn, "stateMachineArn"); err != nil {
		return nil, err
	}
	if p, ok := parseArn(in.StateMachineArn); !ok || p.kind != "stateMachine" || len(p.rest) != 1 {
		return nil, invalidArn(in.StateMachineArn)
	}
	if in.Definition == nil && in.RoleArn == nil && in.Logging == nil && in.Tracing == nil && in.Encryption == nil && !in.Publish {
		return nil, awsapi.Errorf("MissingRequiredParameter", "Either the definition, the role ARN, the LoggingConfiguration, the EncryptionConfiguration or the TracingConfiguration must be specified")
	}
	if in.VersionDescription != nil && !in.Publish {
		return nil, awsapi.Validation("Version description can only be set when publish is true")
	}
	if in.Definition != nil {
		if _, err := s.checkDefinition(*in.Definition); err != nil {
			return nil, err
		}
	}
	if in.RoleArn != nil {
		if err := validateRole(*in.RoleArn); err != nil {
			return nil, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sm, err := s.stateMachine(ctx, in.StateMachineArn)
	if err != nil {
		return nil, err
	}
	now := s.now()
	changed := false
	if in.Definition != nil && *in.Definition != sm.Definition {
		sm.Definition, sm.DefKey = *in.Definition, definitionKey(*in.Definition)
		if err := s.putDefinition(ctx, sm.DefKey, sm.Definition); err != nil {
			return nil, err
		}
		changed = true
	}
	if in.RoleArn != nil && *in.RoleArn != sm.RoleArn {
		sm.RoleArn, changed = *in.RoleArn, true
	}
	if in.Logging != nil {
		sm.Logging, changed = in.Logging, true
	}
	if in.Tracing != nil {
		sm.Tracing, changed = in.Tracing, true
	}
	if in.Encryption != nil {
		sm.Encryption, changed = in.Encryption, true
	}
	if changed {
		sm.RevisionID = newRevision()
		sm.Updated = now
	}
	out := map[string]any{"updateDate": epoch(now), "revisionId": sm.RevisionID}
	if in.Publish {
		v, err := s.publish(ctx, sm, deref(in.VersionDescription), now)
		if err != nil {
			return nil, err
		}
		out["stateMachineVersionArn"] = v.Arn
	}
	if err := s.putRecord(ctx, kindStateMachine, sm.Arn, scope(sm.Arn), sm, sm.Created, sm.rev); err != nil {
		return nil, err
	}
	return out, nil
}

// --- DeleteStateMachine ----------------------------------------------------

func (s *Service) deleteStateMachine(ctx context.Context, c *call) (any, error) {
	var in struct {
		StateMachineArn string `json:"stateMachineArn"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := required(in.StateMachineArn, "stateMachineArn"); err != nil {
		return nil, err
	}
	p, ok := parseArn(in.StateMachineArn)
	if !ok || p.kind != "stateMachine" {
		return nil, invalidArn(in.StateMachineArn)
	}
	if len(p.rest) == 2 {
		// A qualified ARN deletes that version or alias.
		if _, err := strconv.Atoi(p.rest[1]); err == nil {
			return s.deleteVersionArn(ctx, in.StateMachineArn)
		}
		return s.deleteAliasArn(ctx, in.StateMachineArn)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.st.DeleteRecord(ctx, kindStateMachine, in.StateMachineArn); err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	for _, kind := range []string{kindVersion, kindAlias} {
		recs, err := s.allRecords(ctx, kind, in.StateMachineArn)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			_ = s.st.DeleteRecord(ctx, kind, r.Key)
		}
	}
	return map[string]any{}, nil
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

// --- ListStateMachines ---------------------------------------------------------

func (s *Service) listStateMachines(ctx context.Context, c *call) (any, error) {
	var in struct {
		MaxResults int     `json:"maxResults"`
		NextToken  *string `json:"nextToken"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	page, err := pageArgs(in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	recs, next, err := s.st.ListRecords(ctx, kindStateMachine, c.scope(), page)
	if err != nil {
		return nil, invalidToken(err)
	}
	items := make([]map[string]any, 0, len(recs))
	for _, r := range recs {
		var sm smRecord
		if json.Unmarshal(r.Data, &sm) != nil {
			continue
		}
		items = append(items, map[string]any{"stateMachineArn": sm.Arn, "name": sm.Name, "type": sm.Type, "creationDate": epoch(sm.Created)})
	}
	out := map[string]any{"stateMachines": items}
	if next != "" {
		out["nextToken"] = next
	}
	return out, nil
}

// invalidToken maps a store error about a bad page token.
func invalidToken(err error) error {
	if errors.Is(err, store.ErrInvalidToken) {
		return awsapi.Errorf("InvalidToken", "Invalid Token: '%v'", err)
	}
	return err
}

// --- ValidateStateMachineDefinition ---------------------------------------------

func (s *Service) validateDefinition(ctx context.Context, c *call) (any, error) {
	var in struct {
		Definition *string `json:"definition"`
		Type       string  `json:"type"`
		Severity   string  `json:"severity"`
		MaxResults int     `json:"maxResults"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := required(in.Definition, "definition"); err != nil {
		return nil, err
	}
	if in.MaxResults < 0 || in.MaxResults > 100 {
		return nil, awsapi.ValidationField(in.MaxResults, "maxResults", "Member must have value less than or equal to 100")
	}
	switch in.Severity {
	case "", "ERROR", "WARNING":
	default:
		return nil, awsapi.ValidationField(in.Severity, "severity", "Member must satisfy enum value set: [ERROR, WARNING]")
	}
	_, diags := s.parseDefinition(*in.Definition)
	list := make([]map[string]any, 0, len(diags))
	for _, d := range diags {
		if in.Severity != "WARNING" && d.Severity != asl.SeverityError {
			continue
		}
		m := map[string]any{"severity": d.Severity, "code": d.Code, "message": d.Message}
		if d.Location != "" {
			m["location"] = d.Location
		}
		list = append(list, m)
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i]["severity"] == "ERROR" && list[j]["severity"] != "ERROR" })
	truncated := false
	max := in.MaxResults
	if max == 0 {
		max = 100
	}
	if len(list) > max {
		list, truncated = list[:max], true
	}
	result := "OK"
	if diags.HasErrors() {
		result = "FAIL"
	}
	return map[string]any{"result": result, "diagnostics": list, "truncated": truncated}, nil
}
