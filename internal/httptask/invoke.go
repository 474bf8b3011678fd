package httptask

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sluice-run/sluice/internal/interp"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// Errors an HTTP Task fails with, besides States.Http.StatusCode.<code>
// and the connection errors (see ConnectionError).
const (
	ErrRuntime           = "States.Runtime"
	ErrSocket            = "States.Http.Socket"
	ErrDataLimitExceeded = "States.DataLimitExceeded"
	// StatusCodeErrorPrefix is followed by the status code of a response
	// outside 2xx: States.Http.StatusCode.404.
	StatusCodeErrorPrefix = "States.Http.StatusCode."
)

// Limits and defaults.
const (
	// DefaultTimeout bounds one HTTP Task request, response included.
	DefaultTimeout = 60 * time.Second
	// MaxResponseBytes is the largest response body read; AWS asks for
	// no more with its Range header.
	MaxResponseBytes = 262144
	// MaxCauseLength is the longest cause a task failure may carry.
	MaxCauseLength = 32768
	// DefaultRegion is used in the User-Agent when Invoker.Region is empty.
	DefaultRegion = "us-east-1"
)

// Request headers Step Functions sets on every HTTP Task request.
const (
	userAgentPrefix    = "Amazon|StepFunctions|HttpInvoke|"
	rangeHeader        = "bytes=0-262144"
	defaultContentType = "application/json; charset=UTF-8"
)

// Invoker runs HTTP Tasks. The zero value works: it uses
// http.DefaultClient, knows no connections and times out after 60
// seconds. An Invoker caches OAuth tokens, is safe for concurrent use and
// must not be copied after first use.
type Invoker struct {
	// Client sends the requests; nil means http.DefaultClient. Redirects
	// are never followed and cookies never kept, whatever the client
	// says: a 3xx answer fails the task like any status outside 2xx.
	Client *http.Client
	// Connections resolves ConnectionArn. With nil, every task that names
	// a connection fails with Events.ConnectionResource.ResourceNotFound.
	// A task without a connection calls its endpoint without
	// authorization, a Sluice extension: AWS requires a connection.
	Connections Connections
	// Region appears in the User-Agent header; empty means DefaultRegion.
	Region string
	// Timeout bounds each request; zero means DefaultTimeout (60 s, as in
	// AWS). Timeouts fail with States.Http.Socket.
	Timeout time.Duration
	// RequireHTTPS refuses http:// endpoints, as AWS does. Sluice accepts
	// them by default.
	RequireHTTPS bool
	// Now returns the current time for OAuth token expiry; nil means
	// time.Now.
	Now func() time.Time

	tokens tokenCache
}

func (v *Invoker) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

func (v *Invoker) timeout() time.Duration {
	if v.Timeout > 0 {
		return v.Timeout
	}
	return DefaultTimeout
}

func (v *Invoker) userAgent() string {
	region := v.Region
	if region == "" {
		region = DefaultRegion
	}
	return userAgentPrefix + region
}

// client returns the HTTP client to use: the configured one, made not to
// follow redirects nor keep cookies.
func (v *Invoker) client() *http.Client {
	c := http.DefaultClient
	if v.Client != nil {
		c = v.Client
	}
	cc := *c
	cc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	cc.Jar = nil
	return &cc
}

func runtimeFailure(cause string) *interp.TaskFailure {
	return &interp.TaskFailure{Error: ErrRuntime, Cause: cause}
}

func connectionFailure(err error) *interp.TaskFailure {
	var ce *ConnectionError
	if errors.As(err, &ce) {
		return &interp.TaskFailure{Error: ce.Name(), Cause: ce.Message}
	}
	return &interp.TaskFailure{Error: ConnectionErrorPrefix + CodeInternalError, Cause: err.Error()}
}

// Invoke runs one HTTP Task with its effective Parameters and returns the
// task result or the failure the Task state fails with:
//
//   - States.Runtime for Parameters that are not valid (the cause names
//     the field), for a body that cannot be merged with the connection's
//     body parameters, and for responses AWS cannot use (content types
//     application/octet-stream, image/*, audio/*, video/*, or a body that
//     is not text);
//   - Events.ConnectionResource.<reason> when the connection is unknown,
//     not authorized or cannot get an OAuth token;
//   - States.Http.Socket when the request times out or the endpoint
//     cannot be reached;
//   - States.Http.StatusCode.<code> for a response outside 2xx, with the
//     response, as the result would have been, as a JSON cause;
//   - States.DataLimitExceeded for a response body over 256 KiB.
//
// The result is {"Headers": {name: [values]}, "ResponseBody": ...,
// "StatusCode": n, "StatusText": "..."}.
func (v *Invoker) Invoke(ctx context.Context, params jsonvalue.Value) (jsonvalue.Value, *interp.TaskFailure) {
	p := parser{requireHTTPS: v.RequireHTTPS}
	r, pe := p.parse(params)
	if pe != nil {
		return nil, runtimeFailure(pe.Message)
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, v.timeout())
	defer cancel()

	var conn *Connection
	if r.connectionArn != "" {
		c, err := LookupConnection(ctx, v.Connections, r.connectionArn)
		if err != nil {
			return nil, connectionFailure(err)
		}
		conn = c
	}

	body, hasBody := r.body, r.hasBody
	if conn != nil && len(conn.InvocationHTTPParameters.BodyParameters) > 0 {
		merged, err := MergeBodyParameters(body, conn.InvocationHTTPParameters.BodyParameters)
		if err != nil {
			return nil, runtimeFailure(fmt.Sprintf("The RequestBody cannot be merged with the body parameters of connection '%s': %v", conn.Arn, err))
		}
		body, hasBody = merged, true
	}
	var payload []byte
	if hasBody && body != nil {
		switch x := body.(type) {
		case string:
			payload = []byte(x)
		case *jsonvalue.Object:
			if r.urlEncoded {
				form, err := EncodeForm(x, r.arrayFormat)
				if err != nil {
					return nil, runtimeFailure("The RequestBody cannot be URL-encoded: " + err.Error())
				}
				payload = []byte(form)
			} else {
				payload = jsonvalue.Append(nil, x)
			}
		default:
			if r.urlEncoded {
				return nil, runtimeFailure(fmt.Sprintf("The RequestBody must be a JSON object to be URL-encoded, not %s", jsonvalue.TypeName(body)))
			}
			payload = jsonvalue.Append(nil, x)
		}
	} else {
		hasBody = false
	}

	u := *r.url
	if len(r.query) > 0 {
		q := joinPairs(r.query)
		if u.RawQuery != "" {
			q = u.RawQuery + "&" + q
		}
		u.RawQuery = q
	}
	var reader io.Reader
	if hasBody {
		reader = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u.String(), reader)
	if err != nil {
		return nil, runtimeFailure(fmt.Sprintf("The field 'ApiEndpoint' does not give a usable URL: %v", err))
	}
	for _, h := range r.headers {
		for _, value := range h.values {
			req.Header.Add(h.name, value)
		}
	}
	if conn != nil {
		if err := v.Authorize(ctx, req, conn); err != nil {
			if ctx.Err() != nil {
				// The deadline passed, or the task was abandoned, while
				// the OAuth token was being fetched.
				return nil, v.socketFailure(parent, ctx, r.url, err)
			}
			return nil, connectionFailure(err)
		}
	}
	if hasBody && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", defaultContentType)
	}
	req.Header.Set("User-Agent", v.userAgent())
	req.Header.Set("Range", rangeHeader)

	resp, err := v.client().Do(req)
	if err != nil {
		return nil, v.socketFailure(parent, ctx, r.url, err)
	}
	defer resp.Body.Close()
	if conn != nil && conn.AuthorizationType == AuthOAuthClientCredentials &&
		(resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusProxyAuthRequired) {
		// As EventBridge does, a rejected token is refreshed for the next
		// attempt (a Retry on States.Http.StatusCode.401); this attempt
		// fails.
		v.InvalidateToken(conn.Arn)
	}
	return v.result(parent, ctx, r, resp)
}

// endpointName prints an endpoint for a cause without its query string,
// which may hold a connection's secrets.
func endpointName(u *url.URL) string {
	c := *u
	c.RawQuery, c.ForceQuery = "", false
	return c.String()
}

func (v *Invoker) socketFailure(parent, ctx context.Context, u *url.URL, err error) *interp.TaskFailure {
	name := endpointName(u)
	switch {
	case parent.Err() != nil:
		return &interp.TaskFailure{Error: ErrSocket, Cause: fmt.Sprintf("The HTTP request to %s was abandoned: %v", name, context.Cause(parent))}
	case ctx.Err() != nil || isTimeout(err):
		return &interp.TaskFailure{Error: ErrSocket, Cause: fmt.Sprintf("The HTTP request to %s timed out after %s", name, describeDuration(v.timeout()))}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return &interp.TaskFailure{Error: ErrSocket, Cause: fmt.Sprintf("The HTTP request to %s failed: %v", name, err)}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

func describeDuration(d time.Duration) string {
	if d%time.Second == 0 {
		n := int64(d / time.Second)
		if n == 1 {
			return "1 second"
		}
		return strconv.FormatInt(n, 10) + " seconds"
	}
	return d.String()
}

// result reads the response and builds the task result or failure.
func (v *Invoker) result(parent, ctx context.Context, r *request, resp *http.Response) (jsonvalue.Value, *interp.TaskFailure) {
	ok := resp.StatusCode >= 200 && resp.StatusCode <= 299
	var data []byte
	tooBig := false
	if r.method != http.MethodHead {
		var err error
		data, err = io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes+1))
		if err != nil {
			return nil, v.socketFailure(parent, ctx, r.url, err)
		}
		if len(data) > MaxResponseBytes {
			data, tooBig = data[:MaxResponseBytes], true
		}
	}
	mediaType, charset := contentType(resp.Header.Get("Content-Type"))
	text, textOK := decodeText(data, charset)

	out := jsonvalue.NewObject(4)
	out.Append("Headers", responseHeaders(resp.Header))
	if !ok {
		var bodyValue jsonvalue.Value = ""
		if textOK {
			bodyValue = responseBody(text, mediaType)
			if tooBig {
				bodyValue = text
			}
		}
		out.Append("ResponseBody", bodyValue)
		out.Append("StatusCode", jsonvalue.Int(int64(resp.StatusCode)))
		out.Append("StatusText", statusText(resp))
		return nil, &interp.TaskFailure{
			Error: StatusCodeErrorPrefix + strconv.Itoa(resp.StatusCode),
			Cause: statusCause(out),
		}
	}
	if tooBig {
		return nil, &interp.TaskFailure{Error: ErrDataLimitExceeded, Cause: fmt.Sprintf(
			"The response body from %s exceeds the maximum size of %d bytes", endpointName(r.url), MaxResponseBytes)}
	}
	if unsupportedMediaType(mediaType) {
		return nil, runtimeFailure(fmt.Sprintf(
			"The response from %s has the content type '%s', which the HTTP Task does not support (application/octet-stream, image/*, audio/* and video/* are not supported)",
			endpointName(r.url), mediaType))
	}
	if !textOK {
		return nil, runtimeFailure(fmt.Sprintf("The response body from %s cannot be read as a valid string", endpointName(r.url)))
	}
	out.Append("ResponseBody", responseBody(text, mediaType))
	out.Append("StatusCode", jsonvalue.Int(int64(resp.StatusCode)))
	out.Append("StatusText", statusText(resp))
	return out, nil
}

// contentType returns the lower-case media type and charset of a
// Content-Type header.
func contentType(h string) (string, string) {
	if h == "" {
		return "", ""
	}
	mt, params, err := mime.ParseMediaType(h)
	if err != nil {
		mt, _, _ = strings.Cut(h, ";")
		return strings.ToLower(strings.TrimSpace(mt)), ""
	}
	return mt, strings.ToLower(params["charset"])
}

func unsupportedMediaType(mt string) bool {
	return mt == "application/octet-stream" || strings.HasPrefix(mt, "image/") ||
		strings.HasPrefix(mt, "audio/") || strings.HasPrefix(mt, "video/")
}

// decodeText decodes a response body to a string: Latin-1 and ASCII
// bodies are converted, anything else must be valid UTF-8.
func decodeText(data []byte, charset string) (string, bool) {
	switch charset {
	case "iso-8859-1", "latin1", "iso8859-1", "l1":
		runes := make([]rune, len(data))
		for i, b := range data {
			runes[i] = rune(b)
		}
		return string(runes), true
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return "", false
	}
	return string(data), true
}

// responseBody is the ResponseBody of a result: parsed JSON for a JSON
// media type that parses, the text otherwise.
func responseBody(text, mediaType string) jsonvalue.Value {
	if text != "" && (mediaType == "application/json" || strings.HasSuffix(mediaType, "+json")) {
		if v, err := jsonvalue.ParseString(text); err == nil {
			return v
		}
	}
	return text
}

// responseHeaders lists the response headers with lower-case names, in
// name order, each with the array of its values.
func responseHeaders(h http.Header) *jsonvalue.Object {
	names := make([]string, 0, len(h))
	values := make(map[string][]jsonvalue.Value, len(h))
	for k, vs := range h {
		n := strings.ToLower(k)
		if _, seen := values[n]; !seen {
			names = append(names, n)
		}
		for _, s := range vs {
			values[n] = append(values[n], strings.ToValidUTF8(s, "\uFFFD"))
		}
		if values[n] == nil {
			values[n] = []jsonvalue.Value{}
		}
	}
	slices.Sort(names)
	out := jsonvalue.NewObject(len(names))
	for _, n := range names {
		out.Append(n, values[n])
	}
	return out
}

// statusText is the reason phrase the server sent, or the standard one.
func statusText(resp *http.Response) string {
	code := strconv.Itoa(resp.StatusCode)
	text := strings.TrimSpace(strings.TrimPrefix(resp.Status, code))
	if text == "" {
		text = http.StatusText(resp.StatusCode)
	}
	return strings.ToValidUTF8(text, "\uFFFD")
}

// statusCause prints the response of a failed request as the cause: the
// JSON document the result would have been. A cause longer than
// MaxCauseLength has its ResponseBody shortened to text, then its headers
// dropped.
func statusCause(out *jsonvalue.Object) string {
	cause := jsonvalue.Marshal(out)
	if len(cause) <= MaxCauseLength {
		return cause
	}
	short := out.Clone()
	body, _ := short.Get("ResponseBody")
	text, ok := body.(string)
	if !ok {
		text = jsonvalue.Marshal(body)
	}
	for range 4 {
		over := len(cause) - MaxCauseLength
		if over <= 0 {
			return cause
		}
		cut := len(text) - over - 16
		if cut <= 0 {
			text = ""
		} else {
			text = strings.ToValidUTF8(text[:cut], "") + "..."
		}
		short.Set("ResponseBody", text)
		cause = jsonvalue.Marshal(short)
		if text == "" {
			break
		}
	}
	if len(cause) > MaxCauseLength {
		short.Set("Headers", jsonvalue.NewObject(0))
		cause = jsonvalue.Marshal(short)
	}
	return cause
}
