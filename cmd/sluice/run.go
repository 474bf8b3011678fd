package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/sluice-run/sluice/internal/asl"
	"github.com/sluice-run/sluice/internal/interp"
	"github.com/sluice-run/sluice/internal/jsonvalue"
	"github.com/sluice-run/sluice/internal/lambda"
	"github.com/sluice-run/sluice/internal/runner"
	"github.com/sluice-run/sluice/internal/runtime"
)

// parseInterleaved parses flags that may come before or after positional
// arguments and returns the positional ones.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// readArg reads a flag value that is either literal text or @FILE (or @-
// for standard input).
func readArg(v string, stdin io.Reader) ([]byte, error) {
	if name, ok := strings.CutPrefix(v, "@"); ok {
		if name == "-" {
			return io.ReadAll(stdin)
		}
		return os.ReadFile(name)
	}
	return []byte(v), nil
}

// loadDefinition reads and validates a definition file, printing the
// diagnostics on failure.
func loadDefinition(path string, s stdio) (*asl.Definition, bool) {
	data, err := readArg("@"+path, s.in)
	if err != nil {
		fmt.Fprintf(s.err, "sluice: %v\n", err)
		return nil, false
	}
	def, diags := asl.Parse(data)
	if def == nil {
		printDiagnostics(s.err, path, diags)
		return nil, false
	}
	return def, true
}

func printDiagnostics(w io.Writer, path string, diags asl.Diagnostics) {
	for _, d := range diags {
		loc := d.Location
		if loc == "" {
			loc = "-"
		}
		fmt.Fprintf(w, "%s: %s %s at %s: %s\n", path, d.Severity, d.Code, loc, d.Message)
	}
}

func runCmd(args []string, s stdio) int {
	fs := flag.NewFlagSet("sluice run", flag.ContinueOnError)
	fs.SetOutput(s.err)
	inputArg := fs.String("input", "{}", "execution input: JSON text, @FILE, or @- for standard input")
	history := fs.Bool("history", false, "print the history events as JSON lines on standard error")
	virtual := fs.Bool("virtual-time", false, "do not really wait: Wait states, retry back-offs and timeouts end at once")
	name := fs.String("name", "local", "execution name, as seen in $$.Execution.Name")
	var fns []functionFlag
	fs.Func("function", "a Lambda function the definition calls, as NAME=RUNTIME:HANDLER:DIR (repeatable), e.g. greeter=python3.12:app.handler:./greeter", func(v string) error {
		f, err := parseFunctionFlag(v)
		if err == nil {
			fns = append(fns, f)
		}
		return err
	})
	fs.Usage = func() {
		fmt.Fprintln(s.err, "Usage: sluice run DEFINITION.json [--input JSON|@FILE] [--history] [--virtual-time] [--function NAME=RUNTIME:HANDLER:DIR]...")
		fmt.Fprintln(s.err, "\nRuns one execution in-process. Prints the output (exit 0), or {\"Error\",\"Cause\"} of a failed")
		fmt.Fprintln(s.err, "execution (exit 1). An invalid definition or usage prints diagnostics on standard error (exit 2).")
		fs.PrintDefaults()
	}
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if len(pos) != 1 {
		fs.Usage()
		return 2
	}
	def, ok := loadDefinition(pos[0], s)
	if !ok {
		return 2
	}
	raw, err := readArg(*inputArg, s.in)
	if err != nil {
		fmt.Fprintf(s.err, "sluice: --input: %v\n", err)
		return 2
	}
	input, err := jsonvalue.Parse(raw)
	if err != nil {
		fmt.Fprintf(s.err, "sluice: --input is not valid JSON: %v\n", err)
		return 2
	}
	if n := jsonvalue.EncodedLen(input); n > interp.DefaultMaxPayload {
		fmt.Fprintf(s.err, "sluice: --input is %d bytes; the maximum is %d\n", n, interp.DefaultMaxPayload)
		return 2
	}
	r := runner.Runner{RealTime: !*virtual}
	if len(fns) > 0 {
		tmp, err := os.MkdirTemp("", "sluice-run-")
		if err != nil {
			fmt.Fprintf(s.err, "sluice: %v\n", err)
			return 1
		}
		defer os.RemoveAll(tmp)
		local, err := lambda.NewLocal(tmp, "us-east-1", s.err)
		if err != nil {
			fmt.Fprintf(s.err, "sluice: %v\n", err)
			return 1
		}
		defer local.Close()
		for _, f := range fns {
			if err := local.Add(f.name, f.runtime, f.handler, f.dir, 15*time.Minute); err != nil {
				fmt.Fprintf(s.err, "sluice: --function %v\n", err)
				return 2
			}
		}
		r.Task = localTasks(local)
	}
	if *history {
		r.OnEvent = func(ev interp.Event) {
			line := ev.AppendAWSJSON(nil, true)
			s.err.Write(append(line, '\n'))
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	arn := "arn:aws:states:us-east-1:000000000000:execution:local:" + *name
	x, err := r.Run(ctx, def, input, interp.Options{
		ExecutionArn:     arn,
		Name:             *name,
		StateMachineArn:  "arn:aws:states:us-east-1:000000000000:stateMachine:local",
		StateMachineName: "local",
		Seed:             uint64(time.Now().UnixNano()),
	})
	if err != nil {
		fmt.Fprintf(s.err, "sluice: %v\n", err)
		return 1
	}
	if x.Status() == interp.StatusSucceeded {
		fmt.Fprintln(s.out, jsonvalue.Marshal(x.Output()))
		return 0
	}
	name2, hasName, cause, hasCause := x.Error()
	o := jsonvalue.NewObject(2)
	if hasName {
		o.Append("Error", name2)
	} else {
		o.Append("Error", nil)
	}
	if hasCause {
		o.Append("Cause", cause)
	} else {
		o.Append("Cause", nil)
	}
	fmt.Fprintln(s.out, jsonvalue.Marshal(o))
	return 1
}

func validateCmd(args []string, s stdio) int {
	fs := flag.NewFlagSet("sluice validate", flag.ContinueOnError)
	fs.SetOutput(s.err)
	asJSON := fs.Bool("json", false, "print the result as ValidateStateMachineDefinition does")
	fs.Usage = func() {
		fmt.Fprintln(s.err, "Usage: sluice validate DEFINITION.json [--json]")
		fmt.Fprintln(s.err, "\nPrints the diagnostics of a definition: exit 0 when it is valid, 2 when it is not.")
		fs.PrintDefaults()
	}
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if len(pos) != 1 {
		fs.Usage()
		return 2
	}
	data, err := readArg("@"+pos[0], s.in)
	if err != nil {
		fmt.Fprintf(s.err, "sluice: %v\n", err)
		return 2
	}
	_, diags := asl.Parse(data)
	if *asJSON {
		o := jsonvalue.NewObject(3)
		if diags.HasErrors() {
			o.Append("result", "FAIL")
		} else {
			o.Append("result", "OK")
		}
		list := make([]jsonvalue.Value, 0, len(diags))
		for _, d := range diags {
			e := jsonvalue.NewObject(4)
			e.Append("severity", d.Severity)
			e.Append("code", d.Code)
			e.Append("message", d.Message)
			if d.Location != "" {
				e.Append("location", d.Location)
			}
			list = append(list, e)
		}
		o.Append("diagnostics", list)
		o.Append("truncated", false)
		fmt.Fprintln(s.out, jsonvalue.MarshalIndent(o))
	} else {
		printDiagnostics(s.out, pos[0], diags)
		if !diags.HasErrors() {
			fmt.Fprintf(s.out, "%s: OK\n", pos[0])
		}
	}
	if diags.HasErrors() {
		return 2
	}
	return 0
}

// functionFlag is one --function of sluice run.
type functionFlag struct{ name, runtime, handler, dir string }

// parseFunctionFlag reads NAME=RUNTIME:HANDLER:DIR; the handler may be
// empty for provided runtimes.
func parseFunctionFlag(v string) (functionFlag, error) {
	name, rest, ok := strings.Cut(v, "=")
	parts := strings.SplitN(rest, ":", 3)
	if !ok || name == "" || len(parts) != 3 || parts[0] == "" || parts[2] == "" {
		return functionFlag{}, fmt.Errorf("want NAME=RUNTIME:HANDLER:DIR, got %q", v)
	}
	dir, err := filepath.Abs(parts[2])
	if err != nil {
		return functionFlag{}, err
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return functionFlag{}, fmt.Errorf("%s: the code directory %s does not exist", name, parts[2])
	}
	return functionFlag{name: name, runtime: parts[0], handler: parts[1], dir: dir}, nil
}

// localTasks runs Lambda Task states on the local functions and leaves
// every other resource unavailable.
func localTasks(local *lambda.Local) runner.TaskFunc {
	fnTask, invokeTask := lambda.FunctionTask(local), lambda.InvokeTask(local)
	return func(ctx context.Context, req *interp.TaskRequest) (jsonvalue.Value, *interp.TaskFailure) {
		var h runtime.Handler
		switch base := runtime.BaseResource(req.Resource); {
		case strings.HasPrefix(base, "arn:aws:lambda:"):
			h = fnTask
		case base == lambda.InvokeResource:
			h = invokeTask
		default:
			return runner.Unavailable(ctx, req)
		}
		res := h(ctx, &runtime.Task{Request: req, Region: "us-east-1", Account: "000000000000"})
		if res.Async {
			return nil, &interp.TaskFailure{Error: "States.TaskFailed", Cause: "The local runner cannot wait for a task token; run the state machine on sluice serve"}
		}
		return res.Output, res.Failure
	}
}
