package main

// EventBridge client commands: put events on a bus and manage its rules and
// targets on a running Sluice server, with the AWS SDK's EventBridge client.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/sluice-run/sluice/internal/awsclient"
)

// maxPutEntries is the number of entries one PutEvents request may carry;
// longer --entries lists are sent in several requests.
const maxPutEntries = 10

// listPageSize is the Limit of ListRules and ListTargetsByRule requests
// (AWS's largest); tests lower it to go through several pages.
var listPageSize int32 = 100

// newEventBridgeClient returns an EventBridge client for a Sluice server,
// configured as newSFNClient configures the Step Functions one.
func newEventBridgeClient(endpoint, region string, creds aws.CredentialsProvider) *eventbridge.Client {
	return eventbridge.NewFromConfig(awsclient.Config(endpoint, region, creds))
}

// ebRawBody is rawBody for EventBridge calls: it keeps the response body as
// received, for --json.
func ebRawBody(dst *[]byte) func(*eventbridge.Options) {
	var o sfn.Options
	rawBody(dst)(&o)
	return func(eo *eventbridge.Options) { eo.APIOptions = append(eo.APIOptions, o.APIOptions...) }
}

// ebCLI is a client command that talks to the EventBridge API.
type ebCLI struct {
	*cli
	bus string
	eb  *eventbridge.Client
}

// newEBCLI declares the flags of every EventBridge command: the client
// flags and --bus.
func newEBCLI(s stdio, name, synopsis, about string) *ebCLI {
	c := &ebCLI{cli: newCLI(s, name, synopsis, about)}
	c.fs.StringVar(&c.bus, "bus", "", "event bus name or ARN (default: the default bus)")
	return c
}

// parse parses the command line (see cli.parse) and makes the client.
func (c *ebCLI) parse(args []string, n int) ([]string, int, bool) {
	pos, code, ok := c.cli.parse(args, n)
	if ok {
		c.eb = newEventBridgeClient(c.endpoint, c.region, credentialsFrom(os.Getenv))
	}
	return pos, code, ok
}

// busPtr is the --bus value for a request: nil for the default bus.
func (c *ebCLI) busPtr() *string {
	if c.bus == "" {
		return nil
	}
	return aws.String(c.bus)
}

// target expands a target ARN argument: a bare name stands for a state
// machine, as in the Step Functions commands.
func (c *ebCLI) target(s string) string {
	if strings.HasPrefix(s, "arn:") {
		return s
	}
	return c.smArn(s)
}

func eventsCmd(args []string, s stdio) int {
	return runGroup("events", []command{
		{"put", "put events on an event bus; prints their ids", eventsPutCmd},
	}, args, s)
}

func rulesCmd(args []string, s stdio) int {
	return runGroup("rules", []command{
		{"list", "list the rules of an event bus", rulesListCmd},
		{"put", "create or replace a rule (an event pattern or a schedule)", rulesPutCmd},
		{"describe", "print a rule", rulesDescribeCmd},
		{"delete", "delete a rule", rulesDeleteCmd},
		{"enable", "enable a rule", rulesEnableCmd},
		{"disable", "disable a rule", rulesDisableCmd},
		{"targets", "list a rule's targets", rulesTargetsCmd},
		{"add-target", "add a target to a rule, or replace the target with the same id", rulesAddTargetCmd},
		{"remove-target", "remove targets from a rule", rulesRemoveTargetCmd},
	}, args, s)
}

// --- events put --------------------------------------------------------------

// entryArg is one element of an --entries file: a PutEvents request entry
// as the AWS CLI's --entries takes it, except that Detail may also be a
// JSON object and Time an RFC 3339 string or seconds since the epoch.
type entryArg struct {
	Source       *string         `json:"Source"`
	DetailType   *string         `json:"DetailType"`
	Detail       json.RawMessage `json:"Detail"`
	Resources    []string        `json:"Resources"`
	Time         json.RawMessage `json:"Time"`
	EventBusName *string         `json:"EventBusName"`
	TraceHeader  *string         `json:"TraceHeader"`
}

// request converts the entry for the SDK.
func (e entryArg) request() (ebtypes.PutEventsRequestEntry, error) {
	out := ebtypes.PutEventsRequestEntry{Source: e.Source, DetailType: e.DetailType, Resources: e.Resources,
		EventBusName: e.EventBusName, TraceHeader: e.TraceHeader}
	if d := bytes.TrimSpace(e.Detail); len(d) > 0 && !bytes.Equal(d, []byte("null")) {
		var text string
		if d[0] == '"' {
			if err := json.Unmarshal(d, &text); err != nil {
				return out, fmt.Errorf("field Detail: %w", err)
			}
		} else {
			var b bytes.Buffer
			if err := json.Compact(&b, d); err != nil {
				return out, fmt.Errorf("field Detail: %w", err)
			}
			text = b.String()
		}
		out.Detail = aws.String(text)
	}
	if t := bytes.TrimSpace(e.Time); len(t) > 0 && !bytes.Equal(t, []byte("null")) {
		var when time.Time
		var secs float64
		var text string
		switch {
		case json.Unmarshal(t, &secs) == nil:
			when = time.Unix(0, int64(secs*1e9))
		case json.Unmarshal(t, &text) == nil:
			var err error
			if when, err = time.Parse(time.RFC3339, text); err != nil {
				return out, fmt.Errorf("field Time: %w", err)
			}
		default:
			return out, fmt.Errorf("field Time: %s is neither an RFC 3339 string nor seconds since the epoch", t)
		}
		out.Time = aws.Time(when)
	}
	return out, nil
}

// readEntries reads an --entries file: a JSON array of entries, or a
// PutEvents request ({"Entries": [...]}).
func readEntries(data []byte) ([]entryArg, error) {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '{' {
		var req struct {
			Entries json.RawMessage `json:"Entries"`
		}
		if err := json.Unmarshal(data, &req); err != nil {
			return nil, err
		}
		if req.Entries == nil {
			return nil, errors.New(`an object must have an "Entries" array`)
		}
		data = req.Entries
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var entries []entryArg
	if err := dec.Decode(&entries); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("unexpected data after the entries")
	}
	if len(entries) == 0 {
		return nil, errors.New("no entries")
	}
	return entries, nil
}

func eventsPutCmd(args []string, s stdio) int {
	c := newEBCLI(s, "events put", "--source S --detail-type T [--detail JSON|@FILE|@-] [--resources A,B] [--time RFC3339] | --entries @FILE",
		"Puts events on an event bus and prints the id of each event, one per line. Entries the bus refuses\n"+
			"are reported on standard error as 'sluice: entry N: Code: message' (exit 1).\n"+
			"--entries takes a JSON array of PutEvents entries (Source, DetailType, Detail, Resources, Time,\n"+
			"EventBusName), as 'aws events put-events --entries' does; Detail may be an object or a string.\n"+
			"More than 10 entries are sent in several requests.")
	var source, detailType, detail, resources, when, entriesArg optString
	c.fs.Var(&source, "source", "the events' source")
	c.fs.Var(&detailType, "detail-type", "the events' detail type")
	c.fs.Var(&detail, "detail", "the event detail, a JSON object: JSON text, @FILE, or @- for standard input (default {})")
	c.fs.Var(&resources, "resources", "comma-separated resource ARNs")
	c.fs.Var(&when, "time", "the event time, RFC 3339 (default: now)")
	c.fs.Var(&entriesArg, "entries", "the entries: JSON text, @FILE, or @- for standard input")
	if _, code, ok := c.parse(args, 0); !ok {
		return code
	}
	defer c.close()
	var entries []ebtypes.PutEventsRequestEntry
	if entriesArg.set {
		if source.set || detailType.set || detail.set || resources.set || when.set {
			return c.usageError("--entries cannot be combined with --source, --detail-type, --detail, --resources or --time")
		}
		raw, err := readArg(entriesArg.v, s.in)
		if err != nil {
			return c.usageError("--entries: %v", err)
		}
		args, err := readEntries(raw)
		if err != nil {
			return c.usageError("--entries: %v", err)
		}
		for i, a := range args {
			e, err := a.request()
			if err != nil {
				return c.usageError("--entries: entry %d: %v", i+1, err)
			}
			if e.EventBusName == nil {
				e.EventBusName = c.busPtr()
			}
			entries = append(entries, e)
		}
	} else {
		if !source.set || !detailType.set {
			return c.usageError("--source and --detail-type are required (or --entries)")
		}
		if !detail.set {
			detail.v = "{}"
		}
		d, ok := c.jsonArg("detail", detail.v)
		if !ok {
			return 2
		}
		e := ebtypes.PutEventsRequestEntry{Source: aws.String(source.v), DetailType: aws.String(detailType.v),
			Detail: aws.String(d), EventBusName: c.busPtr()}
		if resources.v != "" {
			e.Resources = strings.Split(resources.v, ",")
		}
		if when.set {
			t, err := time.Parse(time.RFC3339, when.v)
			if err != nil {
				return c.usageError("--time %q is not an RFC 3339 time such as 2024-05-01T12:00:00Z", when.v)
			}
			e.Time = aws.Time(t)
		}
		entries = append(entries, e)
	}
	failed := false
	for start := 0; start < len(entries); start += maxPutEntries {
		batch := entries[start:min(start+maxPutEntries, len(entries))]
		var raw []byte
		out, err := c.eb.PutEvents(c.ctx, &eventbridge.PutEventsInput{Entries: batch}, ebRawBody(&raw))
		if err != nil {
			if start > 0 {
				fmt.Fprintf(s.err, "sluice: entries 1 to %d were sent; the request with entries %d to %d failed\n", start, start+1, start+len(batch))
			}
			return c.fail(err)
		}
		if c.json {
			c.printJSON(raw)
		}
		for i, r := range out.Entries {
			if r.ErrorCode != nil {
				failed = true
				fmt.Fprintf(s.err, "sluice: entry %d: %s: %s\n", start+i+1, aws.ToString(r.ErrorCode), aws.ToString(r.ErrorMessage))
			} else if !c.json {
				fmt.Fprintln(s.out, aws.ToString(r.EventId))
			}
		}
	}
	if failed {
		return 1
	}
	return 0
}

// --- rules -------------------------------------------------------------------

const ruleHelp = "NAME is a rule name; --bus names its event bus."

func rulesListCmd(args []string, s stdio) int {
	c := newEBCLI(s, "rules list", "[--bus NAME] [--prefix P]",
		"Lists the rules of an event bus: name, state, and the schedule or event pattern.")
	prefix := c.fs.String("prefix", "", "only rules whose names start with this")
	if _, code, ok := c.parse(args, 0); !ok {
		return code
	}
	defer c.close()
	var tw *tabwriter.Writer
	if !c.json {
		tw = newTable(s.out, "NAME", "STATE", "SCHEDULE/PATTERN")
	}
	in := &eventbridge.ListRulesInput{EventBusName: c.busPtr(), Limit: aws.Int32(listPageSize)}
	if *prefix != "" {
		in.NamePrefix = prefix
	}
	for {
		var raw []byte
		page, err := c.eb.ListRules(c.ctx, in, ebRawBody(&raw))
		if err != nil {
			return c.fail(err)
		}
		if c.json {
			if err := c.printJSONItems(raw, "Rules"); err != nil {
				return c.fail(err)
			}
		} else {
			for _, r := range page.Rules {
				trigger := aws.ToString(r.ScheduleExpression)
				if p := aws.ToString(r.EventPattern); p != "" {
					trigger = strings.TrimSpace(strings.Join([]string{trigger, clip(compactJSON(p), 70)}, " "))
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", aws.ToString(r.Name), r.State, trigger)
			}
		}
		if aws.ToString(page.NextToken) == "" {
			break
		}
		in.NextToken = page.NextToken
	}
	if tw != nil {
		tw.Flush()
	}
	return 0
}

// compactJSON removes the insignificant white space of JSON text; text
// that is not JSON is returned as it is.
func compactJSON(s string) string {
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		return s
	}
	return b.String()
}

// clip shortens s to at most n runes, ending with "...".
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-3]) + "..."
}

func rulesPutCmd(args []string, s stdio) int {
	c := newEBCLI(s, "rules put", "NAME --pattern JSON|@FILE | --schedule EXPR [--bus NAME] [--state ENABLED|DISABLED] [--description D] [--role ARN]",
		"Creates a rule, or replaces the rule of that name, and prints its ARN. The rule matches events with\n"+
			"an event pattern (--pattern) or runs on a schedule (--schedule 'rate(5 minutes)', 'cron(0 12 * * ? *)';\n"+
			"schedules only on the default bus). Its targets are kept.")
	var pat, sched, state, desc, role optString
	c.fs.Var(&pat, "pattern", "event pattern: JSON text, @FILE, or @- for standard input")
	c.fs.Var(&sched, "schedule", "schedule expression: rate(...), cron(...) or at(...)")
	c.fs.Var(&state, "state", "ENABLED (the default) or DISABLED")
	c.fs.Var(&desc, "description", "description")
	c.fs.Var(&role, "role", "IAM role ARN for the rule's targets (Sluice does not assume it)")
	pos, code, ok := c.parse(args, 1)
	if !ok {
		return code
	}
	defer c.close()
	if !pat.set && !sched.set {
		return c.usageError("give --pattern or --schedule")
	}
	in := &eventbridge.PutRuleInput{Name: aws.String(pos[0]), EventBusName: c.busPtr(), ScheduleExpression: sched.ptr(),
		Description: desc.ptr(), RoleArn: role.ptr()}
	if pat.set {
		p, err := readArg(pat.v, s.in)
		if err != nil {
			return c.usageError("--pattern: %v", err)
		}
		in.EventPattern = aws.String(strings.TrimSpace(string(p)))
	}
	if state.set {
		switch st := strings.ToUpper(state.v); st {
		case "ENABLED", "DISABLED":
			in.State = ebtypes.RuleState(st)
		default:
			return c.usageError("--state %q is not ENABLED or DISABLED", state.v)
		}
	}
	var raw []byte
	out, err := c.eb.PutRule(c.ctx, in, ebRawBody(&raw))
	return c.done(raw, err, func() {
		fmt.Fprintln(s.out, aws.ToString(out.RuleArn))
	})
}

func rulesDescribeCmd(args []string, s stdio) int {
	c := newEBCLI(s, "rules describe", "NAME [--bus NAME]", "Prints a rule. "+ruleHelp)
	pos, code, ok := c.parse(args, 1)
	if !ok {
		return code
	}
	defer c.close()
	var raw []byte
	r, err := c.eb.DescribeRule(c.ctx, &eventbridge.DescribeRuleInput{Name: aws.String(pos[0]), EventBusName: c.busPtr()}, ebRawBody(&raw))
	if err != nil {
		return c.fail(err)
	}
	if c.json {
		c.printJSON(raw)
		return 0
	}
	k := newKV(s.out)
	k.add("Name", aws.ToString(r.Name))
	k.add("ARN", aws.ToString(r.Arn))
	k.add("Event bus", aws.ToString(r.EventBusName))
	k.add("State", string(r.State))
	k.add("Schedule", aws.ToString(r.ScheduleExpression))
	k.add("Pattern", aws.ToString(r.EventPattern))
	k.add("Description", aws.ToString(r.Description))
	k.add("Role", aws.ToString(r.RoleArn))
	k.add("Managed by", aws.ToString(r.ManagedBy))
	k.add("Created by", aws.ToString(r.CreatedBy))
	k.flush()
	return 0
}

func rulesDeleteCmd(args []string, s stdio) int {
	c := newEBCLI(s, "rules delete", "NAME [--bus NAME] [--with-targets]",
		"Deletes a rule. A rule that has targets cannot be deleted: remove them first, or give --with-targets.\n"+ruleHelp)
	withTargets := c.fs.Bool("with-targets", false, "remove the rule's targets first")
	pos, code, ok := c.parse(args, 1)
	if !ok {
		return code
	}
	defer c.close()
	if *withTargets {
		ids, err := c.targetIDs(pos[0])
		if err != nil {
			return c.fail(err)
		}
		if len(ids) > 0 {
			if code := c.removeTargets(pos[0], ids, false); code != 0 {
				return code
			}
		}
	}
	var raw []byte
	_, err := c.eb.DeleteRule(c.ctx, &eventbridge.DeleteRuleInput{Name: aws.String(pos[0]), EventBusName: c.busPtr()}, ebRawBody(&raw))
	return c.done(raw, err, nil)
}

func rulesEnableCmd(args []string, s stdio) int { return rulesSetState(args, s, true) }

func rulesDisableCmd(args []string, s stdio) int { return rulesSetState(args, s, false) }

// rulesSetState enables or disables a rule.
func rulesSetState(args []string, s stdio, enable bool) int {
	verb := "disable"
	if enable {
		verb = "enable"
	}
	c := newEBCLI(s, "rules "+verb, "NAME [--bus NAME]", strings.ToUpper(verb[:1])+verb[1:]+"s a rule. "+ruleHelp)
	pos, code, ok := c.parse(args, 1)
	if !ok {
		return code
	}
	defer c.close()
	var raw []byte
	var err error
	if enable {
		_, err = c.eb.EnableRule(c.ctx, &eventbridge.EnableRuleInput{Name: aws.String(pos[0]), EventBusName: c.busPtr()}, ebRawBody(&raw))
	} else {
		_, err = c.eb.DisableRule(c.ctx, &eventbridge.DisableRuleInput{Name: aws.String(pos[0]), EventBusName: c.busPtr()}, ebRawBody(&raw))
	}
	if err != nil {
		return c.fail(err)
	}
	if c.json {
		c.printJSON(raw)
	}
	return 0
}

// targetIDs lists the ids of a rule's targets.
func (c *ebCLI) targetIDs(rule string) ([]string, error) {
	var ids []string
	in := &eventbridge.ListTargetsByRuleInput{Rule: aws.String(rule), EventBusName: c.busPtr(), Limit: aws.Int32(listPageSize)}
	for {
		page, err := c.eb.ListTargetsByRule(c.ctx, in)
		if err != nil {
			return nil, fmt.Errorf("list the targets of %s: %w", rule, err)
		}
		for _, t := range page.Targets {
			ids = append(ids, aws.ToString(t.Id))
		}
		if aws.ToString(page.NextToken) == "" {
			return ids, nil
		}
		in.NextToken = page.NextToken
	}
}

func rulesTargetsCmd(args []string, s stdio) int {
	c := newEBCLI(s, "rules targets", "NAME [--bus NAME]",
		"Lists a rule's targets: id, ARN, and what they receive (the event, Input, InputPath or an\n"+
			"InputTransformer's template). "+ruleHelp)
	pos, code, ok := c.parse(args, 1)
	if !ok {
		return code
	}
	defer c.close()
	var tw *tabwriter.Writer
	if !c.json {
		tw = newTable(s.out, "ID", "ARN", "INPUT")
	}
	in := &eventbridge.ListTargetsByRuleInput{Rule: aws.String(pos[0]), EventBusName: c.busPtr(), Limit: aws.Int32(listPageSize)}
	for {
		var raw []byte
		page, err := c.eb.ListTargetsByRule(c.ctx, in, ebRawBody(&raw))
		if err != nil {
			return c.fail(err)
		}
		if c.json {
			if err := c.printJSONItems(raw, "Targets"); err != nil {
				return c.fail(err)
			}
		} else {
			for _, t := range page.Targets {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", aws.ToString(t.Id), aws.ToString(t.Arn), targetInput(t))
			}
		}
		if aws.ToString(page.NextToken) == "" {
			break
		}
		in.NextToken = page.NextToken
	}
	if tw != nil {
		tw.Flush()
	}
	return 0
}

// targetInput describes what a target receives, for the targets table.
func targetInput(t ebtypes.Target) string {
	switch {
	case t.Input != nil:
		return "input " + clip(compactJSON(*t.Input), 60)
	case t.InputPath != nil:
		return "path " + *t.InputPath
	case t.InputTransformer != nil:
		return "template " + clip(strings.Join(strings.Fields(aws.ToString(t.InputTransformer.InputTemplate)), " "), 60)
	}
	return "the event"
}

func rulesAddTargetCmd(args []string, s stdio) int {
	c := newEBCLI(s, "rules add-target", "NAME --id ID --arn ARN [--input JSON | --input-path PATH | --input-paths-map JSON --input-template T] [--role ARN]",
		"Adds a target to a rule, or replaces the rule's target with the same id. A target gets the matched\n"+
			"event, or --input (constant JSON), or the part of the event at --input-path, or --input-template\n"+
			"filled in with the values of --input-paths-map ({\"name\": \"$.detail.x\"}, used as <name>).\n"+
			"--arn may be a state machine name. "+ruleHelp)
	var id, arn, input, inputPath, pathsMap, template, role optString
	c.fs.Var(&id, "id", "the target's id, unique within the rule")
	c.fs.Var(&arn, "arn", "the target's ARN (a state machine name stands for its ARN)")
	c.fs.Var(&input, "input", "constant input: JSON text, @FILE, or @- for standard input")
	c.fs.Var(&inputPath, "input-path", "JSONPath of the part of the event to send, such as $.detail")
	c.fs.Var(&pathsMap, "input-paths-map", "input transformer paths: a JSON object of names to JSONPaths (text, @FILE or @-)")
	c.fs.Var(&template, "input-template", "input transformer template (text, @FILE or @-)")
	c.fs.Var(&role, "role", "IAM role ARN for the target (Sluice does not assume it)")
	pos, code, ok := c.parse(args, 1)
	if !ok {
		return code
	}
	defer c.close()
	if !id.set || !arn.set {
		return c.usageError("--id and --arn are required")
	}
	kinds := 0
	for _, set := range []bool{input.set, inputPath.set, pathsMap.set || template.set} {
		if set {
			kinds++
		}
	}
	if kinds > 1 {
		return c.usageError("give only one of --input, --input-path, or --input-paths-map with --input-template")
	}
	t := ebtypes.Target{Id: aws.String(id.v), Arn: aws.String(c.target(arn.v)), RoleArn: role.ptr(), InputPath: inputPath.ptr()}
	if input.set {
		v, ok := c.jsonArg("input", input.v)
		if !ok {
			return 2
		}
		t.Input = aws.String(v)
	}
	if pathsMap.set || template.set {
		if !template.set {
			return c.usageError("--input-paths-map needs --input-template")
		}
		tmpl, err := readArg(template.v, s.in)
		if err != nil {
			return c.usageError("--input-template: %v", err)
		}
		t.InputTransformer = &ebtypes.InputTransformer{InputTemplate: aws.String(string(tmpl))}
		if pathsMap.set {
			raw, err := readArg(pathsMap.v, s.in)
			if err != nil {
				return c.usageError("--input-paths-map: %v", err)
			}
			var m map[string]string
			if err := json.Unmarshal(raw, &m); err != nil {
				return c.usageError("--input-paths-map is not a JSON object of strings: %v", err)
			}
			t.InputTransformer.InputPathsMap = m
		}
	}
	var raw []byte
	out, err := c.eb.PutTargets(c.ctx, &eventbridge.PutTargetsInput{Rule: aws.String(pos[0]), EventBusName: c.busPtr(),
		Targets: []ebtypes.Target{t}}, ebRawBody(&raw))
	if err != nil {
		return c.fail(err)
	}
	if c.json {
		c.printJSON(raw)
	}
	failed := make([]failedTarget, len(out.FailedEntries))
	for i, f := range out.FailedEntries {
		failed[i] = failedTarget{f.TargetId, f.ErrorCode, f.ErrorMessage}
	}
	return c.reportFailedTargets(failed)
}

func rulesRemoveTargetCmd(args []string, s stdio) int {
	c := newEBCLI(s, "rules remove-target", "NAME --id ID[,ID...] [--bus NAME]", "Removes targets from a rule. "+ruleHelp)
	var ids optString
	c.fs.Var(&ids, "id", "the ids of the targets to remove, comma-separated")
	pos, code, ok := c.parse(args, 1)
	if !ok {
		return code
	}
	defer c.close()
	if !ids.set || ids.v == "" {
		return c.usageError("--id is required")
	}
	return c.removeTargets(pos[0], strings.Split(ids.v, ","), c.json)
}

// removeTargets removes targets from a rule and returns the exit code.
func (c *ebCLI) removeTargets(rule string, ids []string, printJSON bool) int {
	var raw []byte
	out, err := c.eb.RemoveTargets(c.ctx, &eventbridge.RemoveTargetsInput{Rule: aws.String(rule), EventBusName: c.busPtr(), Ids: ids}, ebRawBody(&raw))
	if err != nil {
		return c.fail(err)
	}
	if printJSON {
		c.printJSON(raw)
	}
	failed := make([]failedTarget, len(out.FailedEntries))
	for i, f := range out.FailedEntries {
		failed[i] = failedTarget{f.TargetId, f.ErrorCode, f.ErrorMessage}
	}
	return c.reportFailedTargets(failed)
}

// failedTarget is a failed entry of a PutTargets or RemoveTargets response.
type failedTarget struct{ id, code, message *string }

// reportFailedTargets prints the targets a PutTargets or RemoveTargets call
// did not take, and returns 1 if there were any.
func (c *ebCLI) reportFailedTargets(failed []failedTarget) int {
	for _, f := range failed {
		fmt.Fprintf(c.s.err, "sluice: target %s: %s: %s\n", aws.ToString(f.id), aws.ToString(f.code), aws.ToString(f.message))
	}
	if len(failed) > 0 {
		return 1
	}
	return 0
}
