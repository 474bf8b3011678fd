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

// benchEvents is a history batch of a typical size: a few events as JSON
// lines, about 1 KiB.
var benchEvents = bytes.Repeat([]byte(`{"type":"PassStateEntered","id":2,"previousEventId":1,"timestamp":"2025-01-01T00:00:00Z"}`+"\n"), 11)

var benchInput = []byte(`{"orderId":"12345","customer":{"id":"c-1","tier":"gold"},"items":[{"sku":"a","qty":1},{"sku":"b","qty":2}]}`)

func benchExecution(arn string) *store.Execution {
	return &store.Execution{
		Arn:             arn,
		StateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:bench",
		Name:            arn,
		Status:          "RUNNING",
		StartDate:       time.Now(),
		Input:           benchInput,
		DefinitionKey:   "definition:bench",
		RoleArn:         "arn:aws:iam::123456789012:role/bench",
		Engine:          1,
	}
}

// reportCommit reports writes/s, transactions/s, fsyncs/s and writes per
// transaction.
func reportCommit(b *testing.B, s *Store, before Stats) {
	el := b.Elapsed().Seconds()
	after := s.Stats()
	txns := float64(after.Transactions - before.Transactions)
	b.ReportMetric(float64(b.N)/el, "writes/s")
	b.ReportMetric(txns/el, "txns/s")
	b.ReportMetric(float64(after.Syncs-before.Syncs)/el, "fsyncs/s")
	if txns > 0 {
		b.ReportMetric(float64(b.N)/txns, "writes/txn")
	}
}

// BenchmarkCommitParallel commits from many goroutines at once; the
// writer group-commits them. "create" writes an execution and its first
// batch; "update" is a typical state transition: an execution update, one
// batch and a pending item replaced.
func BenchmarkCommitParallel(b *testing.B) {
	for _, nosync := range []bool{false, true} {
		for _, goroutines := range []int{16, 128, 512} {
			for _, kind := range []string{"create", "update"} {
				name := fmt.Sprintf("%s/g%d", kind, goroutines)
				if nosync {
					name += "/nosync"
				}
				b.Run(name, func(b *testing.B) {
					s := openTemp(b, Options{NoSync: nosync})
					benchCommit(b, s, goroutines, kind == "update")
				})
			}
		}
	}
}

func benchCommit(b *testing.B, s *Store, goroutines int, update bool) {
	ctx := context.Background()
	var gid atomic.Int64
	b.SetParallelism((goroutines + 1) / 2)
	b.ReportAllocs()
	before := s.Stats()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		g := gid.Add(1)
		var x *store.Execution
		seq := int64(1)
		if update {
			x = benchExecution(fmt.Sprintf("arn:aws:states:us-east-1:123456789012:execution:bench:g%d", g))
			errs, err := s.Commit(ctx, &store.Write{Create: x, Batches: []store.Batch{{Seq: 1, FirstEventID: 1, EventCount: 11, Events: benchEvents}}})
			if err == nil {
				err = errs[0]
			}
			if err != nil {
				b.Error(err)
				return
			}
		}
		for i := 0; pb.Next(); i++ {
			var w store.Write
			if update {
				seq++
				x.EventCount += 11
				x.Batches = seq
				w = store.Write{
					Update:        x,
					Batches:       []store.Batch{{Seq: seq, FirstEventID: x.EventCount - 10, EventCount: 11, Events: benchEvents, Input: benchInput}},
					RemovePending: []store.PendingKey{{Exec: x.Arn, Kind: "timer", Key: fmt.Sprint(seq - 1)}},
					AddPending:    []store.Pending{{Exec: x.Arn, Kind: "timer", Key: fmt.Sprint(seq), Due: time.Now().Add(time.Minute)}},
				}
			} else {
				arn := fmt.Sprintf("arn:aws:states:us-east-1:123456789012:execution:bench:g%d-%d", g, i)
				w = store.Write{Create: benchExecution(arn), Batches: []store.Batch{{Seq: 1, FirstEventID: 1, EventCount: 11, Events: benchEvents}}}
			}
			errs, err := s.Commit(ctx, &w)
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

}

// BenchmarkReadBatches reads the whole history of an execution of 50
// batches of about 1 KiB, as recovery and GetExecutionHistory do.
func BenchmarkReadBatches(b *testing.B) {
	s := openTemp(b, Options{NoSync: true})
	ctx := context.Background()
	const n = 50
	x := benchExecution("arn:read")
	w := &store.Write{Create: x}
	for i := range n {
		w.Batches = append(w.Batches, store.Batch{Seq: int64(i + 1), FirstEventID: int64(11*i + 1), EventCount: 11, Events: benchEvents, Input: benchInput})
	}
	// Other executions' batches interleave with this one's.
	var ws []*store.Write
	for i := range 100 {
		ws = append(ws, &store.Write{Create: benchExecution(fmt.Sprintf("arn:other:%d", i)), Batches: w.Batches})
	}
	ws = append(ws, w)
	if _, err := s.Commit(ctx, ws...); err != nil {
		b.Fatal(err)
	}
	b.Run("serial", func(b *testing.B) {
		b.SetBytes(int64(n * (len(benchEvents) + len(benchInput))))
		b.ReportAllocs()
		for b.Loop() {
			bs, err := s.ReadBatches(ctx, x.Arn, 0)
			if err != nil || len(bs) != n {
				b.Fatal(len(bs), err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.SetBytes(int64(n * (len(benchEvents) + len(benchInput))))
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				bs, err := s.ReadBatches(ctx, x.Arn, 0)
				if err != nil || len(bs) != n {
					b.Error(len(bs), err)
					return
				}
			}
		})
	})
}

// BenchmarkGroup measures the writer's cost per write without scheduling
// noise: one goroutine commits groups of 64 writes (one transaction each).
func BenchmarkGroup(b *testing.B) {
	for _, kind := range []string{"create", "update"} {
		b.Run(kind, func(b *testing.B) {
			s := openTemp(b, Options{NoSync: true})
			ctx := context.Background()
			const n = 64
			xs := make([]*store.Execution, n)
			ws := make([]*store.Write, n)
			for i := range xs {
				xs[i] = benchExecution(fmt.Sprintf("arn:aws:states:us-east-1:123456789012:execution:bench:x%d", i))
				ws[i] = &store.Write{Create: xs[i], Batches: []store.Batch{{Seq: 1, FirstEventID: 1, EventCount: 11, Events: benchEvents}}}
			}
			if _, err := s.Commit(ctx, ws...); err != nil {
				b.Fatal(err)
			}
			seq := int64(1)
			round := 0
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cpuNanos()
			for b.Loop() {
				round++
				seq++
				for i, x := range xs {
					if kind == "update" {
						x.EventCount += 11
						x.Batches = seq
						ws[i] = &store.Write{
							Update:        x,
							Batches:       []store.Batch{{Seq: seq, FirstEventID: x.EventCount - 10, EventCount: 11, Events: benchEvents, Input: benchInput}},
							RemovePending: []store.PendingKey{{Exec: x.Arn, Kind: "timer", Key: fmt.Sprint(seq - 1)}},
							AddPending:    []store.Pending{{Exec: x.Arn, Kind: "timer", Key: fmt.Sprint(seq), Due: time.Now().Add(time.Minute)}},
						}
					} else {
						y := benchExecution(fmt.Sprintf("%s-%d", x.Arn, round))
						ws[i] = &store.Write{Create: y, Batches: []store.Batch{{Seq: 1, FirstEventID: 1, EventCount: 11, Events: benchEvents}}}
					}
				}
				errs, err := s.Commit(ctx, ws...)
				if err != nil {
					b.Fatal(err)
				}
				for _, err := range errs {
					if err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/write")
			b.ReportMetric(float64(cpuNanos()-cpu0)/float64(b.N*n), "cpu-ns/write")
		})
	}
}
