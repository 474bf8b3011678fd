package storetest

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sluice-run/sluice/internal/store"
)

// --- Streams ---

// entry returns an entry of stream at at(sec) whose Data is data.
func entry(stream string, sec int, data string) store.StreamEntry {
	return store.StreamEntry{Stream: stream, Time: at(sec), Data: []byte(data)}
}

// entries returns n entries of stream at at(sec(i)) with Data "<prefix><i>".
func entries(stream, prefix string, n int, sec func(i int) int) []store.StreamEntry {
	out := make([]store.StreamEntry, n)
	for i := range out {
		out[i] = entry(stream, sec(i), fmt.Sprint(prefix, i))
	}
	return out
}

// readStream reads one page.
func readStream(t testing.TB, s store.Store, stream string, r store.StreamRead) ([]store.StreamEntry, bool) {
	t.Helper()
	es, more, err := s.ReadStream(context.Background(), stream, r)
	if err != nil {
		t.Fatalf("ReadStream(%s, %+v): %v", stream, r, err)
	}
	if r.Limit > 0 && len(es) > r.Limit {
		t.Fatalf("ReadStream(%s, %+v): %d entries, limit %d", stream, r, len(es), r.Limit)
	}
	return es, more
}

// readAllStream reads every entry r selects, page by page with r.Limit,
// and checks the order, the Stream field and the pages' more flags.
func readAllStream(t testing.TB, s store.Store, stream string, r store.StreamRead) []store.StreamEntry {
	t.Helper()
	var out []store.StreamEntry
	for pages := 0; ; pages++ {
		if pages > 100000 {
			t.Fatal("too many pages")
		}
		es, more := readStream(t, s, stream, r)
		out = append(out, es...)
		if !more {
			break
		}
		if len(es) == 0 {
			t.Fatal("empty page with more")
		}
		r.After = es[len(es)-1].Pos()
	}
	for i, e := range out {
		if e.Stream != stream {
			t.Fatalf("entry %d: Stream %q, want %q", i, e.Stream, stream)
		}
		if i > 0 && !posLess(out[i-1].Pos(), e.Pos()) {
			t.Fatalf("entries %d and %d out of (Time, Seq) order: %+v, %+v", i-1, i, out[i-1].Pos(), e.Pos())
		}
	}
	return out
}

func posLess(a, b store.StreamPos) bool {
	if !a.Time.Equal(b.Time) {
		return a.Time.Before(b.Time)
	}
	return a.Seq < b.Seq
}

// datas returns the Data of entries as strings.
func datas(es []store.StreamEntry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = string(e.Data)
	}
	return out
}

// seqs maps the Data of entries to their Seq.
func seqs(es []store.StreamEntry) map[string]int64 {
	m := make(map[string]int64, len(es))
	for _, e := range es {
		m[string(e.Data)] = e.Seq
	}
	return m
}

func maxSeq(es []store.StreamEntry) int64 {
	var m int64
	for _, e := range es {
		m = max(m, e.Seq)
	}
	return m
}

func mustStreamStats(t testing.TB, s store.Store, stream string) store.StreamStats {
	t.Helper()
	st, err := s.StreamStats(context.Background(), stream)
	if err != nil {
		t.Fatalf("StreamStats(%s): %v", stream, err)
	}
	return st
}

// wantStats checks the stats of a stream against its entries.
func wantStats(t testing.TB, s store.Store, stream string, want []store.StreamEntry) {
	t.Helper()
	var b int64
	for _, e := range want {
		b += int64(len(e.Data))
	}
	if st := mustStreamStats(t, s, stream); st.Entries != int64(len(want)) || st.Bytes != b {
		t.Fatalf("StreamStats(%s): %+v, want %d entries, %d bytes", stream, st, len(want), b)
	}
}

func mustTrim(t testing.TB, s store.Store, stream string, before time.Time) int64 {
	t.Helper()
	n, err := s.TrimStream(context.Background(), stream, before)
	if err != nil {
		t.Fatalf("TrimStream(%s, %v): %v", stream, before, err)
	}
	return n
}

func testStreamAppendRead(t *testing.T, s store.Store) {
	ctx := context.Background()
	loc := time.FixedZone("UTC-3", -3*3600)
	first := []store.StreamEntry{
		entry("s1", 3, "a"), entry("s1", 1, "b"), entry("s2", 0, "x"), entry("s1", 2, "c"),
		{Stream: "s1", Time: at(1).In(loc), Data: []byte("d")},
	}
	mustCommit(t, s, &store.Write{StreamEntries: first})
	// Entries of several Writes of one Commit, and of a Write that also
	// creates an execution.
	mustCommit(t, s,
		&store.Write{StreamEntries: []store.StreamEntry{entry("s1", 1, "e")}},
		&store.Write{Create: execution("arn:x", "sm", 0), StreamEntries: []store.StreamEntry{entry("s1", 5, "f"), entry("s2", 0, "y")}},
	)
	// Time order, then append order.
	got := readAllStream(t, s, "s1", store.StreamRead{})
	if d := datas(got); !slices.Equal(d, []string{"b", "d", "e", "c", "a", "f"}) {
		t.Fatalf("s1: %v", d)
	}
	for _, e := range got {
		if string(e.Data) == "d" {
			equalTime(t, "Time of d", e.Time, at(1))
		}
	}
	// Seqs increase in append order.
	sq := seqs(got)
	for i, k := range []string{"a", "b", "c", "d", "e", "f"} {
		if i > 0 && sq[k] <= sq[string(rune('a'+i-1))] {
			t.Fatalf("Seqs not increasing in append order: %v", sq)
		}
	}
	if d := datas(readAllStream(t, s, "s2", store.StreamRead{})); !slices.Equal(d, []string{"x", "y"}) {
		t.Fatalf("s2: %v", d)
	}
	mustGet(t, s, "arn:x")
	// A stream never appended to reads as empty.
	if es, more := readStream(t, s, "none", store.StreamRead{}); len(es) != 0 || more {
		t.Fatalf("missing stream: %v, %v", datas(es), more)
	}
	// Empty Data reads back nil; the store keeps no caller's slice; a
	// Seq given on append is ignored.
	buf := []byte("kept")
	mustCommit(t, s, &store.Write{StreamEntries: []store.StreamEntry{
		{Stream: "s3", Time: at(1), Data: []byte{}, Seq: 1000},
		{Stream: "s3", Time: at(2), Data: buf, Seq: -5},
	}})
	buf[0] = 'X'
	got = readAllStream(t, s, "s3", store.StreamRead{})
	if len(got) != 2 || got[0].Data != nil || string(got[1].Data) != "kept" {
		t.Fatalf("s3: %q", datas(got))
	}
	if got[0].Seq < 1 || got[0].Seq >= got[1].Seq {
		t.Fatalf("s3: Seqs %d, %d", got[0].Seq, got[1].Seq)
	}
	// Large entries; times before 1970.
	big := bytes.Repeat([]byte("0123456789abcdef"), 256*1024/16)
	old := time.Date(1969, 7, 20, 20, 17, 40, 0, time.UTC)
	mustCommit(t, s, &store.Write{StreamEntries: []store.StreamEntry{{Stream: "s4", Time: at(0), Data: big}, {Stream: "s4", Time: old, Data: []byte("old")}}})
	got = readAllStream(t, s, "s4", store.StreamRead{})
	if len(got) != 2 || string(got[0].Data) != "old" || !bytes.Equal(got[1].Data, big) {
		t.Fatal("s4: large entry or old time does not read back")
	}
	equalTime(t, "old Time", got[0].Time, old)
	if _, _, err := s.ReadStream(ctx, "", store.StreamRead{}); err != nil {
		t.Fatalf("ReadStream of the empty name: %v", err)
	}
}

func testStreamTimeRange(t *testing.T, s store.Store) {
	es := entries("r", "e", 10, func(i int) int { return i })
	es = append(es, entry("r", 5, "e5b"), entry("other", 5, "o"))
	mustCommit(t, s, &store.Write{StreamEntries: es})
	far := time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)
	farOff := time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		from, to time.Time
		want     []string
	}{
		{time.Time{}, time.Time{}, []string{"e0", "e1", "e2", "e3", "e4", "e5", "e5b", "e6", "e7", "e8", "e9"}},
		{at(3), at(6), []string{"e3", "e4", "e5", "e5b"}},
		{at(5), at(6), []string{"e5", "e5b"}},
		{at(3).Add(time.Nanosecond), at(5), []string{"e4"}},
		{at(8), time.Time{}, []string{"e8", "e9"}},
		{time.Time{}, at(2), []string{"e0", "e1"}},
		{at(4), at(4), nil},
		{at(6), at(3), nil},
		{at(10), time.Time{}, nil},
		{far, farOff, []string{"e0", "e1", "e2", "e3", "e4", "e5", "e5b", "e6", "e7", "e8", "e9"}},
		{time.Time{}, far, nil},
		{farOff, time.Time{}, nil},
	} {
		for _, limit := range []int{0, 1, 3} {
			got := datas(readAllStream(t, s, "r", store.StreamRead{From: tc.from, To: tc.to, Limit: limit}))
			if !slices.Equal(got, tc.want) && !(len(got) == 0 && len(tc.want) == 0) {
				t.Errorf("[%v, %v) limit %d: %v, want %v", tc.from, tc.to, limit, got, tc.want)
			}
		}
	}
}

func testStreamPages(t *testing.T, s store.Store) {
	// 12 entries at at(1), 3 at at(2) and 3 at at(0), appended
	// interleaved across Writes and Commits.
	var all []store.StreamEntry
	for c := range 3 {
		var ws []*store.Write
		for w := range 2 {
			var es []store.StreamEntry
			for i := range 3 {
				k := c*6 + w*3 + i
				sec := []int{1, 2, 1, 0, 1, 1}[k%6]
				es = append(es, entry("p", sec, fmt.Sprintf("p%02d", k)))
			}
			all = append(all, es...)
			ws = append(ws, &store.Write{StreamEntries: es})
		}
		mustCommit(t, s, ws...)
	}
	// The expected order: by time, then append order.
	want := slices.Clone(all)
	slices.SortStableFunc(want, func(a, b store.StreamEntry) int { return a.Time.Compare(b.Time) })
	full := readAllStream(t, s, "p", store.StreamRead{Limit: 1000})
	if !slices.Equal(datas(full), datas(want)) {
		t.Fatalf("all: %v\nwant %v", datas(full), datas(want))
	}
	for limit := 1; limit <= 19; limit++ {
		if got := readAllStream(t, s, "p", store.StreamRead{Limit: limit}); !slices.Equal(datas(got), datas(want)) {
			t.Fatalf("pages of %d: %v\nwant %v", limit, datas(got), datas(want))
		}
	}
	// Exactly a page left: more is false.
	es, more := readStream(t, s, "p", store.StreamRead{Limit: 18})
	if len(es) != 18 || more {
		t.Fatalf("a page of all 18: %d entries, more %v", len(es), more)
	}
	es, more = readStream(t, s, "p", store.StreamRead{Limit: 17})
	if len(es) != 17 || !more {
		t.Fatalf("a page of 17 of 18: %d entries, more %v", len(es), more)
	}
	// Pages within a time range; a cursor amid entries of equal time.
	in := func(from, to time.Time) []string {
		var out []string
		for _, e := range want {
			if !e.Time.Before(from) && e.Time.Before(to) {
				out = append(out, string(e.Data))
			}
		}
		return out
	}
	for limit := 1; limit <= 11; limit++ {
		if got := readAllStream(t, s, "p", store.StreamRead{From: at(1), To: at(2), Limit: limit}); !slices.Equal(datas(got), in(at(1), at(2))) {
			t.Fatalf("[1, 2) in pages of %d: %v", limit, datas(got))
		}
	}
	// A cursor before From is overtaken by From; one past To reads nothing.
	r := store.StreamRead{From: at(1), After: full[0].Pos(), Limit: 100}
	if got, _ := readStream(t, s, "p", r); !slices.Equal(datas(got), in(at(1), at(3))) {
		t.Fatalf("cursor before From: %v", datas(got))
	}
	r = store.StreamRead{To: at(1), After: full[len(full)-1].Pos()}
	if got, more := readStream(t, s, "p", r); len(got) != 0 || more {
		t.Fatalf("cursor past To: %v, %v", datas(got), more)
	}
	// A cursor with Seq 0 is before every entry of its time.
	r = store.StreamRead{After: store.StreamPos{Time: at(1)}, Limit: 100}
	if got, _ := readStream(t, s, "p", r); !slices.Equal(datas(got), in(at(1), at(3))) {
		t.Fatalf("cursor (at(1), 0): %v", datas(got))
	}
	// A cursor of a time between entries.
	r = store.StreamRead{After: store.StreamPos{Time: at(1).Add(time.Millisecond), Seq: 1 << 60}, Limit: 100}
	if got, _ := readStream(t, s, "p", r); !slices.Equal(datas(got), in(at(2), at(3))) {
		t.Fatalf("cursor between times: %v", datas(got))
	}
}

func testStreamPagesWhileWriting(t *testing.T, s store.Store) {
	mustCommit(t, s, &store.Write{StreamEntries: entries("w", "a", 6, func(int) int { return 1 })})
	mustCommit(t, s, &store.Write{StreamEntries: entries("w", "b", 2, func(int) int { return 2 })})
	page, more := readStream(t, s, "w", store.StreamRead{Limit: 3})
	if !more || !slices.Equal(datas(page), []string{"a0", "a1", "a2"}) {
		t.Fatalf("first page: %v, %v", datas(page), more)
	}
	cur := page[len(page)-1].Pos()
	// Appended at the cursor's time: after it (larger Seq). Appended
	// before the cursor's time: not seen. Trimmed before the cursor:
	// no matter.
	mustCommit(t, s, &store.Write{StreamEntries: []store.StreamEntry{entry("w", 1, "late1"), entry("w", 0, "late0"), entry("w", 3, "c")}})
	if n := mustTrim(t, s, "w", at(1)); n != 1 {
		t.Fatalf("trim removed %d, want 1 (late0)", n)
	}
	rest := readAllStream(t, s, "w", store.StreamRead{After: cur, Limit: 2})
	if d := datas(rest); !slices.Equal(d, []string{"a3", "a4", "a5", "late1", "b0", "b1", "c"}) {
		t.Fatalf("after the cursor: %v", d)
	}
}

func testStreamStats(t *testing.T, s store.Store) {
	wantStats(t, s, "st", nil)
	a := []store.StreamEntry{entry("st", 1, "12345"), entry("st", 2, ""), entry("other", 1, "xx")}
	mustCommit(t, s, &store.Write{StreamEntries: a})
	b := entries("st", "entry-", 20, func(i int) int { return 3 + i })
	mustCommit(t, s, &store.Write{StreamEntries: b[:10]}, &store.Write{StreamEntries: b[10:]})
	stEntries := append([]store.StreamEntry{a[0], a[1]}, b...)
	wantStats(t, s, "st", stEntries)
	wantStats(t, s, "other", a[2:])
	if n := mustTrim(t, s, "st", at(5)); n != 4 {
		t.Fatalf("trim removed %d, want 4", n)
	}
	wantStats(t, s, "st", stEntries[4:])
	if err := s.DeleteStream(context.Background(), "st"); err != nil {
		t.Fatal(err)
	}
	wantStats(t, s, "st", nil)
	wantStats(t, s, "other", a[2:])
}

func testStreamTrim(t *testing.T, s store.Store) {
	// 1300 entries, 10 a second, in Writes of 100: more than a driver
	// is likely to remove in one change.
	const n = 1300
	es := entries("t", "", n, func(i int) int { return i / 10 })
	for i := 0; i < n; i += 100 {
		mustCommit(t, s, &store.Write{StreamEntries: es[i : i+100]})
	}
	mustCommit(t, s, &store.Write{StreamEntries: []store.StreamEntry{entry("u", 0, "u0"), entry("u", 50, "u50")}})
	top := maxSeq(readAllStream(t, s, "t", store.StreamRead{Limit: 1000}))
	if n := mustTrim(t, s, "t", at(100)); n != 1000 {
		t.Fatalf("trim before at(100): removed %d, want 1000", n)
	}
	got := readAllStream(t, s, "t", store.StreamRead{Limit: 1000})
	if len(got) != 300 || !got[0].Time.Equal(at(100)) {
		t.Fatalf("after trim: %d entries from %v", len(got), got[0].Time)
	}
	wantStats(t, s, "t", es[1000:])
	// Nothing more to trim; a zero time trims nothing; a missing stream
	// has nothing to trim.
	for _, before := range []time.Time{at(100), {}, time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)} {
		if n := mustTrim(t, s, "t", before); n != 0 {
			t.Fatalf("trim before %v: removed %d, want 0", before, n)
		}
	}
	if n := mustTrim(t, s, "missing", at(1000)); n != 0 {
		t.Fatalf("trim of a missing stream: %d", n)
	}
	// Other streams are untouched.
	if d := datas(readAllStream(t, s, "u", store.StreamRead{})); !slices.Equal(d, []string{"u0", "u50"}) {
		t.Fatalf("other stream after trim: %v", d)
	}
	// Seqs go on increasing after a trim, also one that empties the stream.
	mustCommit(t, s, &store.Write{StreamEntries: []store.StreamEntry{entry("t", 0, "new")}})
	got = readAllStream(t, s, "t", store.StreamRead{Limit: 1})
	if string(got[0].Data) != "new" || got[0].Seq <= top {
		t.Fatalf("appended after trim: %q Seq %d, want Seq > %d", got[0].Data, got[0].Seq, top)
	}
	top = maxSeq(got)
	if n := mustTrim(t, s, "t", time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)); n != 301 {
		t.Fatalf("trim of all: removed %d, want 301", n)
	}
	wantStats(t, s, "t", nil)
	mustCommit(t, s, &store.Write{StreamEntries: []store.StreamEntry{entry("t", 0, "again")}})
	got = readAllStream(t, s, "t", store.StreamRead{})
	if len(got) != 1 || got[0].Seq <= top {
		t.Fatalf("appended after emptying: %+v, want Seq > %d", got, top)
	}
	wantStats(t, s, "t", got)
}

func testStreamDelete(t *testing.T, s store.Store) {
	ctx := context.Background()
	const n = 1100
	es := entries("d", "", n, func(i int) int { return i % 7 })
	for i := 0; i < n; i += 275 {
		mustCommit(t, s, &store.Write{StreamEntries: es[i : i+275]})
	}
	keep := []store.StreamEntry{entry("keep", 1, "k1"), entry("keep", 2, "k2")}
	mustCommit(t, s, &store.Write{StreamEntries: keep})
	if err := s.DeleteStream(ctx, "d"); err != nil {
		t.Fatal(err)
	}
	if es, more := readStream(t, s, "d", store.StreamRead{}); len(es) != 0 || more {
		t.Fatalf("deleted stream reads %d entries, more %v", len(es), more)
	}
	wantStats(t, s, "d", nil)
	if d := datas(readAllStream(t, s, "keep", store.StreamRead{})); !slices.Equal(d, datas(keep)) {
		t.Fatalf("other stream: %v", d)
	}
	wantStats(t, s, "keep", keep)
	for _, name := range []string{"d", "missing"} {
		if err := s.DeleteStream(ctx, name); err != nil {
			t.Fatalf("DeleteStream(%s) of a missing stream: %v", name, err)
		}
	}
	// A deleted stream may be appended to again.
	again := []store.StreamEntry{entry("d", 3, "again")}
	mustCommit(t, s, &store.Write{StreamEntries: again})
	if d := datas(readAllStream(t, s, "d", store.StreamRead{})); !slices.Equal(d, []string{"again"}) {
		t.Fatalf("re-created stream: %v", d)
	}
	wantStats(t, s, "d", again)
}

// testStreamGroupAtomicity: the stream entries of a Write that fails are
// not appended, whichever way it fails, and those of the Writes beside it
// are, with their counters counted once.
func testStreamGroupAtomicity(t *testing.T, s store.Store) {
	x := execution("arn:taken", "sm", 0)
	mustCommit(t, s, &store.Write{Create: x, Batches: []store.Batch{batch(1, 1, "one")}})
	good := func(data string) []store.StreamEntry {
		return []store.StreamEntry{entry("g", 1, data+"-1"), entry("g", 0, data+"-0")}
	}
	bad := func(data string) []store.StreamEntry {
		return []store.StreamEntry{entry("g", 1, data), entry("bad", 1, data)}
	}
	u := *x
	u.Status = "SUCCEEDED"
	errs, err := s.Commit(context.Background(),
		&store.Write{StreamEntries: good("w0")},
		// Fails at its first statement.
		&store.Write{Create: execution("arn:taken", "sm", 1), StreamEntries: bad("exists")},
		// Fails after it changed something.
		&store.Write{Update: &u, Batches: []store.Batch{batch(2, 2, "two"), batch(2, 3, "two again")}, StreamEntries: bad("dup")},
		// Invalid.
		&store.Write{StreamEntries: append(bad("invalid"), store.StreamEntry{Time: at(1), Data: []byte("no stream")})},
		&store.Write{StreamEntries: append(bad("invalid2"), store.StreamEntry{Stream: "g", Data: []byte("no time")})},
		&store.Write{Update: &u, StreamEntries: good("w5")},
	)
	if err != nil {
		t.Fatal(err)
	}
	if errs[0] != nil || errs[5] != nil {
		t.Fatalf("good writes failed: %v", errs)
	}
	wantErr(t, "create of a taken ARN", errs[1], store.ErrExists)
	wantErr(t, "duplicate Seq", errs[2], store.ErrExists)
	if errs[3] == nil || errs[4] == nil {
		t.Fatalf("invalid writes: %v, %v", errs[3], errs[4])
	}
	got := readAllStream(t, s, "g", store.StreamRead{})
	if d := datas(got); !slices.Equal(d, []string{"w0-0", "w5-0", "w0-1", "w5-1"}) {
		t.Fatalf("g: %v", d)
	}
	wantStats(t, s, "g", got)
	sq := seqs(got)
	if !(sq["w0-1"] < sq["w0-0"] && sq["w0-0"] < sq["w5-1"] && sq["w5-1"] < sq["w5-0"]) {
		t.Fatalf("Seqs not in append order: %v", sq)
	}
	if es, _ := readStream(t, s, "bad", store.StreamRead{}); len(es) != 0 {
		t.Fatalf("entries of failed writes: %v", datas(es))
	}
	wantStats(t, s, "bad", nil)
	equalExecution(t, mustGet(t, s, x.Arn), &u)
	// Failing at their first statement, without a Write beside them that
	// fails after it changed something.
	missing := execution("arn:missing", "sm", 0)
	errs, err = s.Commit(context.Background(),
		&store.Write{Create: execution("arn:taken", "sm", 1), StreamEntries: bad("exists")},
		&store.Write{Update: missing, StreamEntries: bad("missing")},
	)
	if err != nil {
		t.Fatal(err)
	}
	wantErr(t, "create of a taken ARN", errs[0], store.ErrExists)
	wantErr(t, "update of a missing execution", errs[1], store.ErrNotFound)
	if es, _ := readStream(t, s, "bad", store.StreamRead{}); len(es) != 0 {
		t.Fatalf("entries of failed writes: %v", datas(es))
	}
	wantStats(t, s, "bad", nil)
	wantStats(t, s, "g", got)
	// The next append follows on.
	mustCommit(t, s, &store.Write{StreamEntries: []store.StreamEntry{entry("g", 0, "next")}})
	got = readAllStream(t, s, "g", store.StreamRead{})
	if sq := seqs(got); sq["next"] <= sq["w5-0"] {
		t.Fatalf("Seq of the next append: %v", sq)
	}
	wantStats(t, s, "g", got)
}

func testStreamInvalid(t *testing.T, s store.Store) {
	for _, e := range []store.StreamEntry{
		{Time: at(1), Data: []byte("no stream")},
		{Stream: "s", Data: []byte("no time")},
	} {
		if err := commit1(t, s, &store.Write{StreamEntries: []store.StreamEntry{entry("s", 1, "ok"), e}}); err == nil {
			t.Errorf("entry %+v: no error", e)
		}
	}
	if es, _ := readStream(t, s, "s", store.StreamRead{}); len(es) != 0 {
		t.Fatalf("entries of invalid writes: %v", datas(es))
	}
	wantStats(t, s, "s", nil)
}

func testStreamConcurrent(t *testing.T, s store.Store) {
	const goroutines, perG, perW = 8, 40, 3
	ctx := context.Background()
	var wg sync.WaitGroup
	errc := make(chan error, goroutines+1)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perG {
				var es []store.StreamEntry
				for k := range perW {
					d := fmt.Sprintf("g%d-%03d-%d", g, i, k)
					es = append(es, entry("shared", i%5, d), entry(fmt.Sprint("own", g), i%5, d))
				}
				errs, err := s.Commit(ctx, &store.Write{StreamEntries: es})
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
	// Read while writing: the counters match the entries a read sees
	// in the same state.
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
			if _, _, err := s.ReadStream(ctx, "shared", store.StreamRead{From: at(2), Limit: 50}); err != nil {
				errc <- err
				return
			}
			if _, err := s.StreamStats(ctx, "shared"); err != nil {
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
	all := readAllStream(t, s, "shared", store.StreamRead{Limit: 97})
	if len(all) != goroutines*perG*perW {
		t.Fatalf("%d entries, want %d", len(all), goroutines*perG*perW)
	}
	wantStats(t, s, "shared", all)
	// Seqs are unique, and increase in each goroutine's append order.
	sq := seqs(all)
	seen := map[int64]bool{}
	for _, e := range all {
		if seen[e.Seq] {
			t.Fatalf("Seq %d twice", e.Seq)
		}
		seen[e.Seq] = true
	}
	for g := range goroutines {
		prev := int64(0)
		for i := range perG {
			for k := range perW {
				q := sq[fmt.Sprintf("g%d-%03d-%d", g, i, k)]
				if q <= prev {
					t.Fatalf("goroutine %d: Seqs not increasing", g)
				}
				prev = q
			}
		}
		own := readAllStream(t, s, fmt.Sprint("own", g), store.StreamRead{Limit: 1000})
		if len(own) != perG*perW {
			t.Fatalf("own%d: %d entries", g, len(own))
		}
	}
}

func testStreamCanceled(t *testing.T, s store.Store) {
	mustCommit(t, s, &store.Write{StreamEntries: entries("c", "", 10, func(i int) int { return i })})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.Commit(ctx, &store.Write{StreamEntries: []store.StreamEntry{entry("c", 1, "canceled")}})
	wantErr(t, "Commit(canceled)", err, context.Canceled)
	_, err = s.TrimStream(ctx, "c", at(5))
	wantErr(t, "TrimStream(canceled)", err, context.Canceled)
	wantErr(t, "DeleteStream(canceled)", s.DeleteStream(ctx, "c"), context.Canceled)
	if got := readAllStream(t, s, "c", store.StreamRead{}); len(got) != 10 {
		t.Fatalf("after canceled calls: %v", datas(got))
	}
}

// testStreamReopen checks that streams, their counters and their Seqs
// persist across reopens.
func testStreamReopen(t *testing.T, open Reopener) {
	s := open(t)
	want := entries("r", "a", 700, func(i int) int { return i % 50 })
	mustCommit(t, s, &store.Write{StreamEntries: want[:350]}, &store.Write{StreamEntries: want[350:]})
	mustCommit(t, s, &store.Write{StreamEntries: []store.StreamEntry{entry("gone", 1, "x")}})
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	var top int64
	for round := range 3 {
		s = open(t)
		got := readAllStream(t, s, "r", store.StreamRead{Limit: 1000})
		wantStats(t, s, "r", got)
		switch round {
		case 0:
			if len(got) != 700 {
				t.Fatalf("round 0: %d entries", len(got))
			}
			top = maxSeq(got)
			// Trim and delete, then reopen.
			if n := mustTrim(t, s, "r", at(25)); n != 350 {
				t.Fatalf("trim: %d", n)
			}
			if err := s.DeleteStream(context.Background(), "gone"); err != nil {
				t.Fatal(err)
			}
		case 1:
			if len(got) != 350 || !got[0].Time.Equal(at(25)) {
				t.Fatalf("round 1: %d entries from %v", len(got), got[0].Time)
			}
			wantStats(t, s, "gone", nil)
			mustCommit(t, s, &store.Write{StreamEntries: []store.StreamEntry{entry("r", 0, "after")}})
		case 2:
			if len(got) != 351 || string(got[0].Data) != "after" || got[0].Seq <= top {
				t.Fatalf("round 2: %d entries, first %q Seq %d, want Seq > %d", len(got), got[0].Data, got[0].Seq, top)
			}
		}
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
	}
}
