package sqlite

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/sluice-run/sluice/internal/store"
)

func TestFramesPerTxn(t *testing.T) {
	if os.Getenv("FRAMES") == "" {
		t.Skip()
	}
	s := openTemp(t, Options{NoSync: true})
	ctx := context.Background()
	const n = 64
	xs := make([]*store.Execution, n)
	ws := make([]*store.Write, n)
	for i := range xs {
		xs[i] = benchExecution(fmt.Sprintf("arn:aws:states:us-east-1:123456789012:execution:bench:x%d", i))
		ws[i] = &store.Write{Create: xs[i], Batches: []store.Batch{{Seq: 1, FirstEventID: 1, EventCount: 11, Events: benchEvents}}}
	}
	s.Commit(ctx, ws...)
	walSize := func() int64 { fi, _ := os.Stat(s.path + "-wal"); return fi.Size() }
	for round := 2; round < 200; round++ {
		w0 := walSize()
		for i, x := range xs {
			x.EventCount += 11
			x.Batches = int64(round)
			ws[i] = &store.Write{
				Update:        x,
				Batches:       []store.Batch{{Seq: int64(round), FirstEventID: x.EventCount - 10, EventCount: 11, Events: benchEvents, Input: benchInput}},
				RemovePending: []store.PendingKey{{Exec: x.Arn, Kind: "timer", Key: fmt.Sprint(round - 1)}},
				AddPending:    []store.Pending{{Exec: x.Arn, Kind: "timer", Key: fmt.Sprint(round), Due: time.Now().Add(time.Minute)}},
			}
		}
		if _, err := s.Commit(ctx, ws...); err != nil {
			t.Fatal(err)
		}
		if w1 := walSize(); w1 > w0 && round%20 == 0 {
			t.Logf("round %d: %d frames", round, (w1-w0)/(4096+24))
		}
	}
}
