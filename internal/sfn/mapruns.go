package sfn

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/sluice-run/sluice/internal/awsapi"
	"github.com/sluice-run/sluice/internal/runtime"
	"github.com/sluice-run/sluice/internal/store"
)

func mapRunArnArg(arn string) error {
	if err := required(arn, "mapRunArn"); err != nil {
		return err
	}
	if p, ok := parseArn(arn); !ok || p.kind != "mapRun" {
		return invalidArn(arn)
	}
	return nil
}

func (s *Service) mapRun(ctx context.Context, arn string) (*runtime.MapRunRecord, error) {
	var r runtime.MapRunRecord
	_, err := s.getRecord(ctx, "mapRun", arn, &r)
	if errors.Is(err, store.ErrNotFound) {
		return nil, awsapi.Errorf("ResourceNotFound", "Resource not found: '%s'", arn)
	}
	return &r, err
}

func (s *Service) describeMapRun(ctx context.Context, c *call) (any, error) {
	var in struct {
		MapRunArn string `json:"mapRunArn"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := mapRunArnArg(in.MapRunArn); err != nil {
		return nil, err
	}
	r, err := s.mapRun(ctx, in.MapRunArn)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"mapRunArn": r.MapRunArn, "executionArn": r.ExecutionArn, "status": r.Status, "startDate": epoch(r.StartDate),
		"maxConcurrency": r.MaxConcurrency, "toleratedFailurePercentage": r.ToleratedFailurePercentage,
		"toleratedFailureCount": r.ToleratedFailureCount, "itemCounts": r.ItemCounts, "executionCounts": r.ExecutionCounts,
		"redriveCount": r.RedriveCount}
	if !r.StopDate.IsZero() {
		out["stopDate"] = epoch(r.StopDate)
	}
	return out, nil
}

func (s *Service) listMapRuns(ctx context.Context, c *call) (any, error) {
	var in struct {
		ExecutionArn string  `json:"executionArn"`
		MaxResults   int     `json:"maxResults"`
		NextToken    *string `json:"nextToken"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := executionArnArg(in.ExecutionArn, "executionArn"); err != nil {
		return nil, err
	}
	if _, err := s.execution(ctx, in.ExecutionArn); err != nil {
		return nil, err
	}
	page, err := pageArgs(in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	recs, next, err := s.st.ListRecords(ctx, "mapRun", in.ExecutionArn, page)
	if err != nil {
		return nil, invalidToken(err)
	}
	items := make([]map[string]any, 0, len(recs))
	for _, rec := range recs {
		var r runtime.MapRunRecord
		if json.Unmarshal(rec.Data, &r) != nil {
			continue
		}
		m := map[string]any{"executionArn": r.ExecutionArn, "mapRunArn": r.MapRunArn, "stateMachineArn": stateMachineOfExecution(r.ExecutionArn),
			"startDate": epoch(r.StartDate)}
		if !r.StopDate.IsZero() {
			m["stopDate"] = epoch(r.StopDate)
		}
		items = append(items, m)
	}
	out := map[string]any{"mapRuns": items}
	if next != "" {
		out["nextToken"] = next
	}
	return out, nil
}

func stateMachineOfExecution(execArn string) string {
	p, ok := parseArn(execArn)
	if !ok || len(p.rest) < 1 {
		return ""
	}
	return "arn:" + p.partition + ":states:" + p.region + ":" + p.account + ":stateMachine:" + p.rest[0]
}

func (s *Service) updateMapRun(ctx context.Context, c *call) (any, error) {
	var in struct {
		MapRunArn                  string   `json:"mapRunArn"`
		MaxConcurrency             *int64   `json:"maxConcurrency"`
		ToleratedFailurePercentage *float64 `json:"toleratedFailurePercentage"`
		ToleratedFailureCount      *int64   `json:"toleratedFailureCount"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := mapRunArnArg(in.MapRunArn); err != nil {
		return nil, err
	}
	if in.MaxConcurrency == nil && in.ToleratedFailureCount == nil && in.ToleratedFailurePercentage == nil {
		return nil, awsapi.Errorf("InvalidParameterValue", "At least one of the parameters maxConcurrency, toleratedFailurePercentage or toleratedFailureCount must be specified")
	}
	if in.MaxConcurrency != nil && *in.MaxConcurrency < 0 {
		return nil, awsapi.ValidationField(*in.MaxConcurrency, "maxConcurrency", "Member must have value greater than or equal to 0")
	}
	if in.ToleratedFailureCount != nil && *in.ToleratedFailureCount < 0 {
		return nil, awsapi.ValidationField(*in.ToleratedFailureCount, "toleratedFailureCount", "Member must have value greater than or equal to 0")
	}
	if p := in.ToleratedFailurePercentage; p != nil && (*p < 0 || *p > 100) {
		return nil, awsapi.ValidationField(*p, "toleratedFailurePercentage", "Member must have value less than or equal to 100")
	}
	err := s.eng.UpdateMapRun(ctx, in.MapRunArn, in.MaxConcurrency, in.ToleratedFailureCount, in.ToleratedFailurePercentage)
	if errors.Is(err, runtime.ErrMapRunNotFound) {
		return nil, awsapi.Errorf("ResourceNotFound", "Resource not found: '%s'", in.MapRunArn)
	}
	if err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}
