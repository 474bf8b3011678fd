// Package bus implements Amazon EventBridge in Sluice: event buses, rules
// matched by the compiled pattern matcher or fired by schedules, targets
// with input transformation, durable at-least-once deliveries with retries
// and dead-letter queues, archives and replays, connections and API
// destinations, behind the EventBridge API (awsJson1_1,
// X-Amz-Target: AWSEvents.<Operation>). Events also arrive as CloudEvents
// over HTTP (cloudevents.go) and through webhooks (webhooks.go); those
// files document the endpoints and how requests map onto events.
package bus

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/sluice-run/sluice/internal/awsapi"
	"github.com/sluice-run/sluice/internal/httptask"
	"github.com/sluice-run/sluice/internal/store"
	"github.com/sluice-run/sluice/internal/timer"
)

// TargetPrefix is the X-Amz-Target prefix of the EventBridge API.
const TargetPrefix = "AWSEvents"

var responder = awsapi.JSONResponder{ContentType: "application/x-amz-json-1.1"}

// StateMachineStarter starts a Step Functions execution for a target. The
// name makes retried deliveries idempotent.
type StateMachineStarter interface {
	StartForTarget(ctx context.Context, stateMachineArn, name string, input []byte) (executionArn string, err error)
}

// FunctionInvoker runs a Lambda function for a target; *lambda.Service
// implements it.
type FunctionInvoker interface {
	InvokeForTarget(ctx context.Context, functionArn string, payload []byte) error
}

// Config configures the service.
type Config struct {
	Store   store.Store
	Account string
	Region  string
	Logger  *slog.Logger
	// StateMachines starts executions for state machine targets.
	StateMachines StateMachineStarter
	// Functions runs functions for Lambda targets; nil makes such
	// deliveries fail.
	Functions FunctionInvoker
	// HTTPClient calls API destinations; nil means a client with a
	// 5-second timeout, as EventBridge gives API destinations.
	HTTPClient *http.Client
	// Now returns the current time; default time.Now.
	Now func() time.Time
	// ScheduleObserver, when set, is called once a scheduled rule's fire
	// is durable (its deliveries and next nominal time are written), with
	// the rule, the fire's nominal time and the time it became durable.
	// It is for benchmarks and must not block.
	ScheduleObserver func(ruleArn string, nominal, fired time.Time)
}

// Service serves the EventBridge API and delivers events.
type Service struct {
	cfg Config
	st  store.Store
	log *slog.Logger
	now func() time.Time

	// mu guards the in-memory view of buses and rules and serialises
	// control-plane changes.
	mu    sync.RWMutex
	buses map[string]*busState // by bus ARN

	deliv    *deliverer
	timers   *timer.Service
	limiters sync.Map // API destination ARN -> *rateLimiter
	tokens   *httptask.Invoker
	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	ops      map[string]op
	metrics  *Metrics
	cache    recordCache // connections and API destinations, for deliveries

	// lastFire holds each scheduled rule's latest fired nominal time, so
	// that a stale copy of a fire's timer (the loader can re-add it from
	// the store while the fire is being written) does not fire it twice.
	lastFireMu sync.Mutex
	lastFire   map[string]time.Time
}

type op func(ctx context.Context, c *call) (any, error)

type call struct {
	r       *http.Request
	region  string
	account string
}

// decodeName decodes a request whose one member is Name.
func (c *call) decodeName() (string, error) {
	var in struct {
		Name string `json:"Name"`
	}
	err := c.decode(&in)
	return in.Name, err
}

func (c *call) decode(v any) error {
	if err := awsapi.DecodeJSON(c.r, v); err != nil {
		return err
	}
	return nil
}

// New loads buses and rules, resumes pending deliveries and schedules, and
// returns the service.
func New(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 5 * time.Second}
	}
	s := &Service{cfg: cfg, st: cfg.Store, log: cfg.Logger, now: func() time.Time { return cfg.Now().UTC() },
		buses: map[string]*busState{}, metrics: newMetrics(), lastFire: map[string]time.Time{}}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.deliv = newDeliverer(s)
	s.tokens = &httptask.Invoker{Client: cfg.HTTPClient, Region: cfg.Region}
	s.timers = timer.New(s.fireTimer, nil)
	s.ops = map[string]op{
		"CreateEventBus":         s.createEventBus,
		"DescribeEventBus":       s.describeEventBus,
		"ListEventBuses":         s.listEventBuses,
		"DeleteEventBus":         s.deleteEventBus,
		"UpdateEventBus":         s.updateEventBus,
		"PutRule":                s.putRule,
		"DescribeRule":           s.describeRule,
		"ListRules":              s.listRules,
		"EnableRule":             s.enableRule,
		"DisableRule":            s.disableRule,
		"DeleteRule":             s.deleteRule,
		"ListRuleNamesByTarget":  s.listRuleNamesByTarget,
		"PutTargets":             s.putTargets,
		"RemoveTargets":          s.removeTargets,
		"ListTargetsByRule":      s.listTargetsByRule,
		"PutEvents":              s.putEventsOp,
		"TestEventPattern":       s.testEventPattern,
		"TagResource":            s.tagResource,
		"UntagResource":          s.untagResource,
		"ListTagsForResource":    s.listTags,
		"CreateConnection":       s.createConnection,
		"DescribeConnection":     s.describeConnection,
		"UpdateConnection":       s.updateConnection,
		"DeleteConnection":       s.deleteConnection,
		"ListConnections":        s.listConnections,
		"DeauthorizeConnection":  s.deauthorizeConnection,
		"CreateApiDestination":   s.createAPIDestination,
		"DescribeApiDestination": s.describeAPIDestination,
		"UpdateApiDestination":   s.updateAPIDestination,
		"DeleteApiDestination":   s.deleteAPIDestination,
		"ListApiDestinations":    s.listAPIDestinations,
		"CreateArchive":          s.createArchive,
		"DescribeArchive":        s.describeArchive,
		"UpdateArchive":          s.updateArchive,
		"DeleteArchive":          s.deleteArchive,
		"ListArchives":           s.listArchives,
		"StartReplay":            s.startReplay,
		"DescribeReplay":         s.describeReplay,
		"ListReplays":            s.listReplays,
		"CancelReplay":           s.cancelReplay,
	}
	if err := s.load(ctx); err != nil {
		return nil, err
	}
	go s.timers.Run(s.ctx)
	go s.timers.LoadLoop(s.ctx, s.dueTimers, func(err error) { s.log.Error("load event timers", "err", err) })
	return s, nil
}

// Close stops deliveries and schedules; pending ones resume after a
// restart.
func (s *Service) Close(ctx context.Context) error {
	s.cancel()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
	return nil
}

// ServeHTTP handles one API request.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, name := awsapi.Target(r)
	f, ok := s.ops[name]
	if !ok {
		responder.Error(w, awsapi.Errorf("UnknownOperationException", "Unknown operation %s", name))
		return
	}
	c := &call{r: r, region: awsapi.Region(r), account: s.cfg.Account}
	out, err := f(r.Context(), c)
	if err != nil {
		var ae *awsapi.Error
		if !errors.As(err, &ae) {
			ae = &awsapi.Error{Code: "InternalException", Message: err.Error(), Status: http.StatusInternalServerError}
		}
		responder.Error(w, ae)
		return
	}
	responder.Write(w, out)
}

// epoch encodes a time as the JSON protocols do: seconds since the epoch.
type epoch time.Time

func (t epoch) MarshalJSON() ([]byte, error) {
	return json.Marshal(float64(time.Time(t).UnixMilli()) / 1000)
}

// --- names and ARNs -----------------------------------------------------------

var (
	ruleNameRE = regexp.MustCompile(`^[\.\-_A-Za-z0-9]{1,64}$`)
	busNameRE  = regexp.MustCompile(`^[/\.\-_A-Za-z0-9]{1,256}$`)
	targetIDRE = regexp.MustCompile(`^[\.\-_A-Za-z0-9]{1,64}$`)
)

func (c *call) arn(resource string) string {
	return "arn:aws:events:" + c.region + ":" + c.account + ":" + resource
}

func (c *call) busArn(name string) string { return c.arn("event-bus/" + name) }

// busName resolves an EventBusName parameter, which may be a name or an
// ARN, defaulting to "default".
func (c *call) busName(nameOrArn string) (string, error) {
	if nameOrArn == "" {
		return "default", nil
	}
	if strings.HasPrefix(nameOrArn, "arn:") {
		i := strings.Index(nameOrArn, ":event-bus/")
		if i < 0 {
			return "", awsapi.Validation("1 validation error detected: Value '%s' at 'eventBusName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:aws[\\w-]*:events:[a-z]{2}-[a-z]+-[\\w-]+:[0-9]{12}:event-bus\\/)?[/\\.\\-_A-Za-z0-9]+", nameOrArn)
		}
		return nameOrArn[i+len(":event-bus/"):], nil
	}
	if !busNameRE.MatchString(nameOrArn) {
		return "", awsapi.ValidationField(nameOrArn, "eventBusName", "Member must satisfy regular expression pattern: (arn:aws[\\w-]*:events:[a-z]{2}-[a-z]+-[\\w-]+:[0-9]{12}:event-bus\\/)?[/\\.\\-_A-Za-z0-9]+")
	}
	return nameOrArn, nil
}

// ruleArn is the ARN of a rule on a bus: rule/NAME on the default bus,
// rule/BUS/NAME elsewhere.
func (c *call) ruleArn(bus, name string) string {
	if bus == "default" {
		return c.arn("rule/" + name)
	}
	return c.arn("rule/" + bus + "/" + name)
}

func notFound(format string, args ...any) error {
	return awsapi.Errorf("ResourceNotFoundException", format, args...)
}

func nilIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
