// Package storetest is the conformance suite of store drivers. Every
// driver runs it from its own tests:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store { ... a new, empty store ... })
//	}
//
// The suite pins the semantics store.go documents, plus these, which every
// driver shares:
//
//   - Writes of one Commit are applied in order, each all or nothing.
//   - Within a Write, RemovePending is applied before AddPending.
//   - A duplicate batch Seq fails its Write with store.ErrExists.
//   - Byte slices read back as nil when they were written empty or nil.
//   - Times read back in UTC, at least to the millisecond.
//   - DeleteRecord of a missing record fails with store.ErrNotFound;
//     PutRecord with a revision on a missing record with store.ErrConflict;
//     ReadBatches of a missing execution with store.ErrNotFound.
//   - An invalid page token is an error.
//   - Stream entries of one stream appended by one Write get increasing
//     Seqs in slice order; a trimmed or emptied stream keeps counting.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/sluice-run/sluice/internal/store"
)

// Opener returns a new, empty store. The suite closes every store it opens
// (a second Close by the driver's own cleanup must be harmless).
type Opener func(t *testing.T) store.Store

// Run runs the conformance suite against the stores open returns. Its
// subtests run in parallel, each on its own store.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"Commit/CreateGet", testCreateGet},
		{"Commit/CreateMinimal", testCreateMinimal},
		{"Commit/CreateExists", testCreateExists},
		{"Commit/UpdateNotFound", testUpdateNotFound},
		{"Commit/UpdateReplaces", testUpdateReplaces},
		{"Commit/Batches", testBatches},
		{"Commit/DuplicateSeq", testDuplicateSeq},
		{"Commit/Invalid", testInvalid},
		{"Commit/Order", testOrder},
		{"Commit/GroupAtomicity", testGroupAtomicity},
		{"Commit/Empty", testEmpty},
		{"Commit/Canceled", testCanceled},
		{"Commit/Concurrent", testConcurrent},
		{"Commit/ConcurrentDuplicates", testConcurrentDuplicates},
		{"Commit/LargeValues", testLargeValues},
		{"Pending/AddReplaceRemove", testPending},
		{"Pending/ListByKind", testPendingKinds},
		{"Pending/RemoveThenAdd", testPendingRemoveThenAdd},
		{"Pending/Before", testPendingBefore},
		{"Pending/Of", testPendingOf},
		{"Records/InWrite", testRecordsInWrite},
		{"Records/PutRecord", testPutRecord},
		{"Records/Get", testGetRecord},
		{"Records/Delete", testDeleteRecord},
		{"Records/List", testListRecords},
		{"Records/ListPages", testListRecordPages},
		{"ListExecutions/Order", testListOrder},
		{"ListExecutions/Filters", testListFilters},
		{"ListExecutions/Pages", testListPages},
		{"ListExecutions/Limits", testListLimits},
		{"ListExecutions/StableAcrossInserts", testListStable},
		{"ListExecutions/InvalidToken", testListInvalidToken},
		{"RunningExecutions", testRunning},
		{"ReadBatches/NotFound", testReadBatchesNotFound},
		{"DeleteExecutions", testDeleteExecutions},
		{"Times", testTimes},
		{"Closed", testClosed},
		{"Streams/AppendRead", testStreamAppendRead},
		{"Streams/TimeRange", testStreamTimeRange},
		{"Streams/Pages", testStreamPages},
		{"Streams/PagesWhileWriting", testStreamPagesWhileWriting},
		{"Streams/Stats", testStreamStats},
		{"Streams/Trim", testStreamTrim},
		{"Streams/Delete", testStreamDelete},
		{"Streams/GroupAtomicity", testStreamGroupAtomicity},
		{"Streams/Invalid", testStreamInvalid},
		{"Streams/Concurrent", testStreamConcurrent},
		{"Streams/Canceled", testStreamCanceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			t.Cleanup(func() { _ = s.Close() })
			tc.fn(t, s)
		})
	}
}

// Reopener opens a Store on one database; every call after the first
// reopens the same data. The suite closes each Store before it opens the
// next.
type Reopener func(t *testing.T) store.Store

// RunReopen runs the persistence tests: newDB creates a new, empty
// database and returns the function that opens it.
func RunReopen(t *testing.T, newDB func(t *testing.T) Reopener) {
	t.Run("Reopen/Persists", func(t *testing.T) {
		t.Parallel()
		open := newDB(t)
		s := open(t)
		ctx := context.Background()
		ex := execution("arn:persist", "sm:a", 1)
		mustCommit(t, s, &store.Write{
			Create:     ex,
			Batches:    []store.Batch{batch(1, 1, "first"), batch(2, 3, "second")},
			AddPending: []store.Pending{{Exec: ex.Arn, Kind: "timer", Key: "t1", Due: at(5), Data: []byte("d")}},
			Records:    []store.Record{{Kind: "stateMachine", Key: "sm:a", Data: []byte(`{"a":1}`), Created: at(0)}},
		})
		rev, err := s.PutRecord(ctx, store.Record{Kind: "activity", Key: "act:1", Data: []byte(`{}`), Created: at(1)}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		want := *ex
		wantBatches := []store.Batch{batch(1, 1, "first"), batch(2, 3, "second")}
		for round := range 2 {
			s = open(t)
			got, err := s.GetExecution(ctx, ex.Arn)
			if err != nil {
				t.Fatalf("round %d: GetExecution: %v", round, err)
			}
			equalExecution(t, got, &want)
			bs, err := s.ReadBatches(ctx, ex.Arn, 0)
			if err != nil {
				t.Fatal(err)
			}
			equalBatches(t, bs, wantBatches)
			ps, err := s.ListPending(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) != 1 || ps[0].Key != "t1" || !ps[0].Due.Equal(at(5)) {
				t.Fatalf("round %d: pending %+v", round, ps)
			}
			r, err := s.GetRecord(ctx, "activity", "act:1")
			if err != nil || r.Revision != rev {
				t.Fatalf("round %d: GetRecord: %+v, %v", round, r, err)
			}
			// Keep writing across reopens.
			want.EventCount++
			b := batch(int64(3+round), 10, "more")
			wantBatches = append(wantBatches, b)
			mustCommit(t, s, &store.Write{Update: &want, Batches: []store.Batch{b}})
			if err := s.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
		}
		s = open(t)
		defer s.Close()
		bs, err := s.ReadBatches(ctx, ex.Arn, 0)
		if err != nil || len(bs) != 4 {
			t.Fatalf("after reopens: %d batches, %v", len(bs), err)
		}
	})
	t.Run("Reopen/Streams", func(t *testing.T) {
		t.Parallel()
		testStreamReopen(t, newDB(t))
	})
}

// --- helpers ---

// base is the time the suite's dates are relative to. Dates are whole
// milliseconds, the precision every driver keeps.
var base = time.Date(2025, 3, 14, 15, 9, 26, 535_000_000, time.UTC)

// at returns base plus sec seconds.
func at(sec int) time.Time { return base.Add(time.Duration(sec) * time.Second) }

func ptr[T any](v T) *T { return &v }

// execution returns a RUNNING execution of state machine sm started at
// at(start).
func execution(arn, sm string, start int) *store.Execution {
	return &store.Execution{
		Arn:             arn,
		StateMachineArn: sm,
		Name:            arn,
		Status:          "RUNNING",
		StartDate:       at(start),
		Input:           []byte(`{"in":true}`),
		DefinitionKey:   "def:" + sm,
		RoleArn:         "arn:aws:iam::123456789012:role/r",
		Engine:          1,
	}
}

func batch(seq, first int64, events string) store.Batch {
	b := store.Batch{Seq: seq, FirstEventID: first, EventCount: 1, Events: []byte(events)}
	if seq > 1 {
		b.Input = []byte(fmt.Sprintf(`{"input":%d}`, seq))
	}
	return b
}

func mustCommit(t testing.TB, s store.Store, ws ...*store.Write) {
	t.Helper()
	errs, err := s.Commit(context.Background(), ws...)
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	if len(errs) != len(ws) {
		t.Fatalf("Commit: %d errors for %d writes", len(errs), len(ws))
	}
	for i, e := range errs {
		if e != nil {
			t.Fatalf("Commit: write %d: %v", i, e)
		}
	}
}

// commit1 commits one write and returns its error.
func commit1(t testing.TB, s store.Store, w *store.Write) error {
	t.Helper()
	errs, err := s.Commit(context.Background(), w)
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	if len(errs) != 1 {
		t.Fatalf("Commit: %d errors for 1 write", len(errs))
	}
	return errs[0]
}

func wantErr(t testing.TB, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: got error %v, want %v", what, err, target)
	}
}

func equalTime(t testing.TB, field string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("%s: got %v, want %v", field, got, want)
	}
	if !got.IsZero() && got.Location() != time.UTC {
		t.Errorf("%s: got location %v, want UTC", field, got.Location())
	}
	if got.IsZero() != want.IsZero() {
		t.Errorf("%s: got zero %v, want zero %v", field, got.IsZero(), want.IsZero())
	}
}

func equalBytes(t testing.TB, field string, got, want []byte) {
	t.Helper()
	if !bytes.Equal(got, want) {
		t.Errorf("%s: got %q, want %q", field, got, want)
	}
	if len(want) == 0 && got != nil {
		t.Errorf("%s: got %q, want nil", field, got)
	}
}

func equalStrPtr(t testing.TB, field string, got, want *string) {
	t.Helper()
	switch {
	case got == nil && want == nil:
	case got == nil || want == nil:
		t.Errorf("%s: got %v, want %v", field, fmtPtr(got), fmtPtr(want))
	case *got != *want:
		t.Errorf("%s: got %q, want %q", field, *got, *want)
	}
}

func fmtPtr(p *string) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprintf("%q", *p)
}

// equalExecution compares every field of two executions.
func equalExecution(t testing.TB, got, want *store.Execution) {
	t.Helper()
	if got == nil {
		t.Fatalf("got nil execution, want %s", want.Arn)
	}
	g, w := *got, *want
	equalTime(t, "StartDate", g.StartDate, w.StartDate)
	equalTime(t, "StopDate", g.StopDate, w.StopDate)
	equalTime(t, "RedriveDate", g.RedriveDate, w.RedriveDate)
	equalBytes(t, "Input", g.Input, w.Input)
	equalBytes(t, "Output", g.Output, w.Output)
	equalStrPtr(t, "Error", g.Error, w.Error)
	equalStrPtr(t, "Cause", g.Cause, w.Cause)
	for _, x := range []*store.Execution{&g, &w} {
		x.StartDate, x.StopDate, x.RedriveDate = time.Time{}, time.Time{}, time.Time{}
		x.Input, x.Output, x.Error, x.Cause = nil, nil, nil, nil
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("execution %s:\n got %+v\nwant %+v", want.Arn, g, w)
	}
}

func equalBatches(t testing.TB, got, want []store.Batch) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d batches, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Seq != w.Seq || g.FirstEventID != w.FirstEventID || g.EventCount != w.EventCount {
			t.Errorf("batch %d: got Seq %d FirstEventID %d EventCount %d, want %d %d %d",
				i, g.Seq, g.FirstEventID, g.EventCount, w.Seq, w.FirstEventID, w.EventCount)
		}
		equalBytes(t, fmt.Sprintf("batch %d Events", i), g.Events, w.Events)
		equalBytes(t, fmt.Sprintf("batch %d Input", i), g.Input, w.Input)
	}
}

func arns(xs []*store.Execution) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = x.Arn
	}
	return out
}

func keys(rs []store.Record) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Key
	}
	return out
}

func pendingKeys(ps []store.Pending) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Exec + "/" + p.Kind + "/" + p.Key
	}
	return out
}

func listAll(t testing.TB, s store.Store, f store.ExecutionFilter, limit int) []string {
	t.Helper()
	var out []string
	tok := ""
	for pages := 0; ; pages++ {
		if pages > 10000 {
			t.Fatal("too many pages")
		}
		xs, next, err := s.ListExecutions(context.Background(), f, store.Page{Limit: limit, Token: tok})
		if err != nil {
			t.Fatalf("ListExecutions(%+v, %q): %v", f, tok, err)
		}
		if limit > 0 && len(xs) > limit {
			t.Fatalf("page of %d, limit %d", len(xs), limit)
		}
		out = append(out, arns(xs)...)
		if next == "" {
			return out
		}
		if len(xs) == 0 {
			t.Fatal("empty page with a NextToken")
		}
		tok = next
	}
}

func mustGet(t testing.TB, s store.Store, arn string) *store.Execution {
	t.Helper()
	x, err := s.GetExecution(context.Background(), arn)
	if err != nil {
		t.Fatalf("GetExecution(%s): %v", arn, err)
	}
	return x
}

func mustPending(t testing.TB, s store.Store, kind string) []store.Pending {
	t.Helper()
	ps, err := s.ListPending(context.Background(), kind)
	if err != nil {
		t.Fatalf("ListPending(%q): %v", kind, err)
	}
	return ps
}

func mustBatches(t testing.TB, s store.Store, arn string, from int64) []store.Batch {
	t.Helper()
	bs, err := s.ReadBatches(context.Background(), arn, from)
	if err != nil {
		t.Fatalf("ReadBatches(%s, %d): %v", arn, from, err)
	}
	return bs
}

// --- Commit ---

func fullExecution() *store.Execution {
	return &store.Execution{
		Arn:             "arn:aws:states:us-east-1:123456789012:execution:sm:full",
		StateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:sm",
		VersionArn:      "arn:aws:states:us-east-1:123456789012:stateMachine:sm:3",
		AliasArn:        "arn:aws:states:us-east-1:123456789012:stateMachine:sm:prod",
		Name:            "full",
		Status:          "FAILED",
		StartDate:       at(0),
		StopDate:        at(90),
		Input:           []byte(`{"x":[1,2,3]}`),
		Output:          []byte(`{"y":"z"}`),
		Error:           ptr("States.TaskFailed"),
		Cause:           ptr(""),
		DefinitionKey:   "definition:abc",
		RoleArn:         "arn:aws:iam::123456789012:role/r",
		TraceHeader:     "Root=1-abc",
		Seed:            ^uint64(0) - 7,
		Engine:          3,
		RedriveCount:    2,
		RedriveDate:     at(60),
		Parent:          "arn:aws:states:us-east-1:123456789012:execution:parent:p",
		ParentTask:      1 << 40,
		MapRunArn:       "arn:aws:states:us-east-1:123456789012:mapRun:sm/m:1",
		MapRunIndex:     77,
		EventCount:      12345,
		Batches:         17,
	}
}

func testCreateGet(t *testing.T, s store.Store) {
	x := fullExecution()
	mustCommit(t, s, &store.Write{Create: x})
	equalExecution(t, mustGet(t, s, x.Arn), x)
	// The store does not keep the caller's slices or pointers.
	x2 := fullExecution()
	x.Input[0] = 'X'
	*x.Error = "changed"
	equalExecution(t, mustGet(t, s, x.Arn), x2)

	_, err := s.GetExecution(context.Background(), "arn:missing")
	wantErr(t, "GetExecution(missing)", err, store.ErrNotFound)
}

func testCreateMinimal(t *testing.T, s store.Store) {
	x := &store.Execution{Arn: "arn:min", StateMachineArn: "sm", Status: "RUNNING", StartDate: at(1)}
	mustCommit(t, s, &store.Write{Create: x})
	equalExecution(t, mustGet(t, s, x.Arn), x)
	bs := mustBatches(t, s, x.Arn, 0)
	if len(bs) != 0 {
		t.Fatalf("got %d batches, want none", len(bs))
	}
	// Empty byte slices read back as nil.
	y := &store.Execution{Arn: "arn:empty", StateMachineArn: "sm", Status: "RUNNING", StartDate: at(1),
		Input: []byte{}, Output: []byte{}}
	mustCommit(t, s, &store.Write{Create: y})
	got := mustGet(t, s, y.Arn)
	if got.Input != nil || got.Output != nil {
		t.Fatalf("empty Input/Output read back as %q/%q, want nil", got.Input, got.Output)
	}
}

func testCreateExists(t *testing.T, s store.Store) {
	ctx := context.Background()
	x := execution("arn:x", "sm", 1)
	mustCommit(t, s, &store.Write{Create: x, Batches: []store.Batch{batch(1, 1, "orig")}})
	dup := execution("arn:x", "sm-other", 2)
	dup.Status = "SUCCEEDED"
	err := commit1(t, s, &store.Write{
		Create:     dup,
		Batches:    []store.Batch{batch(2, 2, "dup")},
		AddPending: []store.Pending{{Exec: "arn:x", Kind: "timer", Key: "dup"}},
		Records:    []store.Record{{Kind: "k", Key: "dup"}},
	})
	wantErr(t, "Create(existing)", err, store.ErrExists)
	equalExecution(t, mustGet(t, s, x.Arn), x)
	equalBatches(t, mustBatches(t, s, x.Arn, 0), []store.Batch{batch(1, 1, "orig")})
	if ps := mustPending(t, s, ""); len(ps) != 0 {
		t.Fatalf("pending of failed write written: %v", pendingKeys(ps))
	}
	_, err = s.GetRecord(ctx, "k", "dup")
	wantErr(t, "record of failed write", err, store.ErrNotFound)
}

func testUpdateNotFound(t *testing.T, s store.Store) {
	ctx := context.Background()
	err := commit1(t, s, &store.Write{
		Update:     execution("arn:none", "sm", 1),
		Batches:    []store.Batch{batch(1, 1, "e")},
		AddPending: []store.Pending{{Exec: "arn:none", Kind: "timer", Key: "t"}},
		Records:    []store.Record{{Kind: "k", Key: "r"}},
	})
	wantErr(t, "Update(missing)", err, store.ErrNotFound)
	_, err = s.GetExecution(ctx, "arn:none")
	wantErr(t, "GetExecution after failed update", err, store.ErrNotFound)
	if ps := mustPending(t, s, ""); len(ps) != 0 {
		t.Fatalf("pending of failed write written: %v", pendingKeys(ps))
	}
	_, err = s.GetRecord(ctx, "k", "r")
	wantErr(t, "record of failed write", err, store.ErrNotFound)
}

func testUpdateReplaces(t *testing.T, s store.Store) {
	x := fullExecution()
	mustCommit(t, s, &store.Write{Create: x})

	// Replace every field, including those the listings filter on.
	u := &store.Execution{
		Arn:             x.Arn,
		StateMachineArn: "sm:new",
		Name:            "renamed",
		Status:          "SUCCEEDED",
		StartDate:       at(5),
		StopDate:        at(6),
		Input:           []byte(`"new input"`),
		Output:          []byte(`"out"`),
		Seed:            1,
		EventCount:      3,
		Batches:         1,
	}
	mustCommit(t, s, &store.Write{Update: u})
	equalExecution(t, mustGet(t, s, x.Arn), u)
	for _, f := range []store.ExecutionFilter{
		{StateMachineArn: x.StateMachineArn}, {VersionArn: x.VersionArn}, {AliasArn: x.AliasArn},
		{MapRunArn: x.MapRunArn}, {Parent: x.Parent}, {Status: "FAILED"},
	} {
		if got := listAll(t, s, f, 0); len(got) != 0 {
			t.Errorf("ListExecutions(%+v) after update: %v, want none", f, got)
		}
	}
	for _, f := range []store.ExecutionFilter{{StateMachineArn: "sm:new"}, {Status: "SUCCEEDED"}} {
		if got := listAll(t, s, f, 0); !slices.Equal(got, []string{x.Arn}) {
			t.Errorf("ListExecutions(%+v) after update: %v", f, got)
		}
	}

	// Only the non-indexed fields change.
	u2 := *u
	u2.EventCount = 99
	u2.Error = ptr("e")
	u2.Output = nil
	mustCommit(t, s, &store.Write{Update: &u2})
	equalExecution(t, mustGet(t, s, x.Arn), &u2)

	// Back to the full execution.
	mustCommit(t, s, &store.Write{Update: fullExecution()})
	equalExecution(t, mustGet(t, s, x.Arn), fullExecution())
	if got := listAll(t, s, store.ExecutionFilter{MapRunArn: x.MapRunArn, Status: "FAILED"}, 0); !slices.Equal(got, []string{x.Arn}) {
		t.Errorf("ListExecutions after second update: %v", got)
	}
}

func testBatches(t *testing.T, s store.Store) {
	x := execution("arn:b", "sm", 1)
	want := []store.Batch{
		{Seq: 1, FirstEventID: 1, EventCount: 3, Events: []byte("a\nb\nc\n")},
		{Seq: 2, FirstEventID: 4, EventCount: 1, Events: []byte("d\n"), Input: []byte(`{"i":2}`)},
		{Seq: 3, FirstEventID: 5, EventCount: 2, Events: []byte("e\nf\n"), Input: []byte(`{"i":3}`)},
		{Seq: 4, FirstEventID: 7, EventCount: 0},
	}
	mustCommit(t, s, &store.Write{Create: x, Batches: want[:1]})
	x.EventCount = 4
	mustCommit(t, s, &store.Write{Update: x, Batches: want[1:2]})
	x.EventCount = 6
	mustCommit(t, s, &store.Write{Update: x, Batches: want[2:]})
	// Another execution's batches do not mix in.
	y := execution("arn:b2", "sm", 1)
	mustCommit(t, s, &store.Write{Create: y, Batches: []store.Batch{batch(1, 1, "y1"), batch(2, 2, "y2")}})

	for _, tc := range []struct {
		from int64
		want []store.Batch
	}{
		{-5, want}, {0, want}, {1, want}, {2, want[1:]}, {4, want[3:]}, {5, nil}, {1000, nil},
	} {
		got := mustBatches(t, s, x.Arn, tc.from)
		equalBatches(t, got, tc.want)
	}
	equalBatches(t, mustBatches(t, s, y.Arn, 2), []store.Batch{batch(2, 2, "y2")})
}

func testDuplicateSeq(t *testing.T, s store.Store) {
	x := execution("arn:d", "sm", 1)
	mustCommit(t, s, &store.Write{Create: x, Batches: []store.Batch{batch(1, 1, "one"), batch(2, 2, "two")}})

	u := *x
	u.Status = "SUCCEEDED"
	u.EventCount = 100
	for _, bs := range [][]store.Batch{
		{batch(2, 3, "again")},
		{batch(3, 3, "three"), batch(1, 4, "one again")},
		{batch(3, 3, "three"), batch(3, 4, "three again")},
	} {
		err := commit1(t, s, &store.Write{
			Update:     &u,
			Batches:    bs,
			AddPending: []store.Pending{{Exec: x.Arn, Kind: "timer", Key: "t"}},
			Records:    []store.Record{{Kind: "k", Key: "r"}},
		})
		wantErr(t, "duplicate Seq", err, store.ErrExists)
		equalExecution(t, mustGet(t, s, x.Arn), x)
		equalBatches(t, mustBatches(t, s, x.Arn, 0), []store.Batch{batch(1, 1, "one"), batch(2, 2, "two")})
		if ps := mustPending(t, s, ""); len(ps) != 0 {
			t.Fatalf("pending of failed write written: %v", pendingKeys(ps))
		}
		_, err = s.GetRecord(context.Background(), "k", "r")
		wantErr(t, "record of failed write", err, store.ErrNotFound)
	}
	// Seq 3 is still free.
	mustCommit(t, s, &store.Write{Update: &u, Batches: []store.Batch{batch(3, 3, "three")}})

	// A write failing this way amid others leaves them alone.
	a, b := execution("arn:d:a", "sm", 2), execution("arn:d:b", "sm", 3)
	errs, err := s.Commit(context.Background(),
		&store.Write{Create: a, Batches: []store.Batch{batch(1, 1, "a")}},
		&store.Write{Update: &u, Batches: []store.Batch{batch(4, 4, "four"), batch(4, 5, "four again")},
			AddPending: []store.Pending{{Exec: x.Arn, Kind: "timer", Key: "bad"}}},
		&store.Write{Create: b, Batches: []store.Batch{batch(1, 1, "b")},
			AddPending: []store.Pending{{Exec: b.Arn, Kind: "timer", Key: "b"}}},
		&store.Write{Create: a},
	)
	if err != nil {
		t.Fatal(err)
	}
	if errs[0] != nil || errs[2] != nil {
		t.Fatalf("good writes beside a duplicate Seq: %v", errs)
	}
	wantErr(t, "duplicate Seq in a group", errs[1], store.ErrExists)
	wantErr(t, "create after create in a group", errs[3], store.ErrExists)
	equalBatches(t, mustBatches(t, s, a.Arn, 0), []store.Batch{batch(1, 1, "a")})
	equalBatches(t, mustBatches(t, s, b.Arn, 0), []store.Batch{batch(1, 1, "b")})
	if got := pendingKeys(mustPending(t, s, "")); !slices.Equal(got, []string{"arn:d:b/timer/b"}) {
		t.Fatalf("pending: %v", got)
	}
	if bs := mustBatches(t, s, x.Arn, 4); len(bs) != 0 {
		t.Fatalf("batches of the failed write: %+v", bs)
	}

	// The same change again, now valid, is applied in full (a driver
	// must not remember anything of the failed write).
	equalExecution(t, mustGet(t, s, x.Arn), &u)
	v := u
	v.Status = "FAILED"
	v.Output = []byte(`"changed"`)
	v.MapRunArn = "mr"
	for _, seq := range []int64{1, 4} {
		err := commit1(t, s, &store.Write{Update: &v, Batches: []store.Batch{batch(seq, 9, "x")}})
		if seq == 1 {
			wantErr(t, "duplicate Seq", err, store.ErrExists)
		} else if err != nil {
			t.Fatal(err)
		}
	}
	equalExecution(t, mustGet(t, s, x.Arn), &v)
	if got := listAll(t, s, store.ExecutionFilter{Status: "FAILED", MapRunArn: "mr"}, 0); !slices.Equal(got, []string{x.Arn}) {
		t.Fatalf("listing by the new status: %v", got)
	}
}

func testInvalid(t *testing.T, s store.Store) {
	ok := execution("arn:ok", "sm", 1)
	both := execution("arn:both", "sm", 1)
	errs, err := s.Commit(context.Background(),
		nil,
		&store.Write{Create: both, Update: both},
		&store.Write{Batches: []store.Batch{batch(1, 1, "orphan")}},
		&store.Write{Create: &store.Execution{StateMachineArn: "sm", Status: "RUNNING", StartDate: at(1)}},
		&store.Write{Create: ok},
	)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range errs[:4] {
		if e == nil {
			t.Errorf("invalid write %d: no error", i)
		}
	}
	if errs[4] != nil {
		t.Errorf("valid write beside invalid ones: %v", errs[4])
	}
	mustGet(t, s, ok.Arn)
	_, err = s.GetExecution(context.Background(), both.Arn)
	wantErr(t, "GetExecution of invalid write", err, store.ErrNotFound)
}

func testOrder(t *testing.T, s store.Store) {
	x := execution("arn:o", "sm", 1)
	u := *x
	u.Status = "SUCCEEDED"
	errs, err := s.Commit(context.Background(),
		&store.Write{Update: &u},
		&store.Write{Create: x, Batches: []store.Batch{batch(1, 1, "1")}},
		&store.Write{Update: &u, Batches: []store.Batch{batch(2, 2, "2")}},
	)
	if err != nil {
		t.Fatal(err)
	}
	wantErr(t, "update before create", errs[0], store.ErrNotFound)
	if errs[1] != nil || errs[2] != nil {
		t.Fatalf("create, update: %v, %v", errs[1], errs[2])
	}
	equalExecution(t, mustGet(t, s, x.Arn), &u)
	if bs := mustBatches(t, s, x.Arn, 0); len(bs) != 2 {
		t.Fatalf("%d batches, want 2", len(bs))
	}
}

func testGroupAtomicity(t *testing.T, s store.Store) {
	ctx := context.Background()
	mustCommit(t, s, &store.Write{Create: execution("arn:taken", "sm", 0)})
	a, b := execution("arn:a", "sm", 1), execution("arn:b", "sm", 2)
	errs, err := s.Commit(ctx,
		&store.Write{Create: a, Batches: []store.Batch{batch(1, 1, "a")},
			AddPending: []store.Pending{{Exec: a.Arn, Kind: "timer", Key: "a"}}},
		&store.Write{Create: execution("arn:taken", "sm2", 5), Batches: []store.Batch{batch(1, 1, "bad")},
			AddPending:    []store.Pending{{Exec: "arn:taken", Kind: "timer", Key: "bad"}},
			RemovePending: []store.PendingKey{{Exec: a.Arn, Kind: "timer", Key: "a"}},
			Records:       []store.Record{{Kind: "k", Key: "bad"}}},
		&store.Write{Create: b, Batches: []store.Batch{batch(1, 1, "b")},
			AddPending: []store.Pending{{Exec: b.Arn, Kind: "timer", Key: "b"}},
			Records:    []store.Record{{Kind: "k", Key: "good"}}},
	)
	if err != nil {
		t.Fatal(err)
	}
	if errs[0] != nil || errs[2] != nil {
		t.Fatalf("good writes failed: %v", errs)
	}
	wantErr(t, "bad write", errs[1], store.ErrExists)
	if got := pendingKeys(mustPending(t, s, "")); !slices.Equal(got, []string{"arn:a/timer/a", "arn:b/timer/b"}) {
		t.Fatalf("pending: %v", got)
	}
	if bs := mustBatches(t, s, "arn:taken", 0); len(bs) != 0 {
		t.Fatalf("batches of failed write: %+v", bs)
	}
	if _, err := s.GetRecord(ctx, "k", "bad"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("record of failed write: %v", err)
	}
	if _, err := s.GetRecord(ctx, "k", "good"); err != nil {
		t.Fatalf("record of good write: %v", err)
	}
	equalBatches(t, mustBatches(t, s, b.Arn, 0), []store.Batch{batch(1, 1, "b")})
}

func testEmpty(t *testing.T, s store.Store) {
	errs, err := s.Commit(context.Background())
	if err != nil || len(errs) != 0 {
		t.Fatalf("Commit(): %v, %v", errs, err)
	}
	mustCommit(t, s, &store.Write{})
}

func testCanceled(t *testing.T, s store.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	x := execution("arn:c", "sm", 1)
	_, err := s.Commit(ctx, &store.Write{Create: x})
	wantErr(t, "Commit(canceled)", err, context.Canceled)
	_, err = s.GetExecution(context.Background(), x.Arn)
	wantErr(t, "GetExecution after canceled Commit", err, store.ErrNotFound)
	_, err = s.PutRecord(ctx, store.Record{Kind: "k", Key: "c"}, 0)
	wantErr(t, "PutRecord(canceled)", err, context.Canceled)
}

func testConcurrent(t *testing.T, s store.Store) {
	const goroutines, perG = 16, 20
	ctx := context.Background()
	var wg sync.WaitGroup
	errc := make(chan error, goroutines)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perG {
				arn := fmt.Sprintf("arn:g%d:%d", g, i)
				x := execution(arn, fmt.Sprintf("sm%d", g%4), i)
				errs, err := s.Commit(ctx, &store.Write{Create: x, Batches: []store.Batch{batch(1, 1, arn)},
					AddPending: []store.Pending{{Exec: arn, Kind: "task", Key: "1"}}})
				if err == nil {
					err = errs[0]
				}
				if err != nil {
					errc <- err
					return
				}
				x.Status = "SUCCEEDED"
				x.EventCount = 2
				errs, err = s.Commit(ctx, &store.Write{Update: x, Batches: []store.Batch{batch(2, 2, arn)},
					RemovePending: []store.PendingKey{{Exec: arn, Kind: "task", Key: "1"}}})
				if err == nil {
					err = errs[0]
				}
				if err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	// Read while writing.
	stop := make(chan struct{})
	var rg sync.WaitGroup
	rg.Add(1)
	go func() {
		defer rg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, _, err := s.ListExecutions(ctx, store.ExecutionFilter{StateMachineArn: "sm1"}, store.Page{Limit: 10}); err != nil {
				errc <- err
				return
			}
		}
	}()
	wg.Wait()
	close(stop)
	rg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	if got := listAll(t, s, store.ExecutionFilter{Status: "SUCCEEDED"}, 37); len(got) != goroutines*perG {
		t.Fatalf("%d executions, want %d", len(got), goroutines*perG)
	}
	if ps := mustPending(t, s, ""); len(ps) != 0 {
		t.Fatalf("pending left: %v", pendingKeys(ps))
	}
	for g := range goroutines {
		arn := fmt.Sprintf("arn:g%d:%d", g, perG-1)
		equalBatches(t, mustBatches(t, s, arn, 0), []store.Batch{batch(1, 1, arn), batch(2, 2, arn)})
	}
}

func testConcurrentDuplicates(t *testing.T, s store.Store) {
	const goroutines, arnCount = 8, 10
	ctx := context.Background()
	var wg sync.WaitGroup
	var mu sync.Mutex
	winners := map[string]int{}
	var failed error
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range arnCount {
				arn := fmt.Sprintf("arn:dup:%d", i)
				errs, err := s.Commit(ctx, &store.Write{
					Create:     execution(arn, "sm", g),
					Batches:    []store.Batch{batch(1, 1, fmt.Sprint(g))},
					AddPending: []store.Pending{{Exec: arn, Kind: "timer", Key: fmt.Sprint(g)}},
				})
				mu.Lock()
				switch {
				case err != nil:
					failed = err
				case errs[0] == nil:
					winners[arn] = g
				case !errors.Is(errs[0], store.ErrExists):
					failed = errs[0]
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if failed != nil {
		t.Fatal(failed)
	}
	if len(winners) != arnCount {
		t.Fatalf("%d ARNs created, want %d", len(winners), arnCount)
	}
	ps := mustPending(t, s, "timer")
	if len(ps) != arnCount {
		t.Fatalf("%d pending items, want one per ARN: %v", len(ps), pendingKeys(ps))
	}
	for _, p := range ps {
		if p.Key != fmt.Sprint(winners[p.Exec]) {
			t.Errorf("pending %s/%s of a losing write", p.Exec, p.Key)
		}
		bs := mustBatches(t, s, p.Exec, 0)
		if len(bs) != 1 || string(bs[0].Events) != p.Key {
			t.Errorf("batches of %s: %+v, want the winner's", p.Exec, bs)
		}
		x := mustGet(t, s, p.Exec)
		if !x.StartDate.Equal(at(winners[p.Exec])) {
			t.Errorf("execution %s is not the winner's", p.Exec)
		}
	}
}

func testLargeValues(t *testing.T, s store.Store) {
	big := bytes.Repeat([]byte("0123456789abcdef"), 256*1024/16)
	x := execution("arn:big", "sm", 1)
	x.Input = big
	mustCommit(t, s, &store.Write{Create: x, Batches: []store.Batch{{Seq: 1, FirstEventID: 1, EventCount: 1, Events: big}}})
	u := *x
	u.Output = big[:1000]
	u.Status = "SUCCEEDED"
	mustCommit(t, s, &store.Write{Update: &u})
	equalExecution(t, mustGet(t, s, x.Arn), &u)
	bs := mustBatches(t, s, x.Arn, 1)
	if len(bs) != 1 || !bytes.Equal(bs[0].Events, big) {
		t.Fatal("large batch does not read back")
	}
}

// --- Pending ---

func testPending(t *testing.T, s store.Store) {
	mustCommit(t, s, &store.Write{AddPending: []store.Pending{
		{Exec: "e1", Kind: "timer", Key: "1", Due: at(10), Group: "g", Data: []byte("one")},
		{Exec: "e1", Kind: "timer", Key: "2", Due: at(5)},
		{Exec: "e2", Kind: "task", Key: "1", Data: []byte("task")},
	}})
	ps := mustPending(t, s, "timer")
	if len(ps) != 2 {
		t.Fatalf("timers: %v", pendingKeys(ps))
	}
	slices.SortFunc(ps, func(a, b store.Pending) int { return cmpStr(a.Key, b.Key) })
	p := ps[0]
	if p.Exec != "e1" || p.Kind != "timer" || p.Key != "1" || p.Group != "g" || string(p.Data) != "one" {
		t.Fatalf("pending: %+v", p)
	}
	equalTime(t, "Due", p.Due, at(10))
	equalTime(t, "Due", ps[1].Due, at(5))
	equalBytes(t, "Data", ps[1].Data, nil)

	// Replace (Exec, Kind, Key).
	mustCommit(t, s, &store.Write{AddPending: []store.Pending{{Exec: "e1", Kind: "timer", Key: "1", Due: at(20), Data: []byte("new")}}})
	ps = mustPending(t, s, "timer")
	if len(ps) != 2 {
		t.Fatalf("after replace: %v", pendingKeys(ps))
	}
	for _, p := range ps {
		if p.Key == "1" {
			equalTime(t, "replaced Due", p.Due, at(20))
			equalBytes(t, "replaced Data", p.Data, []byte("new"))
			if p.Group != "" {
				t.Errorf("replaced Group: %q", p.Group)
			}
		}
	}

	// Remove, including items that do not exist.
	mustCommit(t, s, &store.Write{RemovePending: []store.PendingKey{
		{Exec: "e1", Kind: "timer", Key: "1"},
		{Exec: "e1", Kind: "timer", Key: "missing"},
		{Exec: "nope", Kind: "x", Key: "y"},
		{Exec: "e2", Kind: "timer", Key: "1"}, // wrong kind
	}})
	if got := pendingKeys(mustPending(t, s, "")); !slices.Equal(sorted(got), []string{"e1/timer/2", "e2/task/1"}) {
		t.Fatalf("after remove: %v", got)
	}
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}

func testPendingKinds(t *testing.T, s store.Store) {
	var add []store.Pending
	for i, kind := range []string{"timer", "task", "activity", "callback", "timer", "task"} {
		add = append(add, store.Pending{Exec: fmt.Sprintf("e%d", i), Kind: kind, Key: "k", Group: "arn:activity:" + kind})
	}
	mustCommit(t, s, &store.Write{AddPending: add})
	for kind, want := range map[string][]string{
		"timer":    {"e0/timer/k", "e4/timer/k"},
		"task":     {"e1/task/k", "e5/task/k"},
		"activity": {"e2/activity/k"},
		"callback": {"e3/callback/k"},
		"other":    {},
	} {
		got := pendingKeys(mustPending(t, s, kind))
		if !slices.Equal(sorted(got), want) {
			t.Errorf("ListPending(%q): %v, want %v", kind, got, want)
		}
	}
	if got := mustPending(t, s, ""); len(got) != len(add) {
		t.Errorf("ListPending(\"\"): %d items, want %d", len(got), len(add))
	}
}

func testPendingRemoveThenAdd(t *testing.T, s store.Store) {
	mustCommit(t, s, &store.Write{AddPending: []store.Pending{{Exec: "e", Kind: "timer", Key: "t", Due: at(1)}}})
	mustCommit(t, s, &store.Write{
		RemovePending: []store.PendingKey{{Exec: "e", Kind: "timer", Key: "t"}},
		AddPending:    []store.Pending{{Exec: "e", Kind: "timer", Key: "t", Due: at(2)}},
	})
	ps := mustPending(t, s, "timer")
	if len(ps) != 1 {
		t.Fatalf("pending: %v", pendingKeys(ps))
	}
	equalTime(t, "Due", ps[0].Due, at(2))
}

// --- Records ---

func equalRecord(t testing.TB, got, want store.Record) {
	t.Helper()
	equalTime(t, "Created", got.Created, want.Created)
	equalBytes(t, "Data", got.Data, want.Data)
	if got.Kind != want.Kind || got.Key != want.Key || got.Parent != want.Parent || got.Revision != want.Revision {
		t.Errorf("record: got %s/%s parent %q rev %d, want %s/%s parent %q rev %d",
			got.Kind, got.Key, got.Parent, got.Revision, want.Kind, want.Key, want.Parent, want.Revision)
	}
}

func mustRecord(t testing.TB, s store.Store, kind, key string) store.Record {
	t.Helper()
	r, err := s.GetRecord(context.Background(), kind, key)
	if err != nil {
		t.Fatalf("GetRecord(%s, %s): %v", kind, key, err)
	}
	return r
}

func testRecordsInWrite(t *testing.T, s store.Store) {
	ctx := context.Background()
	r := store.Record{Kind: "mapRun", Key: "arn:mr", Parent: "arn:exec", Data: []byte(`{"n":1}`), Created: at(1)}
	mustCommit(t, s, &store.Write{Records: []store.Record{r}})
	r.Revision = 1
	equalRecord(t, mustRecord(t, s, r.Kind, r.Key), r)

	r2 := r
	r2.Data = []byte(`{"n":2}`)
	r2.Parent = ""
	r2.Revision = 99 // ignored: Records are put unconditionally
	mustCommit(t, s, &store.Write{Records: []store.Record{r2}})
	r2.Revision = 2
	equalRecord(t, mustRecord(t, s, r.Kind, r.Key), r2)

	// PutRecord continues from the revision the writes left.
	if _, err := s.PutRecord(ctx, r2, 1); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("PutRecord(stale revision): %v", err)
	}
	rev, err := s.PutRecord(ctx, r2, 2)
	if err != nil || rev != 3 {
		t.Fatalf("PutRecord(current revision): %d, %v", rev, err)
	}
}

func testPutRecord(t *testing.T, s store.Store) {
	ctx := context.Background()
	r := store.Record{Kind: "stateMachine", Key: "arn:sm", Data: []byte(`{"v":1}`), Created: at(3)}
	rev, err := s.PutRecord(ctx, r, 0)
	if err != nil || rev != 1 {
		t.Fatalf("insert: %d, %v", rev, err)
	}
	_, err = s.PutRecord(ctx, r, 0)
	wantErr(t, "insert again", err, store.ErrExists)

	r.Data = []byte(`{"v":2}`)
	r.Parent = "p"
	rev, err = s.PutRecord(ctx, r, 1)
	if err != nil || rev != 2 {
		t.Fatalf("update: %d, %v", rev, err)
	}
	for _, stale := range []int64{1, 3, 100} {
		_, err = s.PutRecord(ctx, store.Record{Kind: r.Kind, Key: r.Key, Data: []byte("lost")}, stale)
		wantErr(t, fmt.Sprintf("update at revision %d", stale), err, store.ErrConflict)
	}
	r.Revision = 2
	equalRecord(t, mustRecord(t, s, r.Kind, r.Key), r)

	_, err = s.PutRecord(ctx, store.Record{Kind: "stateMachine", Key: "arn:none"}, 4)
	wantErr(t, "update of missing record", err, store.ErrConflict)
	_, err = s.GetRecord(ctx, "stateMachine", "arn:none")
	wantErr(t, "GetRecord after failed update", err, store.ErrNotFound)

	// Concurrent read-modify-write: exactly one winner per revision.
	const goroutines = 8
	var wg sync.WaitGroup
	wins := make(chan int64, goroutines)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rv, err := s.PutRecord(ctx, store.Record{Kind: r.Kind, Key: r.Key, Data: []byte(fmt.Sprint(g))}, 2)
			if err == nil {
				wins <- rv
			} else if !errors.Is(err, store.ErrConflict) {
				t.Errorf("concurrent PutRecord: %v", err)
			}
		}()
	}
	wg.Wait()
	close(wins)
	n := 0
	for rv := range wins {
		n++
		if rv != 3 {
			t.Errorf("winner got revision %d, want 3", rv)
		}
	}
	if n != 1 {
		t.Fatalf("%d winners, want 1", n)
	}
}

func testGetRecord(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := store.Record{Kind: "activity", Key: "same", Data: []byte("activity")}
	b := store.Record{Kind: "stateMachine", Key: "same", Data: []byte("sm")}
	for _, r := range []store.Record{a, b} {
		if _, err := s.PutRecord(ctx, r, 0); err != nil {
			t.Fatal(err)
		}
	}
	a.Revision, b.Revision = 1, 1
	equalRecord(t, mustRecord(t, s, "activity", "same"), a)
	equalRecord(t, mustRecord(t, s, "stateMachine", "same"), b)
	_, err := s.GetRecord(ctx, "alias", "same")
	wantErr(t, "GetRecord(other kind)", err, store.ErrNotFound)
}

func testDeleteRecord(t *testing.T, s store.Store) {
	ctx := context.Background()
	if _, err := s.PutRecord(ctx, store.Record{Kind: "k", Key: "a"}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutRecord(ctx, store.Record{Kind: "k2", Key: "a"}, 0); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteRecord(ctx, "k", "a"); err != nil {
		t.Fatal(err)
	}
	_, err := s.GetRecord(ctx, "k", "a")
	wantErr(t, "GetRecord after delete", err, store.ErrNotFound)
	mustRecord(t, s, "k2", "a")
	wantErr(t, "DeleteRecord again", s.DeleteRecord(ctx, "k", "a"), store.ErrNotFound)
	// A deleted key can be inserted again, from revision 1.
	rev, err := s.PutRecord(ctx, store.Record{Kind: "k", Key: "a"}, 0)
	if err != nil || rev != 1 {
		t.Fatalf("reinsert: %d, %v", rev, err)
	}
}

func testListRecords(t *testing.T, s store.Store) {
	ctx := context.Background()
	var ws []store.Record
	for _, k := range []string{"c", "a", "e", "b", "d"} {
		parent := "p1"
		if k == "b" || k == "e" {
			parent = "p2"
		}
		ws = append(ws, store.Record{Kind: "version", Key: k, Parent: parent, Data: []byte(k)})
	}
	ws = append(ws, store.Record{Kind: "other", Key: "a0"})
	mustCommit(t, s, &store.Write{Records: ws})
	for _, tc := range []struct {
		kind, parent string
		want         []string
	}{
		{"version", "", []string{"a", "b", "c", "d", "e"}},
		{"version", "p1", []string{"a", "c", "d"}},
		{"version", "p2", []string{"b", "e"}},
		{"version", "p3", nil},
		{"other", "", []string{"a0"}},
		{"none", "", nil},
	} {
		rs, next, err := s.ListRecords(ctx, tc.kind, tc.parent, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(keys(rs), tc.want) || next != "" {
			t.Errorf("ListRecords(%q, %q): %v %q, want %v", tc.kind, tc.parent, keys(rs), next, tc.want)
		}
		for _, r := range rs {
			if r.Kind == "version" && (string(r.Data) != r.Key || r.Revision != 1) {
				t.Errorf("record %s: %+v", r.Key, r)
			}
		}
	}
	_, _, err := s.ListRecords(ctx, "version", "", store.Page{Token: "not a token"})
	if err == nil {
		t.Error("ListRecords with an invalid token: no error")
	}
}

func testListRecordPages(t *testing.T, s store.Store) {
	ctx := context.Background()
	var rs []store.Record
	var all []string
	for i := range 25 {
		k := fmt.Sprintf("key%02d", i)
		rs = append(rs, store.Record{Kind: "k", Key: k, Parent: fmt.Sprint(i % 2)})
		all = append(all, k)
	}
	mustCommit(t, s, &store.Write{Records: rs})
	for _, limit := range []int{1, 2, 5, 7, 24, 25, 26, 0} {
		var got []string
		tok := ""
		pages := 0
		for {
			page, next, err := s.ListRecords(ctx, "k", "", store.Page{Limit: limit, Token: tok})
			if err != nil {
				t.Fatal(err)
			}
			pages++
			got = append(got, keys(page)...)
			if next == "" {
				break
			}
			tok = next
		}
		if !slices.Equal(got, all) {
			t.Errorf("limit %d: %v", limit, got)
		}
		eff := limit
		if eff <= 0 {
			eff = 100
		}
		if want := (len(all) + eff - 1) / eff; pages != want {
			t.Errorf("limit %d: %d pages, want %d", limit, pages, want)
		}
	}
	// Pages with a parent.
	var got []string
	tok := ""
	for {
		page, next, err := s.ListRecords(ctx, "k", "1", store.Page{Limit: 3, Token: tok})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, keys(page)...)
		if next == "" {
			break
		}
		tok = next
	}
	if len(got) != 12 || got[0] != "key01" || got[11] != "key23" {
		t.Errorf("parent pages: %v", got)
	}
}

// --- ListExecutions ---

func testListOrder(t *testing.T, s store.Store) {
	var ws []*store.Write
	// Same start date for b1, b2, b3: the ARN breaks the tie, descending.
	for _, x := range []*store.Execution{
		execution("arn:a", "sm", 1), execution("arn:b2", "sm", 2), execution("arn:b1", "sm", 2),
		execution("arn:b3", "sm", 2), execution("arn:c", "sm", 3),
	} {
		ws = append(ws, &store.Write{Create: x})
	}
	mustCommit(t, s, ws...)
	want := []string{"arn:c", "arn:b3", "arn:b2", "arn:b1", "arn:a"}
	for _, limit := range []int{0, 1, 2, 4, 5} {
		if got := listAll(t, s, store.ExecutionFilter{}, limit); !slices.Equal(got, want) {
			t.Errorf("limit %d: %v, want %v", limit, got, want)
		}
	}
	xs, _, err := s.ListExecutions(context.Background(), store.ExecutionFilter{}, store.Page{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	equalExecution(t, xs[0], execution("arn:c", "sm", 3))
}

func testListFilters(t *testing.T, s store.Store) {
	type spec struct {
		arn, sm, version, alias, status, mapRun, parent string
		start                                           int
	}
	specs := []spec{
		{arn: "e1", sm: "smA", status: "RUNNING", start: 1},
		{arn: "e2", sm: "smA", version: "smA:1", status: "SUCCEEDED", start: 2},
		{arn: "e3", sm: "smA", alias: "smA:prod", version: "smA:1", status: "RUNNING", start: 3},
		{arn: "e4", sm: "smA", alias: "smA:prod", version: "smA:2", status: "FAILED", start: 4},
		{arn: "e5", sm: "smB", status: "RUNNING", start: 5, parent: "e1"},
		{arn: "e6", sm: "smB", status: "RUNNING", start: 6, mapRun: "mr1", parent: "e3"},
		{arn: "e7", sm: "smB", status: "SUCCEEDED", start: 7, mapRun: "mr1", parent: "e3"},
		{arn: "e8", sm: "smB", status: "RUNNING", start: 8, mapRun: "mr2", parent: "e3"},
	}
	var ws []*store.Write
	for _, sp := range specs {
		x := execution(sp.arn, sp.sm, sp.start)
		x.VersionArn, x.AliasArn, x.Status, x.MapRunArn, x.Parent = sp.version, sp.alias, sp.status, sp.mapRun, sp.parent
		ws = append(ws, &store.Write{Create: x})
	}
	mustCommit(t, s, ws...)
	for _, tc := range []struct {
		f    store.ExecutionFilter
		want []string
	}{
		{store.ExecutionFilter{}, []string{"e8", "e7", "e6", "e5", "e4", "e3", "e2", "e1"}},
		{store.ExecutionFilter{StateMachineArn: "smA"}, []string{"e4", "e3", "e2", "e1"}},
		{store.ExecutionFilter{StateMachineArn: "smA:1"}, nil},
		{store.ExecutionFilter{VersionArn: "smA:1"}, []string{"e3", "e2"}},
		{store.ExecutionFilter{AliasArn: "smA:prod"}, []string{"e4", "e3"}},
		{store.ExecutionFilter{AliasArn: "smA:prod", VersionArn: "smA:2"}, []string{"e4"}},
		{store.ExecutionFilter{Status: "RUNNING"}, []string{"e8", "e6", "e5", "e3", "e1"}},
		{store.ExecutionFilter{StateMachineArn: "smA", Status: "RUNNING"}, []string{"e3", "e1"}},
		{store.ExecutionFilter{StateMachineArn: "smB", Status: "ABORTED"}, nil},
		{store.ExecutionFilter{MapRunArn: "mr1"}, []string{"e7", "e6"}},
		{store.ExecutionFilter{MapRunArn: "mr1", Status: "SUCCEEDED"}, []string{"e7"}},
		{store.ExecutionFilter{Parent: "e3"}, []string{"e8", "e7", "e6"}},
		{store.ExecutionFilter{Parent: "e3", MapRunArn: "mr2"}, []string{"e8"}},
		{store.ExecutionFilter{Parent: "e1", StateMachineArn: "smB", Status: "RUNNING"}, []string{"e5"}},
		{store.ExecutionFilter{Parent: "e5"}, nil},
	} {
		for _, limit := range []int{0, 1, 3} {
			if got := listAll(t, s, tc.f, limit); !slices.Equal(got, tc.want) {
				t.Errorf("ListExecutions(%+v, limit %d): %v, want %v", tc.f, limit, got, tc.want)
			}
		}
	}
}

func testListPages(t *testing.T, s store.Store) {
	ctx := context.Background()
	var ws []*store.Write
	var want []string
	for i := 9; i >= 0; i-- {
		arn := fmt.Sprintf("arn:%d", i)
		ws = append(ws, &store.Write{Create: execution(arn, "sm", i/3)}) // ties in start date
		want = append(want, arn)
	}
	mustCommit(t, s, ws...)
	for _, limit := range []int{1, 2, 3, 5, 9, 10, 11} {
		var got []string
		tok := ""
		pages := 0
		for {
			xs, next, err := s.ListExecutions(ctx, store.ExecutionFilter{StateMachineArn: "sm"}, store.Page{Limit: limit, Token: tok})
			if err != nil {
				t.Fatal(err)
			}
			pages++
			if len(xs) > limit {
				t.Fatalf("limit %d: page of %d", limit, len(xs))
			}
			got = append(got, arns(xs)...)
			if next == "" {
				break
			}
			tok = next
		}
		if !slices.Equal(got, want) {
			t.Errorf("limit %d: %v, want %v", limit, got, want)
		}
		// No empty last page when the count is a multiple of the limit.
		if wantPages := (len(want) + limit - 1) / limit; pages != wantPages {
			t.Errorf("limit %d: %d pages, want %d", limit, pages, wantPages)
		}
	}
	xs, next, err := s.ListExecutions(ctx, store.ExecutionFilter{StateMachineArn: "none"}, store.Page{})
	if err != nil || len(xs) != 0 || next != "" {
		t.Errorf("empty listing: %v %q %v", arns(xs), next, err)
	}
}

func testListLimits(t *testing.T, s store.Store) {
	ctx := context.Background()
	const n = 1001
	ws := make([]*store.Write, n)
	for i := range ws {
		x := &store.Execution{Arn: fmt.Sprintf("arn:%04d", i), StateMachineArn: "sm", Status: "RUNNING", StartDate: at(i)}
		ws[i] = &store.Write{Create: x}
	}
	mustCommit(t, s, ws...)
	for _, tc := range []struct{ limit, want int }{{0, 100}, {-1, 100}, {100, 100}, {999, 999}, {1000, 1000}, {1001, 1000}, {5000, 1000}} {
		xs, next, err := s.ListExecutions(ctx, store.ExecutionFilter{StateMachineArn: "sm"}, store.Page{Limit: tc.limit})
		if err != nil {
			t.Fatal(err)
		}
		if len(xs) != tc.want || next == "" {
			t.Errorf("limit %d: %d executions, token %q; want %d and a token", tc.limit, len(xs), next, tc.want)
		}
	}
	// The second page of the capped listing holds the last one.
	_, next, _ := s.ListExecutions(ctx, store.ExecutionFilter{}, store.Page{Limit: 5000})
	xs, next, err := s.ListExecutions(ctx, store.ExecutionFilter{}, store.Page{Limit: 5000, Token: next})
	if err != nil || len(xs) != 1 || xs[0].Arn != "arn:0000" || next != "" {
		t.Errorf("second page: %v %q %v", arns(xs), next, err)
	}
}

func testListStable(t *testing.T, s store.Store) {
	ctx := context.Background()
	var ws []*store.Write
	for i := range 10 {
		ws = append(ws, &store.Write{Create: execution(fmt.Sprintf("arn:%02d", i), "sm", 10+i)})
	}
	mustCommit(t, s, ws...)
	f := store.ExecutionFilter{StateMachineArn: "sm"}
	xs, next, err := s.ListExecutions(ctx, f, store.Page{Limit: 4})
	if err != nil {
		t.Fatal(err)
	}
	got := arns(xs)
	// Newer executions, one tied with the last of the page and sorting
	// before it, and an older one arrive between pages.
	mustCommit(t, s,
		&store.Write{Create: execution("arn:new1", "sm", 100)},
		&store.Write{Create: execution("arn:06a", "sm", 16)},
		&store.Write{Create: execution("arn:old", "sm", 0)},
	)
	for next != "" {
		xs, next, err = s.ListExecutions(ctx, f, store.Page{Limit: 4, Token: next})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, arns(xs)...)
	}
	// Page one held arn:09..arn:06 (start dates 19..16). arn:06a starts at
	// 16 too and its ARN sorts after arn:06, so in descending order it
	// comes before arn:06: it belongs to the page already read and is not
	// listed. arn:new1 is newer than everything: not listed either.
	want := []string{"arn:09", "arn:08", "arn:07", "arn:06", "arn:05", "arn:04", "arn:03", "arn:02", "arn:01", "arn:00", "arn:old"}
	if !slices.Equal(got, want) {
		t.Errorf("listing across inserts: %v, want %v", got, want)
	}
}

func testListInvalidToken(t *testing.T, s store.Store) {
	mustCommit(t, s, &store.Write{Create: execution("arn:x", "sm", 1)})
	for _, tok := range []string{"garbage!", "AAAA", "%%%"} {
		if _, _, err := s.ListExecutions(context.Background(), store.ExecutionFilter{}, store.Page{Token: tok}); err == nil {
			t.Errorf("token %q: no error", tok)
		}
	}
	// A records token is not an executions token.
	var rs []store.Record
	for i := range 3 {
		rs = append(rs, store.Record{Kind: "k", Key: fmt.Sprint(i)})
	}
	mustCommit(t, s, &store.Write{Records: rs})
	_, tok, err := s.ListRecords(context.Background(), "k", "", store.Page{Limit: 1})
	if err != nil || tok == "" {
		t.Fatalf("ListRecords: %q, %v", tok, err)
	}
	if _, _, err := s.ListExecutions(context.Background(), store.ExecutionFilter{}, store.Page{Token: tok}); err == nil {
		t.Error("records token accepted by ListExecutions")
	}
}

func testRunning(t *testing.T, s store.Store) {
	var ws []*store.Write
	for i, st := range []string{"RUNNING", "SUCCEEDED", "RUNNING", "FAILED", "PENDING_REDRIVE", "RUNNING"} {
		x := execution(fmt.Sprintf("arn:%d", i), "sm", i)
		x.Status = st
		ws = append(ws, &store.Write{Create: x})
	}
	mustCommit(t, s, ws...)
	got, err := s.RunningExecutions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sorted(got), []string{"arn:0", "arn:2", "arn:5"}) {
		t.Fatalf("RunningExecutions: %v", got)
	}
	// Finishing one removes it.
	x := execution("arn:2", "sm", 2)
	x.Status = "SUCCEEDED"
	mustCommit(t, s, &store.Write{Update: x})
	got, _ = s.RunningExecutions(context.Background())
	if !slices.Equal(sorted(got), []string{"arn:0", "arn:5"}) {
		t.Fatalf("RunningExecutions after update: %v", got)
	}
}

func testReadBatchesNotFound(t *testing.T, s store.Store) {
	_, err := s.ReadBatches(context.Background(), "arn:missing", 0)
	wantErr(t, "ReadBatches(missing)", err, store.ErrNotFound)
}

func testDeleteExecutions(t *testing.T, s store.Store) {
	ctx := context.Background()
	var ws []*store.Write
	for i := range 5 {
		arn := fmt.Sprintf("arn:%d", i)
		ws = append(ws, &store.Write{
			Create:     execution(arn, "sm", i),
			Batches:    []store.Batch{batch(1, 1, arn+"/1"), batch(2, 2, arn+"/2")},
			AddPending: []store.Pending{{Exec: arn, Kind: "timer", Key: "t"}, {Exec: arn, Kind: "task", Key: "1"}},
		})
	}
	mustCommit(t, s, ws...)
	if err := s.DeleteExecutions(ctx, []string{"arn:1", "arn:3", "arn:missing"}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteExecutions(ctx, nil); err != nil {
		t.Fatal(err)
	}
	for _, arn := range []string{"arn:1", "arn:3"} {
		_, err := s.GetExecution(ctx, arn)
		wantErr(t, "GetExecution(deleted)", err, store.ErrNotFound)
		_, err = s.ReadBatches(ctx, arn, 0)
		wantErr(t, "ReadBatches(deleted)", err, store.ErrNotFound)
	}
	if got := listAll(t, s, store.ExecutionFilter{}, 0); !slices.Equal(got, []string{"arn:4", "arn:2", "arn:0"}) {
		t.Fatalf("left: %v", got)
	}
	ps := mustPending(t, s, "")
	if len(ps) != 6 {
		t.Fatalf("pending left: %v", pendingKeys(ps))
	}
	for _, p := range ps {
		if p.Exec == "arn:1" || p.Exec == "arn:3" {
			t.Errorf("pending of deleted execution: %s", p.Exec)
		}
	}
	if bs := mustBatches(t, s, "arn:2", 0); len(bs) != 2 {
		t.Fatalf("batches of a kept execution: %d", len(bs))
	}
	// A re-created execution starts with an empty history.
	mustCommit(t, s, &store.Write{Create: execution("arn:1", "sm", 10), Batches: []store.Batch{batch(1, 1, "fresh")}})
	equalBatches(t, mustBatches(t, s, "arn:1", 0), []store.Batch{batch(1, 1, "fresh")})

	// Many at once.
	ws = ws[:0]
	var many []string
	for i := range 300 {
		arn := fmt.Sprintf("arn:many:%d", i)
		many = append(many, arn)
		ws = append(ws, &store.Write{Create: execution(arn, "many", i), Batches: []store.Batch{batch(1, 1, "x")}})
	}
	mustCommit(t, s, ws...)
	if err := s.DeleteExecutions(ctx, many); err != nil {
		t.Fatal(err)
	}
	if got := listAll(t, s, store.ExecutionFilter{StateMachineArn: "many"}, 0); len(got) != 0 {
		t.Fatalf("%d left after deleting many", len(got))
	}
}

func testTimes(t *testing.T, s store.Store) {
	loc := time.FixedZone("UTC+5:30", 5*3600+1800)
	x := execution("arn:t", "sm", 0)
	x.StartDate = at(1).In(loc)
	x.StopDate = at(2).In(loc)
	x.RedriveDate = time.Date(2261, 12, 31, 0, 0, 0, 0, time.UTC)
	mustCommit(t, s, &store.Write{Create: x, AddPending: []store.Pending{{Exec: x.Arn, Kind: "timer", Key: "k", Due: at(3).In(loc)}}})
	got := mustGet(t, s, x.Arn)
	equalExecution(t, got, x)
	ps := mustPending(t, s, "timer")
	if len(ps) != 1 {
		t.Fatal(pendingKeys(ps))
	}
	equalTime(t, "Due", ps[0].Due, at(3))
	// Times before 1970.
	y := execution("arn:old", "sm", 0)
	y.StartDate = time.Date(1969, 7, 20, 20, 17, 40, 0, time.UTC)
	mustCommit(t, s, &store.Write{Create: y})
	equalExecution(t, mustGet(t, s, y.Arn), y)
	if got := listAll(t, s, store.ExecutionFilter{StateMachineArn: "sm"}, 1); !slices.Equal(got, []string{"arn:t", "arn:old"}) {
		t.Errorf("listing with an old start date: %v", got)
	}
}

func testClosed(t *testing.T, s store.Store) {
	ctx := context.Background()
	mustCommit(t, s, &store.Write{Create: execution("arn:x", "sm", 1)})
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil && !errors.Is(err, store.ErrClosed) {
		t.Fatalf("second Close: %v", err)
	}
	_, err := s.Commit(ctx, &store.Write{Create: execution("arn:y", "sm", 1)})
	wantErr(t, "Commit", err, store.ErrClosed)
	_, err = s.GetExecution(ctx, "arn:x")
	wantErr(t, "GetExecution", err, store.ErrClosed)
	_, _, err = s.ListExecutions(ctx, store.ExecutionFilter{}, store.Page{})
	wantErr(t, "ListExecutions", err, store.ErrClosed)
	_, err = s.ReadBatches(ctx, "arn:x", 0)
	wantErr(t, "ReadBatches", err, store.ErrClosed)
	_, err = s.RunningExecutions(ctx)
	wantErr(t, "RunningExecutions", err, store.ErrClosed)
	wantErr(t, "DeleteExecutions", s.DeleteExecutions(ctx, []string{"arn:x"}), store.ErrClosed)
	_, err = s.ListPending(ctx, "")
	wantErr(t, "ListPending", err, store.ErrClosed)
	_, err = s.PutRecord(ctx, store.Record{Kind: "k", Key: "k"}, 0)
	wantErr(t, "PutRecord", err, store.ErrClosed)
	_, err = s.GetRecord(ctx, "k", "k")
	wantErr(t, "GetRecord", err, store.ErrClosed)
	_, _, err = s.ListRecords(ctx, "k", "", store.Page{})
	wantErr(t, "ListRecords", err, store.ErrClosed)
	wantErr(t, "DeleteRecord", s.DeleteRecord(ctx, "k", "k"), store.ErrClosed)
	_, _, err = s.ReadStream(ctx, "s", store.StreamRead{})
	wantErr(t, "ReadStream", err, store.ErrClosed)
	_, err = s.StreamStats(ctx, "s")
	wantErr(t, "StreamStats", err, store.ErrClosed)
	_, err = s.TrimStream(ctx, "s", at(1))
	wantErr(t, "TrimStream", err, store.ErrClosed)
	wantErr(t, "DeleteStream", s.DeleteStream(ctx, "s"), store.ErrClosed)
}

func testPendingBefore(t *testing.T, s store.Store) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var add []store.Pending
	for i := 0; i < 5; i++ {
		add = append(add, store.Pending{Exec: fmt.Sprintf("e%d", i), Kind: "timer", Key: "k", Due: t0.Add(time.Duration(4-i) * time.Hour)})
	}
	add = append(add, store.Pending{Exec: "x", Kind: "task", Key: "k"})
	mustCommit(t, s, &store.Write{AddPending: add})
	got, err := s.ListPendingBefore(context.Background(), "timer", t0.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if keys := pendingKeys(got); !slices.Equal(keys, []string{"e4/timer/k", "e3/timer/k", "e2/timer/k"}) {
		t.Errorf("ListPendingBefore: %v, want the three due by +2h in due order", keys)
	}
}

func testPendingOf(t *testing.T, s store.Store) {
	ctx := context.Background()
	var add []store.Pending
	for _, k := range []string{"c", "a", "e", "b", "d"} {
		add = append(add, store.Pending{Exec: "q", Kind: "delivery", Key: k, Data: []byte(k)})
	}
	add = append(add, store.Pending{Exec: "q", Kind: "timer", Key: "a"}, store.Pending{Exec: "other", Kind: "delivery", Key: "a"})
	mustCommit(t, s, &store.Write{AddPending: add})
	var got []string
	after := ""
	for {
		page, err := s.ListPendingOf(ctx, "q", "delivery", after, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) > 2 {
			t.Fatalf("page of %d items, limit 2", len(page))
		}
		for _, p := range page {
			if string(p.Data) != p.Key {
				t.Errorf("item %s has data %q", p.Key, p.Data)
			}
			got = append(got, p.Key)
		}
		if len(page) < 2 {
			break
		}
		after = page[len(page)-1].Key
	}
	if !slices.Equal(got, []string{"a", "b", "c", "d", "e"}) {
		t.Errorf("ListPendingOf pages: %v, want a..e of owner q and kind delivery only, in key order", got)
	}
	if page, err := s.ListPendingOf(ctx, "q", "delivery", "", 0); err != nil || len(page) != 0 {
		t.Errorf("limit 0: %v, %v", page, err)
	}
}
