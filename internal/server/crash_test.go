package server_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	goruntime "runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"

	"github.com/sluice-run/sluice/internal/jsonvalue"
	"github.com/sluice-run/sluice/internal/server/servertest"
)

// TestCrashRecovery is the crash test: it runs the real sluice binary as a
// child process, puts it under load (StartExecution of several kinds of
// state machine, activity workers, StopExecution), SIGKILLs it 3 to 5
// times at random moments, restarts it on the same data directory and
// port, lets every execution end, and then checks every execution it was
// told about:
//
//   - nothing acknowledged is lost: every acknowledged StartExecution is
//     found, with the start date it was acknowledged with, and ran to the
//     end its definition computes from its input (output compared);
//   - its history (all pages) is event ids 1..n without gaps or
//     duplicates, starts with the one ExecutionStarted and ends with the
//     one terminal event, every StateEntered has its StateExited, and the
//     sequence of event types is the one an uninterrupted run produced;
//   - an acknowledged StopExecution holds (ABORTED with its error), unless
//     the execution had already ended when it was asked;
//   - every acknowledged SendTaskSuccess output is in the history as an
//     ActivitySucceeded, exactly once, and no other outputs are;
//   - no execution started twice: StartExecution retried after a lost
//     answer or repeated after an acknowledgement gives the same
//     execution, and ListExecutions shows exactly the names the test sent;
//   - activity tasks queued at a kill are handed out after the restart (a
//     task times out only when the answer that carried it was lost), and
//     no task token is handed out twice;
//   - no incarnation logs a failure to replay or recover an execution.
//
// SLUICE_CRASH_SEED=n replays the random choices of a run (timing still
// varies); SLUICE_CRASH_KEEP=dir keeps the data directory and the logs of
// each incarnation in a new directory under dir.
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test: builds the binary and kills it under load")
	}
	t.Parallel()
	began := time.Now()

	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("SLUICE_CRASH_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("SLUICE_CRASH_SEED=%q: %v", s, err)
		}
		seed = n
	}
	t.Logf("seed %d (SLUICE_CRASH_SEED=%d replays the random choices)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 0))

	bin := buildSluice(t)
	buildTime := time.Since(began)

	work := t.TempDir()
	if keep := os.Getenv("SLUICE_CRASH_KEEP"); keep != "" {
		// Keep the data directory and the logs for a post-mortem.
		var err error
		if work, err = os.MkdirTemp(keep, "crash-"); err != nil {
			t.Fatal(err)
		}
		t.Logf("data and logs kept in %s", work)
	}
	ch := &crashChild{t: t, bin: bin, data: filepath.Join(work, "data"), logs: work, addr: freeAddr(t)}
	t.Cleanup(ch.stop)
	ch.start()
	c := crashClient("http://" + ch.addr)

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	h := newCrashHarness(t, c)
	h.setup(ctx)

	// Activity workers answer until the very end.
	workCtx, stopWorkers := context.WithCancel(ctx)
	var workers sync.WaitGroup
	for i := range 4 {
		workers.Go(func() { h.worker(workCtx, i, rand.New(rand.NewPCG(seed, uint64(100+i)))) })
	}
	defer func() { stopWorkers(); workers.Wait() }()

	// Reference runs: one execution of each kind without crashes, whose
	// event types every crashed execution of that kind must reproduce.
	h.references(ctx)

	// Load, with kills.
	loadStart := time.Now()
	loadDone := make(chan struct{})
	var endLoad sync.Once
	defer endLoad.Do(func() { close(loadDone) }) // on a t.Fatal
	var load sync.WaitGroup
	for i := range 4 {
		load.Go(func() { h.starter(ctx, loadDone, i, rand.New(rand.NewPCG(seed, uint64(200+i)))) })
	}
	load.Go(func() { h.stopper(ctx, loadDone, rand.New(rand.NewPCG(seed, 300))) })

	kills := 3 + rng.IntN(3)
	for range kills {
		// The workers mostly stop taking activity tasks a while before the
		// kill, so that it finds tasks queued and not handed out.
		delay := time.Duration(200+rng.IntN(1300)) * time.Millisecond
		pause := min(300*time.Millisecond, delay/2)
		if rng.IntN(3) == 0 {
			pause = 0 // and sometimes a kill cuts off the answers of workers' polls
		}
		time.Sleep(delay - pause)
		h.paused.Store(pause > 0)
		time.Sleep(pause)
		at := ch.kill()
		h.noteKill(at)
		time.Sleep(time.Duration(rng.IntN(150)) * time.Millisecond) // down for a moment
		ready := ch.start()
		h.noteRestart(ready)
		h.paused.Store(false)
	}
	time.Sleep(300 * time.Millisecond) // some load on the last incarnation
	endLoad.Do(func() { close(loadDone) })
	load.Wait()
	loadTime := time.Since(loadStart)

	// Drain: every execution ends (waits are short, the workers answer,
	// lost activity tasks time out and are retried).
	drainStart := time.Now()
	h.drain(ctx, 20*time.Second)
	drainTime := time.Since(drainStart)
	stopWorkers()
	workers.Wait()

	verifyStart := time.Now()
	h.verify(ctx)
	verifyTime := time.Since(verifyStart)

	h.report(buildTime, loadTime, drainTime, verifyTime, time.Since(began))
	ch.checkLogs()
}

// --- The child process -------------------------------------------------------

// buildSluice builds ./cmd/sluice (without -race, whatever the test
// binary has) into a temporary directory.
func buildSluice(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("crash test needs the go command to build sluice: %v", err)
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root := wd
	for {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(root)
		if parent == root {
			t.Fatalf("no go.mod above %s", wd)
		}
		root = parent
	}
	out := filepath.Join(t.TempDir(), "sluice")
	if goruntime.GOOS == "windows" {
		out += ".exe"
	}
	cmd := exec.Command(goBin, "build", "-o", out, "./cmd/sluice")
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/sluice: %v\n%s", err, b)
	}
	return out
}

// freeAddr returns a loopback address with a port that was free a moment
// ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// crashChild is the sluice server process, started and killed again.
type crashChild struct {
	t          *testing.T
	bin        string
	data, logs string
	addr       string

	n      int // incarnations started
	cmd    *exec.Cmd
	exited chan struct{}
}

// start starts a new incarnation and returns when it answers /readyz.
func (c *crashChild) start() time.Duration {
	c.t.Helper()
	began := time.Now()
	for try := 0; ; try++ {
		c.n++
		f, err := os.Create(filepath.Join(c.logs, fmt.Sprintf("child-%d.log", c.n)))
		if err != nil {
			c.t.Fatal(err)
		}
		cmd := exec.Command(c.bin, "serve", "--addr", c.addr, "--data", c.data)
		cmd.Stdout, cmd.Stderr = f, f
		dieWithParent(cmd)
		if err := cmd.Start(); err != nil {
			f.Close()
			c.t.Fatalf("start sluice: %v", err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); f.Close(); close(exited) }()
		c.cmd, c.exited = cmd, exited
		err = c.waitReady(15 * time.Second)
		if err == nil {
			return time.Since(began)
		}
		c.kill()
		logText, _ := os.ReadFile(f.Name())
		// Someone may have taken the port between runs; it frees up again.
		if bytes.Contains(logText, []byte("address already in use")) && try < 20 {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		c.t.Fatalf("sluice incarnation %d did not get ready: %v\n%s", c.n, err, logText)
	}
}

// dieWithParent asks the kernel, where it can (Linux, FreeBSD:
// SysProcAttr.Pdeathsig, set by reflection so that this file builds
// everywhere), to SIGKILL the child when the test process dies: a test
// binary killed abruptly (a timeout, a closed pipe) runs no cleanup and
// would leave a server behind.
func dieWithParent(cmd *exec.Cmd) {
	attr := &syscall.SysProcAttr{}
	f := reflect.ValueOf(attr).Elem().FieldByName("Pdeathsig")
	if f.IsValid() && f.CanSet() && f.Type() == reflect.TypeOf(syscall.SIGKILL) {
		f.Set(reflect.ValueOf(syscall.SIGKILL))
		cmd.SysProcAttr = attr
	}
}

func (c *crashChild) waitReady(timeout time.Duration) error {
	hc := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(timeout)
	for {
		select {
		case <-c.exited:
			return errors.New("the process exited")
		default:
		}
		resp, err := hc.Get("http://" + c.addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no /readyz after %v (last error %v)", timeout, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// kill SIGKILLs the running incarnation, waits for it to be gone and
// returns the moment of the kill.
func (c *crashChild) kill() time.Time {
	at := time.Now()
	if c.cmd == nil {
		return at
	}
	select {
	case <-c.exited:
		c.t.Errorf("sluice incarnation %d exited on its own: %v (log in child-%d.log)", c.n, c.cmd.ProcessState, c.n)
	default:
	}
	_ = c.cmd.Process.Kill()
	<-c.exited
	c.cmd = nil
	return at
}

func (c *crashChild) stop() { c.kill() }

// checkLogs reports what the incarnations logged as errors. An engine that
// cannot replay or recover an execution fails the test; other errors are
// shown.
func (c *crashChild) checkLogs() {
	for i := 1; i <= c.n; i++ {
		f, err := os.Open(filepath.Join(c.logs, fmt.Sprintf("child-%d.log", i)))
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if !strings.Contains(line, "level=ERROR") && !strings.Contains(line, "panic") {
				continue
			}
			if strings.Contains(line, "replay") || strings.Contains(line, "recover") || strings.Contains(line, "panic") {
				c.t.Errorf("incarnation %d logged: %s", i, line)
			} else {
				c.t.Logf("incarnation %d logged: %s", i, line)
			}
		}
		f.Close()
	}
}

// crashClient is a Step Functions client for url that never retries on
// its own: the test decides what to do with every lost answer.
func crashClient(url string) *sfn.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 32
	cfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		BaseEndpoint: aws.String(url),
		HTTPClient:   detachedBody{&http.Client{Transport: tr}},
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	}
	return sfn.NewFromConfig(cfg, func(o *sfn.Options) {
		o.APIOptions = append(o.APIOptions, servertest.NoHostPrefix)
	})
}

// detachedBody is an HTTP client that gives the transport its own copy of
// each request body. The SDK closes the body it built as soon as Do
// returns; when the answer arrives before the transport's writer has
// finished with the body (it reads once more to see EOF), the writer fails
// and closes the connection under the answer being read, and the call
// fails with "deserialization failed ... use of closed network
// connection" (aws/aws-sdk-go-v2#2737; the SDK's own retryer retries it,
// this test has none). Against a server on loopback the race is frequent.
type detachedBody struct{ c *http.Client }

func (d detachedBody) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		r.Body = io.NopCloser(bytes.NewReader(b))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
		r.ContentLength = int64(len(b))
	}
	return d.c.Do(r)
}

// apiCode returns the AWS error code of err, or "" when err is a
// transport error (connection refused or reset, a cut-off answer): the
// request may or may not have been carried out.
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// --- The load ----------------------------------------------------------------

// crashKind is one kind of state machine under load.
type crashKind struct {
	name      string
	def       string // %[1]s is the activity ARN
	input     func(k int) string
	output    func(k int) string
	stoppable bool // long-lived enough to be stopped
}

var crashKinds = []crashKind{
	{
		name: "pass",
		def: `{"StartAt":"A","States":{
			"A":{"Type":"Pass","Parameters":{"v.$":"$.x"},"Next":"B"},
			"B":{"Type":"Pass","Result":"b","ResultPath":"$.b","Next":"C"},
			"C":{"Type":"Pass","Parameters":{"v.$":"$.v","sum.$":"States.MathAdd($.v, 1)","b.$":"$.b"},"End":true}}}`,
		input:  func(k int) string { return fmt.Sprintf(`{"x":%d}`, k) },
		output: func(k int) string { return fmt.Sprintf(`{"v":%d,"sum":%d,"b":"b"}`, k, k+1) },
	},
	{
		name: "wait",
		def: `{"StartAt":"W","States":{
			"W":{"Type":"Wait","Seconds":1,"Next":"P"},
			"P":{"Type":"Pass","Parameters":{"v.$":"$.x"},"End":true}}}`,
		input:     func(k int) string { return fmt.Sprintf(`{"x":%d}`, k) },
		output:    func(k int) string { return fmt.Sprintf(`{"v":%d}`, k) },
		stoppable: true,
	},
	{
		name: "parallel",
		def: `{"StartAt":"Par","States":{"Par":{"Type":"Parallel","End":true,"Branches":[
			{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"a.$":"$.x"},"End":true}}},
			{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"Next":"B"},"B":{"Type":"Pass","Parameters":{"b.$":"States.MathAdd($.x, 10)"},"End":true}}},
			{"StartAt":"C","States":{"C":{"Type":"Pass","Result":"c","End":true}}}]}}}`,
		input:     func(k int) string { return fmt.Sprintf(`{"x":%d}`, k) },
		output:    func(k int) string { return fmt.Sprintf(`[{"a":%d},{"b":%d},"c"]`, k, k+10) },
		stoppable: true,
	},
	{
		name: "map",
		def: `{"StartAt":"M","States":{
			"M":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":2,"ResultPath":"$.out","Next":"Done",
				"ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"W","States":{
					"W":{"Type":"Wait","Seconds":0,"Next":"P"},
					"P":{"Type":"Pass","Parameters":{"sq.$":"States.MathAdd($, $)"},"End":true}}}},
			"Done":{"Type":"Pass","Parameters":{"out.$":"$.out"},"End":true}}}`,
		input: func(k int) string { return fmt.Sprintf(`{"items":[%d,%d,%d,%d]}`, k, k+1, k+2, k+3) },
		output: func(k int) string {
			return fmt.Sprintf(`{"out":[{"sq":%d},{"sq":%d},{"sq":%d},{"sq":%d}]}`, 2*k, 2*k+2, 2*k+4, 2*k+6)
		},
	},
	{
		// A lost activity task (handed out, but the answer to
		// GetActivityTask died with the process) times out and is retried.
		name: "activity",
		def: `{"StartAt":"T","States":{
			"T":{"Type":"Task","Resource":"%[1]s","Parameters":{"n.$":"$.n","name.$":"$$.Execution.Name"},"TimeoutSeconds":4,
				"Retry":[{"ErrorEquals":["States.Timeout"],"IntervalSeconds":1,"MaxAttempts":8,"BackoffRate":1}],
				"ResultSelector":{"doubled.$":"$.doubled"},"ResultPath":"$.r","Next":"Done"},
			"Done":{"Type":"Pass","End":true}}}`,
		input:     func(k int) string { return fmt.Sprintf(`{"n":%d}`, k) },
		output:    func(k int) string { return fmt.Sprintf(`{"n":%d,"r":{"doubled":%d}}`, k, 2*k) },
		stoppable: true,
	},
	{
		name: "choice",
		def: `{"StartAt":"Init","States":{
			"Init":{"Type":"Pass","Parameters":{"i":0,"n.$":"$.n","sum.$":"$.base"},"Next":"Loop"},
			"Loop":{"Type":"Choice","Choices":[{"Variable":"$.i","NumericLessThanPath":"$.n","Next":"Step"}],"Default":"Done"},
			"Step":{"Type":"Pass","Parameters":{"i.$":"States.MathAdd($.i, 1)","n.$":"$.n","sum.$":"States.MathAdd($.sum, $.i)"},"Next":"Tick"},
			"Tick":{"Type":"Wait","Seconds":0,"Next":"Loop"},
			"Done":{"Type":"Succeed"}}}`,
		input:     func(k int) string { return fmt.Sprintf(`{"n":4,"base":%d}`, k) },
		output:    func(k int) string { return fmt.Sprintf(`{"i":4,"n":4,"sum":%d}`, k+6) },
		stoppable: true,
	},
}

// crashExec is what the test knows about one execution it asked for.
type crashExec struct {
	kind  *crashKind
	sm    string // state machine ARN
	name  string
	arn   string
	k     int
	input string

	mu sync.Mutex
	// acked: StartExecution answered success; startDate is its answer.
	acked     bool
	startDate time.Time
	// exists: not acknowledged at first, but a retry found it
	// (ExecutionAlreadyExists: it was started and has ended already).
	exists bool
	// lostAnswers counts StartExecution calls whose answer was lost.
	lostAnswers int
	stops       []*crashStop
	// calls logs the StartExecution calls, for failure messages.
	calls []string
}

// logCall notes a StartExecution call and its outcome.
func (x *crashExec) logCall(what string, began time.Time, out *sfn.StartExecutionOutput, err error) {
	var res string
	switch {
	case err == nil:
		res = "started " + stamp(out.StartDate.UTC())
	case apiCode(err) != "":
		res = apiCode(err)
	default:
		res = "answer lost: " + err.Error()
	}
	x.mu.Lock()
	x.calls = append(x.calls, fmt.Sprintf("%s %s..%s: %s", what, stamp(began), stamp(time.Now()), res))
	x.mu.Unlock()
}

func stamp(t time.Time) string { return t.UTC().Format("15:04:05.000") }

// known reports whether the execution must exist.
func (x *crashExec) known() bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.acked || x.exists
}

// crashStop is one StopExecution the test sent.
type crashStop struct {
	cause    string
	acked    bool
	ackedAt  time.Time
	stopDate time.Time // from the acknowledgement
}

// crashSend is one SendTaskSuccess the test sent.
type crashSend struct {
	exec               string // execution name
	output             string
	sentAt, answeredAt time.Time
	acked              bool
	code               string // the AWS error it got, if any
}

type crashHarness struct {
	t *testing.T
	c *sfn.Client

	act  string
	sms  map[string]string // kind -> state machine ARN
	refs map[string]string // kind -> event types of the reference run

	mu       sync.Mutex
	execs    []*crashExec
	byName   map[string]*crashExec
	sends    []*crashSend
	tokens   map[string]int // task tokens handed out, and how often
	problems []string       // failures seen by load goroutines

	kills       []time.Time
	restarts    []time.Duration // how long each incarnation took to get ready
	readyAt     []time.Time
	lostAtKill  []int // executions whose StartExecution answer the kill cut off
	cycleLost   atomic.Int64
	probes      atomic.Int64
	lostPolls   atomic.Int64 // GetActivityTask answers lost
	paused      atomic.Bool  // workers take no tasks
	sendSeq     atomic.Int64
	probeRepeat atomic.Int64

	// results of verify
	statuses       map[string]int
	inFlight       []int
	queuedAtKill   []int // activity tasks waiting for a worker
	retried        int   // activity attempts that timed out
	retriedStarted int   // ... after a worker took them
	spanned        int   // executions that were running across at least one kill
	events         int
	verifyErrs     int
}

func newCrashHarness(t *testing.T, c *sfn.Client) *crashHarness {
	return &crashHarness{t: t, c: c, sms: map[string]string{}, refs: map[string]string{},
		byName: map[string]*crashExec{}, tokens: map[string]int{}, statuses: map[string]int{}}
}

func (h *crashHarness) problem(format string, args ...any) {
	h.mu.Lock()
	h.problems = append(h.problems, fmt.Sprintf(format, args...))
	h.mu.Unlock()
}

// setup creates the activity and the state machines (before any kill).
func (h *crashHarness) setup(ctx context.Context) {
	t := h.t
	a, err := h.c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("crash-worker")})
	if err != nil {
		t.Fatalf("CreateActivity: %v", err)
	}
	h.act = *a.ActivityArn
	for i := range crashKinds {
		k := &crashKinds[i]
		def := k.def
		if strings.Contains(def, "%[1]s") {
			def = fmt.Sprintf(def, h.act)
		}
		out, err := h.c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("crash-" + k.name),
			Definition: aws.String(def), RoleArn: aws.String(role)})
		if err != nil {
			t.Fatalf("CreateStateMachine %s: %v", k.name, err)
		}
		h.sms[k.name] = *out.StateMachineArn
	}
}

// newExec registers an execution to be started.
func (h *crashHarness) newExec(kind *crashKind, name string, k int) *crashExec {
	sm := h.sms[kind.name]
	x := &crashExec{kind: kind, sm: sm, name: name, k: k, input: kind.input(k),
		arn: strings.Replace(sm, ":stateMachine:", ":execution:", 1) + ":" + name}
	h.mu.Lock()
	h.execs = append(h.execs, x)
	h.byName[name] = x
	h.mu.Unlock()
	return x
}

// callCtx bounds one API call; a hung call counts as a lost answer.
func callCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, 10*time.Second)
}

// startExec starts x and retries until the answer is known: acknowledged,
// or found to exist. It gives up when ctx ends or on an unexpected error.
func (h *crashHarness) startExec(ctx context.Context, x *crashExec) {
	for attempt := 0; ctx.Err() == nil; attempt++ {
		cctx, cancel := callCtx(ctx)
		began := time.Now()
		out, err := h.c.StartExecution(cctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(x.sm),
			Name: aws.String(x.name), Input: aws.String(x.input)})
		cancel()
		x.logCall("StartExecution", began, out, err)
		code := apiCode(err)
		x.mu.Lock()
		lost := x.lostAnswers
		switch {
		case err == nil:
			x.acked, x.startDate = true, out.StartDate.UTC()
		case code == "ExecutionAlreadyExists" && lost > 0:
			// A lost attempt started it and it has ended already.
			x.exists = true
		case code == "":
			x.lostAnswers++
			if x.lostAnswers == 1 {
				h.cycleLost.Add(1)
			}
		}
		x.mu.Unlock()
		switch {
		case err == nil:
			if *out.ExecutionArn != x.arn {
				h.problem("%s: StartExecution answered ARN %s, want %s", x.name, *out.ExecutionArn, x.arn)
			}
			return
		case code == "ExecutionAlreadyExists" && lost > 0:
			return
		case code != "":
			h.problem("%s: StartExecution (attempt %d, %d answers lost before): %v", x.name, attempt+1, lost, err)
			return
		}
		time.Sleep(20 * time.Millisecond) // the server is down; it comes back
	}
}

// probe repeats the StartExecution of an acknowledged execution: AWS
// answers with the same execution while it runs, ExecutionAlreadyExists
// once it ended; never a second start.
func (h *crashHarness) probe(ctx context.Context, x *crashExec) {
	x.mu.Lock()
	acked, date := x.acked, x.startDate
	x.mu.Unlock()
	if !acked {
		return
	}
	cctx, cancel := callCtx(ctx)
	defer cancel()
	began := time.Now()
	out, err := h.c.StartExecution(cctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(x.sm),
		Name: aws.String(x.name), Input: aws.String(x.input)})
	x.logCall("repeated StartExecution", began, out, err)
	h.probes.Add(1)
	switch code := apiCode(err); {
	case err == nil:
		h.probeRepeat.Add(1)
		if *out.ExecutionArn != x.arn || !out.StartDate.Equal(date) {
			h.problem("%s: repeated StartExecution answered %s started %v; the first answer was %s started %v (started twice?)",
				x.name, *out.ExecutionArn, out.StartDate.UTC(), x.arn, date)
		}
	case code == "ExecutionAlreadyExists", code == "":
	default:
		h.problem("%s: repeated StartExecution: %v", x.name, err)
	}
}

// starter starts executions of random kinds until loadDone is closed.
func (h *crashHarness) starter(ctx context.Context, loadDone <-chan struct{}, id int, rng *rand.Rand) {
	var mine []*crashExec
	for seq := 0; ; seq++ {
		select {
		case <-loadDone:
			return
		case <-ctx.Done():
			return
		default:
		}
		kind := &crashKinds[rng.IntN(len(crashKinds))]
		x := h.newExec(kind, fmt.Sprintf("%s-%d-%d", kind.name, id, seq), rng.IntN(1000))
		h.startExec(ctx, x)
		mine = append(mine, x)
		if rng.IntN(4) == 0 {
			// Mostly one of the last few, which likely still runs.
			h.probe(ctx, mine[max(0, len(mine)-1-rng.IntN(min(len(mine), 8)))])
		}
		// Pace the load: about a hundred starts a second per starter.
		time.Sleep(time.Duration(rng.IntN(15)) * time.Millisecond)
	}
}

// stopper stops random recently started long-lived executions.
func (h *crashHarness) stopper(ctx context.Context, loadDone <-chan struct{}, rng *rand.Rand) {
	for n := 0; ; n++ {
		select {
		case <-loadDone:
			return
		case <-ctx.Done():
			return
		case <-time.After(time.Duration(40+rng.IntN(80)) * time.Millisecond):
		}
		h.mu.Lock()
		var cands []*crashExec
		for i := len(h.execs) - 1; i >= 0 && len(cands) < 20; i-- {
			if x := h.execs[i]; x.kind.stoppable && x.known() {
				cands = append(cands, x)
			}
		}
		h.mu.Unlock()
		if len(cands) == 0 {
			continue
		}
		x := cands[rng.IntN(len(cands))]
		x.mu.Lock()
		already := len(x.stops) > 0
		x.mu.Unlock()
		if already {
			continue
		}
		h.stopExec(ctx, x, fmt.Sprintf("stop-%d", n))
	}
}

// stopExec stops x and retries until the answer is known.
func (h *crashHarness) stopExec(ctx context.Context, x *crashExec, cause string) {
	for ctx.Err() == nil {
		s := &crashStop{cause: cause}
		x.mu.Lock()
		x.stops = append(x.stops, s)
		x.mu.Unlock()
		cctx, cancel := callCtx(ctx)
		out, err := h.c.StopExecution(cctx, &sfn.StopExecutionInput{ExecutionArn: aws.String(x.arn),
			Error: aws.String("CrashStop"), Cause: aws.String(cause)})
		cancel()
		code := apiCode(err)
		switch {
		case err == nil:
			x.mu.Lock()
			s.acked, s.ackedAt, s.stopDate = true, time.Now(), out.StopDate.UTC()
			x.mu.Unlock()
			return
		case code != "":
			h.problem("%s: StopExecution: %v", x.name, err)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// worker takes activity tasks and answers each with its input doubled and
// a unique mark, retrying SendTaskSuccess until the answer is known.
func (h *crashHarness) worker(ctx context.Context, id int, rng *rand.Rand) {
	for ctx.Err() == nil {
		if h.paused.Load() {
			time.Sleep(5 * time.Millisecond)
			continue
		}
		pctx, cancel := context.WithTimeout(ctx, 70*time.Second)
		task, err := h.c.GetActivityTask(pctx, &sfn.GetActivityTaskInput{ActivityArn: aws.String(h.act),
			WorkerName: aws.String(fmt.Sprintf("w%d", id))})
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			if code := apiCode(err); code != "" {
				h.problem("GetActivityTask: %v", err)
			} else {
				// The answer may have carried a task, which is now started
				// but in no worker's hands: it times out and is retried.
				h.lostPolls.Add(1)
			}
			time.Sleep(20 * time.Millisecond)
			continue
		}
		if task.TaskToken == nil {
			continue
		}
		token := *task.TaskToken
		h.mu.Lock()
		h.tokens[token]++
		dup := h.tokens[token] > 1
		h.mu.Unlock()
		if dup {
			h.problem("GetActivityTask handed out the same task token twice: %s (input %s)", token, aws.ToString(task.Input))
		}
		v, err := jsonvalue.ParseString(aws.ToString(task.Input))
		o, _ := v.(*jsonvalue.Object)
		if err != nil || o == nil {
			h.problem("activity input %q: %v", aws.ToString(task.Input), err)
			continue
		}
		nv, _ := o.Get("n")
		name, _ := o.Get("name")
		num, _ := nv.(jsonvalue.Number)
		n, isInt := num.Int64()
		if !isInt {
			h.problem("activity input %q has no integer n", aws.ToString(task.Input))
			continue
		}
		// Hold some tasks a moment, so kills find tasks in workers' hands.
		if rng.IntN(4) == 0 {
			time.Sleep(time.Duration(rng.IntN(150)) * time.Millisecond)
		}
		for ctx.Err() == nil {
			// The mark makes every answer unique, so that the history tells
			// which one went through.
			mark := fmt.Sprintf("w%d-%s-%d", id, name, h.sendSeq.Add(1))
			s := &crashSend{exec: fmt.Sprint(name), output: fmt.Sprintf(`{"doubled":%d,"mark":%q}`, 2*n, mark)}
			h.mu.Lock()
			h.sends = append(h.sends, s)
			h.mu.Unlock()
			cctx, cancel := callCtx(ctx)
			sentAt := time.Now()
			_, err := h.c.SendTaskSuccess(cctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(s.output)})
			cancel()
			code := apiCode(err)
			h.mu.Lock()
			s.sentAt, s.answeredAt = sentAt, time.Now()
			h.mu.Unlock()
			if err == nil || code != "" {
				h.mu.Lock()
				s.acked, s.code = err == nil, code
				h.mu.Unlock()
				// TaskTimedOut: an earlier lost attempt went through, or the
				// task timed out or the execution was stopped meanwhile.
				if code != "" && code != "TaskTimedOut" {
					h.problem("%s: SendTaskSuccess: %v", s.exec, err)
				}
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

func (h *crashHarness) noteKill(at time.Time) {
	h.mu.Lock()
	h.kills = append(h.kills, at)
	h.mu.Unlock()
}

func (h *crashHarness) noteRestart(ready time.Duration) {
	h.mu.Lock()
	h.restarts = append(h.restarts, ready)
	h.readyAt = append(h.readyAt, time.Now())
	h.lostAtKill = append(h.lostAtKill, int(h.cycleLost.Swap(0)))
	h.mu.Unlock()
}

// --- Reference runs, drain, verification -------------------------------------

// references runs one execution of each kind without a crash and keeps
// its event types.
func (h *crashHarness) references(ctx context.Context) {
	t := h.t
	var refs []*crashExec
	for i := range crashKinds {
		x := h.newExec(&crashKinds[i], "ref-"+crashKinds[i].name, 1)
		h.startExec(ctx, x)
		refs = append(refs, x)
	}
	for _, x := range refs {
		d := h.waitEnd(ctx, x.arn, 20*time.Second)
		if d.Status != types.ExecutionStatusSucceeded || aws.ToString(d.Output) != x.kind.output(x.k) {
			t.Fatalf("reference %s: %s %s (%s: %s), want output %s", x.name, d.Status, aws.ToString(d.Output),
				aws.ToString(d.Error), aws.ToString(d.Cause), x.kind.output(x.k))
		}
		evs, err := h.history(ctx, x.arn)
		if err != nil {
			t.Fatalf("reference %s: %v", x.name, err)
		}
		seq, _, _ := withoutRetries(evs)
		h.refs[x.kind.name] = seq
	}
}

func (h *crashHarness) waitEnd(ctx context.Context, arn string, timeout time.Duration) *sfn.DescribeExecutionOutput {
	deadline := time.Now().Add(timeout)
	for {
		d, err := h.c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
		if err != nil {
			h.t.Fatalf("DescribeExecution %s: %v", arn, err)
		}
		if d.Status != types.ExecutionStatusRunning {
			return d
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("%s still running after %v", arn, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// history reads all pages of an execution's history, in small pages so
// that paging is exercised.
func (h *crashHarness) history(ctx context.Context, arn string) ([]types.HistoryEvent, error) {
	var evs []types.HistoryEvent
	p := sfn.NewGetExecutionHistoryPaginator(h.c, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), MaxResults: 25})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		evs = append(evs, page.Events...)
	}
	return evs, nil
}

// withoutRetries returns the event types with the attempts of the
// activity task that timed out left out, how many there were, and how
// many of those had not even been handed to a worker.
func withoutRetries(evs []types.HistoryEvent) (seq string, retries, unstarted int) {
	var out []string
	for _, e := range evs {
		typ := string(e.Type)
		if typ == string(types.HistoryEventTypeActivityTimedOut) {
			retries++
			if len(out) > 0 && out[len(out)-1] == "ActivityScheduled" {
				unstarted++
			}
			// Drop ActivityScheduled and ActivityStarted of this attempt.
			for len(out) > 0 && (out[len(out)-1] == "ActivityStarted" || out[len(out)-1] == "ActivityScheduled") {
				last := out[len(out)-1]
				out = out[:len(out)-1]
				if last == "ActivityScheduled" {
					break
				}
			}
			continue
		}
		out = append(out, typ)
	}
	return strings.Join(out, ","), retries, unstarted
}

// drain waits until no execution runs any more.
func (h *crashHarness) drain(ctx context.Context, timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for {
		running := 0
		for _, sm := range h.sms {
			p := sfn.NewListExecutionsPaginator(h.c, &sfn.ListExecutionsInput{StateMachineArn: aws.String(sm),
				StatusFilter: types.ExecutionStatusRunning, MaxResults: 1000})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					h.t.Fatalf("ListExecutions: %v", err)
				}
				running += len(page.Executions)
			}
		}
		if running == 0 {
			return
		}
		if time.Now().After(deadline) {
			h.t.Errorf("%d executions still running %v after the load ended", running, timeout)
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// verify checks every execution; see TestCrashRecovery.
func (h *crashHarness) verify(ctx context.Context) {
	t := h.t
	for _, p := range h.problems {
		t.Errorf("during the load: %s", p)
	}

	// Every ActivitySucceeded output in any history, counted.
	var mu sync.Mutex
	succeeded := map[string]int{}
	var errs []string
	fail := func(format string, args ...any) {
		mu.Lock()
		errs = append(errs, fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	h.inFlight = make([]int, len(h.kills))
	h.queuedAtKill = make([]int, len(h.kills))
	h.queuedAtKill = make([]int, len(h.kills))
	jobs := make(chan *crashExec)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for x := range jobs {
				h.verifyExec(ctx, x, fail, func(out string) {
					mu.Lock()
					succeeded[out]++
					mu.Unlock()
				})
			}
		})
	}
	for _, x := range h.execs {
		jobs <- x
	}
	close(jobs)
	wg.Wait()

	// Activity answers.
	acked := 0
	for _, s := range h.sends {
		n := succeeded[s.output]
		switch {
		case s.acked && n != 1:
			var story string
			if x := h.byName[s.exec]; x != nil {
				story = h.story(ctx, x)
			}
			fail("%s: acknowledged SendTaskSuccess %s is in the history %d times, want once%s", s.exec, s.output, n, story)
		case n > 1:
			fail("%s: SendTaskSuccess %s is in the history %d times", s.exec, s.output, n)
		}
		if s.acked {
			acked++
		}
		delete(succeeded, s.output)
	}
	for out, n := range succeeded {
		fail("ActivitySucceeded with output %s (%d times) that no worker sent", out, n)
	}

	// A task handed out times out only when the answer carrying it was lost.
	if lost := int(h.lostPolls.Load()); h.retriedStarted > lost {
		fail("%d activity attempts timed out in a worker's hands, but only %d GetActivityTask answers were lost", h.retriedStarted, lost)
	}

	// No execution the test did not ask for; none twice.
	for kind, sm := range h.sms {
		seen := map[string]bool{}
		p := sfn.NewListExecutionsPaginator(h.c, &sfn.ListExecutionsInput{StateMachineArn: aws.String(sm), MaxResults: 1000})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatalf("ListExecutions: %v", err)
			}
			for _, e := range page.Executions {
				name := aws.ToString(e.Name)
				if seen[name] {
					fail("ListExecutions of %s lists %s twice", kind, name)
				}
				seen[name] = true
				if x := h.byName[name]; x == nil || x.kind.name != kind {
					fail("ListExecutions of %s lists %s, which the test never started", kind, name)
				}
			}
		}
		for _, x := range h.execs {
			if x.kind.name == kind && x.known() && !seen[x.name] {
				fail("ListExecutions of %s misses %s", kind, x.name)
			}
		}
	}

	sort.Strings(errs)
	h.verifyErrs = len(errs)
	for i, e := range errs {
		if i == 30 {
			t.Errorf("... and %d more", len(errs)-30)
			break
		}
		t.Error(e)
	}
	t.Logf("activity: %d SendTaskSuccess acknowledged of %d sent; %d task tokens handed out", acked, len(h.sends), len(h.tokens))
}

// verifyExec checks one execution.
func (h *crashHarness) verifyExec(ctx context.Context, x *crashExec, fail func(string, ...any), activityOutput func(string)) {
	x.mu.Lock()
	acked, exists, startDate, lost := x.acked, x.exists, x.startDate, x.lostAnswers
	stops := slices.Clone(x.stops)
	x.mu.Unlock()

	d, err := h.c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(x.arn)})
	if apiCode(err) == "ExecutionDoesNotExist" {
		if acked || exists {
			fail("%s: acknowledged execution lost: %v", x.name, err)
		}
		return // never started: its StartExecution answers were lost
	}
	if err != nil {
		fail("%s: DescribeExecution: %v", x.name, err)
		return
	}
	if !acked && !exists && lost == 0 {
		fail("%s: exists but StartExecution was never sent", x.name)
	}
	if acked && !d.StartDate.Equal(startDate) {
		fail("%s: start date %s, acknowledged %s (started twice?)%s", x.name, stamp(*d.StartDate), stamp(startDate), h.story(ctx, x))
	}
	if aws.ToString(d.Input) != x.input {
		fail("%s: input %s, sent %s", x.name, aws.ToString(d.Input), x.input)
	}

	// Status.
	stopped := false
	for _, s := range stops {
		if !s.acked {
			continue
		}
		// An acknowledged stop holds, unless the execution had ended when
		// it was asked (then AWS answers with the existing stop date).
		if d.StopDate == nil || !d.StopDate.Equal(s.stopDate) {
			fail("%s: StopExecution acknowledged with stop date %v, the execution has %v (%s)", x.name, s.stopDate, d.StopDate, d.Status)
		}
		if d.Status != types.ExecutionStatusAborted && (d.StopDate == nil || d.StopDate.After(s.ackedAt)) {
			fail("%s: StopExecution acknowledged at %v, but the execution %s at %v", x.name, s.ackedAt, d.Status, d.StopDate)
		}
	}
	switch d.Status {
	case types.ExecutionStatusSucceeded:
		if want := x.kind.output(x.k); aws.ToString(d.Output) != want {
			fail("%s: output %s, want %s", x.name, aws.ToString(d.Output), want)
		}
	case types.ExecutionStatusAborted:
		stopped = true
		causes := map[string]bool{}
		for _, s := range stops {
			causes[s.cause] = true
		}
		if len(stops) == 0 || aws.ToString(d.Error) != "CrashStop" || !causes[aws.ToString(d.Cause)] {
			fail("%s: ABORTED (%s: %s) but the test stopped it %d times", x.name, aws.ToString(d.Error), aws.ToString(d.Cause), len(stops))
		}
	default:
		fail("%s: status %s (%s: %s)", x.name, d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
	}

	// History.
	evs, err := h.history(ctx, x.arn)
	if err != nil {
		fail("%s: GetExecutionHistory: %v", x.name, err)
		return
	}
	if len(evs) == 0 {
		fail("%s: empty history", x.name)
		return
	}
	var last time.Time
	open := map[string]int{}
	for i, e := range evs {
		if e.Id != int64(i+1) {
			fail("%s: event %d has id %d (%s): ids must be 1..n without gaps or duplicates", x.name, i+1, e.Id, eventTypes(evs))
			return
		}
		if e.PreviousEventId < 0 || e.PreviousEventId >= e.Id {
			fail("%s: event %d has previous event %d", x.name, e.Id, e.PreviousEventId)
		}
		if e.Timestamp != nil {
			if e.Timestamp.Before(last) {
				fail("%s: event %d (%s) at %s is earlier than the one before at %s%s", x.name, e.Id, e.Type, stamp(*e.Timestamp), stamp(last), h.story(ctx, x))
			}
			last = *e.Timestamp
		}
		typ := string(e.Type)
		terminal := typ == "ExecutionSucceeded" || typ == "ExecutionFailed" || typ == "ExecutionAborted" || typ == "ExecutionTimedOut"
		switch {
		case i == 0 && typ != "ExecutionStarted":
			fail("%s: history starts with %s", x.name, typ)
		case i > 0 && typ == "ExecutionStarted":
			fail("%s: ExecutionStarted again as event %d (started twice)", x.name, e.Id)
		case terminal && i != len(evs)-1:
			fail("%s: terminal event %s is event %d of %d", x.name, typ, e.Id, len(evs))
		case !terminal && i == len(evs)-1:
			fail("%s: history ends with %s, not a terminal event", x.name, typ)
		}
		switch {
		case i == 0 && e.ExecutionStartedEventDetails != nil:
			if in := aws.ToString(e.ExecutionStartedEventDetails.Input); in != x.input {
				fail("%s: ExecutionStarted input %s, sent %s", x.name, in, x.input)
			}
		case typ == "ExecutionSucceeded":
			if out := aws.ToString(e.ExecutionSucceededEventDetails.Output); out != aws.ToString(d.Output) {
				fail("%s: ExecutionSucceeded output %s, DescribeExecution %s", x.name, out, aws.ToString(d.Output))
			}
			if d.Status != types.ExecutionStatusSucceeded {
				fail("%s: history ends with %s, status %s", x.name, typ, d.Status)
			}
		case typ == "ExecutionAborted" && d.Status != types.ExecutionStatusAborted:
			fail("%s: history ends with %s, status %s", x.name, typ, d.Status)
		case typ == "ActivitySucceeded":
			activityOutput(aws.ToString(e.ActivitySucceededEventDetails.Output))
		case strings.HasSuffix(typ, "StateEntered"):
			open[aws.ToString(e.StateEnteredEventDetails.Name)]++
		case strings.HasSuffix(typ, "StateExited"):
			name := aws.ToString(e.StateExitedEventDetails.Name)
			if open[name] == 0 {
				fail("%s: event %d: %s of %s, which was not entered", x.name, e.Id, typ, name)
			}
			open[name]--
		}
	}
	seq, retries, unstarted := withoutRetries(evs)
	if unstarted > 0 {
		// Workers poll all the time: a task that waits 4 s for one was
		// lost by the server (not queued again after a restart).
		fail("%s: %d activity attempts timed out without being handed to a worker", x.name, unstarted)
	}
	if !stopped {
		for name, n := range open {
			if n != 0 {
				fail("%s: state %s entered %d more times than exited", x.name, name, n)
			}
		}
		if ref := h.refs[x.kind.name]; seq != ref {
			fail("%s: event types\n  %s\nwant (as an uninterrupted run)\n  %s", x.name, seq, ref)
		}
	}

	mu := &h.mu
	mu.Lock()
	defer mu.Unlock()
	h.statuses[string(d.Status)]++
	h.retried += retries
	h.retriedStarted += retries - unstarted
	h.events += len(evs)
	// Activity attempts scheduled but not handed out at each kill.
	var scheduled []time.Time
	var started []time.Time
	for _, e := range evs {
		switch e.Type {
		case types.HistoryEventTypeActivityScheduled:
			scheduled = append(scheduled, aws.ToTime(e.Timestamp))
			started = append(started, time.Time{})
		case types.HistoryEventTypeActivityStarted:
			if n := len(started); n > 0 {
				started[n-1] = aws.ToTime(e.Timestamp)
			}
		}
	}
	for i, k := range h.kills {
		for j := range scheduled {
			if scheduled[j].Before(k) && (started[j].IsZero() || started[j].After(k)) {
				h.queuedAtKill[i]++
			}
		}
	}
	spans := false
	for i, k := range h.kills {
		if d.StartDate.Before(k) && (d.StopDate == nil || d.StopDate.After(k)) {
			h.inFlight[i]++
			spans = true
		}
	}
	if spans {
		h.spanned++
	}
}

// story tells what happened to x, for a failure message: the calls, the
// kills and the history.
func (h *crashHarness) story(ctx context.Context, x *crashExec) string {
	var b strings.Builder
	x.mu.Lock()
	for _, c := range x.calls {
		fmt.Fprintf(&b, "\n    %s", c)
	}
	for _, st := range x.stops {
		if st.acked {
			fmt.Fprintf(&b, "\n    StopExecution %s: acknowledged at %s, stop date %s", st.cause, stamp(st.ackedAt), stamp(st.stopDate))
		} else {
			fmt.Fprintf(&b, "\n    StopExecution %s: answer lost", st.cause)
		}
	}
	x.mu.Unlock()
	for _, s := range h.sends {
		if s.exec == x.name {
			fmt.Fprintf(&b, "\n    SendTaskSuccess %s..%s %s: acknowledged %v %s", stamp(s.sentAt), stamp(s.answeredAt), s.output, s.acked, s.code)
		}
	}
	for i, k := range h.kills {
		fmt.Fprintf(&b, "\n    kill %d at %s, ready again at %s", i+1, stamp(k), stamp(h.readyAt[i]))
	}
	evs, err := h.history(ctx, x.arn)
	if err != nil {
		fmt.Fprintf(&b, "\n    history: %v", err)
	}
	for _, e := range evs {
		fmt.Fprintf(&b, "\n    event %d %s %s", e.Id, stamp(aws.ToTime(e.Timestamp)), e.Type)
	}
	return b.String()
}

func (h *crashHarness) report(build, load, drain, verify, total time.Duration) {
	t := h.t
	acked, exists, lost, unresolved, stops, stopAcked := 0, 0, 0, 0, 0, 0
	perKind := map[string]int{}
	for _, x := range h.execs {
		x.mu.Lock()
		switch {
		case x.acked:
			acked++
		case x.exists:
			exists++
		default:
			unresolved++
		}
		if x.lostAnswers > 0 {
			lost++
		}
		if len(x.stops) > 0 {
			stops++
		}
		for _, s := range x.stops {
			if s.acked {
				stopAcked++
			}
		}
		x.mu.Unlock()
		perKind[x.kind.name]++
	}
	t.Logf("executions: %d asked for (%v); %d acknowledged, %d found after a lost answer, %d never confirmed; %d had a StartExecution answer cut off by a kill",
		len(h.execs), perKind, acked, exists, unresolved, lost)
	t.Logf("statuses %v; %d history events; %d executions ran across a kill; %d activity attempts timed out and were retried (%d GetActivityTask answers lost)",
		h.statuses, h.events, h.spanned, h.retried, h.lostPolls.Load())
	t.Logf("StopExecution: sent for %d executions, %d acknowledged; StartExecution repeated for %d acknowledged executions (%d still running)",
		stops, stopAcked, h.probes.Load(), h.probeRepeat.Load())
	for i, k := range h.kills {
		t.Logf("kill %d at +%v: %d executions in flight, %d activity tasks queued, %d StartExecution answers cut off; ready again after %v",
			i+1, k.Sub(h.kills[0]).Round(time.Millisecond), h.inFlight[i], h.queuedAtKill[i], h.lostAtKill[i], h.restarts[i].Round(time.Millisecond))
	}
	t.Logf("time: build %v, load %v, drain %v, verify %v, total %v",
		build.Round(time.Millisecond), load.Round(time.Millisecond), drain.Round(time.Millisecond), verify.Round(time.Millisecond), total.Round(time.Millisecond))
}
