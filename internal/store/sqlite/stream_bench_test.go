package sqlite

import (
	"bytes"
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sluice-run/sluice/internal/store"
)

// benchEvent is an EventBridge event of a typical size, about 1 KiB.
var benchEvent = append([]byte(`{"version":"0","id":"6a7e8feb-b491-4cf7-a9f1-bf3703467718","detail-type":"OrderPlaced",`+
	`"source":"com.example.orders","account":"123456789012","time":"2025-06-01T00:00:00Z","region":"us-east-1",`+
	`"resources":[],"detail":{"payload":"`), append(bytes.Repeat([]byte("x"), 1024-260), `"}}`...)...)

const benchArchive = "arn:aws:events:us-east-1:123456789012:archive/bench"

// BenchmarkStreamAppend commits Writes of 10 stream entries of about 1 KiB
// from many goroutines at once, all to one stream (an archive of a busy
// bus). An op is one Write.
func BenchmarkStreamAppend(b *testing.B) {
	for _, nosync := range []bool{false, true} {
		for _, goroutines := range []int{16, 128} {
			name := fmt.Sprintf("g%d", goroutines)
			if nosync {
				name += "/nosync"
			}
			b.Run(name, func(b *testing.B) {
				s := openTemp(b, Options{NoSync: nosync})
				benchStreamAppend(b, s, goroutines)
			})
		}
	}
}

func benchStreamAppend(b *testing.B, s *Store, goroutines int) {
	const perWrite = 10
	ctx := context.Background()
	var clock atomic.Int64
	b.SetParallelism((goroutines + 1) / 2)
	b.SetBytes(perWrite * int64(len(benchEvent)))
	b.ReportAllocs()
	before := s.Stats()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		es := make([]store.StreamEntry, perWrite)
		for pb.Next() {
			for i := range es {
				es[i] = store.StreamEntry{Stream: benchArchive, Time: time.Unix(0, clock.Add(int64(time.Millisecond))), Data: benchEvent}
			}
			errs, err := s.Commit(ctx, &store.Write{StreamEntries: es})
			if err == nil {
				err = errs[0]
			}
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	reportCommit(b, s, before)
	b.ReportMetric(perWrite*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
}

// BenchmarkReadStream reads a time range of 100 (and 1000) entries of about
// 1 KiB from the middle of a stream of 50,000, whose entries interleave
// with those of another stream, as a replay does page by page.
func BenchmarkReadStream(b *testing.B) {
	s := openTemp(b, Options{NoSync: true})
	ctx := context.Background()
	const n = 50000
	for i := 0; i < n; i += 500 {
		var ws []*store.Write
		for _, stream := range []string{benchArchive, benchArchive + "-other"} {
			es := make([]store.StreamEntry, 500)
			for k := range es {
				es[k] = store.StreamEntry{Stream: stream, Time: streamT0.Add(time.Duration(i+k) * time.Second), Data: benchEvent}
			}
			ws = append(ws, &store.Write{StreamEntries: es})
		}
		mustCommitT(b, s, ws...)
	}
	for _, size := range []int{100, 1000} {
		r := store.StreamRead{
			From:  streamT0.Add(n / 2 * time.Second),
			To:    streamT0.Add(time.Duration(n/2+size) * time.Second),
			Limit: size,
		}
		read := func() error {
			es, more, err := s.ReadStream(ctx, benchArchive, r)
			if err == nil && (len(es) != size || more) {
				err = fmt.Errorf("read %d entries, more %v", len(es), more)
			}
			return err
		}
		b.Run(fmt.Sprintf("range%d/serial", size), func(b *testing.B) {
			b.SetBytes(int64(size * len(benchEvent)))
			b.ReportAllocs()
			for b.Loop() {
				if err := read(); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("range%d/parallel", size), func(b *testing.B) {
			b.SetBytes(int64(size * len(benchEvent)))
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := read(); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkTrimStream measures one change of a trim, which holds the
// writer: streamChunk entries of about 1 KiB removed. An op is one chunk.
func BenchmarkTrimStream(b *testing.B) {
	s := openTemp(b, Options{NoSync: true})
	ctx := context.Background()
	es := make([]store.StreamEntry, streamChunk)
	next := 0
	for b.Loop() {
		b.StopTimer()
		for k := range es {
			es[k] = store.StreamEntry{Stream: benchArchive, Time: streamT0.Add(time.Duration(next) * time.Millisecond), Data: benchEvent}
			next++
		}
		mustCommitT(b, s, &store.Write{StreamEntries: es})
		b.StartTimer()
		before := streamT0.Add(time.Duration(next) * time.Millisecond).UnixNano()
		var n int64
		err := s.change(ctx, func(w *writer) error {
			var err error
			n, err = w.trimChunk(benchArchive, before, false)
			return err
		})
		if err != nil || n != streamChunk {
			b.Fatal(n, err)
		}
	}
}
