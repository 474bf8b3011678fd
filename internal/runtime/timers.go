package runtime

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
type timerService struct {
	mu      sync.Mutex
	h       timerHeap
	byKey   map[timerKey]*timerEntry
	wake    chan struct{}
	fire    func(arn, id string, due time.Time)
	metrics *Metrics
	horizon time.Duration
}

// timerHorizon is how far ahead timers are held in memory.
const timerHorizon = 10 * time.Minute

type timerKey struct{ arn, id string }

type timerEntry struct {
	key   timerKey
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

func newTimerService(fire func(arn, id string, due time.Time), m *Metrics) *timerService {
	return &timerService{byKey: map[timerKey]*timerEntry{}, wake: make(chan struct{}, 1), fire: fire, metrics: m, horizon: timerHorizon}
}

// add arms (or moves) a timer. A timer beyond the horizon is left to the
// loader.
func (ts *timerService) add(arn, id string, due time.Time) {
	ts.mu.Lock()
	k := timerKey{arn, id}
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

func (ts *timerService) poke() {
	select {
	case ts.wake <- struct{}{}:
	default:
	}
}

func (ts *timerService) removeLocked(t *timerEntry) {
	if t.index >= 0 {
		heap.Remove(&ts.h, t.index)
	}
	delete(ts.byKey, t.key)
}

// remove disarms a timer.
func (ts *timerService) remove(arn, id string) {
	ts.mu.Lock()
	if t := ts.byKey[timerKey{arn, id}]; t != nil {
		ts.removeLocked(t)
	}
	ts.mu.Unlock()
}

// removeAll disarms the given timers of an execution.
func (ts *timerService) removeAll(arn string, ids []string) {
	ts.mu.Lock()
	for _, id := range ids {
		if t := ts.byKey[timerKey{arn, id}]; t != nil {
			ts.removeLocked(t)
		}
	}
	ts.mu.Unlock()
}

// load brings the stored timers due within the horizon into the heap,
// now and then every half horizon, until ctx ends.
func (ts *timerService) loadLoop(ctx context.Context, list func(ctx context.Context, before time.Time) ([]timerKey, []time.Time, error), logErr func(error)) {
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
			ts.add(k.arn, k.id, dues[i])
		}
	}
}

// Len returns the number of armed timers.
func (ts *timerService) Len() int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return len(ts.h)
}

// run fires timers until ctx ends.
func (ts *timerService) run(ctx context.Context) {
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
			ts.metrics.timerLateness.observe(now.Sub(t.due).Seconds())
			ts.fire(t.key.arn, t.key.id, t.due)
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
