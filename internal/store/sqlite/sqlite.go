// Package sqlite is the embedded store driver: one SQLite database file in
// WAL mode, written by a single goroutine that group-commits the writes of
// all callers, and read through a pool of read-only connections.
//
// It uses modernc.org/sqlite, a pure Go translation of SQLite, so Sluice
// builds with CGO_ENABLED=0.
//
// Durability: with the default Options a Commit returns only after the
// write-ahead log holding its writes has been fsync'd, so an acknowledged
// write survives a crash of the process and a loss of power. The fsync is
// not SQLite's own (the writer's connection runs with synchronous=NORMAL)
// but the syncer's, which lets the writer go on with the next transaction
// meanwhile; reads wait for it too, so they never return data a power loss
// could still take back (see syncer.go).
//
// The goroutines of a Store: the writer (writer.go), the syncer
// (syncer.go) and the checkpointer (checkpoint.go), each with the
// connection it owns, plus database/sql's pool of read connections.
package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"

	msqlite "modernc.org/sqlite"

	"github.com/sluice-run/sluice/internal/store"
)

// Options tunes a Store. The zero value is the durable default.
type Options struct {
	// NoSync turns off fsync (synchronous=OFF): a committed write survives
	// a crash of the process but not a loss of power. For benchmarks and
	// tests only.
	NoSync bool
	// ReadConns is the size of the pool of read connections; 0 means
	// max(4, 2*GOMAXPROCS).
	ReadConns int
}

// Store is a store.Store on one SQLite database file. It is safe for
// concurrent use.
type Store struct {
	path string
	w    *writer
	db   *sql.DB
	rd   readStmts

	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error

	listMu    sync.Mutex
	listStmts map[execFilterMask]*sql.Stmt
}

// Interface guard.
var (
	_ store.Store          = (*Store)(nil)
	_ store.AsyncCommitter = (*Store)(nil)
)

// Stats counts what the writer did since Open.
type Stats struct {
	// Transactions is the number of committed transactions.
	Transactions int64
	// Syncs is the number of fsyncs of the write-ahead log that Commits
	// waited for; one covers all the transactions committed since the
	// previous one.
	Syncs int64
	// Writes is the number of Writes and other changes committed
	// successfully.
	Writes int64
}

// Open opens the database at path, creating its directory and the file
// when missing, and brings its schema up to date. It fails with
// ErrSchemaTooNew when a newer build of Sluice wrote the database.
func Open(path string, opts Options) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o750); err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	// Durability comes from the syncer's fsync of the log before a Commit
	// returns, not from SQLite's (see syncer.go).
	syncMode := "NORMAL"
	if opts.NoSync {
		syncMode = "OFF"
	}
	var cleanup []func()
	fail := func(err error) (*Store, error) {
		for i := len(cleanup) - 1; i >= 0; i-- {
			cleanup[i]()
		}
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	wc, err := connect(abs, "busy_timeout(10000)")
	if err != nil {
		return fail(err)
	}
	cleanup = append(cleanup, func() { wc.Close() })
	if err := setup(wc, syncMode); err != nil {
		return fail(err)
	}
	if err := migrate(wc); err != nil {
		return fail(err)
	}
	w, err := newWriter(wc)
	if err != nil {
		return fail(err)
	}
	cleanup = append(cleanup, w.closeStmts)

	cc, err := connect(abs, "busy_timeout(10000)", "synchronous("+syncMode+")")
	if err != nil {
		return fail(err)
	}
	cleanup = append(cleanup, func() { cc.Close() })
	w.ckpt = newCheckpointer(cc)
	w.sync = newSyncer(abs+"-wal", opts.NoSync, w.release)

	rconn, err := msqlite.NewConnector(dsn(abs,
		"busy_timeout(10000)",
		"query_only(1)",
		"cache_size(-16384)",
		"mmap_size(1073741824)",
		"temp_store(MEMORY)",
	))
	if err != nil {
		return fail(err)
	}
	db := sql.OpenDB(rconn)
	cleanup = append(cleanup, func() { db.Close() })
	n := opts.ReadConns
	if n <= 0 {
		n = max(4, 2*runtime.GOMAXPROCS(0))
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	s := &Store{path: abs, w: w, db: db, listStmts: make(map[execFilterMask]*sql.Stmt)}
	cleanup = append(cleanup, s.rd.close)
	if err := s.rd.prepare(db); err != nil {
		return fail(err)
	}
	go w.ckpt.run()
	go w.sync.run()
	go w.run()
	return s, nil
}

// dsn is the data source name of the database file at abs with the given
// pragmas applied to each connection.
func dsn(abs string, pragmas ...string) string {
	q := url.Values{}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	u := url.URL{Scheme: "file", Path: abs, RawQuery: q.Encode()}
	return u.String()
}

// connect opens one connection to the database file at abs.
func connect(abs string, pragmas ...string) (driver.Conn, error) {
	c, err := msqlite.NewConnector(dsn(abs, pragmas...))
	if err != nil {
		return nil, err
	}
	return c.Connect(context.Background())
}

// pageSize is the page size of new databases. 8 and 16 KiB pages made
// commits no cheaper: the cost of writing the log follows its bytes more
// than its frames.
const pageSize = 4096

// setup configures the writer's connection, in an order that matters:
// page_size only takes effect before the database is written, which
// journal_mode=WAL does.
func setup(c driver.Conn, syncMode string) error {
	ex := c.(driver.ExecerContext)
	for _, p := range []string{
		fmt.Sprintf("page_size = %d", pageSize),
		"journal_mode = WAL",
		"synchronous = " + syncMode,
		// A modest page cache: SQLite scans the whole cache's hash table
		// at the end of every write transaction, so a large cache costs
		// the writer on each commit. Reads of pages not in the WAL go
		// through the memory map instead.
		"cache_size = -8192",
		"mmap_size = 1073741824",
		"journal_size_limit = 67108864",
		"temp_store = MEMORY",
		fmt.Sprintf("wal_autocheckpoint = %d", backstopPages),
	} {
		if _, err := ex.ExecContext(context.Background(), "PRAGMA "+p, nil); err != nil {
			return fmt.Errorf("PRAGMA %s: %w", p, err)
		}
	}
	// journal_mode=WAL fails silently on some file systems.
	rows, err := c.(driver.QueryerContext).QueryContext(context.Background(), "PRAGMA journal_mode", nil)
	if err != nil {
		return fmt.Errorf("read journal mode: %w", err)
	}
	defer rows.Close()
	dest := make([]driver.Value, 1)
	if err := rows.Next(dest); err != nil {
		return fmt.Errorf("read journal mode: %w", err)
	}
	if m, _ := dest[0].(string); m != "wal" {
		return fmt.Errorf("journal mode is %v, not wal", dest[0])
	}
	return nil
}

// Path returns the absolute path of the database file.
func (s *Store) Path() string { return s.path }

// Stats returns the writer's counters.
func (s *Store) Stats() Stats {
	return Stats{Transactions: s.w.transactions.Load(), Syncs: s.w.sync.fsyncs.Load(), Writes: s.w.writes.Load()}
}

// Close finishes the changes already queued, then closes the database.
// Calls on the Store after Close fail with store.ErrClosed; Close itself
// may be called more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		s.w.close()
		s.w.sync.close()
		s.listMu.Lock()
		for _, st := range s.listStmts {
			st.Close()
		}
		clear(s.listStmts)
		s.listMu.Unlock()
		s.rd.close()
		err := s.db.Close()
		if e := s.w.ckpt.close(); e != nil && err == nil {
			err = e
		}
		s.w.closeStmts()
		// The writer's connection closes last, so that SQLite checkpoints
		// the write-ahead log into the database and removes it.
		if e := s.w.conn.Close(); e != nil && err == nil {
			err = e
		}
		if err != nil {
			s.closeErr = fmt.Errorf("sqlite: close %s: %w", s.path, err)
		}
	})
	return s.closeErr
}

// Commit implements store.Store. Writes are applied in order, each in a
// savepoint of a transaction it may share with the writes of other
// callers; RemovePending is applied before AddPending, so a Write may
// replace an item it removes.
func (s *Store) Commit(ctx context.Context, ws ...*store.Write) ([]error, error) {
	return s.CommitAsync(ctx, ws...)()
}

// CommitAsync queues the writes like Commit and returns a function that
// waits until they are on disk. Calls are committed in the order they
// are made.
func (s *Store) CommitAsync(ctx context.Context, ws ...*store.Write) func() ([]error, error) {
	if s.closed.Load() {
		return func() ([]error, error) { return nil, store.ErrClosed }
	}
	if len(ws) == 0 {
		return func() ([]error, error) { return []error{}, nil }
	}
	if err := ctx.Err(); err != nil {
		return func() ([]error, error) { return nil, err }
	}
	r := getRequest(ctx)
	if cap(r.writes) < len(ws) {
		r.writes = make([]encodedWrite, len(ws))
	}
	r.writes = r.writes[:len(ws)]
	valid := 0
	for i, w := range ws {
		encodeWrite(w, &r.writes[i], &r.args)
		if r.writes[i].err == nil {
			valid++
		}
	}
	errs := make([]error, len(ws))
	if valid == 0 {
		for i := range r.writes {
			errs[i] = r.writes[i].err
		}
		putRequest(r)
		return func() ([]error, error) { return errs, nil }
	}
	if err := s.w.enqueue(r); err != nil {
		putRequest(r)
		return func() ([]error, error) { return nil, err }
	}
	return func() ([]error, error) {
		<-r.done
		defer putRequest(r)
		if r.err != nil {
			return nil, r.err
		}
		copy(errs, r.errs)
		return errs, nil
	}
}

// change runs fn in the writer, in its own savepoint of a group-committed
// transaction, and returns fn's error.
func (s *Store) change(ctx context.Context, fn func(w *writer) error) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	r := getRequest(ctx)
	defer putRequest(r)
	r.fn = fn
	if err := s.w.submit(r); err != nil {
		return err
	}
	if r.err != nil {
		return r.err
	}
	if r.fnErr == nil {
		s.w.writes.Add(1)
	}
	return r.fnErr
}

// PutRecord implements store.Store. Replacing a record that does not exist
// fails with store.ErrConflict, as any other revision mismatch.
func (s *Store) PutRecord(ctx context.Context, r store.Record, rev int64) (int64, error) {
	if rev < 0 {
		return 0, fmt.Errorf("sqlite: put record (%s, %s): negative revision %d", r.Kind, r.Key, rev)
	}
	v := make([]driver.NamedValue, 6)
	for i := range v {
		v[i].Ordinal = i + 1
	}
	if err := encodeRecord(&r, v[:5]); err != nil {
		return 0, err
	}
	var next int64
	err := s.change(ctx, func(w *writer) error {
		if rev == 0 {
			n, err := w.affected(stInsertRecord, v[:5])
			if err != nil {
				return fmt.Errorf("sqlite: put record (%s, %s): %w", r.Kind, r.Key, err)
			}
			if n == 0 {
				return fmt.Errorf("sqlite: put record (%s, %s): %w", r.Kind, r.Key, store.ErrExists)
			}
			next = 1
			return nil
		}
		v[5].Value = rev
		n, err := w.affected(stUpdateRecord, v)
		if err != nil {
			return fmt.Errorf("sqlite: put record (%s, %s): %w", r.Kind, r.Key, err)
		}
		if n == 0 {
			return fmt.Errorf("sqlite: put record (%s, %s) at revision %d: %w", r.Kind, r.Key, rev, store.ErrConflict)
		}
		next = rev + 1
		return nil
	})
	if err != nil {
		return 0, err
	}
	return next, nil
}

// DeleteRecord implements store.Store. Deleting a record that does not
// exist fails with store.ErrNotFound.
func (s *Store) DeleteRecord(ctx context.Context, kind, key string) error {
	v := []driver.NamedValue{{Ordinal: 1, Value: kind}, {Ordinal: 2, Value: key}}
	return s.change(ctx, func(w *writer) error {
		n, err := w.affected(stDeleteRecord, v)
		if err != nil {
			return fmt.Errorf("sqlite: delete record (%s, %s): %w", kind, key, err)
		}
		if n == 0 {
			return fmt.Errorf("sqlite: delete record (%s, %s): %w", kind, key, store.ErrNotFound)
		}
		return nil
	})
}

// deleteChunk is how many executions one transaction of DeleteExecutions
// removes, so that a large deletion does not hold up other writers.
const deleteChunk = 64

// DeleteExecutions implements store.Store. ARNs that do not exist are
// skipped. The executions are removed in several transactions when there
// are many; each execution goes whole.
func (s *Store) DeleteExecutions(ctx context.Context, arns []string) error {
	for len(arns) > 0 {
		chunk := arns[:min(len(arns), deleteChunk)]
		arns = arns[len(chunk):]
		err := s.change(ctx, func(w *writer) error {
			v := []driver.NamedValue{{Ordinal: 1}}
			for _, arn := range chunk {
				w.cache.drop(arn)
				v[0].Value = arn
				for _, id := range []stmtID{stDeleteBatches, stDeletePendingOf, stDeleteIO, stDeleteExec} {
					if _, err := w.exec(id, v); err != nil {
						return fmt.Errorf("sqlite: delete execution %s: %w", arn, err)
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// settle waits until the data a read saw is on disk (see syncer.go), so
// that no read returns what a power loss could take back. err is the
// read's own error; settle returns it, or the error of the wait.
func (s *Store) settle(ctx context.Context, err error) error {
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if werr := s.w.sync.wait(ctx, s.w.committing.Load()); werr != nil {
		return s.closedErr(werr)
	}
	return err
}

// closedErr turns the error of a read that raced with Close into
// store.ErrClosed.
func (s *Store) closedErr(err error) error {
	if err != nil && s.closed.Load() {
		return store.ErrClosed
	}
	if errors.Is(err, sql.ErrConnDone) {
		return store.ErrClosed
	}
	return err
}
