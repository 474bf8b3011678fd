// Command temporal runs the Temporal side of the three-step workflow
// comparison in docs/benchmarks.md: an in-process Temporal server
// (go.temporal.io/server/temporaltest, SQLite in memory, as the Temporal
// dev server uses), a worker, and a workflow of three activities that each
// raise a counter in its input, run one at a time (latency, start to
// result) and 16 at a time (throughput). It is a separate module so that
// Sluice does not depend on Temporal.
//
// Usage: go run . -n 300
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"go.temporal.io/server/temporaltest"
)

// Order is the workflow's data, as in the Sluice benchmark.
type Order struct {
	Order int `json:"order"`
	Steps int `json:"steps"`
}

// Step is the activity: it raises the step counter.
func Step(_ context.Context, o Order) (Order, error) {
	o.Steps++
	return o, nil
}

// ThreeSteps runs Step three times in turn.
func ThreeSteps(ctx workflow.Context, o Order) (Order, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second})
	for i := 0; i < 3; i++ {
		if err := workflow.ExecuteActivity(ctx, Step, o).Get(ctx, &o); err != nil {
			return o, err
		}
	}
	return o, nil
}

func main() {
	n := flag.Int("n", 300, "workflows per measurement")
	flag.Parse()
	ts := temporaltest.NewServer()
	defer ts.Stop()
	ts.NewWorker("bench", func(r worker.Registry) {
		r.RegisterWorkflow(ThreeSteps)
		r.RegisterActivity(Step)
	})
	c := ts.GetDefaultClient()
	run := func() error {
		wr, err := c.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{TaskQueue: "bench"}, ThreeSteps, Order{Order: 1})
		if err != nil {
			return err
		}
		var out Order
		if err := wr.Get(context.Background(), &out); err != nil {
			return err
		}
		if out.Steps != 3 {
			return fmt.Errorf("steps %d", out.Steps)
		}
		return nil
	}
	for i := 0; i < 5; i++ { // warm up
		if err := run(); err != nil {
			log.Fatal(err)
		}
	}
	lat := make([]time.Duration, 0, *n)
	for i := 0; i < *n; i++ {
		t := time.Now()
		if err := run(); err != nil {
			log.Fatal(err)
		}
		lat = append(lat, time.Since(t))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	fmt.Printf("temporal latency: p50 %.2f ms, p99 %.2f ms (%d workflows, one at a time)\n",
		float64(lat[len(lat)/2].Microseconds())/1000, float64(lat[len(lat)*99/100].Microseconds())/1000, *n)
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(*n) {
				if err := run(); err != nil {
					log.Print(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	fmt.Printf("temporal throughput: %.1f workflows/s (%d workflows, 16 in flight)\n", float64(*n)/time.Since(start).Seconds(), *n)
}
