package sfn

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/sluice-run/sluice/internal/awsapi"
	"github.com/sluice-run/sluice/internal/jsonvalue"
	"github.com/sluice-run/sluice/internal/store"
)

type activityRecord struct {
	Arn        string          `json:"arn"`
	Name       string          `json:"name"`
	Created    time.Time       `json:"created"`
	Tags       []tag           `json:"tags,omitempty"`
	Encryption json.RawMessage `json:"encryption,omitempty"`
}

func (s *Service) createActivity(ctx context.Context, c *call) (any, error) {
	var in struct {
		Name       string          `json:"name"`
		Tags       []tag           `json:"tags"`
		Encryption json.RawMessage `json:"encryptionConfiguration"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := required(in.Name, "name"); err != nil {
		return nil, err
	}
	if !validName(in.Name, 80) {
		return nil, invalidName(in.Name)
	}
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	arn := c.arn("activity", in.Name)
	s.mu.Lock()
	defer s.mu.Unlock()
	var old activityRecord
	if _, err := s.getRecord(ctx, kindActivity, arn, &old); err == nil {
		// CreateActivity is idempotent.
		return map[string]any{"activityArn": arn, "creationDate": epoch(old.Created)}, nil
	}
	a := activityRecord{Arn: arn, Name: in.Name, Created: s.now(), Tags: in.Tags, Encryption: in.Encryption}
	if err := s.putRecord(ctx, kindActivity, arn, scope(arn), a, a.Created, 0); err != nil {
		return nil, err
	}
	return map[string]any{"activityArn": arn, "creationDate": epoch(a.Created)}, nil
}

func activityArnArg(arn string) error {
	if err := required(arn, "activityArn"); err != nil {
		return err
	}
	if p, ok := parseArn(arn); !ok || p.kind != "activity" || len(p.rest) != 1 {
		return invalidArn(arn)
	}
	return nil
}

func (s *Service) activity(ctx context.Context, arn string) (*activityRecord, error) {
	var a activityRecord
	_, err := s.getRecord(ctx, kindActivity, arn, &a)
	if errors.Is(err, store.ErrNotFound) {
		return nil, awsapi.Errorf("ActivityDoesNotExist", "Activity Does Not Exist: '%s'", arn)
	}
	return &a, err
}

func (s *Service) describeActivity(ctx context.Context, c *call) (any, error) {
	var in struct {
		ActivityArn string `json:"activityArn"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := activityArnArg(in.ActivityArn); err != nil {
		return nil, err
	}
	a, err := s.activity(ctx, in.ActivityArn)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"activityArn": a.Arn, "name": a.Name, "creationDate": epoch(a.Created)}
	if len(a.Encryption) > 0 {
		out["encryptionConfiguration"] = a.Encryption
	}
	return out, nil
}

func (s *Service) listActivities(ctx context.Context, c *call) (any, error) {
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
	recs, next, err := s.st.ListRecords(ctx, kindActivity, c.scope(), page)
	if err != nil {
		return nil, invalidToken(err)
	}
	items := make([]map[string]any, 0, len(recs))
	for _, r := range recs {
		var a activityRecord
		if json.Unmarshal(r.Data, &a) == nil {
			items = append(items, map[string]any{"activityArn": a.Arn, "name": a.Name, "creationDate": epoch(a.Created)})
		}
	}
	out := map[string]any{"activities": items}
	if next != "" {
		out["nextToken"] = next
	}
	return out, nil
}

func (s *Service) deleteActivity(ctx context.Context, c *call) (any, error) {
	var in struct {
		ActivityArn string `json:"activityArn"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := activityArnArg(in.ActivityArn); err != nil {
		return nil, err
	}
	if err := s.st.DeleteRecord(ctx, kindActivity, in.ActivityArn); err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	return map[string]any{}, nil
}

// ActivityPollTimeout is how long GetActivityTask waits, as on AWS.
var ActivityPollTimeout = 60 * time.Second

func (s *Service) getActivityTask(ctx context.Context, c *call) (any, error) {
	var in struct {
		ActivityArn string  `json:"activityArn"`
		WorkerName  *string `json:"workerName"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := activityArnArg(in.ActivityArn); err != nil {
		return nil, err
	}
	if in.WorkerName != nil && len(*in.WorkerName) > 80 {
		return nil, awsapi.ValidationField(*in.WorkerName, "workerName", "Member must have length less than or equal to 80")
	}
	if _, err := s.activity(ctx, in.ActivityArn); err != nil {
		return nil, err
	}
	pollCtx, cancel := context.WithTimeout(ctx, ActivityPollTimeout)
	defer cancel()
	token, input, ok, err := s.eng.GetActivityTask(pollCtx, in.ActivityArn, deref(in.WorkerName))
	if err != nil {
		return nil, err
	}
	if !ok {
		// AWS answers an empty poll with no token.
		return map[string]any{}, nil
	}
	return map[string]any{"taskToken": token, "input": jsonvalue.Marshal(input)}, nil
}
