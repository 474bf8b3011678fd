package scheduler

import (
	"context"
	"fmt"
	"regexp"
	"sort"

	"github.com/sluice-run/sluice/internal/awsapi"
)

// Only schedule groups take tags, as on AWS.

var groupArnRE = regexp.MustCompile(`^arn:aws(-[a-z]+)?:scheduler:([a-z0-9\-]+):(\d{12}):schedule-group/([0-9a-zA-Z\-_.]+)$`)

// tagTarget resolves the ResourceArn of a tagging call to a group name and
// a call scoped to the ARN's region.
func tagTarget(c *call) (*call, string, error) {
	m := groupArnRE.FindStringSubmatch(c.name)
	if m == nil {
		return nil, "", awsapi.ValidationField(c.name, "resourceArn",
			`Member must satisfy regular expression pattern: ^arn:aws(-[a-z]+)?:scheduler:[a-z0-9\-]+:\d{12}:schedule-group\/[0-9a-zA-Z-_.]+$`)
	}
	scoped := *c
	scoped.region, scoped.account = m[2], m[3]
	return &scoped, m[4], nil
}

func checkTags(tags []tag) error {
	if len(tags) > 200 {
		return awsapi.ValidationField(nil, "tags", "Member must have length less than or equal to 200")
	}
	for i, t := range tags {
		if len(t.Key) < 1 || len(t.Key) > 128 {
			return awsapi.ValidationField(t.Key, fmt.Sprintf("tags.%d.member.key", i+1), "Member must have length between 1 and 128")
		}
		if len(t.Value) < 1 || len(t.Value) > 256 {
			return awsapi.ValidationField(t.Value, fmt.Sprintf("tags.%d.member.value", i+1), "Member must have length between 1 and 256")
		}
	}
	return nil
}

// changeTags applies change to a group's tags and stores the group.
func (s *Service) changeTags(ctx context.Context, c *call, change func([]tag) []tag) ([]tag, error) {
	scoped, name, err := tagTarget(c)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, rev, err := s.group(ctx, scoped, name)
	if err != nil {
		return nil, err
	}
	if change == nil {
		return g.Tags, nil
	}
	g.Tags = change(g.Tags)
	if _, err := s.putRecord(ctx, kindGroup, g.Arn, scoped.scope(), g, g.Created, rev); err != nil {
		return nil, internal(fmt.Errorf("scheduler: tag group %s: %w", g.Arn, err))
	}
	return g.Tags, nil
}

func (s *Service) tagResource(ctx context.Context, c *call) (any, error) {
	var in struct{ Tags []tag }
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if in.Tags == nil {
		return nil, awsapi.ValidationField(nil, "tags", "Member must not be null")
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	_, err := s.changeTags(ctx, c, func(old []tag) []tag {
		byKey := map[string]string{}
		for _, t := range old {
			byKey[t.Key] = t.Value
		}
		for _, t := range in.Tags {
			byKey[t.Key] = t.Value
		}
		return sortedTags(byKey)
	})
	if err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func (s *Service) untagResource(ctx context.Context, c *call) (any, error) {
	keys, ok := c.r.URL.Query()["TagKeys"]
	if !ok {
		return nil, awsapi.ValidationField(nil, "tagKeys", "Member must not be null")
	}
	_, err := s.changeTags(ctx, c, func(old []tag) []tag {
		byKey := map[string]string{}
		for _, t := range old {
			byKey[t.Key] = t.Value
		}
		for _, k := range keys {
			delete(byKey, k)
		}
		return sortedTags(byKey)
	})
	if err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func (s *Service) listTags(ctx context.Context, c *call) (any, error) {
	tags, err := s.changeTags(ctx, c, nil)
	if err != nil {
		return nil, err
	}
	if tags == nil {
		tags = []tag{}
	}
	return struct{ Tags []tag }{tags}, nil
}

func sortedTags(m map[string]string) []tag {
	out := make([]tag, 0, len(m))
	for k, v := range m {
		out = append(out, tag{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}
