package sfn

import (
	"context"
	"fmt"
	"time"

	"github.com/sluice-run/sluice/internal/interp"
	"github.com/sluice-run/sluice/internal/jsonvalue"
	"github.com/sluice-run/sluice/internal/runner"
	"github.com/sluice-run/sluice/internal/runtime"
)

// ExpressTimeout is the longest an EXPRESS execution may run, as on AWS.
var ExpressTimeout = 5 * time.Minute

// expressRunner runs EXPRESS executions in memory: they are not journaled
// and have no history API, as on AWS.
type expressRunner struct {
	s *Service
}

func newExpressRunner(s *Service) *expressRunner { return &expressRunner{s: s} }

type expressResult struct {
	start, stop        time.Time
	status             string
	output             string
	errName, cause     string
	hasError, hasCause bool
}

// task runs an EXPRESS execution's task through the engine's handlers.
// Callback patterns are not available to EXPRESS workflows.
func (r *expressRunner) task(arn string) runner.TaskFunc {
	return func(ctx context.Context, req *interp.TaskRequest) (jsonvalue.Value, *interp.TaskFailure) {
		if p := runtime.Pattern(req.Resource); p == "waitForTaskToken" || p == "sync" || p == "sync:2" || runtime.IsActivity(req.Resource) {
			return nil, &interp.TaskFailure{Error: "States.Runtime", Cause: fmt.Sprintf("The resource '%s' uses an integration pattern that EXPRESS workflows do not support", req.Resource)}
		}
		h, ok := r.s.eng.Resources().Lookup(req.Resource)
		if !ok {
			return runner.Unavailable(ctx, req)
		}
		res := h(ctx, &runtime.Task{ExecutionArn: arn, Request: req, IdempotencyKey: arn + "#" + newUUID()})
		if res.Failure != nil {
			return nil, res.Failure
		}
		return res.Output, nil
	}
}

func (r *expressRunner) run(ctx context.Context, t *target, arn, name string, input []byte) expressResult {
	res := expressResult{start: r.s.now()}
	def, err := r.s.eng.Definition(ctx, t.defKey)
	if err != nil {
		def, err = r.s.checkDefinition(t.definition)
	}
	if err != nil {
		res.stop, res.status = r.s.now(), "FAILED"
		res.errName, res.cause, res.hasError, res.hasCause = "States.Runtime", err.Error(), true, true
		return res
	}
	in, _ := jsonvalue.Parse(input)
	ctx, cancel := context.WithTimeout(ctx, ExpressTimeout)
	defer cancel()
	run := runner.Runner{RealTime: true, Task: r.task(arn)}
	x, err := run.Run(ctx, def, in, interp.Options{ExecutionArn: arn, Name: name, StateMachineArn: t.sm.Arn,
		StateMachineName: t.sm.Name, RoleArn: t.roleArn, StartTime: res.start, Seed: uint64(res.start.UnixNano())})
	res.stop = r.s.now()
	if err != nil {
		res.status = "TIMED_OUT"
		res.errName, res.hasError = "States.Timeout", true
		return res
	}
	res.status = string(x.Status())
	if x.Status() == interp.StatusSucceeded {
		res.output = jsonvalue.Marshal(x.Output())
	}
	res.errName, res.hasError, res.cause, res.hasCause = x.Error()
	return res
}

// startAsync runs an EXPRESS execution in the background.
func (r *expressRunner) startAsync(t *target, arn, name string, input []byte) {
	go r.run(context.Background(), t, arn, name, input)
}
