package function

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// invocation is one event handed to an instance.
type invocation struct {
	id  string
	req Request
	// deadline is set when the runtime takes the event: the function's
	// timeout covers the invoke phase, not the runtime's start (Lambda
	// gives initialisation its own limit).
	deadline  time.Time
	delivered chan struct{} // closed when the runtime has taken the event
	done      chan outcome  // buffered; receives exactly one outcome
}

// initTimeout is Lambda's limit on a runtime's initialisation.
const initTimeout = 10 * time.Second

// outcome is what the handler posted for an invocation.
type outcome struct {
	body    []byte
	failed  bool
	errType string
}

// instance is one running process of a function with its Runtime API
// endpoint.
type instance struct {
	pool *Pool
	cmd  *exec.Cmd
	ln   net.Listener
	srv  *http.Server

	next chan *invocation // the event the handler's next GET receives

	mu      sync.Mutex
	current *invocation
	initErr []byte // body of POST /runtime/init/error

	exited  chan struct{} // closed when the process has exited
	exitErr error
	out     *output
}

// start launches an instance: its Runtime API on a loopback port, then
// the process.
func (p *Pool) start() (*instance, error) {
	argv, err := p.command(p.cfg)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for the runtime API: %w", err)
	}
	in := &instance{pool: p, ln: ln, next: make(chan *invocation, 1), exited: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", in.handleNext)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", in.handleResponse)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", in.handleError)
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", in.handleInitError)
	in.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = in.srv.Serve(ln) }()

	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = p.cfg.CodeDir
	cmd.Env = p.environ(ln.Addr().String())
	pr, pw, err := os.Pipe()
	if err != nil {
		_ = in.srv.Close()
		return nil, fmt.Errorf("function: output pipe: %w", err)
	}
	cmd.Stdout = pw
	cmd.Stderr = pw
	// The process and anything it starts share a process group, so that a
	// timeout kills them all.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		_ = in.srv.Close()
		pr.Close()
		pw.Close()
		return nil, fmt.Errorf("start %s: %w", argv[0], err)
	}
	pw.Close() // the process holds its own copy
	in.out = newOutput(pr, p.logs)
	in.cmd = cmd
	go func() {
		in.exitErr = cmd.Wait()
		<-in.out.done
		pr.Close()
		close(in.exited)
	}()
	return in, nil
}

// environ is the process environment: what Lambda sets, then the
// function's own variables, which cannot replace the reserved ones.
func (p *Pool) environ(api string) []string {
	c := p.cfg
	reserved := map[string]string{
		"AWS_LAMBDA_RUNTIME_API":          api,
		"_HANDLER":                        c.Handler,
		"LAMBDA_TASK_ROOT":                c.CodeDir,
		"AWS_LAMBDA_FUNCTION_NAME":        c.Name,
		"AWS_LAMBDA_FUNCTION_VERSION":     c.Version,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": strconv.Itoa(c.MemoryMB),
		"AWS_LAMBDA_LOG_GROUP_NAME":       "/aws/lambda/" + c.Name,
		"AWS_LAMBDA_LOG_STREAM_NAME":      time.Now().UTC().Format("2006/01/02") + "/[" + c.Version + "]" + newID()[:32],
		"AWS_REGION":                      c.Region,
		"AWS_DEFAULT_REGION":              c.Region,
		"AWS_EXECUTION_ENV":               "AWS_Lambda_" + c.Runtime,
		"TZ":                              ":UTC",
	}
	env := []string{"PATH=" + os.Getenv("PATH"), "LANG=en_US.UTF-8"}
	if home := os.Getenv("HOME"); home != "" {
		env = append(env, "HOME="+home)
	}
	for k, v := range c.Env {
		if _, isReserved := reserved[k]; !isReserved {
			env = append(env, k+"="+v)
		}
	}
	for k, v := range reserved {
		env = append(env, k+"="+v)
	}
	return env
}

// kill stops the process group and the Runtime API.
func (in *instance) kill() {
	if in.cmd != nil && in.cmd.Process != nil {
		_ = syscall.Kill(-in.cmd.Process.Pid, syscall.SIGKILL)
	}
	<-in.exited
	_ = in.srv.Close()
}

// handleNext gives the handler its next event, waiting for one.
func (in *instance) handleNext(w http.ResponseWriter, r *http.Request) {
	var inv *invocation
	select {
	case inv = <-in.next:
	case <-r.Context().Done():
		return
	}
	inv.deadline = time.Now().Add(in.pool.cfg.Timeout)
	in.mu.Lock()
	in.current = inv
	in.mu.Unlock()
	close(inv.delivered)
	h := w.Header()
	c := in.pool.cfg
	h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
	h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(inv.deadline.UnixMilli(), 10))
	h.Set("Lambda-Runtime-Invoked-Function-Arn", c.Arn)
	h.Set("Lambda-Runtime-Trace-Id", inv.req.TraceID)
	if inv.req.ClientContext != "" {
		h.Set("Lambda-Runtime-Client-Context", inv.req.ClientContext)
	}
	if inv.req.CognitoIdentity != "" {
		h.Set("Lambda-Runtime-Cognito-Identity", inv.req.CognitoIdentity)
	}
	h.Set("Content-Type", "application/json")
	_, _ = w.Write(inv.req.Payload)
}

// take returns the current invocation if it has the request id.
func (in *instance) take(id string) *invocation {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.current == nil || in.current.id != id {
		return nil
	}
	inv := in.current
	in.current = nil
	return inv
}

func writeStatus(w http.ResponseWriter, code int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = io.WriteString(w, body)
}

// readBody reads a posted payload up to the Lambda limit; too large is
// reported to the runtime with 413 and to the caller as AWS reports it.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	b, err := io.ReadAll(io.LimitReader(r.Body, MaxPayload+1))
	if err != nil {
		writeStatus(w, http.StatusBadRequest, `{"errorMessage":"Could not read the request body","errorType":"InvalidRequestBody"}`)
		return nil, false
	}
	return b, true
}

func (in *instance) handleResponse(w http.ResponseWriter, r *http.Request) {
	inv := in.take(r.PathValue("id"))
	if inv == nil {
		writeStatus(w, http.StatusBadRequest, `{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}`)
		return
	}
	body, ok := readBody(w, r)
	if !ok {
		inv.done <- outcome{failed: true, errType: "Runtime.Unknown", body: errorDoc("Runtime.Unknown", "The runtime's response could not be read")}
		return
	}
	if len(body) > MaxPayload {
		writeStatus(w, http.StatusRequestEntityTooLarge, fmt.Sprintf(`{"errorMessage":"Exceeded maximum allowed payload size (%d bytes).","errorType":"RequestEntityTooLarge"}`, MaxPayload))
		msg := fmt.Sprintf("Response payload size exceeded maximum allowed payload size (%d bytes).", MaxPayload)
		inv.done <- outcome{failed: true, errType: "Function.ResponseSizeTooLarge", body: errorDoc("Function.ResponseSizeTooLarge", msg)}
		return
	}
	writeStatus(w, http.StatusAccepted, `{"status":"OK"}`)
	inv.done <- outcome{body: body}
}

func (in *instance) handleError(w http.ResponseWriter, r *http.Request) {
	inv := in.take(r.PathValue("id"))
	if inv == nil {
		writeStatus(w, http.StatusBadRequest, `{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}`)
		return
	}
	body, _ := readBody(w, r)
	writeStatus(w, http.StatusAccepted, `{"status":"OK"}`)
	inv.done <- outcome{failed: true, body: body, errType: errorTypeOf(body, r.Header.Get("Lambda-Runtime-Function-Error-Type"))}
}

func (in *instance) handleInitError(w http.ResponseWriter, r *http.Request) {
	body, _ := readBody(w, r)
	if len(body) == 0 {
		body = errorDoc(fallback(r.Header.Get("Lambda-Runtime-Function-Error-Type"), "Runtime.Unknown"), "The runtime failed to initialise")
	}
	in.mu.Lock()
	in.initErr = body
	in.mu.Unlock()
	writeStatus(w, http.StatusAccepted, `{"status":"OK"}`)
}

// errorTypeOf reads errorType from an error document, or uses the
// header's.
func errorTypeOf(body []byte, header string) string {
	if t := jsonField(body, "errorType"); t != "" {
		return t
	}
	return fallback(header, "Unhandled")
}

func fallback(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// exitMessage describes a process that exited while it had work.
func (in *instance) exitMessage(id string) string {
	var ee *exec.ExitError
	reason := "Runtime exited without providing a reason"
	if errors.As(in.exitErr, &ee) {
		reason = "Runtime exited with error: " + strings.TrimPrefix(ee.Error(), "exec: ")
	}
	return "RequestId: " + id + " Error: " + reason
}

// send hands inv to the instance and waits for its outcome, the process's
// exit, the deadline or ctx.
func (in *instance) send(ctx context.Context, inv *invocation) (outcome, error) {
	in.next <- inv
	timer := time.NewTimer(initTimeout)
	defer timer.Stop()
	delivered := inv.delivered
	for {
		select {
		case <-delivered:
			// The invoke phase starts: the function's timeout applies.
			delivered = nil
			timer.Reset(time.Until(inv.deadline))
			continue
		case o := <-inv.done:
			return o, nil
		case <-in.exited:
			return in.exitOutcome(inv), errInstanceGone
		case <-timer.C:
			if delivered != nil {
				msg := fmt.Sprintf("RequestId: %s Error: the runtime did not take the event within %v of starting", inv.id, initTimeout)
				return outcome{failed: true, errType: "Runtime.InitTimeout", body: errorDoc("Runtime.InitTimeout", msg)}, errInstanceGone
			}
			msg := fmt.Sprintf("%s %s Task timed out after %.2f seconds", time.Now().UTC().Format("2006-01-02T15:04:05.000Z"), inv.id, in.pool.cfg.Timeout.Seconds())
			return outcome{failed: true, errType: "Sandbox.Timedout", body: errorDoc("Sandbox.Timedout", msg)}, errInstanceGone
		case <-ctx.Done():
			return outcome{}, ctx.Err()
		}
	}
}

// exitOutcome is the outcome of an invocation whose process exited.
func (in *instance) exitOutcome(inv *invocation) outcome {
	// The process may have posted an init error, or a last outcome
	// just before it exited.
	select {
	case o := <-inv.done:
		return o
	default:
	}
	in.mu.Lock()
	initErr := in.initErr
	in.mu.Unlock()
	if initErr != nil {
		return outcome{failed: true, body: initErr, errType: errorTypeOf(initErr, "Runtime.Unknown")}
	}
	return outcome{failed: true, errType: "Runtime.ExitError", body: errorDoc("Runtime.ExitError", in.exitMessage(inv.id))}
}

// errInstanceGone marks outcomes after which the instance cannot be
// reused.
var errInstanceGone = errors.New("function instance ended")
