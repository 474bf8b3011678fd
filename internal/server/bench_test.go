package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sluice-run/sluice/internal/server"
	"github.com/sluice-run/sluice/internal/server/servertest"
)

// passChainDef is a chain of n Pass states with small Parameters.
func passChainDef(n int) string {
	var b strings.Builder
	b.WriteString(`{"StartAt":"S0","States":{`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		next := fmt.Sprintf(`"Next":"S%d"`, i+1)
		if i == n-1 {
			next = `"End":true`
		}
		fmt.Fprintf(&b, `"S%d":{"Type":"Pass","Parameters":{"step":%d,"order.$":"$.order"},%s}`, i, i, next)
	}
	b.WriteString("}}")
	return b.String()
}

// rawClient calls the Step Functions API with plain HTTP, so that client
// overhead on this 2-core machine stays small next to the server's.
type rawClient struct {
	url string
	hc  *http.Client
}

func newRawClient(srv *server.Server) *rawClient {
	return &rawClient{url: srv.URL(), hc: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}}
}

func (c *rawClient) call(op, body string) ([]byte, error) {
	req, _ := http.NewRequest(http.MethodPost, c.url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "AWSStepFunctions."+op)
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("%s: %d %s", op, resp.StatusCode, out)
	}
	return out, err
}

func benchServer(b *testing.B, states int) (*server.Server, *rawClient, string) {
	srv := servertest.Start(b)
	c, sm := createChain(b, srv, states)
	return srv, c, sm
}

func createChain(b *testing.B, srv *server.Server, states int) (*rawClient, string) {
	c := newRawClient(srv)
	def := passChainDef(states)
	body := fmt.Sprintf(`{"name":"chain","roleArn":%q,"definition":%q}`, role, def)
	if _, err := c.call("CreateStateMachine", body); err != nil {
		b.Fatal(err)
	}
	return c, "arn:aws:states:us-east-1:000000000000:stateMachine:chain"
}

// BenchmarkDurableTransitions starts executions of a 50-state Pass workflow
// from 64 concurrent clients through the API. Each StartExecution returns
// once the whole execution is on disk (fsync'd), so every transition
// counted is durable.
func BenchmarkDurableTransitions(b *testing.B) {
	runTransitions(b, servertest.Start(b))
}

func runTransitions(b *testing.B, srv *server.Server) {
	const states = 50
	c, sm := createChain(b, srv, states)
	var n atomic.Int64
	before := srv.Engine().Metrics.Transitions()
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < 64; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n.Add(1) <= int64(b.N) {
				if _, err := c.call("StartExecution", fmt.Sprintf(`{"stateMachineArn":%q,"input":"{\"order\":{\"id\":42,\"sku\":\"ABC-1\"}}"}`, sm)); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	tr := srv.Engine().Metrics.Transitions() - before
	b.ReportMetric(float64(tr)/elapsed.Seconds(), "transitions/s")
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "executions/s")
}

// BenchmarkStartToSucceeded measures, one request at a time, the latency
// from StartExecution to a durable ExecutionSucceeded for a 10-state Pass
// workflow (the response comes after that write), and reports p50/p99.
func BenchmarkStartToSucceeded(b *testing.B) {
	_, c, sm := benchServer(b, 10)
	lat := make([]time.Duration, 0, b.N)
	body := fmt.Sprintf(`{"stateMachineArn":%q,"input":"{\"order\":1}"}`, sm)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := time.Now()
		out, err := c.call("StartExecution", body)
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t))
		if i == 0 {
			// Check that the execution really had succeeded when we were
			// answered.
			arn := string(bytes.Split(bytes.Split(out, []byte(`"executionArn":"`))[1], []byte(`"`))[0])
			d, _ := c.call("DescribeExecution", fmt.Sprintf(`{"executionArn":%q}`, arn))
			if !bytes.Contains(d, []byte(`"SUCCEEDED"`)) {
				b.Fatalf("not succeeded at answer: %s", d)
			}
		}
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

var _ = context.Background
