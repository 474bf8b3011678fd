package runtime

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sluice-run/sluice/internal/asl"
	"github.com/sluice-run/sluice/internal/interp"
	"github.com/sluice-run/sluice/internal/jsonvalue"
	"github.com/sluice-run/sluice/internal/store"
)

// live is an execution held in memory by its shard.
type live struct {
	row    store.Execution
	x      *interp.Execution
	def    *asl.Definition
	tasks  map[int64]*taskState
	timers map[string]time.Time
	elem   *list.Element
	smName string
	// saved is each task's state as last written to the pending index.
	saved map[int64]string
	// cancels holds the cancel functions of dispatched handlers.
	cancels map[int64]*taskState
	// inflight counts writes not yet on disk; broken marks an execution
	// whose write failed, dropped from memory.
	inflight int
	broken   bool
}

// taskState tracks one outstanding task of a live execution.
type taskState struct {
	req    *interp.TaskRequest
	run    *interp.MapRunRequest
	state  string // "dispatch", "callback", "activity", "maprun"
	cancel context.CancelFunc
}

// StartRequest describes a new execution.
type StartRequest struct {
	StateMachineArn string
	VersionArn      string
	AliasArn        string
	// StateMachineName is the name in $$.StateMachine.Name.
	StateMachineName string
	// ExecutionArn is the new execution's ARN.
	ExecutionArn string
	Name         string
	// Input is the execution input as JSON text.
	Input []byte
	// Definition is the definition text and DefinitionKey the key of its
	// "definition" record; the record is written if missing.
	Definition    []byte
	DefinitionKey string
	RoleArn       string
	TraceHeader   string
	Parent        string
	ParentTask    int64
	MapRunArn     string
	MapRunIndex   int
}

func (e *Engine) options(row *store.Execution, smName string) interp.Options {
	arn := row.Arn
	return interp.Options{
		ExecutionArn:     arn,
		Name:             row.Name,
		StateMachineArn:  row.StateMachineArn,
		StateMachineName: smName,
		RoleArn:          row.RoleArn,
		Region:           e.cfg.Region,
		StartTime:        row.StartDate,
		Seed:             row.Seed,
		TaskToken:        func(id int64) string { return e.token(arn, id) },
		// RedriveCount starts at 0: replay counts the journaled redrives.
	}
}

// Start starts a STANDARD execution and returns its row once the first
// step is on disk. When an execution with that ARN exists, Start returns
// it with existed set if its input is the same and it is still running
// (as AWS makes StartExecution idempotent), and ErrExecutionExists
// otherwise.
func (e *Engine) Start(ctx context.Context, req StartRequest) (row *store.Execution, existed bool, err error) {
	def, err := e.ensureDefinition(ctx, req.DefinitionKey, req.Definition)
	if err != nil {
		return nil, false, err
	}
	input, err := jsonvalue.Parse(req.Input)
	if err != nil {
		return nil, false, fmt.Errorf("runtime: execution input: %w", err)
	}
	var seed [8]byte
	randRead(seed[:])
	r := &store.Execution{
		Arn: req.ExecutionArn, StateMachineArn: req.StateMachineArn, VersionArn: req.VersionArn, AliasArn: req.AliasArn,
		Name: req.Name, Status: string(interp.StatusRunning), StartDate: e.now().Truncate(time.Millisecond),
		Input: req.Input, DefinitionKey: req.DefinitionKey, RoleArn: req.RoleArn, TraceHeader: req.TraceHeader,
		Seed: uint64FromBytes(seed[:]), Engine: EngineVersion, Parent: req.Parent, ParentTask: req.ParentTask,
		MapRunArn: req.MapRunArn, MapRunIndex: req.MapRunIndex,
	}
	var inMemory *store.Execution
	err = e.do(ctx, r.Arn, func(s *shard) error {
		if l := s.live[r.Arn]; l != nil {
			row := l.row
			inMemory = &row
			return ErrExecutionExists
		}
		x, step := interp.Start(def, input, e.options(r, req.StateMachineName))
		l := &live{row: *r, x: x, def: def, tasks: map[int64]*taskState{}, timers: map[string]time.Time{}, smName: req.StateMachineName, saved: map[int64]string{}}
		ins, steps := l.run([]*interp.Input{nil}, []interp.Step{step}, autoStart(step, r.StartDate))
		if err := s.commitSteps(l, true, ins, steps); err != nil {
			return err
		}
		*r = l.row // the row as written: it may have ended already
		return nil
	})
	if errors.Is(err, ErrExecutionExists) || errors.Is(err, store.ErrExists) {
		old := inMemory
		if old == nil {
			var gerr error
			if old, gerr = e.st.GetExecution(ctx, r.Arn); gerr != nil {
				return nil, false, ErrExecutionExists
			}
		}
		if old.Status == string(interp.StatusRunning) && jsonEqualText(old.Input, req.Input) {
			return old, true, nil
		}
		return old, false, ErrExecutionExists
	}
	if err != nil {
		return nil, false, err
	}
	e.Metrics.started.Add(1)
	return r, false, nil
}

func jsonEqualText(a, b []byte) bool {
	va, err1 := jsonvalue.Parse(a)
	vb, err2 := jsonvalue.Parse(b)
	return err1 == nil && err2 == nil && jsonvalue.Equal(va, vb)
}

// ensureDefinition parses a definition and stores its record if needed.
func (e *Engine) ensureDefinition(ctx context.Context, key string, text []byte) (*asl.Definition, error) {
	e.defMu.Lock()
	d := e.defs[key]
	e.defMu.Unlock()
	if d != nil {
		return d, nil
	}
	if text == nil {
		return e.Definition(ctx, key)
	}
	d, diags := asl.Parse(text)
	if d == nil {
		return nil, fmt.Errorf("runtime: invalid definition: %s", diags.Error())
	}
	if _, err := e.st.PutRecord(ctx, store.Record{Kind: "definition", Key: key, Data: text, Created: e.now()}, 0); err != nil && !errors.Is(err, store.ErrExists) {
		return nil, fmt.Errorf("runtime: store definition: %w", err)
	}
	e.defMu.Lock()
	e.defs[key] = d
	e.defMu.Unlock()
	return d, nil
}

// load returns the live execution, replaying it from the store when it is
// not in memory. It returns ErrExecutionNotFound for unknown executions
// and ErrNotRunning for finished ones.
func (s *shard) load(ctx context.Context, arn string) (*live, error) {
	return s.loadAny(ctx, arn, false)
}

// loadAny is load that can also rebuild an ended execution, for a redrive.
func (s *shard) loadAny(ctx context.Context, arn string, ended bool) (*live, error) {
	if l := s.live[arn]; l != nil {
		s.touch(l)
		return l, nil
	}
	e := s.e
	row, err := e.st.GetExecution(ctx, arn)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrExecutionNotFound
	}
	if err != nil {
		return nil, err
	}
	if row.Status != string(interp.StatusRunning) && !ended {
		return nil, ErrNotRunning
	}
	l, err := e.replay(ctx, row)
	if err != nil {
		return nil, err
	}
	s.live[arn] = l
	s.touch(l)
	e.Metrics.replays.Add(1)
	return l, nil
}

// replay rebuilds an execution from its journal.
func (e *Engine) replay(ctx context.Context, row *store.Execution) (*live, error) {
	def, err := e.Definition(ctx, row.DefinitionKey)
	if err != nil {
		return nil, err
	}
	input, err := jsonvalue.Parse(row.Input)
	if err != nil {
		return nil, fmt.Errorf("runtime: replay %s: input: %w", row.Arn, err)
	}
	batches, err := e.st.ReadBatches(ctx, row.Arn, 1)
	if err != nil {
		return nil, fmt.Errorf("runtime: replay %s: %w", row.Arn, err)
	}
	smName := stateMachineName(row.StateMachineArn)
	l := &live{row: *row, def: def, tasks: map[int64]*taskState{}, timers: map[string]time.Time{}, smName: smName}
	x, step := interp.Start(def, input, e.options(row, smName))
	l.x = x
	l.track(step, nil)
	for _, b := range batches {
		if b.Input == nil {
			continue
		}
		in, err := decodeInput(b.Input)
		if err != nil {
			return nil, fmt.Errorf("runtime: replay %s batch %d: %w", row.Arn, b.Seq, err)
		}
		l.track(x.Apply(in), &in)
	}
	l.saved = make(map[int64]string, len(l.tasks))
	for id, t := range l.tasks {
		l.saved[id] = t.state
	}
	if int64(x.EventCount()) != row.EventCount {
		return nil, fmt.Errorf("runtime: replay %s: got %d events, the store has %d (engine version %d)",
			row.Arn, x.EventCount(), row.EventCount, row.Engine)
	}
	return l, nil
}

// track updates the outstanding tasks and timers from one step.
func (l *live) track(step interp.Step, in *interp.Input) {
	if in != nil && in.Kind == interp.InTimerFired {
		delete(l.timers, in.TimerID)
	}
	for _, c := range step.Commands {
		switch c.Kind {
		case interp.CmdStartTimer:
			l.timers[c.TimerID] = c.At
		case interp.CmdCancelTimer:
			delete(l.timers, c.TimerID)
		case interp.CmdScheduleTask:
			st := "dispatch"
			if IsActivity(c.Task.Resource) {
				st = "activity"
			}
			l.tasks[c.TaskID] = &taskState{req: c.Task, state: st}
		case interp.CmdStartMapRun:
			l.tasks[c.TaskID] = &taskState{run: c.MapRun, state: "maprun"}
		}
	}
	if in != nil && in.Kind == interp.InTaskStarted {
		if t := l.tasks[in.TaskID]; t != nil && t.state == "activity" {
			t.state = "callback"
		}
	}
	for id := range l.tasks {
		if !l.x.TaskPending(id) {
			delete(l.tasks, id)
		}
	}
}

// commitSteps writes steps (the results of applying inputs, nil for the
// start step) as one Write, then carries out their effects. On a store
// error the execution is dropped from memory so that its next input
// replays it from what is durable.
func (s *shard) commitSteps(l *live, create bool, inputs []*interp.Input, steps []interp.Step) error {
	w := &store.Write{}
	before := l.row.EventCount
	if l.saved == nil {
		l.saved = make(map[int64]string, len(l.tasks))
		if !create {
			for id, t := range l.tasks {
				l.saved[id] = t.state
			}
		}
	}
	// Timer changes are netted within the write: a timer started and
	// cancelled by the same write must not stay in the pending index.
	timerOps := map[string]*store.Pending{} // nil value: remove
	var timerOrder []string
	setTimer := func(id string, p *store.Pending) {
		if _, seen := timerOps[id]; !seen {
			timerOrder = append(timerOrder, id)
		}
		timerOps[id] = p
	}
	for i, step := range steps {
		in := inputs[i]
		l.track(step, in)
		if in != nil && in.Kind == interp.InTimerFired {
			setTimer(in.TimerID, nil)
		}
		if len(step.Events) == 0 && in != nil && in.Kind != interp.InTaskHeartbeat && in.Kind != interp.InTaskStarted {
			continue // ignored input: nothing to journal
		}
		l.row.Batches++
		b := store.Batch{Seq: l.row.Batches, FirstEventID: l.row.EventCount + 1, EventCount: len(step.Events), Events: encodeEvents(step.Events)}
		if in != nil {
			b.Input = encodeInput(*in)
		}
		l.row.EventCount += int64(len(step.Events))
		w.Batches = append(w.Batches, b)
		for _, c := range step.Commands {
			switch c.Kind {
			case interp.CmdStartTimer:
				setTimer(c.TimerID, &store.Pending{Exec: l.row.Arn, Kind: "timer", Key: c.TimerID, Due: c.At})
			case interp.CmdCancelTimer:
				setTimer(c.TimerID, nil)
			}
		}
	}
	for _, id := range timerOrder {
		if p := timerOps[id]; p != nil {
			w.AddPending = append(w.AddPending, *p)
		} else {
			w.RemovePending = append(w.RemovePending, store.PendingKey{Exec: l.row.Arn, Kind: "timer", Key: id})
		}
	}
	// Tasks: add new ones, update changed states, remove finished ones.
	for id, t := range l.tasks {
		if l.saved[id] != t.state {
			w.AddPending = append(w.AddPending, l.pendingTask(id, t))
		}
	}
	for id := range l.saved {
		if l.tasks[id] == nil {
			w.RemovePending = append(w.RemovePending, store.PendingKey{Exec: l.row.Arn, Kind: "task", Key: itoa(id)})
		}
	}
	if len(w.Batches) == 0 && len(w.AddPending) == 0 && len(w.RemovePending) == 0 {
		return nil
	}
	finished := l.x.Status() != interp.StatusRunning
	l.syncRow()
	row := l.row
	if create {
		// The execution joins the shard's memory only once its creation is
		// on disk: if the name is taken, this copy must never be found.
		w.Create = &row
	} else {
		w.Update = &row
	}
	clear(l.saved)
	for id, t := range l.tasks {
		l.saved[id] = t.state
	}
	s.submit(&completion{l: l, w: w, steps: steps, create: create, finished: finished, events: l.row.EventCount - before})
	return nil
}

// completion is a write on its way to disk and what to do once it is
// there.
type completion struct {
	l        *live
	w        *store.Write
	steps    []interp.Step
	create   bool
	finished bool
	events   int64
	wait     func() ([]error, error)
	err      error
	done     chan struct{}
}

// submit queues a write. The shard goes on with other work; the shard's
// completer waits for the writes in order and hands them back, and only
// then are their effects carried out (tasks dispatched, timers armed,
// callers answered).
func (s *shard) submit(c *completion) {
	e := s.e
	c.done = make(chan struct{})
	if ac, ok := e.st.(store.AsyncCommitter); ok && c.w != nil {
		c.wait = ac.CommitAsync(context.Background(), c.w)
	} else if c.w != nil {
		w := c.w
		c.wait = func() ([]error, error) { return e.st.Commit(context.Background(), w) }
	}
	if c.l != nil {
		c.l.inflight++
	}
	s.current = c
	s.completions <- c
}

// complete runs in the shard's completer goroutine.
func (s *shard) completer() {
	for c := range s.completions {
		if c.wait != nil {
			errs, err := c.wait()
			if err == nil && len(errs) > 0 {
				err = errs[0]
			}
			c.err = err
		}
		s.doneMu.Lock()
		s.doneList = append(s.doneList, c)
		s.doneMu.Unlock()
		select {
		case s.wake <- struct{}{}:
		default:
		}
		close(c.done)
	}
}

// drain carries out the effects of writes that reached the disk, in
// order.
func (s *shard) drain() {
	s.doneMu.Lock()
	list := s.doneList
	s.doneList = nil
	s.doneMu.Unlock()
	for _, c := range list {
		s.afterCommit(c)
	}
}

func (s *shard) afterCommit(c *completion) {
	e := s.e
	l := c.l
	if l == nil {
		return
	}
	l.inflight--
	if c.err != nil || l.broken {
		if c.err != nil && !(c.create && errors.Is(c.err, store.ErrExists)) && e.ctx.Err() == nil {
			e.log.Error("write execution step", "execution", l.row.Arn, "err", c.err)
		}
		// Drop what is in memory; the next input replays from the disk.
		l.broken = true
		if s.live[l.row.Arn] == l {
			delete(s.live, l.row.Arn)
		}
		if l.elem != nil {
			s.lru.Remove(l.elem)
			l.elem = nil
		}
		return
	}
	if c.create {
		if old := s.live[l.row.Arn]; old != nil && old != l {
			// An input reached the execution between its creation reaching
			// the disk and this moment, and the shard rebuilt it from the
			// disk; that copy is current. Carry out the creation's effects
			// and keep it.
			e.Metrics.transitions.Add(uint64(countTransitions(c.steps)))
			s.effects(l, c.steps)
			return
		}
		s.live[l.row.Arn] = l
	}
	e.Metrics.transitions.Add(uint64(countTransitions(c.steps)))
	e.Metrics.events.Add(uint64(c.events))
	s.effects(l, c.steps)
	if c.finished {
		s.finished(l)
		return
	}
	s.touch(l)
	if l.idle() {
		// Only waiting on timers, callbacks or workers: the pending index
		// is enough, and the next input replays the execution.
		s.evict(l)
	}
}

// idle reports whether nothing of the execution runs in this process: no
// task handler is working for it.
func (l *live) idle() bool {
	for _, t := range l.tasks {
		if t.state == "dispatch" || t.state == "maprun" {
			return false
		}
	}
	return true
}

func countTransitions(steps []interp.Step) int {
	n := 0
	for _, st := range steps {
		for _, ev := range st.Events {
			if len(ev.Type) > 7 && ev.Type[len(ev.Type)-7:] == "Entered" {
				n++
			}
		}
	}
	return n
}

// syncRow copies the interpreter's status into the row.
func (l *live) syncRow() {
	x := l.x
	l.row.Status = string(x.Status())
	if x.Status() == interp.StatusRunning {
		l.row.StopDate = time.Time{}
		l.row.Output, l.row.Error, l.row.Cause = nil, nil, nil
		return
	}
	if l.row.StopDate.IsZero() {
		l.row.StopDate = x.StopTime()
	}
	if x.Status() == interp.StatusSucceeded {
		l.row.Output = jsonvalue.Append(nil, x.Output())
		l.row.Error, l.row.Cause = nil, nil
		return
	}
	name, hasName, cause, hasCause := x.Error()
	l.row.Error, l.row.Cause = nil, nil
	if hasName {
		l.row.Error = &name
	}
	if hasCause {
		l.row.Cause = &cause
	}
}

// pendingTask is the pending-index entry of a task.
func (l *live) pendingTask(id int64, t *taskState) store.Pending {
	p := store.Pending{Exec: l.row.Arn, Kind: "task", Key: itoa(id)}
	o := jsonvalue.NewObject(4)
	o.Append("state", t.state)
	if t.req != nil {
		o.Append("resource", t.req.Resource)
		if IsActivity(t.req.Resource) {
			p.Group = t.req.Resource
		}
	}
	p.Data = jsonvalue.Append(nil, o)
	return p
}

// apply feeds inputs to a live execution and commits the result. Task
// dispatches that need no worker are marked started at once, in the same
// write.
func (s *shard) apply(l *live, inputs ...interp.Input) error {
	ins, steps := l.run(nil, nil, inputs)
	return s.commitSteps(l, false, ins, steps)
}

// run applies queued inputs, and the TaskStarted inputs their steps call
// for, appending to ins and steps.
func (l *live) run(ins []*interp.Input, steps []interp.Step, queue []interp.Input) ([]*interp.Input, []interp.Step) {
	for len(queue) > 0 {
		in := queue[0]
		queue = queue[1:]
		if now := l.x.Now(); in.Time.Before(now) {
			// Inputs are stamped when they arrive, before they wait in
			// the shard's queue; history time must not go backwards.
			in.Time = now
		}
		step := l.x.Apply(in)
		ins = append(ins, &in)
		steps = append(steps, step)
		queue = append(queue, autoStart(step, in.Time)...)
	}
	return ins, steps
}

// autoStart returns TaskStarted inputs for tasks a step scheduled that
// Sluice runs itself (everything but activities, which start when a
// worker takes them).
func autoStart(step interp.Step, now time.Time) []interp.Input {
	var out []interp.Input
	for _, c := range step.Commands {
		if c.Kind == interp.CmdScheduleTask && !IsActivity(c.Task.Resource) {
			out = append(out, interp.Input{Kind: interp.InTaskStarted, Time: now, TaskID: c.TaskID})
		}
	}
	return out
}

// deliver feeds one input to an execution from a timer or handler.
func (e *Engine) deliver(arn string, in interp.Input) {
	e.post(arn, func(s *shard) {
		l, err := s.load(e.ctx, arn)
		if err != nil {
			if !errors.Is(err, ErrNotRunning) && !errors.Is(err, ErrExecutionNotFound) {
				e.log.Error("deliver input", "execution", arn, "err", err)
			}
			return
		}
		if err := s.apply(l, in); err != nil && e.ctx.Err() == nil {
			e.log.Error("apply input", "execution", arn, "err", err)
		}
	})
}

// stateMachineName extracts the name from a state machine ARN.
func stateMachineName(arn string) string {
	for i := len(arn) - 1; i >= 0; i-- {
		if arn[i] == ':' {
			return arn[i+1:]
		}
	}
	return arn
}

// ErrNotRedrivable: the execution cannot be redriven.
var ErrNotRedrivable = errors.New("execution is not redrivable")

// Redrive restarts a failed, aborted or timed out execution from the
// states that did not finish, and returns the redrive date.
func (e *Engine) Redrive(ctx context.Context, arn string) (time.Time, error) {
	now := e.now().Truncate(time.Millisecond)
	err := e.do(ctx, arn, func(s *shard) error {
		l, err := s.loadAny(ctx, arn, true)
		if err != nil {
			return err
		}
		if !l.x.Redrivable() {
			return ErrNotRedrivable
		}
		l.row.RedriveCount++
		l.row.RedriveDate = now
		if err := s.apply(l, interp.Input{Kind: interp.InRedrive, Time: now}); err != nil {
			return err
		}
		return nil
	})
	return now, err
}
