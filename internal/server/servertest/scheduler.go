package servertest

import (
	"github.com/aws/aws-sdk-go-v2/service/scheduler"

	"github.com/sluice-run/sluice/internal/server"
)

// Scheduler returns an EventBridge Scheduler client for the server.
func Scheduler(srv *server.Server) *scheduler.Client {
	return scheduler.NewFromConfig(Config(srv))
}
