package runtime

import (
	"context"
	"errors"
	"sync"

	"github.com/sluice-run/sluice/internal/interp"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// activityTask is an activity task waiting for a worker.
type activityTask struct {
	exec   string
	taskID int64
	token  string
	input  jsonvalue.Value
}

// activityQueues holds the waiting tasks of each activity, in order, and
// the workers long-polling for them.
type activityQueues struct {
	mu      sync.Mutex
	queues  map[string][]activityTask
	waiters map[string][]chan activityTask
}

func newActivityQueues() *activityQueues {
	return &activityQueues{queues: map[string][]activityTask{}, waiters: map[string][]chan activityTask{}}
}

// push queues a task, or hands it straight to a waiting worker.
func (q *activityQueues) push(activity string, t activityTask) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, existing := range q.queues[activity] {
		if existing.exec == t.exec && existing.taskID == t.taskID {
			return
		}
	}
	for len(q.waiters[activity]) > 0 {
		w := q.waiters[activity][0]
		q.waiters[activity] = q.waiters[activity][1:]
		select {
		case w <- t:
			return
		default: // the worker gave up
		}
	}
	q.queues[activity] = append(q.queues[activity], t)
}

// pop takes the oldest task of an activity, waiting until ctx ends.
func (q *activityQueues) pop(ctx context.Context, activity string) (activityTask, bool) {
	q.mu.Lock()
	if ts := q.queues[activity]; len(ts) > 0 {
		t := ts[0]
		q.queues[activity] = ts[1:]
		q.mu.Unlock()
		return t, true
	}
	ch := make(chan activityTask, 1)
	q.waiters[activity] = append(q.waiters[activity], ch)
	q.mu.Unlock()
	select {
	case t := <-ch:
		return t, true
	case <-ctx.Done():
		q.mu.Lock()
		ws := q.waiters[activity]
		for i, w := range ws {
			if w == ch {
				q.waiters[activity] = append(ws[:i:i], ws[i+1:]...)
				break
			}
		}
		q.mu.Unlock()
		select {
		case t := <-ch: // handed over just before we left
			return t, true
		default:
			return activityTask{}, false
		}
	}
}

// unpop puts a task back at the head of its queue.
func (q *activityQueues) unpop(activity string, t activityTask) {
	q.mu.Lock()
	q.queues[activity] = append([]activityTask{t}, q.queues[activity]...)
	q.mu.Unlock()
}

// remove drops a queued task that was cancelled.
func (q *activityQueues) remove(exec string, taskID int64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for a, ts := range q.queues {
		for i, t := range ts {
			if t.exec == exec && t.taskID == taskID {
				q.queues[a] = append(ts[:i:i], ts[i+1:]...)
				return
			}
		}
	}
}

// removeExec drops every queued task of an execution.
func (q *activityQueues) removeExec(exec string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for a, ts := range q.queues {
		kept := ts[:0:0]
		for _, t := range ts {
			if t.exec != exec {
				kept = append(kept, t)
			}
		}
		q.queues[a] = kept
	}
}

// GetActivityTask waits (until ctx ends) for a task of the activity and
// returns its token and input; ok is false when none came. The task is
// marked started by workerName before it is handed out.
func (e *Engine) GetActivityTask(ctx context.Context, activity, workerName string) (token string, input jsonvalue.Value, ok bool, err error) {
	for {
		t, got := e.acts.pop(ctx, activity)
		if !got {
			return "", nil, false, nil
		}
		err := e.do(context.Background(), t.exec, func(s *shard) error {
			l, err := s.load(e.ctx, t.exec)
			if err != nil {
				return err
			}
			if !l.x.TaskPending(t.taskID) {
				return ErrTaskGone
			}
			return s.apply(l, interp.Input{Kind: interp.InTaskStarted, Time: e.now(), TaskID: t.taskID, WorkerName: workerName})
		})
		switch {
		case err == nil:
			return t.token, t.input, true, nil
		case errors.Is(err, ErrTaskGone), errors.Is(err, ErrNotRunning), errors.Is(err, ErrExecutionNotFound):
			continue // stale; try the next one
		default:
			e.acts.unpop(activity, t)
			return "", nil, false, err
		}
	}
}
