package bus

// Webhooks: a webhook is a Sluice resource (not an AWS one) that turns
// HTTP POSTs from a third party, such as GitHub or Stripe, into events on
// a bus, optionally checking an HMAC signature first.
//
// Management (plain REST, JSON bodies):
//
//	PUT    /sluice/webhooks/{name}   create or replace (201 created, 200 replaced)
//	GET    /sluice/webhooks/{name}   describe (404 if unknown)
//	GET    /sluice/webhooks          list, by name
//	DELETE /sluice/webhooks/{name}   delete (204, 404 if unknown)
//
// The PUT body:
//
//	{
//	  "EventBusName": "default",             // a name or an ARN; default "default"
//	  "Source": "github.com",                // the events' source (required)
//	  "DetailType": "GitHub event",          // a constant detail-type, or the fallback
//	  "DetailTypeHeader": "X-GitHub-Event",  // take the detail-type from this header
//	  "Headers": ["X-GitHub-Delivery"],      // more headers to copy into the event
//	  "Signature": {                         // optional
//	    "Header": "X-Hub-Signature-256",
//	    "Algorithm": "HMAC-SHA256",          // HMAC-SHA256, HMAC-SHA1 (legacy) or TOKEN
//	    "Encoding": "hex",                   // hex (default) or base64
//	    "Prefix": "sha256=",                 // optional text before the signature
//	    "Secret": "..."
//	  }
//	}
//
// Describe and list return the same fields without the secret, plus Name,
// EventBusArn, Path (/webhooks/{name}), CreationTime and LastModifiedTime.
//
// Delivery: POST /webhooks/{name}. The body (at most 256 KiB, else 413) is
// checked against the signature when the webhook has one: the header must
// be present and start with the prefix, and what follows must decode, in
// the encoding, to the HMAC of the raw body under the secret (compared in
// constant time). The TOKEN algorithm compares the header, after the
// prefix, with the secret itself, as GitLab's X-Gitlab-Token works. Any
// failure answers 401 and stores nothing; an unknown webhook answers 404.
// The event is then:
//
//	source       the webhook's Source
//	detail-type  the DetailTypeHeader header's value, or DetailType
//	time         the time of receipt
//	resources    []
//	detail       the body when it is a JSON object; other JSON as
//	             {"body": value}, other text as {"body": "text"}, other
//	             bytes as {"body_base64": "..."}
//	webhook      {"name": "<webhook name>", "headers": {...}}: the
//	             request's Content-Type, User-Agent, the DetailTypeHeader
//	             and the Headers listed, those present, with lower-case
//	             names (never the signature header)
//
// and the answer is 200 with {"EventId": "<EventBridge event id>"} once it
// and its deliveries are durable. Like the rest of Sluice, the management
// API has no authentication; expose only /webhooks/ to the outside.

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/sluice-run/sluice/internal/awsapi"
	"github.com/sluice-run/sluice/internal/jsonvalue"
	"github.com/sluice-run/sluice/internal/store"
)

// kindWebhook is the record kind of webhooks; the key is the name, the
// parent the bus ARN.
const kindWebhook = "sluiceWebhook"

// Signature algorithms of webhooks.
const (
	algHMACSHA256 = "HMAC-SHA256"
	algHMACSHA1   = "HMAC-SHA1"
	algToken      = "TOKEN"
)

// maxSecretLen bounds a webhook secret.
const maxSecretLen = 4096

var (
	webhookNameRE = regexp.MustCompile(`^[\.\-_A-Za-z0-9]{1,64}$`)
	headerNameRE  = regexp.MustCompile("^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$")
)

// webhookSignature says how a webhook's requests are signed.
type webhookSignature struct {
	Header    string `json:"Header"`
	Algorithm string `json:"Algorithm"`
	Encoding  string `json:"Encoding,omitempty"`
	Prefix    string `json:"Prefix,omitempty"`
	Secret    string `json:"Secret,omitempty"`
}

// webhookRecord is a stored webhook, secret included.
type webhookRecord struct {
	Name             string            `json:"Name"`
	EventBusArn      string            `json:"EventBusArn"`
	Source           string            `json:"Source"`
	DetailType       string            `json:"DetailType,omitempty"`
	DetailTypeHeader string            `json:"DetailTypeHeader,omitempty"`
	Headers          []string          `json:"Headers,omitempty"`
	Signature        *webhookSignature `json:"Signature,omitempty"`
	Created          time.Time         `json:"Created"`
	Updated          time.Time         `json:"Updated"`
}

// Errors of signature verification; all mean 401.
var (
	errSignatureMissing   = errors.New("the signature header is missing")
	errSignaturePrefix    = errors.New("the signature does not start with the expected prefix")
	errSignatureMalformed = errors.New("the signature is not validly encoded")
	errSignatureMismatch  = errors.New("the signature does not match the body")
)

// normalize checks a signature configuration and fills in its defaults.
func (sig *webhookSignature) normalize() error {
	if !headerNameRE.MatchString(sig.Header) {
		return fmt.Errorf("Signature.Header %q is not a valid header name", sig.Header)
	}
	sig.Algorithm = strings.ToUpper(sig.Algorithm)
	switch sig.Algorithm {
	case algHMACSHA256, algHMACSHA1, algToken:
	default:
		return fmt.Errorf("Signature.Algorithm %q is not one of %s, %s, %s", sig.Algorithm, algHMACSHA256, algHMACSHA1, algToken)
	}
	sig.Encoding = strings.ToLower(sig.Encoding)
	switch {
	case sig.Algorithm == algToken:
		sig.Encoding = ""
	case sig.Encoding == "":
		sig.Encoding = "hex"
	case sig.Encoding != "hex" && sig.Encoding != "base64":
		return fmt.Errorf("Signature.Encoding %q is not hex or base64", sig.Encoding)
	}
	if sig.Secret == "" {
		return errors.New("Signature.Secret is required")
	}
	if len(sig.Secret) > maxSecretLen {
		return fmt.Errorf("Signature.Secret is longer than %d bytes", maxSecretLen)
	}
	return nil
}

// verify checks the signature header of a request against its body. Only
// the outcome depends on the secret, not the time taken: the comparison
// is constant-time (for TOKEN, of SHA-256 digests, so that not even the
// secret's length shows).
func (sig *webhookSignature) verify(h http.Header, body []byte) error {
	got := h.Values(sig.Header)
	if len(got) == 0 || got[0] == "" {
		return errSignatureMissing
	}
	v, ok := strings.CutPrefix(strings.TrimSpace(got[0]), sig.Prefix)
	if !ok {
		return errSignaturePrefix
	}
	if sig.Algorithm == algToken {
		a, b := sha256.Sum256([]byte(v)), sha256.Sum256([]byte(sig.Secret))
		if subtle.ConstantTimeCompare(a[:], b[:]) != 1 {
			return errSignatureMismatch
		}
		return nil
	}
	var sent []byte
	var err error
	if sig.Encoding == "base64" {
		sent, err = base64.StdEncoding.DecodeString(v)
	} else {
		sent, err = hex.DecodeString(v)
	}
	if err != nil {
		return errSignatureMalformed
	}
	var newHash func() hash.Hash = sha256.New
	if sig.Algorithm == algHMACSHA1 {
		newHash = sha1.New
	}
	mac := hmac.New(newHash, []byte(sig.Secret))
	mac.Write(body)
	if !hmac.Equal(mac.Sum(nil), sent) {
		return errSignatureMismatch
	}
	return nil
}

// webhookOut describes a webhook without its secret.
func webhookOut(r webhookRecord) map[string]any {
	out := map[string]any{"Name": r.Name, "EventBusArn": r.EventBusArn, "Source": r.Source, "Path": WebhooksPath + r.Name,
		"CreationTime": r.Created.Format(time.RFC3339Nano), "LastModifiedTime": r.Updated.Format(time.RFC3339Nano)}
	if r.DetailType != "" {
		out["DetailType"] = r.DetailType
	}
	if r.DetailTypeHeader != "" {
		out["DetailTypeHeader"] = r.DetailTypeHeader
	}
	if len(r.Headers) > 0 {
		out["Headers"] = r.Headers
	}
	if r.Signature != nil {
		sig := *r.Signature
		sig.Secret = ""
		out["Signature"] = sig
	}
	return out
}

// ServeWebhookAPI serves the webhook management API under /sluice/webhooks.
func (s *Service) ServeWebhookAPI(w http.ResponseWriter, r *http.Request) {
	name, named := strings.CutPrefix(r.URL.Path, WebhookAPIPath+"/")
	var status int
	var out any
	var err error
	switch {
	case !named && r.Method == http.MethodGet:
		status = http.StatusOK
		out, err = s.listWebhooks(r.Context())
	case named && r.Method == http.MethodGet:
		status = http.StatusOK
		out, err = s.describeWebhook(r.Context(), name)
	case named && r.Method == http.MethodPut:
		status, out, err = s.putWebhook(r, name)
	case named && r.Method == http.MethodDelete:
		status, err = http.StatusNoContent, s.deleteWebhook(r.Context(), name)
	default:
		allow := "GET"
		if named {
			allow = "GET, PUT, DELETE"
		}
		w.Header().Set("Allow", allow)
		err = httpError(http.StatusMethodNotAllowed, "MethodNotAllowed", "%s is not allowed on %s.", r.Method, r.URL.Path)
	}
	if err != nil {
		var ae *awsapi.Error
		if !errors.As(err, &ae) {
			s.log.Error("webhook API", "path", r.URL.Path, "err", err)
			ae = awsapi.Internal(err)
		}
		ingestResponder.Error(w, ae)
		return
	}
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	b, err := json.Marshal(out)
	if err != nil {
		ingestResponder.Error(w, awsapi.Internal(fmt.Errorf("bus: encode webhook answer: %w", err)))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func webhookNotFound(name string) *awsapi.Error {
	return httpError(http.StatusNotFound, "ResourceNotFoundException", "Webhook %s does not exist.", name)
}

func (s *Service) getWebhook(ctx context.Context, name string) (webhookRecord, int64, error) {
	if !webhookNameRE.MatchString(name) {
		return webhookRecord{}, 0, webhookNotFound(name)
	}
	rec, err := s.st.GetRecord(ctx, kindWebhook, name)
	if errors.Is(err, store.ErrNotFound) {
		return webhookRecord{}, 0, webhookNotFound(name)
	}
	if err != nil {
		return webhookRecord{}, 0, fmt.Errorf("bus: read webhook %s: %w", name, err)
	}
	var wr webhookRecord
	if err := json.Unmarshal(rec.Data, &wr); err != nil {
		return webhookRecord{}, 0, fmt.Errorf("bus: decode webhook %s: %w", name, err)
	}
	return wr, rec.Revision, nil
}

func (s *Service) describeWebhook(ctx context.Context, name string) (any, error) {
	wr, _, err := s.getWebhook(ctx, name)
	if err != nil {
		return nil, err
	}
	return webhookOut(wr), nil
}

func (s *Service) listWebhooks(ctx context.Context) (any, error) {
	recs, err := s.allRecords(ctx, kindWebhook, "")
	if err != nil {
		return nil, fmt.Errorf("bus: list webhooks: %w", err)
	}
	list := make([]map[string]any, 0, len(recs))
	sort.Slice(recs, func(i, j int) bool { return recs[i].Key < recs[j].Key })
	for _, rec := range recs {
		var wr webhookRecord
		if err := json.Unmarshal(rec.Data, &wr); err != nil {
			return nil, fmt.Errorf("bus: decode webhook %s: %w", rec.Key, err)
		}
		list = append(list, webhookOut(wr))
	}
	return map[string]any{"Webhooks": list}, nil
}

func (s *Service) deleteWebhook(ctx context.Context, name string) error {
	if _, _, err := s.getWebhook(ctx, name); err != nil {
		return err
	}
	if err := s.st.DeleteRecord(ctx, kindWebhook, name); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return webhookNotFound(name)
		}
		return fmt.Errorf("bus: delete webhook %s: %w", name, err)
	}
	return nil
}

func (s *Service) putWebhook(r *http.Request, name string) (int, any, error) {
	ctx := r.Context()
	if !webhookNameRE.MatchString(name) {
		return 0, nil, awsapi.Validation("Webhook name %q must be 1 to 64 letters, digits, '.', '-' or '_'.", name)
	}
	var in struct {
		EventBusName     string            `json:"EventBusName"`
		Source           string            `json:"Source"`
		DetailType       string            `json:"DetailType"`
		DetailTypeHeader string            `json:"DetailTypeHeader"`
		Headers          []string          `json:"Headers"`
		Signature        *webhookSignature `json:"Signature"`
	}
	if err := awsapi.DecodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	switch {
	case in.Source == "":
		return 0, nil, awsapi.Validation("Source is required.")
	case len(in.Source) > maxSourceLen:
		return 0, nil, awsapi.Validation("Source is longer than %d characters.", maxSourceLen)
	case strings.HasPrefix(in.Source, "aws."):
		return 0, nil, awsapi.Validation("Source may not start with \"aws.\".")
	case in.DetailType == "" && in.DetailTypeHeader == "":
		return 0, nil, awsapi.Validation("DetailType or DetailTypeHeader is required.")
	case len(in.DetailType) > maxDetailTypeLen:
		return 0, nil, awsapi.Validation("DetailType is longer than %d characters.", maxDetailTypeLen)
	case in.DetailTypeHeader != "" && !headerNameRE.MatchString(in.DetailTypeHeader):
		return 0, nil, awsapi.Validation("DetailTypeHeader %q is not a valid header name.", in.DetailTypeHeader)
	case len(in.Headers) > 20:
		return 0, nil, awsapi.Validation("Headers may list at most 20 headers.")
	}
	for _, h := range in.Headers {
		if !headerNameRE.MatchString(h) {
			return 0, nil, awsapi.Validation("Headers: %q is not a valid header name.", h)
		}
	}
	if in.Signature != nil {
		if err := in.Signature.normalize(); err != nil {
			return 0, nil, awsapi.Validation("%s.", err.Error())
		}
	}
	ref := in.EventBusName
	if ref == "" {
		ref = "default"
	}
	c, busName, aerr := s.ingestCall(r, ref)
	if aerr != nil {
		return 0, nil, aerr
	}
	b, err := s.bus(ctx, c, busName)
	if err != nil {
		return 0, nil, err
	}
	old, rev, err := s.getWebhook(ctx, name)
	var nf *awsapi.Error
	if err != nil && !(errors.As(err, &nf) && nf.Status == http.StatusNotFound) {
		return 0, nil, err
	}
	now := s.now()
	created, status := now, http.StatusCreated
	if rev != 0 {
		created, status = old.Created, http.StatusOK
	}
	wr := webhookRecord{Name: name, EventBusArn: b.rec.Arn, Source: in.Source, DetailType: in.DetailType, DetailTypeHeader: in.DetailTypeHeader,
		Headers: in.Headers, Signature: in.Signature, Created: created, Updated: now}
	if _, err := s.putRecord(ctx, kindWebhook, name, b.rec.Arn, wr, created, rev); err != nil {
		if errors.Is(err, store.ErrExists) || errors.Is(err, store.ErrConflict) {
			return 0, nil, httpError(http.StatusConflict, "ConcurrentModificationException", "Webhook %s was changed concurrently; retry.", name)
		}
		return 0, nil, fmt.Errorf("bus: write webhook %s: %w", name, err)
	}
	return status, webhookOut(wr), nil
}

// ServeWebhook serves POST /webhooks/{name}.
func (s *Service) ServeWebhook(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		ingestResponder.Error(w, httpError(http.StatusMethodNotAllowed, "MethodNotAllowed", "Send webhooks with POST."))
		return
	}
	id, err := s.deliverWebhook(r, strings.TrimPrefix(r.URL.Path, WebhooksPath))
	if err != nil {
		var ae *awsapi.Error
		if !errors.As(err, &ae) {
			s.log.Error("webhook", "path", r.URL.Path, "err", err)
			ae = awsapi.Internal(err)
		}
		ingestResponder.Error(w, ae)
		return
	}
	ingestResponder.Write(w, map[string]string{"EventId": id})
}

func (s *Service) deliverWebhook(r *http.Request, name string) (string, error) {
	ctx := r.Context()
	wr, _, err := s.getWebhook(ctx, name)
	if err != nil {
		return "", err
	}
	body, aerr := readBody(r, MaxEntrySize)
	if aerr != nil {
		return "", aerr
	}
	if wr.Signature != nil {
		if err := wr.Signature.verify(r.Header, body); err != nil {
			return "", httpError(http.StatusUnauthorized, "InvalidSignature", "Webhook %s: %v.", name, err)
		}
	}
	f, aerr := webhookFields(wr, r.Header, body)
	if aerr != nil {
		return "", aerr
	}
	c, busName, aerr := s.ingestCall(r, wr.EventBusArn)
	if aerr != nil {
		return "", aerr
	}
	ev, size, aerr := s.buildEvent(ctx, c, busName, f, s.now())
	if aerr != nil {
		return "", aerr
	}
	if size > MaxEntrySize {
		return "", tooLarge()
	}
	if err := s.Ingest(ctx, []*Event{ev}); err != nil {
		return "", fmt.Errorf("bus: ingest webhook %s: %w", name, err)
	}
	return ev.ID, nil
}

// webhookFields maps a verified webhook request onto an event.
func webhookFields(wr webhookRecord, h http.Header, body []byte) (ingestFields, *awsapi.Error) {
	dt := wr.DetailType
	if wr.DetailTypeHeader != "" {
		if v := h.Get(wr.DetailTypeHeader); v != "" {
			dt = strings.ToValidUTF8(v, "\uFFFD")
		}
	}
	if dt == "" {
		return ingestFields{}, httpError(http.StatusBadRequest, "InvalidArgument", "Header %s, which gives the detail-type, is missing.", wr.DetailTypeHeader)
	}
	if len(dt) > maxDetailTypeLen {
		return ingestFields{}, httpError(http.StatusBadRequest, "InvalidArgument", "The detail-type is longer than %d characters.", maxDetailTypeLen)
	}
	detail, aerr := bodyDetail(mediaType(h.Get("Content-Type")), body, "body", false)
	if aerr != nil {
		return ingestFields{}, aerr
	}
	names := append([]string{"Content-Type", "User-Agent"}, wr.DetailTypeHeader)
	names = append(names, wr.Headers...)
	headers := jsonvalue.NewObject(len(names))
	for _, n := range names {
		if n == "" || wr.Signature != nil && strings.EqualFold(n, wr.Signature.Header) {
			continue
		}
		ln := strings.ToLower(n)
		if _, dup := headers.Get(ln); dup {
			continue
		}
		if v := h.Get(n); v != "" {
			headers.Append(ln, strings.ToValidUTF8(v, "\uFFFD"))
		}
	}
	extra := jsonvalue.NewObject(2)
	extra.Append("name", wr.Name)
	extra.Append("headers", headers)
	return ingestFields{source: wr.Source, detailType: dt, detail: detail, extraKey: "webhook", extra: extra}, nil
}
