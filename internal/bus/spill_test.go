package bus

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sluice-run/sluice/internal/store/sqlite"
)

// blockingStarter is a state machine target that holds every start until
// released, and counts the starts of each execution name.
type blockingStarter struct {
	release chan struct{}
	mu      sync.Mutex
	starts  map[string]int
}

func (b *blockingStarter) StartForTarget(ctx context.Context, smArn, name string, input []byte) (string, error) {
	select {
	case <-b.release:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	b.mu.Lock()
	b.starts[name]++
	b.mu.Unlock()
	return smArn + ":" + name, nil
}

// callOp calls one EventBridge operation on the service and fails the test
// unless it answers 200.
func callOp(t *testing.T, s *Service, op, body string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	req.Header.Set("X-Amz-Target", TargetPrefix+"."+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b, _ := io.ReadAll(rec.Body)
		t.Fatalf("%s: %d %s", op, rec.Code, b)
	}
}

// TestSpilledDeliveries checks that a target slower than the events coming
// in holds at most maxQueued deliveries in memory, and that the rest,
// left in the store, are read back and delivered exactly once each.
func TestSpilledDeliveries(t *testing.T) {
	// Not parallel: it lowers the package's maxQueued.
	old := maxQueued
	maxQueued = 5
	defer func() { maxQueued = old }()

	st, err := sqlite.Open(filepath.Join(t.TempDir(), "sluice.db"), sqlite.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sm := &blockingStarter{release: make(chan struct{}), starts: map[string]int{}}
	s, err := New(context.Background(), Config{Store: st, Account: "000000000000", Region: "us-east-1", StateMachines: sm})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	callOp(t, s, "PutRule", `{"Name":"all","EventPattern":"{\"source\":[\"app\"]}"}`)
	callOp(t, s, "PutTargets", `{"Rule":"all","Targets":[{"Id":"sm","Arn":"arn:aws:states:us-east-1:000000000000:stateMachine:slow"}]}`)
	const events = 137
	for i := 0; i < events; i += 10 {
		var entries []string
		for j := i; j < min(i+10, events); j++ {
			entries = append(entries, fmt.Sprintf(`{"Source":"app","DetailType":"t","Detail":"{\"n\":%d}"}`, j))
		}
		callOp(t, s, "PutEvents", `{"Entries":[`+strings.Join(entries, ",")+`]}`)
	}
	q := s.deliv.queue(deliveryKey("arn:aws:events:us-east-1:000000000000:rule/all", "sm"))
	q.mu.Lock()
	queued, spilled := len(q.queue), q.spilled
	q.mu.Unlock()
	if queued > maxQueued || !spilled {
		t.Fatalf("with the target blocked: %d deliveries queued in memory (max %d), spilled %v", queued, maxQueued, spilled)
	}
	close(sm.release)
	deadline := time.Now().Add(10 * time.Second)
	for {
		sm.mu.Lock()
		n := len(sm.starts)
		sm.mu.Unlock()
		if n == events {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d events delivered", n, events)
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // room for a duplicate to show
	sm.mu.Lock()
	defer sm.mu.Unlock()
	for name, n := range sm.starts {
		if n != 1 {
			t.Errorf("execution %s started %d times", name, n)
		}
	}
}

// flakyStarter fails the first start of every execution name with a
// retryable error and counts the successful ones.
type flakyStarter struct {
	mu       sync.Mutex
	attempts map[string]int
	starts   map[string]int
}

func (f *flakyStarter) StartForTarget(ctx context.Context, smArn, name string, input []byte) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.attempts[name]++; f.attempts[name] == 1 {
		return "", fmt.Errorf("ServiceUnavailable: try again")
	}
	f.starts[name]++
	return smArn + ":" + name, nil
}

// TestParkedRetriesBounded fails every first delivery: at most maxQueued
// retries of the target wait in memory, the others only in the store, and
// every event is still delivered exactly once after its retry.
func TestParkedRetriesBounded(t *testing.T) {
	// Not parallel: it lowers the package's maxQueued.
	old := maxQueued
	maxQueued = 5
	defer func() { maxQueued = old }()

	st, err := sqlite.Open(filepath.Join(t.TempDir(), "sluice.db"), sqlite.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sm := &flakyStarter{attempts: map[string]int{}, starts: map[string]int{}}
	s, err := New(context.Background(), Config{Store: st, Account: "000000000000", Region: "us-east-1", StateMachines: sm})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	callOp(t, s, "PutRule", `{"Name":"all","EventPattern":"{\"source\":[\"app\"]}"}`)
	callOp(t, s, "PutTargets", `{"Rule":"all","Targets":[{"Id":"sm","Arn":"arn:aws:states:us-east-1:000000000000:stateMachine:flaky"}]}`)
	const events = 40
	for i := 0; i < events; i += 10 {
		var entries []string
		for j := i; j < i+10; j++ {
			entries = append(entries, fmt.Sprintf(`{"Source":"app","DetailType":"t","Detail":"{\"n\":%d}"}`, j))
		}
		callOp(t, s, "PutEvents", `{"Entries":[`+strings.Join(entries, ",")+`]}`)
	}
	q := s.deliv.queue(deliveryKey("arn:aws:events:us-east-1:000000000000:rule/all", "sm"))
	deadline := time.Now().Add(15 * time.Second)
	maxParked := 0
	for {
		q.mu.Lock()
		maxParked = max(maxParked, len(q.parked))
		q.mu.Unlock()
		sm.mu.Lock()
		n := len(sm.starts)
		sm.mu.Unlock()
		if n == events {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d events delivered", n, events)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if maxParked > maxQueued {
		t.Errorf("%d retries parked in memory, max %d", maxParked, maxQueued)
	}
	time.Sleep(100 * time.Millisecond)
	sm.mu.Lock()
	defer sm.mu.Unlock()
	for name, n := range sm.starts {
		if n != 1 {
			t.Errorf("execution %s started %d times", name, n)
		}
	}
}
