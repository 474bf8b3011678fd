// Package timer fires many durable timers on time: those due within a
// horizon are kept in a min-heap served by one goroutine; later ones stay
// in the store until a loader brings them in. The runtime uses it for
// executions' timers, the event bus for delivery retries and schedules.
package timer

import (
	"container/heap"
	"context"
	"sync"
	"time"
)

// timerService fires durable timers on time. Timers due within the
// horizon are kept in a min-heap (about a hundred bytes each); one
// goroutine sleeps until the earliest is due. Timers further out (such as
// every execution's one-year limit) stay only in the store's pending
// index, from which a loader brings them into the heap as their time
// approaches.
type Service struct {
	mu      sync.Mutex
	h       timerHeap
	byKey   map[Key]*timerEntry
	wake    chan struct{}
	fire    func(owner, id string, due time.Time)
	observe func(late time.Duration)
	horizon time.Duration
}

// Horizon is how far ahead timers are held in memory by default.
const Horizon = 10 * time.Minute

// Key identifies a timer: an owner (an execution ARN, a rule) and a name
// within it.
type Key struct{ Owner, ID string }

type timerEntry struct {
	key   Key
	due   time.Time
	index int
}

type timerHeap []*timerEntry

func (h timerHeap) Len() int           { return len(h) }
func (h timerHeap) Less(i, j int) bool { return h[i].due.Before(h[j].due) }
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *timerHeap) Push(v any) {
	t := v.(*timerEntry)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	t.index = -1
	return t
}

// New returns a timer service that calls fire for each due timer, from
// its own goroutine (fire must not block for long), and observe with the
// lateness of each firing when observe is not nil.
func New(fire func(owner, id string, due time.Time), observe func(late time.Duration)) *Service {
	return &Service{byKey: map[Key]*timerEntry{}, wake: make(chan struct{}, 1), fire: fire, observe: observe, horizon: Horizon}
}

// SetHorizon changes how far ahead timers are held in memory (for tests).
func (ts *Service) SetHorizon(d time.Duration) { ts.horizon = d }

// Add arms (or moves) a timer. A timer beyond the horizon is left to the
// loader.
func (ts *Service) Add(arn, id string, due time.Time) {
	ts.mu.Lock()
	k := Key{arn, id}
	far := due.After(time.Now().Add(ts.horizon))
	if t := ts.byKey[k]; t != nil {
		if far {
			ts.removeLocked(t)
			ts.mu.Unlock()
			return
		}
		t.due = due
		heap.Fix(&ts.h, t.index)
	} else {
		if far {
			ts.mu.Unlock()
			return
		}
		t := &timerEntry{key: k, due: due}
		heap.Push(&ts.h, t)
		ts.byKey[k] = t
	}
	first := ts.h[0].key == k
	ts.mu.Unlock()
	if first {
		ts.poke()
	}
}

func (ts *Service) poke() {
	select {
	case ts.wake <- struct{}{}:
	default:
	}
}

func (ts *Service) removeLocked(t *timerEntry) {
	if t.index >= 0 {
		heap.Remove(&ts.h, t.index)
	}
	delete(ts.byKey, t.key)
}

// Remove disarms a timer.
func (ts *Service) Remove(arn, id string) {
	ts.mu.Lock()
	if t := ts.byKey[Key{arn, id}]; t != nil {
		ts.removeLocked(t)
	}
	ts.mu.Unlock()
}

// RemoveAll disarms the given timers of an execution.
func (ts *Service) RemoveAll(arn string, ids []string) {
	ts.mu.Lock()
	for _, id := range ids {
		if t := ts.byKey[Key{arn, id}]; t != nil {
			ts.removeLocked(t)
		}
	}
	ts.mu.Unlock()
}

// LoadLoop brings the stored timers due within the horizon into the heap
// every half horizon, until ctx ends. list returns the stored timers due
// by before.
func (ts *Service) LoadLoop(ctx context.Context, list func(ctx context.Context, before time.Time) ([]Key, []time.Time, error), logErr func(error)) {
	tick := time.NewTicker(ts.horizon / 2)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		keys, dues, err := list(ctx, time.Now().Add(ts.horizon))
		if err != nil {
			if ctx.Err() == nil {
				logErr(err)
			}
			continue
		}
		for i, k := range keys {
			ts.Add(k.Owner, k.ID, dues[i])
		}
	}
}

// Len returns the number of armed timers.
func (ts *Service) Len() int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return len(ts.h)
}

// Run fires timers until ctx ends.
func (ts *Service) Run(ctx context.Context) {
	tm := time.NewTimer(time.Hour)
	defer tm.Stop()
	for {
		ts.mu.Lock()
		now := time.Now()
		var due []*timerEntry
		for len(ts.h) > 0 && !ts.h[0].due.After(now) {
			t := heap.Pop(&ts.h).(*timerEntry)
			ts.removeLocked(t)
			due = append(due, t)
		}
		wait := time.Hour
		if len(ts.h) > 0 {
			wait = time.Until(ts.h[0].due)
		}
		ts.mu.Unlock()
		for _, t := range due {
			if ts.observe != nil {
				ts.observe(now.Sub(t.due))
			}
			ts.fire(t.key.Owner, t.key.ID, t.due)
		}
		if len(due) > 0 {
			continue
		}
		tm.Reset(wait)
		select {
		case <-ctx.Done():
			return
		case <-ts.wake:
			if !tm.Stop() {
				select {
				case <-tm.C:
				default:
				}
			}
		case <-tm.C:
		}
	}
}
