package lambda

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/sluice-run/sluice/internal/store/sqlite"
	"github.com/sluice-run/sluice/internal/timer"
)

// TestQueuedEventsSurviveRestart checks that an accepted asynchronous
// invocation is in the store before it runs and is queued again by a new
// service on the same store.
func TestQueuedEventsSurviveRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	open := func() (*Service, func()) {
		st, err := sqlite.Open(filepath.Join(dir, "s.db"), sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		s, err := New(Config{Store: st, Account: "000000000000", Region: "us-east-1", Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		return s, func() { s.Close(context.Background()); st.Close() }
	}
	s, closeFirst := open()
	// Due within the loading horizon but not before the restart.
	id, err := s.async.enqueue(context.Background(), &asyncItem{Function: "arn:aws:lambda:us-east-1:000000000000:function:f",
		Payload: []byte(`{"n":1}`), Received: time.Now()}, time.Now().Add(timer.Horizon/2))
	if err != nil {
		t.Fatal(err)
	}
	closeFirst()
	s2, closeSecond := open()
	defer closeSecond()
	s2.async.mu.Lock()
	it := s2.async.items[id]
	s2.async.mu.Unlock()
	if it == nil || string(it.Payload) != `{"n":1}` {
		t.Fatalf("after a restart the queued event is %+v", it)
	}
}
