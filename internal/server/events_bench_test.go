package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/sluice-run/sluice/internal/server"
	"github.com/sluice-run/sluice/internal/server/servertest"
)

// The EventBridge benchmarks here measure PutEvents with durable
// acknowledgement (fsync'd, group-committed) against an in-process server
// whose one rule delivers every event to an API destination served by an
// httptest server. The standalone program bench/events measures more
// (steady-rate latency, schedules, memory). For example:
//
//	go test ./internal/server -run XXX -bench PutEvents -benchtime 20000x

// eventsBench is a server with one rule delivering to a local API.
type eventsBench struct {
	srv       *server.Server
	hc        *http.Client
	delivered atomic.Int64
	// arrived, when set, receives the detail of each delivered event.
	arrived chan []byte
}

func newEventsBench(b *testing.B) *eventsBench {
	e := &eventsBench{srv: servertest.Start(b), hc: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}}
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		e.delivered.Add(1)
		if e.arrived != nil {
			e.arrived <- body
		}
	}))
	b.Cleanup(api.Close)
	conn := e.must(b, "CreateConnection", `{"Name":"bench","AuthorizationType":"API_KEY","AuthParameters":{"ApiKeyAuthParameters":{"ApiKeyName":"x-api-key","ApiKeyValue":"k"}}}`)
	dest := e.must(b, "CreateApiDestination", fmt.Sprintf(`{"Name":"bench","ConnectionArn":%q,"InvocationEndpoint":%q,"HttpMethod":"POST"}`,
		field(b, conn, "ConnectionArn"), api.URL))
	e.must(b, "PutRule", `{"Name":"bench","EventPattern":"{\"source\":[\"bench\"]}"}`)
	e.must(b, "PutTargets", fmt.Sprintf(`{"Rule":"bench","Targets":[{"Id":"api","Arn":%q,"InputPath":"$.detail"}]}`, field(b, dest, "ApiDestinationArn")))
	return e
}

// call sends one EventBridge request with plain HTTP.
func (e *eventsBench) call(op, body string) ([]byte, error) {
	req, err := http.NewRequest(http.MethodPost, e.srv.URL(), strings.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSEvents."+op)
	resp, err := e.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s: read response: %w", op, err)
	}
	if resp.StatusCode != http.StatusOK || bytes.Contains(out, []byte(`"FailedEntryCount":1`)) {
		return nil, fmt.Errorf("%s: %d %s", op, resp.StatusCode, out)
	}
	return out, nil
}

func (e *eventsBench) must(b *testing.B, op, body string) []byte {
	b.Helper()
	out, err := e.call(op, body)
	if err != nil {
		b.Fatal(err)
	}
	return out
}

func field(b *testing.B, doc []byte, name string) string {
	b.Helper()
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		b.Fatalf("decode %s: %v", doc, err)
	}
	s, _ := m[name].(string)
	return s
}

// waitDelivered waits until n events reached the API and reports how long
// the deliveries trailed the end of the load.
func (e *eventsBench) waitDelivered(b *testing.B, n int64) {
	t := time.Now()
	for e.delivered.Load() < n {
		if time.Since(t) > 5*time.Minute {
			b.Fatalf("%d of %d events delivered", e.delivered.Load(), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	b.ReportMetric(time.Since(t).Seconds(), "drain-s")
}

func reportQuantiles(b *testing.B, lat []time.Duration) {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkPutEventsIngest sends PutEvents requests of 10 entries from 64
// concurrent clients; b.N counts requests. Each answer comes once the
// events' deliveries are durable. It reports accepted events/s, the
// request latency and how long the deliveries to the API trailed the
// load (drain-s).
func BenchmarkPutEventsIngest(b *testing.B) {
	e := newEventsBench(b)
	body := `{"Entries":[` + strings.Repeat(`{"Source":"bench","DetailType":"order","Detail":"{\"customer\":\"c-42\",\"amount\":1999}"},`, 9) +
		`{"Source":"bench","DetailType":"order","Detail":"{\"customer\":\"c-42\",\"amount\":1999}"}]}`
	runIngest(b, func() error { _, err := e.call("PutEvents", body); return err })
	e.waitDelivered(b, int64(b.N)*10)
}

// BenchmarkPutEventsIngestSDK is BenchmarkPutEventsIngest with the AWS
// SDK's EventBridge client, to show what the SDK adds on the client side.
func BenchmarkPutEventsIngestSDK(b *testing.B) {
	e := newEventsBench(b)
	eb := servertest.EventBridge(e.srv)
	entries := make([]ebtypes.PutEventsRequestEntry, 10)
	for i := range entries {
		entries[i] = ebtypes.PutEventsRequestEntry{Source: aws.String("bench"), DetailType: aws.String("order"), Detail: aws.String(`{"customer":"c-42","amount":1999}`)}
	}
	runIngest(b, func() error {
		out, err := eb.PutEvents(context.Background(), &eventbridge.PutEventsInput{Entries: entries})
		if err == nil && out.FailedEntryCount != 0 {
			err = fmt.Errorf("PutEvents: %d entries failed", out.FailedEntryCount)
		}
		return err
	})
	e.waitDelivered(b, int64(b.N)*10)
}

func runIngest(b *testing.B, put func() error) {
	var n atomic.Int64
	lats := make([][]time.Duration, 64)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for w := range lats {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n.Add(1) <= int64(b.N) {
				t := time.Now()
				if err := put(); err != nil {
					b.Error(err)
					return
				}
				lats[w] = append(lats[w], time.Since(t))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	var all []time.Duration
	for _, l := range lats {
		all = append(all, l...)
	}
	b.ReportMetric(float64(b.N)*10/elapsed.Seconds(), "events/s")
	reportQuantiles(b, all)
}

// BenchmarkPutEventsToTarget sends one event at a time and waits for it
// to reach the API destination; it reports the end-to-end latency (request
// sent to API called) p50/p99.
func BenchmarkPutEventsToTarget(b *testing.B) {
	e := newEventsBench(b)
	e.arrived = make(chan []byte, 16)
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := time.Now()
		e.must(b, "PutEvents", fmt.Sprintf(`{"Entries":[{"Source":"bench","DetailType":"t","Detail":"{\"seq\":%d}"}]}`, i))
		want := fmt.Sprintf(`{"seq":%d}`, i)
		for got := range e.arrived {
			if string(got) == want {
				break
			}
		}
		lat = append(lat, time.Since(t))
	}
	b.StopTimer()
	reportQuantiles(b, lat)
}
