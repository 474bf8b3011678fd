package sfn

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sluice-run/sluice/internal/awsapi"
	"github.com/sluice-run/sluice/internal/interp"
	"github.com/sluice-run/sluice/internal/jsonvalue"
	"github.com/sluice-run/sluice/internal/runtime"
	"github.com/sluice-run/sluice/internal/store"
)

// MaxPayload is AWS's limit on execution input and output, in bytes.
const MaxPayload = 256 * 1024

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// checkInput validates an execution input: JSON, at most 256 KiB. It
// returns the compact text to store.
func checkInput(input *string) ([]byte, error) {
	text := "{}"
	if input != nil {
		text = *input
	}
	if len(text) > MaxPayload {
		return nil, awsapi.ValidationField("...", "input", fmt.Sprintf("Member must have length less than or equal to %d", MaxPayload))
	}
	v, err := jsonvalue.ParseString(text)
	if err != nil {
		return nil, awsapi.Errorf("InvalidExecutionInput", "Invalid State Machine Execution Input: '%s'", strings.TrimPrefix(err.Error(), "invalid JSON at "))
	}
	return jsonvalue.Append(nil, v), nil
}

type startInput struct {
	StateMachineArn string  `json:"stateMachineArn"`
	Name            *string `json:"name"`
	Input           *string `json:"input"`
	TraceHeader     *string `json:"traceHeader"`
}

func (in *startInput) check() error {
	if err := required(in.StateMachineArn, "stateMachineArn"); err != nil {
		return err
	}
	if in.Name != nil && !validName(*in.Name, 80) {
		return invalidName(*in.Name)
	}
	if in.TraceHeader != nil && len(*in.TraceHeader) > 256 {
		return awsapi.ValidationField(*in.TraceHeader, "traceHeader", "Member must have length less than or equal to 256")
	}
	return nil
}

func (s *Service) startExecution(ctx context.Context, c *call) (any, error) {
	var in startInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	input, err := checkInput(in.Input)
	if err != nil {
		return nil, err
	}
	t, err := s.resolve(ctx, in.StateMachineArn)
	if err != nil {
		return nil, err
	}
	name := deref(in.Name)
	if name == "" {
		name = newUUID()
	}
	if t.typ == "EXPRESS" {
		arn := strings.Replace(t.sm.Arn, ":stateMachine:", ":express:", 1) + ":" + name + ":" + newUUID()
		start := s.now()
		s.express.startAsync(t, arn, name, input)
		return map[string]any{"executionArn": arn, "startDate": epoch(start)}, nil
	}
	row, err := s.start(ctx, t, name, input, deref(in.TraceHeader), "", 0)
	if err != nil {
		return nil, err
	}
	return map[string]any{"executionArn": row.Arn, "startDate": epoch(row.StartDate)}, nil
}

// start starts a STANDARD execution of t.
func (s *Service) start(ctx context.Context, t *target, name string, input []byte, trace, parent string, parentTask int64) (*store.Execution, error) {
	arn := strings.Replace(t.sm.Arn, ":stateMachine:", ":execution:", 1) + ":" + name
	req := runtime.StartRequest{
		StateMachineArn: t.sm.Arn, StateMachineName: t.sm.Name, ExecutionArn: arn, Name: name, Input: input,
		Definition: []byte(t.definition), DefinitionKey: t.defKey, RoleArn: t.roleArn, TraceHeader: trace,
		AliasArn: t.aliasArn, Parent: parent, ParentTask: parentTask,
	}
	if t.version != nil {
		req.VersionArn = t.version.Arn
	}
	row, _, err := s.eng.Start(ctx, req)
	if errors.Is(err, runtime.ErrExecutionExists) {
		return nil, awsapi.Errorf("ExecutionAlreadyExists", "Execution Already Exists: '%s'", arn)
	}
	return row, err
}

func (s *Service) startSyncExecution(ctx context.Context, c *call) (any, error) {
	var in startInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	if p, ok := parseArn(in.StateMachineArn); ok && len(p.rest) == 2 {
		if _, err := strconv.Atoi(p.rest[1]); err != nil {
			return nil, awsapi.Errorf("InvalidArn", "Invalid Arn: 'Aliases are not supported by StartSyncExecution'")
		}
		return nil, awsapi.Errorf("InvalidArn", "Invalid Arn: 'Versions are not supported by StartSyncExecution'")
	}
	input, err := checkInput(in.Input)
	if err != nil {
		return nil, err
	}
	t, err := s.resolve(ctx, in.StateMachineArn)
	if err != nil {
		return nil, err
	}
	if t.typ != "EXPRESS" {
		return nil, awsapi.Errorf("StateMachineTypeNotSupported", "This operation is not supported by this type of state machine")
	}
	name := deref(in.Name)
	if name == "" {
		name = newUUID()
	}
	arn := strings.Replace(t.sm.Arn, ":stateMachine:", ":express:", 1) + ":" + name + ":" + newUUID()
	res := s.express.run(ctx, t, arn, name, input)
	out := map[string]any{"executionArn": arn, "stateMachineArn": t.sm.Arn, "name": name, "startDate": epoch(res.start),
		"stopDate": epoch(res.stop), "status": res.status, "input": string(input), "inputDetails": map[string]any{"included": true},
		"billingDetails": map[string]any{"billedMemoryUsedInMB": 64, "billedDurationInMilliseconds": max(100, res.stop.Sub(res.start).Milliseconds())}}
	if in.TraceHeader != nil {
		out["traceHeader"] = *in.TraceHeader
	}
	if res.status == "SUCCEEDED" {
		out["output"] = res.output
		out["outputDetails"] = map[string]any{"included": true}
	}
	if res.hasError {
		out["error"] = res.errName
	}
	if res.hasCause {
		out["cause"] = res.cause
	}
	return out, nil
}

// executionArnArg validates an execution ARN argument.
func executionArnArg(arn, field string) error {
	if err := required(arn, field); err != nil {
		return err
	}
	p, ok := parseArn(arn)
	if !ok || p.kind != "execution" || len(p.rest) != 2 {
		return invalidArn(arn)
	}
	return nil
}

func (s *Service) execution(ctx context.Context, arn string) (*store.Execution, error) {
	row, err := s.eng.Describe(ctx, arn)
	if errors.Is(err, runtime.ErrExecutionNotFound) {
		return nil, awsapi.Errorf("ExecutionDoesNotExist", "Execution Does Not Exist: '%s'", arn)
	}
	return row, err
}

// redriveStatus says whether an execution can be redriven, and why not.
func redriveStatus(x *store.Execution, now time.Time) (string, string) {
	switch {
	case x.MapRunArn != "" && x.Status != "RUNNING" && x.Status != "SUCCEEDED":
		return "REDRIVABLE_BY_MAP_RUN", ""
	case x.Status == "RUNNING" || x.Status == "SUCCEEDED":
		return "NOT_REDRIVABLE", fmt.Sprintf("Execution is %s and cannot be redriven", x.Status)
	case now.Sub(x.StopDate) > redriveWindow:
		return "NOT_REDRIVABLE", "Execution can no longer be redriven: it ended more than 14 days ago"
	}
	return "REDRIVABLE", ""
}

const redriveWindow = 14 * 24 * time.Hour

func (s *Service) describeExecution(ctx context.Context, c *call) (any, error) {
	var in struct {
		ExecutionArn string `json:"executionArn"`
		IncludedData string `json:"includedData"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := executionArnArg(in.ExecutionArn, "executionArn"); err != nil {
		return nil, err
	}
	x, err := s.execution(ctx, in.ExecutionArn)
	if err != nil {
		return nil, err
	}
	include := in.IncludedData != "METADATA_ONLY"
	out := map[string]any{"executionArn": x.Arn, "stateMachineArn": x.StateMachineArn, "name": x.Name, "status": x.Status,
		"startDate": epoch(x.StartDate), "redriveCount": x.RedriveCount}
	if include {
		out["input"] = string(x.Input)
		out["inputDetails"] = map[string]any{"included": true}
	}
	if !x.StopDate.IsZero() {
		out["stopDate"] = epoch(x.StopDate)
	}
	if x.Output != nil && include {
		out["output"] = string(x.Output)
		out["outputDetails"] = map[string]any{"included": true}
	}
	if x.Status != "TIMED_OUT" {
		if x.Error != nil {
			out["error"] = *x.Error
		}
		if x.Cause != nil {
			out["cause"] = *x.Cause
		}
	}
	if x.TraceHeader != "" {
		out["traceHeader"] = x.TraceHeader
	}
	if x.MapRunArn != "" {
		out["mapRunArn"] = x.MapRunArn
	}
	if x.VersionArn != "" {
		out["stateMachineVersionArn"] = x.VersionArn
	}
	if x.AliasArn != "" {
		out["stateMachineAliasArn"] = x.AliasArn
	}
	if !x.RedriveDate.IsZero() {
		out["redriveDate"] = epoch(x.RedriveDate)
	}
	status, reason := redriveStatus(x, s.now())
	out["redriveStatus"] = status
	if reason != "" {
		out["redriveStatusReason"] = reason
	}
	return out, nil
}

var executionStatuses = map[string]bool{"RUNNING": true, "SUCCEEDED": true, "FAILED": true, "TIMED_OUT": true, "ABORTED": true, "PENDING_REDRIVE": true}

func (s *Service) listExecutions(ctx context.Context, c *call) (any, error) {
	var in struct {
		StateMachineArn string  `json:"stateMachineArn"`
		StatusFilter    string  `json:"statusFilter"`
		MaxResults      int     `json:"maxResults"`
		NextToken       *string `json:"nextToken"`
		MapRunArn       string  `json:"mapRunArn"`
		RedriveFilter   string  `json:"redriveFilter"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if (in.StateMachineArn == "") == (in.MapRunArn == "") {
		return nil, awsapi.Validation("Must provide a StateMachine ARN or MapRun ARN")
	}
	if in.StatusFilter != "" && !executionStatuses[in.StatusFilter] {
		return nil, awsapi.ValidationField(in.StatusFilter, "statusFilter", "Member must satisfy enum value set: [SUCCEEDED, TIMED_OUT, PENDING_REDRIVE, ABORTED, FAILED, RUNNING]")
	}
	switch in.RedriveFilter {
	case "", "REDRIVEN", "NOT_REDRIVEN":
	default:
		return nil, awsapi.ValidationField(in.RedriveFilter, "redriveFilter", "Member must satisfy enum value set: [REDRIVEN, NOT_REDRIVEN]")
	}
	page, err := pageArgs(in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	f := store.ExecutionFilter{Status: in.StatusFilter, MapRunArn: in.MapRunArn}
	if in.StateMachineArn != "" {
		p, ok := parseArn(in.StateMachineArn)
		if !ok || p.kind != "stateMachine" || len(p.rest) > 2 {
			return nil, invalidArn(in.StateMachineArn)
		}
		base := "arn:" + p.partition + ":states:" + p.region + ":" + p.account + ":stateMachine:" + p.rest[0]
		sm, err := s.stateMachine(ctx, base)
		if err != nil {
			return nil, err
		}
		if sm.Type == "EXPRESS" {
			return nil, awsapi.Errorf("StateMachineTypeNotSupported", "This operation is not supported by this type of state machine")
		}
		f.StateMachineArn = base
		if len(p.rest) == 2 {
			if _, err := strconv.Atoi(p.rest[1]); err == nil {
				f.VersionArn = in.StateMachineArn
			} else {
				f.AliasArn = in.StateMachineArn
			}
		}
	} else {
		if p, ok := parseArn(in.MapRunArn); !ok || p.kind != "mapRun" {
			return nil, invalidArn(in.MapRunArn)
		}
		if _, err := s.st.GetRecord(ctx, "mapRun", in.MapRunArn); errors.Is(err, store.ErrNotFound) {
			return nil, awsapi.Errorf("ResourceNotFound", "Resource not found: '%s'", in.MapRunArn)
		}
	}
	rows, next, err := s.st.ListExecutions(ctx, f, page)
	if err != nil {
		return nil, invalidToken(err)
	}
	items := make([]map[string]any, 0, len(rows))
	for _, x := range rows {
		if in.RedriveFilter == "REDRIVEN" && x.RedriveCount == 0 || in.RedriveFilter == "NOT_REDRIVEN" && x.RedriveCount > 0 {
			continue
		}
		m := map[string]any{"executionArn": x.Arn, "stateMachineArn": x.StateMachineArn, "name": x.Name, "status": x.Status,
			"startDate": epoch(x.StartDate)}
		if !x.StopDate.IsZero() {
			m["stopDate"] = epoch(x.StopDate)
		}
		if x.MapRunArn != "" {
			m["mapRunArn"] = x.MapRunArn
			m["itemCount"] = 1
		}
		if x.VersionArn != "" {
			m["stateMachineVersionArn"] = x.VersionArn
		}
		if x.AliasArn != "" {
			m["stateMachineAliasArn"] = x.AliasArn
		}
		if x.RedriveCount > 0 {
			m["redriveCount"] = x.RedriveCount
			m["redriveDate"] = epoch(x.RedriveDate)
		}
		items = append(items, m)
	}
	out := map[string]any{"executions": items}
	if next != "" {
		out["nextToken"] = next
	}
	return out, nil
}

func (s *Service) stopExecution(ctx context.Context, c *call) (any, error) {
	var in struct {
		ExecutionArn string  `json:"executionArn"`
		Error        *string `json:"error"`
		Cause        *string `json:"cause"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := executionArnArg(in.ExecutionArn, "executionArn"); err != nil {
		return nil, err
	}
	if in.Error != nil && len(*in.Error) > 256 {
		return nil, awsapi.ValidationField(*in.Error, "error", "Member must have length less than or equal to 256")
	}
	if in.Cause != nil && len(*in.Cause) > 32768 {
		return nil, awsapi.ValidationField("...", "cause", "Member must have length less than or equal to 32768")
	}
	stop, err := s.eng.Stop(ctx, in.ExecutionArn, in.Error, in.Cause)
	switch {
	case errors.Is(err, runtime.ErrExecutionNotFound):
		return nil, awsapi.Errorf("ExecutionDoesNotExist", "Execution Does Not Exist: '%s'", in.ExecutionArn)
	case errors.Is(err, runtime.ErrNotRunning):
		// AWS answers StopExecution of an ended execution with its stop date.
		x, err := s.execution(ctx, in.ExecutionArn)
		if err != nil {
			return nil, err
		}
		return map[string]any{"stopDate": epoch(x.StopDate)}, nil
	case err != nil:
		return nil, err
	}
	return map[string]any{"stopDate": epoch(stop)}, nil
}

func (s *Service) getExecutionHistory(ctx context.Context, c *call) (any, error) {
	var in struct {
		ExecutionArn         string  `json:"executionArn"`
		MaxResults           int     `json:"maxResults"`
		ReverseOrder         bool    `json:"reverseOrder"`
		NextToken            *string `json:"nextToken"`
		IncludeExecutionData *bool   `json:"includeExecutionData"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := executionArnArg(in.ExecutionArn, "executionArn"); err != nil {
		return nil, err
	}
	if in.MaxResults < 0 || in.MaxResults > 1000 {
		return nil, awsapi.ValidationField(in.MaxResults, "maxResults", "Member must have value less than or equal to 1000")
	}
	max := in.MaxResults
	if max == 0 {
		max = 100
	}
	include := in.IncludeExecutionData == nil || *in.IncludeExecutionData
	if _, err := s.execution(ctx, in.ExecutionArn); err != nil {
		return nil, err
	}
	batches, err := s.st.ReadBatches(ctx, in.ExecutionArn, 1)
	if err != nil {
		return nil, err
	}
	var events [][]byte
	for _, b := range batches {
		for _, line := range bytes.Split(bytes.TrimRight(b.Events, "\n"), []byte("\n")) {
			if len(line) > 0 {
				events = append(events, line)
			}
		}
	}
	if in.ReverseOrder {
		for i, j := 0, len(events)-1; i < j; i, j = i+1, j-1 {
			events[i], events[j] = events[j], events[i]
		}
	}
	start := 0
	if in.NextToken != nil && *in.NextToken != "" {
		n, err := strconv.Atoi(*in.NextToken)
		if err != nil || n < 0 || n > len(events) {
			return nil, awsapi.Errorf("InvalidToken", "Invalid Token: '%s'", *in.NextToken)
		}
		start = n
	}
	end := min(start+max, len(events))
	var b bytes.Buffer
	b.WriteString(`{"events":[`)
	for i := start; i < end; i++ {
		if i > start {
			b.WriteByte(',')
		}
		if include {
			b.Write(events[i])
		} else {
			b.Write(stripData(events[i]))
		}
	}
	b.WriteByte(']')
	if end < len(events) {
		fmt.Fprintf(&b, `,"nextToken":"%d"`, end)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// stripData removes inputs and outputs from a stored event, as
// includeExecutionData=false asks.
func stripData(ev []byte) []byte {
	v, err := jsonvalue.Parse(ev)
	if err != nil {
		return ev
	}
	o := v.(*jsonvalue.Object)
	out := jsonvalue.NewObject(o.Len())
	for i := 0; i < o.Len(); i++ {
		k, val := o.At(i)
		if d, ok := val.(*jsonvalue.Object); ok && strings.HasSuffix(k, "EventDetails") {
			nd := jsonvalue.NewObject(d.Len())
			for j := 0; j < d.Len(); j++ {
				dk, dv := d.At(j)
				switch dk {
				case "input", "output", "parameters":
					continue
				case "inputDetails", "outputDetails":
					nd.Append(dk, jsonvalue.MustParse(`{"truncated":false}`))
					continue
				}
				nd.Append(dk, dv)
			}
			val = nd
		}
		out.Append(k, val)
	}
	return jsonvalue.Append(nil, out)
}

func (s *Service) describeStateMachineForExecution(ctx context.Context, c *call) (any, error) {
	var in struct {
		ExecutionArn string `json:"executionArn"`
		IncludedData string `json:"includedData"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := executionArnArg(in.ExecutionArn, "executionArn"); err != nil {
		return nil, err
	}
	x, err := s.execution(ctx, in.ExecutionArn)
	if err != nil {
		return nil, err
	}
	def := ""
	key := x.DefinitionKey
	if base, _, ok := strings.Cut(key, "#"); ok {
		key = base
	}
	if r, err := s.st.GetRecord(ctx, kindDefinition, key); err == nil {
		def = string(r.Data)
	}
	if x.MapRunArn != "" {
		if d, err := s.eng.Definition(ctx, x.DefinitionKey); err == nil {
			def = d.Source()
		}
	}
	out := map[string]any{"stateMachineArn": x.StateMachineArn, "name": stateMachineNameOf(x.StateMachineArn), "definition": def,
		"roleArn": x.RoleArn, "updateDate": epoch(x.StartDate)}
	if sm, err := s.stateMachine(ctx, x.StateMachineArn); err == nil {
		out["loggingConfiguration"] = logging(sm.Logging)
		out["tracingConfiguration"] = tracing(sm.Tracing)
		out["revisionId"] = sm.RevisionID
	}
	if x.MapRunArn != "" {
		out["mapRunArn"] = x.MapRunArn
	}
	return out, nil
}

func stateMachineNameOf(arn string) string {
	if i := strings.LastIndexByte(arn, ':'); i >= 0 {
		return arn[i+1:]
	}
	return arn
}

// --- Callbacks ---------------------------------------------------------------

func (s *Service) taskError(err error, token string) error {
	switch {
	case errors.Is(err, runtime.ErrInvalidToken):
		return awsapi.Errorf("InvalidToken", "Invalid Token: 'Invalid token'")
	case errors.Is(err, runtime.ErrTaskGone):
		return awsapi.Errorf("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'")
	}
	return err
}

func checkToken(token string) error {
	if err := required(token, "taskToken"); err != nil {
		return err
	}
	if len(token) > 2048 {
		return awsapi.ValidationField("...", "taskToken", "Member must have length less than or equal to 2048")
	}
	return nil
}

func (s *Service) sendTaskSuccess(ctx context.Context, c *call) (any, error) {
	var in struct {
		TaskToken string  `json:"taskToken"`
		Output    *string `json:"output"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := checkToken(in.TaskToken); err != nil {
		return nil, err
	}
	if err := required(in.Output, "output"); err != nil {
		return nil, err
	}
	if len(*in.Output) > MaxPayload {
		return nil, awsapi.ValidationField("...", "output", "Member must have length less than or equal to 262144")
	}
	out, err := jsonvalue.ParseString(*in.Output)
	if err != nil {
		return nil, awsapi.Errorf("InvalidOutput", "Invalid Output: '%v'", err)
	}
	if err := s.eng.SendTaskSuccess(ctx, in.TaskToken, out); err != nil {
		return nil, s.taskError(err, in.TaskToken)
	}
	return map[string]any{}, nil
}

func (s *Service) sendTaskFailure(ctx context.Context, c *call) (any, error) {
	var in struct {
		TaskToken string  `json:"taskToken"`
		Error     *string `json:"error"`
		Cause     *string `json:"cause"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := checkToken(in.TaskToken); err != nil {
		return nil, err
	}
	if in.Error != nil && len(*in.Error) > 256 {
		return nil, awsapi.ValidationField(*in.Error, "error", "Member must have length less than or equal to 256")
	}
	if in.Cause != nil && len(*in.Cause) > 32768 {
		return nil, awsapi.ValidationField("...", "cause", "Member must have length less than or equal to 32768")
	}
	if err := s.eng.SendTaskFailure(ctx, in.TaskToken, in.Error, in.Cause); err != nil {
		return nil, s.taskError(err, in.TaskToken)
	}
	return map[string]any{}, nil
}

func (s *Service) sendTaskHeartbeat(ctx context.Context, c *call) (any, error) {
	var in struct {
		TaskToken string `json:"taskToken"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := checkToken(in.TaskToken); err != nil {
		return nil, err
	}
	if err := s.eng.SendTaskHeartbeat(ctx, in.TaskToken); err != nil {
		return nil, s.taskError(err, in.TaskToken)
	}
	return map[string]any{}, nil
}

// --- Redrive -----------------------------------------------------------------

func (s *Service) redriveExecution(ctx context.Context, c *call) (any, error) {
	var in struct {
		ExecutionArn string  `json:"executionArn"`
		ClientToken  *string `json:"clientToken"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := executionArnArg(in.ExecutionArn, "executionArn"); err != nil {
		return nil, err
	}
	x, err := s.execution(ctx, in.ExecutionArn)
	if err != nil {
		return nil, err
	}
	status, reason := redriveStatus(x, s.now())
	if status != "REDRIVABLE" {
		if reason == "" {
			reason = "Execution is part of a Map Run and can only be redriven with it"
		}
		return nil, awsapi.Errorf("ExecutionNotRedrivable", "%s", reason)
	}
	date, err := s.eng.Redrive(ctx, in.ExecutionArn)
	if errors.Is(err, runtime.ErrNotRedrivable) {
		return nil, awsapi.Errorf("ExecutionNotRedrivable", "Execution can not be redriven")
	}
	if err != nil {
		return nil, err
	}
	return map[string]any{"redriveDate": epoch(date)}, nil
}

var _ = json.Marshal
var _ = interp.StatusRunning

// StartForTarget starts an execution for an EventBridge target: name is
// derived from the event and target, so a retried delivery finds the
// execution it started before instead of starting another.
func (s *Service) StartForTarget(ctx context.Context, stateMachineArn, name string, input []byte) (string, error) {
	in := string(input)
	text, err := checkInput(&in)
	if err != nil {
		return "", err
	}
	t, err := s.resolve(ctx, stateMachineArn)
	if err != nil {
		return "", err
	}
	if t.typ == "EXPRESS" {
		arn := strings.Replace(t.sm.Arn, ":stateMachine:", ":express:", 1) + ":" + name + ":" + newUUID()
		s.express.startAsync(t, arn, name, text)
		return arn, nil
	}
	row, err := s.start(ctx, t, name, text, "", "", 0)
	if err != nil {
		var ae *awsapi.Error
		if errors.As(err, &ae) && ae.Code == "ExecutionAlreadyExists" {
			return strings.Replace(t.sm.Arn, ":stateMachine:", ":execution:", 1) + ":" + name, nil
		}
		return "", err
	}
	return row.Arn, nil
}
