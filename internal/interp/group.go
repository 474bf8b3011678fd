package interp

import (
	"fmt"
	"strconv"

	"github.com/sluice-run/sluice/internal/asl"
	"github.com/sluice-run/sluice/internal/asl/jsonpath"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

func (t *thread) runParallel() {
	s := t.state
	eff, ok := t.inputPath()
	if !ok {
		return
	}
	if s.Parameters != nil {
		if eff, ok = t.template(s.Parameters, eff, nil); !ok {
			return
		}
		if !t.checkSize(eff) {
			return
		}
	}
	if s.Arguments != nil {
		if eff, ok = t.evalJSONata(s.Arguments, statesVars{}); !ok {
			return
		}
		if !t.checkSize(eff) {
			return
		}
	}
	t.x.emit(t, ParallelStateStarted, nil)
	g := t.resume
	t.resume = nil
	if g == nil || g.isMap {
		g = &group{owner: t, results: make([]jsonvalue.Value, len(s.Branches)), done: make([]bool, len(s.Branches)), tolCount: -1, tolPercent: -1}
	}
	g.children, g.pending = nil, 0
	t.children = g
	t.phase = phWaitChildren
	for i, b := range s.Branches {
		if g.done[i] {
			continue
		}
		g.pending++
		c := &thread{x: t.x, sm: b, parent: g, index: i, lastID: t.lastID}
		g.children = append(g.children, c)
		c.begin(b.Start, eff)
	}
}

// pathNumber reads the value of a *Path field of a Map state as text, as
// AWS does: numbers, and strings that hold numbers.
func (t *thread) pathNumber(p *jsonpath.Path, field, kind string, env *jsonpath.Env) (string, bool) {
	v, err := p.Eval(env)
	if err != nil {
		t.fail(t.pathError(p, err))
		return "", false
	}
	s, ok := numberText(v)
	if !ok {
		s = jsonvalue.Marshal(v)
	}
	valid := ok
	if ok {
		if kind == "integer" {
			_, err = strconv.ParseInt(s, 10, 64)
		} else {
			_, err = strconv.ParseFloat(s, 64)
		}
		valid = err == nil
	}
	if !valid {
		t.fail(t.runtimeError(asl.ErrRuntime, fmt.Sprintf("The %s field refers to value \"%s\" which is not a valid %s: %s", field, s, kind, p)))
		return "", false
	}
	return s, true
}

func (t *thread) runMap() {
	s := t.state
	eff, ok := t.inputPath()
	if !ok {
		return
	}
	env := t.env(eff, s.UsesContext, nil)
	maxConc := s.MaxConcurrency
	if s.JMaxConcurrency != nil {
		n, ok := t.jsonataNumber(s.JMaxConcurrency, "MaxConcurrency", true)
		if !ok {
			return
		}
		maxConc = int64(n)
	}
	if s.MaxConcurrencyPath != nil {
		txt, ok := t.pathNumber(s.MaxConcurrencyPath, "MaxConcurrencyPath", "integer", env)
		if !ok {
			return
		}
		maxConc, _ = strconv.ParseInt(txt, 10, 64)
		if maxConc < 0 {
			t.fail(t.runtimeError(asl.ErrRuntime, "MaxConcurrency cannot be negative."))
			return
		}
	}
	items := eff
	if !s.ItemsPath.IsRoot() {
		v, err := s.ItemsPath.Path.Eval(env)
		if err != nil {
			t.fail(t.pathError(s.ItemsPath.Path, err))
			return
		}
		items = v
	}
	if s.Items != nil {
		v, ok := t.evalJSONata(s.Items, statesVars{})
		if !ok {
			return
		}
		items = v
	}
	arr, isArr := items.([]jsonvalue.Value)
	if !isArr {
		if s.IsJSONata() {
			t.failEval(t.queryError("Map state input must be an array but was: %s", jsonvalue.Marshal(items)))
			return
		}
		t.fail(t.runtimeError(asl.ErrRuntime, fmt.Sprintf("Map state input must be an array but was: %s", jsonvalue.Marshal(items))))
		return
	}
	t.x.emit(t, MapStateStarted, &MapStateStartedDetails{Length: len(arr)})
	g := &group{owner: t, isMap: true, items: arr, results: make([]jsonvalue.Value, len(arr)), done: make([]bool, len(arr)),
		pending: len(arr), maxConc: int(maxConc), tolCount: -1, tolPercent: -1}
	if r := t.resume; r != nil && r.isMap && len(r.items) == len(arr) {
		// Redrive: keep the iterations that had succeeded.
		g.results, g.done = r.results, r.done
		for _, d := range g.done {
			if d {
				g.pending--
			}
		}
	}
	t.resume = nil
	if s.ToleratedFailureCount != nil {
		g.tolCount = *s.ToleratedFailureCount
	}
	if s.ToleratedFailurePercentage != nil {
		g.tolPercent = *s.ToleratedFailurePercentage
	}
	if s.JToleratedFailureCount != nil {
		n, ok := t.jsonataNumber(s.JToleratedFailureCount, "ToleratedFailureCount", true)
		if !ok {
			return
		}
		g.tolCount = int64(n)
	}
	if s.JToleratedFailurePercentage != nil {
		n, ok := t.jsonataNumber(s.JToleratedFailurePercentage, "ToleratedFailurePercentage", false)
		if !ok {
			return
		}
		if n > 100 {
			t.failEval(t.queryError("ToleratedFailurePercentage must be between 0 and 100."))
			return
		}
		g.tolPercent = n
	}
	env = t.env(eff, s.UsesContext, nil)
	if s.ToleratedFailureCountPath != nil {
		txt, ok := t.pathNumber(s.ToleratedFailureCountPath, "ToleratedFailureCountPath", "integer", env)
		if !ok {
			return
		}
		g.tolCount, _ = strconv.ParseInt(txt, 10, 64)
		if g.tolCount < 0 {
			t.fail(t.runtimeError(asl.ErrRuntime, "ToleratedFailureCount cannot be negative."))
			return
		}
	}
	if s.ToleratedFailurePercentagePath != nil {
		txt, ok := t.pathNumber(s.ToleratedFailurePercentagePath, "ToleratedFailurePercentagePath", "float", env)
		if !ok {
			return
		}
		g.tolPercent, _ = strconv.ParseFloat(txt, 64)
		if g.tolPercent < 0 || g.tolPercent > 100 {
			t.fail(t.runtimeError(asl.ErrRuntime, "ToleratedFailurePercentage must be between 0 and 100."))
			return
		}
	}
	if s.ProcessorMode == "DISTRIBUTED" {
		t.startMapRun(eff, g)
		return
	}
	t.children = g
	t.phase = phWaitChildren
	if len(arr) == 0 {
		t.result = g.results
		t.phase = phComplete
		t.x.schedule(t)
		return
	}
	g.fill(eff)
}

// jsonataNumber evaluates a JSONata field of a Map state that must give a
// non-negative number (an integer when integer is set).
func (t *thread) jsonataNumber(tmpl *asl.JTemplate, field string, integer bool) (float64, bool) {
	v, ok := t.evalJSONata(tmpl, statesVars{})
	if !ok {
		return 0, false
	}
	n, isNum := v.(jsonvalue.Number)
	f := n.Float64()
	_, isInt := n.Int64()
	if !isNum || f < 0 || (integer && !isInt) {
		kind := "a non-negative number"
		if integer {
			kind = "a non-negative integer"
		}
		t.failEval(t.queryError("The %s field must be %s but was: %s", field, kind, jsonvalue.Marshal(v)))
		return 0, false
	}
	return f, true
}

// itemInput builds the input of iteration i: ItemSelector, or the item.
func (t *thread) itemInput(eff jsonvalue.Value, i int, item jsonvalue.Value) (jsonvalue.Value, bool) {
	if t.state.JItemSelector != nil {
		return t.evalJSONata(t.state.JItemSelector, statesVars{item: &mapItem{index: i, value: item}})
	}
	if t.state.ItemSelector == nil {
		return item, true
	}
	return t.template(t.state.ItemSelector, eff, &mapItem{index: i, value: item})
}

// fill starts iterations until the concurrency limit is reached.
func (g *group) fill(eff jsonvalue.Value) {
	t := g.owner
	for g.next < len(g.items) && (g.maxConc == 0 || g.active < g.maxConc) {
		i := g.next
		g.next++
		if g.done[i] {
			continue
		}
		in, ok := t.itemInput(eff, i, g.items[i])
		if !ok {
			return
		}
		g.active++
		c := &thread{x: t.x, sm: t.state.ItemProcessor, parent: g, index: i, lastID: t.lastID}
		g.children = append(g.children, c)
		t.x.emit(c, MapIterationStarted, &MapIterationDetails{Name: t.state.Name, Index: i})
		c.begin(c.sm.Start, in)
	}
	t.effInput = eff
}

// childDone records the output of a finished branch or iteration.
func (g *group) childDone(c *thread, out jsonvalue.Value) {
	if g.isMap {
		g.owner.x.emit(c, MapIterationSucceeded, &MapIterationDetails{Name: g.owner.state.Name, Index: c.index})
	}
	g.record(c, out)
}

// record stores the result of a finished branch or iteration and either
// starts more iterations or completes the owning state.
func (g *group) record(c *thread, out jsonvalue.Value) {
	t := g.owner
	if g.isMap {
		g.active--
	}
	g.results[c.index] = out
	g.done[c.index] = true
	g.pending--
	g.forget(c)
	if g.pending == 0 {
		t.lastID = c.lastID
		t.result = g.results
		t.children = nil
		t.phase = phComplete
		t.x.schedule(t)
		return
	}
	if g.isMap {
		g.fill(t.effInput)
	}
}

// forget drops a finished child so the group does not keep every finished
// iteration alive.
func (g *group) forget(c *thread) {
	for i, k := range g.children {
		if k == c {
			last := len(g.children) - 1
			g.children[i] = g.children[last]
			g.children[last] = nil
			g.children = g.children[:last]
			return
		}
	}
}

// childFailed handles a failed branch or iteration: a tolerated iteration
// failure counts, anything else fails the owning state.
func (g *group) childFailed(c *thread, e stateError) {
	t := g.owner
	if g.isMap {
		t.x.emit(c, MapIterationFailed, &MapIterationDetails{Name: t.state.Name, Index: c.index})
		g.failures++
		if g.tolerates() {
			g.record(c, errorOutput(e))
			return
		}
		g.active--
	}
	g.forget(c)
	for _, k := range g.children {
		if g.isMap && !k.dead {
			t.x.emit(k, MapIterationAborted, &MapIterationDetails{Name: t.state.Name, Index: k.index})
		}
		k.kill()
	}
	g.children = nil
	t.children = g // kept for a redrive
	t.lastID = c.lastID
	if len(g.items) > 0 && (g.tolCount >= 0 || g.tolPercent >= 0) {
		t.failWith(newError("States.ExceedToleratedFailureThreshold", "The specified tolerated failure threshold for the Map state was exceeded."), true)
		return
	}
	t.failWith(e, true)
}

// tolerates reports whether the failures so far are within the Map state's
// tolerated failure threshold.
func (g *group) tolerates() bool {
	if g.tolCount < 0 && g.tolPercent < 0 {
		return false
	}
	if g.tolCount >= 0 && int64(g.failures) <= g.tolCount {
		return true
	}
	if g.tolPercent >= 0 && float64(g.failures)*100 <= g.tolPercent*float64(len(g.items)) {
		return true
	}
	return false
}

// startMapRun hands a distributed Map state's items to the driver.
func (t *thread) startMapRun(eff jsonvalue.Value, g *group) {
	s := t.state
	x := t.x
	inputs := make([]jsonvalue.Value, 0, len(g.items))
	for i, item := range g.items {
		in, ok := t.itemInput(eff, i, item)
		if !ok {
			return
		}
		inputs = append(inputs, in)
	}
	if b := s.ItemBatcher; b != nil {
		batched, ok := t.batch(eff, inputs)
		if !ok {
			return
		}
		inputs = batched
	}
	id := x.nextID + 1
	label := s.Label
	if label == "" {
		label = s.Name
	}
	runArn := x.mapRunArn(label)
	x.emit(t, MapRunStarted, &MapRunStartedDetails{MapRunArn: runArn})
	t.taskID = id
	t.mapRun = true
	t.phase = phWaitTask
	x.tasks[id] = t
	x.command(Command{Kind: CmdStartMapRun, TaskID: id, MapRun: &MapRunRequest{
		MapRunArn: runArn, StateName: s.Name, Label: s.Label, ExecutionType: s.ExecutionType, Items: inputs,
		MaxConcurrency: int64(g.maxConc), ToleratedFailureCount: g.tolCount, ToleratedFailurePercentage: g.tolPercent,
		Processor: s.ItemProcessor,
	}})
}

// mapRunArn builds the ARN of a new Map Run of this execution.
func (x *Execution) mapRunArn(label string) string {
	base := x.opts.StateMachineArn
	if i := indexOf(base, ":stateMachine:"); i >= 0 {
		base = base[:i] + ":mapRun:" + base[i+len(":stateMachine:"):]
	}
	return base + "/" + label + ":" + x.uuid()
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

// uuid draws a version 4 UUID from the execution's random source.
func (x *Execution) uuid() string {
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := x.rng.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	const hexd = "0123456789abcdef"
	out := make([]byte, 36)
	j := 0
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out[j] = '-'
			j++
		}
		out[j], out[j+1] = hexd[c>>4], hexd[c&0xf]
		j += 2
	}
	return string(out)
}

// batch groups a distributed Map's item inputs as ItemBatcher says: each
// child gets {"Items": [...]} plus BatchInput.
func (t *thread) batch(eff jsonvalue.Value, inputs []jsonvalue.Value) ([]jsonvalue.Value, bool) {
	b := t.state.ItemBatcher
	env := t.env(eff, t.state.UsesContext, nil)
	maxItems := b.MaxItemsPerBatch
	if b.MaxItemsPerBatchPath != nil {
		txt, ok := t.pathNumber(b.MaxItemsPerBatchPath, "MaxItemsPerBatchPath", "integer", env)
		if !ok {
			return nil, false
		}
		maxItems, _ = strconv.ParseInt(txt, 10, 64)
	}
	maxBytes := b.MaxInputBytesPerBatch
	if b.MaxInputBytesPerBatchPath != nil {
		txt, ok := t.pathNumber(b.MaxInputBytesPerBatchPath, "MaxInputBytesPerBatchPath", "integer", env)
		if !ok {
			return nil, false
		}
		maxBytes, _ = strconv.ParseInt(txt, 10, 64)
	}
	if maxBytes <= 0 || maxBytes > 256*1024 {
		maxBytes = 256 * 1024
	}
	var batchInput jsonvalue.Value
	if b.BatchInput != nil {
		var ok bool
		if batchInput, ok = t.template(b.BatchInput, eff, nil); !ok {
			return nil, false
		}
	}
	var out []jsonvalue.Value
	var cur []jsonvalue.Value
	size := 0
	flushBatch := func() {
		if len(cur) == 0 {
			return
		}
		o := jsonvalue.NewObject(2)
		if batchInput != nil {
			o.Append("BatchInput", batchInput)
		}
		o.Append("Items", cur)
		out = append(out, o)
		cur, size = nil, 0
	}
	for _, in := range inputs {
		n := jsonvalue.EncodedLen(in) + 1
		if len(cur) > 0 && ((maxItems > 0 && int64(len(cur)) >= maxItems) || int64(size+n) > maxBytes) {
			flushBatch()
		}
		cur = append(cur, in)
		size += n
	}
	flushBatch()
	return out, true
}

// mapRunDone handles the end of a distributed Map's Map Run.
func (x *Execution) mapRunDone(in Input) {
	t, ok := x.tasks[in.TaskID]
	if !ok || t.dead || !t.mapRun {
		return
	}
	delete(x.tasks, in.TaskID)
	t.taskID = 0
	if in.Kind == InMapRunFailed {
		e := errorInfo{Error: in.Error, Cause: in.Cause, HasError: in.HasError || in.Error != "", HasCause: in.HasCause || in.Cause != ""}
		x.emit(t, MapRunFailed, &ErrorDetails{Error: e.Error, Cause: e.Cause, HasError: e.HasError, HasCause: e.HasCause})
		t.fail(e)
		return
	}
	x.emit(t, MapRunSucceeded, nil)
	t.result = in.Output
	t.phase = phComplete
	x.schedule(t)
}
