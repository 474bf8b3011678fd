package httptask

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// Authorization types of an EventBridge connection.
const (
	AuthBasic                  = "BASIC"
	AuthAPIKey                 = "API_KEY"
	AuthOAuthClientCredentials = "OAUTH_CLIENT_CREDENTIALS"
)

// Connection states of an EventBridge connection that matter here. An
// empty State counts as AUTHORIZED.
const (
	StateAuthorized   = "AUTHORIZED"
	StateActive       = "ACTIVE"
	StateAuthorizing  = "AUTHORIZING"
	StateCreating     = "CREATING"
	StateUpdating     = "UPDATING"
	StateDeauthorized = "DEAUTHORIZED"
)

// Parameter is one key/value of a connection's HTTP parameters, as
// EventBridge's ConnectionHeaderParameter, ConnectionQueryStringParameter
// and ConnectionBodyParameter hold them.
type Parameter struct {
	Key           string
	Value         string
	IsValueSecret bool
}

// HTTPParameters are the extra headers, query string parameters and body
// parameters a connection adds to every request it authorizes
// (EventBridge's ConnectionHttpParameters).
type HTTPParameters struct {
	HeaderParameters      []Parameter
	QueryStringParameters []Parameter
	BodyParameters        []Parameter
}

// BasicAuth holds the credentials of a BASIC connection.
type BasicAuth struct {
	Username string
	Password string
}

// APIKeyAuth holds the header of an API_KEY connection: the request gets
// the header Name with the value Value.
type APIKeyAuth struct {
	Name  string
	Value string
}

// OAuthClientCredentials holds the client-credentials flow of an
// OAUTH_CLIENT_CREDENTIALS connection. The token request goes to
// AuthorizationEndpoint with HTTPMethod (GET, POST or PUT; POST when
// empty), the client ID and secret as HTTP Basic credentials, and
// HTTPParameters (EventBridge's OAuthHttpParameters) as its headers,
// query string and form body; a grant_type parameter, if the provider
// wants one, belongs there as it does in EventBridge.
type OAuthClientCredentials struct {
	AuthorizationEndpoint string
	HTTPMethod            string
	ClientID              string
	ClientSecret          string
	HTTPParameters        HTTPParameters
}

// Connection is an EventBridge connection as an HTTP Task's
// Authentication.ConnectionArn (or InvocationConfig.ConnectionArn) names it,
// with its secrets revealed. Exactly the member matching AuthorizationType
// is used.
type Connection struct {
	Arn string
	// State is the connection state; empty means AUTHORIZED.
	State             string
	AuthorizationType string
	Basic             *BasicAuth
	APIKey            *APIKeyAuth
	OAuth             *OAuthClientCredentials
	// InvocationHTTPParameters are added to every request the connection
	// authorizes; their values win over the request's own.
	InvocationHTTPParameters HTTPParameters
}

// Connections finds connections by ARN.
type Connections interface {
	// Connection returns the connection, or an error wrapping
	// ErrConnectionNotFound when there is none by that ARN (or
	// ErrConnectionAccessDenied when the caller may not use it).
	Connection(ctx context.Context, arn string) (*Connection, error)
}

// Errors a Connections implementation wraps.
var (
	ErrConnectionNotFound     = errors.New("connection not found")
	ErrConnectionAccessDenied = errors.New("access to the connection denied")
)

// Reasons of connection errors; the HTTP Task fails with the error
// "Events.ConnectionResource." + reason.
const (
	CodeInvalidConnectionState        = "InvalidConnectionState"
	CodeInvalidPrivateConnectionState = "InvalidPrivateConnectionState"
	CodeAccessDenied                  = "AccessDenied"
	CodeResourceNotFound              = "ResourceNotFound"
	CodeAuthInProgress                = "AuthInProgress"
	CodeConcurrentModification        = "ConcurrentModification"
	CodeInternalError                 = "InternalError"
)

// ConnectionErrorPrefix starts the names of connection errors.
const ConnectionErrorPrefix = "Events.ConnectionResource."

// ConnectionError is a failure to use a connection: it is unknown, not
// authorized, or its OAuth token could not be obtained.
type ConnectionError struct {
	Code    string
	Message string
	Err     error
}

func (e *ConnectionError) Error() string { return e.Name() + ": " + e.Message }

// Unwrap returns the underlying error, if any.
func (e *ConnectionError) Unwrap() error { return e.Err }

// Name is the Step Functions error name, Events.ConnectionResource.<Code>.
func (e *ConnectionError) Name() string { return ConnectionErrorPrefix + e.Code }

// LookupConnection finds arn in cs and checks that the connection can be
// used. Every failure is a *ConnectionError.
func LookupConnection(ctx context.Context, cs Connections, arn string) (*Connection, error) {
	if cs == nil {
		return nil, &ConnectionError{Code: CodeResourceNotFound, Err: ErrConnectionNotFound,
			Message: fmt.Sprintf("Connection '%s' does not exist: no connections are configured", arn)}
	}
	conn, err := cs.Connection(ctx, arn)
	switch {
	case errors.Is(err, ErrConnectionNotFound):
		return nil, &ConnectionError{Code: CodeResourceNotFound, Err: err, Message: fmt.Sprintf("Connection '%s' does not exist", arn)}
	case errors.Is(err, ErrConnectionAccessDenied):
		return nil, &ConnectionError{Code: CodeAccessDenied, Err: err, Message: fmt.Sprintf("Access to connection '%s' is denied", arn)}
	case err != nil:
		return nil, &ConnectionError{Code: CodeInternalError, Err: err, Message: fmt.Sprintf("Connection '%s' could not be read: %v", arn, err)}
	case conn == nil:
		return nil, &ConnectionError{Code: CodeResourceNotFound, Err: ErrConnectionNotFound, Message: fmt.Sprintf("Connection '%s' does not exist", arn)}
	}
	if err := checkState(conn); err != nil {
		return nil, err
	}
	return conn, nil
}

func checkState(conn *Connection) error {
	switch conn.State {
	case "", StateAuthorized, StateActive:
		return nil
	case StateAuthorizing, StateCreating, StateUpdating:
		return &ConnectionError{Code: CodeAuthInProgress,
			Message: fmt.Sprintf("Connection '%s' is being authorized (state %s); try again later", conn.Arn, conn.State)}
	}
	return &ConnectionError{Code: CodeInvalidConnectionState,
		Message: fmt.Sprintf("Connection '%s' is in state %s; it must be AUTHORIZED", conn.Arn, conn.State)}
}

// Authorize applies conn to req: the connection's invocation headers and
// query string parameters (replacing the request's own of the same name)
// and its credentials (Basic or Bearer Authorization header, or the API
// key header). It does not touch the body; see MergeBodyParameters.
// Failures are *ConnectionError values.
func (v *Invoker) Authorize(ctx context.Context, req *http.Request, conn *Connection) error {
	if err := checkState(conn); err != nil {
		return err
	}
	for _, p := range conn.InvocationHTTPParameters.HeaderParameters {
		req.Header.Set(p.Key, p.Value)
	}
	if qs := conn.InvocationHTTPParameters.QueryStringParameters; len(qs) > 0 {
		req.URL.RawQuery = mergeQuery(req.URL.RawQuery, qs)
	}
	switch conn.AuthorizationType {
	case AuthBasic:
		if conn.Basic == nil {
			return invalidAuth(conn, "it has no basic authorization parameters")
		}
		req.SetBasicAuth(conn.Basic.Username, conn.Basic.Password)
	case AuthAPIKey:
		if conn.APIKey == nil || !validHeaderName(conn.APIKey.Name) {
			return invalidAuth(conn, "it has no valid API key parameters")
		}
		req.Header.Set(conn.APIKey.Name, conn.APIKey.Value)
	case AuthOAuthClientCredentials:
		token, err := v.Token(ctx, conn)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+token)
	default:
		return invalidAuth(conn, fmt.Sprintf("its authorization type %q is not one of BASIC, API_KEY, OAUTH_CLIENT_CREDENTIALS", conn.AuthorizationType))
	}
	return nil
}

func invalidAuth(conn *Connection, why string) error {
	return &ConnectionError{Code: CodeInvalidConnectionState, Message: fmt.Sprintf("Connection '%s' cannot authorize requests: %s", conn.Arn, why)}
}

// mergeQuery adds params to an encoded query string: a parameter whose
// name is already present replaces the first occurrence in place and drops
// the others; new names go at the end. Parts it does not replace are kept
// as they were written.
func mergeQuery(raw string, params []Parameter) string {
	type part struct{ name, text string }
	var parts []part
	if raw != "" {
		for _, text := range strings.Split(raw, "&") {
			name, _, _ := strings.Cut(text, "=")
			if n, err := url.QueryUnescape(name); err == nil {
				name = n
			}
			parts = append(parts, part{name: name, text: text})
		}
	}
	for _, p := range params {
		text := Escape(p.Key) + "=" + Escape(p.Value)
		replaced := false
		out := parts[:0]
		for _, q := range parts {
			if q.name != p.Key {
				out = append(out, q)
				continue
			}
			if !replaced {
				out = append(out, part{name: p.Key, text: text})
				replaced = true
			}
		}
		parts = out
		if !replaced {
			parts = append(parts, part{name: p.Key, text: text})
		}
	}
	texts := make([]string, len(parts))
	for i, q := range parts {
		texts[i] = q.text
	}
	return strings.Join(texts, "&")
}

// MergeBodyParameters adds a connection's body parameters to a JSON request
// body: keys already present take the connection's value in place, new
// keys are appended. An absent (nil) body becomes an object of the
// parameters. A body that is not an object cannot be merged with
// parameters; that is an error. Without parameters the body is returned as
// it is.
func MergeBodyParameters(body jsonvalue.Value, params []Parameter) (jsonvalue.Value, error) {
	if len(params) == 0 {
		return body, nil
	}
	var obj *jsonvalue.Object
	switch x := body.(type) {
	case nil:
		obj = jsonvalue.NewObject(len(params))
	case *jsonvalue.Object:
		obj = x.Clone()
	default:
		return nil, fmt.Errorf("the request body is %s and the connection has body parameters: only a JSON object body can be merged with them", describeBody(body))
	}
	for _, p := range params {
		obj.Set(p.Key, p.Value)
	}
	return obj, nil
}

func describeBody(v jsonvalue.Value) string {
	if _, ok := v.(string); ok {
		return "a string"
	}
	return "a JSON " + jsonvalue.TypeName(v)
}

// oauthRefreshWindow is how long before its expiry a cached token is
// replaced: EventBridge refreshes tokens that expire within 60 seconds.
const oauthRefreshWindow = 60 * time.Second

// maxTokenResponse bounds the size of an authorization endpoint's answer.
const maxTokenResponse = 1 << 20

type tokenCache struct {
	mu      sync.Mutex
	entries map[string]*tokenEntry
}

// tokenEntry is the cached token of one connection. Its mutex is held
// while a token is fetched, so concurrent callers share one request.
type tokenEntry struct {
	mu          sync.Mutex
	fingerprint string
	token       string
	expires     time.Time // zero when the endpoint gave no expiry
}

func (c *tokenCache) entry(arn string) *tokenEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = make(map[string]*tokenEntry)
	}
	e := c.entries[arn]
	if e == nil {
		e = &tokenEntry{}
		c.entries[arn] = e
	}
	return e
}

// fingerprint identifies the OAuth settings a token was obtained with, so
// that a changed connection does not keep using the old token.
func fingerprint(o *OAuthClientCredentials) string {
	var b strings.Builder
	field := func(s string) { b.WriteString(strconv.Itoa(len(s))); b.WriteByte(':'); b.WriteString(s) }
	field(o.AuthorizationEndpoint)
	field(o.HTTPMethod)
	field(o.ClientID)
	field(o.ClientSecret)
	for _, ps := range [][]Parameter{o.HTTPParameters.HeaderParameters, o.HTTPParameters.QueryStringParameters, o.HTTPParameters.BodyParameters} {
		b.WriteByte('|')
		for _, p := range ps {
			field(p.Key)
			field(p.Value)
		}
	}
	return b.String()
}

// Token returns an OAuth access token for an OAUTH_CLIENT_CREDENTIALS
// connection: the cached one unless it expires within 60 seconds, was
// invalidated, or the connection's OAuth settings changed; otherwise a new
// one from the authorization endpoint. Concurrent callers for the same
// connection share one token request. Failures are *ConnectionError
// values.
func (v *Invoker) Token(ctx context.Context, conn *Connection) (string, error) {
	if conn.OAuth == nil {
		return "", invalidAuth(conn, "it has no OAuth parameters")
	}
	fp := fingerprint(conn.OAuth)
	e := v.tokens.entry(conn.Arn)
	e.mu.Lock()
	defer e.mu.Unlock()
	now := v.now()
	if e.token != "" && e.fingerprint == fp && (e.expires.IsZero() || now.Add(oauthRefreshWindow).Before(e.expires)) {
		return e.token, nil
	}
	e.token = ""
	token, ttl, err := v.fetchToken(ctx, conn)
	if err != nil {
		return "", err
	}
	e.token, e.fingerprint, e.expires = token, fp, time.Time{}
	if ttl > 0 {
		e.expires = now.Add(ttl)
	}
	return token, nil
}

// InvalidateToken forgets the cached OAuth token of the connection arn, so
// the next request fetches a new one. Invoke calls it when an endpoint
// answers 401 or 407, as EventBridge does.
func (v *Invoker) InvalidateToken(arn string) {
	v.tokens.mu.Lock()
	e := v.tokens.entries[arn]
	v.tokens.mu.Unlock()
	if e == nil {
		return
	}
	e.mu.Lock()
	e.token = ""
	e.mu.Unlock()
}

func (v *Invoker) fetchToken(ctx context.Context, conn *Connection) (string, time.Duration, error) {
	o := conn.OAuth
	fail := func(format string, args ...any) error {
		return &ConnectionError{Code: CodeInvalidConnectionState,
			Message: fmt.Sprintf("Connection '%s' could not obtain an OAuth token: ", conn.Arn) + fmt.Sprintf(format, args...)}
	}
	method := strings.ToUpper(o.HTTPMethod)
	switch method {
	case "":
		method = http.MethodPost
	case http.MethodGet, http.MethodPost, http.MethodPut:
	default:
		return "", 0, fail("the authorization HTTP method %q is not GET, POST or PUT", o.HTTPMethod)
	}
	u, err := url.Parse(o.AuthorizationEndpoint)
	if err != nil || !u.IsAbs() || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", 0, fail("the authorization endpoint %q is not an http(s) URL", o.AuthorizationEndpoint)
	}
	query := o.HTTPParameters.QueryStringParameters
	var body io.Reader
	var form string
	if bp := o.HTTPParameters.BodyParameters; len(bp) > 0 {
		if method == http.MethodGet {
			query = append(append([]Parameter(nil), query...), bp...)
		} else {
			ps := make([]pair, len(bp))
			for i, p := range bp {
				ps[i] = pair{name: p.Key, value: Escape(p.Value)}
			}
			form = joinPairs(ps)
			body = strings.NewReader(form)
		}
	}
	if len(query) > 0 {
		u.RawQuery = mergeQuery(u.RawQuery, query)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return "", 0, fail("%v", err)
	}
	for _, p := range o.HTTPParameters.HeaderParameters {
		req.Header.Set(p.Key, p.Value)
	}
	if body != nil && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}
	req.Header.Set("User-Agent", v.userAgent())
	req.SetBasicAuth(o.ClientID, o.ClientSecret)
	resp, err := v.client().Do(req)
	if err != nil {
		return "", 0, fail("the authorization endpoint could not be reached: %v", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenResponse+1))
	if err != nil {
		return "", 0, fail("reading the authorization endpoint's answer failed: %v", err)
	}
	if len(data) > maxTokenResponse {
		return "", 0, fail("the authorization endpoint's answer exceeds %d bytes", maxTokenResponse)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return "", 0, fail("the authorization endpoint answered %s: %s", resp.Status, snippet(data))
	}
	doc, err := jsonvalue.Parse(data)
	obj, ok := doc.(*jsonvalue.Object)
	if err != nil || !ok {
		return "", 0, fail("the authorization endpoint's answer is not a JSON object: %s", snippet(data))
	}
	tv, _ := obj.Get("access_token")
	token, _ := tv.(string)
	if token == "" || !validHeaderValue(token) {
		return "", 0, fail("the authorization endpoint's answer has no usable access_token")
	}
	var ttl time.Duration
	if ev, ok := obj.Get("expires_in"); ok {
		var secs float64
		switch x := ev.(type) {
		case jsonvalue.Number:
			secs = x.Float64()
		case string:
			secs, _ = strconv.ParseFloat(x, 64)
		}
		if secs > 0 && secs < 1e9 {
			ttl = time.Duration(secs * float64(time.Second))
		}
	}
	return token, ttl, nil
}

// snippet returns the start of a response body for an error message.
func snippet(data []byte) string {
	const n = 256
	s := strings.ToValidUTF8(string(data), "\uFFFD")
	if len(s) > n {
		s = strings.ToValidUTF8(s[:n], "") + "..."
	}
	return s
}
