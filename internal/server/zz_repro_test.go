package server_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptrace"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/sluice-run/sluice/internal/server/servertest"
)

type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

type loggingBody struct{ b io.ReadCloser }

func (l *loggingBody) Read(p []byte) (int, error) {
	n, err := l.b.Read(p)
	if err != nil && err != io.EOF {
		stacks.Store("body read error: "+err.Error(), true)
	}
	return n, err
}
func (l *loggingBody) Close() error {
	err := l.b.Close()
	if err != nil {
		stacks.Store("body close error: "+err.Error(), true)
	}
	return err
}

type tracedConn struct {
	net.Conn
	closed atomic.Bool
	stack  []byte
	mu     sync.Mutex
}

var stacks sync.Map

func (c *tracedConn) Close() error {
	c.mu.Lock()
	c.stack = debug.Stack()
	c.mu.Unlock()
	c.closed.Store(true)
	return c.Conn.Close()
}

func (c *tracedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if err != nil && c.closed.Load() {
		c.mu.Lock()
		stacks.Store(string(c.stack), true)
		c.mu.Unlock()
	}
	return n, err
}

func TestZZRepro(t *testing.T) {
	srv := servertest.Start(t)
	cfg := servertest.Config(srv)
	cfg.HTTPClient = awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		d := &net.Dialer{}
		tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := d.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &tracedConn{Conn: c}, nil
		}
	})
	base := cfg.HTTPClient
	cfg.HTTPClient = doerFunc(func(r *http.Request) (*http.Response, error) {
		tr := &httptrace.ClientTrace{WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err != nil {
				stacks.Store("write error: "+info.Err.Error()+fmt.Sprintf(" %T", info.Err), true)
			}
		}}
		stacks.Store(fmt.Sprintf("body type %T len %d", r.Body, r.ContentLength), true)
		if r.Body != nil {
			r.Body = &loggingBody{r.Body}
		}
		return base.Do(r.WithContext(httptrace.WithClientTrace(r.Context(), tr)))
	})
	c := sfn.NewFromConfig(cfg)
	items := strings.Repeat("1,", 59) + "1"
	arn := createSM(t, c, "paged", `{"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"ResultPath":null,"End":true}}}`)
	x := start(t, c, arn, "["+items+"]")
	wait(t, c, x)
	fails := 0
	for i := 0; i < 3000; i++ {
		_, err := c.GetExecutionHistory(context.Background(), &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(x), MaxResults: 100})
		if err != nil {
			fails++
			if fails < 2 {
				t.Log(err)
			}
		}
	}
	t.Logf("%d failures", fails)
	n := 0
	stacks.Range(func(k, v any) bool {
		if !strings.Contains(k.(string), "goroutine") {
			t.Log(k)
		}
		n++
		return true
	})
}
