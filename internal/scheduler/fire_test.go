package scheduler

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sluice-run/sluice/internal/store/sqlite"
)

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// TestSchedulerCatchUpAndFlexibleWindow fires a schedule whose fires fell
// due while "stopped" (a clock an hour ahead, so that no real timer runs):
// the missed fires collapse into the latest one, a stale timer does not
// fire again, and a flexible window offsets the fire time by the drawn
// fraction of the window.
func TestSchedulerCatchUpAndFlexibleWindow(t *testing.T) {
	t.Parallel()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "s.db"), sqlite.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	t0 := time.Now().Add(time.Hour).Truncate(time.Second)
	clk := &clock{t: t0}
	sm := &fakeStarter{}
	s, err := New(context.Background(), Config{Store: st, Account: "000000000000", Region: "us-east-1", StateMachines: sm,
		Now: clk.now, Rand: func() float64 { return 0.5 }, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())

	if code, out := do(t, s, http.MethodPost, "/schedules/beat", scheduleBody(0, `"{}"`)); code != http.StatusOK {
		t.Fatalf("CreateSchedule: %d %v", code, out)
	}
	arn := "arn:aws:scheduler:us-east-1:000000000000:schedule/default/beat"
	rec, err := s.readSchedule(context.Background(), arn)
	if err != nil {
		t.Fatal(err)
	}
	if !rec.NextNominal.Equal(t0.Add(time.Second)) || !rec.NextFire.Equal(rec.NextNominal) {
		t.Fatalf("first fire %v at %v, want %v", rec.NextNominal, rec.NextFire, t0.Add(time.Second))
	}
	due := rec.NextFire
	clk.set(t0.Add(10500 * time.Millisecond))
	s.fire(arn, due)
	s.fire(arn, due) // a stale timer: already fired
	deadline := time.Now().Add(5 * time.Second)
	for len(sm.calls()) < 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	if calls := sm.calls(); len(calls) != 1 || calls[0] != uuidOf(arn+"\x00"+t0.Add(10*time.Second).UTC().Format(time.RFC3339Nano)) {
		t.Fatalf("catch-up invoked %v, want one execution for the latest missed fire", calls)
	}
	rec, _ = s.readSchedule(context.Background(), arn)
	if !rec.LastFired.Equal(t0.Add(10*time.Second)) || !rec.NextNominal.Equal(t0.Add(11*time.Second)) {
		t.Fatalf("after catch-up: last %v next %v", rec.LastFired, rec.NextNominal)
	}

	body := `{"ScheduleExpression":"rate(1 hour)","FlexibleTimeWindow":{"Mode":"FLEXIBLE","MaximumWindowInMinutes":10},` +
		`"Target":{"Arn":"arn:aws:states:us-east-1:000000000000:stateMachine:m","RoleArn":"arn:aws:iam::000000000000:role/r"}}`
	if code, out := do(t, s, http.MethodPut, "/schedules/beat", body); code != http.StatusOK {
		t.Fatalf("UpdateSchedule: %d %v", code, out)
	}
	rec, _ = s.readSchedule(context.Background(), arn)
	if got := rec.NextFire.Sub(rec.NextNominal); got != 5*time.Minute {
		t.Fatalf("flexible window offset %v, want 5m (half of 10 minutes)", got)
	}
	if !rec.LastFired.Equal(t0.Add(10 * time.Second)) {
		t.Fatalf("UpdateSchedule lost the fire history: %v", rec.LastFired)
	}
}
