// Command events measures Sluice's EventBridge side end to end, on an
// in-process server with its real (fsync'd, group-committed) store. The
// EventBridge API is called with plain HTTP (awsJson1_1), not the AWS SDK,
// so that client overhead on a small machine stays low next to the
// server's; the program also runs a small HTTP server that stands for the
// targets' API and records when each event arrives.
//
// Modes (-mode):
//
//	latency    PutEvents → target invocation latency at a steady open-loop
//	           rate: one event per request, sent every 1/rate seconds, each
//	           carrying its send time and sequence number in its detail.
//	           -target api delivers to an API destination pointing at the
//	           local HTTP server (latency = received − sent); -target sfn
//	           starts a Standard execution of a one-Pass-state machine
//	           (latency = the execution's startDate, millisecond
//	           resolution, − sent).
//	ingest     sustained ingest with durable acknowledgement: -clients
//	           closed-loop clients each sending PutEvents requests of
//	           -batch entries; -rules rules each matching a share of the
//	           events (exactly one rule per event), each with one API
//	           destination target.
//	schedules  schedule accuracy: -schedules rules with -expr (default
//	           rate(1 minute)), plus two drift rules rate(1 second) and
//	           rate(10 seconds); reports RSS after creating them, the
//	           lateness of durable fires (fired − nominal) for -duration
//	           after all are created, the lateness of the scheduled
//	           events at the target when -schedtargets is set, and whether
//	           the drift rules' nominal times stay on their anchor grid.
//	rules      memory with -rules event-pattern rules (each with a target),
//	           and PutEvents latency with that many rules on the bus.
//
// Examples (each run starts a fresh server in a temporary directory):
//
//	go run ./bench/events -mode latency -rate 1000 -duration 60s
//	go run ./bench/events -mode latency -target sfn -rate 500 -duration 30s
//	go run ./bench/events -mode ingest -rules 1 -clients 64 -duration 30s
//	go run ./bench/events -mode ingest -rules 100 -clients 64 -duration 30s
//	go run ./bench/events -mode schedules -schedules 10000 -duration 5m
//	go run ./bench/events -mode rules -rules 10000
//
// CPU time is the whole process's (server, load generator and target
// together), from getrusage, over the measured window.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/sluice-run/sluice/internal/server"
)

var (
	mode         = flag.String("mode", "latency", "latency, ingest, schedules or rules")
	rate         = flag.Int("rate", 1000, "latency: events per second")
	duration     = flag.Duration("duration", 30*time.Second, "measured window")
	warmup       = flag.Duration("warmup", 3*time.Second, "latency, ingest: load before the measured window")
	target       = flag.String("target", "api", "latency: api (API destination) or sfn (state machine)")
	clients      = flag.Int("clients", 64, "ingest: concurrent clients; latency, schedules, rules: concurrent senders/creators")
	batch        = flag.Int("batch", 10, "ingest: entries per PutEvents request")
	rules        = flag.Int("rules", 1, "ingest, rules: number of event-pattern rules")
	schedules    = flag.Int("schedules", 10000, "schedules: number of scheduled rules")
	expr         = flag.String("expr", "rate(1 minute)", "schedules: schedule expression of the -schedules rules")
	schedTargets = flag.Bool("schedtargets", true, "schedules: give every scheduled rule an API destination target")
	rateLimit    = flag.Int("ratelimit", 0, "InvocationRateLimitPerSecond of the API destination (1-300; 0 leaves it unset, which Sluice does not limit)")
	noSync       = flag.Bool("nosync", false, "disable fsync (to see what it costs)")
	cpuProfile   = flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
)

func main() {
	flag.Parse()
	fmt.Printf("# sluice events benchmark: %s\n", strings.Join(os.Args[1:], " "))
	fmt.Printf("# GOMAXPROCS=%d, %s\n", runtime.GOMAXPROCS(0), runtime.Version())
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "events: cpu profile:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "events:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

func run() error {
	switch *mode {
	case "latency":
		return runLatency()
	case "ingest":
		return runIngest()
	case "schedules":
		return runSchedules()
	case "rules":
		return runRules()
	}
	return fmt.Errorf("unknown mode %q", *mode)
}

// --- the server, the API client and the target ------------------------------

// bench is one running server with its client and local target.
type bench struct {
	dir  string
	srv  *server.Server
	api  *apiClient
	tgt  *targetServer
	dest string // API destination ARN
}

func start(cfg server.Config) (*bench, error) {
	dir, err := os.MkdirTemp("", "sluice-events-")
	if err != nil {
		return nil, fmt.Errorf("temporary directory: %w", err)
	}
	cfg.Addr, cfg.DataDir, cfg.NoSync = "127.0.0.1:0", dir, *noSync
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := server.New(context.Background(), cfg)
	if err != nil {
		return nil, fmt.Errorf("new server: %w", err)
	}
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("start server: %w", err)
	}
	tgt, err := newTargetServer()
	if err != nil {
		return nil, err
	}
	b := &bench{dir: dir, srv: srv, tgt: tgt,
		api: &apiClient{url: srv.URL(), hc: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 512, MaxConnsPerHost: 0}}}}
	return b, nil
}

func (b *bench) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := b.srv.Shutdown(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "events: shutdown:", err)
	}
	b.tgt.close()
	os.RemoveAll(b.dir)
}

// createDestination creates a connection and an API destination pointing
// at the local target server.
func (b *bench) createDestination() error {
	out, err := b.api.call("AWSEvents", "CreateConnection", map[string]any{"Name": "bench", "AuthorizationType": "API_KEY",
		"AuthParameters": map[string]any{"ApiKeyAuthParameters": map[string]any{"ApiKeyName": "x-api-key", "ApiKeyValue": "k"}}})
	if err != nil {
		return err
	}
	in := map[string]any{"Name": "bench", "ConnectionArn": out["ConnectionArn"], "InvocationEndpoint": b.tgt.url + "/in", "HttpMethod": "POST"}
	if *rateLimit > 0 {
		in["InvocationRateLimitPerSecond"] = *rateLimit
	}
	out, err = b.api.call("AWSEvents", "CreateApiDestination", in)
	if err != nil {
		return err
	}
	b.dest, _ = out["ApiDestinationArn"].(string)
	return nil
}

// putRule creates a rule (pattern or schedule) with one target, whose
// input is inputPath of the event when inputPath is set.
func (b *bench) putRule(name string, rule map[string]any, targetArn, inputPath string) error {
	rule["Name"] = name
	if _, err := b.api.call("AWSEvents", "PutRule", rule); err != nil {
		return err
	}
	t := map[string]any{"Id": "t", "Arn": targetArn}
	if inputPath != "" {
		t["InputPath"] = inputPath
	}
	if strings.Contains(targetArn, ":states:") {
		t["RoleArn"] = "arn:aws:iam::000000000000:role/bench"
	}
	out, err := b.api.call("AWSEvents", "PutTargets", map[string]any{"Rule": name, "Targets": []any{t}})
	if err != nil {
		return err
	}
	if n, _ := out["FailedEntryCount"].(float64); n != 0 {
		return fmt.Errorf("PutTargets %s: %v", name, out)
	}
	return nil
}

// apiClient calls the AWS JSON APIs with plain HTTP.
type apiClient struct {
	url string
	hc  *http.Client
}

// callRaw sends one request and returns the response body.
func (c *apiClient) callRaw(prefix, op string, body []byte) ([]byte, error) {
	req, err := http.NewRequest(http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if prefix == "AWSEvents" {
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	} else {
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	}
	req.Header.Set("X-Amz-Target", prefix+"."+op)
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s: read response: %w", op, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %d %s", op, resp.StatusCode, out)
	}
	return out, nil
}

// call sends in as JSON and decodes the response.
func (c *apiClient) call(prefix, op string, in any) (map[string]any, error) {
	body, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("%s: encode: %w", op, err)
	}
	raw, err := c.callRaw(prefix, op, body)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("%s: decode response: %w", op, err)
	}
	return out, nil
}

// putEventsResult is the part of a PutEvents response the benchmark reads.
type putEventsResult struct {
	FailedEntryCount int
	Entries          []struct{ EventId, ErrorCode string }
}

func (c *apiClient) putEvents(body []byte) (*putEventsResult, error) {
	raw, err := c.callRaw("AWSEvents", "PutEvents", body)
	if err != nil {
		return nil, err
	}
	var r putEventsResult
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("PutEvents: decode response: %w", err)
	}
	if r.FailedEntryCount != 0 {
		return &r, fmt.Errorf("PutEvents: %d entries failed: %s", r.FailedEntryCount, raw)
	}
	return &r, nil
}

// targetServer is the API the API destination calls. It records each
// request's arrival with the handler's function.
type targetServer struct {
	url    string
	srv    *http.Server
	count  atomic.Int64
	handle atomic.Pointer[func(body []byte, at time.Time)]
}

func newTargetServer() (*targetServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("target listener: %w", err)
	}
	t := &targetServer{url: "http://" + ln.Addr().String()}
	t.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		at := time.Now()
		t.count.Add(1)
		if h := t.handle.Load(); h != nil {
			(*h)(body, at)
		}
	})}
	go t.srv.Serve(ln)
	return t, nil
}

func (t *targetServer) onRequest(f func(body []byte, at time.Time)) { t.handle.Store(&f) }

func (t *targetServer) close() { t.srv.Close() }

// --- measurements -------------------------------------------------------------

// quantiles prints p50/p99/p99.9/max of ds (sorted in place).
func quantiles(ds []time.Duration) string {
	if len(ds) == 0 {
		return "no samples"
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	q := func(p float64) time.Duration { return ds[int(math.Ceil(p*float64(len(ds))))-1] }
	r := func(d time.Duration) string { return fmt.Sprintf("%.3fms", float64(d)/1e6) }
	return fmt.Sprintf("n=%d p50 %s  p90 %s  p99 %s  p99.9 %s  max %s", len(ds), r(q(0.5)), r(q(0.9)), r(q(0.99)), r(q(0.999)), r(ds[len(ds)-1]))
}

// cpuTime returns the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// memory reports the resident set size and, after a collection, the Go
// heap in use.
func memory() string {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return fmt.Sprintf("RSS %.1f MiB, Go heap in use %.1f MiB", rssMiB(), float64(ms.HeapInuse)/(1<<20))
}

func rssMiB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}

// window measures CPU time over a wall-clock window.
type window struct {
	wall time.Time
	cpu  time.Duration
}

func startWindow() window { return window{time.Now(), cpuTime()} }

func (w window) String() string {
	wall := time.Since(w.wall)
	cpu := cpuTime() - w.cpu
	return fmt.Sprintf("wall %v, process CPU %v (%.2f cores)", wall.Round(time.Millisecond), cpu.Round(time.Millisecond), cpu.Seconds()/wall.Seconds())
}

// --- latency ------------------------------------------------------------------

// sample is what the latency mode records per event.
type sample struct {
	sent, acked, recv time.Time
	eventID           string
	recvs             int
}

func runLatency() error {
	b, err := start(server.Config{})
	if err != nil {
		return err
	}
	defer b.stop()
	var targetArn, inputPath string
	switch *target {
	case "api":
		if err := b.createDestination(); err != nil {
			return err
		}
		targetArn, inputPath = b.dest, "$.detail"
	case "sfn":
		def := `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`
		out, err := b.api.call("AWSStepFunctions", "CreateStateMachine", map[string]any{"name": "bench", "definition": def,
			"roleArn": "arn:aws:iam::000000000000:role/bench"})
		if err != nil {
			return err
		}
		targetArn, _ = out["stateMachineArn"].(string)
	default:
		return fmt.Errorf("unknown target %q", *target)
	}
	if err := b.putRule("latency", map[string]any{"EventPattern": `{"source":["bench.latency"]}`}, targetArn, inputPath); err != nil {
		return err
	}

	interval := time.Second / time.Duration(*rate)
	nWarm := int(*warmup / interval)
	n := nWarm + int(*duration/interval)
	samples := make([]sample, n)
	var mu sync.Mutex
	b.tgt.onRequest(func(body []byte, at time.Time) {
		var d struct{ Seq int }
		if json.Unmarshal(body, &d) != nil || d.Seq < 0 || d.Seq >= n {
			return
		}
		mu.Lock()
		s := &samples[d.Seq]
		if s.recvs == 0 {
			s.recv = at
		}
		s.recvs++
		mu.Unlock()
	})

	// Open loop: event i is due at t0 + i·interval and handed to an idle
	// sender; a late sender does not delay the schedule.
	jobs := make(chan int, n)
	var errs atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	for w := 0; w < *clients; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				sent := time.Now()
				body := fmt.Sprintf(`{"Entries":[{"Source":"bench.latency","DetailType":"tick","Detail":"{\"seq\":%d,\"sent\":%d}"}]}`, i, sent.UnixNano())
				r, err := b.api.putEvents([]byte(body))
				acked := time.Now()
				if err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				mu.Lock()
				samples[i].sent, samples[i].acked, samples[i].eventID = sent, acked, r.Entries[0].EventId
				mu.Unlock()
			}
		}()
	}
	fmt.Printf("sending %d events/s for %v after a %v warm-up, target %s\n", *rate, *duration, *warmup, *target)
	t0 := time.Now()
	var win window
	behind := 0
	for i := 0; i < n; i++ {
		due := t0.Add(time.Duration(i) * interval)
		if i == nWarm {
			win = startWindow()
		}
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		} else if d < -5*time.Millisecond {
			behind++
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	sendWin := win.String()
	if errs.Load() > 0 {
		fmt.Printf("PutEvents errors: %d (first: %v)\n", errs.Load(), firstErr.Load())
	}
	if behind > 0 {
		fmt.Printf("the sender was more than 5ms behind schedule for %d events\n", behind)
	}

	if *target == "sfn" {
		return sfnLatency(b, samples[nWarm:], sendWin)
	}
	deadline := time.Now().Add(30 * time.Second)
	for b.tgt.count.Load() < int64(n) && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	fmt.Printf("measured window (sending): %s\n", sendWin)
	mu.Lock()
	defer mu.Unlock()
	var e2e, ack, after []time.Duration
	missing, dups := 0, 0
	for _, s := range samples[nWarm:] {
		if s.sent.IsZero() {
			continue
		}
		ack = append(ack, s.acked.Sub(s.sent))
		if s.recvs == 0 {
			missing++
			continue
		}
		dups += s.recvs - 1
		e2e = append(e2e, s.recv.Sub(s.sent))
		after = append(after, s.recv.Sub(s.acked))
	}
	fmt.Printf("events measured: %d, not delivered within 30s: %d, delivered more than once: %d\n", len(ack), missing, dups)
	fmt.Printf("PutEvents sent -> target received: %s\n", quantiles(e2e))
	fmt.Printf("PutEvents request latency:         %s\n", quantiles(ack))
	fmt.Printf("PutEvents answered -> received:    %s\n", quantiles(after))
	fmt.Printf("%s\n", memory())
	return nil
}

// sfnLatency matches the executions the target started to the events by
// name (the bus names them <event id>_<hash>) and reports startDate − sent.
func sfnLatency(b *bench, samples []sample, sendWin string) error {
	sm := "arn:aws:states:us-east-1:000000000000:stateMachine:bench"
	starts := map[string]time.Time{}
	deadline := time.Now().Add(60 * time.Second)
	want := 0
	for _, s := range samples {
		if s.eventID != "" {
			want++
		}
	}
	for {
		clear(starts)
		token := ""
		for {
			in := map[string]any{"stateMachineArn": sm, "maxResults": 1000}
			if token != "" {
				in["nextToken"] = token
			}
			out, err := b.api.call("AWSStepFunctions", "ListExecutions", in)
			if err != nil {
				return err
			}
			list, _ := out["executions"].([]any)
			for _, x := range list {
				e, _ := x.(map[string]any)
				name, _ := e["name"].(string)
				sec, _ := e["startDate"].(float64)
				id, _, _ := strings.Cut(name, "_")
				starts[id] = time.UnixMilli(int64(math.Round(sec * 1000)))
			}
			token, _ = out["nextToken"].(string)
			if token == "" {
				break
			}
		}
		found := 0
		for _, s := range samples {
			if _, ok := starts[s.eventID]; ok && s.eventID != "" {
				found++
			}
		}
		if found >= want || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Second)
	}
	fmt.Printf("measured window (sending): %s\n", sendWin)
	var e2e, ack []time.Duration
	missing := 0
	for _, s := range samples {
		if s.eventID == "" {
			continue
		}
		ack = append(ack, s.acked.Sub(s.sent))
		st, ok := starts[s.eventID]
		if !ok {
			missing++
			continue
		}
		// startDate has millisecond resolution: compare with the send
		// time truncated likewise.
		e2e = append(e2e, st.Sub(s.sent.Truncate(time.Millisecond)))
	}
	fmt.Printf("events measured: %d, executions not started within 60s: %d\n", len(ack), missing)
	fmt.Printf("PutEvents sent -> execution startDate (ms resolution): %s\n", quantiles(e2e))
	fmt.Printf("PutEvents request latency:                            %s\n", quantiles(ack))
	fmt.Printf("%s\n", memory())
	return nil
}

// --- ingest -------------------------------------------------------------------

func runIngest() error {
	b, err := start(server.Config{})
	if err != nil {
		return err
	}
	defer b.stop()
	if err := b.createDestination(); err != nil {
		return err
	}
	if err := createRules(b, *rules, "$.detail"); err != nil {
		return err
	}
	// Each event matches exactly one rule: detail.kind cycles over them.
	var delivered atomic.Int64
	b.tgt.onRequest(func([]byte, time.Time) { delivered.Add(1) })
	var seq atomic.Int64
	var measuring, stop atomic.Bool
	var accepted atomic.Int64
	var errs atomic.Int64
	var firstErr atomic.Value
	lats := make([][]time.Duration, *clients)
	var wg sync.WaitGroup
	for w := 0; w < *clients; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var body bytes.Buffer
			for !stop.Load() {
				body.Reset()
				body.WriteString(`{"Entries":[`)
				for j := 0; j < *batch; j++ {
					if j > 0 {
						body.WriteByte(',')
					}
					i := seq.Add(1)
					fmt.Fprintf(&body, `{"Source":"bench.ingest","DetailType":"order","Detail":"{\"kind\":\"k%d\",\"seq\":%d,\"customer\":\"c-42\",\"amount\":1999}"}`, i%int64(*rules), i)
				}
				body.WriteString(`]}`)
				t := time.Now()
				_, err := b.api.putEvents(body.Bytes())
				d := time.Since(t)
				if err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					time.Sleep(10 * time.Millisecond)
					continue
				}
				if measuring.Load() {
					accepted.Add(int64(*batch))
					lats[w] = append(lats[w], d)
				}
			}
		}()
	}
	fmt.Printf("%d clients, %d entries per request, %d rules, for %v after a %v warm-up\n", *clients, *batch, *rules, *duration, *warmup)
	time.Sleep(*warmup)
	d0 := delivered.Load()
	win := startWindow()
	measuring.Store(true)
	time.Sleep(*duration)
	measuring.Store(false)
	elapsed := time.Since(win.wall)
	d1 := delivered.Load()
	winText := win.String()
	stop.Store(true)
	wg.Wait()
	sent := seq.Load()
	var all []time.Duration
	for _, l := range lats {
		all = append(all, l...)
	}
	fmt.Printf("measured window: %s\n", winText)
	if errs.Load() > 0 {
		fmt.Printf("PutEvents errors: %d (first: %v)\n", errs.Load(), firstErr.Load())
	}
	fmt.Printf("accepted (durable): %.0f events/s (%.0f requests/s)\n", float64(accepted.Load())/elapsed.Seconds(), float64(len(all))/elapsed.Seconds())
	fmt.Printf("delivered to the target in the window: %.0f events/s\n", float64(d1-d0)/elapsed.Seconds())
	fmt.Printf("PutEvents request latency: %s\n", quantiles(all))
	t := time.Now()
	for delivered.Load() < sent && time.Since(t) < 5*time.Minute {
		time.Sleep(100 * time.Millisecond)
	}
	fmt.Printf("backlog: all %d events delivered %v after the load stopped (delivered %d)\n", sent, time.Since(t).Round(100*time.Millisecond), delivered.Load())
	fmt.Printf("%s\n", memory())
	return nil
}

// createRules creates n rules r0..r(n-1), rule i matching events whose
// detail.kind is "k<i>", each with the API destination as target.
func createRules(b *bench, n int, inputPath string) error {
	return parallel(n, *clients, func(i int) error {
		p := fmt.Sprintf(`{"source":["bench.ingest","bench.rules"],"detail":{"kind":["k%d"]}}`, i)
		return b.putRule(fmt.Sprintf("r%d", i), map[string]any{"EventPattern": p}, b.dest, inputPath)
	})
}

// parallel runs f(0..n-1) on c goroutines and returns the first error.
func parallel(n, c int, f func(i int) error) error {
	var next atomic.Int64
	var first error
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < c; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := f(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}

// --- schedules ----------------------------------------------------------------

// fire is one durable fire of a scheduled rule.
type fire struct {
	rule           string
	nominal, fired time.Time
}

// arrival is one scheduled event received by the target.
type arrival struct {
	rule string
	time string // the event's time field, to the second
	at   time.Time
}

func runSchedules() error {
	var mu sync.Mutex
	var fires []fire
	observe := func(rule string, nominal, fired time.Time) {
		mu.Lock()
		fires = append(fires, fire{rule, nominal, fired})
		mu.Unlock()
	}
	b, err := start(server.Config{ScheduleObserver: observe})
	if err != nil {
		return err
	}
	defer b.stop()
	if err := b.createDestination(); err != nil {
		return err
	}
	var arrivals []arrival
	b.tgt.onRequest(func(body []byte, at time.Time) {
		var ev struct {
			Time      string
			Resources []string
		}
		if json.Unmarshal(body, &ev) != nil || len(ev.Resources) == 0 {
			return
		}
		mu.Lock()
		arrivals = append(arrivals, arrival{ev.Resources[0], ev.Time, at})
		mu.Unlock()
	})
	fmt.Printf("before creating rules: %s\n", memory())
	// The drift rules come first, so that they run for the whole program.
	driftStart := time.Now()
	drift := map[string]time.Duration{}
	for _, d := range []struct {
		name string
		p    time.Duration
	}{{"drift-1s", time.Second}, {"drift-10s", 10 * time.Second}} {
		expr := fmt.Sprintf("rate(%d seconds)", int(d.p.Seconds()))
		if d.p == time.Second {
			expr = "rate(1 second)"
		}
		if err := b.putRule(d.name, map[string]any{"ScheduleExpression": expr}, b.dest, ""); err != nil {
			return err
		}
		drift["arn:aws:events:us-east-1:000000000000:rule/"+d.name] = d.p
	}
	created := startWindow()
	tgt := ""
	if *schedTargets {
		tgt = b.dest
	}
	err = parallel(*schedules, *clients, func(i int) error {
		name := fmt.Sprintf("s%d", i)
		if tgt == "" {
			_, err := b.api.call("AWSEvents", "PutRule", map[string]any{"Name": name, "ScheduleExpression": *expr})
			return err
		}
		return b.putRule(name, map[string]any{"ScheduleExpression": *expr}, tgt, "")
	})
	if err != nil {
		return err
	}
	fmt.Printf("created %d rules with %s (targets: %v): %s\n", *schedules, *expr, *schedTargets, created)
	fmt.Printf("with %d schedules: %s\n", *schedules, memory())
	measureFrom := time.Now()
	win := startWindow()
	fmt.Printf("measuring fires for %v\n", *duration)
	time.Sleep(*duration)
	fmt.Printf("measured window: %s\n", win)
	measureTo := time.Now()
	time.Sleep(2 * time.Second) // let the last fires' deliveries arrive
	mu.Lock()
	defer mu.Unlock()

	// Lateness of the fires whose nominal time is inside the window.
	var late []time.Duration
	nominalOf := map[string]map[string]time.Time{} // rule -> event time (second) -> nominal
	for _, f := range fires {
		sec := f.nominal.UTC().Format("2006-01-02T15:04:05Z")
		m := nominalOf[f.rule]
		if m == nil {
			m = map[string]time.Time{}
			nominalOf[f.rule] = m
		}
		m[sec] = f.nominal
		if _, isDrift := drift[f.rule]; isDrift || f.nominal.Before(measureFrom) || f.nominal.After(measureTo) {
			continue
		}
		late = append(late, f.fired.Sub(f.nominal))
	}
	fmt.Printf("fire lateness (durable fire - nominal), %d schedules, fires with nominal times in the window:\n  %s\n", *schedules, quantiles(late))
	if *schedTargets {
		var at []time.Duration
		unmatched := 0
		for _, a := range arrivals {
			if _, isDrift := drift[a.rule]; isDrift {
				continue
			}
			nom, ok := nominalOf[a.rule][a.time]
			if !ok {
				unmatched++
				continue
			}
			if nom.Before(measureFrom) || nom.After(measureTo) {
				continue
			}
			at = append(at, a.at.Sub(nom))
		}
		fmt.Printf("scheduled event at the target - nominal:\n  %s (%d arrivals not matched to a fire)\n", quantiles(at), unmatched)
	}

	// Drift: consecutive nominal times of each drift rule differ by
	// exactly one period, and fire k is at first + k·period.
	for rule, p := range drift {
		var ns, fs []time.Time
		for _, f := range fires {
			if f.rule == rule {
				ns, fs = append(ns, f.nominal), append(fs, f.fired)
			}
		}
		if len(ns) == 0 {
			fmt.Printf("drift %s: no fires\n", rule)
			continue
		}
		var maxNom, maxFire time.Duration
		gaps, dups := 0, 0
		for i := range ns {
			k := int64(math.Round(float64(ns[i].Sub(ns[0])) / float64(p)))
			grid := ns[0].Add(time.Duration(k) * p)
			if d := absDur(ns[i].Sub(grid)); d > maxNom {
				maxNom = d
			}
			if d := absDur(fs[i].Sub(grid)); d > maxFire {
				maxFire = d
			}
			if i > 0 {
				switch step := ns[i].Sub(ns[i-1]); {
				case step == 0:
					dups++
				case step != p:
					gaps++
				}
			}
		}
		span := ns[len(ns)-1].Sub(ns[0])
		fmt.Printf("drift %s (period %v): %d fires over %v (rule created %v before the first); nominal times off the grid first+k*period by at most %v; "+
			"steps other than one period: %d, repeated nominal times: %d; actual fire times off the grid by at most %v; "+
			"expected fires %d\n", strings.TrimPrefix(rule, "arn:aws:events:us-east-1:000000000000:rule/"), p, len(ns), span.Round(time.Millisecond),
			ns[0].Sub(driftStart).Round(time.Millisecond), maxNom, gaps, dups, maxFire.Round(time.Microsecond), int(span/p)+1)
	}
	return nil
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// --- rules --------------------------------------------------------------------

func runRules() error {
	b, err := start(server.Config{})
	if err != nil {
		return err
	}
	defer b.stop()
	if err := b.createDestination(); err != nil {
		return err
	}
	fmt.Printf("before creating rules: %s\n", memory())
	win := startWindow()
	if err := createRules(b, *rules, "$.detail"); err != nil {
		return err
	}
	fmt.Printf("created %d event-pattern rules with one target each: %s\n", *rules, win)
	fmt.Printf("with %d rules: %s\n", *rules, memory())
	// PutEvents latency with that many rules: one request at a time, one
	// entry matching one rule.
	var delivered atomic.Int64
	b.tgt.onRequest(func([]byte, time.Time) { delivered.Add(1) })
	const n = 2000
	var lats []time.Duration
	win = startWindow()
	for i := 0; i < n; i++ {
		body := fmt.Sprintf(`{"Entries":[{"Source":"bench.rules","DetailType":"t","Detail":"{\"kind\":\"k%d\"}"}]}`, i%*rules)
		t := time.Now()
		if _, err := b.api.putEvents([]byte(body)); err != nil {
			return err
		}
		lats = append(lats, time.Since(t))
	}
	fmt.Printf("%d sequential PutEvents (1 entry, matching 1 of %d rules): %s\n  %s\n", n, *rules, win, quantiles(lats))
	deadline := time.Now().Add(30 * time.Second)
	for delivered.Load() < n && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if delivered.Load() < n {
		return errors.New("not every event was delivered within 30s")
	}
	return nil
}
