package bus

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// ceHeaders builds request headers from name/value pairs.
func ceHeaders(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

// binaryHeaders are the required binary-mode headers plus kv.
func binaryHeaders(kv ...string) http.Header {
	return ceHeaders(append([]string{"ce-specversion", "1.0", "ce-id", "A-1", "ce-source", "/orders", "ce-type", "order.created"}, kv...)...)
}

const structuredType = "application/cloudevents+json; charset=utf-8"

func TestCloudEventsParse(t *testing.T) {
	t.Parallel()
	type want struct {
		detail, attrs, subject string
		time                   time.Time
	}
	cases := []struct {
		name   string
		h      http.Header
		body   string
		want   []want
		status int    // an error's status
		errSub string // and part of its message
	}{
		{name: "structured object data", h: ceHeaders("Content-Type", structuredType),
			body: `{"specversion":"1.0","id":"A-1","source":"/orders","type":"order.created","subject":"o-7","time":"2024-05-01T10:00:00.5Z","datacontenttype":"application/json","tenant":"acme","data":{"total":250}}`,
			want: []want{{detail: `{"total":250}`, subject: "o-7", time: time.Date(2024, 5, 1, 10, 0, 0, 5e8, time.UTC),
				attrs: `{"specversion":"1.0","id":"A-1","source":"/orders","type":"order.created","datacontenttype":"application/json","subject":"o-7","time":"2024-05-01T10:00:00.5Z","tenant":"acme"}`}}},
		{name: "structured array data is wrapped", h: ceHeaders("Content-Type", structuredType),
			body: `{"specversion":"1.0","id":"1","source":"s","type":"t","data":[1,2]}`,
			want: []want{{detail: `{"data":[1,2]}`, attrs: `{"specversion":"1.0","id":"1","source":"s","type":"t"}`}}},
		{name: "structured text data", h: ceHeaders("Content-Type", structuredType),
			body: `{"specversion":"1.0","id":"1","source":"s","type":"t","datacontenttype":"text/plain","data":"hello"}`,
			want: []want{{detail: `{"data":"hello"}`, attrs: `{"specversion":"1.0","id":"1","source":"s","type":"t","datacontenttype":"text/plain"}`}}},
		{name: "structured data_base64", h: ceHeaders("Content-Type", structuredType),
			body: `{"specversion":"1.0","id":"1","source":"s","type":"t","data_base64":"AAEC"}`,
			want: []want{{detail: `{"data_base64":"AAEC"}`, attrs: `{"specversion":"1.0","id":"1","source":"s","type":"t"}`}}},
		{name: "structured without data, typed extensions, null attribute", h: ceHeaders("Content-Type", "application/cloudevents+json"),
			body: `{"specversion":"1.0","id":"1","source":"s","type":"t","subject":null,"seq":42,"urgent":true}`,
			want: []want{{detail: `{}`, attrs: `{"specversion":"1.0","id":"1","source":"s","type":"t","seq":42,"urgent":true}`}}},
		{name: "structured null data", h: ceHeaders("Content-Type", structuredType),
			body: `{"specversion":"1.0","id":"1","source":"s","type":"t","data":null}`,
			want: []want{{detail: `{}`, attrs: `{"specversion":"1.0","id":"1","source":"s","type":"t"}`}}},
		{name: "batch", h: ceHeaders("Content-Type", "application/cloudevents-batch+json"),
			body: `[{"specversion":"1.0","id":"1","source":"s","type":"t","data":{"a":1}},{"specversion":"1.0","id":"2","source":"s","type":"u"}]`,
			want: []want{{detail: `{"a":1}`, attrs: `{"specversion":"1.0","id":"1","source":"s","type":"t"}`},
				{detail: `{}`, attrs: `{"specversion":"1.0","id":"2","source":"s","type":"u"}`}}},
		{name: "empty batch", h: ceHeaders("Content-Type", "application/cloudevents-batch+json"), body: `[]`, want: []want{}},
		{name: "binary JSON object", h: binaryHeaders("Content-Type", "application/json", "ce-subject", "o-7", "ce-time", "2024-05-01T10:00:00+02:00", "ce-tenant", "acme", "ce-region", "eu"),
			body: `{"total":250}`,
			want: []want{{detail: `{"total":250}`, subject: "o-7", time: time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC),
				attrs: `{"specversion":"1.0","id":"A-1","source":"/orders","type":"order.created","datacontenttype":"application/json","subject":"o-7","time":"2024-05-01T10:00:00+02:00","region":"eu","tenant":"acme"}`}}},
		{name: "binary JSON array", h: binaryHeaders("Content-Type", "application/json"), body: `[1]`,
			want: []want{{detail: `{"data":[1]}`, attrs: `{"specversion":"1.0","id":"A-1","source":"/orders","type":"order.created","datacontenttype":"application/json"}`}}},
		{name: "binary +json suffix", h: binaryHeaders("Content-Type", "application/vnd.acme+json; charset=utf-8"), body: `{"x":1}`,
			want: []want{{detail: `{"x":1}`, attrs: `{"specversion":"1.0","id":"A-1","source":"/orders","type":"order.created","datacontenttype":"application/vnd.acme+json; charset=utf-8"}`}}},
		{name: "binary text", h: binaryHeaders("Content-Type", "text/plain"), body: `héllo`,
			want: []want{{detail: `{"data":"héllo"}`, attrs: `{"specversion":"1.0","id":"A-1","source":"/orders","type":"order.created","datacontenttype":"text/plain"}`}}},
		{name: "binary bytes", h: binaryHeaders("Content-Type", "application/octet-stream"), body: "\x00\x01\x02",
			want: []want{{detail: `{"data_base64":"AAEC"}`, attrs: `{"specversion":"1.0","id":"A-1","source":"/orders","type":"order.created","datacontenttype":"application/octet-stream"}`}}},
		{name: "binary no content type, JSON body", h: binaryHeaders(), body: `{"x":1}`,
			want: []want{{detail: `{"x":1}`, attrs: `{"specversion":"1.0","id":"A-1","source":"/orders","type":"order.created"}`}}},
		{name: "binary no content type, invalid UTF-8", h: binaryHeaders(), body: "\xff",
			want: []want{{detail: `{"data_base64":"/w=="}`, attrs: `{"specversion":"1.0","id":"A-1","source":"/orders","type":"order.created"}`}}},
		{name: "binary empty body", h: binaryHeaders(), body: ``,
			want: []want{{detail: `{}`, attrs: `{"specversion":"1.0","id":"A-1","source":"/orders","type":"order.created"}`}}},
		{name: "binary percent-encoded header", h: ceHeaders("ce-specversion", "1.0", "ce-id", "1", "ce-source", "s", "ce-type", "t", "ce-subject", "caf%C3%A9%20menu"), body: ``,
			want: []want{{detail: `{}`, subject: "café menu", attrs: `{"specversion":"1.0","id":"1","source":"s","type":"t","subject":"café menu"}`}}},

		{name: "missing specversion", h: ceHeaders("Content-Type", structuredType), body: `{"id":"1","source":"s","type":"t"}`,
			status: 400, errSub: `"specversion" is missing`},
		{name: "wrong specversion", h: ceHeaders("Content-Type", structuredType), body: `{"specversion":"0.3","id":"1","source":"s","type":"t"}`,
			status: 400, errSub: `"specversion" is "0.3"`},
		{name: "missing id", h: ceHeaders("Content-Type", structuredType), body: `{"specversion":"1.0","source":"s","type":"t"}`,
			status: 400, errSub: `"id" is missing`},
		{name: "empty source", h: ceHeaders("Content-Type", structuredType), body: `{"specversion":"1.0","id":"1","source":"","type":"t"}`,
			status: 400, errSub: `"source" is missing or empty`},
		{name: "missing type in binary mode", h: ceHeaders("ce-specversion", "1.0", "ce-id", "1", "ce-source", "s"), body: `{}`,
			status: 400, errSub: `"type" is missing`},
		{name: "bad time", h: binaryHeaders("ce-time", "yesterday"), status: 400, errSub: `"time" is not an RFC 3339 timestamp`},
		{name: "bad attribute name", h: ceHeaders("Content-Type", structuredType), body: `{"specversion":"1.0","id":"1","source":"s","type":"t","Tenant":"x"}`,
			status: 400, errSub: `Attribute name "Tenant" is not valid`},
		{name: "bad header attribute name", h: binaryHeaders("ce-my_ext", "x"), status: 400, errSub: `Ce-My_ext does not name a valid attribute`},
		{name: "object attribute", h: ceHeaders("Content-Type", structuredType), body: `{"specversion":"1.0","id":"1","source":"s","type":"t","ext":{}}`,
			status: 400, errSub: `"ext" must be a string, number or boolean`},
		{name: "numeric id", h: ceHeaders("Content-Type", structuredType), body: `{"specversion":"1.0","id":1,"source":"s","type":"t"}`,
			status: 400, errSub: `"id" must be a string`},
		{name: "data and data_base64", h: ceHeaders("Content-Type", structuredType), body: `{"specversion":"1.0","id":"1","source":"s","type":"t","data":1,"data_base64":"AA=="}`,
			status: 400, errSub: `not both`},
		{name: "bad base64", h: ceHeaders("Content-Type", structuredType), body: `{"specversion":"1.0","id":"1","source":"s","type":"t","data_base64":"!!"}`,
			status: 400, errSub: `"data_base64" is not valid base64`},
		{name: "structured not an object", h: ceHeaders("Content-Type", structuredType), body: `[]`,
			status: 400, errSub: `must be a JSON object, not array`},
		{name: "structured invalid JSON", h: ceHeaders("Content-Type", structuredType), body: `{"specversion":`,
			status: 400, errSub: `not a valid JSON CloudEvent`},
		{name: "batch not an array", h: ceHeaders("Content-Type", ceBatchType), body: `{}`,
			status: 400, errSub: `must be a JSON array`},
		{name: "batch entry not an object", h: ceHeaders("Content-Type", ceBatchType), body: `[1]`,
			status: 400, errSub: `Batch entry 0 must be a JSON object`},
		{name: "batch entry invalid", h: ceHeaders("Content-Type", ceBatchType), body: `[{"specversion":"1.0","id":"1","source":"s","type":"t"},{"specversion":"1.0","id":"2","source":"s"}]`,
			status: 400, errSub: `Batch entry 1: Required attribute "type"`},
		{name: "other event format", h: ceHeaders("Content-Type", "application/cloudevents+avro"), body: `x`,
			status: 415, errSub: `JSON event format only`},
		{name: "not a CloudEvent", h: ceHeaders("Content-Type", "application/json"), body: `{}`,
			status: 415, errSub: `not a CloudEvent`},
		{name: "binary body not JSON", h: binaryHeaders("Content-Type", "application/json"), body: `{oops`,
			status: 400, errSub: `not valid JSON although its Content-Type is application/json`},
		{name: "aws source", h: ceHeaders("Content-Type", structuredType), body: `{"specversion":"1.0","id":"1","source":"aws.s3","type":"t"}`,
			status: 400, errSub: `"source" may not start with "aws."`},
		{name: "type too long", h: ceHeaders("Content-Type", structuredType), body: `{"specversion":"1.0","id":"1","source":"s","type":"` + strings.Repeat("t", 129) + `"}`,
			status: 400, errSub: `"type" is longer than 128`},
		{name: "ce-data header", h: binaryHeaders("ce-data", "x"), status: 400, errSub: `not a ce-data header`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			evs, err := parseCloudEvents(tc.h, []byte(tc.body))
			if tc.errSub != "" {
				if err == nil {
					t.Fatalf("no error, want %d %q", tc.status, tc.errSub)
				}
				if err.Status != tc.status || !strings.Contains(err.Message, tc.errSub) {
					t.Fatalf("error %d %q, want %d containing %q", err.Status, err.Message, tc.status, tc.errSub)
				}
				return
			}
			if err != nil {
				t.Fatalf("error %v", err)
			}
			if len(evs) != len(tc.want) {
				t.Fatalf("%d events, want %d", len(evs), len(tc.want))
			}
			for i, w := range tc.want {
				ev := evs[i]
				if got := jsonvalue.Marshal(ev.detail); got != w.detail {
					t.Errorf("event %d: detail %s, want %s", i, got, w.detail)
				}
				if got := jsonvalue.Marshal(ev.attrs); got != w.attrs {
					t.Errorf("event %d: attributes\n %s, want\n %s", i, got, w.attrs)
				}
				if ev.subject != w.subject || !ev.time.Equal(w.time) {
					t.Errorf("event %d: subject %q time %v, want %q %v", i, ev.subject, ev.time, w.subject, w.time)
				}
			}
		})
	}
}

// FuzzParseCloudEvents checks that the parser never panics and that what it
// accepts is a valid event: the required attributes set, the detail an
// object, the attributes valid JSON.
func FuzzParseCloudEvents(f *testing.F) {
	f.Add(structuredType, "", `{"specversion":"1.0","id":"1","source":"s","type":"t","data":{"a":[1,"x"]}}`)
	f.Add(ceBatchType, "", `[{"specversion":"1.0","id":"1","source":"s","type":"t","data_base64":"AAEC"}]`)
	f.Add("application/json", "1.0", `{"x":1}`)
	f.Add("text/plain", "1.0", "hi")
	f.Add("", "1.0", "\xff\x00")
	f.Add("application/cloudevents+xml", "", "<x/>")
	f.Fuzz(func(t *testing.T, contentType, specversion, body string) {
		h := http.Header{}
		if contentType != "" {
			h.Set("Content-Type", contentType)
		}
		if specversion != "" {
			h.Set("ce-specversion", specversion)
			h.Set("ce-id", "1")
			h.Set("ce-source", "s")
			h.Set("ce-type", "t")
		}
		evs, err := parseCloudEvents(h, []byte(body))
		if err != nil {
			if err.Status < 400 || err.Status > 499 || err.Message == "" {
				t.Fatalf("error %d %q", err.Status, err.Message)
			}
			return
		}
		for _, ev := range evs {
			if ev.id == "" || ev.source == "" || ev.typ == "" || ev.detail == nil || ev.attrs == nil {
				t.Fatalf("incomplete event %+v", ev)
			}
			for _, v := range []jsonvalue.Value{ev.detail, ev.attrs} {
				s := jsonvalue.Marshal(v)
				back, perr := jsonvalue.ParseString(s)
				if perr != nil || jsonvalue.Marshal(back) != s {
					t.Fatalf("%s does not round-trip: %v", s, perr)
				}
			}
			if sv, _ := ev.attrs.Get("specversion"); sv != "1.0" {
				t.Fatalf("specversion %v", sv)
			}
		}
	})
}
