package runtime

import (
	"fmt"

	"github.com/sluice-run/sluice/internal/interp"
	"github.com/sluice-run/sluice/internal/jsonvalue"
	"github.com/sluice-run/sluice/internal/store"
)

// notifyParent reports the end of a child execution started by a
// states:startExecution.sync or .sync:2 task to its parent.
func (e *Engine) notifyParent(child *store.Execution) {
	parent, taskID := child.Parent, child.ParentTask
	e.post(parent, func(s *shard) {
		l, err := s.load(e.ctx, parent)
		if err != nil {
			return
		}
		t := l.tasks[taskID]
		if t == nil || t.req == nil {
			return
		}
		pattern := Pattern(t.req.Resource)
		if pattern != "sync" && pattern != "sync:2" {
			return
		}
		desc := DescribeOutput(child, pattern == "sync:2")
		in := interp.Input{Kind: interp.InTaskSucceeded, Time: e.now(), TaskID: taskID, Output: desc}
		if child.Status != "SUCCEEDED" {
			in = interp.Input{Kind: interp.InTaskFailed, Time: e.now(), TaskID: taskID, Error: "States.TaskFailed", HasError: true,
				Cause: jsonvalue.Marshal(desc), HasCause: true}
		}
		if err := s.apply(l, in); err != nil {
			e.log.Error("notify parent", "execution", parent, "err", err)
		}
	})
}

// DescribeOutput is the output a startExecution.sync task gets: the
// child's DescribeExecution response, with Output as JSON text (.sync) or
// as a JSON value (.sync:2).
func DescribeOutput(x *store.Execution, parsed bool) *jsonvalue.Object {
	o := jsonvalue.NewObject(14)
	o.Append("ExecutionArn", x.Arn)
	if parsed {
		in, _ := jsonvalue.Parse(x.Input)
		o.Append("Input", in)
	} else {
		o.Append("Input", string(x.Input))
	}
	o.Append("InputDetails", jsonvalue.MustParse(`{"Included":true}`))
	o.Append("Name", x.Name)
	if x.Output != nil {
		if parsed {
			out, _ := jsonvalue.Parse(x.Output)
			o.Append("Output", out)
		} else {
			o.Append("Output", string(x.Output))
		}
		o.Append("OutputDetails", jsonvalue.MustParse(`{"Included":true}`))
	}
	if x.Error != nil {
		o.Append("Error", *x.Error)
	}
	if x.Cause != nil {
		o.Append("Cause", *x.Cause)
	}
	o.Append("RedriveCount", jsonvalue.Int(int64(x.RedriveCount)))
	o.Append("RedriveStatus", "NOT_REDRIVABLE")
	o.Append("StartDate", jsonvalue.Int(x.StartDate.UnixMilli()))
	o.Append("StateMachineArn", x.StateMachineArn)
	o.Append("Status", x.Status)
	if !x.StopDate.IsZero() {
		o.Append("StopDate", jsonvalue.Int(x.StopDate.UnixMilli()))
	}
	return o
}

var _ = fmt.Sprintf
