package servertest

import (
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/sluice-run/sluice/internal/server"
)

// Lambda returns a Lambda client for the server.
func Lambda(srv *server.Server) *lambda.Client {
	return lambda.NewFromConfig(Config(srv))
}
