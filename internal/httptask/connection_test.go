package httptask

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// TestConnectionMergeAWSExample replays the data-merging example of the AWS
// documentation: the connection's header, query and body values win.
func TestConnectionMergeAWSExample(t *testing.T) {
	t.Parallel()
	s := newServer(t, nil)
	const arn = "arn:aws:events:us-east-1:123456789012:connection/Example/81210c42"
	v := &Invoker{Connections: connections{arn: {
		Arn:               arn,
		AuthorizationType: AuthAPIKey,
		APIKey:            &APIKeyAuth{Name: "ApiKey", Value: "key_value"},
		InvocationHTTPParameters: HTTPParameters{
			BodyParameters:        []Parameter{{Key: "BodyParam", Value: "connection_body_param"}},
			HeaderParameters:      []Parameter{{Key: "Header-Param", Value: "connection_header_param"}},
			QueryStringParameters: []Parameter{{Key: "QueryParam", Value: "connection_query_param"}},
		},
	}}}
	_, f := v.Invoke(context.Background(), params(t, `{
		"Authentication": {"ConnectionArn": "%s"},
		"ApiEndpoint": "%s/path",
		"Method": "POST",
		"Headers": {"Request-Id": "my_request_id", "Header-Param": "state_machine_header_param"},
		"RequestBody": {"Job": "Software Engineer", "Company": "AnyCompany", "BodyParam": "state_machine_body_param"},
		"QueryParameters": {"QueryParam": "state_machine_query_param"}
	}`, arn, s.URL))
	if f != nil {
		t.Fatal(f)
	}
	req := s.only(t)
	if req.RawQuery != "QueryParam=connection_query_param" {
		t.Errorf("query = %q", req.RawQuery)
	}
	for name, want := range map[string]string{
		"Apikey":       "key_value",
		"Header-Param": "connection_header_param",
		"Request-Id":   "my_request_id",
		"Content-Type": "application/json; charset=UTF-8",
		"Range":        "bytes=0-262144",
	} {
		if got := req.Header.Values(name); len(got) != 1 || got[0] != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if want := `{"Job":"Software Engineer","Company":"AnyCompany","BodyParam":"connection_body_param"}`; req.Body != want {
		t.Errorf("body = %s, want %s", req.Body, want)
	}
}

func TestConnectionAuthorization(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		conn  Connection
		extra string
		check func(t *testing.T, req seen)
	}{
		{
			name: "basic",
			conn: Connection{AuthorizationType: AuthBasic, Basic: &BasicAuth{Username: "myUsername", Password: "myPassword"}},
			check: func(t *testing.T, req seen) {
				if got := req.Header.Get("Authorization"); got != "Basic bXlVc2VybmFtZTpteVBhc3N3b3Jk" {
					t.Errorf("Authorization = %q", got)
				}
			},
		},
		{
			name: "api key",
			conn: Connection{AuthorizationType: AuthAPIKey, APIKey: &APIKeyAuth{Name: "x-api-key", Value: "s3cret"}},
			check: func(t *testing.T, req seen) {
				if got := req.Header.Get("X-Api-Key"); got != "s3cret" {
					t.Errorf("x-api-key = %q", got)
				}
			},
		},
		{
			name: "query parameters appended after the task's",
			conn: Connection{AuthorizationType: AuthAPIKey, APIKey: &APIKeyAuth{Name: "K", Value: "v"},
				InvocationHTTPParameters: HTTPParameters{QueryStringParameters: []Parameter{{Key: "QueryParam1", Value: "Query Value1"}, {Key: "dup", Value: "conn"}}}},
			extra: `,"QueryParameters":{"queryParam":"q1","dup":["a","b"],"z":"1"}`,
			check: func(t *testing.T, req seen) {
				if want := "queryParam=q1&dup=conn&z=1&QueryParam1=Query%20Value1"; req.RawQuery != want {
					t.Errorf("query = %q, want %q", req.RawQuery, want)
				}
			},
		},
		{
			name: "connection content type wins, whatever its case",
			conn: Connection{AuthorizationType: AuthAPIKey, APIKey: &APIKeyAuth{Name: "K", Value: "v"},
				InvocationHTTPParameters: HTTPParameters{HeaderParameters: []Parameter{{Key: "content-type", Value: "application/vnd.x+json"}}}},
			extra: `,"Headers":{"Content-Type":"text/plain"},"RequestBody":{"a":1}`,
			check: func(t *testing.T, req seen) {
				if got := req.Header.Values("Content-Type"); len(got) != 1 || got[0] != "application/vnd.x+json" {
					t.Errorf("Content-Type = %q", got)
				}
			},
		},
		{
			name: "body parameters without a body",
			conn: Connection{AuthorizationType: AuthAPIKey, APIKey: &APIKeyAuth{Name: "K", Value: "v"},
				InvocationHTTPParameters: HTTPParameters{BodyParameters: []Parameter{{Key: "BodyKey1", Value: "BodyValue1"}}}},
			check: func(t *testing.T, req seen) {
				if req.Body != `{"BodyKey1":"BodyValue1"}` {
					t.Errorf("body = %s", req.Body)
				}
			},
		},
		{
			name: "body parameters merged before URL-encoding",
			conn: Connection{AuthorizationType: AuthAPIKey, APIKey: &APIKeyAuth{Name: "K", Value: "v"},
				InvocationHTTPParameters: HTTPParameters{BodyParameters: []Parameter{{Key: "client secret", Value: "a&b"}}}},
			extra: `,"Headers":{"Content-Type":"application/x-www-form-urlencoded"},"RequestBody":{"list":[1,2]},"Transform":{"RequestBodyEncoding":"URL_ENCODED","RequestEncodingOptions":{"ArrayFormat":"BRACKETS"}}`,
			check: func(t *testing.T, req seen) {
				if want := "list%5B%5D=1&list%5B%5D=2&client%20secret=a%26b"; req.Body != want {
					t.Errorf("body = %s, want %s", req.Body, want)
				}
			},
		},
	}
	for _, c := range cases {
		for _, field := range []string{FieldAuthentication, FieldInvocationConfig} {
			t.Run(c.name+"/"+field, func(t *testing.T) {
				t.Parallel()
				s := newServer(t, nil)
				conn := c.conn
				conn.Arn = "arn:c"
				v := &Invoker{Connections: connections{"arn:c": &conn}}
				_, f := v.Invoke(context.Background(), params(t, `{"ApiEndpoint":"%s","Method":"POST","%s":{"ConnectionArn":"arn:c"}%s}`, s.URL, field, c.extra))
				if f != nil {
					t.Fatal(f)
				}
				c.check(t, s.only(t))
			})
		}
	}
}

func TestConnectionErrors(t *testing.T) {
	t.Parallel()
	known := connections{
		"arn:deauthorized": {Arn: "arn:deauthorized", State: StateDeauthorized, AuthorizationType: AuthBasic, Basic: &BasicAuth{}},
		"arn:authorizing":  {Arn: "arn:authorizing", State: StateAuthorizing, AuthorizationType: AuthBasic, Basic: &BasicAuth{}},
		"arn:weird":        {Arn: "arn:weird", AuthorizationType: "DIGEST"},
		"arn:nobasic":      {Arn: "arn:nobasic", AuthorizationType: AuthBasic},
	}
	cases := []struct {
		name        string
		conns       Connections
		arn         string
		body        string
		wantError   string
		wantInCause string
	}{
		{"unknown", known, "arn:nope", "", "Events.ConnectionResource.ResourceNotFound", "'arn:nope' does not exist"},
		{"no connections configured", nil, "arn:any", "", "Events.ConnectionResource.ResourceNotFound", "no connections"},
		{"access denied", known, "arn:denied", "", "Events.ConnectionResource.AccessDenied", "denied"},
		{"store failure", known, "arn:broken", "", "Events.ConnectionResource.InternalError", "store unavailable"},
		{"deauthorized", known, "arn:deauthorized", "", "Events.ConnectionResource.InvalidConnectionState", "DEAUTHORIZED"},
		{"authorizing", known, "arn:authorizing", "", "Events.ConnectionResource.AuthInProgress", "AUTHORIZING"},
		{"unknown authorization type", known, "arn:weird", "", "Events.ConnectionResource.InvalidConnectionState", "DIGEST"},
		{"missing basic parameters", known, "arn:nobasic", "", "Events.ConnectionResource.InvalidConnectionState", "basic"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, nil)
			v := &Invoker{Connections: c.conns}
			_, f := v.Invoke(context.Background(), params(t, `{"ApiEndpoint":"%s","Method":"GET","Authentication":{"ConnectionArn":"%s"}}`, s.URL, c.arn))
			mustFail(t, f, c.wantError, c.wantInCause)
			if s.count() != 0 {
				t.Error("request was sent")
			}
		})
	}
}

func TestConnectionStringBodyCannotMerge(t *testing.T) {
	t.Parallel()
	s := newServer(t, nil)
	v := &Invoker{Connections: connections{"arn:c": {
		Arn: "arn:c", AuthorizationType: AuthBasic, Basic: &BasicAuth{Username: "u"},
		InvocationHTTPParameters: HTTPParameters{BodyParameters: []Parameter{{Key: "k", Value: "v"}}},
	}}}
	for _, body := range []string{`"text"`, `[1]`, `7`} {
		_, f := v.Invoke(context.Background(), params(t, `{"ApiEndpoint":"%s","Method":"POST","RequestBody":%s,"Authentication":{"ConnectionArn":"arn:c"}}`, s.URL, body))
		mustFail(t, f, "States.Runtime", "cannot be merged")
	}
	if s.count() != 0 {
		t.Error("request was sent")
	}
}

// TestAuthorizeRequest uses Authorize directly, as an API destination does.
func TestAuthorizeRequest(t *testing.T) {
	t.Parallel()
	req, _ := http.NewRequest(http.MethodPost, "https://api.test/hook?a=1&b=2", nil)
	req.Header.Set("X-Mode", "request")
	conn := &Connection{
		Arn: "arn:c", AuthorizationType: AuthBasic, Basic: &BasicAuth{Username: "u", Password: "p"},
		InvocationHTTPParameters: HTTPParameters{
			HeaderParameters:      []Parameter{{Key: "X-Mode", Value: "connection"}},
			QueryStringParameters: []Parameter{{Key: "a", Value: "9"}, {Key: "c", Value: "x y"}},
		},
	}
	if err := (&Invoker{}).Authorize(context.Background(), req, conn); err != nil {
		t.Fatal(err)
	}
	if got := req.URL.RawQuery; got != "a=9&b=2&c=x%20y" {
		t.Errorf("query = %q", got)
	}
	if got := req.Header.Get("X-Mode"); got != "connection" {
		t.Errorf("X-Mode = %q", got)
	}
	if u, p, ok := req.BasicAuth(); !ok || u != "u" || p != "p" {
		t.Errorf("basic auth = %q %q %v", u, p, ok)
	}

	conn.State = StateDeauthorized
	err := (&Invoker{}).Authorize(context.Background(), req, conn)
	var ce *ConnectionError
	if !errors.As(err, &ce) || ce.Name() != "Events.ConnectionResource.InvalidConnectionState" {
		t.Errorf("Authorize on a deauthorized connection: %v", err)
	}
}

func TestLookupConnectionWraps(t *testing.T) {
	t.Parallel()
	_, err := LookupConnection(context.Background(), connections{}, "arn:x")
	if !errors.Is(err, ErrConnectionNotFound) {
		t.Errorf("error %v does not wrap ErrConnectionNotFound", err)
	}
}

func TestMergeBodyParameters(t *testing.T) {
	t.Parallel()
	ps := []Parameter{{Key: "b", Value: "conn"}, {Key: "c", Value: "new"}}
	cases := []struct {
		body, want string
		err        bool
	}{
		{`{"a":1,"b":2}`, `{"a":1,"b":"conn","c":"new"}`, false},
		{`null`, `{"b":"conn","c":"new"}`, false},
		{`"s"`, ``, true},
		{`[]`, ``, true},
	}
	for _, c := range cases {
		body := jsonvalue.MustParse(c.body)
		got, err := MergeBodyParameters(body, ps)
		if (err != nil) != c.err {
			t.Errorf("MergeBodyParameters(%s) error = %v", c.body, err)
			continue
		}
		if err == nil && jsonvalue.Marshal(got) != c.want {
			t.Errorf("MergeBodyParameters(%s) = %s, want %s", c.body, jsonvalue.Marshal(got), c.want)
		}
	}
	// The input is not changed.
	body := jsonvalue.MustParse(`{"b":1}`)
	if _, err := MergeBodyParameters(body, ps); err != nil || jsonvalue.Marshal(body) != `{"b":1}` {
		t.Errorf("input changed to %s", jsonvalue.Marshal(body))
	}
	if got, _ := MergeBodyParameters("s", nil); got != "s" {
		t.Errorf("without parameters the body changed to %v", got)
	}
}

func TestMergeQuery(t *testing.T) {
	t.Parallel()
	cases := []struct {
		raw    string
		params []Parameter
		want   string
	}{
		{"", []Parameter{{Key: "a", Value: "1 2"}}, "a=1%202"},
		{"flag&x=1&a=old&a=older", []Parameter{{Key: "a", Value: "new"}}, "flag&x=1&a=new"},
		{"k%20y=1&b=2", []Parameter{{Key: "k y", Value: "3"}, {Key: "c", Value: "&"}}, "k%20y=3&b=2&c=%26"},
		{"arr[]=1", []Parameter{{Key: "z", Value: ""}}, "arr[]=1&z="},
	}
	for _, c := range cases {
		if got := mergeQuery(c.raw, c.params); got != c.want {
			t.Errorf("mergeQuery(%q) = %q, want %q", c.raw, got, c.want)
		}
	}
}
