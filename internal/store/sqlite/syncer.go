package sqlite

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
)

// Syncing.
//
// The writer's connection runs with synchronous=NORMAL: SQLite's COMMIT
// appends the transaction to the write-ahead log without an fsync. The
// syncer goroutine fsyncs the log and only then wakes the callers of the
// transaction, so a Commit still returns only once its writes are on
// disk. Taking the fsync off the writer lets it run the next transaction
// while the disk syncs the previous ones, and one fsync covers every
// transaction committed while the previous one ran.
//
// Other connections see a transaction as soon as it commits, before it is
// synced. So that a read never returns what a power loss could still take
// back, every read waits, after its query, until the transactions that
// could be in its snapshot are synced (see Store.durable); when no write
// is in flight that costs nothing.
//
// An fsync that fails leaves it unknown what is on disk (and Linux may not
// report the failure twice), so the store then fails every later change.

// group is the requests of one transaction, handed from the writer to the
// syncer.
type group struct {
	seq       uint64
	committed bool
	reqs      []*request
}

type syncer struct {
	walPath string
	noSync  bool
	// release acknowledges a request to its caller.
	release func(r *request)

	mu      sync.Mutex
	queue   []group
	closed  bool
	wake    chan struct{}
	stopped chan struct{}

	// synced is the sequence number of the last transaction known to be
	// on disk.
	synced atomic.Uint64
	// genMu guards gen, which is closed and replaced whenever synced
	// advances.
	genMu sync.Mutex
	gen   chan struct{}

	// failed holds the error of a failed fsync.
	failed atomic.Pointer[error]
	fsyncs atomic.Int64
	// testHook, when set, runs instead of the fsync; for tests.
	testHook func() error
}

func newSyncer(walPath string, noSync bool, release func(*request)) *syncer {
	return &syncer{
		walPath: walPath,
		noSync:  noSync,
		release: release,
		wake:    make(chan struct{}, 1),
		stopped: make(chan struct{}),
		gen:     make(chan struct{}),
	}
}

// push hands the requests of a finished transaction to the syncer.
func (s *syncer) push(g group) {
	s.mu.Lock()
	s.queue = append(s.queue, g)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// close lets the syncer finish what is queued and waits for it.
func (s *syncer) close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
	<-s.stopped
}

func (s *syncer) run() {
	defer close(s.stopped)
	var batch []group
	for {
		s.mu.Lock()
		for len(s.queue) == 0 {
			if s.closed {
				s.mu.Unlock()
				return
			}
			s.mu.Unlock()
			<-s.wake
			s.mu.Lock()
		}
		batch = append(batch[:0], s.queue...)
		clear(s.queue)
		s.queue = s.queue[:0]
		s.mu.Unlock()

		var err error
		if p := s.failed.Load(); p != nil {
			err = *p
		}
		if err == nil && !s.noSync {
			for _, g := range batch {
				if g.committed {
					err = s.fsync()
					break
				}
			}
		}
		// Readers may wait for the transactions to be synced; they are
		// told before the writers.
		if err == nil {
			s.advance(batch[len(batch)-1].seq)
		}
		for i, g := range batch {
			for _, r := range g.reqs {
				if err != nil && g.committed && !r.skip && r.err == nil {
					r.err = err
				}
				s.release(r)
			}
			batch[i] = group{}
		}
	}
}

// fsync syncs the write-ahead log. It opens the file anew each time, so
// that it always syncs the file SQLite writes to.
func (s *syncer) fsync() error {
	s.fsyncs.Add(1)
	var err error
	if s.testHook != nil {
		err = s.testHook()
	} else {
		err = syncFile(s.walPath)
	}
	if err != nil {
		err = fmt.Errorf("sqlite: sync write-ahead log: %w", err)
		s.failed.Store(&err)
	}
	return err
}

// syncFile fsyncs the file at path.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = f.Sync()
	if e := f.Close(); err == nil {
		err = e
	}
	return err
}

// advance records that the transactions up to seq are on disk.
func (s *syncer) advance(seq uint64) {
	s.synced.Store(seq)
	s.genMu.Lock()
	close(s.gen)
	s.gen = make(chan struct{})
	s.genMu.Unlock()
}

// wait blocks until the transactions up to seq are on disk.
func (s *syncer) wait(ctx context.Context, seq uint64) error {
	for s.synced.Load() < seq {
		s.genMu.Lock()
		gen := s.gen
		s.genMu.Unlock()
		if s.synced.Load() >= seq {
			return nil
		}
		if p := s.failed.Load(); p != nil {
			return *p
		}
		select {
		case <-gen:
		case <-ctx.Done():
			return ctx.Err()
		case <-s.stopped:
			if s.synced.Load() >= seq {
				return nil
			}
			return fmt.Errorf("sqlite: store closed before a read became durable")
		}
	}
	return nil
}
