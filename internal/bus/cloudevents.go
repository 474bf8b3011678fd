package bus

// CloudEvents ingest: POST /cloudevents/{bus} puts CloudEvents 1.0 into an
// event bus, following the CloudEvents HTTP protocol binding in its three
// modes:
//
//   - structured: Content-Type application/cloudevents+json, the body is
//     one event in the JSON event format;
//   - batched: Content-Type application/cloudevents-batch+json, the body is
//     a JSON array of such events (possibly empty);
//   - binary: the context attributes are ce-* headers (ce-specversion,
//     ce-id, ce-source, ce-type, optional ce-time, ce-subject,
//     ce-dataschema and extensions) and the body is the event's data,
//     described by its Content-Type.
//
// The {bus} part of the path is a bus name or a bus ARN. A name is looked
// up in the region of the request's SigV4 credential scope when it has one,
// else in the server's configured region; an ARN names its own region.
//
// Each CloudEvent becomes one EventBridge event:
//
//	version      "0"
//	id           a new UUID (the EventBridge event id, returned to the caller)
//	detail-type  the CloudEvent's type
//	source       the CloudEvent's source
//	account      the server's account
//	time         the CloudEvent's time, or the time of receipt without one
//	region       the bus's region
//	resources    [subject] when the CloudEvent has a subject, else []
//	detail       the data, see below
//	cloudevent   every context attribute but the data: specversion, id,
//	             source, type, datacontenttype, dataschema, subject, time
//	             (as sent) and the extensions
//
// The detail is the data itself when the data is a JSON object. Other data
// is wrapped: a JSON value that is not an object as {"data": value}, text
// as {"data": "text"}, binary data (data_base64 in the JSON format, or a
// body that is not UTF-8 or is application/octet-stream in binary mode) as
// {"data_base64": "..."}. An event without data has the detail {}.
//
// Rules match the mapped fields like any others, for example
// {"source": ["/orders"], "detail-type": ["com.example.order.created"]}
// or {"cloudevent": {"id": ["A234-1234-1234"]}} or
// {"cloudevent": {"tenant": ["acme"]}} for an extension.
//
// The events pass the checks PutEvents applies to an entry (a source of at
// most 256 characters not starting with "aws.", a detail-type of at most
// 128), and a request's events together may not exceed 256 KiB counted as
// PutEvents counts entries plus the size of the "cloudevent" members. A
// request is all or nothing: one invalid event rejects it with 400 (415
// for an unsupported format) and nothing is stored. Accepted events are
// durable, with their matched deliveries, before the 200 response, whose
// body lists the event ids:
//
//	{"Entries": [{"Id": "<CloudEvent id>", "EventId": "<EventBridge event id>"}]}
//
// The endpoint has no authentication: like the AWS APIs of Sluice, it
// trusts whoever can reach the listener. It answers the CloudEvents
// webhook validation handshake (an OPTIONS request with
// WebHook-Request-Origin) by allowing every origin.

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sluice-run/sluice/internal/awsapi"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// Paths of the ingest endpoints. CloudEventsPath and WebhooksPath are
// followed by a bus and a webhook name; WebhookAPIPath is the webhook
// management API.
const (
	CloudEventsPath = "/cloudevents/"
	WebhooksPath    = "/webhooks/"
	WebhookAPIPath  = "/sluice/webhooks"
)

// Media types of the CloudEvents JSON event format.
const (
	ceStructuredType = "application/cloudevents+json"
	ceBatchType      = "application/cloudevents-batch+json"
)

// Limits on an ingested event's envelope fields, as PutEvents has them.
const (
	maxSourceLen     = 256
	maxDetailTypeLen = 128
)

// ingestResponder answers the ingest endpoints in plain JSON.
var ingestResponder = awsapi.JSONResponder{ContentType: "application/json"}

// IngestHandler returns the handler serving path, when path belongs to one
// of the ingest endpoints, and the operation name to record its latency
// under.
func (s *Service) IngestHandler(path string) (http.HandlerFunc, string) {
	switch {
	case strings.HasPrefix(path, CloudEventsPath):
		return s.ServeCloudEvents, "CloudEvents"
	case strings.HasPrefix(path, WebhooksPath):
		return s.ServeWebhook, "Webhook"
	case path == WebhookAPIPath || strings.HasPrefix(path, WebhookAPIPath+"/"):
		return s.ServeWebhookAPI, "WebhookAPI"
	}
	return nil, ""
}

// httpError returns an error for the ingest endpoints with an HTTP status.
func httpError(status int, code, format string, args ...any) *awsapi.Error {
	return &awsapi.Error{Code: code, Message: fmt.Sprintf(format, args...), Status: status}
}

func invalidCE(format string, args ...any) *awsapi.Error {
	return httpError(http.StatusBadRequest, "InvalidCloudEvent", format, args...)
}

// cloudEvent is a parsed, valid CloudEvent.
type cloudEvent struct {
	id, source, typ, subject string
	time                     time.Time // zero when the event has none
	// attrs holds the context attributes (data excluded) in the order
	// specversion, id, source, type, the other core attributes, then the
	// extensions.
	attrs  *jsonvalue.Object
	detail *jsonvalue.Object
}

// coreAttrs are the context attributes CloudEvents 1.0 defines, in the
// order they are kept.
var coreAttrs = []string{"specversion", "id", "source", "type", "datacontenttype", "dataschema", "subject", "time"}

func isCoreAttr(name string) bool {
	for _, a := range coreAttrs {
		if a == name {
			return true
		}
	}
	return false
}

// validAttrName reports whether name is a valid CloudEvents attribute name:
// lower-case ASCII letters and digits.
func validAttrName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// mediaType returns the lower-cased media type of a Content-Type value,
// parameters removed.
func mediaType(contentType string) string {
	if contentType == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt, _, _ = strings.Cut(contentType, ";")
	}
	return strings.ToLower(strings.TrimSpace(mt))
}

// isJSONType reports whether a media type carries JSON.
func isJSONType(mt string) bool {
	return mt == "application/json" || mt == "text/json" || strings.HasSuffix(mt, "+json")
}

// parseCloudEvents reads the CloudEvents of an HTTP request given its
// headers and body, in whichever mode the request uses.
func parseCloudEvents(h http.Header, body []byte) ([]cloudEvent, *awsapi.Error) {
	mt := mediaType(h.Get("Content-Type"))
	switch {
	case mt == ceStructuredType:
		v, err := jsonvalue.Parse(body)
		if err != nil {
			return nil, invalidCE("The body is not a valid JSON CloudEvent: %v", err)
		}
		o, ok := v.(*jsonvalue.Object)
		if !ok {
			return nil, invalidCE("The body of a structured CloudEvent must be a JSON object, not %s.", jsonvalue.TypeName(v))
		}
		ev, aerr := structuredEvent(o)
		if aerr != nil {
			return nil, aerr
		}
		return []cloudEvent{ev}, nil
	case mt == ceBatchType:
		v, err := jsonvalue.Parse(body)
		if err != nil {
			return nil, invalidCE("The body is not a valid JSON CloudEvents batch: %v", err)
		}
		arr, ok := v.([]jsonvalue.Value)
		if !ok {
			return nil, invalidCE("The body of a CloudEvents batch must be a JSON array, not %s.", jsonvalue.TypeName(v))
		}
		out := make([]cloudEvent, 0, len(arr))
		for i, x := range arr {
			o, ok := x.(*jsonvalue.Object)
			if !ok {
				return nil, invalidCE("Batch entry %d must be a JSON object, not %s.", i, jsonvalue.TypeName(x))
			}
			ev, aerr := structuredEvent(o)
			if aerr != nil {
				aerr.Message = fmt.Sprintf("Batch entry %d: %s", i, aerr.Message)
				return nil, aerr
			}
			out = append(out, ev)
		}
		return out, nil
	case strings.HasPrefix(mt, "application/cloudevents+") || strings.HasPrefix(mt, "application/cloudevents-batch+"):
		return nil, httpError(http.StatusUnsupportedMediaType, "UnsupportedMediaType",
			"Sluice reads the JSON event format only (%s or %s), not %s.", ceStructuredType, ceBatchType, mt)
	case h.Get("Ce-Specversion") != "":
		ev, aerr := binaryEvent(h, body)
		if aerr != nil {
			return nil, aerr
		}
		return []cloudEvent{ev}, nil
	}
	return nil, httpError(http.StatusUnsupportedMediaType, "UnsupportedMediaType",
		"The request is not a CloudEvent: send Content-Type %s (structured mode) or %s (batched mode), or ce-specversion and the other ce-* headers (binary mode).",
		ceStructuredType, ceBatchType)
}

// structuredEvent reads one event in the JSON event format.
func structuredEvent(o *jsonvalue.Object) (cloudEvent, *awsapi.Error) {
	attrs := map[string]jsonvalue.Value{}
	var ext []string
	var data jsonvalue.Value
	hasData, hasB64 := false, false
	var b64 string
	for i := 0; i < o.Len(); i++ {
		k, v := o.At(i)
		switch k {
		case "data":
			data, hasData = v, true
			continue
		case "data_base64":
			if v == nil {
				continue
			}
			s, ok := v.(string)
			if !ok {
				return cloudEvent{}, invalidCE("Attribute \"data_base64\" must be a string, not %s.", jsonvalue.TypeName(v))
			}
			if _, err := base64.StdEncoding.DecodeString(s); err != nil {
				return cloudEvent{}, invalidCE("Attribute \"data_base64\" is not valid base64: %v", err)
			}
			b64, hasB64 = s, true
			continue
		}
		if !validAttrName(k) {
			return cloudEvent{}, invalidCE("Attribute name %q is not valid: CloudEvents attribute names consist of lower-case letters and digits.", k)
		}
		switch v.(type) {
		case nil:
			continue // a null attribute is an absent one
		case *jsonvalue.Object, []jsonvalue.Value:
			return cloudEvent{}, invalidCE("Attribute %q must be a string, number or boolean, not %s.", k, jsonvalue.TypeName(v))
		}
		if isCoreAttr(k) {
			if _, ok := v.(string); !ok {
				return cloudEvent{}, invalidCE("Attribute %q must be a string, not %s.", k, jsonvalue.TypeName(v))
			}
		} else {
			ext = append(ext, k)
		}
		attrs[k] = v
	}
	if hasData && hasB64 {
		return cloudEvent{}, invalidCE("An event may have \"data\" or \"data_base64\", not both.")
	}
	ev, aerr := newCloudEvent(attrs, ext)
	if aerr != nil {
		return cloudEvent{}, aerr
	}
	switch {
	case hasB64:
		ev.detail = wrapDetail("data_base64", b64)
	case hasData && data != nil:
		if d, ok := data.(*jsonvalue.Object); ok {
			ev.detail = d
		} else {
			ev.detail = wrapDetail("data", data)
		}
	default:
		ev.detail = jsonvalue.NewObject(0)
	}
	return ev, nil
}

// binaryEvent reads one event in binary mode: attributes from ce-*
// headers, data from the body.
func binaryEvent(h http.Header, body []byte) (cloudEvent, *awsapi.Error) {
	attrs := map[string]jsonvalue.Value{}
	var ext []string
	for k, vs := range h {
		lk := strings.ToLower(k)
		name, ok := strings.CutPrefix(lk, "ce-")
		if !ok || len(vs) == 0 {
			continue
		}
		if !validAttrName(name) {
			return cloudEvent{}, invalidCE("Header %s does not name a valid attribute: CloudEvents attribute names consist of lower-case letters and digits.", k)
		}
		switch name {
		case "data":
			return cloudEvent{}, invalidCE("In binary mode the data is the request body, not a ce-data header.")
		case "datacontenttype":
			continue // binary mode carries it in Content-Type
		}
		if len(vs) > 1 {
			return cloudEvent{}, invalidCE("Header %s is repeated.", k)
		}
		v := vs[0]
		if dec, err := url.PathUnescape(v); err == nil {
			v = dec
		}
		v = strings.ToValidUTF8(v, "\uFFFD")
		if !isCoreAttr(name) {
			ext = append(ext, name)
		}
		attrs[name] = v
	}
	ct := h.Get("Content-Type")
	if ct != "" {
		attrs["datacontenttype"] = strings.ToValidUTF8(ct, "\uFFFD")
	}
	sort.Strings(ext)
	ev, aerr := newCloudEvent(attrs, ext)
	if aerr != nil {
		return cloudEvent{}, aerr
	}
	d, aerr := bodyDetail(mediaType(ct), body, "data", true)
	if aerr != nil {
		return cloudEvent{}, aerr
	}
	ev.detail = d
	return ev, nil
}

// bodyDetail turns an HTTP body into an event detail: a JSON object as it
// is, other JSON as {key: value}, text as {key: "text"}, other bytes as
// {key + "_base64": "..."}; an empty body is {}. When strict, a body
// declared as JSON must be valid JSON; otherwise it is taken as text.
func bodyDetail(mt string, body []byte, key string, strict bool) (*jsonvalue.Object, *awsapi.Error) {
	if len(body) == 0 {
		return jsonvalue.NewObject(0), nil
	}
	if mt == "" || isJSONType(mt) {
		if isJSONType(mt) && len(bytes.TrimSpace(body)) == 0 {
			return jsonvalue.NewObject(0), nil
		}
		v, err := jsonvalue.Parse(body)
		switch {
		case err == nil:
			if o, ok := v.(*jsonvalue.Object); ok {
				return o, nil
			}
			return wrapDetail(key, v), nil
		case strict && mt != "":
			return nil, httpError(http.StatusBadRequest, "MalformedDetail", "The body is not valid JSON although its Content-Type is %s: %v", mt, err)
		}
	}
	if utf8.Valid(body) && mt != "application/octet-stream" {
		return wrapDetail(key, string(body)), nil
	}
	return wrapDetail(key+"_base64", base64.StdEncoding.EncodeToString(body)), nil
}

func wrapDetail(key string, v jsonvalue.Value) *jsonvalue.Object {
	o := jsonvalue.NewObject(1)
	o.Append(key, v)
	return o
}

// newCloudEvent checks the required attributes and the time, and orders
// the attributes: the core ones first, then the extensions in ext order.
func newCloudEvent(attrs map[string]jsonvalue.Value, ext []string) (cloudEvent, *awsapi.Error) {
	str := func(name string) string {
		s, _ := attrs[name].(string)
		return s
	}
	sv, ok := attrs["specversion"]
	if !ok {
		return cloudEvent{}, invalidCE("Required attribute \"specversion\" is missing.")
	}
	if sv != "1.0" {
		return cloudEvent{}, invalidCE("Attribute \"specversion\" is %s: Sluice accepts CloudEvents 1.0 only.", jsonvalue.Marshal(sv))
	}
	for _, name := range []string{"id", "source", "type"} {
		if str(name) == "" {
			return cloudEvent{}, invalidCE("Required attribute %q is missing or empty.", name)
		}
	}
	ev := cloudEvent{id: str("id"), source: str("source"), typ: str("type"), subject: str("subject")}
	switch {
	case len(ev.source) > maxSourceLen:
		return cloudEvent{}, invalidCE("Attribute \"source\" is longer than %d characters (it becomes the event's source).", maxSourceLen)
	case strings.HasPrefix(ev.source, "aws."):
		return cloudEvent{}, invalidCE("Attribute \"source\" may not start with \"aws.\" (it becomes the event's source).")
	case len(ev.typ) > maxDetailTypeLen:
		return cloudEvent{}, invalidCE("Attribute \"type\" is longer than %d characters (it becomes the event's detail-type).", maxDetailTypeLen)
	}
	if t, ok := attrs["time"]; ok {
		tt, err := time.Parse(time.RFC3339Nano, t.(string))
		if err != nil {
			return cloudEvent{}, invalidCE("Attribute \"time\" is not an RFC 3339 timestamp: %q.", t)
		}
		ev.time = tt.UTC()
	}
	ev.attrs = jsonvalue.NewObject(len(attrs))
	for _, name := range coreAttrs {
		if v, ok := attrs[name]; ok {
			ev.attrs.Append(name, v)
		}
	}
	for _, name := range ext {
		ev.attrs.Append(name, attrs[name])
	}
	return ev, nil
}

// ingestFields are the parts of an event that an ingest endpoint supplies.
type ingestFields struct {
	source, detailType string
	time               time.Time // zero: the time of receipt
	resources          []string
	detail             *jsonvalue.Object
	// extraKey names a member added to the envelope after "detail" to
	// carry what the envelope has no field for; extra is its value.
	extraKey string
	extra    *jsonvalue.Object
}

// buildEvent validates an ingested event as PutEvents validates an entry
// and returns it with its size as counted against MaxEntrySize.
func (s *Service) buildEvent(ctx context.Context, c *call, busName string, f ingestFields, now time.Time) (*Event, int, *awsapi.Error) {
	detail := jsonvalue.Marshal(f.detail)
	e := entry{Source: &f.source, DetailType: &f.detailType, Detail: &detail, Resources: f.resources, EventBusName: busName}
	if !f.time.IsZero() {
		t := epochIn(f.time)
		e.Time = &t
	}
	size := entrySize(e)
	if f.extraKey != "" {
		size += jsonvalue.EncodedLen(f.extra)
	}
	ev, code, msg := s.validateEntry(ctx, c, e, now)
	if code != "" {
		status := http.StatusBadRequest
		if code == "ResourceNotFoundException" {
			status = http.StatusNotFound
		}
		return nil, 0, httpError(status, code, "%s", msg)
	}
	if f.extraKey != "" {
		o, ok := ev.Value.(*jsonvalue.Object)
		if !ok {
			return nil, 0, awsapi.Internal(fmt.Errorf("bus: envelope of event %s is not an object", ev.ID))
		}
		o.Append(f.extraKey, f.extra)
		ev.Raw = jsonvalue.Append(nil, o)
	}
	return ev, size, nil
}

// ingestCall resolves the bus reference of an ingest request, a name or an
// ARN, to a call in the bus's account and region and the bus's name.
func (s *Service) ingestCall(r *http.Request, ref string) (*call, string, *awsapi.Error) {
	c := &call{r: r, region: s.requestRegion(r), account: s.cfg.Account}
	name := ref
	if strings.HasPrefix(ref, "arn:") {
		p := strings.SplitN(ref, ":", 6)
		rest, ok := "", false
		if len(p) == 6 && p[2] == "events" {
			rest, ok = strings.CutPrefix(p[5], "event-bus/")
		}
		if !ok || p[3] == "" {
			return nil, "", httpError(http.StatusBadRequest, "InvalidArgument", "%q is not an event bus ARN.", ref)
		}
		if p[4] != c.account {
			return nil, "", httpError(http.StatusNotFound, "ResourceNotFoundException", "Event bus %s does not exist.", ref)
		}
		c.region, name = p[3], rest
	}
	if !busNameRE.MatchString(name) {
		return nil, "", httpError(http.StatusBadRequest, "InvalidArgument", "%q is not a valid event bus name.", name)
	}
	return c, name, nil
}

// requestRegion is the region of an ingest request: that of its SigV4
// credential scope when it is signed, else the configured region.
func (s *Service) requestRegion(r *http.Request) string {
	if strings.Contains(r.Header.Get("Authorization"), "Credential=") || r.URL.Query().Has("X-Amz-Credential") {
		return awsapi.Region(r)
	}
	if s.cfg.Region != "" {
		return s.cfg.Region
	}
	return awsapi.DefaultRegion
}

// readBody reads a request body of at most limit bytes.
func readBody(r *http.Request, limit int) ([]byte, *awsapi.Error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, int64(limit)+1))
	if err != nil {
		return nil, httpError(http.StatusBadRequest, "BadRequest", "Could not read the request body: %v", err)
	}
	if len(body) > limit {
		return nil, tooLarge()
	}
	return body, nil
}

func tooLarge() *awsapi.Error {
	return httpError(http.StatusRequestEntityTooLarge, "RequestEntityTooLargeException",
		"The events are larger than %d bytes.", MaxEntrySize)
}

// ServeCloudEvents serves POST /cloudevents/{bus}.
func (s *Service) ServeCloudEvents(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodOptions && r.Header.Get("WebHook-Request-Origin") != "" {
		w.Header().Set("WebHook-Allowed-Origin", r.Header.Get("WebHook-Request-Origin"))
		w.Header().Set("WebHook-Allowed-Rate", "*")
		w.Header().Set("Allow", "OPTIONS, POST")
		w.WriteHeader(http.StatusOK)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "OPTIONS, POST")
		ingestResponder.Error(w, httpError(http.StatusMethodNotAllowed, "MethodNotAllowed", "Send CloudEvents with POST."))
		return
	}
	out, aerr := s.ingestCloudEvents(r)
	if aerr != nil {
		ingestResponder.Error(w, aerr)
		return
	}
	ingestResponder.Write(w, out)
}

type ceResult struct {
	ID      string `json:"Id"`
	EventID string `json:"EventId"`
}

func (s *Service) ingestCloudEvents(r *http.Request) (any, *awsapi.Error) {
	ctx := r.Context()
	c, busName, aerr := s.ingestCall(r, strings.TrimPrefix(r.URL.Path, CloudEventsPath))
	if aerr != nil {
		return nil, aerr
	}
	if _, err := s.bus(ctx, c, busName); err != nil {
		return nil, httpError(http.StatusNotFound, "ResourceNotFoundException", "Event bus %s does not exist.", busName)
	}
	// A batch's JSON format costs more than the events it holds, so the
	// body may be larger than the events' limit.
	body, aerr := readBody(r, awsapi.MaxBodyBytes)
	if aerr != nil {
		return nil, aerr
	}
	ces, aerr := parseCloudEvents(r.Header, body)
	if aerr != nil {
		return nil, aerr
	}
	now := s.now()
	events := make([]*Event, 0, len(ces))
	results := make([]ceResult, 0, len(ces))
	size := 0
	for i, ce := range ces {
		f := ingestFields{source: ce.source, detailType: ce.typ, time: ce.time, detail: ce.detail, extraKey: "cloudevent", extra: ce.attrs}
		if ce.subject != "" {
			f.resources = []string{ce.subject}
		}
		ev, n, aerr := s.buildEvent(ctx, c, busName, f, now)
		if aerr != nil {
			if len(ces) > 1 {
				aerr.Message = fmt.Sprintf("Batch entry %d: %s", i, aerr.Message)
			}
			return nil, aerr
		}
		size += n
		if size > MaxEntrySize {
			return nil, tooLarge()
		}
		events = append(events, ev)
		results = append(results, ceResult{ID: ce.id, EventID: ev.ID})
	}
	if len(events) > 0 {
		if err := s.Ingest(ctx, events); err != nil {
			return nil, awsapi.Internal(fmt.Errorf("bus: ingest CloudEvents: %w", err))
		}
	}
	return map[string]any{"Entries": results}, nil
}
