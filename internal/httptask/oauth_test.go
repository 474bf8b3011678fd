package httptask

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// oauthFixture is an authorization endpoint issuing tok-1, tok-2, ... and
// an API accepting only the latest token.
type oauthFixture struct {
	tokens       *server
	api          *server
	issued       atomic.Int64
	expiresIn    string // JSON value of expires_in, or "" to leave it out
	reject       atomic.Int64
	rejectStatus atomic.Int64
	clock        *clock
	invoker      *Invoker
	conn         *Connection
}

func newOAuthFixture(t *testing.T, expiresIn string) *oauthFixture {
	t.Helper()
	fx := &oauthFixture{expiresIn: expiresIn, clock: &clock{t: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}}
	fx.tokens = newServer(t, func(w http.ResponseWriter, _ *http.Request) {
		time.Sleep(10 * time.Millisecond) // let concurrent callers pile up
		n := fx.issued.Add(1)
		w.Header().Set("Content-Type", "application/json")
		exp := ""
		if fx.expiresIn != "" {
			exp = `,"expires_in":` + fx.expiresIn
		}
		fmt.Fprintf(w, `{"access_token":"tok-%d","token_type":"Bearer"%s}`, n, exp)
	})
	fx.api = newServer(t, func(w http.ResponseWriter, r *http.Request) {
		want := fmt.Sprintf("Bearer tok-%d", fx.issued.Load())
		if fx.reject.Load() > 0 {
			fx.reject.Add(-1)
			w.WriteHeader(int(fx.rejectStatus.Load()))
			return
		}
		if r.Header.Get("Authorization") != want {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		io.WriteString(w, "ok")
	})
	fx.conn = &Connection{
		Arn:               "arn:oauth",
		AuthorizationType: AuthOAuthClientCredentials,
		OAuth: &OAuthClientCredentials{
			AuthorizationEndpoint: fx.tokens.URL + "/oauth2/token",
			HTTPMethod:            "POST",
			ClientID:              "client id",
			ClientSecret:          "s3cret",
			HTTPParameters: HTTPParameters{
				HeaderParameters:      []Parameter{{Key: "X-Tenant", Value: "t1"}},
				QueryStringParameters: []Parameter{{Key: "audience", Value: "https://api"}},
				BodyParameters:        []Parameter{{Key: "grant_type", Value: "client_credentials"}, {Key: "scope", Value: "a b"}},
			},
		},
	}
	fx.invoker = &Invoker{Connections: connections{"arn:oauth": fx.conn}, Now: fx.clock.Now}
	return fx
}

func (fx *oauthFixture) invoke(t *testing.T) (string, string) {
	t.Helper()
	out, f := fx.invoker.Invoke(context.Background(), params(t, `{"ApiEndpoint":"%s","Method":"GET","Authentication":{"ConnectionArn":"arn:oauth"}}`, fx.api.URL))
	if f != nil {
		return f.Error, f.Cause
	}
	return fmt.Sprint(get(t, out, "ResponseBody")), ""
}

func TestOAuthTokenRequestAndCache(t *testing.T) {
	t.Parallel()
	fx := newOAuthFixture(t, "3600")
	for range 3 {
		if got, cause := fx.invoke(t); got != "ok" {
			t.Fatalf("invoke: %s %s", got, cause)
		}
	}
	if fx.tokens.count() != 1 {
		t.Fatalf("%d token requests, want 1", fx.tokens.count())
	}
	req := fx.tokens.only(t)
	if req.Method != http.MethodPost || req.Path != "/oauth2/token" || req.RawQuery != "audience=https%3A%2F%2Fapi" {
		t.Errorf("token request %s %s?%s", req.Method, req.Path, req.RawQuery)
	}
	if req.Body != "grant_type=client_credentials&scope=a%20b" {
		t.Errorf("token request body %q", req.Body)
	}
	r := &http.Request{Header: req.Header}
	if u, p, ok := r.BasicAuth(); !ok || u != "client id" || p != "s3cret" {
		t.Errorf("token request credentials %q %q %v", u, p, ok)
	}
	for name, want := range map[string]string{
		"Content-Type": "application/x-www-form-urlencoded",
		"X-Tenant":     "t1",
		"User-Agent":   "Amazon|StepFunctions|HttpInvoke|us-east-1",
	} {
		if got := req.Header.Get(name); got != want {
			t.Errorf("token request %s = %q, want %q", name, got, want)
		}
	}
}

func TestOAuthTokenExpiry(t *testing.T) {
	t.Parallel()
	fx := newOAuthFixture(t, "3600")
	fx.invoke(t)
	fx.clock.Advance(3500 * time.Second) // 100 s left: still good
	fx.invoke(t)
	if n := fx.tokens.count(); n != 1 {
		t.Fatalf("%d token requests before the refresh window, want 1", n)
	}
	fx.clock.Advance(41 * time.Second) // 59 s left: refreshed proactively
	if got, cause := fx.invoke(t); got != "ok" {
		t.Fatalf("invoke: %s %s", got, cause)
	}
	if n := fx.tokens.count(); n != 2 {
		t.Fatalf("%d token requests after the refresh window, want 2", n)
	}
}

func TestOAuthTokenWithoutExpiry(t *testing.T) {
	t.Parallel()
	fx := newOAuthFixture(t, "")
	fx.invoke(t)
	fx.clock.Advance(365 * 24 * time.Hour)
	fx.invoke(t)
	if n := fx.tokens.count(); n != 1 {
		t.Fatalf("%d token requests, want 1", n)
	}
}

func TestOAuthTokenExpiryAsString(t *testing.T) {
	t.Parallel()
	fx := newOAuthFixture(t, `"120"`)
	fx.invoke(t)
	fx.clock.Advance(61 * time.Second)
	fx.invoke(t)
	if n := fx.tokens.count(); n != 2 {
		t.Fatalf("%d token requests, want 2", n)
	}
}

// TestOAuthRefreshOnReject: a 401 or 407 fails the attempt and drops the
// token; the next attempt (a Retry) gets a new one.
func TestOAuthRefreshOnReject(t *testing.T) {
	t.Parallel()
	for _, status := range []int{401, 407} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()
			fx := newOAuthFixture(t, "3600")
			fx.invoke(t)
			fx.rejectStatus.Store(int64(status))
			fx.reject.Store(1)
			if got, _ := fx.invoke(t); got != fmt.Sprintf("States.Http.StatusCode.%d", status) {
				t.Fatalf("rejected attempt: %s", got)
			}
			if got, cause := fx.invoke(t); got != "ok" {
				t.Fatalf("retry: %s %s", got, cause)
			}
			if n := fx.tokens.count(); n != 2 {
				t.Fatalf("%d token requests, want 2", n)
			}
		})
	}
}

func TestOAuthOtherStatusKeepsToken(t *testing.T) {
	t.Parallel()
	fx := newOAuthFixture(t, "3600")
	fx.invoke(t)
	fx.rejectStatus.Store(403)
	fx.reject.Store(1)
	if got, _ := fx.invoke(t); got != "States.Http.StatusCode.403" {
		t.Fatalf("got %s", got)
	}
	fx.invoke(t)
	if n := fx.tokens.count(); n != 1 {
		t.Fatalf("%d token requests, want 1", n)
	}
}

func TestOAuthConnectionChangeRefetches(t *testing.T) {
	t.Parallel()
	fx := newOAuthFixture(t, "3600")
	fx.invoke(t)
	changed := *fx.conn
	o := *fx.conn.OAuth
	o.ClientSecret = "rotated"
	changed.OAuth = &o
	fx.invoker.Connections = connections{"arn:oauth": &changed}
	fx.invoke(t)
	if n := fx.tokens.count(); n != 2 {
		t.Fatalf("%d token requests, want 2", n)
	}
}

func TestOAuthConcurrentCallersShareOneToken(t *testing.T) {
	t.Parallel()
	fx := newOAuthFixture(t, "3600")
	var wg sync.WaitGroup
	results := make([]string, 16)
	for i := range results {
		wg.Go(func() {
			out, f := fx.invoker.Invoke(context.Background(), params(t, `{"ApiEndpoint":"%s","Method":"GET","Authentication":{"ConnectionArn":"arn:oauth"}}`, fx.api.URL))
			if f != nil {
				results[i] = f.Error
				return
			}
			results[i] = fmt.Sprint(get(t, out, "ResponseBody"))
		})
	}
	wg.Wait()
	for i, r := range results {
		if r != "ok" {
			t.Errorf("caller %d: %s", i, r)
		}
	}
	if n := fx.tokens.count(); n != 1 {
		t.Fatalf("%d token requests, want 1", n)
	}
}

func TestOAuthGETSendsBodyParametersInQuery(t *testing.T) {
	t.Parallel()
	fx := newOAuthFixture(t, "3600")
	fx.conn.OAuth.HTTPMethod = "GET"
	if got, cause := fx.invoke(t); got != "ok" {
		t.Fatalf("invoke: %s %s", got, cause)
	}
	req := fx.tokens.only(t)
	if req.Method != http.MethodGet || req.Body != "" {
		t.Errorf("token request %s with body %q", req.Method, req.Body)
	}
	if want := "audience=https%3A%2F%2Fapi&grant_type=client_credentials&scope=a%20b"; req.RawQuery != want {
		t.Errorf("token query %q, want %q", req.RawQuery, want)
	}
}

func TestOAuthTokenFailures(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		handler http.HandlerFunc
		method  string
		cause   string
	}{
		{"rejected", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(400)
			io.WriteString(w, `{"error":"invalid_client"}`)
		}, "", "400 Bad Request: {\"error\":\"invalid_client\"}"},
		{"no token", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, `{"token_type":"Bearer"}`) }, "", "no usable access_token"},
		{"not JSON", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, `<html>`) }, "", "not a JSON object"},
		{"bad method", nil, "PATCH", "not GET, POST or PUT"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			tokens := newServer(t, c.handler)
			api := newServer(t, nil)
			conn := &Connection{Arn: "arn:o", AuthorizationType: AuthOAuthClientCredentials, OAuth: &OAuthClientCredentials{
				AuthorizationEndpoint: tokens.URL, HTTPMethod: c.method, ClientID: "id", ClientSecret: "secret"}}
			v := &Invoker{Connections: connections{"arn:o": conn}}
			_, f := v.Invoke(context.Background(), params(t, `{"ApiEndpoint":"%s","Method":"GET","Authentication":{"ConnectionArn":"arn:o"}}`, api.URL))
			mustFail(t, f, "Events.ConnectionResource.InvalidConnectionState", c.cause)
			if api.count() != 0 {
				t.Error("API called without a token")
			}
		})
	}
}

func TestOAuthUnreachableEndpoint(t *testing.T) {
	t.Parallel()
	tokens := newServer(t, nil)
	url := tokens.URL
	tokens.Close()
	conn := &Connection{Arn: "arn:o", AuthorizationType: AuthOAuthClientCredentials, OAuth: &OAuthClientCredentials{AuthorizationEndpoint: url}}
	_, err := (&Invoker{}).Token(context.Background(), conn)
	if err == nil {
		t.Fatal("no error")
	}
	if ce, ok := err.(*ConnectionError); !ok || ce.Code != CodeInvalidConnectionState {
		t.Errorf("error %v", err)
	}
}

func TestOAuthTokenTimeout(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	tokens := newServer(t, func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	api := newServer(t, nil)
	conn := &Connection{Arn: "arn:o", AuthorizationType: AuthOAuthClientCredentials, OAuth: &OAuthClientCredentials{AuthorizationEndpoint: tokens.URL}}
	v := &Invoker{Connections: connections{"arn:o": conn}, Timeout: 50 * time.Millisecond}
	_, f := v.Invoke(context.Background(), params(t, `{"ApiEndpoint":"%s","Method":"GET","Authentication":{"ConnectionArn":"arn:o"}}`, api.URL))
	mustFail(t, f, "States.Http.Socket", "timed out")
	if api.count() != 0 {
		t.Error("API called without a token")
	}
}
