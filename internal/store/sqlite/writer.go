package sqlite

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/sluice-run/sluice/internal/store"
)

// Group commit.
//
// Every change goes through one goroutine, the writer, which owns the only
// write connection. Callers put a request on the queue and wait. The
// writer takes everything queued (up to maxGroupWrites writes) and runs it
// in one transaction (BEGIN IMMEDIATE ... COMMIT), each Write all or
// nothing (see runGroup), then hands the requests to the syncer, which
// wakes the callers once an fsync of the log covers the transaction. While
// the writer runs one transaction, new requests queue up for the next one,
// so the number of transactions and fsyncs per second stays bounded while
// the number of writes grows with concurrency.

const (
	// maxGroupWrites caps the writes of one transaction, which bounds how
	// long a transaction holds the write lock and how much one fsync
	// carries.
	maxGroupWrites = 1024
	// maxQueued caps the requests waiting for the writer; Commit blocks
	// (honouring its context) when the queue is full.
	maxQueued = 8192
)

// request is one call waiting for the writer: a Commit (writes) or another
// change (fn).
type request struct {
	ctx    context.Context
	writes []encodedWrite
	// errs receives the outcome of each write.
	errs []error
	// fn, when set, is run instead of writes, inside a savepoint.
	fn    func(w *writer) error
	fnErr error
	// err is the error of the whole request (nothing written).
	err  error
	done chan struct{}
	// skip marks a request whose context ended before it was run.
	skip bool
	args args
}

var requestPool = sync.Pool{New: func() any { return &request{done: make(chan struct{}, 1)} }}

func getRequest(ctx context.Context) *request {
	r := requestPool.Get().(*request)
	r.ctx = ctx
	return r
}

func putRequest(r *request) {
	// Drop references to the caller's data, keep the buffers.
	for i := range r.writes {
		r.writes[i] = encodedWrite{}
	}
	clear(r.args.buf[:cap(r.args.buf)])
	*r = request{writes: r.writes[:0], done: r.done, args: args{buf: r.args.buf[:0]}}
	requestPool.Put(r)
}

// writer owns the write connection and its prepared statements.
type writer struct {
	conn  driver.Conn
	stmts [numStmts]driver.Stmt
	ckpt  *checkpointer
	sync  *syncer
	// cache is only used by the writer goroutine.
	cache execCache
	// seq numbers the transactions; committing is the number of the last
	// one that may have committed.
	seq        uint64
	committing atomic.Uint64

	mu     sync.Mutex
	queue  []*request
	spare  []*request
	closed bool
	wake   chan struct{}
	slots  chan struct{}
	// stopped is closed when the writer goroutine has returned.
	stopped chan struct{}

	transactions atomic.Int64
	writes       atomic.Int64
}

func newWriter(conn driver.Conn) (*writer, error) {
	w := &writer{
		conn:    conn,
		wake:    make(chan struct{}, 1),
		slots:   make(chan struct{}, maxQueued),
		stopped: make(chan struct{}),
	}
	pc := conn.(driver.ConnPrepareContext)
	for id, q := range writeSQL {
		st, err := pc.PrepareContext(context.Background(), q)
		if err != nil {
			w.closeStmts()
			return nil, fmt.Errorf("sqlite: prepare %q: %w", q, err)
		}
		w.stmts[id] = st
	}
	return w, nil
}

func (w *writer) closeStmts() {
	for i, st := range w.stmts {
		if st != nil {
			_ = st.Close()
			w.stmts[i] = nil
		}
	}
}

// submit queues r and waits for its outcome. It gives up with the
// context's error, or ErrClosed, only while r is not queued yet.
func (w *writer) submit(r *request) error {
	if err := w.enqueue(r); err != nil {
		return err
	}
	<-r.done
	return nil
}

// enqueue puts r on the queue without waiting for it; the caller receives
// from r.done later. Requests are committed in the order they are queued.
func (w *writer) enqueue(r *request) error {
	ctx := r.ctx
	select {
	case w.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	case <-w.stopped:
		return store.ErrClosed
	}
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		<-w.slots
		return store.ErrClosed
	}
	w.queue = append(w.queue, r)
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
	return nil
}

// release wakes the caller of r; the syncer calls it once r's transaction
// is on disk.
func (w *writer) release(r *request) {
	<-w.slots
	r.done <- struct{}{}
}

// close stops taking requests, lets the writer finish those queued and
// waits for it to return.
func (w *writer) close() {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
	<-w.stopped
}

// run is the writer goroutine.
func (w *writer) run() {
	defer close(w.stopped)
	for {
		w.mu.Lock()
		for len(w.queue) == 0 {
			if w.closed {
				w.mu.Unlock()
				return
			}
			w.mu.Unlock()
			<-w.wake
			w.mu.Lock()
		}
		// Take requests up to maxGroupWrites writes (at least one request).
		n, k := 0, 0
		for k < len(w.queue) {
			c := max(len(w.queue[k].writes), 1)
			if k > 0 && n+c > maxGroupWrites {
				break
			}
			n += c
			k++
		}
		reqs := make([]*request, k)
		copy(reqs, w.queue)
		rest := append(w.spare[:0], w.queue[k:]...)
		clear(w.queue)
		w.spare = w.queue[:0]
		w.queue = rest
		w.mu.Unlock()

		if p := w.sync.failed.Load(); p != nil {
			for _, r := range reqs {
				r.err = *p
			}
			w.sync.push(group{seq: w.seq, reqs: reqs})
			continue
		}
		// Readers may see the transaction from its COMMIT on, so its
		// number is published before.
		w.seq++
		w.committing.Store(w.seq)
		committed := w.runGroup(reqs)
		w.sync.push(group{seq: w.seq, committed: committed, reqs: reqs})
	}
}

// runGroup runs the requests of group in one transaction and records
// their outcomes in them. It reports whether a transaction committed.
//
// It first runs the writes without savepoints, which cost a statement
// journal and two statements per write: most writes succeed, and most
// that fail do so cleanly, at their first statement, before they changed
// anything (an existing ARN on Create, a missing one on Update). Only
// when a write fails after it changed something (a duplicate batch Seq,
// an I/O error) is the transaction rolled back and the group run again
// with a savepoint around each write.
func (w *writer) runGroup(group []*request) (committed bool) {
	live := 0
	for _, r := range group {
		if err := r.ctx.Err(); err != nil {
			r.skip = true
			r.err = err
			continue
		}
		live++
	}
	if live == 0 {
		return false
	}
	done, committed := w.runTx(group, false)
	if !done {
		_, committed = w.runTx(group, true)
	}
	return committed
}

// runTx runs the requests of group in one transaction, each Write in its
// own savepoint when savepoints is set. Without savepoints it gives up
// (rolls back and returns false) when a Write fails after it changed
// something.
func (w *writer) runTx(group []*request, savepoints bool) (done, committed bool) {
	fail := func(err error) {
		for _, r := range group {
			if !r.skip {
				r.err = err
			}
		}
	}
	if _, err := w.exec(stBegin, nil); err != nil {
		fail(fmt.Errorf("sqlite: begin: %w", err))
		return true, false
	}
	writes := 0
	for _, r := range group {
		if r.skip {
			continue
		}
		if r.fn != nil {
			err, fatal := w.inSavepoint(func() error { return r.fn(w) })
			if fatal != nil {
				w.abort()
				fail(fatal)
				return true, false
			}
			r.fnErr = err
			continue
		}
		if cap(r.errs) < len(r.writes) {
			r.errs = make([]error, len(r.writes))
		}
		r.errs = r.errs[:len(r.writes)]
		for i := range r.writes {
			e := &r.writes[i]
			if e.err != nil {
				r.errs[i] = e.err
				continue
			}
			var err error
			if savepoints {
				var fatal error
				err, fatal = w.inSavepoint(func() error {
					err, _ := w.apply(e)
					return err
				})
				if fatal != nil {
					w.abort()
					fail(fatal)
					return true, false
				}
				if err != nil {
					// Rolled back to its savepoint.
					w.cache.drop(e.arn)
				}
			} else {
				var dirty bool
				if err, dirty = w.apply(e); dirty {
					w.abort()
					return false, false
				}
			}
			r.errs[i] = err
			if err == nil {
				writes++
			}
		}
	}
	if _, err := w.exec(stCommit, nil); err != nil {
		w.abort()
		fail(fmt.Errorf("sqlite: commit: %w", err))
		return true, false
	}
	w.transactions.Add(1)
	w.writes.Add(int64(writes))
	w.ckpt.notify()
	return true, true
}

// abort rolls back the open transaction, if any, and forgets what the
// cache learnt in it.
func (w *writer) abort() {
	_, _ = w.exec(stRollback, nil)
	w.cache.clear()
}

// inSavepoint runs f inside a savepoint, rolling back to it when f fails.
// err is f's error; fatal is set when the transaction is lost (the
// savepoint could not be taken, released or rolled back to, as after an
// I/O error).
func (w *writer) inSavepoint(f func() error) (err, fatal error) {
	if _, err := w.exec(stSavepoint, nil); err != nil {
		return nil, fmt.Errorf("sqlite: savepoint: %w", err)
	}
	err = f()
	if err != nil {
		if _, e := w.exec(stRollbackTo, nil); e != nil {
			return nil, fmt.Errorf("sqlite: rollback to savepoint after %v: %w", err, e)
		}
	}
	if _, e := w.exec(stRelease, nil); e != nil {
		return nil, fmt.Errorf("sqlite: release savepoint: %w", e)
	}
	return err, nil
}

// exec runs a prepared statement. It uses no context: a Done channel would
// make the driver start a watcher goroutine per statement.
func (w *writer) exec(id stmtID, args []driver.NamedValue) (driver.Result, error) {
	return w.stmts[id].(driver.StmtExecContext).ExecContext(context.Background(), args)
}

// affected runs a prepared statement and returns the number of rows it
// changed.
func (w *writer) affected(id stmtID, args []driver.NamedValue) (int64, error) {
	res, err := w.exec(id, args)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// apply runs one encoded Write. dirty reports that it failed in a way
// that only a rollback (to a savepoint) cleans up: after it changed
// something, or with an error from SQLite, after which the transaction
// may be gone.
func (w *writer) apply(e *encodedWrite) (err error, dirty bool) {
	clean := false
	err = w.applyWrite(e, &clean)
	return err, err != nil && !clean
}

// applyWrite runs one encoded Write. It sets *clean when it fails before
// it changed anything, with store.ErrExists or store.ErrNotFound.
func (w *writer) applyWrite(e *encodedWrite, clean *bool) error {
	var id int64
	switch {
	case e.create:
		res, err := w.exec(stCreateExec, e.exec)
		if err != nil {
			return fmt.Errorf("sqlite: create execution %s: %w", e.arn, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			*clean = true
			return fmt.Errorf("sqlite: create execution %s: %w", e.arn, store.ErrExists)
		}
		id, _ = res.LastInsertId()
		e.io[0].Value = id
		if _, err := w.exec(stCreateIO, e.io); err != nil {
			return fmt.Errorf("sqlite: create execution %s: input and output: %w", e.arn, err)
		}
		w.cache.put(e.arn, id, e.exec[len(execOther)+1:], e.io[1].Value, e.io[2].Value)
	case e.update:
		indexed := e.sel[:numIndexed]
		input, output := e.io[0].Value, e.io[1].Value
		var sameIndexed, sameIO bool
		if c := w.cache.get(e.arn); c != nil {
			id, sameIndexed, sameIO = c.id, c.sameIndexed(indexed), c.sameIO(input, output)
		} else {
			var err error
			id, sameIndexed, sameIO, err = w.selectForUpdate(e)
			if err != nil {
				*clean = errors.Is(err, store.ErrNotFound)
				return err
			}
		}
		// SQLite rewrites the entries of every index whose columns an
		// UPDATE assigns, so the indexed columns are only assigned when
		// one of them changed.
		st, v := stUpdateOther, e.other
		if !sameIndexed {
			st, v = stUpdateAll, e.exec
		}
		v[len(v)-1].Value = id
		n, err := w.affected(st, v)
		if err != nil {
			return fmt.Errorf("sqlite: update execution %s: %w", e.arn, err)
		}
		if n != 1 {
			// The cache was wrong; this is not supposed to happen. The
			// transaction is run again without it.
			w.cache.clear()
			return fmt.Errorf("sqlite: update execution %s: id %d not found", e.arn, id)
		}
		if !sameIO {
			e.io[2].Value = id
			if _, err := w.exec(stUpdateIO, e.io); err != nil {
				return fmt.Errorf("sqlite: update execution %s: input and output: %w", e.arn, err)
			}
		}
		w.cache.put(e.arn, id, indexed, input, output)
	}
	for _, b := range e.batches {
		b[0].Value = id
		n, err := w.affected(stInsertBatch, b)
		if err != nil {
			return fmt.Errorf("sqlite: append batch %v of %s: %w", b[1].Value, e.arn, err)
		}
		if n == 0 {
			return fmt.Errorf("sqlite: append batch %v of %s: duplicate Seq: %w", b[1].Value, e.arn, store.ErrExists)
		}
	}
	for _, v := range e.remove {
		if _, err := w.exec(stRemovePending, v); err != nil {
			return fmt.Errorf("sqlite: remove pending (%v, %v, %v): %w", v[0].Value, v[1].Value, v[2].Value, err)
		}
	}
	for _, v := range e.add {
		if _, err := w.exec(stAddPending, v); err != nil {
			return fmt.Errorf("sqlite: add pending (%v, %v, %v): %w", v[0].Value, v[1].Value, v[2].Value, err)
		}
	}
	for _, v := range e.records {
		if _, err := w.exec(stUpsertRecord, v); err != nil {
			return fmt.Errorf("sqlite: put record (%v, %v): %w", v[0].Value, v[1].Value, err)
		}
	}
	// Stream entries come last: a Write that fails cleanly (*clean) must
	// not have appended any yet.
	for i := range e.streams {
		if err := w.appendStream(&e.streams[i]); err != nil {
			return err
		}
	}
	return nil
}

// selectForUpdate runs stSelectForUpdate: it returns the execution's id,
// whether its indexed columns already hold the new values and whether its
// input and output do.
func (w *writer) selectForUpdate(e *encodedWrite) (id int64, sameIndexed, sameIO bool, err error) {
	rows, err := w.stmts[stSelectForUpdate].(driver.StmtQueryContext).QueryContext(context.Background(), e.sel)
	if err != nil {
		return 0, false, false, fmt.Errorf("sqlite: update execution %s: %w", e.arn, err)
	}
	var dest [3]driver.Value
	err = rows.Next(dest[:])
	cerr := rows.Close()
	if errors.Is(err, io.EOF) {
		return 0, false, false, fmt.Errorf("sqlite: update execution %s: %w", e.arn, store.ErrNotFound)
	}
	if err == nil {
		err = cerr
	}
	if err != nil {
		return 0, false, false, fmt.Errorf("sqlite: update execution %s: %w", e.arn, err)
	}
	id, _ = dest[0].(int64)
	a, _ := dest[1].(int64)
	b, _ := dest[2].(int64)
	return id, a == 1, b == 1, nil
}
