package lambda

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/sluice-run/sluice/internal/awsapi"
	"github.com/sluice-run/sluice/internal/store"
	"github.com/sluice-run/sluice/internal/timer"
)

// Asynchronous (Event) invocations are durable: an accepted event is a
// pending item in the store, fsync'd before Invoke answers 202, and a
// queue runs it when due. As in Lambda, a function error is retried twice,
// one and then two minutes later; an event that cannot be run (the
// runtime does not start) is retried with back-off; and events older than
// six hours are dropped. Sluice has no dead-letter queues or destinations
// for functions yet, so a dropped event is logged.

const (
	kindEvent       = "lambdaEvent"
	maxEventAge     = 6 * time.Hour
	maxEventRetries = 2
	asyncWorkers    = 64
)

// asyncItem is one queued event.
type asyncItem struct {
	Function      string    `json:"function"`
	Payload       []byte    `json:"payload"`
	ClientContext string    `json:"clientContext,omitempty"`
	Received      time.Time `json:"received"`
	// Retries counts retries after function errors; Failures counts
	// attempts that could not run the function at all.
	Retries  int `json:"retries,omitempty"`
	Failures int `json:"failures,omitempty"`
}

// asyncQueue runs queued events when due.
type asyncQueue struct {
	s     *Service
	ts    *timer.Service
	mu    sync.Mutex
	items map[string]*asyncItem
	sem   chan struct{}
	wg    sync.WaitGroup
	ctx   context.Context
	stop  context.CancelFunc
}

// startAsync loads the queued events and starts running them.
func (s *Service) startAsync() error {
	ctx, cancel := context.WithCancel(context.Background())
	q := &asyncQueue{s: s, items: map[string]*asyncItem{}, sem: make(chan struct{}, asyncWorkers), ctx: ctx, stop: cancel}
	q.ts = timer.New(q.fire, nil)
	keys, dues, err := q.load(ctx, time.Now().Add(timer.Horizon))
	if err != nil {
		cancel()
		return err
	}
	for i, k := range keys {
		q.ts.Add(k.Owner, k.ID, dues[i])
	}
	q.wg.Add(2)
	go func() { defer q.wg.Done(); q.ts.Run(ctx) }()
	go func() {
		defer q.wg.Done()
		q.ts.LoadLoop(ctx, q.load, func(err error) { s.log.Error("load queued function events", "err", err) })
	}()
	s.async = q
	return nil
}

// load reads the queued events due by before.
func (q *asyncQueue) load(ctx context.Context, before time.Time) ([]timer.Key, []time.Time, error) {
	ps, err := q.s.st.ListPendingBefore(ctx, kindEvent, before)
	if err != nil {
		return nil, nil, fmt.Errorf("lambda: load queued events: %w", err)
	}
	keys := make([]timer.Key, 0, len(ps))
	dues := make([]time.Time, 0, len(ps))
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, p := range ps {
		var it asyncItem
		if err := json.Unmarshal(p.Data, &it); err != nil {
			q.s.log.Error("queued function event unreadable", "key", p.Key, "err", err)
			continue
		}
		q.items[p.Key] = &it
		keys = append(keys, timer.Key{Owner: p.Exec, ID: p.Key})
		dues = append(dues, p.Due)
	}
	return keys, dues, nil
}

// enqueue stores an event durably and arms it; it returns the request id.
func (q *asyncQueue) enqueue(ctx context.Context, it *asyncItem, due time.Time) (string, error) {
	id := awsapi.NewRequestID()
	if err := q.put(ctx, id, it, due); err != nil {
		return "", err
	}
	return id, nil
}

// put stores (or re-stores) an event under id with a due time.
func (q *asyncQueue) put(ctx context.Context, id string, it *asyncItem, due time.Time) error {
	data, err := json.Marshal(it)
	if err != nil {
		return fmt.Errorf("lambda: encode queued event: %w", err)
	}
	p := store.Pending{Exec: it.Function, Kind: kindEvent, Key: id, Due: due, Data: data}
	if _, err := q.s.st.Commit(ctx, &store.Write{AddPending: []store.Pending{p}}); err != nil {
		return fmt.Errorf("lambda: queue event: %w", err)
	}
	q.mu.Lock()
	q.items[id] = it
	q.mu.Unlock()
	q.ts.Add(it.Function, id, due)
	return nil
}

// done removes an event from the queue.
func (q *asyncQueue) done(id string, it *asyncItem) {
	if _, err := q.s.st.Commit(q.ctx, &store.Write{RemovePending: []store.PendingKey{{Exec: it.Function, Kind: kindEvent, Key: id}}}); err != nil && q.ctx.Err() == nil {
		q.s.log.Error("remove queued function event", "function", it.Function, "id", id, "err", err)
	}
	q.mu.Lock()
	delete(q.items, id)
	q.mu.Unlock()
}

// fire runs a due event on a worker.
func (q *asyncQueue) fire(owner, id string, _ time.Time) {
	q.mu.Lock()
	it := q.items[id]
	q.mu.Unlock()
	if it == nil {
		return
	}
	q.wg.Add(1)
	go func() {
		defer q.wg.Done()
		select {
		case q.sem <- struct{}{}:
		case <-q.ctx.Done():
			return
		}
		defer func() { <-q.sem }()
		q.run(id, it)
	}()
}

// run makes one attempt at an event and decides what comes next.
func (q *asyncQueue) run(id string, it *asyncItem) {
	log := q.s.log.With("function", it.Function, "requestId", id)
	if time.Since(it.Received) > maxEventAge {
		log.Warn("dropping a function event older than six hours")
		q.done(id, it)
		return
	}
	out, err := q.s.Invoke(q.ctx, InvokeInput{FunctionName: it.Function, Payload: it.Payload, ClientContext: it.ClientContext})
	var le *lambdaError
	switch {
	case q.ctx.Err() != nil:
		// Shutting down: the event stays queued for the next start.
	case errors.As(err, &le) && le.status < 500:
		log.Warn("dropping a function event the function cannot take", "err", err)
		q.done(id, it)
	case err != nil:
		it.Failures++
		delay := min(time.Duration(1<<min(it.Failures, 9))*time.Second, 5*time.Minute)
		if perr := q.put(q.ctx, id, it, time.Now().Add(delay)); perr != nil && q.ctx.Err() == nil {
			log.Error("requeue function event", "err", perr)
		}
	case out.FunctionError != "" && it.Retries < maxEventRetries:
		it.Retries++
		if perr := q.put(q.ctx, id, it, time.Now().Add(time.Duration(it.Retries)*time.Minute)); perr != nil && q.ctx.Err() == nil {
			log.Error("requeue function event", "err", perr)
		}
	case out.FunctionError != "":
		log.Warn("function event failed after its retries", "errorType", out.ErrorType)
		q.done(id, it)
	default:
		q.done(id, it)
	}
}

// close stops the queue; queued events stay in the store.
func (q *asyncQueue) close(ctx context.Context) {
	q.stop()
	done := make(chan struct{})
	go func() { q.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// queued reports how many events are queued in memory (for tests).
func (q *asyncQueue) queued() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}
