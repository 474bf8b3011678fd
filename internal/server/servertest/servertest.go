// Package servertest starts a real Sluice server in-process on
// 127.0.0.1:0 with a temporary data directory, for tests, and returns AWS
// SDK clients pointed at it.
package servertest

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/sluice-run/sluice/internal/awsclient"
	"github.com/sluice-run/sluice/internal/server"
)

// Options adjust the server a test starts.
type Options struct {
	// DataDir reuses a data directory, for restart tests.
	DataDir string
	// Logger receives the server's logs; nil discards them.
	Logger *slog.Logger
}

// Start starts a server and stops it when the test ends.
func Start(t testing.TB, opts ...Options) *server.Server {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.DataDir == "" {
		o.DataDir = t.TempDir()
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	srv, err := server.New(context.Background(), server.Config{Addr: "127.0.0.1:0", DataDir: o.DataDir, Logger: o.Logger})
	if err != nil {
		t.Fatalf("start server: %v", err)
	}
	if err := srv.Start(); err != nil {
		t.Fatalf("start server: %v", err)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = srv.Shutdown(ctx)
		}
	})
	return srv
}

// Config returns an AWS SDK configuration for the server: any credentials,
// region us-east-1, the server's endpoint.
func Config(srv *server.Server) aws.Config {
	return awsclient.Config(srv.URL(), "us-east-1", nil)
}

// SFN returns a Step Functions client for the server.
func SFN(srv *server.Server) *sfn.Client {
	return sfn.NewFromConfig(Config(srv), func(o *sfn.Options) {
		o.APIOptions = append(o.APIOptions, awsclient.NoHostPrefix)
	})
}

// NoHostPrefix is awsclient.NoHostPrefix, for tests that build clients
// themselves.
var NoHostPrefix = awsclient.NoHostPrefix

// EventBridge returns an EventBridge client for the server.
func EventBridge(srv *server.Server) *eventbridge.Client {
	return eventbridge.NewFromConfig(Config(srv))
}
