package server_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/sluice-run/sluice/internal/server"
	"github.com/sluice-run/sluice/internal/server/servertest"
)

// send makes an HTTP request to the server and returns the status and the
// body.
func send(t *testing.T, srv *server.Server, method, path string, h map[string]string, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range h {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// ruleToMachine puts a rule with a pattern on a bus and a state machine
// target that receives the whole event.
func ruleToMachine(t *testing.T, eb *eventbridge.Client, bus, name, pattern, sm string) {
	t.Helper()
	ctx := context.Background()
	if _, err := eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String(name), EventBusName: aws.String(bus), EventPattern: aws.String(pattern)}); err != nil {
		t.Fatalf("PutRule %s: %v", name, err)
	}
	out, err := eb.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String(name), EventBusName: aws.String(bus),
		Targets: []ebtypes.Target{{Id: aws.String("sm"), Arn: aws.String(sm), RoleArn: aws.String(role)}}})
	if err != nil || out.FailedEntryCount != 0 {
		t.Fatalf("PutTargets %s: %+v %v", name, out, err)
	}
}

// inputs returns the inputs of a state machine's n ended executions,
// decoded, keyed by the event's detail-type.
func inputs(t *testing.T, c *sfn.Client, sm string, n int) map[string]map[string]any {
	t.Helper()
	xs := waitExecutions(t, c, sm, n)
	if len(xs) != n {
		t.Fatalf("%d executions of %s, want %d", len(xs), sm, n)
	}
	out := map[string]map[string]any{}
	for _, x := range xs {
		d, err := c.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: x.ExecutionArn})
		if err != nil {
			t.Fatal(err)
		}
		var ev map[string]any
		if err := json.Unmarshal([]byte(*d.Input), &ev); err != nil {
			t.Fatalf("input %s: %v", *d.Input, err)
		}
		out[ev["detail-type"].(string)] = ev
	}
	return out
}

// asJSON encodes v compactly, for comparisons.
func asJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var ingestedRE = regexp.MustCompile(`(?m)^sluice_events_ingested_total (\d+)$`)

// ingested reads the count of events ingested onto buses from /metrics.
func ingested(t *testing.T, srv *server.Server) string {
	t.Helper()
	_, body := send(t, srv, http.MethodGet, "/metrics", nil, "")
	m := ingestedRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no sluice_events_ingested_total in /metrics")
	}
	return m[1]
}

// TestIngestCloudEvents posts a structured and a binary CloudEvent to a
// bus with a rule on the mapped fields and checks the executions start
// with the mapped events; invalid requests are rejected with nothing
// ingested.
func TestIngestCloudEvents(t *testing.T) {
	t.Parallel()
	srv := servertest.Start(t)
	eb := servertest.EventBridge(srv)
	c := servertest.SFN(srv)
	ctx := context.Background()
	if _, err := eb.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String("orders")}); err != nil {
		t.Fatal(err)
	}
	sm := createSM(t, c, "on-cloudevent", `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`)
	ruleToMachine(t, eb, "orders", "acme-orders",
		`{"source":["/shop/orders"],"detail-type":[{"prefix":"com.example.order."}],"cloudevent":{"tenant":["acme"]},"detail":{"total":[{"numeric":[">",100]}]}}`, sm)

	status, body := send(t, srv, http.MethodPost, "/cloudevents/orders", map[string]string{"Content-Type": "application/cloudevents+json"},
		`{"specversion":"1.0","id":"ev-1","source":"/shop/orders","type":"com.example.order.created","subject":"o-1",
		  "time":"2024-05-01T10:00:00Z","datacontenttype":"application/json","tenant":"acme","data":{"order":"o-1","total":250}}`)
	if status != http.StatusOK || !strings.Contains(body, `"Id":"ev-1"`) || !strings.Contains(body, `"EventId":"`) {
		t.Fatalf("structured: %d %s", status, body)
	}
	var res struct {
		Entries []struct{ Id, EventId string }
	}
	if err := json.Unmarshal([]byte(body), &res); err != nil || len(res.Entries) != 1 {
		t.Fatalf("structured answer %s: %v", body, err)
	}
	structuredID := res.Entries[0].EventId
	// Binary mode, addressing the bus by ARN.
	status, body = send(t, srv, http.MethodPost, "/cloudevents/arn:aws:events:us-east-1:000000000000:event-bus/orders", map[string]string{
		"Content-Type": "application/json", "ce-specversion": "1.0", "ce-id": "ev-2", "ce-source": "/shop/orders",
		"ce-type": "com.example.order.paid", "ce-tenant": "acme"}, `{"order":"o-2","total":300}`)
	if status != http.StatusOK {
		t.Fatalf("binary: %d %s", status, body)
	}
	// Neither matches: another tenant, a small order.
	status, body = send(t, srv, http.MethodPost, "/cloudevents/orders", map[string]string{"Content-Type": "application/cloudevents-batch+json"},
		`[{"specversion":"1.0","id":"ev-3","source":"/shop/orders","type":"com.example.order.created","tenant":"globex","data":{"total":999}},
		  {"specversion":"1.0","id":"ev-4","source":"/shop/orders","type":"com.example.order.created","tenant":"acme","data":{"total":5}}]`)
	if status != http.StatusOK || strings.Count(body, `"EventId"`) != 2 {
		t.Fatalf("batch: %d %s", status, body)
	}
	before := ingested(t, srv)
	for _, tc := range []struct {
		path   string
		h      map[string]string
		body   string
		status int
		want   string
	}{
		{"/cloudevents/orders", map[string]string{"Content-Type": "application/cloudevents+json"},
			`{"specversion":"1.0","source":"/shop/orders","type":"com.example.order.created","tenant":"acme","data":{"total":999}}`, 400, `Required attribute \"id\"`},
		{"/cloudevents/orders", map[string]string{"Content-Type": "application/cloudevents-batch+json"},
			`[{"specversion":"1.0","id":"a","source":"/shop/orders","type":"com.example.order.created","tenant":"acme","data":{"total":999}},{"specversion":"0.3"}]`, 400, `Batch entry 1`},
		{"/cloudevents/nosuchbus", map[string]string{"Content-Type": "application/cloudevents+json"},
			`{"specversion":"1.0","id":"a","source":"s","type":"t"}`, 404, `Event bus nosuchbus does not exist`},
		{"/cloudevents/orders", map[string]string{"Content-Type": "application/json"}, `{}`, 415, `not a CloudEvent`},
		{"/cloudevents/orders", map[string]string{"Content-Type": "application/cloudevents+json"},
			`{"specversion":"1.0","id":"big","source":"s","type":"t","data":{"x":"` + strings.Repeat("x", 300*1024) + `"}}`, 413, `larger than`},
	} {
		status, body := send(t, srv, http.MethodPost, tc.path, tc.h, tc.body)
		if status != tc.status || !strings.Contains(body, tc.want) {
			t.Errorf("POST %s: %d %s, want %d containing %s", tc.path, status, body, tc.status, tc.want)
		}
	}
	if after := ingested(t, srv); after != before {
		t.Errorf("rejected requests ingested events: %s before, %s after", before, after)
	}

	got := inputs(t, c, sm, 2)
	created := got["com.example.order.created"]
	if created == nil || got["com.example.order.paid"] == nil {
		t.Fatalf("executions for %v", got)
	}
	if created["id"] != structuredID || created["source"] != "/shop/orders" || created["time"] != "2024-05-01T10:00:00Z" ||
		created["region"] != "us-east-1" || created["account"] != "000000000000" {
		t.Errorf("structured envelope %v", created)
	}
	if s := asJSON(t, created["resources"]); s != `["o-1"]` {
		t.Errorf("resources %s", s)
	}
	if s := asJSON(t, created["detail"]); s != `{"order":"o-1","total":250}` {
		t.Errorf("detail %s", s)
	}
	if s := asJSON(t, created["cloudevent"]); s != `{"datacontenttype":"application/json","id":"ev-1","source":"/shop/orders","specversion":"1.0","subject":"o-1","tenant":"acme","time":"2024-05-01T10:00:00Z","type":"com.example.order.created"}` {
		t.Errorf("cloudevent %s", s)
	}
	paid := got["com.example.order.paid"]
	if s := asJSON(t, paid["detail"]); s != `{"order":"o-2","total":300}` {
		t.Errorf("binary detail %s", s)
	}
	if s := asJSON(t, paid["resources"]); s != `[]` {
		t.Errorf("binary resources %s", s)
	}
	if s := asJSON(t, paid["cloudevent"]); s != `{"datacontenttype":"application/json","id":"ev-2","source":"/shop/orders","specversion":"1.0","tenant":"acme","type":"com.example.order.paid"}` {
		t.Errorf("binary cloudevent %s", s)
	}
}

// TestIngestWebhook creates a signed webhook, checks its secret is never
// shown, posts a signed delivery and sees the execution start with the
// body as detail, and checks that missing, bad and replayed-with-another-
// body signatures are refused with nothing ingested.
func TestIngestWebhook(t *testing.T) {
	t.Parallel()
	srv := servertest.Start(t)
	eb := servertest.EventBridge(srv)
	c := servertest.SFN(srv)
	const secret = "s3cr3t-webhook-key"
	sm := createSM(t, c, "on-push", `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`)
	ruleToMachine(t, eb, "default", "pushes", `{"source":["github.com"],"detail-type":["push"],"webhook":{"headers":{"x-github-delivery":[{"exists":true}]}}}`, sm)

	status, body := send(t, srv, http.MethodPut, "/sluice/webhooks/gh", nil, `{"Source":"github.com","DetailTypeHeader":"X-GitHub-Event",
		"Headers":["X-GitHub-Delivery"],"Signature":{"Header":"X-Hub-Signature-256","Algorithm":"HMAC-SHA256","Prefix":"sha256=","Secret":"`+secret+`"}}`)
	if status != http.StatusCreated || strings.Contains(body, secret) || !strings.Contains(body, `"EventBusArn":"arn:aws:events:us-east-1:000000000000:event-bus/default"`) {
		t.Fatalf("PUT webhook: %d %s", status, body)
	}
	// Replacing answers 200 and keeps the creation time.
	var first struct{ CreationTime string }
	_ = json.Unmarshal([]byte(body), &first)
	status, body = send(t, srv, http.MethodPut, "/sluice/webhooks/gh", nil, `{"Source":"github.com","DetailTypeHeader":"X-GitHub-Event",
		"Headers":["X-GitHub-Delivery"],"Signature":{"Header":"X-Hub-Signature-256","Algorithm":"hmac-sha256","Prefix":"sha256=","Secret":"`+secret+`"}}`)
	if status != http.StatusOK || first.CreationTime == "" || !strings.Contains(body, `"CreationTime":"`+first.CreationTime+`"`) {
		t.Fatalf("PUT to replace the webhook: %d %s (created %s)", status, body, first.CreationTime)
	}
	for _, path := range []string{"/sluice/webhooks/gh", "/sluice/webhooks"} {
		status, body := send(t, srv, http.MethodGet, path, nil, "")
		if status != http.StatusOK || strings.Contains(body, secret) || strings.Contains(body, "Secret") || !strings.Contains(body, `"Header":"X-Hub-Signature-256"`) {
			t.Fatalf("GET %s: %d %s", path, status, body)
		}
	}
	status, body = send(t, srv, http.MethodPut, "/sluice/webhooks/bad", nil, `{"Source":"x","DetailType":"y","Signature":{"Header":"X-Sig","Algorithm":"MD5","Secret":"k"}}`)
	if status != http.StatusBadRequest || !strings.Contains(body, "Algorithm") {
		t.Fatalf("PUT invalid webhook: %d %s", status, body)
	}

	payload := `{"ref":"refs/heads/main","commits":[{"id":"abc"}]}`
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(payload))
	good := "sha256=" + hex.EncodeToString(m.Sum(nil))
	headers := func(sig string) map[string]string {
		h := map[string]string{"Content-Type": "application/json", "X-GitHub-Event": "push", "X-GitHub-Delivery": "d-1", "User-Agent": "GitHub-Hookshot/test"}
		if sig != "" {
			h["X-Hub-Signature-256"] = sig
		}
		return h
	}
	before := ingested(t, srv)
	for _, tc := range []struct {
		name, path, sig, body string
		status                int
	}{
		{"missing signature", "/webhooks/gh", "", payload, 401},
		{"bad signature", "/webhooks/gh", "sha256=" + strings.Repeat("0", 64), payload, 401},
		{"wrong prefix", "/webhooks/gh", strings.Replace(good, "sha256=", "sha1=", 1), payload, 401},
		{"other body", "/webhooks/gh", good, payload + " ", 401},
		{"unknown webhook", "/webhooks/nope", good, payload, 404},
		{"too big", "/webhooks/gh", good, `{"x":"` + strings.Repeat("x", 257*1024) + `"}`, 413},
	} {
		status, body := send(t, srv, http.MethodPost, tc.path, headers(tc.sig), tc.body)
		if status != tc.status {
			t.Errorf("%s: %d %s, want %d", tc.name, status, body, tc.status)
		}
	}
	if after := ingested(t, srv); after != before {
		t.Fatalf("rejected deliveries ingested events: %s before, %s after", before, after)
	}

	status, body = send(t, srv, http.MethodPost, "/webhooks/gh", headers(good), payload)
	if status != http.StatusOK || !strings.Contains(body, `"EventId"`) {
		t.Fatalf("signed delivery: %d %s", status, body)
	}
	ev := inputs(t, c, sm, 1)["push"]
	if ev == nil || ev["source"] != "github.com" {
		t.Fatalf("execution input %v", ev)
	}
	if s := asJSON(t, ev["detail"]); s != `{"commits":[{"id":"abc"}],"ref":"refs/heads/main"}` {
		t.Errorf("detail %s, want the payload %s", s, payload)
	}
	if s := asJSON(t, ev["webhook"]); s != `{"headers":{"content-type":"application/json","user-agent":"GitHub-Hookshot/test","x-github-delivery":"d-1","x-github-event":"push"},"name":"gh"}` {
		t.Errorf("webhook member %s", s)
	}

	if status, body := send(t, srv, http.MethodDelete, "/sluice/webhooks/gh", nil, ""); status != http.StatusNoContent {
		t.Fatalf("DELETE: %d %s", status, body)
	}
	if status, _ := send(t, srv, http.MethodPost, "/webhooks/gh", headers(good), payload); status != http.StatusNotFound {
		t.Fatalf("delivery to a deleted webhook: %d", status)
	}
	if status, _ := send(t, srv, http.MethodGet, "/sluice/webhooks/gh", nil, ""); status != http.StatusNotFound {
		t.Fatalf("GET a deleted webhook: %d", status)
	}
}
