package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sluice-run/sluice/internal/store"
)

var streamT0 = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

func streamEntries(stream string, n int, data func(i int) string) []store.StreamEntry {
	es := make([]store.StreamEntry, n)
	for i := range es {
		es[i] = store.StreamEntry{Stream: stream, Time: streamT0.Add(time.Duration(i) * time.Millisecond), Data: []byte(data(i))}
	}
	return es
}

func mustCommitT(t testing.TB, s *Store, ws ...*store.Write) {
	t.Helper()
	errs, err := s.Commit(context.Background(), ws...)
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestStreamQueryPlans(t *testing.T) {
	s := openTemp(t, Options{NoSync: true})
	db := rawDB(t, s.Path())
	for _, tc := range []struct {
		q    string
		args []any
	}{
		{writeSQL[stTrimEntries], []any{1, 2, 3}},
		{"SELECT seq, time, data FROM stream_entries WHERE stream_id = (SELECT id FROM streams WHERE name = ?) " +
			"AND (time, seq) > (?, ?) AND time < ? ORDER BY time, seq LIMIT ?", []any{"x", 1, 2, 3, 4}},
	} {
		rows, err := db.Query("EXPLAIN QUERY PLAN "+tc.q, tc.args...)
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
		if !strings.Contains(p, "USING COVERING INDEX stream_entries_time") && !strings.Contains(p, "USING INDEX stream_entries_time (stream_id=? AND (time,seq)>(?,?) AND time<?)") ||
			strings.Contains(p, "TEMP B-TREE") || strings.Contains(p, "SCAN stream_entries") {
			t.Errorf("%s\nplan: %s", tc.q, p)
		}
	}
}

// TestStreamChunks checks that trims and deletions remove at most
// streamChunk entries per transaction, and keep the counters right.
func TestStreamChunks(t *testing.T) {
	s := openTemp(t, Options{NoSync: true})
	ctx := context.Background()
	n := 2*streamChunk + 10
	mustCommitT(t, s, &store.Write{StreamEntries: streamEntries("a", n, func(i int) string { return "abc" })})
	mustCommitT(t, s, &store.Write{StreamEntries: streamEntries("b", streamChunk, func(i int) string { return "b" })})
	db := rawDB(t, s.Path())
	rowsOf := func(name string) int {
		t.Helper()
		var k int
		if err := db.QueryRow("SELECT count(*) FROM streams WHERE name = ?", name).Scan(&k); err != nil {
			t.Fatal(err)
		}
		return k
	}

	before := s.Stats().Transactions
	removed, err := s.TrimStream(ctx, "a", streamT0.Add(time.Duration(n-1)*time.Millisecond))
	if err != nil || removed != int64(n-1) {
		t.Fatalf("TrimStream: %d, %v", removed, err)
	}
	if got := s.Stats().Transactions - before; got != 3 {
		t.Errorf("trim of %d entries took %d transactions, want 3", n-1, got)
	}
	if st, _ := s.StreamStats(ctx, "a"); st.Entries != 1 || st.Bytes != 3 {
		t.Errorf("stats after trim: %+v", st)
	}
	// An emptied stream keeps its row (and its last Seq).
	if removed, err := s.TrimStream(ctx, "a", streamT0.Add(time.Hour)); err != nil || removed != 1 {
		t.Fatalf("TrimStream: %d, %v", removed, err)
	}
	if rowsOf("a") != 1 {
		t.Error("trim removed the stream's row")
	}

	// Exactly a chunk: the second change finds none left and removes the
	// stream.
	before = s.Stats().Transactions
	if err := s.DeleteStream(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if got := s.Stats().Transactions - before; got != 2 {
		t.Errorf("deletion of %d entries took %d transactions, want 2", streamChunk, got)
	}
	if rowsOf("b") != 0 {
		t.Error("DeleteStream left the stream's row")
	}
	// Fewer than a chunk: one change, which removes the stream.
	mustCommitT(t, s, &store.Write{StreamEntries: streamEntries("c", 5, func(i int) string { return "c" })})
	if err := s.DeleteStream(ctx, "c"); err != nil {
		t.Fatal(err)
	}
	if rowsOf("c") != 0 {
		t.Error("DeleteStream left the row of a short stream")
	}
	var left int
	if err := db.QueryRow("SELECT count(*) FROM stream_entries").Scan(&left); err != nil || left != 0 {
		t.Fatalf("entries left: %d, %v", left, err)
	}
}

// TestStreamRollback makes an entry fail after its Write appended others
// (with a trigger), the case in which the writer rolls the transaction
// back and runs the group again with savepoints.
func TestStreamRollback(t *testing.T) {
	s := openTemp(t, Options{NoSync: true})
	ctx := context.Background()
	db := rawDB(t, s.Path())
	if _, err := db.Exec(`CREATE TRIGGER fail_bad BEFORE INSERT ON stream_entries WHEN NEW.data = CAST('bad' AS BLOB)
		BEGIN SELECT RAISE(ABORT, 'bad entry'); END`); err != nil {
		t.Fatal(err)
	}
	e := func(data string) store.StreamEntry {
		return store.StreamEntry{Stream: "s", Time: streamT0, Data: []byte(data)}
	}
	x := &store.Execution{Arn: "arn:x", StateMachineArn: "sm", Status: "RUNNING", StartDate: streamT0}
	errs, err := s.Commit(ctx,
		&store.Write{StreamEntries: []store.StreamEntry{e("w0")}},
		&store.Write{Create: x, StreamEntries: []store.StreamEntry{e("w1"), {Stream: "other", Time: streamT0, Data: []byte("w1")}, e("bad")}},
		&store.Write{StreamEntries: []store.StreamEntry{e("w2")}},
	)
	if err != nil {
		t.Fatal(err)
	}
	if errs[0] != nil || errs[2] != nil || errs[1] == nil || !strings.Contains(errs[1].Error(), "bad entry") {
		t.Fatalf("errs: %v", errs)
	}
	got, _, err := s.ReadStream(ctx, "s", store.StreamRead{})
	if err != nil {
		t.Fatal(err)
	}
	var ds []string
	for _, e := range got {
		ds = append(ds, string(e.Data))
	}
	if !slices.Equal(ds, []string{"w0", "w2"}) {
		t.Fatalf("entries: %v", ds)
	}
	if st, _ := s.StreamStats(ctx, "s"); st.Entries != 2 || st.Bytes != 4 {
		t.Fatalf("stats: %+v", st)
	}
	if st, _ := s.StreamStats(ctx, "other"); st.Entries != 0 {
		t.Fatalf("stats of other: %+v", st)
	}
	if _, err := s.GetExecution(ctx, x.Arn); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("execution of the failed write: %v", err)
	}
}

// TestMigrateToStreams opens a database of schema version 1.
func TestMigrateToStreams(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.db")
	db := rawDB(t, path)
	if _, err := db.Exec(migrations[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA user_version = 1; INSERT INTO records (kind, key, parent, data, revision) VALUES ('k', 'old', '', x'7b7d', 1)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if r, err := s.GetRecord(ctx, "k", "old"); err != nil || string(r.Data) != "{}" {
		t.Fatalf("record of version 1: %+v, %v", r, err)
	}
	mustCommitT(t, s, &store.Write{StreamEntries: streamEntries("s", 3, func(i int) string { return fmt.Sprint(i) })})
	if st, err := s.StreamStats(ctx, "s"); err != nil || st.Entries != 3 {
		t.Fatalf("stats: %+v, %v", st, err)
	}
	s.Close()
	if v := userVersion(t, path); v != 2 {
		t.Fatalf("user_version %d, want 2", v)
	}
}
