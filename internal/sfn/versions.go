package sfn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/sluice-run/sluice/internal/awsapi"
	"github.com/sluice-run/sluice/internal/store"
)

// newVersion builds the next version of sm (without storing it).
func (s *Service) newVersion(sm *smRecord, description string, now time.Time) *versionRecord {
	n := sm.NextVersion
	if n == 0 {
		n = 1
	}
	sm.NextVersion = n + 1
	return &versionRecord{Arn: sm.Arn + ":" + strconv.Itoa(n), StateMachineArn: sm.Arn, Name: sm.Name, Type: sm.Type, Number: n,
		Definition: sm.Definition, DefKey: sm.DefKey, RoleArn: sm.RoleArn, Created: now, RevisionID: sm.RevisionID,
		Description: description, Logging: sm.Logging, Tracing: sm.Tracing}
}

// publish stores a new version of sm, unless the latest version already
// has sm's revision, in which case that one is returned (as AWS does).
func (s *Service) publish(ctx context.Context, sm *smRecord, description string, now time.Time) (*versionRecord, error) {
	if sm.NextVersion > 1 {
		var latest versionRecord
		if _, err := s.getRecord(ctx, kindVersion, sm.Arn+":"+strconv.Itoa(sm.NextVersion-1), &latest); err == nil && latest.RevisionID == sm.RevisionID {
			return &latest, nil
		}
	}
	if n, err := s.countRecords(ctx, kindVersion, sm.Arn); err != nil {
		return nil, err
	} else if n >= 1000 {
		return nil, awsapi.Errorf("ServiceQuotaExceededException", "The maximum number of versions (1000) for the state machine has been reached")
	}
	v := s.newVersion(sm, description, now)
	if err := s.putRecord(ctx, kindVersion, v.Arn, sm.Arn, v, now, 0); err != nil {
		return nil, err
	}
	return v, nil
}

func (s *Service) countRecords(ctx context.Context, kind, parent string) (int, error) {
	recs, err := s.allRecords(ctx, kind, parent)
	return len(recs), err
}

func (s *Service) publishVersion(ctx context.Context, c *call) (any, error) {
	var in struct {
		StateMachineArn string  `json:"stateMachineArn"`
		RevisionID      *string `json:"revisionId"`
		Description     *string `json:"description"`
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
	if in.Description != nil && len(*in.Description) > 256 {
		return nil, awsapi.ValidationField(*in.Description, "description", "Member must have length less than or equal to 256")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sm, err := s.stateMachine(ctx, in.StateMachineArn)
	if err != nil {
		return nil, err
	}
	if in.RevisionID != nil && *in.RevisionID != sm.RevisionID {
		return nil, awsapi.Errorf("ConflictException", "Failed to publish the State Machine version for revision %s. The current State Machine revision is %s.", *in.RevisionID, sm.RevisionID)
	}
	now := s.now()
	v, err := s.publish(ctx, sm, deref(in.Description), now)
	if err != nil {
		return nil, err
	}
	if err := s.putRecord(ctx, kindStateMachine, sm.Arn, scope(sm.Arn), sm, sm.Created, sm.rev); err != nil {
		return nil, err
	}
	return map[string]any{"creationDate": epoch(v.Created), "stateMachineVersionArn": v.Arn}, nil
}

func (s *Service) listVersions(ctx context.Context, c *call) (any, error) {
	var in struct {
		StateMachineArn string  `json:"stateMachineArn"`
		MaxResults      int     `json:"maxResults"`
		NextToken       *string `json:"nextToken"`
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
	if _, err := s.stateMachine(ctx, in.StateMachineArn); err != nil {
		return nil, err
	}
	recs, err := s.allRecords(ctx, kindVersion, in.StateMachineArn)
	if err != nil {
		return nil, err
	}
	var vs []versionRecord
	for _, r := range recs {
		var v versionRecord
		if json.Unmarshal(r.Data, &v) == nil {
			vs = append(vs, v)
		}
	}
	// Newest first, as AWS lists them.
	sortVersionsDesc(vs)
	items := make([]map[string]any, 0, len(vs))
	for _, v := range vs {
		items = append(items, map[string]any{"stateMachineVersionArn": v.Arn, "creationDate": epoch(v.Created)})
	}
	page, next, err := paginate(items, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"stateMachineVersions": page}
	if next != "" {
		out["nextToken"] = next
	}
	return out, nil
}

func sortVersionsDesc(vs []versionRecord) {
	for i := 1; i < len(vs); i++ {
		for j := i; j > 0 && vs[j].Number > vs[j-1].Number; j-- {
			vs[j], vs[j-1] = vs[j-1], vs[j]
		}
	}
}

// paginate pages an in-memory list with an offset token.
func paginate[T any](items []T, max int, token *string) ([]T, string, error) {
	if max < 0 || max > 1000 {
		return nil, "", awsapi.ValidationField(max, "maxResults", "Member must have value less than or equal to 1000")
	}
	if max == 0 {
		max = 100
	}
	start := 0
	if token != nil && *token != "" {
		n, err := strconv.Atoi(*token)
		if err != nil || n < 0 || n > len(items) {
			return nil, "", awsapi.Errorf("InvalidToken", "Invalid Token: '%s'", *token)
		}
		start = n
	}
	end := min(start+max, len(items))
	next := ""
	if end < len(items) {
		next = strconv.Itoa(end)
	}
	return items[start:end], next, nil
}

func (s *Service) deleteVersion(ctx context.Context, c *call) (any, error) {
	var in struct {
		StateMachineVersionArn string `json:"stateMachineVersionArn"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := required(in.StateMachineVersionArn, "stateMachineVersionArn"); err != nil {
		return nil, err
	}
	return s.deleteVersionArn(ctx, in.StateMachineVersionArn)
}

func (s *Service) deleteVersionArn(ctx context.Context, arn string) (any, error) {
	p, ok := parseArn(arn)
	if !ok || p.kind != "stateMachine" || len(p.rest) != 2 {
		return nil, invalidArn(arn)
	}
	if _, err := strconv.Atoi(p.rest[1]); err != nil {
		return nil, invalidArn(arn)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	base := arn[:len(arn)-len(p.rest[1])-1]
	aliases, err := s.allRecords(ctx, kindAlias, base)
	if err != nil {
		return nil, err
	}
	for _, r := range aliases {
		var a aliasRecord
		if json.Unmarshal(r.Data, &a) != nil {
			continue
		}
		for _, rt := range a.Routing {
			if rt.VersionArn == arn {
				return nil, awsapi.Errorf("ConflictException", "Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [%s]", a.Arn)
			}
		}
	}
	if err := s.st.DeleteRecord(ctx, kindVersion, arn); err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	return map[string]any{}, nil
}

// --- Aliases -----------------------------------------------------------------

type routing struct {
	VersionArn string `json:"stateMachineVersionArn"`
	Weight     int    `json:"weight"`
}

type aliasRecord struct {
	Arn             string    `json:"arn"`
	Name            string    `json:"name"`
	StateMachineArn string    `json:"stateMachineArn"`
	Description     string    `json:"description,omitempty"`
	Routing         []routing `json:"routingConfiguration"`
	Created         time.Time `json:"created"`
	Updated         time.Time `json:"updated"`
	rev             int64
}

// pick chooses a version by the routing weights.
func (a *aliasRecord) pick() string {
	if len(a.Routing) == 1 {
		return a.Routing[0].VersionArn
	}
	total := 0
	for _, r := range a.Routing {
		total += r.Weight
	}
	if total <= 0 {
		return a.Routing[0].VersionArn
	}
	n := rand.IntN(total)
	for _, r := range a.Routing {
		if n < r.Weight {
			return r.VersionArn
		}
		n -= r.Weight
	}
	return a.Routing[len(a.Routing)-1].VersionArn
}

func (s *Service) alias(ctx context.Context, arn string) (*aliasRecord, error) {
	var a aliasRecord
	rev, err := s.getRecord(ctx, kindAlias, arn, &a)
	if errors.Is(err, store.ErrNotFound) {
		return nil, awsapi.Errorf("ResourceNotFound", "Resource not found: '%s'", arn)
	}
	if err != nil {
		return nil, err
	}
	a.rev = rev
	return &a, nil
}

// checkRouting validates a routing configuration: one or two distinct
// versions of the same state machine, weights 0-100 summing to 100.
func (s *Service) checkRouting(ctx context.Context, rs []routing) (string, error) {
	if len(rs) < 1 || len(rs) > 2 {
		return "", awsapi.ValidationField(nil, "routingConfiguration", "Member must have length less than or equal to 2")
	}
	sum := 0
	base := ""
	seen := map[string]bool{}
	for _, r := range rs {
		p, ok := parseArn(r.VersionArn)
		if !ok || p.kind != "stateMachine" || len(p.rest) != 2 {
			return "", invalidArn(r.VersionArn)
		}
		if _, err := strconv.Atoi(p.rest[1]); err != nil {
			return "", invalidArn(r.VersionArn)
		}
		b := r.VersionArn[:len(r.VersionArn)-len(p.rest[1])-1]
		if base != "" && b != base {
			return "", awsapi.Validation("Routing configuration must contain state machine version ARNs of the same state machine")
		}
		base = b
		if seen[r.VersionArn] {
			return "", awsapi.Validation("Routing configuration must contain distinct state machine version ARNs")
		}
		seen[r.VersionArn] = true
		if r.Weight < 0 || r.Weight > 100 {
			return "", awsapi.ValidationField(r.Weight, "routingConfiguration.member.weight", "Member must have value less than or equal to 100")
		}
		sum += r.Weight
		if _, err := s.version(ctx, r.VersionArn); err != nil {
			return "", err
		}
	}
	if sum != 100 {
		return "", awsapi.Validation("Sum of routing configuration weights must be equal to 100")
	}
	return base, nil
}

func (s *Service) createAlias(ctx context.Context, c *call) (any, error) {
	var in struct {
		Name        string    `json:"name"`
		Description *string   `json:"description"`
		Routing     []routing `json:"routingConfiguration"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := required(in.Name, "name"); err != nil {
		return nil, err
	}
	if in.Routing == nil {
		return nil, required(nil, "routingConfiguration")
	}
	if !validName(in.Name, 80) {
		return nil, invalidName(in.Name)
	}
	if _, err := strconv.Atoi(in.Name); err == nil {
		return nil, awsapi.ValidationField(in.Name, "name", "Member must satisfy regular expression pattern: ^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	base, err := s.checkRouting(ctx, in.Routing)
	if err != nil {
		return nil, err
	}
	if _, err := s.stateMachine(ctx, base); err != nil {
		return nil, err
	}
	arn := base + ":" + in.Name
	now := s.now()
	if old, err := s.alias(ctx, arn); err == nil {
		if old.Description == deref(in.Description) && routingEqual(old.Routing, in.Routing) {
			return map[string]any{"stateMachineAliasArn": arn, "creationDate": epoch(old.Created)}, nil
		}
		return nil, awsapi.Errorf("ConflictException", "Failed to create alias because an alias with the same name and a different routing configuration already exists.")
	}
	if n, err := s.countRecords(ctx, kindAlias, base); err != nil {
		return nil, err
	} else if n >= 100 {
		return nil, awsapi.Errorf("ServiceQuotaExceededException", "The maximum number of aliases (100) for the state machine has been reached")
	}
	a := &aliasRecord{Arn: arn, Name: in.Name, StateMachineArn: base, Description: deref(in.Description), Routing: in.Routing, Created: now, Updated: now}
	if err := s.putRecord(ctx, kindAlias, arn, base, a, now, 0); err != nil {
		return nil, err
	}
	return map[string]any{"stateMachineAliasArn": arn, "creationDate": epoch(now)}, nil
}

func routingEqual(a, b []routing) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func aliasArnArg(c *call, arn string) error {
	if err := required(arn, "stateMachineAliasArn"); err != nil {
		return err
	}
	p, ok := parseArn(arn)
	if !ok || p.kind != "stateMachine" || len(p.rest) != 2 {
		return invalidArn(arn)
	}
	if _, err := strconv.Atoi(p.rest[1]); err == nil {
		return invalidArn(arn)
	}
	return nil
}

func (s *Service) describeAlias(ctx context.Context, c *call) (any, error) {
	var in struct {
		Arn string `json:"stateMachineAliasArn"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := aliasArnArg(c, in.Arn); err != nil {
		return nil, err
	}
	a, err := s.alias(ctx, in.Arn)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"stateMachineAliasArn": a.Arn, "name": a.Name, "routingConfiguration": a.Routing,
		"creationDate": epoch(a.Created), "updateDate": epoch(a.Updated)}
	if a.Description != "" {
		out["description"] = a.Description
	}
	return out, nil
}

func (s *Service) updateAlias(ctx context.Context, c *call) (any, error) {
	var in struct {
		Arn         string    `json:"stateMachineAliasArn"`
		Description *string   `json:"description"`
		Routing     []routing `json:"routingConfiguration"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := aliasArnArg(c, in.Arn); err != nil {
		return nil, err
	}
	if in.Description == nil && in.Routing == nil {
		return nil, awsapi.Errorf("MissingRequiredParameter", "Either the description or the RoutingConfiguration must be specified")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.alias(ctx, in.Arn)
	if err != nil {
		return nil, err
	}
	if in.Routing != nil {
		base, err := s.checkRouting(ctx, in.Routing)
		if err != nil {
			return nil, err
		}
		if base != a.StateMachineArn {
			return nil, awsapi.Validation("Routing configuration must contain state machine version ARNs of the alias's state machine")
		}
		a.Routing = in.Routing
	}
	if in.Description != nil {
		a.Description = *in.Description
	}
	a.Updated = s.now()
	if err := s.putRecord(ctx, kindAlias, a.Arn, a.StateMachineArn, a, a.Created, a.rev); err != nil {
		return nil, err
	}
	return map[string]any{"updateDate": epoch(a.Updated)}, nil
}

func (s *Service) deleteAlias(ctx context.Context, c *call) (any, error) {
	var in struct {
		Arn string `json:"stateMachineAliasArn"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := aliasArnArg(c, in.Arn); err != nil {
		return nil, err
	}
	return s.deleteAliasArn(ctx, in.Arn)
}

func (s *Service) deleteAliasArn(ctx context.Context, arn string) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.st.DeleteRecord(ctx, kindAlias, arn); err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	return map[string]any{}, nil
}

func (s *Service) listAliases(ctx context.Context, c *call) (any, error) {
	var in struct {
		StateMachineArn string  `json:"stateMachineArn"`
		MaxResults      int     `json:"maxResults"`
		NextToken       *string `json:"nextToken"`
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
	base := "arn:" + p.partition + ":states:" + p.region + ":" + p.account + ":stateMachine:" + p.rest[0]
	if _, err := s.stateMachine(ctx, base); err != nil {
		return nil, err
	}
	recs, err := s.allRecords(ctx, kindAlias, base)
	if err != nil {
		return nil, err
	}
	items := make([]map[string]any, 0, len(recs))
	for _, r := range recs {
		var a aliasRecord
		if json.Unmarshal(r.Data, &a) != nil {
			continue
		}
		if len(p.rest) == 2 { // listing the aliases that route to a version
			routes := false
			for _, rt := range a.Routing {
				routes = routes || rt.VersionArn == in.StateMachineArn
			}
			if !routes {
				continue
			}
		}
		items = append(items, map[string]any{"stateMachineAliasArn": a.Arn, "creationDate": epoch(a.Created)})
	}
	page, next, err := paginate(items, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"stateMachineAliases": page}
	if next != "" {
		out["nextToken"] = next
	}
	return out, nil
}

// --- Tags --------------------------------------------------------------------

func validateTags(tags []tag) error {
	if len(tags) > 50 {
		return awsapi.Errorf("TooManyTags", "Too many tags: the maximum is 50")
	}
	for _, t := range tags {
		if len(t.Key) < 1 || len(t.Key) > 128 {
			return awsapi.ValidationField(t.Key, "tags.member.key", "Member must have length between 1 and 128")
		}
		if len(t.Value) > 256 {
			return awsapi.ValidationField(t.Value, "tags.member.value", "Member must have length less than or equal to 256")
		}
	}
	return nil
}

// taggable loads the record of a taggable resource (state machine or
// activity) for read-modify-write.
func (s *Service) taggable(ctx context.Context, arn string) (kind string, rec map[string]any, rev int64, created time.Time, err error) {
	p, ok := parseArn(arn)
	switch {
	case !ok:
		return "", nil, 0, time.Time{}, invalidArn(arn)
	case p.kind == "stateMachine" && len(p.rest) == 1:
		kind = kindStateMachine
	case p.kind == "activity" && len(p.rest) == 1:
		kind = kindActivity
	default:
		return "", nil, 0, time.Time{}, awsapi.Errorf("ResourceNotFound", "Resource not found: '%s'", arn)
	}
	r, err := s.st.GetRecord(ctx, kind, arn)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil, 0, time.Time{}, awsapi.Errorf("ResourceNotFound", "Resource not found: '%s'", arn)
	}
	if err != nil {
		return "", nil, 0, time.Time{}, err
	}
	if err := json.Unmarshal(r.Data, &rec); err != nil {
		return "", nil, 0, time.Time{}, fmt.Errorf("sfn: decode %s: %w", arn, err)
	}
	return kind, rec, r.Revision, r.Created, nil
}

func tagsOf(rec map[string]any) []tag {
	raw, _ := json.Marshal(rec["tags"])
	var ts []tag
	_ = json.Unmarshal(raw, &ts)
	return ts
}

func (s *Service) tagResource(ctx context.Context, c *call) (any, error) {
	var in struct {
		ResourceArn string `json:"resourceArn"`
		Tags        []tag  `json:"tags"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := required(in.ResourceArn, "resourceArn"); err != nil {
		return nil, err
	}
	if in.Tags == nil {
		return nil, required(nil, "tags")
	}
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	kind, rec, rev, created, err := s.taggable(ctx, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	ts := tagsOf(rec)
	for _, t := range in.Tags {
		replaced := false
		for i := range ts {
			if ts[i].Key == t.Key {
				ts[i].Value, replaced = t.Value, true
			}
		}
		if !replaced {
			ts = append(ts, t)
		}
	}
	if len(ts) > 50 {
		return nil, awsapi.Errorf("TooManyTags", "Too many tags: the maximum is 50")
	}
	rec["tags"] = ts
	if err := s.putRecord(ctx, kind, in.ResourceArn, scope(in.ResourceArn), rec, created, rev); err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

func (s *Service) untagResource(ctx context.Context, c *call) (any, error) {
	var in struct {
		ResourceArn string   `json:"resourceArn"`
		TagKeys     []string `json:"tagKeys"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := required(in.ResourceArn, "resourceArn"); err != nil {
		return nil, err
	}
	if in.TagKeys == nil {
		return nil, required(nil, "tagKeys")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	kind, rec, rev, created, err := s.taggable(ctx, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	drop := map[string]bool{}
	for _, k := range in.TagKeys {
		drop[k] = true
	}
	var kept []tag
	for _, t := range tagsOf(rec) {
		if !drop[t.Key] {
			kept = append(kept, t)
		}
	}
	rec["tags"] = kept
	if err := s.putRecord(ctx, kind, in.ResourceArn, scope(in.ResourceArn), rec, created, rev); err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

func (s *Service) listTags(ctx context.Context, c *call) (any, error) {
	var in struct {
		ResourceArn string `json:"resourceArn"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := required(in.ResourceArn, "resourceArn"); err != nil {
		return nil, err
	}
	_, rec, _, _, err := s.taggable(ctx, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	ts := tagsOf(rec)
	if ts == nil {
		ts = []tag{}
	}
	return map[string]any{"tags": ts}, nil
}
