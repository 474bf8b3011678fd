package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/sluice-run/sluice/internal/asl"
	"github.com/sluice-run/sluice/internal/interp"
	"github.com/sluice-run/sluice/internal/jsonvalue"
	"github.com/sluice-run/sluice/internal/store"
)

// MapRunRecord is the stored description of a Map Run, as DescribeMapRun
// reports it.
type MapRunRecord struct {
	MapRunArn                  string         `json:"mapRunArn"`
	ExecutionArn               string         `json:"executionArn"`
	Status                     string         `json:"status"`
	StartDate                  time.Time      `json:"startDate"`
	StopDate                   time.Time      `json:"stopDate,omitzero"`
	MaxConcurrency             int64          `json:"maxConcurrency"`
	ToleratedFailurePercentage float64        `json:"toleratedFailurePercentage"`
	ToleratedFailureCount      int64          `json:"toleratedFailureCount"`
	ItemCounts                 map[string]int `json:"itemCounts"`
	ExecutionCounts            map[string]int `json:"executionCounts"`
	RedriveCount               int            `json:"redriveCount"`
}

// mapRuns runs the child executions of distributed Map states.
type mapRuns struct {
	e    *Engine
	mu   sync.Mutex
	runs map[string]*runState // by Map Run ARN
}

type runState struct {
	mu sync.Mutex
	// saveMu orders saves: a record is marshalled and committed under it,
	// so a save that read an older state can never commit after a newer
	// one (which once left a finished run stored as RUNNING).
	saveMu   sync.Mutex
	parent   string
	taskID   int64
	req      *interp.MapRunRequest
	coord    *interp.MapRun
	children map[int]string // running children by item index
	rec      MapRunRecord
	started  bool
	filling  bool
	over     bool
}

func newMapRuns(e *Engine) *mapRuns { return &mapRuns{e: e, runs: map[string]*runState{}} }

func (m *mapRuns) get(arn string) *runState {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.runs[arn]
}

// start begins a new Map Run.
func (m *mapRuns) start(parent string, taskID int64, req *interp.MapRunRequest) {
	m.launch(parent, taskID, req, false)
}

// resume rebuilds a Map Run after a restart from the children it had
// started, and carries on.
func (m *mapRuns) resume(parent string, taskID int64, req *interp.MapRunRequest) {
	m.launch(parent, taskID, req, true)
}

func (m *mapRuns) launch(parent string, taskID int64, req *interp.MapRunRequest, resume bool) {
	e := m.e
	m.mu.Lock()
	if m.runs[req.MapRunArn] != nil {
		m.mu.Unlock()
		return
	}
	rs := &runState{parent: parent, taskID: taskID, req: req, coord: interp.NewMapRun(req), children: map[int]string{}}
	m.runs[req.MapRunArn] = rs
	m.mu.Unlock()
	rs.rec = MapRunRecord{MapRunArn: req.MapRunArn, ExecutionArn: parent, Status: "RUNNING", StartDate: e.now(),
		MaxConcurrency: req.MaxConcurrency, ToleratedFailureCount: max(req.ToleratedFailureCount, 0),
		ToleratedFailurePercentage: max(req.ToleratedFailurePercentage, 0)}
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		ctx := e.ctx
		if resume {
			if r, err := e.st.GetRecord(ctx, "mapRun", req.MapRunArn); err == nil {
				_ = json.Unmarshal(r.Data, &rs.rec)
				rs.rec.Status = "RUNNING"
			}
			if err := m.reconcile(ctx, rs); err != nil {
				e.log.Error("resume map run", "mapRun", req.MapRunArn, "err", err)
				return
			}
		} else {
			m.save(ctx, rs)
		}
		rs.mu.Lock()
		rs.started = true
		rs.mu.Unlock()
		m.settle(rs)
	}()
}

// reconcile replays the children a run had started into its coordinator.
func (m *mapRuns) reconcile(ctx context.Context, rs *runState) error {
	var all []*store.Execution
	page := store.Page{Limit: 1000}
	for {
		rows, next, err := m.e.st.ListExecutions(ctx, store.ExecutionFilter{MapRunArn: rs.req.MapRunArn}, page)
		if err != nil {
			return err
		}
		all = append(all, rows...)
		if next == "" {
			break
		}
		page.Token = next
	}
	byIndex := map[int]*store.Execution{}
	for _, r := range all {
		byIndex[r.MapRunIndex] = r
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for i := 0; ; i++ {
		r := byIndex[i]
		if r == nil || !rs.coord.Advance(i) {
			break
		}
		switch r.Status {
		case "RUNNING":
			rs.children[i] = r.Arn
		case "SUCCEEDED":
			out, _ := jsonvalue.Parse(r.Output)
			rs.coord.Succeeded(i, out)
		default:
			rs.coord.Failed(i, deref(r.Error), deref(r.Cause))
		}
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// settle starts children while the concurrency limit allows and reports
// the outcome to the parent when the run is over. It runs outside shards.
func (m *mapRuns) settle(rs *runState) {
	e := m.e
	rs.mu.Lock()
	if !rs.started || rs.filling || rs.over {
		rs.mu.Unlock()
		return
	}
	if in, done := rs.coord.Outcome(rs.taskID); done {
		rs.over = true
		running := make([]string, 0, len(rs.children))
		for _, arn := range rs.children {
			running = append(running, arn)
		}
		rs.rec.Status = "SUCCEEDED"
		if in.Kind == interp.InMapRunFailed {
			rs.rec.Status = "FAILED"
		}
		rs.rec.StopDate = e.now()
		m.count(rs)
		rs.mu.Unlock()
		m.save(e.ctx, rs)
		for _, arn := range running {
			msg := "The Map Run ended"
			_, _ = e.Stop(e.ctx, arn, nil, &msg)
		}
		in.Time = e.now()
		e.deliver(rs.parent, in)
		m.mu.Lock()
		delete(m.runs, rs.req.MapRunArn)
		m.mu.Unlock()
		return
	}
	rs.filling = true
	var next []int
	for {
		i, ok := rs.coord.Next()
		if !ok {
			break
		}
		next = append(next, i)
	}
	rs.mu.Unlock()
	for _, i := range next {
		arn, err := m.startChild(rs, i)
		rs.mu.Lock()
		if err != nil {
			e.log.Error("start map run child", "mapRun", rs.req.MapRunArn, "index", i, "err", err)
			rs.coord.Failed(i, "States.Runtime", err.Error())
		} else if arn != "" {
			rs.children[i] = arn
		}
		rs.mu.Unlock()
	}
	rs.mu.Lock()
	rs.filling = false
	m.count(rs)
	rs.mu.Unlock()
	m.save(e.ctx, rs)
	if len(next) > 0 {
		m.settle(rs)
	}
}

// startChild starts the execution for item i.
func (m *mapRuns) startChild(rs *runState, i int) (string, error) {
	e := m.e
	parent, err := e.st.GetExecution(e.ctx, rs.parent)
	if err != nil {
		return "", err
	}
	label := rs.req.Label
	if label == "" {
		label = rs.req.StateName
	}
	name := newUUID()
	smName := stateMachineName(parent.StateMachineArn)
	execArn := strings.Replace(parent.StateMachineArn, ":stateMachine:", ":execution:", 1) + "/" + label + ":" + name
	input := jsonvalue.Append(nil, rs.req.Items[i])
	// Pointers are absolute in the whole definition, so nested runs
	// address their processor from the root definition.
	baseKey, _, _ := strings.Cut(parent.DefinitionKey, "#")
	row, _, err := e.Start(e.ctx, StartRequest{
		StateMachineArn: parent.StateMachineArn, StateMachineName: smName, ExecutionArn: execArn, Name: name,
		Input: input, DefinitionKey: baseKey + "#" + rs.req.Processor.Pointer, RoleArn: parent.RoleArn,
		Parent: rs.parent, ParentTask: rs.taskID, MapRunArn: rs.req.MapRunArn, MapRunIndex: i,
	})
	if err != nil {
		return "", err
	}
	if row.Status != "RUNNING" {
		// It ended within its first step; childDone has already run.
		return "", nil
	}
	return row.Arn, nil
}

// childDone records that a child execution ended.
func (m *mapRuns) childDone(row *store.Execution) {
	rs := m.get(row.MapRunArn)
	if rs == nil {
		return
	}
	rs.mu.Lock()
	delete(rs.children, row.MapRunIndex)
	if row.Status == "SUCCEEDED" {
		out, _ := jsonvalue.Parse(row.Output)
		rs.coord.Succeeded(row.MapRunIndex, out)
	} else {
		rs.coord.Failed(row.MapRunIndex, deref(row.Error), deref(row.Cause))
	}
	rs.mu.Unlock()
	m.e.wg.Add(1)
	go func() {
		defer m.e.wg.Done()
		m.settle(rs)
	}()
}

// abort stops a Map Run whose parent no longer wants it.
func (m *mapRuns) abort(parent string, taskID int64) {
	m.mu.Lock()
	var rs *runState
	for _, r := range m.runs {
		if r.parent == parent && r.taskID == taskID {
			rs = r
		}
	}
	m.mu.Unlock()
	if rs == nil {
		return
	}
	rs.mu.Lock()
	rs.over = true
	rs.rec.Status = "ABORTED"
	rs.rec.StopDate = m.e.now()
	running := make([]string, 0, len(rs.children))
	for _, a := range rs.children {
		running = append(running, a)
	}
	rs.mu.Unlock()
	m.save(m.e.ctx, rs)
	m.e.wg.Add(1)
	go func() {
		defer m.e.wg.Done()
		for _, a := range running {
			_, _ = m.e.Stop(m.e.ctx, a, nil, nil)
		}
	}()
	m.mu.Lock()
	delete(m.runs, rs.req.MapRunArn)
	m.mu.Unlock()
}

// count refreshes the record's counters; rs.mu is held.
func (m *mapRuns) count(rs *runState) {
	c := rs.coord.Counts()
	counts := map[string]int{"pending": c.Pending, "running": c.Running, "succeeded": c.Succeeded, "failed": c.Failed,
		"timedOut": 0, "aborted": 0, "total": c.Total, "resultsWritten": 0, "failuresNotRedrivable": 0, "pendingRedrive": 0}
	if rs.rec.Status == "SUCCEEDED" || rs.rec.Status == "FAILED" {
		counts["resultsWritten"] = c.Succeeded + c.Failed
	}
	rs.rec.ItemCounts = counts
	ec := make(map[string]int, len(counts))
	for k, v := range counts {
		ec[k] = v
	}
	rs.rec.ExecutionCounts = ec
	rs.rec.MaxConcurrency = rs.req.MaxConcurrency
}

func (m *mapRuns) save(ctx context.Context, rs *runState) {
	rs.saveMu.Lock()
	defer rs.saveMu.Unlock()
	rs.mu.Lock()
	m.count(rs)
	data, _ := json.Marshal(rs.rec)
	rs.mu.Unlock()
	r := store.Record{Kind: "mapRun", Key: rs.req.MapRunArn, Parent: rs.parent, Data: data, Created: rs.rec.StartDate}
	if _, errs := m.e.st.Commit(ctx, &store.Write{Records: []store.Record{r}}); errs != nil {
		m.e.log.Debug("save map run", "err", errs)
	}
}

// UpdateMapRun changes a running Map Run's limits.
func (e *Engine) UpdateMapRun(ctx context.Context, arn string, maxConcurrency *int64, tolCount *int64, tolPercent *float64) error {
	rs := e.runs.get(arn)
	if rs == nil {
		if _, err := e.st.GetRecord(ctx, "mapRun", arn); err != nil {
			return ErrMapRunNotFound
		}
		return nil // finished: AWS accepts updates of ended runs without effect
	}
	rs.mu.Lock()
	if maxConcurrency != nil {
		rs.coord.SetMaxConcurrency(*maxConcurrency)
	}
	if tolCount != nil {
		rs.req.ToleratedFailureCount = *tolCount
		rs.rec.ToleratedFailureCount = *tolCount
	}
	if tolPercent != nil {
		rs.req.ToleratedFailurePercentage = *tolPercent
		rs.rec.ToleratedFailurePercentage = *tolPercent
	}
	rs.mu.Unlock()
	e.runs.save(ctx, rs)
	go e.runs.settle(rs)
	return nil
}

// ErrMapRunNotFound: no Map Run has that ARN.
var ErrMapRunNotFound = errors.New("map run does not exist")

// newUUID returns a random version 4 UUID.
func newUUID() string {
	var b [16]byte
	randRead(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// subDefinition finds the (sub) state machine at pointer in def.
func subDefinition(def *asl.Definition, pointer string) *asl.Definition {
	if def.Pointer == pointer {
		return def
	}
	for _, s := range def.States {
		for _, b := range s.Branches {
			if d := subDefinition(b, pointer); d != nil {
				return d
			}
		}
		if s.ItemProcessor != nil {
			if d := subDefinition(s.ItemProcessor, pointer); d != nil {
				return d
			}
		}
	}
	return nil
}
