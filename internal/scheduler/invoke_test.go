package scheduler

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sluice-run/sluice/internal/awsapi"
	"github.com/sluice-run/sluice/internal/store"
	"github.com/sluice-run/sluice/internal/store/sqlite"
)

// fakeStarter records StartForTarget calls and fails them with err.
type fakeStarter struct {
	mu    sync.Mutex
	names []string
	err   error
}

func (f *fakeStarter) StartForTarget(ctx context.Context, smArn, name string, input []byte) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.names = append(f.names, name)
	return "", f.err
}

func (f *fakeStarter) calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.names...)
}

// newTestService starts a service on a fresh store.
func newTestService(t *testing.T, sm *fakeStarter) (*Service, store.Store) {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "s.db"), sqlite.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(context.Background(), Config{Store: st, Account: "000000000000", Region: "us-east-1", StateMachines: sm,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.Close(ctx)
		_ = st.Close()
	})
	return s, st
}

// do sends one API request to the service and decodes the answer.
func do(t *testing.T, s *Service, method, path, body string) (int, map[string]any) {
	t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	var out map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &out)
	return w.Code, out
}

// waitDeadLetters waits for n entries on a dead-letter stream.
func waitDeadLetters(t *testing.T, st store.Store, stream string, n int) []map[string]any {
	t.Helper()
	deadline := time.Now().Add(8 * time.Second)
	for {
		entries, _, err := st.ReadStream(context.Background(), stream, store.StreamRead{})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) >= n {
			var out []map[string]any
			for _, e := range entries {
				var m map[string]any
				if err := json.Unmarshal(e.Data, &m); err != nil {
					t.Fatal(err)
				}
				out = append(out, m)
			}
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d dead letters", len(entries), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

const dlq = "arn:aws:sqs:us-east-1:000000000000:dlq"

func scheduleBody(retries int, input string) string {
	return `{"ScheduleExpression":"rate(1 second)","FlexibleTimeWindow":{"Mode":"OFF"},` +
		`"Target":{"Arn":"arn:aws:states:us-east-1:000000000000:stateMachine:m","RoleArn":"arn:aws:iam::000000000000:role/r",` +
		`"Input":` + input + `,"DeadLetterConfig":{"Arn":"` + dlq + `"},"RetryPolicy":{"MaximumRetryAttempts":` + strconv.Itoa(retries) + `}}}`
}

// TestSchedulerRetriesThenDeadLetters checks that a failing target is
// retried with the same execution name and then dead-lettered.
func TestSchedulerRetriesThenDeadLetters(t *testing.T) {
	t.Parallel()
	sm := &fakeStarter{err: errors.New("ServiceUnavailable: try later")}
	s, st := newTestService(t, sm)
	code, out := do(t, s, http.MethodPost, "/schedules/flaky", scheduleBody(1, `"{\"attempt\":\"<aws.scheduler.attempt-number>\"}"`))
	if code != http.StatusOK {
		t.Fatalf("CreateSchedule: %d %v", code, out)
	}
	letters := waitDeadLetters(t, st, "deadletter:"+dlq, 1)
	if code, out := do(t, s, http.MethodDelete, "/schedules/flaky", ""); code != http.StatusOK {
		t.Fatalf("DeleteSchedule: %d %v", code, out)
	}
	attrs := letters[0]["MessageAttributes"].(map[string]any)
	if attrs["EXHAUSTED_RETRY_CONDITION"] != "MaximumRetryAttempts" || attrs["RETRY_ATTEMPTS"] != 1.0 ||
		attrs["ERROR_CODE"] != "ServiceUnavailable" || letters[0]["Body"] != `{"attempt":"2"}` {
		t.Fatalf("dead letter %v", letters[0])
	}
	calls := sm.calls()
	if len(calls) < 2 || calls[0] != calls[1] {
		t.Fatalf("the retry of an invocation must reuse its execution name: %v", calls)
	}
}

// TestSchedulerPermanentFailure checks that an error retrying cannot fix
// is dead-lettered at once.
func TestSchedulerPermanentFailure(t *testing.T) {
	t.Parallel()
	sm := &fakeStarter{err: awsapi.Errorf("StateMachineDoesNotExist", "State Machine Does Not Exist")}
	s, st := newTestService(t, sm)
	if code, out := do(t, s, http.MethodPost, "/schedules/gone", scheduleBody(5, `"{}"`)); code != http.StatusOK {
		t.Fatalf("CreateSchedule: %d %v", code, out)
	}
	letters := waitDeadLetters(t, st, "deadletter:"+dlq, 1)
	do(t, s, http.MethodDelete, "/schedules/gone", "")
	attrs := letters[0]["MessageAttributes"].(map[string]any)
	if attrs["EXHAUSTED_RETRY_CONDITION"] != "NonRetriable" || attrs["RETRY_ATTEMPTS"] != 0.0 || attrs["ERROR_CODE"] != "StateMachineDoesNotExist" {
		t.Fatalf("dead letter %v", letters[0])
	}
}

// TestSchedulerRESTErrors checks the restJson1 error shape and statuses.
func TestSchedulerRESTErrors(t *testing.T) {
	t.Parallel()
	s, _ := newTestService(t, &fakeStarter{})
	r := httptest.NewRequest(http.MethodGet, "/schedules/missing", nil)
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	if w.Code != http.StatusNotFound || w.Header().Get("x-amzn-ErrorType") != "ResourceNotFoundException" ||
		strings.TrimSpace(w.Body.String()) != `{"Message":"Schedule missing does not exist."}` {
		t.Fatalf("GetSchedule of a missing schedule: %d %v %s", w.Code, w.Header(), w.Body)
	}
	if code, out := do(t, s, http.MethodPost, "/schedule-groups/g", `{}`); code != http.StatusOK {
		t.Fatalf("CreateScheduleGroup: %d %v", code, out)
	}
	if code, out := do(t, s, http.MethodPost, "/schedule-groups/g", `{}`); code != http.StatusConflict {
		t.Fatalf("CreateScheduleGroup again: %d %v", code, out)
	}
	if code, out := do(t, s, http.MethodDelete, "/schedule-groups/default", ""); code != http.StatusBadRequest {
		t.Fatalf("DeleteScheduleGroup default: %d %v", code, out)
	}
	for _, tc := range []struct {
		method, path string
		want         string
		ok           bool
	}{
		{http.MethodGet, "/schedules", "ListSchedules", true},
		{http.MethodPut, "/schedules/x", "UpdateSchedule", true},
		{http.MethodGet, "/schedule-groups", "ListScheduleGroups", true},
		{http.MethodDelete, "/tags/arn:aws:scheduler:us-east-1:000000000000:schedule-group/g", "UntagResource", true},
		{http.MethodGet, "/tags/arn:aws:sns:us-east-1:000000000000:topic", "", false},
		{http.MethodPost, "/", "", false},
	} {
		op, ok := Route(httptest.NewRequest(tc.method, tc.path, nil))
		if op != tc.want || ok != tc.ok {
			t.Errorf("Route(%s %s) = %q %v, want %q %v", tc.method, tc.path, op, ok, tc.want, tc.ok)
		}
	}
}
