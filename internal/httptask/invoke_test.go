package httptask

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

func TestInvokeMethods(t *testing.T) {
	t.Parallel()
	for _, m := range Methods {
		t.Run(m, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, nil)
			v := &Invoker{}
			out, f := v.Invoke(context.Background(), params(t, `{"ApiEndpoint":"%s/things","Method":"%s"}`, s.URL, m))
			res := mustSucceed(t, out, f)
			req := s.only(t)
			if req.Method != m || req.Path != "/things" {
				t.Errorf("server saw %s %s, want %s /things", req.Method, req.Path, m)
			}
			if got := jsonvalue.Marshal(get(t, res, "StatusCode")); got != "200" {
				t.Errorf("StatusCode = %s", got)
			}
			if got := get(t, res, "StatusText"); got != "OK" {
				t.Errorf("StatusText = %v", got)
			}
			if got := jsonvalue.Marshal(get(t, res, "Headers", "content-type")); got != `["application/json"]` {
				t.Errorf("Headers.content-type = %s", got)
			}
			want := `{"ok":true}`
			if m == http.MethodHead {
				want = `""`
			}
			if got := jsonvalue.Marshal(get(t, res, "ResponseBody")); got != want {
				t.Errorf("ResponseBody = %s, want %s", got, want)
			}
			if keys := strings.Join(res.Keys(), ","); keys != "Headers,ResponseBody,StatusCode,StatusText" {
				t.Errorf("result keys = %s", keys)
			}
		})
	}
}

func TestInvokeRequestHeaders(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		extra  string
		region string
		want   map[string][]string // nil slice: header absent
	}{
		{
			name: "defaults without a body",
			want: map[string][]string{
				"User-Agent":   {"Amazon|StepFunctions|HttpInvoke|us-east-1"},
				"Range":        {"bytes=0-262144"},
				"Content-Type": nil,
			},
		},
		{
			name:   "defaults with a body and a region",
			extra:  `,"RequestBody":{"a":1}`,
			region: "eu-west-3",
			want: map[string][]string{
				"User-Agent":   {"Amazon|StepFunctions|HttpInvoke|eu-west-3"},
				"Content-Type": {"application/json; charset=UTF-8"},
			},
		},
		{
			name:  "task headers, several values, numbers and booleans",
			extra: `,"Headers":{"X-One":"1","x-many":["a","b"],"X-Num":42,"X-Bool":true,"X-Null":null}`,
			want: map[string][]string{
				"X-One":  {"1"},
				"X-Many": {"a", "b"},
				"X-Num":  {"42"},
				"X-Bool": {"true"},
				"X-Null": nil,
			},
		},
		{
			name:  "task content type kept",
			extra: `,"Headers":{"content-type":"text/plain"},"RequestBody":"hi"`,
			want:  map[string][]string{"Content-Type": {"text/plain"}},
		},
		{
			name:  "User-Agent and Range are set by Step Functions",
			extra: `,"Headers":{"User-Agent":"mine","Range":"bytes=0-1"}`,
			want: map[string][]string{
				"User-Agent": {"Amazon|StepFunctions|HttpInvoke|us-east-1"},
				"Range":      {"bytes=0-262144"},
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, nil)
			v := &Invoker{Region: c.region}
			_, f := v.Invoke(context.Background(), params(t, `{"ApiEndpoint":"%s","Method":"POST"%s}`, s.URL, c.extra))
			if f != nil {
				t.Fatal(f)
			}
			h := s.only(t).Header
			for name, want := range c.want {
				got := h.Values(name)
				if strings.Join(got, "|") != strings.Join(want, "|") || (want == nil) != (got == nil) {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
		})
	}
}

func TestInvokeForbiddenHeaders(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"Authorization", "host", "Accept-Encoding", "Transfer-Encoding", "Referer", "Server",
		"X-Forwarded-For", "x-amz-date", "X-Amzn-Trace-Id", "Cache-Control", "HTTP2-Settings", "TE"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, nil)
			_, f := (&Invoker{}).Invoke(context.Background(), params(t, `{"ApiEndpoint":"%s","Method":"GET","Headers":{"%s":"x"}}`, s.URL, name))
			mustFail(t, f, "States.Runtime", "'"+name+"'")
			if s.count() != 0 {
				t.Error("request was sent")
			}
		})
	}
}

func TestInvokeQueryParameters(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, endpoint, query, want string
	}{
		{"simple", "/p", `{"currency":"usd"}`, "currency=usd"},
		{"escaped", "/p", `{"q":"a b&c=d/é","k y":"~._-"}`, "q=a%20b%26c%3Dd%2F%C3%A9&k%20y=~._-"},
		{"scalars", "/p", `{"n":1.50,"t":true,"f":false,"z":null}`, "n=1.50&t=true&f=false&z="},
		{"arrays repeat", "/p", `{"tag":["blue","green"]}`, "tag=blue&tag=green"},
		{"objects nest", "/p", `{"o":{"a":1,"b":[2]}}`, "o%5Ba%5D=1&o%5Bb%5D=2"},
		{"appended to the endpoint's query", "/p?x=1", `{"y":"2"}`, "x=1&y=2"},
		{"endpoint query alone", "/p?x=1", `{}`, "x=1"},
		{"order kept", "/p", `{"b":"1","a":"2","c":"3"}`, "b=1&a=2&c=3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, nil)
			_, f := (&Invoker{}).Invoke(context.Background(), params(t, `{"ApiEndpoint":"%s%s","Method":"GET","QueryParameters":%s}`, s.URL, c.endpoint, c.query))
			if f != nil {
				t.Fatal(f)
			}
			if got := s.only(t).RawQuery; got != c.want {
				t.Errorf("query = %q, want %q", got, c.want)
			}
		})
	}
}

func TestInvokeRequestBody(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		body      string
		transform string
		want      string
	}{
		{"object as JSON", `{"b":1,"a":{"x":[1,"two",null]},"u":"é<>&"}`, ``, `{"b":1,"a":{"x":[1,"two",null]},"u":"é<>&"}`},
		{"NONE is JSON", `{"a":1.0}`, `{"RequestBodyEncoding":"NONE"}`, `{"a":1.0}`},
		{"string sent as is", `"raw text {not json}"`, ``, `raw text {not json}`},
		{"array as JSON", `[1,2]`, ``, `[1,2]`},
		{"number as JSON", `12`, ``, `12`},
		{"null sends no body", `null`, ``, ``},
		{"URL_ENCODED default INDICES", `{"array":["a","b","c","d"]}`, `{"RequestBodyEncoding":"URL_ENCODED"}`,
			"array%5B0%5D=a&array%5B1%5D=b&array%5B2%5D=c&array%5B3%5D=d"},
		{"INDICES", `{"array":["a","b","c","d"]}`, `{"RequestBodyEncoding":"URL_ENCODED","RequestEncodingOptions":{"ArrayFormat":"INDICES"}}`,
			"array%5B0%5D=a&array%5B1%5D=b&array%5B2%5D=c&array%5B3%5D=d"},
		{"REPEAT", `{"array":["a","b","c","d"]}`, `{"RequestBodyEncoding":"URL_ENCODED","RequestEncodingOptions":{"ArrayFormat":"REPEAT"}}`,
			"array=a&array=b&array=c&array=d"},
		{"COMMAS", `{"array":["a","b","c","d"]}`, `{"RequestBodyEncoding":"URL_ENCODED","RequestEncodingOptions":{"ArrayFormat":"COMMAS"}}`,
			"array=a,b,c,d"},
		{"BRACKETS", `{"array":["a","b","c","d"]}`, `{"RequestBodyEncoding":"URL_ENCODED","RequestEncodingOptions":{"ArrayFormat":"BRACKETS"}}`,
			"array%5B%5D=a&array%5B%5D=b&array%5B%5D=c&array%5B%5D=d"},
		{"AWS documentation example", `{"description":"Monthly subscription","metadata":{"order_details":"monthly report data"},"customer":"1234567890"}`,
			`{"RequestBodyEncoding":"URL_ENCODED","RequestEncodingOptions":{"ArrayFormat":"INDICES"}}`,
			"description=Monthly%20subscription&metadata%5Border_details%5D=monthly%20report%20data&customer=1234567890"},
		{"URL_ENCODED string sent as is", `"a=1&b=2"`, `{"RequestBodyEncoding":"URL_ENCODED"}`, `a=1&b=2`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, nil)
			transform := ""
			if c.transform != "" {
				transform = `,"Transform":` + c.transform
			}
			_, f := (&Invoker{}).Invoke(context.Background(), params(t, `{"ApiEndpoint":"%s","Method":"POST","RequestBody":%s%s}`, s.URL, c.body, transform))
			if f != nil {
				t.Fatal(f)
			}
			req := s.only(t)
			if req.Body != c.want {
				t.Errorf("body = %q, want %q", req.Body, c.want)
			}
			if c.want == "" && req.Header.Get("Content-Type") != "" {
				t.Errorf("Content-Type %q sent without a body", req.Header.Get("Content-Type"))
			}
		})
	}
}

// TestInvokeResponses checks how responses become results.
func TestInvokeResponses(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		contentType string
		body        string
		want        string // ResponseBody, as JSON
	}{
		{"JSON parsed, order and numbers kept", "application/json", `{"z":1.50,"a":[true,null]}`, `{"z":1.50,"a":[true,null]}`},
		{"JSON with charset", "application/json; charset=utf-8", `[1,2]`, `[1,2]`},
		{"+json suffix", "application/problem+json", `{"title":"x"}`, `{"title":"x"}`},
		{"JSON scalar", "application/json", `"s"`, `"s"`},
		{"invalid JSON kept as text", "application/json", `{"oops"`, `"{\"oops\""`},
		{"text", "text/plain", `hello`, `"hello"`},
		{"JSON text under a text type stays text", "text/plain", `{"a":1}`, `"{\"a\":1}"`},
		{"no content type", "", `abc`, `"abc"`},
		{"empty body", "application/json", ``, `""`},
		{"latin-1", "text/plain; charset=ISO-8859-1", "caf\xe9", `"café"`},
		{"UTF-8 BOM dropped", "application/json", "\xef\xbb\xbf{\"a\":1}", `{"a":1}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, func(w http.ResponseWriter, _ *http.Request) {
				if c.contentType != "" {
					w.Header().Set("Content-Type", c.contentType)
				} else {
					w.Header()["Content-Type"] = nil
				}
				w.Header().Add("X-Multi", "1")
				w.Header().Add("X-Multi", "2")
				io.WriteString(w, c.body)
			})
			out, f := (&Invoker{}).Invoke(context.Background(), params(t, `{"ApiEndpoint":"%s","Method":"GET"}`, s.URL))
			res := mustSucceed(t, out, f)
			if got := jsonvalue.Marshal(get(t, res, "ResponseBody")); got != c.want {
				t.Errorf("ResponseBody = %s, want %s", got, c.want)
			}
			if got := jsonvalue.Marshal(get(t, res, "Headers", "x-multi")); got != `["1","2"]` {
				t.Errorf("x-multi = %s", got)
			}
			headers := get(t, res, "Headers").(*jsonvalue.Object)
			for _, k := range headers.Keys() {
				if k != strings.ToLower(k) {
					t.Errorf("header name %q is not lower case", k)
				}
			}
		})
	}
}

func TestInvokeStatusCodes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		status    int
		wantError string
		wantText  string
	}{
		{201, "", "Created"},
		{204, "", "No Content"},
		{206, "", "Partial Content"},
		{302, "States.Http.StatusCode.302", "Found"},
		{400, "States.Http.StatusCode.400", "Bad Request"},
		{401, "States.Http.StatusCode.401", "Unauthorized"},
		{404, "States.Http.StatusCode.404", "Not Found"},
		{409, "States.Http.StatusCode.409", "Conflict"},
		{429, "States.Http.StatusCode.429", "Too Many Requests"},
		{500, "States.Http.StatusCode.500", "Internal Server Error"},
		{503, "States.Http.StatusCode.503", "Service Unavailable"},
	}
	for _, c := range cases {
		t.Run(http.StatusText(c.status), func(t *testing.T) {
			t.Parallel()
			s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				if c.status == 302 {
					w.Header().Set("Location", "/elsewhere")
				}
				if r.URL.Path == "/elsewhere" {
					t.Error("redirect followed")
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(c.status)
				if c.status != 204 {
					io.WriteString(w, `{"message":"m"}`)
				}
			})
			out, f := (&Invoker{}).Invoke(context.Background(), params(t, `{"ApiEndpoint":"%s/x","Method":"POST","RequestBody":{"a":1}}`, s.URL))
			if c.wantError == "" {
				res := mustSucceed(t, out, f)
				if got := get(t, res, "StatusText"); got != c.wantText {
					t.Errorf("StatusText = %v, want %s", got, c.wantText)
				}
				return
			}
			mustFail(t, f, c.wantError, "")
			if out != nil {
				t.Errorf("failed task has output %s", jsonvalue.Marshal(out))
			}
			cause, err := jsonvalue.ParseString(f.Cause)
			if err != nil {
				t.Fatalf("cause is not JSON: %v: %s", err, f.Cause)
			}
			if got := jsonvalue.Marshal(get(t, cause, "StatusCode")); got != jsonvalue.Marshal(jsonvalue.Int(int64(c.status))) {
				t.Errorf("cause StatusCode = %s", got)
			}
			if got := get(t, cause, "StatusText"); got != c.wantText {
				t.Errorf("cause StatusText = %v, want %s", got, c.wantText)
			}
			if got := jsonvalue.Marshal(get(t, cause, "ResponseBody")); got != `{"message":"m"}` {
				t.Errorf("cause ResponseBody = %s", got)
			}
			if c.status == 302 {
				if got := jsonvalue.Marshal(get(t, cause, "Headers", "location")); got != `["/elsewhere"]` {
					t.Errorf("cause location = %s", got)
				}
			}
			if s.count() != 1 {
				t.Errorf("server saw %d requests", s.count())
			}
		})
	}
}

func TestInvokeUnsupportedResponses(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, contentType, body, cause string
	}{
		{"octet-stream", "application/octet-stream", "abc", "application/octet-stream"},
		{"image", "image/png", "\x89PNG", "image/png"},
		{"audio", "audio/mpeg", "x", "audio/mpeg"},
		{"video", "video/mp4", "x", "video/mp4"},
		{"binary text", "text/plain", "\xff\xfe\x00", "cannot be read as a valid string"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", c.contentType)
				io.WriteString(w, c.body)
			})
			_, f := (&Invoker{}).Invoke(context.Background(), params(t, `{"ApiEndpoint":"%s","Method":"GET"}`, s.URL))
			mustFail(t, f, "States.Runtime", c.cause)
		})
	}
}

func TestInvokeResponseSizeLimit(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", MaxResponseBytes+10)
	t.Run("success too large", func(t *testing.T) {
		t.Parallel()
		s := newServer(t, func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, big) })
		_, f := (&Invoker{}).Invoke(context.Background(), params(t, `{"ApiEndpoint":"%s","Method":"GET"}`, s.URL))
		mustFail(t, f, "States.DataLimitExceeded", "262144")
	})
	t.Run("at the limit", func(t *testing.T) {
		t.Parallel()
		s := newServer(t, func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, big[:MaxResponseBytes]) })
		out, f := (&Invoker{}).Invoke(context.Background(), params(t, `{"ApiEndpoint":"%s","Method":"GET"}`, s.URL))
		res := mustSucceed(t, out, f)
		if got := get(t, res, "ResponseBody").(string); len(got) != MaxResponseBytes {
			t.Errorf("body of %d bytes", len(got))
		}
	})
	t.Run("large error cause is shortened", func(t *testing.T) {
		t.Parallel()
		s := newServer(t, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(500)
			io.WriteString(w, `{"a":"`+big[:100000]+`"}`)
		})
		_, f := (&Invoker{}).Invoke(context.Background(), params(t, `{"ApiEndpoint":"%s","Method":"GET"}`, s.URL))
		mustFail(t, f, "States.Http.StatusCode.500", "")
		if len(f.Cause) > MaxCauseLength {
			t.Errorf("cause of %d bytes", len(f.Cause))
		}
		cause, err := jsonvalue.ParseString(f.Cause)
		if err != nil {
			t.Fatalf("shortened cause is not JSON: %v", err)
		}
		if body, _ := get(t, cause, "ResponseBody").(string); !strings.HasPrefix(body, `{"a":"xxx`) || !strings.HasSuffix(body, "...") {
			t.Errorf("ResponseBody starts %.20q", body)
		}
	})
}

func TestInvokeTimeout(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	v := &Invoker{Timeout: 50 * time.Millisecond}
	start := time.Now()
	_, f := v.Invoke(context.Background(), params(t, `{"ApiEndpoint":"%s/slow?secret=1","Method":"GET"}`, s.URL))
	mustFail(t, f, "States.Http.Socket", "timed out after 50ms")
	if strings.Contains(f.Cause, "secret") {
		t.Errorf("cause shows the query string: %s", f.Cause)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	if got := describeDuration(DefaultTimeout); got != "60 seconds" {
		t.Errorf("default timeout described as %q", got)
	}
}

func TestInvokeSocketErrors(t *testing.T) {
	t.Parallel()
	s := newServer(t, nil)
	url := s.URL
	s.Close()
	_, f := (&Invoker{}).Invoke(context.Background(), params(t, `{"ApiEndpoint":"%s","Method":"GET"}`, url))
	mustFail(t, f, "States.Http.Socket", "failed")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, f = (&Invoker{}).Invoke(ctx, params(t, `{"ApiEndpoint":"%s","Method":"GET"}`, url))
	mustFail(t, f, "States.Http.Socket", "abandoned")
}

func TestInvokeInvalidParameters(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, params, cause string
	}{
		{"not an object", `[1]`, "must be a JSON object"},
		{"null", `null`, "'ApiEndpoint' and 'Method'"},
		{"no endpoint", `{"Method":"GET"}`, "'ApiEndpoint' is required"},
		{"no method", `{"ApiEndpoint":"https://x.test"}`, "'Method' is required"},
		{"endpoint not a string", `{"ApiEndpoint":1,"Method":"GET"}`, "'ApiEndpoint' must be a string"},
		{"relative endpoint", `{"ApiEndpoint":"/path","Method":"GET"}`, "absolute"},
		{"ftp endpoint", `{"ApiEndpoint":"ftp://x.test/","Method":"GET"}`, "'ApiEndpoint' must be an https://"},
		{"user info", `{"ApiEndpoint":"https://u:p@x.test/","Method":"GET"}`, "user information"},
		{"bad method", `{"ApiEndpoint":"https://x.test","Method":"FETCH"}`, "'Method' must be one of GET, POST, PUT, DELETE, PATCH, OPTIONS, HEAD"},
		{"lower-case method", `{"ApiEndpoint":"https://x.test","Method":"get"}`, "'Method' must be one of"},
		{"unknown field", `{"ApiEndpoint":"https://x.test","Method":"GET","Body":{}}`, "'Body' is not supported"},
		{"headers not an object", `{"ApiEndpoint":"https://x.test","Method":"GET","Headers":"a: b"}`, "'Headers' must be a JSON object"},
		{"header value object", `{"ApiEndpoint":"https://x.test","Method":"GET","Headers":{"X-A":{"b":1}}}`, "header 'X-A'"},
		{"header value control", `{"ApiEndpoint":"https://x.test","Method":"GET","Headers":{"X-A":"a\r\nB: c"}}`, "control character"},
		{"header name invalid", `{"ApiEndpoint":"https://x.test","Method":"GET","Headers":{"X A":"b"}}`, "not a valid HTTP header name"},
		{"query not an object", `{"ApiEndpoint":"https://x.test","Method":"GET","QueryParameters":"a=b"}`, "'QueryParameters' must be a JSON object"},
		{"transform encoding", `{"ApiEndpoint":"https://x.test","Method":"GET","Transform":{"RequestBodyEncoding":"JSON"}}`, "'Transform.RequestBodyEncoding' must be NONE or URL_ENCODED"},
		{"array format", `{"ApiEndpoint":"https://x.test","Method":"GET","Transform":{"RequestBodyEncoding":"URL_ENCODED","RequestEncodingOptions":{"ArrayFormat":"PIPES"}}}`, "ArrayFormat' must be one of"},
		{"transform field", `{"ApiEndpoint":"https://x.test","Method":"GET","Transform":{"Other":1}}`, "'Transform.Other' is not supported"},
		{"URL-encoded array body", `{"ApiEndpoint":"https://x.test","Method":"POST","RequestBody":[1],"Transform":{"RequestBodyEncoding":"URL_ENCODED"}}`, "'RequestBody' must be a JSON object"},
		{"authentication not an object", `{"ApiEndpoint":"https://x.test","Method":"GET","Authentication":"arn"}`, "'Authentication' must be a JSON object"},
		{"connection arn missing", `{"ApiEndpoint":"https://x.test","Method":"GET","InvocationConfig":{}}`, "'InvocationConfig' must hold the field 'ConnectionArn'"},
		{"connection arn empty", `{"ApiEndpoint":"https://x.test","Method":"GET","Authentication":{"ConnectionArn":""}}`, "'Authentication.ConnectionArn' must be the ARN"},
		{"both connection fields", `{"ApiEndpoint":"https://x.test","Method":"GET","Authentication":{"ConnectionArn":"a"},"InvocationConfig":{"ConnectionArn":"a"}}`, "either 'Authentication' or 'InvocationConfig'"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, f := (&Invoker{}).Invoke(context.Background(), params(t, "%s", c.params))
			mustFail(t, f, "States.Runtime", c.cause)
		})
	}
}

func TestInvokeRequireHTTPS(t *testing.T) {
	t.Parallel()
	s := newServer(t, nil)
	_, f := (&Invoker{RequireHTTPS: true}).Invoke(context.Background(), params(t, `{"ApiEndpoint":"%s","Method":"GET"}`, s.URL))
	mustFail(t, f, "States.Runtime", "must be an https:// URL")
	if s.count() != 0 {
		t.Error("request was sent")
	}
}

func TestInvokeTLS(t *testing.T) {
	t.Parallel()
	s := newServer(t, nil)
	s.Close()
	// A TLS server, reached with its own client, works with RequireHTTPS.
	tls := newTLSServer(t)
	v := &Invoker{RequireHTTPS: true, Client: tls.Client()}
	out, f := v.Invoke(context.Background(), params(t, `{"ApiEndpoint":"%s/secure","Method":"GET"}`, tls.URL))
	mustSucceed(t, out, f)
}

// TestInvokeReasonPhrase: StatusText is the reason phrase the server sent.
func TestInvokeReasonPhrase(t *testing.T) {
	t.Parallel()
	s := newServer(t, func(w http.ResponseWriter, _ *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		buf.WriteString("HTTP/1.1 299 Custom Thing\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi")
		buf.Flush()
	})
	out, f := (&Invoker{}).Invoke(context.Background(), params(t, `{"ApiEndpoint":"%s","Method":"GET"}`, s.URL))
	res := mustSucceed(t, out, f)
	if got := get(t, res, "StatusText"); got != "Custom Thing" {
		t.Errorf("StatusText = %v", got)
	}
	if got := jsonvalue.Marshal(get(t, res, "StatusCode")); got != "299" {
		t.Errorf("StatusCode = %s", got)
	}
}
