// Package sfn implements the AWS Step Functions API (awsJson1_0,
// X-Amz-Target: AWSStepFunctions.<Operation>) over the durable runtime:
// state machines with versions and aliases, executions, histories, task
// callbacks, activities, Map Runs, tags and TestState.
package sfn

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/sluice-run/sluice/internal/awsapi"
	"github.com/sluice-run/sluice/internal/runtime"
	"github.com/sluice-run/sluice/internal/store"
)

// TargetPrefix is the X-Amz-Target prefix of the Step Functions API.
const TargetPrefix = "AWSStepFunctions"

var responder = awsapi.JSONResponder{ContentType: "application/x-amz-json-1.0"}

// Service serves the Step Functions API.
type Service struct {
	st      store.Store
	eng     *runtime.Engine
	account string
	now     func() time.Time
	express *expressRunner

	// mu serialises read-modify-write of control-plane records.
	mu sync.Mutex

	ops map[string]op
}

type op func(ctx context.Context, c *call) (any, error)

// call is one API request.
type call struct {
	r       *http.Request
	region  string
	account string
}

// New returns the service.
func New(st store.Store, eng *runtime.Engine, account string) *Service {
	s := &Service{st: st, eng: eng, account: account, now: func() time.Time { return time.Now().UTC() }}
	s.express = newExpressRunner(s)
	s.ops = map[string]op{
		"CreateStateMachine":               s.createStateMachine,
		"DescribeStateMachine":             s.describeStateMachine,
		"UpdateStateMachine":               s.updateStateMachine,
		"DeleteStateMachine":               s.deleteStateMachine,
		"ListStateMachines":                s.listStateMachines,
		"ValidateStateMachineDefinition":   s.validateDefinition,
		"StartExecution":                   s.startExecution,
		"StartSyncExecution":               s.startSyncExecution,
		"DescribeExecution":                s.describeExecution,
		"ListExecutions":                   s.listExecutions,
		"StopExecution":                    s.stopExecution,
		"GetExecutionHistory":              s.getExecutionHistory,
		"DescribeStateMachineForExecution": s.describeStateMachineForExecution,
		"RedriveExecution":                 s.redriveExecution,
		"SendTaskSuccess":                  s.sendTaskSuccess,
		"SendTaskFailure":                  s.sendTaskFailure,
		"SendTaskHeartbeat":                s.sendTaskHeartbeat,
		"CreateActivity":                   s.createActivity,
		"DescribeActivity":                 s.describeActivity,
		"ListActivities":                   s.listActivities,
		"DeleteActivity":                   s.deleteActivity,
		"GetActivityTask":                  s.getActivityTask,
		"PublishStateMachineVersion":       s.publishVersion,
		"ListStateMachineVersions":         s.listVersions,
		"DeleteStateMachineVersion":        s.deleteVersion,
		"CreateStateMachineAlias":          s.createAlias,
		"DescribeStateMachineAlias":        s.describeAlias,
		"UpdateStateMachineAlias":          s.updateAlias,
		"DeleteStateMachineAlias":          s.deleteAlias,
		"ListStateMachineAliases":          s.listAliases,
		"TagResource":                      s.tagResource,
		"UntagResource":                    s.untagResource,
		"ListTagsForResource":              s.listTags,
		"DescribeMapRun":                   s.describeMapRun,
		"ListMapRuns":                      s.listMapRuns,
		"UpdateMapRun":                     s.updateMapRun,
		"TestState":                        s.testState,
	}
	return s
}

// Operations lists the operations the service implements.
func (s *Service) Operations() []string {
	out := make([]string, 0, len(s.ops))
	for k := range s.ops {
		out = append(out, k)
	}
	return out
}

// ServeHTTP handles one API request.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, name := awsapi.Target(r)
	f, ok := s.ops[name]
	if !ok {
		responder.Error(w, awsapi.Errorf("UnknownOperationException", "Unknown operation %s", name))
		return
	}
	c := &call{r: r, region: awsapi.Region(r), account: s.account}
	out, err := f(r.Context(), c)
	if err != nil {
		responder.Error(w, mapError(err))
		return
	}
	responder.Write(w, out)
}

// decode reads the request body into v.
func (c *call) decode(v any) error {
	if err := awsapi.DecodeJSON(c.r, v); err != nil {
		return err
	}
	return nil
}

// mapError turns engine and store errors into AWS errors.
func mapError(err error) error {
	var ae *awsapi.Error
	if errors.As(err, &ae) {
		return ae
	}
	switch {
	case errors.Is(err, runtime.ErrClosed):
		return &awsapi.Error{Code: "ServiceUnavailable", Message: "Sluice is shutting down", Status: http.StatusServiceUnavailable}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return &awsapi.Error{Code: "RequestTimeout", Message: err.Error(), Status: http.StatusRequestTimeout}
	}
	return awsapi.Internal(err)
}

// epoch is a timestamp as the Step Functions JSON protocol encodes it:
// seconds since the epoch, with fractions.
type epoch time.Time

func (t epoch) MarshalJSON() ([]byte, error) {
	tt := time.Time(t)
	return []byte(strconvFloat(float64(tt.UnixMilli()) / 1000)), nil
}

func strconvFloat(f float64) string {
	b, _ := json.Marshal(f)
	return string(b)
}

// --- Names and ARNs --------------------------------------------------------

var nameChars = regexp.MustCompile(`^[^\s<>{}\[\]?*"#%\\^|~` + "`" + `$&,;:/\x00-\x1f\x7f-\x9f]+$`)

// validName checks a resource name as AWS does: 1-80 characters, none of
// whitespace, brackets, wildcards, special characters or control
// characters.
func validName(name string, max int) bool {
	n := utf8.RuneCountInString(name)
	return n >= 1 && n <= max && nameChars.MatchString(name)
}

func invalidName(name string) error {
	return awsapi.Errorf("InvalidName", "Invalid Name: '%s'", name)
}

func invalidArn(arn string) error {
	return awsapi.Errorf("InvalidArn", "Invalid Arn: '%s'", arn)
}

// arnParts splits arn:partition:states:region:account:resourceType:rest.
type arnParts struct {
	partition, region, account, kind string
	rest                             []string
}

func parseArn(arn string) (arnParts, bool) {
	p := strings.Split(arn, ":")
	if len(p) < 7 || p[0] != "arn" || p[2] != "states" || p[1] == "" || p[3] == "" || p[4] == "" {
		return arnParts{}, false
	}
	return arnParts{partition: p[1], region: p[3], account: p[4], kind: p[5], rest: p[6:]}, true
}

func (c *call) arn(kind string, parts ...string) string {
	return "arn:aws:states:" + c.region + ":" + c.account + ":" + kind + ":" + strings.Join(parts, ":")
}

// required reports a missing required member as AWS does.
func required(v any, field string) error {
	switch x := v.(type) {
	case string:
		if x != "" {
			return nil
		}
	case *string:
		if x != nil {
			return nil
		}
	default:
		if v != nil {
			return nil
		}
	}
	return awsapi.ValidationField(nil, field, "Member must not be null")
}

// pageArgs reads maxResults (0-1000) and nextToken.
func pageArgs(max int, token *string) (store.Page, error) {
	if max < 0 || max > 1000 {
		return store.Page{}, awsapi.ValidationField(max, "maxResults", "Member must have value less than or equal to 1000")
	}
	p := store.Page{Limit: max}
	if p.Limit == 0 {
		p.Limit = 100
	}
	if token != nil {
		if len(*token) > 1024 {
			return p, awsapi.ValidationField(*token, "nextToken", "Member must have length less than or equal to 1024")
		}
		p.Token = *token
	}
	return p, nil
}

func nilIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// scope returns the listing scope of a top-level resource: its account
// and region, so that ListStateMachines and ListActivities see only the
// caller's region, as on AWS.
func scope(arn string) string {
	p, ok := parseArn(arn)
	if !ok {
		return ""
	}
	return p.account + ":" + p.region
}

func (c *call) scope() string { return c.account + ":" + c.region }
