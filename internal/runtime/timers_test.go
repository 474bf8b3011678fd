package runtime

import (
	"context"
	"sync"
	"testing"
	"time"
)

// TestTimerHorizon checks that a timer beyond the horizon is not held in
// memory, is brought in by the loader, and fires.
func TestTimerHorizon(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	fired := map[string]time.Duration{}
	ts := newTimerService(func(arn, id string, due time.Time) {
		mu.Lock()
		fired[id] = time.Since(due)
		mu.Unlock()
	}, newMetrics())
	ts.horizon = 200 * time.Millisecond
	far := time.Now().Add(500 * time.Millisecond)
	near := time.Now().Add(50 * time.Millisecond)
	ts.add("x", "far", far)
	ts.add("x", "near", near)
	if ts.Len() != 1 {
		t.Fatalf("heap holds %d timers, want only the near one", ts.Len())
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go ts.run(ctx)
	go ts.loadLoop(ctx, func(ctx context.Context, before time.Time) ([]timerKey, []time.Time, error) {
		if far.After(before) {
			return nil, nil, nil
		}
		return []timerKey{{"x", "far"}}, []time.Time{far}, nil
	}, func(err error) { t.Error(err) })
	deadline := time.Now().Add(3 * time.Second)
	for {
		mu.Lock()
		n := len(fired)
		mu.Unlock()
		if n == 2 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("fired %v", fired)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
