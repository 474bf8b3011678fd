package scheduler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/sluice-run/sluice/internal/store"
)

func (s *Service) createSchedule(ctx context.Context, c *call) (any, error) {
	var in scheduleInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	now := s.now()
	rec, sch, err := validate(c, &in, now)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, _, err := s.group(ctx, c, rec.GroupName); err != nil {
		return nil, err
	}
	old, err := s.readSchedule(ctx, rec.Arn)
	switch {
	case err == nil:
		// A retried request (same client token) gets the schedule it made.
		if rec.ClientToken != "" && old.ClientToken == rec.ClientToken {
			return map[string]string{"ScheduleArn": rec.Arn}, nil
		}
		return nil, conflict("Schedule %s already exists.", rec.Name)
	case !errors.Is(err, store.ErrNotFound):
		return nil, internal(err)
	}
	rec.Created, rec.Modified = now, now
	rec.Anchor = anchor(rec, now)
	sch.Anchor = rec.Anchor
	s.planNext(&rec, sch, now)
	if err := s.save(ctx, &rec, nil); err != nil {
		return nil, internal(err)
	}
	return map[string]string{"ScheduleArn": rec.Arn}, nil
}

// anchor is where a rate expression counts from: StartDate, else now.
func anchor(rec scheduleRecord, now time.Time) time.Time {
	if !rec.StartDate.IsZero() {
		return rec.StartDate
	}
	return now
}

func (s *Service) updateSchedule(ctx context.Context, c *call) (any, error) {
	var in scheduleInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	now := s.now()
	rec, sch, err := validate(c, &in, now)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, err := s.readSchedule(ctx, rec.Arn)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound("Schedule %s does not exist.", rec.Name)
	}
	if err != nil {
		return nil, internal(err)
	}
	// UpdateSchedule replaces every field, as on AWS; the creation time,
	// the creation's client token and the fire history stay.
	rec.Created, rec.Modified, rec.ClientToken, rec.LastFired = old.Created, now, old.ClientToken, old.LastFired
	rec.Anchor = anchor(rec, now)
	sch.Anchor = rec.Anchor
	s.planNext(&rec, sch, now)
	if err := s.save(ctx, &rec, nil); err != nil {
		return nil, internal(err)
	}
	return map[string]string{"ScheduleArn": rec.Arn}, nil
}

// target reads the {Name} and groupName parameters of GetSchedule and
// DeleteSchedule.
func (c *call) target() (name, group, arn string, err error) {
	if err := checkName(c.name, "name"); err != nil {
		return "", "", "", err
	}
	g, ok := c.query("groupName")
	var gp *string
	if ok {
		gp = &g
	}
	group, err = groupName(gp, "groupName")
	if err != nil {
		return "", "", "", err
	}
	return c.name, group, c.scheduleArn(group, c.name), nil
}

func (s *Service) getSchedule(ctx context.Context, c *call) (any, error) {
	name, _, arn, err := c.target()
	if err != nil {
		return nil, err
	}
	rec, err := s.readSchedule(ctx, arn)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound("Schedule %s does not exist.", name)
	}
	if err != nil {
		return nil, internal(err)
	}
	return outSchedule(rec), nil
}

func (s *Service) deleteSchedule(ctx context.Context, c *call) (any, error) {
	name, _, arn, err := c.target()
	if err != nil {
		return nil, err
	}
	if tok, ok := c.query("clientToken"); ok && !clientTokenRE.MatchString(tok) {
		return nil, invalid("1 validation error detected: Value '%s' at 'clientToken' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9-_]+$", tok)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.readSchedule(ctx, arn); errors.Is(err, store.ErrNotFound) {
		return nil, notFound("Schedule %s does not exist.", name)
	} else if err != nil {
		return nil, internal(err)
	}
	if err := s.removeSchedule(ctx, arn); err != nil {
		return nil, internal(err)
	}
	return struct{}{}, nil
}

func (s *Service) listSchedules(ctx context.Context, c *call) (any, error) {
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
	state, hasState := c.query("State")
	if hasState {
		if err := oneOf(&state, "state", stateEnabled, stateDisabled); err != nil {
			return nil, err
		}
	}
	parent := ""
	if g, ok := c.query("ScheduleGroup"); ok {
		if err := checkName(g, "groupName"); err != nil {
			return nil, err
		}
		grp, _, err := s.group(ctx, c, g)
		if err != nil {
			return nil, err
		}
		parent = grp.Arn
	}
	recs, err := s.allRecords(ctx, kindSchedule, parent)
	if err != nil {
		return nil, internal(err)
	}
	scope := c.arn("schedule/")
	var list []scheduleSummary
	for _, r := range recs {
		if !strings.HasPrefix(r.Key, scope) {
			continue
		}
		var rec scheduleRecord
		if err := json.Unmarshal(r.Data, &rec); err != nil {
			return nil, internal(fmt.Errorf("scheduler: decode schedule %s: %w", r.Key, err))
		}
		if strings.HasPrefix(rec.Name, prefix) && (!hasState || rec.State == state) {
			list = append(list, summarize(rec))
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Arn < list[j].Arn })
	page, next, err := paginate(c, len(list), limit, func(i int) string { return list[i].Arn })
	if err != nil {
		return nil, err
	}
	return struct {
		NextToken *string `json:",omitempty"`
		Schedules []scheduleSummary
	}{next, append([]scheduleSummary{}, list[page[0]:page[1]]...)}, nil
}
