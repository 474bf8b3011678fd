// Package runtime is the durable driver of the interpreter: it starts
// executions, feeds them task results, timer firings, callbacks and stop
// requests, writes each step to the store before anyone can observe it,
// and carries out the interpreter's commands (dispatch tasks, arm timers,
// run Map Runs). After a crash it rebuilds running executions by replaying
// their journaled inputs.
//
// Executions are partitioned over shards, goroutines that each own a set
// of executions and process their inputs one at a time, so an execution
// is never advanced concurrently. Idle executions are evicted from memory;
// only the pending index (timers, tasks) stays loaded.
package runtime

import (
	"container/list"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/sluice-run/sluice/internal/asl"
	"github.com/sluice-run/sluice/internal/store"
	"github.com/sluice-run/sluice/internal/timer"
)

// EngineVersion is recorded with each execution; it changes when the
// interpreter's behaviour changes in a way that alters replays.
const EngineVersion = 1

// Errors the engine returns.
var (
	// ErrExecutionExists: an execution with that name exists and its
	// input differs (or it is no longer running).
	ErrExecutionExists = errors.New("execution already exists")
	// ErrExecutionNotFound: no such execution.
	ErrExecutionNotFound = errors.New("execution does not exist")
	// ErrNotRunning: the execution has ended.
	ErrNotRunning = errors.New("execution is not running")
	// ErrInvalidToken: a task token that Sluice did not issue.
	ErrInvalidToken = errors.New("invalid task token")
	// ErrTaskGone: the token's task is no longer awaited.
	ErrTaskGone = errors.New("task does not exist anymore")
	// ErrClosed: the engine is shutting down.
	ErrClosed = errors.New("engine is shutting down")
)

// Config configures an Engine.
type Config struct {
	Store     store.Store
	Resources *Resources
	Region    string
	Account   string
	// Shards is the number of execution shards (default 64).
	Shards int
	// MaxLive bounds the executions kept in memory per shard (default 512).
	MaxLive int
	// Now returns the current time; default time.Now.
	Now    func() time.Time
	Logger *slog.Logger
	// TimerObserver, when set, is told how late each timer firing reached
	// its execution (for benchmarks).
	TimerObserver func(late time.Duration)
}

// Engine runs durable executions.
type Engine struct {
	cfg    Config
	st     store.Store
	now    func() time.Time
	log    *slog.Logger
	secret []byte

	shards []*shard
	timers *timer.Service
	acts   *activityQueues
	runs   *mapRuns

	defMu sync.Mutex
	defs  map[string]*asl.Definition

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup // dispatch goroutines and background work

	Metrics *Metrics

	quit      chan struct{}
	closeOnce sync.Once
}

// New opens an engine on cfg.Store and recovers running executions.
func New(ctx context.Context, cfg Config) (*Engine, error) {
	if cfg.Store == nil {
		return nil, errors.New("runtime: no store")
	}
	if cfg.Shards <= 0 {
		cfg.Shards = 64
	}
	if cfg.MaxLive <= 0 {
		cfg.MaxLive = 512
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Resources == nil {
		cfg.Resources = &Resources{}
	}
	e := &Engine{
		cfg: cfg, st: cfg.Store, now: func() time.Time { return cfg.Now().UTC() }, log: cfg.Logger,
		defs:    map[string]*asl.Definition{},
		acts:    newActivityQueues(),
		Metrics: newMetrics(),
	}
	e.runs = newMapRuns(e)
	e.ctx, e.cancel = context.WithCancel(context.Background())
	e.quit = make(chan struct{})
	secret, err := e.loadSecret(ctx)
	if err != nil {
		return nil, err
	}
	e.secret = secret
	e.timers = timer.New(e.fireTimer, func(late time.Duration) { e.Metrics.timerLateness.observe(late.Seconds()) })
	for i := 0; i < cfg.Shards; i++ {
		s := &shard{e: e, jobs: make(chan func(*shard), 1024), live: map[string]*live{}, lru: list.New(),
			completions: make(chan *completion, 4096), wake: make(chan struct{}, 1)}
		e.shards = append(e.shards, s)
		go s.loop()
		go s.completer()
	}
	if err := e.recover(ctx); err != nil {
		e.Close(context.Background())
		return nil, err
	}
	go e.timers.Run(e.ctx)
	go e.timers.LoadLoop(e.ctx, e.dueTimers, func(err error) { e.log.Error("load timers", "err", err) })
	return e, nil
}

// Close stops accepting work, waits for in-flight steps to be written and
// for dispatched handlers to notice cancellation, up to ctx.
func (e *Engine) Close(ctx context.Context) error {
	if e.ctx.Err() != nil {
		return nil
	}
	e.cancel()
	for _, s := range e.shards {
		s.barrier(ctx)
	}
	waited := make(chan struct{})
	go func() { e.wg.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-ctx.Done():
	}
	e.closeOnce.Do(func() { close(e.quit) })
	return nil
}

func (e *Engine) loadSecret(ctx context.Context) ([]byte, error) {
	r, err := e.st.GetRecord(ctx, "engine", "token-secret")
	if err == nil {
		return r.Data, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("runtime: load token secret: %w", err)
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	if _, err := e.st.PutRecord(ctx, store.Record{Kind: "engine", Key: "token-secret", Data: b, Created: e.now()}, 0); err != nil {
		if errors.Is(err, store.ErrExists) {
			return e.loadSecret(ctx)
		}
		return nil, fmt.Errorf("runtime: save token secret: %w", err)
	}
	return b, nil
}

// Resources returns the task handlers.
func (e *Engine) Resources() *Resources { return e.cfg.Resources }

// Store returns the engine's store.
func (e *Engine) Store() store.Store { return e.st }

// Now returns the engine's current time.
func (e *Engine) Now() time.Time { return e.now() }

// Definition returns the parsed definition stored under key, caching it.
func (e *Engine) Definition(ctx context.Context, key string) (*asl.Definition, error) {
	e.defMu.Lock()
	d := e.defs[key]
	e.defMu.Unlock()
	if d != nil {
		return d, nil
	}
	if base, pointer, ok := strings.Cut(key, "#"); ok {
		parent, err := e.Definition(ctx, base)
		if err != nil {
			return nil, err
		}
		d = subDefinition(parent, pointer)
		if d == nil {
			return nil, fmt.Errorf("runtime: definition %s has no state machine at %s", base, pointer)
		}
	} else {
		r, err := e.st.GetRecord(ctx, "definition", key)
		if err != nil {
			return nil, fmt.Errorf("runtime: load definition %s: %w", key, err)
		}
		var diags asl.Diagnostics
		d, diags = asl.Parse(r.Data)
		if d == nil {
			return nil, fmt.Errorf("runtime: stored definition %s no longer parses: %s", key, diags.Error())
		}
	}
	e.defMu.Lock()
	e.defs[key] = d
	e.defMu.Unlock()
	return d, nil
}

// shardFor returns the shard that owns an execution.
func (e *Engine) shardFor(arn string) *shard {
	h := fnv.New32a()
	h.Write([]byte(arn))
	return e.shards[h.Sum32()%uint32(len(e.shards))]
}

// do runs fn on the execution's shard and waits for it, and for the write
// it submitted, if any, to be on disk.
func (e *Engine) do(ctx context.Context, arn string, fn func(s *shard) error) error {
	if e.ctx.Err() != nil {
		return ErrClosed
	}
	done := make(chan error, 1)
	job := func(s *shard) {
		s.current = nil
		err := fn(s)
		c := s.current
		s.current = nil
		if err != nil || c == nil {
			done <- err
			return
		}
		go func() {
			<-c.done
			done <- c.err
		}()
	}
	s := e.shardFor(arn)
	select {
	case s.jobs <- job:
	case <-ctx.Done():
		return ctx.Err()
	case <-e.ctx.Done():
		return ErrClosed
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		// The job still runs; its result is durable or not on its own.
		return ctx.Err()
	}
}

// post runs fn on the execution's shard without waiting. It is used for
// inputs that arrive from timers and handlers.
func (e *Engine) post(arn string, fn func(s *shard)) {
	if e.ctx.Err() != nil {
		return
	}
	s := e.shardFor(arn)
	select {
	case s.jobs <- fn:
	default:
		// The shard is backed up; queue from a goroutine rather than block
		// the caller (which may be another shard).
		e.wg.Add(1)
		go func() {
			defer e.wg.Done()
			select {
			case s.jobs <- fn:
			case <-e.ctx.Done():
			}
		}()
	}
}

// shard owns a subset of executions.
type shard struct {
	e    *Engine
	jobs chan func(*shard)
	live map[string]*live
	lru  *list.List // of *live, most recently used at the front

	// current is the write the running job submitted.
	current *completion
	// completions are writes in flight, in submission order; the
	// completer moves them to doneList once durable.
	completions chan *completion
	doneMu      sync.Mutex
	doneList    []*completion
	wake        chan struct{}
}

func (s *shard) loop() {
	for {
		select {
		case job := <-s.jobs:
			s.drain()
			job(s)
		case <-s.wake:
			s.drain()
		case <-s.e.quit:
			return
		}
	}
}

// barrier waits until every write the shard submitted before it is on
// disk and its effects are done.
func (s *shard) barrier(ctx context.Context) {
	done := make(chan struct{})
	select {
	case s.jobs <- func(s *shard) {
		c := &completion{}
		s.submit(c)
		go func() { <-c.done; close(done) }()
	}:
	case <-ctx.Done():
		return
	}
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// touch marks l as recently used and evicts the least recently used idle
// executions beyond the limit.
func (s *shard) touch(l *live) {
	if l.elem == nil {
		l.elem = s.lru.PushFront(l)
	} else {
		s.lru.MoveToFront(l.elem)
	}
	for n := s.lru.Len(); n > s.e.cfg.MaxLive && n > 0; n-- {
		old := s.lru.Back().Value.(*live)
		if old.inflight > 0 {
			s.lru.MoveToFront(old.elem)
			continue
		}
		s.evict(old)
	}
}

func (s *shard) evict(l *live) {
	if l.inflight > 0 {
		return // its writes are not on disk yet; keep it
	}
	if l.elem != nil {
		s.lru.Remove(l.elem)
		l.elem = nil
	}
	delete(s.live, l.row.Arn)
}
