package runtime_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/sluice-run/sluice/internal/runtime"
	"github.com/sluice-run/sluice/internal/store"
	"github.com/sluice-run/sluice/internal/store/sqlite"
)

func newEngine(t *testing.T) (*runtime.Engine, store.Store) {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "s.db"), sqlite.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	e, err := runtime.New(context.Background(), runtime.Config{Store: st, Region: "us-east-1", Account: "000000000000"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		e.Close(context.Background())
		st.Close()
	})
	return e, st
}

func startExec(t *testing.T, e *runtime.Engine, name, def, input string) *store.Execution {
	t.Helper()
	row, _, err := e.Start(context.Background(), runtime.StartRequest{
		StateMachineArn: "arn:aws:states:us-east-1:000000000000:stateMachine:sm", StateMachineName: "sm",
		ExecutionArn: "arn:aws:states:us-east-1:000000000000:execution:sm:" + name, Name: name,
		Input: []byte(input), Definition: []byte(def), DefinitionKey: "k:" + def, RoleArn: "arn:aws:iam::000000000000:role/r",
	})
	if err != nil {
		t.Fatal(err)
	}
	return row
}

// TestPendingIndexIsCleared checks that the pending index holds what a
// waiting execution waits for, and nothing once executions end, also
// when a timer is started and cancelled by the same step.
func TestPendingIndexIsCleared(t *testing.T) {
	t.Parallel()
	e, st := newEngine(t)
	ctx := context.Background()
	row := startExec(t, e, "pass", `{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`, `{}`)
	if row.Status != "SUCCEEDED" {
		t.Fatalf("status %s", row.Status)
	}
	startExec(t, e, "wait", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"End":true}}}`, `{}`)
	p, _ := st.ListPending(ctx, "")
	if len(p) != 2 { // the Wait timer and the execution's one-year timer
		t.Fatalf("pending while waiting: %+v", p)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		x, err := e.Describe(ctx, "arn:aws:states:us-east-1:000000000000:execution:sm:wait")
		if err != nil {
			t.Fatal(err)
		}
		if x.Status == "SUCCEEDED" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("wait execution is %s", x.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
	e.Close(ctx)
	if p, _ := st.ListPending(ctx, ""); len(p) != 0 {
		t.Fatalf("pending after all ended: %+v", p)
	}
}
