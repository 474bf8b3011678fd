package scheduler

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/sluice-run/sluice/internal/awsapi"
	"github.com/sluice-run/sluice/internal/store"
)

// Record kinds.
const (
	kindGroup    = "schedulerGroup"
	kindSchedule = "schedulerSchedule"
)

// defaultGroup always exists; it is recorded on first use in each region.
const defaultGroup = "default"

// groupRecord is a schedule group as stored.
type groupRecord struct {
	Name     string
	Arn      string
	State    string
	Created  time.Time
	Modified time.Time
	Tags     []tag `json:",omitempty"`
}

type tag struct {
	Key   string
	Value string
}

var nameRE = regexp.MustCompile(`^[0-9a-zA-Z\-_.]{1,64}$`)

func (c *call) arn(resource string) string {
	return "arn:aws:scheduler:" + c.region + ":" + c.account + ":" + resource
}

func (c *call) groupArn(name string) string { return c.arn("schedule-group/" + name) }

func (c *call) scheduleArn(group, name string) string {
	return c.arn("schedule/" + group + "/" + name)
}

// checkName validates a schedule or group name parameter.
func checkName(v, field string) error {
	if !nameRE.MatchString(v) {
		if len(v) == 0 || len(v) > 64 {
			return awsapi.ValidationField(v, field, "Member must have length between 1 and 64")
		}
		return awsapi.ValidationField(v, field, "Member must satisfy regular expression pattern: ^[0-9a-zA-Z-_.]+$")
	}
	return nil
}

// groupName reads an optional group name, defaulting to "default".
func groupName(p *string, field string) (string, error) {
	if p == nil {
		return defaultGroup, nil
	}
	if err := checkName(*p, field); err != nil {
		return "", err
	}
	return *p, nil
}

// group returns a group of the caller's region; the default group is
// recorded when first asked for.
func (s *Service) group(ctx context.Context, c *call, name string) (groupRecord, int64, error) {
	arn := c.groupArn(name)
	r, err := s.st.GetRecord(ctx, kindGroup, arn)
	if errors.Is(err, store.ErrNotFound) && name == defaultGroup {
		now := s.now()
		g := groupRecord{Name: name, Arn: arn, State: "ACTIVE", Created: now, Modified: now}
		if _, err := s.putRecord(ctx, kindGroup, arn, c.scope(), g, now, 0); err != nil && !errors.Is(err, store.ErrExists) {
			return groupRecord{}, 0, internal(fmt.Errorf("scheduler: record the default group: %w", err))
		}
		r, err = s.st.GetRecord(ctx, kindGroup, arn)
	}
	if errors.Is(err, store.ErrNotFound) {
		return groupRecord{}, 0, notFound("Schedule group %s does not exist.", name)
	}
	if err != nil {
		return groupRecord{}, 0, internal(fmt.Errorf("scheduler: read group %s: %w", name, err))
	}
	var g groupRecord
	if err := json.Unmarshal(r.Data, &g); err != nil {
		return groupRecord{}, 0, internal(fmt.Errorf("scheduler: decode group %s: %w", arn, err))
	}
	return g, r.Revision, nil
}

// scope is the Parent of a group record: groups are listed per account
// and region.
func (c *call) scope() string { return c.account + ":" + c.region }

func (s *Service) putRecord(ctx context.Context, kind, key, parent string, v any, created time.Time, rev int64) (int64, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return 0, fmt.Errorf("scheduler: encode %s: %w", key, err)
	}
	return s.st.PutRecord(ctx, store.Record{Kind: kind, Key: key, Parent: parent, Data: data, Created: created}, rev)
}

// allRecords lists every record of a kind and parent.
func (s *Service) allRecords(ctx context.Context, kind, parent string) ([]store.Record, error) {
	var out []store.Record
	p := store.Page{Limit: 1000}
	for {
		recs, next, err := s.st.ListRecords(ctx, kind, parent, p)
		if err != nil {
			return nil, fmt.Errorf("scheduler: list %s records: %w", kind, err)
		}
		out = append(out, recs...)
		if next == "" {
			return out, nil
		}
		p.Token = next
	}
}

func (s *Service) createGroup(ctx context.Context, c *call) (any, error) {
	var in struct {
		ClientToken *string
		Tags        []tag
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := checkName(c.name, "name"); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.name == defaultGroup {
		return nil, conflict("Schedule group %s already exists.", c.name)
	}
	now := s.now()
	arn := c.groupArn(c.name)
	g := groupRecord{Name: c.name, Arn: arn, State: "ACTIVE", Created: now, Modified: now, Tags: in.Tags}
	if _, err := s.putRecord(ctx, kindGroup, arn, c.scope(), g, now, 0); err != nil {
		if errors.Is(err, store.ErrExists) {
			return nil, conflict("Schedule group %s already exists.", c.name)
		}
		return nil, internal(fmt.Errorf("scheduler: create group: %w", err))
	}
	return map[string]string{"ScheduleGroupArn": arn}, nil
}

// groupOut is a group in GetScheduleGroup and ListScheduleGroups.
type groupOut struct {
	Arn                  string
	CreationDate         *epoch
	LastModificationDate *epoch
	Name                 string
	State                string
}

func outGroup(g groupRecord) groupOut {
	return groupOut{Arn: g.Arn, CreationDate: epochPtr(g.Created), LastModificationDate: epochPtr(g.Modified), Name: g.Name, State: g.State}
}

func (s *Service) getGroup(ctx context.Context, c *call) (any, error) {
	if err := checkName(c.name, "name"); err != nil {
		return nil, err
	}
	g, _, err := s.group(ctx, c, c.name)
	if err != nil {
		return nil, err
	}
	return outGroup(g), nil
}

func (s *Service) deleteGroup(ctx context.Context, c *call) (any, error) {
	if err := checkName(c.name, "name"); err != nil {
		return nil, err
	}
	if c.name == defaultGroup {
		return nil, invalid("The default schedule group cannot be deleted.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, _, err := s.group(ctx, c, c.name)
	if err != nil {
		return nil, err
	}
	// AWS deletes a group's schedules in the background, the group
	// showing DELETING meanwhile; Sluice deletes them before answering.
	recs, err := s.allRecords(ctx, kindSchedule, g.Arn)
	if err != nil {
		return nil, internal(err)
	}
	for _, r := range recs {
		if err := s.removeSchedule(ctx, r.Key); err != nil {
			return nil, internal(err)
		}
	}
	if err := s.st.DeleteRecord(ctx, kindGroup, g.Arn); err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, internal(fmt.Errorf("scheduler: delete group %s: %w", g.Arn, err))
	}
	return struct{}{}, nil
}

func (s *Service) listGroups(ctx context.Context, c *call) (any, error) {
	limit, err := c.maxResults()
	if err != nil {
		return nil, err
	}
	prefix, hasPrefix := c.query("NamePrefix")
	if hasPrefix {
		if err := checkName(prefix, "namePrefix"); err != nil {
			return nil, err
		}
	}
	if _, _, err := s.group(ctx, c, defaultGroup); err != nil {
		return nil, err
	}
	recs, err := s.allRecords(ctx, kindGroup, c.scope())
	if err != nil {
		return nil, internal(err)
	}
	var groups []groupOut
	for _, r := range recs {
		var g groupRecord
		if err := json.Unmarshal(r.Data, &g); err != nil {
			return nil, internal(fmt.Errorf("scheduler: decode group %s: %w", r.Key, err))
		}
		if strings.HasPrefix(g.Name, prefix) {
			groups = append(groups, outGroup(g))
		}
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i].Name < groups[j].Name })
	page, next, err := paginate(c, len(groups), limit, func(i int) string { return groups[i].Name })
	if err != nil {
		return nil, err
	}
	out := struct {
		NextToken      *string `json:",omitempty"`
		ScheduleGroups []groupOut
	}{NextToken: next, ScheduleGroups: append([]groupOut{}, groups[page[0]:page[1]]...)}
	return out, nil
}

// paginate picks the page of a sorted listing of n items that starts after
// the NextToken (the base64 of the last key returned), and the NextToken
// of the page after it.
func paginate(c *call, n, limit int, key func(i int) string) ([2]int, *string, error) {
	from := 0
	if tok, ok := c.query("NextToken"); ok {
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || len(raw) == 0 {
			return [2]int{}, nil, invalid("Invalid NextToken.")
		}
		last := string(raw)
		from = sort.Search(n, func(i int) bool { return key(i) > last })
	}
	to := min(from+limit, n)
	var next *string
	if to < n {
		t := base64.RawURLEncoding.EncodeToString([]byte(key(to - 1)))
		next = &t
	}
	return [2]int{from, to}, next, nil
}
