package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/sluice-run/sluice/internal/deadletter"
	"github.com/sluice-run/sluice/internal/server/servertest"
)

// waitExecutions polls ListExecutions until n executions of smArn exist and
// have ended, and returns them newest first.
func waitExecutions(t *testing.T, c *sfn.Client, smArn string, n int) []types.ExecutionListItem {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		out, err := c.ListExecutions(context.Background(), &sfn.ListExecutionsInput{StateMachineArn: aws.String(smArn)})
		if err != nil {
			t.Fatal(err)
		}
		done := 0
		for _, x := range out.Executions {
			if x.Status != types.ExecutionStatusRunning {
				done++
			}
		}
		if done >= n {
			return out.Executions
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d executions ended", done, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestEventsToStateMachine puts a rule with a transformer and a state
// machine target, puts events, and checks the executions start with the
// transformed input.
func TestEventsToStateMachine(t *testing.T) {
	t.Parallel()
	srv := servertest.Start(t)
	eb := servertest.EventBridge(srv)
	c := servertest.SFN(srv)
	ctx := context.Background()
	sm := createSM(t, c, "onorder", `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`)
	_, err := eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("big-orders"),
		EventPattern: aws.String(`{"source":["shop"],"detail-type":["OrderPlaced"],"detail":{"total":[{"numeric":[">",100]}]}}`)})
	if err != nil {
		t.Fatal(err)
	}
	out, err := eb.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("big-orders"), Targets: []ebtypes.Target{{
		Id: aws.String("sfn"), Arn: aws.String(sm), RoleArn: aws.String(role),
		InputTransformer: &ebtypes.InputTransformer{
			InputPathsMap: map[string]string{"id": "$.detail.id", "total": "$.detail.total"},
			InputTemplate: aws.String(`{"order": <id>, "amount": <total>, "rule": "<aws.events.rule-name>"}`),
		},
	}}})
	if err != nil || out.FailedEntryCount != 0 {
		t.Fatalf("PutTargets: %+v %v", out, err)
	}
	res, err := eb.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{
		{Source: aws.String("shop"), DetailType: aws.String("OrderPlaced"), Detail: aws.String(`{"id":"o-1","total":250}`)},
		{Source: aws.String("shop"), DetailType: aws.String("OrderPlaced"), Detail: aws.String(`{"id":"o-2","total":50}`)},
		{Source: aws.String("shop"), DetailType: aws.String("OrderPlaced"), Detail: aws.String(`not json`)},
		{DetailType: aws.String("OrderPlaced"), Detail: aws.String(`{}`)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if res.FailedEntryCount != 2 || *res.Entries[2].ErrorCode != "MalformedDetail" || *res.Entries[3].ErrorCode != "InvalidArgument" || res.Entries[0].EventId == nil {
		t.Fatalf("PutEvents: %+v", res.Entries)
	}
	xs := waitExecutions(t, c, sm, 1)
	if len(xs) != 1 {
		t.Fatalf("%d executions, want 1 (only the big order matches)", len(xs))
	}
	d, _ := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: xs[0].ExecutionArn})
	if *d.Input != `{"order":"o-1","amount":250,"rule":"big-orders"}` {
		t.Errorf("transformed input %s", *d.Input)
	}
	tr, err := eb.TestEventPattern(ctx, &eventbridge.TestEventPatternInput{EventPattern: aws.String(`{"source":["shop"]}`),
		Event: aws.String(`{"id":"1","account":"1","source":"shop","time":"2024-01-01T00:00:00Z","region":"us-east-1","detail-type":"x","resources":[],"detail":{}}`)})
	if err != nil || !tr.Result {
		t.Fatalf("TestEventPattern: %+v %v", tr, err)
	}
	_, err = eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("bad"), EventPattern: aws.String(`{"source":[]}`)})
	apiError(t, err, "InvalidEventPatternException", "Empty arrays are not allowed")
}

// TestAPIDestinationRetriesAndDLQ sends events to an API destination that
// fails first, checks the retry succeeds, then to one that always answers
// 400 and checks the event is not retried and goes to the dead-letter
// queue.
func TestAPIDestinationRetriesAndDLQ(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	calls := map[string]int{}
	var bodies []string
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		calls[r.URL.Path]++
		n := calls[r.URL.Path]
		bodies = append(bodies, string(b))
		mu.Unlock()
		if r.Header.Get("x-api-key") != "k3y" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		switch {
		case r.URL.Path == "/flaky" && n == 1:
			w.WriteHeader(http.StatusServiceUnavailable)
		case r.URL.Path == "/bad":
			w.WriteHeader(http.StatusBadRequest)
		}
	}))
	defer api.Close()
	srv := servertest.Start(t)
	eb := servertest.EventBridge(srv)
	ctx := context.Background()
	conn, err := eb.CreateConnection(ctx, &eventbridge.CreateConnectionInput{Name: aws.String("api"), AuthorizationType: ebtypes.ConnectionAuthorizationTypeApiKey,
		AuthParameters: &ebtypes.CreateConnectionAuthRequestParameters{ApiKeyAuthParameters: &ebtypes.CreateConnectionApiKeyAuthRequestParameters{
			ApiKeyName: aws.String("x-api-key"), ApiKeyValue: aws.String("k3y")}}})
	if err != nil {
		t.Fatal(err)
	}
	dest := func(name, path string) string {
		d, err := eb.CreateApiDestination(ctx, &eventbridge.CreateApiDestinationInput{Name: aws.String(name), ConnectionArn: conn.ConnectionArn,
			InvocationEndpoint: aws.String(api.URL + path), HttpMethod: ebtypes.ApiDestinationHttpMethodPost})
		if err != nil {
			t.Fatal(err)
		}
		return *d.ApiDestinationArn
	}
	_, err = eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("all"), EventPattern: aws.String(`{"source":["app"]}`)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = eb.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("all"), Targets: []ebtypes.Target{
		{Id: aws.String("flaky"), Arn: aws.String(dest("flaky", "/flaky")), InputPath: aws.String("$.detail")},
		{Id: aws.String("bad"), Arn: aws.String(dest("bad", "/bad")), DeadLetterConfig: &ebtypes.DeadLetterConfig{Arn: aws.String("arn:aws:sqs:us-east-1:000000000000:dlq")}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eb.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{
		{Source: aws.String("app"), DetailType: aws.String("t"), Detail: aws.String(`{"n":1}`)}}}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		f, b := calls["/flaky"], calls["/bad"]
		mu.Unlock()
		if f >= 2 && b >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("calls %v", calls)
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	if calls["/flaky"] != 2 || calls["/bad"] != 1 {
		t.Errorf("calls %v: want the 503 retried once and the 400 not retried", calls)
	}
	found := false
	for _, b := range bodies {
		if b == `{"n":1}` {
			found = true
		}
	}
	if !found {
		t.Errorf("InputPath $.detail not applied: bodies %v", bodies)
	}
	checkDeadLetters(t, srv.URL(), "arn:aws:sqs:us-east-1:000000000000:dlq")
}

// checkDeadLetters reads the one dead letter the 400 target left on queue
// through the dead-letter API, checks its shape, and purges the queue.
func checkDeadLetters(t *testing.T, base, queue string) {
	t.Helper()
	get := func(query string) (int, deadletter.Page) {
		resp, err := http.Get(base + deadletter.Path + "?" + query)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var page deadletter.Page
		if resp.StatusCode == http.StatusOK {
			if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
				t.Fatal(err)
			}
		}
		return resp.StatusCode, page
	}
	q := "queue=" + url.QueryEscape(queue)
	var page deadletter.Page
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, page = get(q); len(page.Messages) > 0 || time.Now().After(deadline) {
			break
		}
	}
	if len(page.Messages) != 1 {
		t.Fatalf("dead letters: %+v, want one", page)
	}
	var msg struct {
		Body              string
		MessageAttributes map[string]any
	}
	if err := json.Unmarshal(page.Messages[0].Message, &msg); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msg.Body, `"detail":{"n":1}`) || msg.MessageAttributes["ERROR_CODE"] == nil ||
		!strings.Contains(fmt.Sprint(msg.MessageAttributes["TARGET_ARN"]), "api-destination/bad/") {
		t.Errorf("dead letter %s", page.Messages[0].Message)
	}
	if _, next := get(q + "&after=" + page.Messages[0].Cursor); len(next.Messages) != 0 {
		t.Errorf("after the last cursor: %+v", next)
	}
	for _, bad := range []string{"", q + "&limit=0", q + "&after=x"} {
		if code, _ := get(bad); code != http.StatusBadRequest {
			t.Errorf("GET ?%s: status %d, want 400", bad, code)
		}
	}
	req, _ := http.NewRequest(http.MethodDelete, base+deadletter.Path+"?"+q, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if _, after := get(q); resp.StatusCode != http.StatusNoContent || len(after.Messages) != 0 {
		t.Errorf("purge: status %d, left %+v", resp.StatusCode, after)
	}
}

// TestScheduledRule fires a rate(1 second) rule (a Sluice extension) into a
// state machine and checks the Scheduled Event's shape.
func TestScheduledRule(t *testing.T) {
	t.Parallel()
	srv := servertest.Start(t)
	eb := servertest.EventBridge(srv)
	c := servertest.SFN(srv)
	ctx := context.Background()
	sm := createSM(t, c, "tick", `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`)
	rule, err := eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("every-second"), ScheduleExpression: aws.String("rate(1 second)")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eb.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("every-second"), Targets: []ebtypes.Target{{Id: aws.String("t"), Arn: aws.String(sm)}}}); err != nil {
		t.Fatal(err)
	}
	xs := waitExecutions(t, c, sm, 2)
	if _, err := eb.DisableRule(ctx, &eventbridge.DisableRuleInput{Name: aws.String("every-second")}); err != nil {
		t.Fatal(err)
	}
	d, _ := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: xs[len(xs)-1].ExecutionArn})
	var ev map[string]any
	if err := json.Unmarshal([]byte(*d.Input), &ev); err != nil {
		t.Fatal(err)
	}
	if ev["detail-type"] != "Scheduled Event" || ev["source"] != "aws.events" || fmt.Sprint(ev["resources"]) != "["+*rule.RuleArn+"]" {
		t.Errorf("scheduled event %s", *d.Input)
	}
	_, err = eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("badcron"), ScheduleExpression: aws.String("cron(0 25 * * ? *)")})
	apiError(t, err, "ValidationException", "Parameter ScheduleExpression is not valid.")
}

// TestBusesRulesAndArchive covers the control plane and an archive with
// a replay.
func TestBusesRulesAndArchive(t *testing.T) {
	t.Parallel()
	srv := servertest.Start(t)
	eb := servertest.EventBridge(srv)
	c := servertest.SFN(srv)
	ctx := context.Background()
	bus, err := eb.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String("orders")})
	if err != nil || *bus.EventBusArn != "arn:aws:events:us-east-1:000000000000:event-bus/orders" {
		t.Fatalf("CreateEventBus: %+v %v", bus, err)
	}
	_, err = eb.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String("orders")})
	apiError(t, err, "ResourceAlreadyExistsException", "orders")
	buses, err := eb.ListEventBuses(ctx, &eventbridge.ListEventBusesInput{})
	if err != nil || len(buses.EventBuses) != 2 {
		t.Fatalf("ListEventBuses: %+v %v", buses, err)
	}
	_, err = eb.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("nope"), EventBusName: aws.String("orders")})
	apiError(t, err, "ResourceNotFoundException", "Rule nope does not exist on EventBus orders.")
	sm := createSM(t, c, "archived", `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`)
	if _, err := eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("r"), EventBusName: aws.String("orders"), EventPattern: aws.String(`{"source":["s"]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := eb.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("r"), EventBusName: aws.String("orders"),
		Targets: []ebtypes.Target{{Id: aws.String("sm"), Arn: aws.String(sm)}}}); err != nil {
		t.Fatal(err)
	}
	_, err = eb.DeleteRule(ctx, &eventbridge.DeleteRuleInput{Name: aws.String("r"), EventBusName: aws.String("orders")})
	apiError(t, err, "ValidationException", "Rule can't be deleted since it has targets.")
	arch, err := eb.CreateArchive(ctx, &eventbridge.CreateArchiveInput{ArchiveName: aws.String("all-orders"), EventSourceArn: bus.EventBusArn})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(-time.Minute)
	if _, err := eb.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{
		{Source: aws.String("s"), DetailType: aws.String("t"), Detail: aws.String(`{"k":1}`), EventBusName: aws.String("orders")}}}); err != nil {
		t.Fatal(err)
	}
	waitExecutions(t, c, sm, 1)
	da, err := eb.DescribeArchive(ctx, &eventbridge.DescribeArchiveInput{ArchiveName: aws.String("all-orders")})
	if err != nil || da.EventCount != 1 {
		t.Fatalf("DescribeArchive: %+v %v", da, err)
	}
	_, err = eb.StartReplay(ctx, &eventbridge.StartReplayInput{ReplayName: aws.String("again"), EventSourceArn: arch.ArchiveArn,
		EventStartTime: aws.Time(start), EventEndTime: aws.Time(time.Now()), Destination: &ebtypes.ReplayDestination{Arn: bus.EventBusArn}})
	if err != nil {
		t.Fatal(err)
	}
	xs := waitExecutions(t, c, sm, 2)
	d, _ := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: xs[0].ExecutionArn})
	if !strings.Contains(*d.Input, `"replay-name":"again"`) {
		t.Errorf("replayed event %s", *d.Input)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		r, err := eb.DescribeReplay(ctx, &eventbridge.DescribeReplayInput{ReplayName: aws.String("again")})
		if err != nil {
			t.Fatal(err)
		}
		if r.State == ebtypes.ReplayStateCompleted {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("replay %s", r.State)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
