package teststate

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sluice-run/sluice/internal/asl"
	"github.com/sluice-run/sluice/internal/asl/jsonpath"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// mapItem is the item a Map state's ItemSelector is evaluated for.
type mapItem struct {
	index int
	value jsonvalue.Value
}

// context returns base with $$.Map.Item set to the item.
func (it *mapItem) context(base *jsonvalue.Object) *jsonvalue.Object {
	item := jsonvalue.NewObject(2)
	item.Append("Index", jsonvalue.Int(int64(it.index)))
	item.Append("Value", it.value)
	m := jsonvalue.NewObject(1)
	m.Append("Item", item)
	c := base.Clone()
	c.Set("Map", m)
	return c
}

// runMap runs a Map state's input processing, takes the mocked result of
// its iterations and runs its output processing, as AWS does: the item
// processor itself never runs in TestState.
func (x *run) runMap() (*stateError, error) {
	s := x.s
	eff, e := x.inputPath()
	if e != nil {
		return e, nil
	}
	x.insp.AfterInputPath = eff.text()
	env := x.env(eff.v, nil)
	maxConc := s.MaxConcurrency
	if s.MaxConcurrencyPath != nil {
		txt, e := pathNumber(s.MaxConcurrencyPath, "MaxConcurrencyPath", "integer", env)
		if e != nil {
			return e, nil
		}
		maxConc, _ = strconv.ParseInt(txt, 10, 64)
		if maxConc < 0 {
			return newError(asl.ErrRuntime, "MaxConcurrency cannot be negative."), nil
		}
	}
	x.insp.MaxConcurrency = &maxConc
	items := eff.v
	if !s.ItemsPath.IsRoot() {
		v, err := s.ItemsPath.Path.Eval(env)
		if err != nil {
			return pathError(s.ItemsPath.Path, err), nil
		}
		items = v
	}
	arr, isArr := items.([]jsonvalue.Value)
	if !isArr {
		return newError(asl.ErrRuntime, fmt.Sprintf("Reference path \"%s\" must point to array.", itemsReference(s.ItemsPath))), nil
	}
	x.insp.AfterItemsPath = listText(arr)
	tolCount, tolPercent := int64(-1), float64(-1)
	if s.ToleratedFailureCount != nil {
		tolCount = *s.ToleratedFailureCount
	}
	if s.ToleratedFailurePercentage != nil {
		tolPercent = *s.ToleratedFailurePercentage
	}
	if s.ToleratedFailureCountPath != nil {
		txt, e := pathNumber(s.ToleratedFailureCountPath, "ToleratedFailureCountPath", "integer", env)
		if e != nil {
			return e, nil
		}
		tolCount, _ = strconv.ParseInt(txt, 10, 64)
		if tolCount < 0 {
			return newError(asl.ErrRuntime, "ToleratedFailureCount cannot be negative."), nil
		}
	}
	if s.ToleratedFailurePercentagePath != nil {
		txt, e := pathNumber(s.ToleratedFailurePercentagePath, "ToleratedFailurePercentagePath", "float", env)
		if e != nil {
			return e, nil
		}
		tolPercent, _ = strconv.ParseFloat(txt, 64)
		if tolPercent < 0 || tolPercent > 100 {
			return newError(asl.ErrRuntime, "ToleratedFailurePercentage must be between 0 and 100."), nil
		}
	}
	if tolCount >= 0 {
		x.insp.ToleratedFailureCount = &tolCount
	}
	if tolPercent >= 0 {
		x.insp.ToleratedFailurePercentage = &tolPercent
	}
	inputs := arr
	if s.ItemSelector != nil {
		inputs = make([]jsonvalue.Value, len(arr))
		for i, item := range arr {
			v, e := x.template(s.ItemSelector, eff.v, &mapItem{index: i, value: item})
			if e != nil {
				return e, nil
			}
			inputs[i] = v
		}
		x.insp.AfterItemSelector = listText(inputs)
	}
	if s.ItemBatcher != nil {
		batches, e := x.batch(eff.v, inputs)
		if e != nil {
			return e, nil
		}
		x.insp.AfterItemBatcher = listText(batches)
	}
	if failed := x.p.failureCount; failed > 0 {
		if failed > int64(len(arr)) {
			return nil, validationError("mapIterationFailureCount (%d) cannot exceed the number of items in the input (%d)", failed, len(arr))
		}
		if (tolCount >= 0 || tolPercent >= 0) && !tolerates(failed, len(arr), tolCount, tolPercent) {
			return newError(errExceedToleratedFailure, "The specified tolerated failure threshold was exceeded"), nil
		}
	}
	if x.p.mockError != nil {
		return x.p.mockError, nil
	}
	return x.finish(*x.p.mockResult), nil
}

// itemsReference prints ItemsPath as AWS's array check names it: a path on
// the context object loses one "$", so "$$.Execution.Input" reads
// "$.Execution.Input".
func itemsReference(p asl.OptionalPath) string {
	if p.Path == nil {
		return "$"
	}
	ref := p.Path.String()
	if strings.HasPrefix(ref, "$$") {
		ref = ref[1:]
	}
	return ref
}

// tolerates reports whether failed of n iterations are within the
// tolerated failure threshold.
func tolerates(failed int64, n int, tolCount int64, tolPercent float64) bool {
	if tolCount >= 0 && failed <= tolCount {
		return true
	}
	return tolPercent >= 0 && float64(failed)*100 <= tolPercent*float64(n)
}

// pathNumber reads the value of a *Path field of a Map state as text, as
// AWS does: numbers, and strings that hold numbers.
func pathNumber(p *jsonpath.Path, field, kind string, env *jsonpath.Env) (string, *stateError) {
	v, err := p.Eval(env)
	if err != nil {
		return "", pathError(p, err)
	}
	var s string
	valid := true
	switch n := v.(type) {
	case jsonvalue.Number:
		s = string(n)
	case string:
		s = strings.TrimSpace(n)
	default:
		s, valid = jsonvalue.Marshal(v), false
	}
	if valid {
		if kind == "integer" {
			_, err = strconv.ParseInt(s, 10, 64)
		} else {
			_, err = strconv.ParseFloat(s, 64)
		}
		valid = err == nil
	}
	if !valid {
		return "", newError(asl.ErrRuntime, fmt.Sprintf("The %s field refers to value \"%s\" which is not a valid %s: %s", field, s, kind, p))
	}
	return s, nil
}

// batch groups the item inputs as ItemBatcher says: each batch is
// {"BatchInput": ..., "Items": [...]}.
func (x *run) batch(eff jsonvalue.Value, inputs []jsonvalue.Value) ([]jsonvalue.Value, *stateError) {
	b := x.s.ItemBatcher
	env := x.env(eff, nil)
	maxItems := b.MaxItemsPerBatch
	if b.MaxItemsPerBatchPath != nil {
		txt, e := pathNumber(b.MaxItemsPerBatchPath, "MaxItemsPerBatchPath", "integer", env)
		if e != nil {
			return nil, e
		}
		maxItems, _ = strconv.ParseInt(txt, 10, 64)
	}
	maxBytes := b.MaxInputBytesPerBatch
	if b.MaxInputBytesPerBatchPath != nil {
		txt, e := pathNumber(b.MaxInputBytesPerBatchPath, "MaxInputBytesPerBatchPath", "integer", env)
		if e != nil {
			return nil, e
		}
		maxBytes, _ = strconv.ParseInt(txt, 10, 64)
	}
	if maxBytes <= 0 || maxBytes > 256*1024 {
		maxBytes = 256 * 1024
	}
	var batchInput jsonvalue.Value
	if b.BatchInput != nil {
		v, e := x.template(b.BatchInput, eff, nil)
		if e != nil {
			return nil, e
		}
		batchInput = v
	}
	var out, cur []jsonvalue.Value
	size := 0
	flush := func() {
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
			flush()
		}
		cur = append(cur, in)
		size += n
	}
	flush()
	return out, nil
}
