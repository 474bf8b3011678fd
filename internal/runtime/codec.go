package runtime

import (
	"fmt"
	"strconv"
	"time"

	"github.com/sluice-run/sluice/internal/interp"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// encodeEvents encodes history events as JSON lines in the Step Functions
// API's HistoryEvent shape, with inputs and outputs included.
func encodeEvents(evs []interp.Event) []byte {
	var b []byte
	for i := range evs {
		b = evs[i].AppendAWSJSON(b, true)
		b = append(b, '\n')
	}
	return b
}

// encodeInput encodes an interpreter input for the journal.
func encodeInput(in interp.Input) []byte {
	o := jsonvalue.NewObject(10)
	o.Append("k", jsonvalue.Int(int64(in.Kind)))
	o.Append("t", in.Time.UTC().Format(time.RFC3339Nano))
	if in.TaskID != 0 {
		o.Append("id", jsonvalue.Int(in.TaskID))
	}
	if in.TimerID != "" {
		o.Append("tm", in.TimerID)
	}
	if in.Output != nil || in.Kind == interp.InTaskSucceeded || in.Kind == interp.InTaskSubmitted || in.Kind == interp.InMapRunSucceeded {
		o.Append("o", in.Output)
	}
	if in.HasError || in.Error != "" {
		o.Append("e", in.Error)
	}
	if in.HasCause || in.Cause != "" {
		o.Append("c", in.Cause)
	}
	if in.WorkerName != "" {
		o.Append("w", in.WorkerName)
	}
	return jsonvalue.Append(nil, o)
}

// decodeInput decodes a journal entry written by encodeInput.
func decodeInput(b []byte) (interp.Input, error) {
	v, err := jsonvalue.Parse(b)
	if err != nil {
		return interp.Input{}, fmt.Errorf("decode journal input: %w", err)
	}
	o, ok := v.(*jsonvalue.Object)
	if !ok {
		return interp.Input{}, fmt.Errorf("decode journal input: not an object")
	}
	var in interp.Input
	str := func(k string) (string, bool) {
		x, ok := o.Get(k)
		s, _ := x.(string)
		return s, ok
	}
	num := func(k string) int64 {
		x, _ := o.Get(k)
		n, _ := x.(jsonvalue.Number)
		i, _ := n.Int64()
		return i
	}
	in.Kind = interp.InputKind(num("k"))
	ts, _ := str("t")
	if in.Time, err = time.Parse(time.RFC3339Nano, ts); err != nil {
		return interp.Input{}, fmt.Errorf("decode journal input time %q: %w", ts, err)
	}
	in.TaskID = num("id")
	in.TimerID, _ = str("tm")
	in.Output, _ = o.Get("o")
	in.Error, in.HasError = str("e")
	in.Cause, in.HasCause = str("c")
	in.WorkerName, _ = str("w")
	return in, nil
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }
