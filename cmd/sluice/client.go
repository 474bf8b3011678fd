package main

// Client commands: they talk to a running Sluice server over the Step
// Functions API with the AWS SDK, for people at a terminal.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/sluice-run/sluice/internal/awsclient"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

const (
	defaultEndpointURL = "http://127.0.0.1:8750"
	defaultAccount     = "000000000000"
	// exitInterrupted is the exit code after Ctrl-C, as shells report it.
	exitInterrupted = 130
)

// defaultEndpoint is $SLUICE_ENDPOINT, or the address sluice serve
// listens on by default.
func defaultEndpoint(getenv func(string) string) string {
	if e := getenv("SLUICE_ENDPOINT"); e != "" {
		return e
	}
	return defaultEndpointURL
}

// credentialsFrom returns the AWS credentials in the environment, if any,
// or dummy ones: Sluice does not check them, but the SDK signs requests.
func credentialsFrom(getenv func(string) string) aws.CredentialsProvider {
	if id, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY"); id != "" && secret != "" {
		return credentials.NewStaticCredentialsProvider(id, secret, getenv("AWS_SESSION_TOKEN"))
	}
	return credentials.NewStaticCredentialsProvider("sluice", "sluice", "")
}

// newSFNClient returns a Step Functions client for a Sluice server.
func newSFNClient(endpoint, region string, creds aws.CredentialsProvider) *sfn.Client {
	return sfn.NewFromConfig(aws.Config{
		Region:           region,
		Credentials:      creds,
		BaseEndpoint:     aws.String(endpoint),
		HTTPClient:       awsclient.BodyWithoutWriteTo{C: awshttp.NewBuildableClient()},
		RetryMaxAttempts: 1, // a local server: fail fast, do not back off
	}, func(o *sfn.Options) {
		o.APIOptions = append(o.APIOptions, awsclient.NoHostPrefix)
	})
}

// rawBody is a per-call option that keeps the response body as received,
// so that --json prints exactly what the API answered.
func rawBody(dst *[]byte) func(*sfn.Options) {
	return func(o *sfn.Options) {
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			return stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc("SluiceRawBody",
				func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
					out, md, err := next.HandleDeserialize(ctx, in)
					if err != nil {
						return out, md, err
					}
					if resp, ok := out.RawResponse.(*smithyhttp.Response); ok && resp.Body != nil {
						b, rerr := io.ReadAll(resp.Body)
						resp.Body.Close()
						if rerr != nil {
							return out, md, rerr
						}
						*dst = b
						resp.Body = io.NopCloser(bytes.NewReader(b))
					}
					return out, md, nil
				}), middleware.After)
		})
	}
}

// cli is the shared state of a client command: flags, the SDK client and
// the standard streams.
type cli struct {
	s        stdio
	name     string
	fs       *flag.FlagSet
	endpoint string
	region   string
	account  string
	json     bool
	api      *sfn.Client
	ctx      context.Context
	stop     context.CancelFunc
}

// newCLI declares the flags every client command has.
func newCLI(s stdio, name, synopsis, about string) *cli {
	c := &cli{s: s, name: name, fs: flag.NewFlagSet("sluice "+name, flag.ContinueOnError)}
	c.fs.SetOutput(s.err)
	c.fs.StringVar(&c.endpoint, "endpoint", defaultEndpoint(os.Getenv), "Sluice server URL; $SLUICE_ENDPOINT sets the default")
	c.fs.StringVar(&c.region, "region", "us-east-1", "region, in ARNs and request signatures")
	c.fs.StringVar(&c.account, "account", defaultAccount, "account id used to expand names into ARNs")
	c.fs.BoolVar(&c.json, "json", false, "print the API's JSON response, one object per line")
	c.fs.Usage = func() {
		fmt.Fprintf(s.err, "Usage: sluice %s %s\n\n%s\n\nFlags:\n", name, synopsis, about)
		c.fs.PrintDefaults()
	}
	return c
}

// parse parses the command line, which must have n positional arguments.
// When it returns false the command exits with code.
func (c *cli) parse(args []string, n int) (pos []string, code int, ok bool) {
	pos, err := parseInterleaved(c.fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, 0, false
		}
		return nil, 2, false
	}
	if len(pos) != n {
		if len(pos) > n {
			fmt.Fprintf(c.s.err, "sluice %s: unexpected argument %q\n", c.name, pos[n])
		}
		c.fs.Usage()
		return nil, 2, false
	}
	if !strings.Contains(c.endpoint, "://") {
		c.endpoint = "http://" + c.endpoint
	}
	if u, err := url.Parse(c.endpoint); err != nil || u.Host == "" {
		fmt.Fprintf(c.s.err, "sluice %s: --endpoint %q is not a URL\n", c.name, c.endpoint)
		return nil, 2, false
	}
	c.api = newSFNClient(c.endpoint, c.region, credentialsFrom(os.Getenv))
	c.ctx, c.stop = signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	return pos, 0, true
}

// close releases the signal handler; commands defer it after parse.
func (c *cli) close() { c.stop() }

// usageError reports a bad argument value: exit code 2.
func (c *cli) usageError(format string, args ...any) int {
	fmt.Fprintf(c.s.err, "sluice %s: %s\n", c.name, fmt.Sprintf(format, args...))
	return 2
}

// fail reports an error from the API (sluice: Code: message) or from the
// connection, and returns the exit code.
func (c *cli) fail(err error) int {
	var ae smithy.APIError
	var ue *url.Error
	switch {
	case c.ctx != nil && c.ctx.Err() != nil:
		return exitInterrupted
	case errors.As(err, &ae):
		if msg := ae.ErrorMessage(); msg != "" {
			fmt.Fprintf(c.s.err, "sluice: %s: %s\n", ae.ErrorCode(), msg)
		} else {
			fmt.Fprintf(c.s.err, "sluice: %s\n", ae.ErrorCode())
		}
	case errors.Is(err, syscall.ECONNREFUSED):
		fmt.Fprintf(c.s.err, "sluice: cannot reach Sluice at %s: connection refused (is 'sluice serve' running? see --endpoint)\n", c.endpoint)
	case errors.As(err, &ue):
		fmt.Fprintf(c.s.err, "sluice: cannot reach Sluice at %s: %v\n", c.endpoint, ue.Err)
	default:
		fmt.Fprintf(c.s.err, "sluice: %v\n", err)
	}
	return 1
}

// done ends a command after its one API call: on an error, the error's
// exit code; otherwise the raw response with --json, or what human prints
// (nothing when human is nil), and exit code 0.
func (c *cli) done(raw []byte, err error, human func()) int {
	if err != nil {
		return c.fail(err)
	}
	if c.json {
		c.printJSON(raw)
	} else if human != nil {
		human()
	}
	return 0
}

// printJSON prints an API response as one compact line.
func (c *cli) printJSON(raw []byte) {
	var b bytes.Buffer
	if len(bytes.TrimSpace(raw)) == 0 {
		b.WriteString("{}")
	} else if err := json.Compact(&b, raw); err != nil {
		b.Reset()
		b.Write(bytes.TrimSpace(raw))
	}
	b.WriteByte('\n')
	c.s.out.Write(b.Bytes())
}

// printJSONItems prints the array member key of a list response, one item
// per line.
func (c *cli) printJSONItems(raw []byte, key string) error {
	var page map[string]json.RawMessage
	if err := json.Unmarshal(raw, &page); err != nil {
		return fmt.Errorf("unexpected response: %v", err)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(page[key], &items); err != nil && page[key] != nil {
		return fmt.Errorf("unexpected response: %s: %v", key, err)
	}
	for _, it := range items {
		c.printJSON(it)
	}
	return nil
}

// --- Names and ARNs --------------------------------------------------------

// smArn expands a state machine name (or NAME:VERSION, NAME:ALIAS) into an
// ARN; ARNs pass through.
func (c *cli) smArn(s string) string {
	if strings.HasPrefix(s, "arn:") {
		return s
	}
	return "arn:aws:states:" + c.region + ":" + c.account + ":stateMachine:" + s
}

// executionArn expands STATE_MACHINE:EXECUTION into an execution ARN; ARNs
// pass through. Names cannot contain ':', so the short form is unambiguous.
func (c *cli) executionArn(s string) (string, bool) {
	if strings.HasPrefix(s, "arn:") {
		return s, true
	}
	sm, x, ok := strings.Cut(s, ":")
	if !ok || sm == "" || x == "" || strings.Contains(x, ":") {
		return "", false
	}
	return "arn:aws:states:" + c.region + ":" + c.account + ":execution:" + sm + ":" + x, true
}

func (c *cli) activityArn(s string) string {
	if strings.HasPrefix(s, "arn:") {
		return s
	}
	return "arn:aws:states:" + c.region + ":" + c.account + ":activity:" + s
}

// --- Arguments and formatting ----------------------------------------------

// jsonArg reads a --input or --output value (JSON, @FILE or @-) and checks
// it is JSON. It returns the text as given.
func (c *cli) jsonArg(flagName, v string) (string, bool) {
	raw, err := readArg(v, c.s.in)
	if err != nil {
		c.usageError("--%s: %v", flagName, err)
		return "", false
	}
	if _, err := jsonvalue.Parse(raw); err != nil {
		c.usageError("--%s is not valid JSON: %v", flagName, err)
		return "", false
	}
	return strings.TrimSpace(string(raw)), true
}

// optString is a string flag that knows whether it was set.
type optString struct {
	v   string
	set bool
}

func (o *optString) String() string     { return o.v }
func (o *optString) Set(v string) error { o.v, o.set = v, true; return nil }

// ptr returns the value, or nil when the flag was not given.
func (o *optString) ptr() *string {
	if !o.set {
		return nil
	}
	return aws.String(o.v)
}

// fmtDate formats a date in local time for tables.
func fmtDate(t *time.Time) string { return fmtTime(t, "2006-01-02 15:04:05") }

// fmtDateMs formats a date with milliseconds, for one execution.
func fmtDateMs(t *time.Time) string { return fmtTime(t, "2006-01-02 15:04:05.000") }

func fmtTime(t *time.Time, layout string) string {
	if t == nil || t.IsZero() {
		return "-"
	}
	return t.Local().Format(layout)
}

func fmtDuration(d time.Duration) string {
	if d >= time.Minute {
		return d.Round(time.Second).String()
	}
	return d.Round(time.Millisecond).String()
}

// kv prints aligned "Key: value" lines, skipping empty values.
type kv struct {
	tw *tabwriter.Writer
}

func newKV(w io.Writer) *kv { return &kv{tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)} }

func (k *kv) add(key, value string) {
	if value != "" {
		fmt.Fprintf(k.tw, "%s:\t%s\n", key, value)
	}
}

func (k *kv) flush() { k.tw.Flush() }

func newTable(w io.Writer, header ...string) *tabwriter.Writer {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	return tw
}

// sleepCtx waits for d or until ctx ends; it reports whether ctx is still
// live.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// poller spaces polls: 20 ms at first, doubling up to 200 ms, so short
// executions answer fast and long ones cost five requests a second.
type poller struct{ d time.Duration }

func (p *poller) wait(ctx context.Context) bool {
	switch {
	case p.d == 0:
		p.d = 20 * time.Millisecond
	case p.d < 200*time.Millisecond:
		p.d = min(2*p.d, 200*time.Millisecond)
	}
	return sleepCtx(ctx, p.d)
}

// --- Command groups --------------------------------------------------------

// runGroup dispatches "sluice GROUP SUBCOMMAND ...".
func runGroup(group string, subs []command, args []string, s stdio) int {
	usage := func(w io.Writer) {
		fmt.Fprintf(w, "Usage: sluice %s <command> [arguments]\n\nCommands:\n", group)
		for _, c := range subs {
			fmt.Fprintf(w, "  %-14s %s\n", c.name, c.summary)
		}
		fmt.Fprintf(w, "\nRun 'sluice %s <command> -h' for the command's flags.\n", group)
	}
	if len(args) == 0 {
		usage(s.err)
		return 2
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(s.out)
		return 0
	}
	for _, c := range subs {
		if c.name == args[0] {
			return c.run(args[1:], s)
		}
	}
	fmt.Fprintf(s.err, "sluice %s: unknown command %q\n\n", group, args[0])
	usage(s.err)
	return 2
}

func smCmd(args []string, s stdio) int {
	return runGroup("sm", []command{
		{"create", "create a state machine from a definition file", smCreateCmd},
		{"update", "replace a state machine's definition (or role)", smUpdateCmd},
		{"list", "list the state machines", smListCmd},
		{"describe", "print a state machine and its definition", smDescribeCmd},
		{"delete", "delete a state machine", smDeleteCmd},
	}, args, s)
}

func taskCmd(args []string, s stdio) int {
	return runGroup("task", []command{
		{"success", "complete the task of a token with an output", taskSuccessCmd},
		{"failure", "fail the task of a token with an error and cause", taskFailureCmd},
		{"heartbeat", "report that the task of a token is still in progress", taskHeartbeatCmd},
	}, args, s)
}

func activityCmd(args []string, s stdio) int {
	return runGroup("activity", []command{
		{"create", "create an activity", activityCreateCmd},
		{"list", "list the activities", activityListCmd},
		{"delete", "delete an activity", activityDeleteCmd},
		{"poll", "wait (up to 60 s) for one task of an activity; print its token and input", activityPollCmd},
	}, args, s)
}

// --- State machines --------------------------------------------------------

const nameHelp = "NAME is a state machine name (NAME:VERSION and NAME:ALIAS work too) or an ARN."

// readDefinition reads a definition file ("-" for standard input).
func (c *cli) readDefinition(path string) (string, bool) {
	data, err := readArg("@"+path, c.s.in)
	if err != nil {
		c.usageError("%v", err)
		return "", false
	}
	return string(data), true
}

func smCreateCmd(args []string, s stdio) int {
	c := newCLI(s, "sm create", "NAME DEFINITION.json [--role ARN] [--express]",
		"Creates a state machine and prints its ARN. DEFINITION.json may be - for standard input.\n"+
			"Creating the same state machine again is harmless; use 'sluice sm update' to change it.")
	role := c.fs.String("role", "", "IAM role ARN (default arn:aws:iam::ACCOUNT:role/sluice; Sluice does not assume it)")
	express := c.fs.Bool("express", false, "create an EXPRESS state machine (default STANDARD)")
	pos, code, ok := c.parse(args, 2)
	if !ok {
		return code
	}
	defer c.close()
	def, ok := c.readDefinition(pos[1])
	if !ok {
		return 2
	}
	if *role == "" {
		*role = "arn:aws:iam::" + c.account + ":role/sluice"
	}
	in := &sfn.CreateStateMachineInput{Name: aws.String(pos[0]), Definition: aws.String(def), RoleArn: role}
	if *express {
		in.Type = "EXPRESS"
	}
	var raw []byte
	out, err := c.api.CreateStateMachine(c.ctx, in, rawBody(&raw))
	return c.done(raw, err, func() {
		fmt.Fprintln(s.out, aws.ToString(out.StateMachineArn))
	})
}

func smUpdateCmd(args []string, s stdio) int {
	c := newCLI(s, "sm update", "NAME DEFINITION.json [--role ARN]",
		"Replaces a state machine's definition and prints its ARN. New executions use the new definition;\n"+
			"running ones keep theirs. DEFINITION.json may be - for standard input. NAME is a name or an ARN.")
	var role optString
	c.fs.Var(&role, "role", "also change the IAM role ARN")
	pos, code, ok := c.parse(args, 2)
	if !ok {
		return code
	}
	defer c.close()
	def, ok := c.readDefinition(pos[1])
	if !ok {
		return 2
	}
	arn := c.smArn(pos[0])
	var raw []byte
	if _, err := c.api.UpdateStateMachine(c.ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn),
		Definition: aws.String(def), RoleArn: role.ptr()}, rawBody(&raw)); err != nil {
		return c.fail(err)
	}
	if c.json {
		c.printJSON(raw)
	} else {
		fmt.Fprintln(s.out, arn)
	}
	return 0
}

func smListCmd(args []string, s stdio) int {
	c := newCLI(s, "sm list", "", "Lists the state machines: name, type and creation date.")
	if _, code, ok := c.parse(args, 0); !ok {
		return code
	}
	defer c.close()
	var tw *tabwriter.Writer
	if !c.json {
		tw = newTable(s.out, "NAME", "TYPE", "CREATED")
	}
	p := sfn.NewListStateMachinesPaginator(c.api, &sfn.ListStateMachinesInput{MaxResults: 1000})
	for p.HasMorePages() {
		var raw []byte
		page, err := p.NextPage(c.ctx, rawBody(&raw))
		if err != nil {
			return c.fail(err)
		}
		if c.json {
			if err := c.printJSONItems(raw, "stateMachines"); err != nil {
				return c.fail(err)
			}
			continue
		}
		for _, sm := range page.StateMachines {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", aws.ToString(sm.Name), sm.Type, fmtDate(sm.CreationDate))
		}
	}
	if tw != nil {
		tw.Flush()
	}
	return 0
}

func smDescribeCmd(args []string, s stdio) int {
	c := newCLI(s, "sm describe", "NAME", "Prints a state machine and its definition.\nNAME is a state machine name (or NAME:VERSION) or an ARN.")
	pos, code, ok := c.parse(args, 1)
	if !ok {
		return code
	}
	defer c.close()
	var raw []byte
	d, err := c.api.DescribeStateMachine(c.ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(c.smArn(pos[0]))}, rawBody(&raw))
	if err != nil {
		return c.fail(err)
	}
	if c.json {
		c.printJSON(raw)
		return 0
	}
	k := newKV(s.out)
	k.add("Name", aws.ToString(d.Name))
	k.add("ARN", aws.ToString(d.StateMachineArn))
	k.add("Type", string(d.Type))
	k.add("Status", string(d.Status))
	k.add("Role", aws.ToString(d.RoleArn))
	k.add("Created", fmtDate(d.CreationDate))
	k.add("Revision", aws.ToString(d.RevisionId))
	k.add("Description", aws.ToString(d.Description))
	k.flush()
	fmt.Fprintf(s.out, "\n%s\n", strings.TrimRight(aws.ToString(d.Definition), "\n"))
	return 0
}

func smDeleteCmd(args []string, s stdio) int {
	c := newCLI(s, "sm delete", "NAME", "Deletes a state machine (with NAME:VERSION or NAME:ALIAS, that version or alias).\n"+
		"Running executions go on. "+nameHelp)
	pos, code, ok := c.parse(args, 1)
	if !ok {
		return code
	}
	defer c.close()
	var raw []byte
	_, err := c.api.DeleteStateMachine(c.ctx, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(c.smArn(pos[0]))}, rawBody(&raw))
	return c.done(raw, err, nil)
}

// --- Task tokens -----------------------------------------------------------

func taskSuccessCmd(args []string, s stdio) int {
	c := newCLI(s, "task success", "TOKEN [--output JSON|@FILE|@-]", "Completes the task waiting on TOKEN with an output.")
	output := c.fs.String("output", "{}", "the task's output: JSON text, @FILE, or @- for standard input")
	pos, code, ok := c.parse(args, 1)
	if !ok {
		return code
	}
	defer c.close()
	out, ok := c.jsonArg("output", *output)
	if !ok {
		return 2
	}
	var raw []byte
	_, err := c.api.SendTaskSuccess(c.ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(pos[0]), Output: aws.String(out)}, rawBody(&raw))
	return c.done(raw, err, nil)
}

func taskFailureCmd(args []string, s stdio) int {
	c := newCLI(s, "task failure", "TOKEN [--error E] [--cause C]", "Fails the task waiting on TOKEN; Catch and Retry see the error name.")
	var errName, cause optString
	c.fs.Var(&errName, "error", "error name")
	c.fs.Var(&cause, "cause", "cause: a longer explanation")
	pos, code, ok := c.parse(args, 1)
	if !ok {
		return code
	}
	defer c.close()
	var raw []byte
	_, err := c.api.SendTaskFailure(c.ctx, &sfn.SendTaskFailureInput{TaskToken: aws.String(pos[0]), Error: errName.ptr(), Cause: cause.ptr()}, rawBody(&raw))
	return c.done(raw, err, nil)
}

func taskHeartbeatCmd(args []string, s stdio) int {
	c := newCLI(s, "task heartbeat", "TOKEN", "Reports that the task waiting on TOKEN is still in progress (resets its HeartbeatSeconds).")
	pos, code, ok := c.parse(args, 1)
	if !ok {
		return code
	}
	defer c.close()
	var raw []byte
	_, err := c.api.SendTaskHeartbeat(c.ctx, &sfn.SendTaskHeartbeatInput{TaskToken: aws.String(pos[0])}, rawBody(&raw))
	return c.done(raw, err, nil)
}

// --- Activities ------------------------------------------------------------

const activityHelp = "ACTIVITY is an activity name or ARN."

func activityCreateCmd(args []string, s stdio) int {
	c := newCLI(s, "activity create", "NAME", "Creates an activity (if it does not exist) and prints its ARN.")
	pos, code, ok := c.parse(args, 1)
	if !ok {
		return code
	}
	defer c.close()
	var raw []byte
	out, err := c.api.CreateActivity(c.ctx, &sfn.CreateActivityInput{Name: aws.String(pos[0])}, rawBody(&raw))
	return c.done(raw, err, func() {
		fmt.Fprintln(s.out, aws.ToString(out.ActivityArn))
	})
}

func activityListCmd(args []string, s stdio) int {
	c := newCLI(s, "activity list", "", "Lists the activities: name and creation date.")
	if _, code, ok := c.parse(args, 0); !ok {
		return code
	}
	defer c.close()
	var tw *tabwriter.Writer
	if !c.json {
		tw = newTable(s.out, "NAME", "CREATED")
	}
	p := sfn.NewListActivitiesPaginator(c.api, &sfn.ListActivitiesInput{MaxResults: 1000})
	for p.HasMorePages() {
		var raw []byte
		page, err := p.NextPage(c.ctx, rawBody(&raw))
		if err != nil {
			return c.fail(err)
		}
		if c.json {
			if err := c.printJSONItems(raw, "activities"); err != nil {
				return c.fail(err)
			}
			continue
		}
		for _, a := range page.Activities {
			fmt.Fprintf(tw, "%s\t%s\n", aws.ToString(a.Name), fmtDate(a.CreationDate))
		}
	}
	if tw != nil {
		tw.Flush()
	}
	return 0
}

func activityDeleteCmd(args []string, s stdio) int {
	c := newCLI(s, "activity delete", "ACTIVITY", "Deletes an activity. "+activityHelp)
	pos, code, ok := c.parse(args, 1)
	if !ok {
		return code
	}
	defer c.close()
	var raw []byte
	_, err := c.api.DeleteActivity(c.ctx, &sfn.DeleteActivityInput{ActivityArn: aws.String(c.activityArn(pos[0]))}, rawBody(&raw))
	return c.done(raw, err, nil)
}

func activityPollCmd(args []string, s stdio) int {
	c := newCLI(s, "activity poll", "ACTIVITY [--worker NAME]",
		"Waits up to 60 seconds for one task of the activity and prints its token and input; answer it with\n"+
			"'sluice task success|failure|heartbeat TOKEN'. Exits 1 when no task came. "+activityHelp)
	host, _ := os.Hostname()
	worker := c.fs.String("worker", host, "worker name, recorded in the ActivityStarted event")
	pos, code, ok := c.parse(args, 1)
	if !ok {
		return code
	}
	defer c.close()
	in := &sfn.GetActivityTaskInput{ActivityArn: aws.String(c.activityArn(pos[0]))}
	if *worker != "" {
		in.WorkerName = worker
	}
	var raw []byte
	out, err := c.api.GetActivityTask(c.ctx, in, rawBody(&raw))
	if err != nil {
		return c.fail(err)
	}
	if c.json {
		c.printJSON(raw)
	}
	if out.TaskToken == nil {
		fmt.Fprintf(s.err, "sluice: no task for %s\n", pos[0])
		return 1
	}
	if !c.json {
		k := newKV(s.out)
		k.add("Token", aws.ToString(out.TaskToken))
		k.add("Input", aws.ToString(out.Input))
		k.flush()
	}
	return 0
}
