package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/sluice-run/sluice/internal/server/servertest"
)

const (
	ruleArnPrefix = "arn:aws:events:us-east-1:000000000000:rule/"
	sampleEvent   = `{"version":"0","id":"1","detail-type":"OrderPlaced","source":"shop","account":"1","time":"2024-01-01T00:00:00Z",` +
		`"region":"us-east-1","resources":[],"detail":{"total":250,"customer":{"tier":"gold"}}}`
)

// Small pages, so that listings with a few rules and targets go through
// several of them.
func init() { listPageSize = 3 }

var uuidLine = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPatternTestCommand(t *testing.T) {
	t.Parallel()
	patFile := writeTemp(t, "pattern.json", `{"detail":{"customer":{"tier":[{"prefix":"go"}]}}}`)
	evFile := writeTemp(t, "event.json", sampleEvent)
	tests := []struct {
		name           string
		stdin          string
		args           []string
		code           int
		stdout, stderr string
	}{
		{"match", "", []string{"--pattern", `{"source":["shop"],"detail":{"total":[{"numeric":[">",100]}]}}`, "--event", sampleEvent}, 0, "true\n", ""},
		{"no match", "", []string{"--pattern", `{"source":["shop"],"detail":{"total":[{"numeric":["<",100]}]}}`, "--event", sampleEvent}, 0, "false\n", ""},
		{"files", "", []string{"--pattern", "@" + patFile, "--event", "@" + evFile}, 0, "true\n", ""},
		{"event from stdin", sampleEvent, []string{"--event", "@-", "--pattern", `{"detail-type":["OrderPlaced"]}`}, 0, "true\n", ""},
		{"pattern from stdin", `{"source":["other"]}`, []string{"--pattern", "@-", "--event", sampleEvent}, 0, "false\n", ""},
		{"not a full envelope", "", []string{"--pattern", `{"a":[1]}`, "--event", `{"a":1.0}`}, 0, "true\n", ""},
		{"$or", "", []string{"--pattern", `{"$or":[{"source":["x"]},{"detail":{"total":[250]}}]}`, "--event", sampleEvent}, 0, "true\n", ""},
		{"empty array", "", []string{"--pattern", `{"source":[]}`, "--event", sampleEvent}, 2, "",
			"sluice: InvalidEventPatternException: Event pattern is not valid. Reason: Empty arrays are not allowed\n"},
		{"not an object", "", []string{"--pattern", `["shop"]`, "--event", sampleEvent}, 2, "",
			"sluice: InvalidEventPatternException: Event pattern is not valid. Reason: Filter is not an object\n"},
		{"malformed pattern", "", []string{"--pattern", `{"source":`, "--event", sampleEvent}, 2, "", "sluice: InvalidEventPatternException: Event pattern is not valid. Reason: "},
		{"bad operator", "", []string{"--pattern", `{"a":[{"prefix":1}]}`, "--event", sampleEvent}, 2, "", "InvalidEventPatternException"},
		{"malformed event", "", []string{"--pattern", `{"a":["b"]}`, "--event", `{"a":`}, 2, "", "sluice pattern test: --event is not valid JSON"},
		{"event not an object", "", []string{"--pattern", `{"a":["b"]}`, "--event", `["a"]`}, 2, "", "--event is not a JSON object"},
		{"missing pattern file", "", []string{"--pattern", "@nope.json", "--event", "{}"}, 2, "", "--pattern: open nope.json"},
		{"no event", "", []string{"--pattern", `{"a":["b"]}`}, 2, "", "Usage: sluice pattern test"},
		{"both from stdin", "", []string{"--pattern", "@-", "--event", "@-"}, 2, "", "cannot both be read from standard input"},
		{"extra argument", "", []string{"--pattern", `{"a":["b"]}`, "--event", "{}", "x"}, 2, "", `unexpected argument "x"`},
		{"help", "", []string{"-h"}, 0, "", "Usage: sluice pattern test"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := runSluice(t, tc.stdin, append([]string{"pattern", "test"}, tc.args...)...)
			if code != tc.code {
				t.Errorf("exit code %d, want %d (stdout %q, stderr %q)", code, tc.code, out, errOut)
			}
			if out != tc.stdout {
				t.Errorf("stdout %q, want %q", out, tc.stdout)
			}
			if tc.stderr != "" && !strings.Contains(errOut, tc.stderr) {
				t.Errorf("stderr %q, want it to contain %q", errOut, tc.stderr)
			}
		})
	}
	if code, _, errOut := runSluice(t, "", "pattern"); code != 2 || !strings.Contains(errOut, "Usage: sluice pattern <command>") {
		t.Errorf("pattern alone: %d %q", code, errOut)
	}
}

// ebEnv is a server for the EventBridge command tests.
type ebEnv struct {
	clientEnv
	eb *eventbridge.Client
}

func (e *ebEnv) putRule(t *testing.T, bus, name, pattern string) {
	t.Helper()
	in := &eventbridge.PutRuleInput{Name: aws.String(name), EventPattern: aws.String(pattern)}
	if bus != "" {
		in.EventBusName = aws.String(bus)
	}
	if _, err := e.eb.PutRule(context.Background(), in); err != nil {
		t.Fatalf("PutRule %s: %v", name, err)
	}
}

func (e *ebEnv) putTarget(t *testing.T, rule string, target ebtypes.Target) {
	t.Helper()
	out, err := e.eb.PutTargets(context.Background(), &eventbridge.PutTargetsInput{Rule: aws.String(rule), Targets: []ebtypes.Target{target}})
	if err != nil || out.FailedEntryCount != 0 {
		t.Fatalf("PutTargets %s: %+v %v", rule, out, err)
	}
}

func (e *ebEnv) describeRule(t *testing.T, bus, name string) *eventbridge.DescribeRuleOutput {
	t.Helper()
	in := &eventbridge.DescribeRuleInput{Name: aws.String(name)}
	if bus != "" {
		in.EventBusName = aws.String(bus)
	}
	d, err := e.eb.DescribeRule(context.Background(), in)
	if err != nil {
		t.Fatalf("DescribeRule %s: %v", name, err)
	}
	return d
}

func (e *ebEnv) targets(t *testing.T, rule string) []ebtypes.Target {
	t.Helper()
	out, err := e.eb.ListTargetsByRule(context.Background(), &eventbridge.ListTargetsByRuleInput{Rule: aws.String(rule)})
	if err != nil {
		t.Fatalf("ListTargetsByRule %s: %v", rule, err)
	}
	return out.Targets
}

// executions waits for n executions of a state machine to end and returns
// their inputs.
func (e *ebEnv) executionInputs(t *testing.T, sm string, n int) []string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		out, err := e.api.ListExecutions(context.Background(), &sfn.ListExecutionsInput{StateMachineArn: aws.String(smArnPrefix + sm)})
		if err != nil {
			t.Fatal(err)
		}
		var inputs []string
		for _, x := range out.Executions {
			if x.Status != types.ExecutionStatusRunning {
				d := e.wait(t, *x.ExecutionArn)
				inputs = append(inputs, aws.ToString(d.Input))
			}
		}
		if len(inputs) >= n {
			return inputs
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d executions of %s ended", len(inputs), n, sm)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestEventsCommands(t *testing.T) {
	t.Parallel()
	srv := servertest.Start(t)
	creds := credentialsFrom(func(string) string { return "" })
	e := &ebEnv{
		clientEnv: clientEnv{url: srv.URL(), api: newSFNClient(srv.URL(), "us-east-1", creds), dir: t.TempDir()},
		eb:        newEventBridgeClient(srv.URL(), "us-east-1", creds),
	}
	ctx := context.Background()
	if _, err := e.eb.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String("orders")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.eb.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String("many")}); err != nil {
		t.Fatal(err)
	}
	// Shared, read-only fixtures: cases that change things use their own names.
	e.putRule(t, "", "shop-big", `{"source":["shop"],"detail":{"total":[{"numeric":[">",100]}]}}`)
	e.putRule(t, "orders", "on-orders", `{"source":["shop"]}`)
	e.putTarget(t, "shop-big", ebtypes.Target{Id: aws.String("t-input"), Arn: aws.String(smArnPrefix + "nowhere"), Input: aws.String(`{"fixed":true}`)})
	e.putTarget(t, "shop-big", ebtypes.Target{Id: aws.String("t-path"), Arn: aws.String(smArnPrefix + "nowhere"), InputPath: aws.String("$.detail")})
	var wg sync.WaitGroup
	for i := range 11 {
		wg.Go(func() { e.putRule(t, "many", fmt.Sprintf("r%02d", i), `{"source":["x"]}`) })
	}
	wg.Wait()
	patFile := e.file(t, "pattern.json", "{\n  \"source\": [\"file\"]\n}\n")
	entries := make([]string, 12)
	for i := range entries {
		entries[i] = fmt.Sprintf(`{"Source":"batch","DetailType":"Item","Detail":{"n":%d}}`, i)
	}
	entries[10] = `{"Source":"batch","DetailType":"Item","Detail":"not json"}`
	entriesFile := e.file(t, "entries.json", "["+strings.Join(entries, ",\n")+"]")
	okEntries := e.file(t, "ok-entries.json", `{"Entries":[{"Source":"s","DetailType":"d","Detail":"{\"a\":1}","Time":"2024-05-01T12:00:00Z","Resources":["r1"]},`+
		`{"Source":"s","DetailType":"d","Detail":{"b":2},"Time":1714564800,"EventBusName":"orders"}]}`)
	typo := e.file(t, "typo.json", `[{"Source":"s","DetailTyp":"d","Detail":"{}"}]`)

	args := func(a ...string) func(*testing.T, *ebEnv) []string {
		return func(*testing.T, *ebEnv) []string { return a }
	}
	tests := []struct {
		name     string
		stdin    string
		args     func(t *testing.T, e *ebEnv) []string
		code     int
		stdout   []string
		noStdout []string
		stderr   []string
		check    func(t *testing.T, e *ebEnv, stdout string)
	}{
		// rules put
		{name: "rules put", args: args("rules", "put", "made", "--pattern", `{"source":["a"]}`, "--description", "made here"),
			stdout: []string{ruleArnPrefix + "made\n"},
			check: func(t *testing.T, e *ebEnv, _ string) {
				d := e.describeRule(t, "", "made")
				if aws.ToString(d.EventPattern) != `{"source":["a"]}` || d.State != ebtypes.RuleStateEnabled || aws.ToString(d.Description) != "made here" {
					t.Errorf("rule %+v", d)
				}
			}},
		{name: "rules put on a bus, pattern from a file, disabled", args: args("rules", "put", "fromfile", "--bus", "orders", "--pattern", "@"+patFile, "--state", "disabled"),
			stdout: []string{ruleArnPrefix + "orders/fromfile\n"},
			check: func(t *testing.T, e *ebEnv, _ string) {
				d := e.describeRule(t, "orders", "fromfile")
				if aws.ToString(d.EventPattern) != "{\n  \"source\": [\"file\"]\n}" || d.State != ebtypes.RuleStateDisabled {
					t.Errorf("rule %+v", d)
				}
			}},
		{name: "rules put a schedule, json", args: args("rules", "put", "every5", "--schedule", "rate(5 minutes)", "--json"),
			stdout: []string{`{"RuleArn":"` + ruleArnPrefix + `every5"}` + "\n"},
			check: func(t *testing.T, e *ebEnv, _ string) {
				if d := e.describeRule(t, "", "every5"); aws.ToString(d.ScheduleExpression) != "rate(5 minutes)" {
					t.Errorf("rule %+v", d)
				}
			}},
		{name: "rules put an invalid pattern", args: args("rules", "put", "bad", "--pattern", `{"source":[]}`), code: 1,
			stderr: []string{"sluice: InvalidEventPatternException: Event pattern is not valid. Reason: ", "Empty arrays are not allowed\n"}},
		{name: "rules put an invalid schedule", args: args("rules", "put", "bad", "--schedule", "cron(0 25 * * ? *)"), code: 1,
			stderr: []string{"sluice: ValidationException: Parameter ScheduleExpression is not valid.\n"}},
		{name: "rules put without a pattern or schedule", args: args("rules", "put", "bad"), code: 2, stderr: []string{"give --pattern or --schedule"}},
		{name: "rules put with a bad state", args: args("rules", "put", "bad", "--pattern", `{"a":["b"]}`, "--state", "on"), code: 2,
			stderr: []string{`--state "on" is not ENABLED or DISABLED`}},
		{name: "rules put on a missing bus", args: args("rules", "put", "bad", "--pattern", `{"a":["b"]}`, "--bus", "nope"), code: 1,
			stderr: []string{"sluice: ResourceNotFoundException: "}},
		{name: "rules put without a name", args: args("rules", "put", "--pattern", `{"a":["b"]}`), code: 2, stderr: []string{"Usage: sluice rules put NAME"}},

		// rules list
		{name: "rules list", args: args("rules", "list"), stdout: []string{"NAME", "STATE", "SCHEDULE/PATTERN",
			"\nshop-big  ", `ENABLED  {"source":["shop"],"detail":{"total":[{"numeric":[">",100]}]}}` + "\n"}, noStdout: []string{"on-orders"}},
		{name: "rules list a bus", args: args("rules", "list", "--bus", "orders"), stdout: []string{"\non-orders "}, noStdout: []string{"shop-big"}},
		{name: "rules list by prefix", args: args("rules", "list", "--bus", "many", "--prefix", "r0"),
			check: func(t *testing.T, e *ebEnv, out string) {
				if n := strings.Count(out, "\n"); n != 11 {
					t.Errorf("%d lines, want a header and r00 to r09:\n%s", n, out)
				}
			}},
		{name: "rules list across pages", args: args("rules", "list", "--bus", "arn:aws:events:us-east-1:000000000000:event-bus/many", "--json"),
			check: func(t *testing.T, e *ebEnv, out string) {
				objs := jsonLines(t, out)
				if len(objs) != 11 || objs[0]["Name"] != "r00" || objs[10]["Name"] != "r10" || objs[10]["EventBusName"] != "many" {
					t.Errorf("%d rules listed: %s ... %s", len(objs), objs[0]["Name"], objs[len(objs)-1]["Name"])
				}
			}},
		{name: "rules list a missing bus", args: args("rules", "list", "--bus", "nope"), code: 1, stderr: []string{"sluice: ResourceNotFoundException: "}},

		// rules describe
		{name: "rules describe", args: args("rules", "describe", "shop-big"), stdout: []string{"Name:       shop-big\n",
			"ARN:        " + ruleArnPrefix + "shop-big\n", "Event bus:  default\n", "State:      ENABLED\n",
			`Pattern:    {"source":["shop"],"detail":{"total":[{"numeric":[">",100]}]}}` + "\n"}, noStdout: []string{"Schedule:"}},
		{name: "rules describe json", args: args("rules", "describe", "on-orders", "--bus", "orders", "--json"),
			check: func(t *testing.T, e *ebEnv, out string) {
				if o := jsonLines(t, out); len(o) != 1 || o[0]["Arn"] != ruleArnPrefix+"orders/on-orders" || o[0]["EventPattern"] != `{"source":["shop"]}` {
					t.Errorf("describe: %s", out)
				}
			}},
		{name: "rules describe a missing rule", args: args("rules", "describe", "nope"), code: 1, stderr: []string{"sluice: ResourceNotFoundException: "}},

		// rules enable, disable
		{name: "rules disable and enable", args: func(t *testing.T, e *ebEnv) []string {
			e.putRule(t, "", "toggle", `{"source":["a"]}`)
			return []string{"rules", "disable", "toggle"}
		}, check: func(t *testing.T, e *ebEnv, out string) {
			if d := e.describeRule(t, "", "toggle"); out != "" || d.State != ebtypes.RuleStateDisabled {
				t.Errorf("after disable: %q %s", out, d.State)
			}
			if code, _, errOut := e.sluice(t, "", "rules", "enable", "toggle"); code != 0 {
				t.Fatalf("enable: %s", errOut)
			}
			if d := e.describeRule(t, "", "toggle"); d.State != ebtypes.RuleStateEnabled {
				t.Errorf("after enable: %s", d.State)
			}
		}},
		{name: "rules enable a missing rule", args: args("rules", "enable", "nope"), code: 1, stderr: []string{"sluice: ResourceNotFoundException: "}},

		// rules targets
		{name: "rules targets", args: args("rules", "targets", "shop-big"), stdout: []string{"ID       ARN", "INPUT\n",
			"t-input  " + smArnPrefix + "nowhere  input {\"fixed\":true}\n", "t-path   " + smArnPrefix + "nowhere  path $.detail\n"}},
		{name: "rules targets json", args: args("rules", "targets", "shop-big", "--json"),
			check: func(t *testing.T, e *ebEnv, out string) {
				if o := jsonLines(t, out); len(o) != 2 || o[0]["Id"] != "t-input" || o[1]["InputPath"] != "$.detail" {
					t.Errorf("targets: %s", out)
				}
			}},
		{name: "rules targets of a missing rule", args: args("rules", "targets", "nope"), code: 1, stderr: []string{"sluice: ResourceNotFoundException: "}},

		// rules add-target, remove-target
		{name: "rules add-target with a transformer", args: func(t *testing.T, e *ebEnv) []string {
			e.putRule(t, "", "tr", `{"source":["a"]}`)
			return []string{"rules", "add-target", "tr", "--id", "x", "--arn", "onevent",
				"--input-paths-map", `{"total":"$.detail.total"}`, "--input-template", `{"amount": <total>}`, "--role", "arn:aws:iam::000000000000:role/r"}
		}, check: func(t *testing.T, e *ebEnv, out string) {
			ts := e.targets(t, "tr")
			if out != "" || len(ts) != 1 || *ts[0].Arn != smArnPrefix+"onevent" || *ts[0].InputTransformer.InputTemplate != `{"amount": <total>}` ||
				ts[0].InputTransformer.InputPathsMap["total"] != "$.detail.total" || aws.ToString(ts[0].RoleArn) != "arn:aws:iam::000000000000:role/r" {
				t.Errorf("targets %q %+v", out, ts)
			}
			code, out, _ := e.sluice(t, "", "rules", "targets", "tr")
			if code != 0 || !strings.Contains(out, `template {"amount": <total>}`) {
				t.Errorf("targets table: %s", out)
			}
		}},
		{name: "rules add-target replaces by id", args: func(t *testing.T, e *ebEnv) []string {
			e.putRule(t, "", "repl", `{"source":["a"]}`)
			e.putTarget(t, "repl", ebtypes.Target{Id: aws.String("x"), Arn: aws.String(smArnPrefix + "old")})
			return []string{"rules", "add-target", "repl", "--id", "x", "--arn", smArnPrefix + "new", "--input", `{"v":1}`}
		}, check: func(t *testing.T, e *ebEnv, _ string) {
			if ts := e.targets(t, "repl"); len(ts) != 1 || *ts[0].Arn != smArnPrefix+"new" || aws.ToString(ts[0].Input) != `{"v":1}` {
				t.Errorf("targets %+v", ts)
			}
		}},
		{name: "rules add-target unsupported", args: func(t *testing.T, e *ebEnv) []string {
			e.putRule(t, "", "unsup", `{"source":["a"]}`)
			return []string{"rules", "add-target", "unsup", "--id", "q", "--arn", "arn:aws:sqs:us-east-1:000000000000:q"}
		}, code: 1, stderr: []string{"sluice: target q: ValidationException: "}},
		{name: "rules add-target with a bad template", args: args("rules", "add-target", "shop-big", "--id", "y", "--arn", "x",
			"--input-paths-map", `{"a":"$.detail"}`, "--input-template", `{"a": <b>}`), code: 1, stderr: []string{"sluice: ValidationException: "}},
		{name: "rules add-target two inputs", args: args("rules", "add-target", "shop-big", "--id", "y", "--arn", "x", "--input", "{}", "--input-path", "$"),
			code: 2, stderr: []string{"give only one of --input, --input-path"}},
		{name: "rules add-target a map without a template", args: args("rules", "add-target", "shop-big", "--id", "y", "--arn", "x", "--input-paths-map", `{}`),
			code: 2, stderr: []string{"--input-paths-map needs --input-template"}},
		{name: "rules add-target a bad map", args: args("rules", "add-target", "shop-big", "--id", "y", "--arn", "x", "--input-paths-map", `{"a":1}`, "--input-template", "x"),
			code: 2, stderr: []string{"--input-paths-map is not a JSON object of strings"}},
		{name: "rules add-target bad input", args: args("rules", "add-target", "shop-big", "--id", "y", "--arn", "x", "--input", "{"),
			code: 2, stderr: []string{"--input is not valid JSON"}},
		{name: "rules add-target without an id", args: args("rules", "add-target", "shop-big", "--arn", "x"), code: 2, stderr: []string{"--id and --arn are required"}},
		{name: "rules remove-target", args: func(t *testing.T, e *ebEnv) []string {
			e.putRule(t, "", "rm", `{"source":["a"]}`)
			for _, id := range []string{"a", "b", "c"} {
				e.putTarget(t, "rm", ebtypes.Target{Id: aws.String(id), Arn: aws.String(smArnPrefix + id)})
			}
			return []string{"rules", "remove-target", "rm", "--id", "a,c"}
		}, check: func(t *testing.T, e *ebEnv, out string) {
			if ts := e.targets(t, "rm"); out != "" || len(ts) != 1 || *ts[0].Id != "b" {
				t.Errorf("targets %q %+v", out, ts)
			}
		}},
		{name: "rules remove-target without an id", args: args("rules", "remove-target", "shop-big"), code: 2, stderr: []string{"--id is required"}},

		// rules delete
		{name: "rules delete", args: func(t *testing.T, e *ebEnv) []string {
			e.putRule(t, "orders", "gone", `{"source":["a"]}`)
			return []string{"rules", "delete", "gone", "--bus", "orders"}
		}, check: func(t *testing.T, e *ebEnv, out string) {
			if code, _, errOut := e.sluice(t, "", "rules", "describe", "gone", "--bus", "orders"); out != "" || code != 1 || !strings.Contains(errOut, "ResourceNotFoundException") {
				t.Errorf("after delete: %q %d %s", out, code, errOut)
			}
		}},
		{name: "rules delete with targets", args: args("rules", "delete", "shop-big"), code: 1,
			stderr: []string{"sluice: ValidationException: Rule can't be deleted since it has targets.\n"}},
		{name: "rules delete with targets, removing them", args: func(t *testing.T, e *ebEnv) []string {
			e.putRule(t, "", "withtargets", `{"source":["a"]}`)
			e.putTarget(t, "withtargets", ebtypes.Target{Id: aws.String("a"), Arn: aws.String(smArnPrefix + "a")})
			return []string{"rules", "delete", "withtargets", "--with-targets"}
		}, check: func(t *testing.T, e *ebEnv, _ string) {
			if code, _, errOut := e.sluice(t, "", "rules", "describe", "withtargets"); code != 1 || !strings.Contains(errOut, "ResourceNotFoundException") {
				t.Errorf("after delete: %d %s", code, errOut)
			}
		}},
		{name: "rules alone", args: args("rules"), code: 2, stderr: []string{"Usage: sluice rules <command>", "add-target"}},

		// events put
		{name: "events put", args: args("events", "put", "--source", "s", "--detail-type", "d", "--detail", `{"a":1}`, "--resources", "r1,r2", "--time", "2024-05-01T12:00:00Z"),
			check: func(t *testing.T, e *ebEnv, out string) {
				if !uuidLine.MatchString(strings.TrimSuffix(out, "\n")) {
					t.Errorf("stdout %q, want one event id", out)
				}
			}},
		{name: "events put to a bus, detail from stdin, json", stdin: `{"b":2}`, args: args("events", "put", "--bus", "orders", "--source", "s", "--detail-type", "d", "--detail", "@-", "--json"),
			check: func(t *testing.T, e *ebEnv, out string) {
				if o := jsonLines(t, out); len(o) != 1 || o[0]["FailedEntryCount"] != float64(0) {
					t.Errorf("json: %s", out)
				}
			}},
		{name: "events put entries in batches", args: args("events", "put", "--entries", "@"+entriesFile), code: 1,
			stderr: []string{"sluice: entry 11: MalformedDetail: Detail is malformed.\n"},
			check: func(t *testing.T, e *ebEnv, out string) {
				lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
				if len(lines) != 11 {
					t.Fatalf("%d ids, want 11: %s", len(lines), out)
				}
				for _, l := range lines {
					if !uuidLine.MatchString(l) {
						t.Errorf("not an event id: %q", l)
					}
				}
			}},
		{name: "events put entries, request shape", args: args("events", "put", "--entries", "@"+okEntries),
			check: func(t *testing.T, e *ebEnv, out string) {
				if n := strings.Count(out, "\n"); n != 2 {
					t.Errorf("%d ids, want 2: %s", n, out)
				}
			}},
		{name: "events put to a missing bus", args: args("events", "put", "--bus", "nope", "--source", "s", "--detail-type", "d"), code: 1,
			stderr: []string{"sluice: entry 1: ResourceNotFoundException: Event bus nope does not exist.\n"}},
		{name: "events put an aws source", args: args("events", "put", "--source", "aws.s3", "--detail-type", "d"), code: 1,
			stderr: []string{"sluice: entry 1: NotAuthorizedForSourceException: "}},
		{name: "events put without a source", args: args("events", "put", "--detail-type", "d"), code: 2, stderr: []string{"--source and --detail-type are required"}},
		{name: "events put bad detail", args: args("events", "put", "--source", "s", "--detail-type", "d", "--detail", "{"), code: 2, stderr: []string{"--detail is not valid JSON"}},
		{name: "events put bad time", args: args("events", "put", "--source", "s", "--detail-type", "d", "--time", "yesterday"), code: 2, stderr: []string{`--time "yesterday" is not an RFC 3339 time`}},
		{name: "events put entries and a source", args: args("events", "put", "--entries", "@"+okEntries, "--source", "s"), code: 2, stderr: []string{"--entries cannot be combined"}},
		{name: "events put entries with a typo", args: args("events", "put", "--entries", "@"+typo), code: 2, stderr: []string{`--entries: json: unknown field "DetailTyp"`}},
		{name: "events put no entries", args: args("events", "put", "--entries", "[]"), code: 2, stderr: []string{"--entries: no entries"}},
		{name: "events put entries, a missing file", args: args("events", "put", "--entries", "@nope.json"), code: 2, stderr: []string{"--entries: open nope.json"}},
		{name: "events put, server not reachable", args: args("events", "put", "--source", "s", "--detail-type", "d", "--endpoint", "http://127.0.0.1:1"), code: 1,
			stderr: []string{"sluice: cannot reach Sluice at http://127.0.0.1:1"}},
		{name: "events alone", args: args("events"), code: 2, stderr: []string{"Usage: sluice events <command>"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := e.sluice(t, tc.stdin, tc.args(t, e)...)
			if code != tc.code {
				t.Fatalf("exit code %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, errOut)
			}
			for _, want := range tc.stdout {
				if !strings.Contains(out, want) {
					t.Errorf("stdout %q, want it to contain %q", out, want)
				}
			}
			for _, not := range tc.noStdout {
				if strings.Contains(out, not) {
					t.Errorf("stdout %q, want it not to contain %q", out, not)
				}
			}
			for _, want := range tc.stderr {
				if !strings.Contains(errOut, want) {
					t.Errorf("stderr %q, want it to contain %q", errOut, want)
				}
			}
			if tc.check != nil {
				tc.check(t, e, out)
			}
		})
	}
}

// TestEventsToStateMachineCommands wires a rule to a state machine with the
// commands alone, puts events, and checks which executions start, with the
// transformed input.
func TestEventsToStateMachineCommands(t *testing.T) {
	t.Parallel()
	srv := servertest.Start(t)
	e := &ebEnv{clientEnv: clientEnv{url: srv.URL(), api: newSFNClient(srv.URL(), "us-east-1", credentialsFrom(func(string) string { return "" })), dir: t.TempDir()}}
	def := e.file(t, "pass.json", `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`)
	steps := [][]string{
		{"sm", "create", "onorder", def},
		{"rules", "put", "big-orders", "--pattern", `{"source":["shop"],"detail":{"total":[{"numeric":[">",100]}]}}`},
		{"rules", "add-target", "big-orders", "--id", "sfn", "--arn", "onorder",
			"--input-paths-map", `{"id":"$.detail.id","total":"$.detail.total"}`, "--input-template", `{"order": <id>, "amount": <total>, "rule": "<aws.events.rule-name>"}`},
		{"events", "put", "--source", "shop", "--detail-type", "OrderPlaced", "--detail", `{"id":"o-1","total":250}`},
		{"events", "put", "--source", "shop", "--detail-type", "OrderPlaced", "--detail", `{"id":"o-2","total":50}`},
	}
	for _, args := range steps {
		if code, out, errOut := e.sluice(t, "", args...); code != 0 {
			t.Fatalf("sluice %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
		}
	}
	inputs := e.executionInputs(t, "onorder", 1)
	time.Sleep(100 * time.Millisecond) // a second, wrong execution would have started by now
	if inputs = e.executionInputs(t, "onorder", 1); len(inputs) != 1 || inputs[0] != `{"order":"o-1","amount":250,"rule":"big-orders"}` {
		t.Errorf("executions' inputs %q, want only the big order's, transformed", inputs)
	}
	if code, out, _ := runSluice(t, "", "pattern", "test", "--pattern", `{"detail":{"total":[{"numeric":[">",100]}]}}`, "--event", `{"detail":{"total":250}}`); code != 0 || out != "true\n" {
		t.Errorf("pattern test: %d %q", code, out)
	}
}

// TestDeadLettersCommand dead-letters an event (its target state machine
// does not exist) and reads it back, then purges the queue.
func TestDeadLettersCommand(t *testing.T) {
	t.Parallel()
	srv := servertest.Start(t)
	e := &ebEnv{clientEnv: clientEnv{url: srv.URL(), api: newSFNClient(srv.URL(), "us-east-1", credentialsFrom(func(string) string { return "" })), dir: t.TempDir()}}
	eb := servertest.EventBridge(srv)
	ctx := context.Background()
	if _, err := eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("r"), EventPattern: aws.String(`{"source":["shop"]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := eb.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("r"), Targets: []ebtypes.Target{{Id: aws.String("gone"),
		Arn:              aws.String("arn:aws:states:us-east-1:000000000000:stateMachine:gone"),
		DeadLetterConfig: &ebtypes.DeadLetterConfig{Arn: aws.String("arn:aws:sqs:us-east-1:000000000000:dlq")}}}}); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := e.sluice(t, "", "events", "put", "--source", "shop", "--detail-type", "t", "--detail", `{"n":7}`); code != 0 {
		t.Fatalf("events put: %d %s%s", code, out, errOut)
	}
	var out string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var code int
		var errOut string
		if code, out, errOut = e.sluice(t, "", "deadletters", "dlq"); code != 0 {
			t.Fatalf("deadletters: %d %s%s", code, out, errOut)
		}
		if out != "" {
			break
		}
	}
	if !strings.Contains(out, "StateMachineDoesNotExist") || !strings.Contains(out, `"n": 7`) {
		t.Errorf("deadletters printed %q", out)
	}
	if code, out, errOut := e.sluice(t, "", "deadletters", "--json", "arn:aws:sqs:us-east-1:000000000000:dlq"); code != 0 || strings.Count(out, "\n") != 1 ||
		!strings.Contains(out, `"Cursor"`) {
		t.Errorf("deadletters --json: %d %q %s", code, out, errOut)
	}
	if code, _, errOut := e.sluice(t, "", "deadletters", "dlq", "--purge"); code != 0 {
		t.Fatalf("purge: %d %s", code, errOut)
	}
	if code, out, _ := e.sluice(t, "", "deadletters", "dlq"); code != 0 || out != "" {
		t.Errorf("after purge: %d %q", code, out)
	}
}
