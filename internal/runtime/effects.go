package runtime

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sluice-run/sluice/internal/interp"
	"github.com/sluice-run/sluice/internal/jsonvalue"
	"github.com/sluice-run/sluice/internal/store"
	"github.com/sluice-run/sluice/internal/timer"
)

func randRead(b []byte) {
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("runtime: no randomness: %v", err))
	}
}

func uint64FromBytes(b []byte) uint64 { return binary.LittleEndian.Uint64(b) }

// effects carries out the commands of committed steps.
func (s *shard) effects(l *live, steps []interp.Step) {
	e := s.e
	arn := l.row.Arn
	for _, step := range steps {
		for _, c := range step.Commands {
			switch c.Kind {
			case interp.CmdStartTimer:
				e.timers.Add(arn, c.TimerID, c.At)
			case interp.CmdCancelTimer:
				e.timers.Remove(arn, c.TimerID)
			case interp.CmdScheduleTask:
				t := l.tasks[c.TaskID]
				if t == nil {
					continue // already finished within the same write
				}
				if t.state == "activity" {
					e.acts.push(c.Task.Resource, activityTask{exec: arn, taskID: c.TaskID, token: c.Task.Token, input: c.Task.Parameters})
					continue
				}
				e.dispatch(l, c.TaskID, t)
			case interp.CmdCancelTask:
				if t := l.cancelled(c.TaskID); t != nil && t.cancel != nil {
					t.cancel()
				}
				e.acts.remove(arn, c.TaskID)
			case interp.CmdStartMapRun:
				e.runs.start(arn, c.TaskID, c.MapRun)
			case interp.CmdCancelMapRun:
				e.runs.abort(arn, c.TaskID)
			}
		}
	}
}

// cancelled returns the dispatch state of a task that was just cancelled.
func (l *live) cancelled(id int64) *taskState {
	if l.cancels == nil {
		return nil
	}
	t := l.cancels[id]
	delete(l.cancels, id)
	return t
}

// dispatch runs a task's handler in the background.
func (e *Engine) dispatch(l *live, id int64, t *taskState) {
	arn := l.row.Arn
	req := t.req
	h, ok := e.cfg.Resources.Lookup(req.Resource)
	if !ok {
		e.deliver(arn, interp.Input{Kind: interp.InTaskFailed, Time: e.now(), TaskID: id, Error: "States.TaskFailed", HasError: true,
			Cause: fmt.Sprintf("The resource '%s' is not available in Sluice", req.Resource), HasCause: true})
		return
	}
	ctx, cancel := context.WithCancel(e.ctx)
	if l.cancels == nil {
		l.cancels = map[int64]*taskState{}
	}
	t.cancel = cancel
	l.cancels[id] = t
	task := &Task{ExecutionArn: arn, TaskID: id, Request: req, IdempotencyKey: arn + "#" + strconv.FormatInt(id, 10),
		Region: e.cfg.Region, Account: e.cfg.Account}
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		defer cancel()
		res := h(ctx, task)
		if ctx.Err() != nil && e.ctx.Err() != nil {
			return // shutting down: the task is re-dispatched after restart
		}
		switch {
		case res.Async:
			e.post(arn, func(s *shard) {
				l, err := s.load(e.ctx, arn)
				if err != nil {
					return
				}
				if t := l.tasks[id]; t != nil && t.state == "dispatch" {
					t.state = "callback"
					_ = s.commitSteps(l, false, nil, nil)
				}
			})
		case res.Failure != nil:
			e.deliver(arn, interp.Input{Kind: interp.InTaskFailed, Time: e.now(), TaskID: id, Error: res.Failure.Error, HasError: true,
				Cause: res.Failure.Cause, HasCause: res.Failure.Cause != ""})
		default:
			e.deliver(arn, interp.Input{Kind: interp.InTaskSucceeded, Time: e.now(), TaskID: id, Output: res.Output})
		}
	}()
}

// finished handles an execution that just ended: report to its parent
// and drop it from memory.
func (s *shard) finished(l *live) {
	e := s.e
	s.evict(l)
	for _, t := range l.cancels {
		if t.cancel != nil {
			t.cancel()
		}
	}
	ids := make([]string, 0, len(l.timers)+1)
	for id := range l.timers {
		ids = append(ids, id)
	}
	e.timers.RemoveAll(l.row.Arn, append(ids, "execution"))
	e.acts.removeExec(l.row.Arn)
	e.Metrics.finished(l.row.Status)
	row := l.row
	if row.MapRunArn != "" {
		e.runs.childDone(&row)
	} else if row.Parent != "" {
		e.notifyParent(&row)
	}
}

// --- Task tokens -----------------------------------------------------------

// token returns the task token of task id of execution arn: the execution
// and task, authenticated with 128 bits of HMAC-SHA256 under the engine's
// secret, so tokens cannot be guessed or forged and need no lookup table.
func (e *Engine) token(arn string, id int64) string {
	payload := arn + "#" + strconv.FormatInt(id, 10)
	mac := hmac.New(sha256.New, e.secret)
	mac.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:16])
}

// parseToken checks a task token and returns its execution and task.
func (e *Engine) parseToken(token string) (string, int64, error) {
	p, sig, ok := strings.Cut(token, ".")
	if !ok {
		return "", 0, ErrInvalidToken
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p)
	mac, err2 := base64.RawURLEncoding.DecodeString(sig)
	if err1 != nil || err2 != nil {
		return "", 0, ErrInvalidToken
	}
	h := hmac.New(sha256.New, e.secret)
	h.Write(payload)
	if !hmac.Equal(mac, h.Sum(nil)[:16]) {
		return "", 0, ErrInvalidToken
	}
	arn, idText, ok := strings.Cut(string(payload), "#")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil {
		return "", 0, ErrInvalidToken
	}
	return arn, id, nil
}

// complete delivers a callback for a task token and waits until it is on
// disk.
func (e *Engine) complete(ctx context.Context, token string, in interp.Input) error {
	arn, id, err := e.parseToken(token)
	if err != nil {
		return err
	}
	in.TaskID = id
	in.Time = e.now()
	return e.do(ctx, arn, func(s *shard) error {
		l, err := s.load(ctx, arn)
		if errors.Is(err, ErrNotRunning) || errors.Is(err, ErrExecutionNotFound) {
			return ErrTaskGone
		}
		if err != nil {
			return err
		}
		if !l.x.TaskPending(id) {
			return ErrTaskGone
		}
		return s.apply(l, in)
	})
}

// SendTaskSuccess completes the task of token with output.
func (e *Engine) SendTaskSuccess(ctx context.Context, token string, output jsonvalue.Value) error {
	return e.complete(ctx, token, interp.Input{Kind: interp.InTaskSucceeded, Output: output})
}

// SendTaskFailure fails the task of token.
func (e *Engine) SendTaskFailure(ctx context.Context, token string, errName, cause *string) error {
	in := interp.Input{Kind: interp.InTaskFailed}
	if errName != nil {
		in.Error, in.HasError = *errName, true
	}
	if cause != nil {
		in.Cause, in.HasCause = *cause, true
	}
	return e.complete(ctx, token, in)
}

// SendTaskHeartbeat records a heartbeat for the task of token.
func (e *Engine) SendTaskHeartbeat(ctx context.Context, token string) error {
	return e.complete(ctx, token, interp.Input{Kind: interp.InTaskHeartbeat})
}

// Stop stops a running execution.
func (e *Engine) Stop(ctx context.Context, arn string, errName, cause *string) (time.Time, error) {
	in := interp.Input{Kind: interp.InStop, Time: e.now()}
	if errName != nil {
		in.Error, in.HasError = *errName, true
	}
	if cause != nil {
		in.Cause, in.HasCause = *cause, true
	}
	var stop time.Time
	err := e.do(ctx, arn, func(s *shard) error {
		l, err := s.load(ctx, arn)
		if err != nil {
			return err
		}
		if err := s.apply(l, in); err != nil {
			return err
		}
		stop = l.row.StopDate
		return nil
	})
	return stop, err
}

// --- Recovery --------------------------------------------------------------

// recover loads the pending index after a start: timers are armed,
// activity tasks queued, and tasks that may have been in flight when the
// process stopped are dispatched again with the same idempotency key.
func (e *Engine) recover(ctx context.Context) error {
	keys, dues, err := e.dueTimers(ctx, time.Now().Add(timer.Horizon))
	if err != nil {
		return fmt.Errorf("runtime: recover timers: %w", err)
	}
	for i, k := range keys {
		e.timers.Add(k.Owner, k.ID, dues[i])
	}
	items, err := e.st.ListPending(ctx, "task")
	if err != nil {
		return fmt.Errorf("runtime: recover: %w", err)
	}
	redispatch := map[string]bool{}
	for _, p := range items {
		switch p.Kind {
		case "task":
			v, _ := jsonvalue.Parse(p.Data)
			o, _ := v.(*jsonvalue.Object)
			state, _ := o.Get("state")
			switch state {
			case "dispatch", "maprun":
				redispatch[p.Exec] = true
			case "activity":
				redispatch[p.Exec] = true // re-queued from the replayed request
			}
		}
	}
	for arn := range redispatch {
		arn := arn
		e.post(arn, func(s *shard) {
			l, err := s.load(e.ctx, arn)
			if err != nil {
				e.log.Error("recover execution", "execution", arn, "err", err)
				return
			}
			for id, t := range l.tasks {
				switch t.state {
				case "dispatch":
					e.dispatch(l, id, t)
				case "activity":
					e.acts.push(t.req.Resource, activityTask{exec: arn, taskID: id, token: t.req.Token, input: t.req.Parameters})
				case "maprun":
					e.runs.resume(arn, id, t.run)
				}
			}
		})
	}
	e.Metrics.recovered.Store(int64(len(redispatch)))
	return nil
}

// dueTimers lists the stored timers due by before.
func (e *Engine) dueTimers(ctx context.Context, before time.Time) ([]timer.Key, []time.Time, error) {
	items, err := e.st.ListPendingBefore(ctx, "timer", before)
	if err != nil {
		return nil, nil, err
	}
	keys := make([]timer.Key, len(items))
	dues := make([]time.Time, len(items))
	for i, p := range items {
		keys[i], dues[i] = timer.Key{Owner: p.Exec, ID: p.Key}, p.Due
	}
	return keys, dues, nil
}

// fireTimer delivers a due timer. Its lateness is measured when the
// execution processes it, after any queueing in the shard.
func (e *Engine) fireTimer(arn, id string, due time.Time) {
	e.post(arn, func(s *shard) {
		now := e.now()
		e.Metrics.timerApplied.observe(now.Sub(due).Seconds())
		if f := e.cfg.TimerObserver; f != nil {
			f(now.Sub(due))
		}
		l, err := s.load(e.ctx, arn)
		if err != nil {
			if !errors.Is(err, ErrNotRunning) && !errors.Is(err, ErrExecutionNotFound) {
				e.log.Error("fire timer", "execution", arn, "err", err)
			}
			return
		}
		if err := s.apply(l, interp.Input{Kind: interp.InTimerFired, Time: now, TimerID: id}); err != nil && e.ctx.Err() == nil {
			e.log.Error("fire timer", "execution", arn, "err", err)
		}
	})
}

// Describe returns an execution's row.
func (e *Engine) Describe(ctx context.Context, arn string) (*store.Execution, error) {
	row, err := e.st.GetExecution(ctx, arn)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrExecutionNotFound
	}
	return row, err
}
