package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

const executionHelp = "EXECUTION is an execution ARN or STATE_MACHINE:EXECUTION_NAME."

// execArg expands an EXECUTION argument, or reports a usage error.
func (c *cli) execArg(s string) (string, bool) {
	arn, ok := c.executionArn(s)
	if !ok {
		c.usageError("%q is neither an execution ARN nor STATE_MACHINE:EXECUTION_NAME", s)
	}
	return arn, ok
}

// --- start -------------------------------------------------------------------

func startCmd(args []string, s stdio) int {
	c := newCLI(s, "start", "NAME [--input JSON|@FILE|@-] [--name EXEC] [--wait]",
		"Starts an execution and prints its ARN. With --wait, prints the ARN on standard error, waits for the\n"+
			"end and prints the output (exit 0), or {\"Error\",\"Cause\"} of a failed, timed out or aborted\n"+
			"execution (exit 1), as 'sluice run' does. Ctrl-C stops waiting, not the execution.\n"+nameHelp)
	inputArg := c.fs.String("input", "{}", "execution input: JSON text, @FILE, or @- for standard input")
	name := c.fs.String("name", "", "execution name (default a random UUID); starting the same name and input again is harmless")
	wait := c.fs.Bool("wait", false, "wait for the execution to end and print its output")
	pos, code, ok := c.parse(args, 1)
	if !ok {
		return code
	}
	defer c.close()
	input, ok := c.jsonArg("input", *inputArg)
	if !ok {
		return 2
	}
	arn := c.smArn(pos[0])
	var execName *string
	if *name != "" {
		execName = name
	}
	if *wait && strings.Count(arn, ":") == 6 {
		// EXPRESS executions have no DescribeExecution: run them with
		// StartSyncExecution instead.
		d, err := c.api.DescribeStateMachine(c.ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
		if err != nil {
			return c.fail(err)
		}
		if d.Type == types.StateMachineTypeExpress {
			var raw []byte
			out, err := c.api.StartSyncExecution(c.ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(arn), Name: execName, Input: aws.String(input)}, rawBody(&raw))
			if err != nil {
				return c.fail(err)
			}
			fmt.Fprintln(s.err, aws.ToString(out.ExecutionArn))
			return c.printResult(string(out.Status), out.Output, out.Error, out.Cause, raw)
		}
	}
	var raw []byte
	out, err := c.api.StartExecution(c.ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Name: execName, Input: aws.String(input)}, rawBody(&raw))
	if err != nil {
		return c.fail(err)
	}
	x := aws.ToString(out.ExecutionArn)
	if !*wait {
		if c.json {
			c.printJSON(raw)
		} else {
			fmt.Fprintln(s.out, x)
		}
		return 0
	}
	fmt.Fprintln(s.err, x)
	if strings.Contains(x, ":express:") {
		fmt.Fprintln(s.err, "sluice: cannot wait for an EXPRESS execution started through a version or alias; start the state machine itself")
		return 1
	}
	var p poller
	for {
		raw = nil
		d, err := c.api.DescribeExecution(c.ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(x)}, rawBody(&raw))
		if err != nil {
			if code := c.fail(err); code != exitInterrupted {
				return code
			}
			break
		}
		if d.Status != types.ExecutionStatusRunning && d.Status != types.ExecutionStatusPendingRedrive {
			errName, cause := d.Error, d.Cause
			if d.Status == types.ExecutionStatusTimedOut && errName == nil {
				errName, cause = c.lastEventError(x)
			}
			return c.printResult(string(d.Status), d.Output, errName, cause, raw)
		}
		if !p.wait(c.ctx) {
			break
		}
	}
	fmt.Fprintf(s.err, "sluice: stopped waiting; the execution goes on: %s\n", x)
	return exitInterrupted
}

// lastEventError reads the error and cause from an execution's last event
// (DescribeExecution has none for TIMED_OUT executions).
func (c *cli) lastEventError(arn string) (*string, *string) {
	h, err := c.api.GetExecutionHistory(c.ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), ReverseOrder: true, MaxResults: 1})
	if err == nil && len(h.Events) == 1 {
		if d := h.Events[0].ExecutionTimedOutEventDetails; d != nil && d.Error != nil {
			return d.Error, d.Cause
		}
	}
	return aws.String("States.Timeout"), nil
}

// printResult prints an ended execution as 'sluice run' does: the output
// of a success (exit 0), or {"Error","Cause"} (exit 1). With --json it
// prints the API response instead.
func (c *cli) printResult(status string, output, errName, cause *string, raw []byte) int {
	ok := status == string(types.ExecutionStatusSucceeded)
	switch {
	case c.json:
		c.printJSON(raw)
	case ok:
		fmt.Fprintln(c.s.out, aws.ToString(output))
	default:
		o := jsonvalue.NewObject(2)
		for _, f := range []struct {
			k string
			v *string
		}{{"Error", errName}, {"Cause", cause}} {
			if f.v != nil {
				o.Append(f.k, *f.v)
			} else {
				o.Append(f.k, nil)
			}
		}
		fmt.Fprintln(c.s.out, jsonvalue.Marshal(o))
	}
	if ok {
		return 0
	}
	return 1
}

// --- describe, executions, stop ---------------------------------------------

func describeCmd(args []string, s stdio) int {
	c := newCLI(s, "describe", "EXECUTION", "Prints an execution: status, dates, input, output or error.\n"+executionHelp)
	pos, code, ok := c.parse(args, 1)
	if !ok {
		return code
	}
	defer c.close()
	arn, ok := c.execArg(pos[0])
	if !ok {
		return 2
	}
	var raw []byte
	d, err := c.api.DescribeExecution(c.ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)}, rawBody(&raw))
	if err != nil {
		return c.fail(err)
	}
	if c.json {
		c.printJSON(raw)
		return 0
	}
	errName, cause := d.Error, d.Cause
	if d.Status == types.ExecutionStatusTimedOut && errName == nil {
		errName, cause = c.lastEventError(arn)
	}
	k := newKV(s.out)
	k.add("Execution", aws.ToString(d.ExecutionArn))
	k.add("State machine", aws.ToString(d.StateMachineArn))
	k.add("Version", aws.ToString(d.StateMachineVersionArn))
	k.add("Alias", aws.ToString(d.StateMachineAliasArn))
	k.add("Map run", aws.ToString(d.MapRunArn))
	k.add("Status", string(d.Status))
	k.add("Started", fmtDateMs(d.StartDate))
	if d.StopDate != nil {
		k.add("Stopped", fmt.Sprintf("%s (after %s)", fmtDateMs(d.StopDate), fmtDuration(d.StopDate.Sub(aws.ToTime(d.StartDate)))))
	} else if d.StartDate != nil {
		k.add("Running for", fmtDuration(time.Since(*d.StartDate)))
	}
	if n := aws.ToInt32(d.RedriveCount); n > 0 {
		k.add("Redriven", fmt.Sprintf("%d times, last %s", n, fmtDate(d.RedriveDate)))
	}
	k.add("Input", aws.ToString(d.Input))
	k.add("Output", aws.ToString(d.Output))
	k.add("Error", aws.ToString(errName))
	k.add("Cause", aws.ToString(cause))
	k.flush()
	return 0
}

func executionsCmd(args []string, s stdio) int {
	c := newCLI(s, "executions", "NAME [--status STATUS]",
		"Lists a state machine's executions, newest first: name, status, start date and duration.\n"+
			"'sluice describe NAME:EXECUTION_NAME' shows one. "+nameHelp)
	status := c.fs.String("status", "", "only executions with this status: RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE")
	limit := c.fs.Int("limit", 0, "print at most this many executions (0: all)")
	pos, code, ok := c.parse(args, 1)
	if !ok {
		return code
	}
	defer c.close()
	in := &sfn.ListExecutionsInput{StateMachineArn: aws.String(c.smArn(pos[0])), MaxResults: 1000}
	if *status != "" {
		st := types.ExecutionStatus(strings.ToUpper(*status))
		known := false
		for _, v := range st.Values() {
			known = known || v == st
		}
		if !known {
			return c.usageError("--status %q is not one of %v", *status, st.Values())
		}
		in.StatusFilter = st
	}
	if *limit < 0 {
		return c.usageError("--limit must not be negative")
	}
	if *limit > 0 && *limit < 1000 {
		in.MaxResults = int32(*limit)
	}
	var tw *tabwriter.Writer
	if !c.json {
		tw = newTable(s.out, "NAME", "STATUS", "STARTED", "DURATION")
	}
	n := 0
	p := sfn.NewListExecutionsPaginator(c.api, in)
	for p.HasMorePages() && (*limit == 0 || n < *limit) {
		var raw []byte
		page, err := p.NextPage(c.ctx, rawBody(&raw))
		if err != nil {
			return c.fail(err)
		}
		if c.json {
			var items struct{ Executions []json.RawMessage }
			if err := json.Unmarshal(raw, &items); err != nil {
				return c.fail(fmt.Errorf("unexpected response: %v", err))
			}
			for _, it := range items.Executions {
				if *limit == 0 || n < *limit {
					c.printJSON(it)
					n++
				}
			}
			continue
		}
		for _, x := range page.Executions {
			if *limit > 0 && n >= *limit {
				break
			}
			n++
			var d string
			if x.StopDate != nil {
				d = fmtDuration(x.StopDate.Sub(aws.ToTime(x.StartDate)))
			} else if x.StartDate != nil {
				d = fmtDuration(time.Since(*x.StartDate)) + " so far"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", aws.ToString(x.Name), x.Status, fmtDate(x.StartDate), d)
		}
	}
	if tw != nil {
		tw.Flush()
	}
	return 0
}

func stopCmd(args []string, s stdio) int {
	c := newCLI(s, "stop", "EXECUTION [--error E] [--cause C]",
		"Stops a running execution: it ends ABORTED. Stopping an ended execution changes nothing.\n"+executionHelp)
	var errName, cause optString
	c.fs.Var(&errName, "error", "error name recorded in the ExecutionAborted event")
	c.fs.Var(&cause, "cause", "cause recorded in the ExecutionAborted event")
	pos, code, ok := c.parse(args, 1)
	if !ok {
		return code
	}
	defer c.close()
	arn, ok := c.execArg(pos[0])
	if !ok {
		return 2
	}
	var raw []byte
	_, err := c.api.StopExecution(c.ctx, &sfn.StopExecutionInput{ExecutionArn: aws.String(arn), Error: errName.ptr(), Cause: cause.ptr()}, rawBody(&raw))
	return c.done(raw, err, nil)
}

// --- history -------------------------------------------------------------------

func historyCmd(args []string, s stdio) int {
	c := newCLI(s, "history", "EXECUTION [--follow]",
		"Prints an execution's history events: id, time, type, state and a short detail (--json: the API's\n"+
			"HistoryEvent objects, one per line). With --follow, keeps printing new events until the execution\n"+
			"ends. "+executionHelp)
	follow := c.fs.Bool("follow", false, "keep printing new events until the execution ends")
	c.fs.BoolVar(follow, "f", false, "short for --follow")
	pos, code, ok := c.parse(args, 1)
	if !ok {
		return code
	}
	defer c.close()
	arn, ok := c.execArg(pos[0])
	if !ok {
		return 2
	}
	h := &historyPrinter{w: s.out, json: c.json, names: map[int64]string{}}
	in := &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), MaxResults: historyPageSize}
	// Tokens are opaque: to see new events, fetch the last page again with
	// the token that fetched it, and skip the events already printed.
	var pageToken *string
	var p poller
	for {
		in.NextToken = pageToken
		var raw []byte
		out, err := c.api.GetExecutionHistory(c.ctx, in, rawBody(&raw))
		if err != nil {
			return c.fail(err)
		}
		var page struct{ Events []json.RawMessage }
		if err := json.Unmarshal(raw, &page); err != nil || len(page.Events) != len(out.Events) {
			return c.fail(fmt.Errorf("unexpected GetExecutionHistory response"))
		}
		if !c.json && h.stateWidth == 0 {
			h.stateWidth = c.stateWidth(arn)
		}
		for i, ev := range out.Events {
			h.print(ev, page.Events[i])
		}
		if out.NextToken != nil {
			pageToken = out.NextToken
			continue
		}
		if !*follow || h.ended {
			return 0
		}
		if !p.wait(c.ctx) {
			return exitInterrupted
		}
	}
}

// historyPageSize bounds what --follow fetches again on each poll.
const historyPageSize = 100

// stateWidth is the width of the state column: the longest state name in
// the execution's definition, so that followed lines align.
func (c *cli) stateWidth(arn string) int {
	const minWidth, maxWidth, unknown = 5, 32, 16
	d, err := c.api.DescribeStateMachineForExecution(c.ctx, &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: aws.String(arn)})
	if err != nil {
		return unknown
	}
	var def any
	if json.Unmarshal([]byte(aws.ToString(d.Definition)), &def) != nil {
		return unknown
	}
	width := minWidth
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, sub := range v {
				if states, ok := sub.(map[string]any); ok && k == "States" {
					for name := range states {
						width = max(width, utf8.RuneCountInString(name))
					}
				}
				walk(sub)
			}
		case []any:
			for _, sub := range v {
				walk(sub)
			}
		}
	}
	walk(def)
	return min(width, maxWidth)
}

// historyPrinter prints history events, each once.
type historyPrinter struct {
	w          io.Writer
	json       bool
	stateWidth int
	header     bool
	lastID     int64
	ended      bool
	// names maps event ids to the state they belong to.
	names map[int64]string
}

const typeWidth = 22 // the longest event types (of the Lambda family) overflow

func (h *historyPrinter) print(ev types.HistoryEvent, raw json.RawMessage) {
	if ev.Id <= h.lastID {
		return
	}
	h.lastID = ev.Id
	switch ev.Type {
	case types.HistoryEventTypeExecutionSucceeded, types.HistoryEventTypeExecutionFailed,
		types.HistoryEventTypeExecutionAborted, types.HistoryEventTypeExecutionTimedOut:
		h.ended = true
	case types.HistoryEventTypeExecutionRedriven:
		h.ended = false
	}
	if h.json {
		var b bytes.Buffer
		if err := json.Compact(&b, raw); err != nil {
			b.Reset()
			b.Write(raw)
		}
		b.WriteByte('\n')
		h.w.Write(b.Bytes())
		return
	}
	if !h.header {
		h.header = true
		fmt.Fprintln(h.w, strings.TrimRight(fmt.Sprintf("%4s  %-12s  %-*s  %-*s  %s", "ID", "TIME", typeWidth, "TYPE", h.stateWidth, "STATE", "DETAIL"), " "))
	}
	state := h.state(ev)
	var ts string
	if ev.Timestamp != nil {
		ts = ev.Timestamp.Local().Format("15:04:05.000")
	}
	line := fmt.Sprintf("%4d  %-12s  %-*s  %-*s  %s", ev.Id, ts, typeWidth, ev.Type, h.stateWidth, state, eventDetail(ev))
	fmt.Fprintln(h.w, strings.TrimRight(line, " "))
}

// state names the state an event belongs to: the one a StateEntered or
// StateExited event names, or the state of the event it follows.
func (h *historyPrinter) state(ev types.HistoryEvent) string {
	var name string
	switch {
	case ev.StateEnteredEventDetails != nil:
		name = aws.ToString(ev.StateEnteredEventDetails.Name)
	case ev.StateExitedEventDetails != nil:
		// Events that follow an exit do not belong to the exited state.
		h.names[ev.Id] = ""
		return aws.ToString(ev.StateExitedEventDetails.Name)
	case strings.HasPrefix(string(ev.Type), "Execution"):
		name = ""
	case ev.EvaluationFailedEventDetails != nil && ev.EvaluationFailedEventDetails.State != nil:
		name = *ev.EvaluationFailedEventDetails.State
	default:
		for _, d := range []*types.MapIterationEventDetails{ev.MapIterationStartedEventDetails, ev.MapIterationSucceededEventDetails,
			ev.MapIterationFailedEventDetails, ev.MapIterationAbortedEventDetails} {
			if d != nil && d.Name != nil {
				name = *d.Name
			}
		}
		if name == "" {
			name = h.names[ev.PreviousEventId]
		}
	}
	h.names[ev.Id] = name
	return name
}

const detailWidth = 72

// eventDetail is a one-line summary of an event's details: the error and
// cause of a failure, else the output, the resource, the input, or a
// count, whichever the event has.
func eventDetail(ev types.HistoryEvent) string {
	v := reflect.ValueOf(ev)
	var d reflect.Value
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		if strings.HasSuffix(v.Type().Field(i).Name, "EventDetails") && f.Kind() == reflect.Pointer && !f.IsNil() {
			d = f.Elem()
			break
		}
	}
	if !d.IsValid() {
		return ""
	}
	field := func(name string) (string, bool) {
		f := d.FieldByName(name)
		if !f.IsValid() {
			return "", false
		}
		if f.Kind() == reflect.Pointer {
			if f.IsNil() {
				return "", false
			}
			f = f.Elem()
		}
		switch f.Kind() {
		case reflect.String:
			return f.String(), true
		case reflect.Int, reflect.Int32, reflect.Int64:
			return strconv.FormatInt(f.Int(), 10), true
		}
		return "", false
	}
	var s string
	errName, hasErr := field("Error")
	cause, hasCause := field("Cause")
	switch {
	case hasErr || hasCause:
		s = errName
		if hasErr && hasCause {
			s += ": "
		}
		s += cause
	default:
		if out, ok := field("Output"); ok {
			s = out
		} else if res, ok := field("Resource"); ok {
			if typ, ok := field("ResourceType"); ok {
				s = typ + ":" + res
			} else if p := strings.Split(res, ":"); len(p) > 2 {
				s = p[len(p)-2] + ":" + p[len(p)-1]
			} else {
				s = res
			}
		} else if in, ok := field("Input"); ok {
			s = in
		} else if w, ok := field("WorkerName"); ok {
			s = "worker " + w
		} else if n, ok := field("Length"); ok {
			s = n + " items"
		} else if n, ok := field("Index"); ok {
			s = "item " + n
		} else if n, ok := field("RedriveCount"); ok {
			s = "redrive " + n
		} else if arn, ok := field("MapRunArn"); ok {
			s = arn
		}
	}
	return truncate(oneLine(s), detailWidth)
}

var lineBreaks = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\t", " ")

func oneLine(s string) string { return lineBreaks.Replace(s) }

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-3]) + "..."
}
