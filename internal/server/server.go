// Package server wires Sluice together behind one HTTP listener: the AWS
// APIs (Step Functions now; EventBridge, SNS and Lambda as they land), the
// health and readiness endpoints and Prometheus metrics. A Server is a
// library: tests start the real thing in-process on 127.0.0.1:0.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sluice-run/sluice/internal/awsapi"
	"github.com/sluice-run/sluice/internal/bus"
	"github.com/sluice-run/sluice/internal/deadletter"
	"github.com/sluice-run/sluice/internal/httptask"
	"github.com/sluice-run/sluice/internal/lambda"
	"github.com/sluice-run/sluice/internal/metrics"
	"github.com/sluice-run/sluice/internal/runtime"
	"github.com/sluice-run/sluice/internal/scheduler"
	"github.com/sluice-run/sluice/internal/sfn"
	"github.com/sluice-run/sluice/internal/store"
	"github.com/sluice-run/sluice/internal/store/sqlite"
)

// Config configures a Server.
type Config struct {
	// Addr is the listen address, such as 127.0.0.1:8750 or 127.0.0.1:0.
	Addr string
	// DataDir holds the embedded store.
	DataDir string
	// Account is the AWS account id in ARNs (default 000000000000).
	Account string
	// Region is the default region when a request names none.
	Region string
	// NoSync disables fsync; for benchmarks of what fsync costs only.
	NoSync bool
	Logger *slog.Logger
	// TimerObserver is passed to the engine (for benchmarks).
	TimerObserver func(late time.Duration)
	// ScheduleObserver is passed to the event buses (for benchmarks): it
	// sees each durable fire of a scheduled rule.
	ScheduleObserver func(ruleArn string, nominal, fired time.Time)
}

// Server is a running Sluice.
type Server struct {
	cfg      Config
	log      *slog.Logger
	st       store.Store
	engine   *runtime.Engine
	sfn      *sfn.Service
	bus      *bus.Service
	sched    *scheduler.Service
	lambda   *lambda.Service
	registry *metrics.Registry
	apiLat   *metrics.Histogram
	http     *http.Server
	ln       net.Listener
	ready    atomic.Bool
	done     chan struct{}
	stopOnce sync.Once
	stopErr  error
	lock     *os.File
}

func unlock(f *os.File) {
	if f != nil {
		f.Close()
	}
}

// New opens the store and the engine (recovering running executions).
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Account == "" {
		cfg.Account = awsapi.DefaultAccount
	}
	if cfg.Region == "" {
		cfg.Region = awsapi.DefaultRegion
	}
	if cfg.DataDir == "" {
		cfg.DataDir = "sluice-data"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	lock, err := lockDataDir(cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	st, err := sqlite.Open(filepath.Join(cfg.DataDir, "sluice.db"), sqlite.Options{NoSync: cfg.NoSync})
	if err != nil {
		unlock(lock)
		return nil, fmt.Errorf("server: open store: %w", err)
	}
	res := &runtime.Resources{}
	fns, err := lambda.New(lambda.Config{Store: st, Account: cfg.Account, Region: cfg.Region, Dir: filepath.Join(cfg.DataDir, "lambda"), Logger: cfg.Logger})
	if err != nil {
		st.Close()
		unlock(lock)
		return nil, fmt.Errorf("server: start functions: %w", err)
	}
	fns.Register(res)
	inv := &httptask.Invoker{Region: cfg.Region}
	res.Register("arn:aws:states:::http:invoke", func(ctx context.Context, t *runtime.Task) runtime.Result {
		out, fail := inv.Invoke(ctx, t.Request.Parameters)
		return runtime.Result{Output: out, Failure: fail}
	})
	eng, err := runtime.New(ctx, runtime.Config{Store: st, Resources: res, Region: cfg.Region, Account: cfg.Account, Logger: cfg.Logger,
		TimerObserver: cfg.TimerObserver})
	if err != nil {
		st.Close()
		unlock(lock)
		return nil, fmt.Errorf("server: start engine: %w", err)
	}
	s := &Server{lock: lock, cfg: cfg, log: cfg.Logger, st: st, engine: eng, lambda: fns, registry: &metrics.Registry{}, done: make(chan struct{})}
	s.sfn = sfn.New(st, eng, cfg.Account)
	s.sfn.Register(res)
	s.bus, err = bus.New(ctx, bus.Config{Store: st, Account: cfg.Account, Region: cfg.Region, Logger: cfg.Logger, StateMachines: s.sfn, Functions: fns,
		ScheduleObserver: cfg.ScheduleObserver})
	if err != nil {
		eng.Close(context.Background())
		st.Close()
		unlock(lock)
		return nil, fmt.Errorf("server: start event buses: %w", err)
	}
	inv.Connections = s.bus
	s.sched, err = scheduler.New(ctx, scheduler.Config{Store: st, Account: cfg.Account, Region: cfg.Region, Logger: cfg.Logger,
		StateMachines: s.sfn, Events: s.bus, Functions: fns})
	if err != nil {
		s.bus.Close(context.Background())
		eng.Close(context.Background())
		st.Close()
		unlock(lock)
		return nil, fmt.Errorf("server: start scheduler: %w", err)
	}
	s.bus.Metrics().Register(s.registry)
	s.apiLat = &metrics.Histogram{Name: "sluice_api_request_duration_seconds", Help: "API request latency by operation.",
		Label: "operation", Buckets: metrics.LatencyBuckets}
	s.registry.Register(s.apiLat)
	eng.Metrics.Register(s.registry)
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	return s, nil
}

// Start listens on the configured address and serves in the background.
func (s *Server) Start() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("server: listen on %s: %w", s.cfg.Addr, err)
	}
	s.ln = ln
	s.ready.Store(true)
	go func() {
		defer close(s.done)
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("serve", "err", err)
		}
	}()
	return nil
}

// Addr returns the address the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// URL returns the server's base URL.
func (s *Server) URL() string { return "http://" + s.Addr() }

// Engine returns the execution engine.
func (s *Server) Engine() *runtime.Engine { return s.engine }

// Shutdown stops accepting requests, lets in-flight requests and writes
// finish (up to ctx), and closes the store. Everything acknowledged is on
// disk; a restart resumes running executions.
func (s *Server) Shutdown(ctx context.Context) error {
	s.stopOnce.Do(func() { s.stopErr = s.shutdown(ctx) })
	return s.stopErr
}

func (s *Server) shutdown(ctx context.Context) error {
	s.ready.Store(false)
	var first error
	if s.ln != nil {
		if err := s.http.Shutdown(ctx); err != nil {
			first = err
		}
		<-s.done
	}
	if err := s.sched.Close(ctx); err != nil && first == nil {
		first = err
	}
	if err := s.bus.Close(ctx); err != nil && first == nil {
		first = err
	}
	if err := s.engine.Close(ctx); err != nil && first == nil {
		first = err
	}
	if err := s.lambda.Close(ctx); err != nil && first == nil {
		first = err
	}
	if err := s.st.Close(); err != nil && first == nil {
		first = err
	}
	unlock(s.lock)
	return first
}

// ServeHTTP routes a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/healthz", "/-/healthy":
		w.Write([]byte("ok\n"))
		return
	case "/readyz", "/-/ready":
		if !s.ready.Load() {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok\n"))
		return
	case "/metrics":
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		s.registry.WriteText(w)
		return
	case deadletter.Path:
		deadletter.Handler{Store: s.st}.ServeHTTP(w, r)
		return
	}
	if h, op := s.bus.IngestHandler(r.URL.Path); h != nil {
		start := time.Now()
		h(w, r)
		s.apiLat.Observe(op, time.Since(start).Seconds())
		return
	}
	if strings.HasPrefix(r.URL.Path, lambda.CodePath) {
		s.lambda.ServeCode(w, r)
		return
	}
	if op, ok := lambda.Route(r); ok {
		start := time.Now()
		s.lambda.ServeHTTP(w, r)
		s.apiLat.Observe(op, time.Since(start).Seconds())
		return
	}
	if op, ok := scheduler.Route(r); ok {
		start := time.Now()
		s.sched.ServeHTTP(w, r)
		s.apiLat.Observe(op, time.Since(start).Seconds())
		return
	}
	prefix, op := awsapi.Target(r)
	if r.Method == http.MethodPost && prefix == sfn.TargetPrefix {
		start := time.Now()
		s.sfn.ServeHTTP(w, r)
		s.apiLat.Observe(op, time.Since(start).Seconds())
		return
	}
	if r.Method == http.MethodPost && prefix == bus.TargetPrefix {
		start := time.Now()
		s.bus.ServeHTTP(w, r)
		s.apiLat.Observe(op, time.Since(start).Seconds())
		return
	}
	if r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-amz-json") {
		awsapi.JSONResponder{ContentType: r.Header.Get("Content-Type")}.Error(w,
			awsapi.Errorf("UnknownOperationException", "Sluice does not serve %s yet", r.Header.Get("X-Amz-Target")))
		return
	}
	http.NotFound(w, r)
}
