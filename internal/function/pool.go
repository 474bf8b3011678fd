package function

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/sluice-run/sluice/internal/asl/intrinsic"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// CommandFunc returns the command line that starts an instance of a
// function: the runtime's bootstrap with its arguments.
type CommandFunc func(Config) ([]string, error)

// Pool runs the instances of one function.
type Pool struct {
	cfg     Config
	command CommandFunc
	logs    io.Writer

	mu      sync.Mutex
	idle    []*instance
	running int // instances started and not yet ended
	freed   chan struct{}
	closed  bool
	all     map[*instance]bool
}

// ErrClosed is returned by Invoke after Close.
var ErrClosed = errors.New("function pool closed")

// NewPool returns a pool for cfg whose instances run the command that
// command gives; their output goes to logs (nil discards it).
func NewPool(cfg Config, command CommandFunc, logs io.Writer) *Pool {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxInstances <= 0 {
		cfg.MaxInstances = 10
	}
	if cfg.Version == "" {
		cfg.Version = "$LATEST"
	}
	if cfg.MemoryMB <= 0 {
		cfg.MemoryMB = 128
	}
	if logs == nil {
		logs = io.Discard
	}
	return &Pool{cfg: cfg, command: command, logs: &syncWriter{w: logs}, freed: make(chan struct{}, 1), all: map[*instance]bool{}}
}

// Invoke runs one invocation: on an idle instance, on a new one while the
// function is under its instance limit, or on the first to come free. The
// returned error is for invocations that did not reach the function (a
// failure to start the runtime, ctx ending, a closed pool); the handler's
// own failures and timeouts are in the Result.
func (p *Pool) Invoke(ctx context.Context, req Request) (*Result, error) {
	if len(req.Payload) > MaxPayload {
		return nil, fmt.Errorf("request payload is %d bytes, more than the %d allowed", len(req.Payload), MaxPayload)
	}
	if len(req.Payload) == 0 {
		req.Payload = []byte("{}")
	}
	in, err := p.acquire(ctx)
	if err != nil {
		return nil, err
	}
	inv := &invocation{id: newID(), req: req, delivered: make(chan struct{}), done: make(chan outcome, 1)}
	var from int64
	if req.WantLogs {
		from = in.out.position()
	}
	o, err := in.send(ctx, inv)
	var logs []byte
	if req.WantLogs && err == nil {
		logs = in.out.since(from)
	}
	switch {
	case errors.Is(err, errInstanceGone):
		p.discard(in)
	case err != nil:
		// The caller gave up: the instance may be mid-handler, so it is
		// not reused.
		p.discard(in)
		return nil, err
	default:
		p.release(in)
	}
	r := &Result{RequestID: inv.id, Payload: o.body, Logs: logs}
	if o.failed {
		r.FunctionError = "Unhandled"
		r.ErrorType = o.errType
	}
	return r, nil
}

// acquire returns an instance for one invocation.
func (p *Pool) acquire(ctx context.Context) (*instance, error) {
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return nil, ErrClosed
		}
		if n := len(p.idle); n > 0 {
			in := p.idle[n-1]
			p.idle = p.idle[:n-1]
			p.mu.Unlock()
			select {
			case <-in.exited:
				// It ended while idle: replace it.
				p.discard(in)
				continue
			default:
				return in, nil
			}
		}
		if p.running < p.cfg.MaxInstances {
			p.running++
			p.mu.Unlock()
			in, err := p.start()
			if err != nil {
				p.mu.Lock()
				p.running--
				p.mu.Unlock()
				p.signal()
				return nil, err
			}
			p.mu.Lock()
			p.all[in] = true
			p.mu.Unlock()
			return in, nil
		}
		p.mu.Unlock()
		select {
		case <-p.freed:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// signal wakes one caller waiting for an instance.
func (p *Pool) signal() {
	select {
	case p.freed <- struct{}{}:
	default:
	}
}

// release returns a healthy instance to the idle list.
func (p *Pool) release(in *instance) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		p.discard(in)
		return
	}
	p.idle = append(p.idle, in)
	p.mu.Unlock()
	p.signal()
}

// discard kills an instance and frees its slot.
func (p *Pool) discard(in *instance) {
	in.kill()
	p.mu.Lock()
	if p.all[in] {
		delete(p.all, in)
		p.running--
	}
	p.mu.Unlock()
	p.signal()
}

// Instances reports how many instances are running.
func (p *Pool) Instances() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.running
}

// Close kills every instance; invocations in flight end with the
// instance's exit.
func (p *Pool) Close() {
	p.mu.Lock()
	p.closed = true
	all := make([]*instance, 0, len(p.all))
	for in := range p.all {
		all = append(all, in)
	}
	p.idle = nil
	p.mu.Unlock()
	for _, in := range all {
		p.discard(in)
	}
}

// newID returns a request id shaped like Lambda's (a UUID).
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return intrinsic.FormatUUID4(b)
}

// jsonField returns a top-level string field of a JSON object, or "".
func jsonField(doc []byte, name string) string {
	v, err := jsonvalue.Parse(doc)
	if err != nil {
		return ""
	}
	o, ok := v.(*jsonvalue.Object)
	if !ok {
		return ""
	}
	s, _ := o.Get(name)
	str, _ := s.(string)
	return str
}

// syncWriter serialises the output of concurrent instances.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(b)
}
