package timer

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
	ts := New(func(arn, id string, due time.Time) {
		mu.Lock()
		fired[id] = time.Since(due)
		mu.Unlock()
	}, nil)
	ts.SetHorizon(200 * time.Millisecond)
	far := time.Now().Add(500 * time.Millisecond)
	near := time.Now().Add(50 * time.Millisecond)
	ts.Add("x", "far", far)
	ts.Add("x", "near", near)
	if ts.Len() != 1 {
		t.Fatalf("heap holds %d timers, want only the near one", ts.Len())
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go ts.Run(ctx)
	go ts.LoadLoop(ctx, func(ctx context.Context, before time.Time) ([]Key, []time.Time, error) {
		if far.After(before) {
			return nil, nil, nil
		}
		return []Key{{"x", "far"}}, []time.Time{far}, nil
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
