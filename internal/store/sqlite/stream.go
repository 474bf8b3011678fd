package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/sluice-run/sluice/internal/store"
)

// Streams.
//
// An entry is one row of stream_entries, inserted by the writer with the
// rest of its Write; the Write's entries of one stream first bump the
// stream's counters (stUpsertStream), which also creates the stream and
// hands out their Seqs. Reads, trims and deletions go through the index
// on (stream_id, time, seq). Trims and deletions remove streamChunk
// entries per change, each group-committed with other writes, so that a
// large one never holds the writer for long.

// streamChunk is how many entries one change of TrimStream or
// DeleteStream removes: 256 entries of 1 KiB hold the writer for about a
// millisecond (BenchmarkTrimStream; about 4 µs an entry), which the writes
// group-committed with the chunk wait for too. Each chunk waits for its
// fsync before the next is queued, so a trim removes some tens of
// thousands of entries a second.
const streamChunk = 256

// appendStream appends the entries of one stream of a Write.
func (w *writer) appendStream(st *encodedStream) error {
	var dest [2]driver.Value
	if err := w.queryRow(stUpsertStream, st.upsert, dest[:]); err != nil {
		return fmt.Errorf("sqlite: append to stream %s: %w", st.name, err)
	}
	id, _ := dest[0].(int64)
	last, _ := dest[1].(int64)
	seq := last - int64(len(st.entries))
	for _, v := range st.entries {
		seq++
		v[0].Value = id
		v[1].Value = seq
		if _, err := w.exec(stInsertEntry, v); err != nil {
			return fmt.Errorf("sqlite: append to stream %s: %w", st.name, err)
		}
	}
	return nil
}

// queryRow runs a prepared statement that returns (at most) one row into
// dest. It returns io.EOF when there is no row.
func (w *writer) queryRow(id stmtID, args []driver.NamedValue, dest []driver.Value) error {
	rows, err := w.stmts[id].(driver.StmtQueryContext).QueryContext(context.Background(), args)
	if err != nil {
		return err
	}
	err = rows.Next(dest)
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	return err
}

// trimChunk removes up to streamChunk of the oldest entries of stream with
// time before before (in nanoseconds) and updates the stream's counters;
// with drop set, it deletes the stream when none are left. It returns the
// number of entries removed; fewer than streamChunk means it is done.
func (w *writer) trimChunk(stream string, before int64, drop bool) (int64, error) {
	var dest [1]driver.Value
	err := w.queryRow(stStreamID, []driver.NamedValue{{Ordinal: 1, Value: stream}}, dest[:])
	if errors.Is(err, io.EOF) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	id := dest[0]
	rows, err := w.stmts[stTrimEntries].(driver.StmtQueryContext).QueryContext(context.Background(), []driver.NamedValue{
		{Ordinal: 1, Value: id}, {Ordinal: 2, Value: before}, {Ordinal: 3, Value: int64(streamChunk)},
	})
	if err != nil {
		return 0, err
	}
	var n, bytes int64
	for {
		if err := rows.Next(dest[:]); err != nil {
			rows.Close()
			if errors.Is(err, io.EOF) {
				break
			}
			return 0, err
		}
		n++
		size, _ := dest[0].(int64) // NULL for empty data
		bytes += size
	}
	if drop && n < streamChunk {
		_, err = w.exec(stDeleteStream, []driver.NamedValue{{Ordinal: 1, Value: id}})
	} else if n > 0 {
		_, err = w.exec(stSubStream, []driver.NamedValue{{Ordinal: 1, Value: id}, {Ordinal: 2, Value: n}, {Ordinal: 3, Value: bytes}})
	}
	if err != nil {
		return 0, err
	}
	return n, nil
}

// trim runs trimChunk until it is done, one change per chunk.
func (s *Store) trim(ctx context.Context, stream string, before int64, drop bool) (int64, error) {
	var removed int64
	for {
		var n int64
		err := s.change(ctx, func(w *writer) error {
			var err error
			n, err = w.trimChunk(stream, before, drop)
			return err
		})
		if err != nil {
			return removed, err
		}
		removed += n
		if n < streamChunk {
			return removed, nil
		}
	}
}

// TrimStream implements store.Store. A zero before removes nothing.
func (s *Store) TrimStream(ctx context.Context, stream string, before time.Time) (int64, error) {
	n, err := s.trim(ctx, stream, timeBound(before, math.MinInt64), false)
	if err != nil {
		return n, fmt.Errorf("sqlite: trim stream %s: %w", stream, err)
	}
	return n, nil
}

// DeleteStream implements store.Store.
func (s *Store) DeleteStream(ctx context.Context, stream string) error {
	if _, err := s.trim(ctx, stream, math.MaxInt64, true); err != nil {
		return fmt.Errorf("sqlite: delete stream %s: %w", stream, err)
	}
	return nil
}

// timeBound encodes a time that bounds a range of entries: zero for the
// zero time, math.MinInt64 or math.MaxInt64 for times before or after
// those a stored entry can have.
func timeBound(t time.Time, zero int64) int64 {
	switch {
	case t.IsZero():
		return zero
	case t.Before(minTime):
		return math.MinInt64
	case !t.Before(maxTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// ReadStream implements store.Store.
func (s *Store) ReadStream(ctx context.Context, stream string, r store.StreamRead) ([]store.StreamEntry, bool, error) {
	if s.closed.Load() {
		return nil, false, store.ErrClosed
	}
	// The lower bound is the later of (From, 0), which every entry from
	// From on is past (Seqs start at 1), and After.
	afterTime, afterSeq := timeBound(r.From, math.MinInt64), int64(0)
	if !r.After.Time.IsZero() || r.After.Seq != 0 {
		t := timeBound(r.After.Time, math.MinInt64)
		if t > afterTime || t == afterTime && r.After.Seq > afterSeq {
			afterTime, afterSeq = t, r.After.Seq
		}
	}
	to := timeBound(r.To, math.MaxInt64)
	n := limit(r.Limit)
	rows, err := s.rd.readStream.QueryContext(ctx, stream, afterTime, afterSeq, to, n+1)
	if err != nil {
		return nil, false, fmt.Errorf("sqlite: read stream %s: %w", stream, s.closedErr(err))
	}
	defer rows.Close()
	var out []store.StreamEntry
	more := false
	for rows.Next() {
		if len(out) == n {
			more = true
			break
		}
		e := store.StreamEntry{Stream: stream}
		var ts int64
		if err := rows.Scan(&e.Seq, &ts, &e.Data); err != nil {
			return nil, false, fmt.Errorf("sqlite: read stream %s: %w", stream, err)
		}
		e.Time = decodeTime(ts, true)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("sqlite: read stream %s: %w", stream, s.closedErr(err))
	}
	rows.Close()
	if err := s.settle(ctx, nil); err != nil {
		return nil, false, err
	}
	return out, more, nil
}

// StreamStats implements store.Store.
func (s *Store) StreamStats(ctx context.Context, stream string) (store.StreamStats, error) {
	if s.closed.Load() {
		return store.StreamStats{}, store.ErrClosed
	}
	var st store.StreamStats
	err := s.rd.streamStats.QueryRowContext(ctx, stream).Scan(&st.Entries, &st.Bytes)
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	} else if err != nil {
		err = fmt.Errorf("sqlite: stream stats of %s: %w", stream, s.closedErr(err))
	}
	if err := s.settle(ctx, err); err != nil {
		return store.StreamStats{}, err
	}
	return st, nil
}
