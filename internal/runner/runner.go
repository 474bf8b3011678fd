// Package runner runs one execution in-process to its end: the engine of
// `sluice run`, and the driver the interpreter's tests and conformance
// suite use. It carries out the interpreter's commands itself: timers on a
// real or virtual clock, tasks through a caller-supplied function, and the
// child executions of distributed Map states.
package runner

import (
	"container/heap"
	"context"
	"fmt"
	"time"

	"github.com/sluice-run/sluice/internal/asl"
	"github.com/sluice-run/sluice/internal/interp"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// TaskFunc runs one task. It returns the task's output, or a failure.
type TaskFunc func(ctx context.Context, req *interp.TaskRequest) (jsonvalue.Value, *interp.TaskFailure)

// Unavailable is the TaskFunc used when none is given: every resource fails
// with a clear error naming it.
func Unavailable(_ context.Context, req *interp.TaskRequest) (jsonvalue.Value, *interp.TaskFailure) {
	return nil, &interp.TaskFailure{Error: "States.TaskFailed", Cause: fmt.Sprintf(
		"The resource '%s' is not available in the local runner; only state machines whose Task states use resources Sluice can run locally work here", req.Resource)}
}

// Runner runs executions in-process.
type Runner struct {
	// RealTime makes Wait states, retries and timeouts take real time.
	// Otherwise time is virtual: a timer fires as soon as nothing else is
	// left to do, and the clock jumps to its due time.
	RealTime bool
	// Task runs tasks; nil means Unavailable.
	Task TaskFunc
	// OnEvent, when set, receives every history event of the top-level
	// execution as it happens.
	OnEvent func(interp.Event)
}

type execution struct {
	x      *interp.Execution
	parent *execution
	// For a Map Run child: the run and the item index.
	run   *mapRun
	index int
	id    int
	done  bool
}

type mapRun struct {
	parent   *execution
	taskID   int64
	coord    *interp.MapRun
	children map[int]*execution
}

type timer struct {
	at    time.Time
	exec  *execution
	id    string
	seq   int
	index int
}

type timerHeap []*timer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if h[i].at.Equal(h[j].at) {
		return h[i].seq < h[j].seq
	}
	return h[i].at.Before(h[j].at)
}
func (h timerHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i]; h[i].index = i; h[j].index = j }
func (h *timerHeap) Push(v any)   { t := v.(*timer); t.index = len(*h); *h = append(*h, t) }
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	*h = old[:len(old)-1]
	t.index = -1
	return t
}
func (h timerHeap) peek() *timer     { return h[0] }
func (h *timerHeap) remove(t *timer) { heap.Remove(h, t.index) }

type taskResult struct {
	exec   *execution
	taskID int64
	out    jsonvalue.Value
	err    *interp.TaskFailure
}

type loop struct {
	r       *Runner
	ctx     context.Context
	now     time.Time
	timers  timerHeap
	byID    map[*execution]map[string]*timer
	seq     int
	nextID  int
	results chan taskResult
	cancels map[*execution]map[int64]context.CancelFunc
	running int
	root    *execution
	opts    interp.Options
	// queue holds inputs produced while handling a step; they are applied
	// after it, never re-entrantly.
	queue []queued
}

type queued struct {
	exec *execution
	in   interp.Input
}

// Run runs def with input to its end and returns the finished execution.
// It returns an error only when ctx ends first.
func (r *Runner) Run(ctx context.Context, def *asl.Definition, input jsonvalue.Value, opts interp.Options) (*interp.Execution, error) {
	if opts.StartTime.IsZero() {
		opts.StartTime = time.Now().UTC().Truncate(time.Millisecond)
	}
	l := &loop{r: r, ctx: ctx, now: opts.StartTime, byID: map[*execution]map[string]*timer{},
		results: make(chan taskResult, 16), cancels: map[*execution]map[int64]context.CancelFunc{}, opts: opts}
	x, step := interp.Start(def, input, opts)
	l.root = &execution{x: x}
	l.handle(l.root, step)
	for l.root.x.Status() == interp.StatusRunning {
		if len(l.queue) > 0 {
			q := l.queue[0]
			l.queue = l.queue[1:]
			if !q.exec.done {
				l.handle(q.exec, q.exec.x.Apply(q.in))
			}
			continue
		}
		if err := l.wait(); err != nil {
			l.cancelTasks()
			return l.root.x, err
		}
	}
	l.cancelTasks()
	return l.root.x, nil
}

func (l *loop) cancelTasks() {
	for _, m := range l.cancels {
		for _, c := range m {
			c()
		}
	}
}

// wait blocks until the next task result or timer and applies it.
func (l *loop) wait() error {
	if l.running > 0 {
		var timerC <-chan time.Time
		if l.r.RealTime && len(l.timers) > 0 {
			tm := time.NewTimer(time.Until(l.timers.peek().at))
			defer tm.Stop()
			timerC = tm.C
		}
		select {
		case <-l.ctx.Done():
			return l.ctx.Err()
		case res := <-l.results:
			l.running--
			delete(l.cancels[res.exec], res.taskID)
			if l.r.RealTime {
				l.now = time.Now().UTC()
			}
			in := interp.Input{Kind: interp.InTaskSucceeded, Time: l.now, TaskID: res.taskID, Output: res.out}
			if res.err != nil {
				in = interp.Input{Kind: interp.InTaskFailed, Time: l.now, TaskID: res.taskID, Error: res.err.Error, Cause: res.err.Cause,
					HasError: true, HasCause: res.err.Cause != ""}
			}
			l.apply(res.exec, in)
			return nil
		case <-timerC:
			return l.fireTimer()
		}
	}
	if len(l.timers) == 0 {
		return fmt.Errorf("the execution is waiting for something that can never happen")
	}
	if l.r.RealTime {
		d := time.Until(l.timers.peek().at)
		if d > 0 {
			tm := time.NewTimer(d)
			defer tm.Stop()
			select {
			case <-l.ctx.Done():
				return l.ctx.Err()
			case <-tm.C:
			}
		}
	}
	return l.fireTimer()
}

func (l *loop) fireTimer() error {
	t := heap.Pop(&l.timers).(*timer)
	delete(l.byID[t.exec], t.id)
	if l.r.RealTime {
		l.now = time.Now().UTC()
	} else if t.at.After(l.now) {
		l.now = t.at
	}
	l.apply(t.exec, interp.Input{Kind: interp.InTimerFired, Time: l.now, TimerID: t.id})
	return nil
}

func (l *loop) apply(e *execution, in interp.Input) {
	l.queue = append(l.queue, queued{exec: e, in: in})
}

// handle carries out a step's commands and reports events.
func (l *loop) handle(e *execution, step interp.Step) {
	if e == l.root && l.r.OnEvent != nil {
		for _, ev := range step.Events {
			l.r.OnEvent(ev)
		}
	}
	for _, c := range step.Commands {
		switch c.Kind {
		case interp.CmdStartTimer:
			l.startTimer(e, c.TimerID, c.At)
		case interp.CmdCancelTimer:
			if t := l.byID[e][c.TimerID]; t != nil {
				l.timers.remove(t)
				delete(l.byID[e], c.TimerID)
			}
		case interp.CmdScheduleTask:
			l.startTask(e, c.TaskID, c.Task)
		case interp.CmdCancelTask:
			if cancel := l.cancels[e][c.TaskID]; cancel != nil {
				cancel()
			}
		case interp.CmdStartMapRun:
			l.startMapRun(e, c.TaskID, c.MapRun)
		case interp.CmdCancelMapRun:
			// Children of a cancelled run are abandoned with it.
		}
	}
	if e.x.Status() != interp.StatusRunning && !e.done {
		e.done = true
		for id, t := range l.byID[e] {
			l.timers.remove(t)
			delete(l.byID[e], id)
		}
		if e.run != nil {
			l.childFinished(e)
		}
	}
}

func (l *loop) startTimer(e *execution, id string, at time.Time) {
	if l.byID[e] == nil {
		l.byID[e] = map[string]*timer{}
	}
	if old := l.byID[e][id]; old != nil {
		l.timers.remove(old)
	}
	l.seq++
	t := &timer{at: at, exec: e, id: id, seq: l.seq}
	heap.Push(&l.timers, t)
	l.byID[e][id] = t
}

func (l *loop) startTask(e *execution, id int64, req *interp.TaskRequest) {
	fn := l.r.Task
	if fn == nil {
		fn = Unavailable
	}
	ctx, cancel := context.WithCancel(l.ctx)
	if l.cancels[e] == nil {
		l.cancels[e] = map[int64]context.CancelFunc{}
	}
	l.cancels[e][id] = cancel
	l.running++
	// The task counts as started as soon as it is dispatched.
	l.apply(e, interp.Input{Kind: interp.InTaskStarted, Time: l.now, TaskID: id})
	go func() {
		out, err := fn(ctx, req)
		l.results <- taskResult{exec: e, taskID: id, out: out, err: err}
	}()
}

func (l *loop) startMapRun(e *execution, id int64, req *interp.MapRunRequest) {
	run := &mapRun{parent: e, taskID: id, coord: interp.NewMapRun(req), children: map[int]*execution{}}
	l.fillRun(run)
	if in, done := run.coord.Outcome(id); done {
		l.apply(e, withTime(in, l.now))
	}
}

func withTime(in interp.Input, t time.Time) interp.Input {
	in.Time = t
	return in
}

func (l *loop) fillRun(run *mapRun) {
	for {
		i, ok := run.coord.Next()
		if !ok {
			return
		}
		l.nextID++
		req := run.coord.Request()
		opts := l.opts
		opts.Name = fmt.Sprintf("%d", l.nextID)
		opts.ExecutionArn = l.opts.ExecutionArn + "/" + opts.Name
		opts.StartTime = l.now
		opts.Seed = l.opts.Seed + uint64(l.nextID)
		x, step := interp.Start(req.Processor, req.Items[i], opts)
		child := &execution{x: x, parent: run.parent, run: run, index: i, id: l.nextID}
		run.children[i] = child
		l.handle(child, step)
	}
}

func (l *loop) childFinished(c *execution) {
	run := c.run
	delete(run.children, c.index)
	if c.x.Status() == interp.StatusSucceeded {
		run.coord.Succeeded(c.index, c.x.Output())
	} else {
		name, _, cause, _ := c.x.Error()
		run.coord.Failed(c.index, name, cause)
	}
	if in, done := run.coord.Outcome(run.taskID); done {
		for _, other := range run.children {
			other.done = true
		}
		l.apply(run.parent, withTime(in, l.now))
		return
	}
	l.fillRun(run)
}
