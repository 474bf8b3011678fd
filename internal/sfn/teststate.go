package sfn

import (
	"context"

	"github.com/sluice-run/sluice/internal/awsapi"
)

func (s *Service) testState(ctx context.Context, c *call) (any, error) {
	return nil, awsapi.Errorf("UnknownOperationException", "TestState is being wired up")
}
