// Command timers measures Wait-timer accuracy and restart time with many
// waiting executions, on an in-process Sluice server with its real
// (fsync'd) store:
//
//  1. start N executions of a Wait state whose TimestampPath due times are
//     spread evenly over a window starting after all are started;
//  2. measure the server's resident memory while they all wait;
//  3. stop the server and measure how long a new one takes to start on
//     the same data (N executions and N pending timers);
//  4. let the timers fire and report how late each reached its execution
//     (histogram, p50/p99/max), and check all N succeeded.
//
// Usage: go run ./bench/timers [-n 100000] [-window 60s]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sluice-run/sluice/internal/server"
)

func main() {
	n := flag.Int("n", 100000, "executions")
	window := flag.Duration("window", 60*time.Second, "span over which the due times are spread")
	clients := flag.Int("c", 32, "concurrent clients while starting")
	flag.Parse()
	dir, err := os.MkdirTemp("", "sluice-timers-")
	check(err)
	defer os.RemoveAll(dir)

	var mu sync.Mutex
	var late []time.Duration
	observe := func(d time.Duration) { mu.Lock(); late = append(late, d); mu.Unlock() }
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := server.Config{Addr: "127.0.0.1:0", DataDir: dir, Logger: quiet, TimerObserver: observe}
	srv, err := server.New(context.Background(), cfg)
	check(err)
	check(srv.Start())
	c := &client{url: srv.URL(), hc: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}}
	def := `{"StartAt":"W","States":{"W":{"Type":"Wait","TimestampPath":"$.due","Next":"P"},"P":{"Type":"Pass","End":true}}}`
	c.must("CreateStateMachine", fmt.Sprintf(`{"name":"wait","roleArn":"arn:aws:iam::000000000000:role/r","definition":%q}`, def))
	sm := "arn:aws:states:us-east-1:000000000000:stateMachine:wait"

	// Due times start once every execution is surely started: estimate
	// from a quick sample of the start rate.
	loadStart := time.Now()
	est := time.Duration(float64(*n)/1500*float64(time.Second)) + 30*time.Second
	first := loadStart.Add(est)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < *clients; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(*n) {
					return
				}
				due := first.Add(time.Duration(float64(*window) * float64(i) / float64(*n))).UTC().Format("2006-01-02T15:04:05.000Z")
				c.must("StartExecution", fmt.Sprintf(`{"stateMachineArn":%q,"name":"e%d","input":"{\"due\":\"%s\"}"}`, sm, i, due))
			}
		}()
	}
	wg.Wait()
	loaded := time.Since(loadStart)
	fmt.Printf("started %d executions in %v (%.0f/s); first due in %v\n", *n, loaded.Round(time.Millisecond),
		float64(*n)/loaded.Seconds(), time.Until(first).Round(time.Second))
	if time.Now().After(first) {
		fmt.Println("WARNING: loading took longer than estimated; early timers fire late by construction")
	}
	fmt.Printf("RSS while %d executions wait: %.1f MiB\n", *n, rssMiB())

	// Restart with everything waiting.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	check(srv.Shutdown(ctx))
	cancel()
	t0 := time.Now()
	srv, err = server.New(context.Background(), cfg)
	check(err)
	check(srv.Start())
	restart := time.Since(t0)
	fmt.Printf("restart with %d executions and %d pending timers in the store: %v\n", *n, *n, restart.Round(time.Millisecond))
	fmt.Printf("RSS after restart: %.1f MiB\n", rssMiB())
	c.url = srv.URL()

	// Wait for all timers.
	for {
		mu.Lock()
		got := len(late)
		mu.Unlock()
		if got >= *n {
			break
		}
		if time.Since(first) > *window+2*time.Minute {
			fmt.Printf("only %d of %d timers fired\n", got, *n)
			os.Exit(1)
		}
		time.Sleep(500 * time.Millisecond)
	}
	time.Sleep(2 * time.Second)
	mu.Lock()
	sort.Slice(late, func(i, j int) bool { return late[i] < late[j] })
	q := func(p float64) time.Duration { return late[int(p*float64(len(late)-1))] }
	fmt.Printf("timer lateness (due -> applied to its execution), %d timers over %v:\n", len(late), *window)
	fmt.Printf("  p50 %v  p90 %v  p99 %v  p99.9 %v  max %v\n", q(0.5).Round(10*time.Microsecond), q(0.9).Round(10*time.Microsecond),
		q(0.99).Round(10*time.Microsecond), q(0.999).Round(10*time.Microsecond), late[len(late)-1].Round(10*time.Microsecond))
	buckets := []time.Duration{time.Millisecond, 2 * time.Millisecond, 5 * time.Millisecond, 10 * time.Millisecond, 25 * time.Millisecond, 100 * time.Millisecond, time.Second}
	j := 0
	for _, b := range buckets {
		for j < len(late) && late[j] <= b {
			j++
		}
		fmt.Printf("  <= %-6v %6.2f%%\n", b, 100*float64(j)/float64(len(late)))
	}
	mu.Unlock()
	succeeded := c.count(sm)
	fmt.Printf("succeeded: %d of %d\n", succeeded, *n)
	ctx, cancel = context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	check(srv.Shutdown(ctx))
}

type client struct {
	url string
	hc  *http.Client
}

func (c *client) call(op, body string) (string, error) {
	req, _ := http.NewRequest(http.MethodPost, c.url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "AWSStepFunctions."+op)
	resp, err := c.hc.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return "", fmt.Errorf("%s: %d %s", op, resp.StatusCode, b)
	}
	return string(b), err
}

func (c *client) must(op, body string) string {
	out, err := c.call(op, body)
	check(err)
	return out
}

// count pages through ListExecutions with status SUCCEEDED.
func (c *client) count(sm string) int {
	n, token := 0, ""
	for {
		body := fmt.Sprintf(`{"stateMachineArn":%q,"statusFilter":"SUCCEEDED","maxResults":1000%s}`, sm, tokenArg(token))
		out := c.must("ListExecutions", body)
		n += strings.Count(out, `"executionArn"`)
		i := strings.Index(out, `"nextToken":"`)
		if i < 0 {
			return n
		}
		rest := out[i+len(`"nextToken":"`):]
		token = rest[:strings.IndexByte(rest, '"')]
	}
}

func tokenArg(t string) string {
	if t == "" {
		return ""
	}
	return fmt.Sprintf(`,"nextToken":%q`, t)
}

func rssMiB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(line, "VmRSS:")), "%f", &kb)
			return kb / 1024
		}
	}
	return 0
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "timers:", err)
		os.Exit(1)
	}
}
