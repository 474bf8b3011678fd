package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	msqlite "modernc.org/sqlite"

	"github.com/sluice-run/sluice/internal/store"
	"github.com/sluice-run/sluice/internal/store/storetest"
)

// openTemp opens a durable store in a new temporary directory.
func openTemp(t testing.TB, opts Options) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "data", "sluice.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t, Options{}) })
}

func TestConformanceReopen(t *testing.T) {
	storetest.RunReopen(t, func(t *testing.T) storetest.Reopener {
		path := filepath.Join(t.TempDir(), "sluice.db")
		return func(t *testing.T) store.Store {
			s, err := Open(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
	})
}

// rawDB opens the database file with plain database/sql, for inspection.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	c, err := msqlite.NewConnector(dsn(path, "busy_timeout(5000)"))
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	return db
}

func userVersion(t *testing.T, path string) int {
	t.Helper()
	db := rawDB(t, path)
	var v int
	if err := db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		t.Fatal(err)
	}
	db.Close()
	return v
}

func TestOpenCreatesDirectoryAndSettings(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b", "sluice.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	if s.Path() != path {
		t.Errorf("Path: %s, want %s", s.Path(), path)
	}
	// The writer's connection runs in WAL mode with synchronous=NORMAL
	// (1): the syncer fsyncs the log before a Commit returns.
	for pragma, want := range map[string]any{"journal_mode": "wal", "synchronous": int64(1), "page_size": int64(pageSize)} {
		got := writerPragma(t, s, pragma)
		if got != want {
			t.Errorf("PRAGMA %s = %v, want %v", pragma, got, want)
		}
	}
}

// writerPragma reads a PRAGMA on the writer's connection, through the
// writer goroutine.
func writerPragma(t *testing.T, s *Store, name string) any {
	t.Helper()
	var got any
	err := s.change(context.Background(), func(w *writer) error {
		v, err := pragmaValue(w, name)
		got = v
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// pragmaValue reads a PRAGMA on the writer's connection; it must run on
// the writer goroutine.
func pragmaValue(w *writer, name string) (any, error) {
	rows, err := w.conn.(driver.QueryerContext).QueryContext(context.Background(), "PRAGMA "+name, nil)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	dest := make([]driver.Value, 1)
	if err := rows.Next(dest); err != nil {
		return nil, err
	}
	return dest[0], nil
}

func TestNoSync(t *testing.T) {
	s := openTemp(t, Options{NoSync: true})
	if got := writerPragma(t, s, "synchronous"); got != int64(0) {
		t.Fatalf("synchronous = %v, want 0", got)
	}
}

func TestMigrationsIdempotent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sluice.db")
	for i := range 3 {
		s, err := Open(path, Options{})
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		if i == 0 {
			if _, err := s.PutRecord(context.Background(), store.Record{Kind: "k", Key: "k"}, 0); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.GetRecord(context.Background(), "k", "k"); err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if v := userVersion(t, path); v != len(migrations) {
			t.Fatalf("open %d: user_version %d, want %d", i, v, len(migrations))
		}
	}
}

func TestSchemaTooNew(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sluice.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db := rawDB(t, path)
	if _, err := db.Exec("PRAGMA user_version = 999"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = Open(path, Options{})
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("Open of a newer schema: %v, want ErrSchemaTooNew", err)
	}
}

func TestNotSluiceDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "other.db")
	db := rawDB(t, path)
	if _, err := db.Exec("PRAGMA application_id = 42; CREATE TABLE t (x)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(path, Options{}); err == nil || !strings.Contains(err.Error(), "not a Sluice database") {
		t.Fatalf("Open of another application's database: %v", err)
	}
}

func TestNanosecondTimes(t *testing.T) {
	s := openTemp(t, Options{})
	ts := time.Date(2030, 1, 2, 3, 4, 5, 123456789, time.UTC)
	x := &store.Execution{Arn: "arn:ns", StateMachineArn: "sm", Status: "RUNNING", StartDate: ts, StopDate: ts.Add(1)}
	errs, err := s.Commit(context.Background(), &store.Write{Create: x})
	if err != nil || errs[0] != nil {
		t.Fatal(err, errs)
	}
	got, err := s.GetExecution(context.Background(), x.Arn)
	if err != nil {
		t.Fatal(err)
	}
	if !got.StartDate.Equal(ts) || !got.StopDate.Equal(ts.Add(1)) {
		t.Fatalf("times: %v %v", got.StartDate, got.StopDate)
	}
}

func TestTimeOutOfRange(t *testing.T) {
	s := openTemp(t, Options{})
	for _, ts := range []time.Time{time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)} {
		x := &store.Execution{Arn: "arn:t", StateMachineArn: "sm", Status: "RUNNING", StartDate: ts}
		errs, err := s.Commit(context.Background(), &store.Write{Create: x})
		if err != nil || !errors.Is(errs[0], errTimeRange) {
			t.Errorf("StartDate %v: %v, %v", ts, err, errs)
		}
	}
}

func TestStats(t *testing.T) {
	s := openTemp(t, Options{NoSync: true})
	ws := []*store.Write{
		{Create: &store.Execution{Arn: "a", StateMachineArn: "sm", Status: "RUNNING"}},
		{Create: &store.Execution{Arn: "a", StateMachineArn: "sm", Status: "RUNNING"}},
	}
	if _, err := s.Commit(context.Background(), ws...); err != nil {
		t.Fatal(err)
	}
	st := s.Stats()
	if st.Transactions != 1 || st.Writes != 1 {
		t.Fatalf("Stats: %+v, want 1 transaction, 1 write", st)
	}
}

func TestQueryPlans(t *testing.T) {
	s := openTemp(t, Options{NoSync: true})
	db := rawDB(t, s.Path())
	for _, tc := range []struct {
		q, index string
	}{
		{"SELECT arn FROM executions e WHERE e.state_machine_arn = ? AND (e.start_date, e.arn) < (?, ?) ORDER BY e.start_date DESC, e.arn DESC LIMIT 10", "executions_state_machine"},
		{"SELECT arn FROM executions e WHERE e.status = ? AND (e.start_date, e.arn) < (?, ?) ORDER BY e.start_date DESC, e.arn DESC LIMIT 10", "executions_status"},
		{"SELECT arn FROM executions e WHERE e.map_run_arn = ? AND (e.start_date, e.arn) < (?, ?) ORDER BY e.start_date DESC, e.arn DESC LIMIT 10", "executions_map_run"},
		{"SELECT arn FROM executions e WHERE e.parent = ? AND (e.start_date, e.arn) < (?, ?) ORDER BY e.start_date DESC, e.arn DESC LIMIT 10", "executions_parent"},
		{"SELECT arn FROM executions e WHERE e.version_arn = ? AND (e.start_date, e.arn) < (?, ?) ORDER BY e.start_date DESC, e.arn DESC LIMIT 10", "executions_version"},
		{"SELECT arn FROM executions e WHERE e.alias_arn = ? AND (e.start_date, e.arn) < (?, ?) ORDER BY e.start_date DESC, e.arn DESC LIMIT 10", "executions_alias"},
		{"SELECT arn FROM executions WHERE status = 'RUNNING' ORDER BY start_date, arn", "executions_status"},
		{"SELECT exec FROM pending WHERE kind = ? ORDER BY due, exec, key", "pending_kind"},
		{"SELECT exec FROM pending WHERE exec = ? AND kind = ? AND key > ? ORDER BY key LIMIT 10", "PRIMARY KEY"},
	} {
		rows, err := db.Query("EXPLAIN QUERY PLAN "+tc.q, "x", 1, "y")
		if err != nil {
			rows, err = db.Query("EXPLAIN QUERY PLAN "+tc.q, "x")
		}
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		p := strings.Join(plan, "; ")
		if !strings.Contains(p, tc.index) || strings.Contains(p, "TEMP B-TREE") {
			t.Errorf("%s\nplan: %s", tc.q, p)
		}
	}
}

// TestWriterCache checks that the writer's execution cache never outlives
// the rows it describes.
func TestWriterCache(t *testing.T) {
	s := openTemp(t, Options{NoSync: true})
	ctx := context.Background()
	commit := func(ws ...*store.Write) []error {
		t.Helper()
		errs, err := s.Commit(ctx, ws...)
		if err != nil {
			t.Fatal(err)
		}
		return errs
	}
	x := &store.Execution{Arn: "arn:x", StateMachineArn: "sm", Status: "RUNNING", StartDate: time.Unix(1, 0), Input: []byte(`1`)}
	b := func(seq int64) []store.Batch {
		return []store.Batch{{Seq: seq, FirstEventID: seq, EventCount: 1, Events: []byte(fmt.Sprint(seq))}}
	}
	if errs := commit(&store.Write{Create: x, Batches: b(1)}); errs[0] != nil {
		t.Fatal(errs[0])
	}
	// Deleted and created again: a new id.
	if err := s.DeleteExecutions(ctx, []string{x.Arn}); err != nil {
		t.Fatal(err)
	}
	if errs := commit(&store.Write{Create: x, Batches: b(1)}); errs[0] != nil {
		t.Fatal(errs[0])
	}
	u := *x
	u.Status = "SUCCEEDED"
	if errs := commit(&store.Write{Update: &u, Batches: b(2)}); errs[0] != nil {
		t.Fatal(errs[0])
	}
	bs, err := s.ReadBatches(ctx, x.Arn, 0)
	if err != nil || len(bs) != 2 {
		t.Fatalf("batches after re-create: %d, %v", len(bs), err)
	}
	// A transaction rolled back in full (a later write in the group fails
	// after it changed something) takes back what the cache learnt of
	// the earlier writes.
	y := &store.Execution{Arn: "arn:y", StateMachineArn: "sm", Status: "RUNNING", StartDate: time.Unix(2, 0)}
	v := u
	v.Status = "ABORTED"
	v.Input = []byte(`2`)
	errs := commit(
		&store.Write{Update: &v, Batches: b(3)},
		&store.Write{Create: y, Batches: append(b(1), b(1)...)},
	)
	if errs[0] != nil || !errors.Is(errs[1], store.ErrExists) {
		t.Fatalf("errs: %v", errs)
	}
	got, err := s.GetExecution(ctx, x.Arn)
	if err != nil || got.Status != "ABORTED" || string(got.Input) != "2" {
		t.Fatalf("after the retried group: %+v, %v", got, err)
	}
	if _, err := s.GetExecution(ctx, y.Arn); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("create of the failed write: %v", err)
	}
	// Large inputs are compared by SQLite, not by the cache.
	big := make([]byte, 2*maxCachedIO)
	w := v
	w.Input = big
	for i := range 2 {
		big[0] = byte(i)
		if errs := commit(&store.Write{Update: &w}); errs[0] != nil {
			t.Fatal(errs[0])
		}
		got, _ := s.GetExecution(ctx, x.Arn)
		if len(got.Input) != len(big) || got.Input[0] != byte(i) {
			t.Fatalf("large input %d not stored", i)
		}
	}
}

func TestCommitWaitsForSync(t *testing.T) {
	s := openTemp(t, Options{})
	ctx := context.Background()
	gate := make(chan struct{})
	synced := make(chan struct{}, 100)
	s.w.sync.testHook = func() error {
		<-gate
		synced <- struct{}{}
		return syncFile(s.Path() + "-wal")
	}
	x := &store.Execution{Arn: "arn:x", StateMachineArn: "sm", Status: "RUNNING"}
	committed := make(chan error, 1)
	go func() {
		errs, err := s.Commit(ctx, &store.Write{Create: x})
		if err == nil {
			err = errs[0]
		}
		committed <- err
	}()
	// The transaction commits; the fsync waits at the gate. Neither the
	// Commit nor a read that could see the write returns before it.
	deadline := time.Now().Add(5 * time.Second)
	for s.Stats().Transactions == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no transaction")
		}
		time.Sleep(time.Millisecond)
	}
	read := make(chan error, 1)
	go func() {
		_, err := s.GetExecution(ctx, x.Arn)
		read <- err
	}()
	select {
	case err := <-committed:
		t.Fatalf("Commit returned before the fsync: %v", err)
	case err := <-read:
		t.Fatalf("read returned before the fsync: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	// A read with a deadline gives up.
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	if _, err := s.GetExecution(short, x.Arn); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("read with a deadline: %v", err)
	}
	close(gate)
	if err := <-committed; err != nil {
		t.Fatal(err)
	}
	if err := <-read; err != nil {
		t.Fatal(err)
	}
	<-synced
	if st := s.Stats(); st.Syncs < 1 {
		t.Fatalf("Stats: %+v", st)
	}
}

func TestSyncFailureStopsWrites(t *testing.T) {
	s := openTemp(t, Options{})
	ctx := context.Background()
	s.w.sync.testHook = func() error { return errors.New("disk on fire") }
	x := &store.Execution{Arn: "arn:x", StateMachineArn: "sm", Status: "RUNNING"}
	if _, err := s.Commit(ctx, &store.Write{Create: x}); err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("Commit with a failing fsync: %v", err)
	}
	y := &store.Execution{Arn: "arn:y", StateMachineArn: "sm", Status: "RUNNING"}
	if _, err := s.Commit(ctx, &store.Write{Create: y}); err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("Commit after a failed fsync: %v", err)
	}
	if _, err := s.PutRecord(ctx, store.Record{Kind: "k", Key: "k"}, 0); err == nil {
		t.Fatal("PutRecord after a failed fsync: no error")
	}
}

func TestNoSyncSkipsFsync(t *testing.T) {
	s := openTemp(t, Options{NoSync: true})
	x := &store.Execution{Arn: "arn:x", StateMachineArn: "sm", Status: "RUNNING"}
	if _, err := s.Commit(context.Background(), &store.Write{Create: x}); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Syncs != 0 || st.Transactions != 1 {
		t.Fatalf("Stats: %+v", st)
	}
}
