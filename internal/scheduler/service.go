package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/sluice-run/sluice/internal/awsapi"
	"github.com/sluice-run/sluice/internal/bus"
	"github.com/sluice-run/sluice/internal/store"
	"github.com/sluice-run/sluice/internal/timer"
)

// EventIngester puts events on event buses; *bus.Service implements it.
type EventIngester interface {
	Ingest(ctx context.Context, events []*bus.Event) error
}

// Config configures the service.
type Config struct {
	Store   store.Store
	Account string
	Region  string
	Logger  *slog.Logger
	// StateMachines starts executions for state machine targets; nil
	// makes such invocations fail.
	StateMachines bus.StateMachineStarter
	// Events puts events on buses for event bus targets; nil makes such
	// invocations fail.
	Events EventIngester
	// Functions runs functions for Lambda targets; nil makes such
	// invocations fail.
	Functions bus.FunctionInvoker
	// Now returns the current time; default time.Now.
	Now func() time.Time
	// Rand draws the offset of a flexible time window, in [0, 1);
	// default math/rand/v2.Float64.
	Rand func() float64
}

// Service serves the Scheduler API and fires schedules.
type Service struct {
	cfg  Config
	st   store.Store
	log  *slog.Logger
	now  func() time.Time
	rand func() float64

	// mu serialises changes to schedules and groups, API calls and fires
	// alike, so that a record and its pending fire always agree.
	mu     sync.Mutex
	timers *timer.Service
	// inflight holds the keys of invocations being attempted, so that a
	// retry timer and a recovery pass never run one twice at once.
	inflight sync.Map
	// parked holds invocations waiting for a retry timer, by schedule ARN
	// and pending key.
	parked sync.Map
	// sem bounds concurrent target invocations.
	sem    chan struct{}
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	ops    map[string]op
}

// op is one API operation; name is the {Name} or {ResourceArn} label of
// the path, if any.
type op func(ctx context.Context, c *call) (any, error)

// call is one API request.
type call struct {
	r       *http.Request
	name    string
	region  string
	account string
}

// maxInvocations bounds the targets invoked at once.
const maxInvocations = 64

// New resumes pending fires and invocations and returns the service.
func New(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Float64
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Service{cfg: cfg, st: cfg.Store, log: cfg.Logger, now: func() time.Time { return cfg.Now().UTC() }, rand: cfg.Rand,
		sem: make(chan struct{}, maxInvocations)}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.timers = timer.New(s.fireTimer, nil)
	s.ops = map[string]op{
		"CreateSchedule":      s.createSchedule,
		"GetSchedule":         s.getSchedule,
		"UpdateSchedule":      s.updateSchedule,
		"DeleteSchedule":      s.deleteSchedule,
		"ListSchedules":       s.listSchedules,
		"CreateScheduleGroup": s.createGroup,
		"GetScheduleGroup":    s.getGroup,
		"DeleteScheduleGroup": s.deleteGroup,
		"ListScheduleGroups":  s.listGroups,
		"TagResource":         s.tagResource,
		"UntagResource":       s.untagResource,
		"ListTagsForResource": s.listTags,
	}
	if err := s.recover(ctx); err != nil {
		s.cancel()
		return nil, err
	}
	go s.timers.Run(s.ctx)
	go s.timers.LoadLoop(s.ctx, s.dueTimers, func(err error) { s.log.Error("load schedule timers", "err", err) })
	return s, nil
}

// Close stops fires and invocations; pending ones resume after a restart.
func (s *Service) Close(ctx context.Context) error {
	s.cancel()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("scheduler: close: %w", ctx.Err())
	}
}

// Route names the Scheduler operation a request asks for, and reports
// whether the request is for the Scheduler API at all: its path is under
// /schedules or /schedule-groups, or under /tags/ with a Scheduler ARN.
func Route(r *http.Request) (op string, ok bool) {
	op, _, ok = route(r)
	return op, ok
}

func route(r *http.Request) (op, name string, ok bool) {
	p := r.URL.Path
	m := r.Method
	switch {
	case p == "/schedules" || p == "/schedules/":
		return pick(m, "", "ListSchedules", "", ""), "", true
	case strings.HasPrefix(p, "/schedules/"):
		return pick(m, "CreateSchedule", "GetSchedule", "UpdateSchedule", "DeleteSchedule"), p[len("/schedules/"):], true
	case p == "/schedule-groups" || p == "/schedule-groups/":
		return pick(m, "", "ListScheduleGroups", "", ""), "", true
	case strings.HasPrefix(p, "/schedule-groups/"):
		return pick(m, "CreateScheduleGroup", "GetScheduleGroup", "", "DeleteScheduleGroup"), p[len("/schedule-groups/"):], true
	case strings.HasPrefix(p, "/tags/"):
		arn := p[len("/tags/"):]
		if !strings.Contains(arn, ":scheduler:") && awsapi.Service(r) != "scheduler" {
			return "", "", false
		}
		return pick(m, "TagResource", "ListTagsForResource", "", "UntagResource"), arn, true
	}
	return "", "", false
}

// pick chooses the operation of a path by HTTP method; "" when the path
// has none for it.
func pick(method, post, get, put, del string) string {
	switch method {
	case http.MethodPost:
		return post
	case http.MethodGet:
		return get
	case http.MethodPut:
		return put
	case http.MethodDelete:
		return del
	}
	return ""
}

// ServeHTTP handles one API request.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, label, _ := route(r)
	f := s.ops[name]
	if f == nil {
		writeError(w, &awsapi.Error{Code: "UnknownOperationException", Message: fmt.Sprintf("No Scheduler operation for %s %s", r.Method, r.URL.Path), Status: http.StatusNotFound})
		return
	}
	c := &call{r: r, name: label, region: awsapi.Region(r), account: s.cfg.Account}
	out, err := f(r.Context(), c)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, out)
}
