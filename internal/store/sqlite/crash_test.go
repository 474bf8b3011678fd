package sqlite

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sluice-run/sluice/internal/store"
)

// crashChildEnv selects the child mode of the test binary: it names the
// database the child writes to until it is killed.
const crashChildEnv = "SLUICE_SQLITE_CRASH_CHILD"

// TestCrashChild is the child process of TestCrash; it does nothing in a
// normal run.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashChildEnv)
	if path == "" {
		t.Skip("helper process of TestCrash")
	}
	crashChild(path)
}

// crashChild commits writes from several goroutines until it is killed,
// printing "ACK <op> <arn>" for each acknowledged write. Every execution
// goes through two writes:
//
//	create: the row (Batches 2), batches 1 and 2, a pending timer and a record;
//	finish: the row (SUCCEEDED, Batches 3), batch 3, the timer removed.
func crashChild(path string) {
	s, err := Open(path, Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var mu sync.Mutex
	ack := func(op string, arns ...string) {
		var b strings.Builder
		for _, arn := range arns {
			fmt.Fprintf(&b, "ACK %s %s\n", op, arn)
		}
		mu.Lock()
		os.Stdout.WriteString(b.String())
		mu.Unlock()
	}
	ctx := context.Background()
	for g := range 16 {
		go func() {
			for i := 0; ; i++ {
				// Now and then several creates in one Commit.
				n := 1
				if i%5 == 0 {
					n = 3
				}
				var ws []*store.Write
				var xs []*store.Execution
				for k := range n {
					x := crashExecution(fmt.Sprintf("arn:crash:%d:%d:%d", g, i, k))
					xs = append(xs, x)
					ws = append(ws, &store.Write{
						Create:     x,
						Batches:    []store.Batch{crashBatch(x.Arn, 1), crashBatch(x.Arn, 2)},
						AddPending: []store.Pending{{Exec: x.Arn, Kind: "timer", Key: "t", Due: time.Now()}},
						Records:    []store.Record{{Kind: "crash", Key: x.Arn, Data: []byte(`{}`)}},
					})
				}
				errs, err := s.Commit(ctx, ws...)
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(3)
				}
				var created []string
				for k, e := range errs {
					if e != nil {
						fmt.Fprintln(os.Stderr, e)
						os.Exit(3)
					}
					created = append(created, xs[k].Arn)
				}
				ack("create", created...)
				for _, x := range xs {
					x.Status = "SUCCEEDED"
					x.StopDate = time.Now()
					x.Output = []byte(`"done"`)
					x.Batches = 3
					x.EventCount = 3
					errs, err := s.Commit(ctx, &store.Write{
						Update:        x,
						Batches:       []store.Batch{crashBatch(x.Arn, 3)},
						RemovePending: []store.PendingKey{{Exec: x.Arn, Kind: "timer", Key: "t"}},
					})
					if err == nil {
						err = errs[0]
					}
					if err != nil {
						fmt.Fprintln(os.Stderr, err)
						os.Exit(3)
					}
					ack("finish", x.Arn)
				}
			}
		}()
	}
	select {}
}

func crashExecution(arn string) *store.Execution {
	return &store.Execution{
		Arn: arn, StateMachineArn: "sm:crash", Name: arn, Status: "RUNNING", StartDate: time.Now(),
		Input: []byte(`{"crash":true}`), EventCount: 2, Batches: 2,
	}
}

func crashBatch(arn string, seq int64) store.Batch {
	return store.Batch{Seq: seq, FirstEventID: seq, EventCount: 1, Events: fmt.Appendf(nil, "%s/%d", arn, seq)}
}

// TestCrash kills a child process that commits in a loop at a random
// moment, reopens the database and checks that every acknowledged write is
// there, and that no write is there in part.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	for round := range 5 {
		t.Run(fmt.Sprint(round), func(t *testing.T) {
			crashRound(t)
		})
	}
}

func crashRound(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crash.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	created, finished := map[string]bool{}, map[string]bool{}
	first := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(out)
		once := sync.Once{}
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) != 3 || f[0] != "ACK" {
				continue
			}
			once.Do(func() { close(first) })
			switch f[1] {
			case "create":
				created[f[2]] = true
			case "finish":
				finished[f[2]] = true
			}
		}
		done <- sc.Err()
	}()
	select {
	case <-first:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child acknowledged nothing; stderr:\n%s", stderr.String())
	}
	time.Sleep(time.Duration(50+rand.IntN(600)) * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("child did not die of SIGKILL: %v; stderr:\n%s", err, stderr.String())
	}

	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()

	// Every acknowledged write is there.
	for arn := range created {
		if _, err := s.GetExecution(ctx, arn); err != nil {
			t.Errorf("acknowledged create of %s lost: %v", arn, err)
		}
	}
	for arn := range finished {
		if !created[arn] {
			t.Errorf("finish of %s acknowledged before its create", arn)
		}
		x, err := s.GetExecution(ctx, arn)
		if err != nil || x.Status != "SUCCEEDED" {
			t.Errorf("acknowledged finish of %s lost: %+v, %v", arn, x, err)
		}
	}

	// Every write that is there is there whole.
	pending := map[string]bool{}
	ps, err := s.ListPending(ctx, "timer")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		pending[p.Exec] = true
	}
	var all []*store.Execution
	tok := ""
	for {
		xs, next, err := s.ListExecutions(ctx, store.ExecutionFilter{StateMachineArn: "sm:crash"}, store.Page{Limit: 1000, Token: tok})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, xs...)
		if next == "" {
			break
		}
		tok = next
	}
	if len(all) < len(created) {
		t.Errorf("%d executions, %d acknowledged", len(all), len(created))
	}
	for _, x := range all {
		bs, err := s.ReadBatches(ctx, x.Arn, 0)
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(bs)) != x.Batches {
			t.Errorf("%s: row says %d batches, history has %d", x.Arn, x.Batches, len(bs))
		}
		for i, b := range bs {
			if b.Seq != int64(i+1) || string(b.Events) != fmt.Sprintf("%s/%d", x.Arn, i+1) {
				t.Errorf("%s: batch %d is %d %q", x.Arn, i, b.Seq, b.Events)
			}
		}
		if _, err := s.GetRecord(ctx, "crash", x.Arn); err != nil {
			t.Errorf("%s: record of its create: %v", x.Arn, err)
		}
		switch x.Batches {
		case 2:
			if x.Status != "RUNNING" || !pending[x.Arn] {
				t.Errorf("%s: created, but status %s, pending %v", x.Arn, x.Status, pending[x.Arn])
			}
		case 3:
			if x.Status != "SUCCEEDED" || pending[x.Arn] || string(x.Output) != `"done"` {
				t.Errorf("%s: finished, but status %s, pending %v", x.Arn, x.Status, pending[x.Arn])
			}
		default:
			t.Errorf("%s: %d batches", x.Arn, x.Batches)
		}
		delete(pending, x.Arn)
	}
	for arn := range pending {
		t.Errorf("pending item of %s, which does not exist", arn)
	}
	t.Logf("killed after %d creates and %d finishes acknowledged; %d executions found", len(created), len(finished), len(all))
}
