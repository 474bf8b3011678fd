// Package awsapi implements the parts of the AWS wire protocols that every
// Sluice service shares: JSON 1.0/1.1 request decoding and responses,
// AWS-shaped errors, request ids, and the caller's region and account from
// the SigV4 credential scope. Signatures are not verified: Sluice accepts
// any credentials, as a local endpoint does.
package awsapi

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// DefaultRegion and DefaultAccount apply when a request does not say.
const (
	DefaultRegion  = "us-east-1"
	DefaultAccount = "000000000000"
)

// Error is an AWS service error: Code is the exception name AWS uses
// (the "__type" of JSON protocols), Status the HTTP status.
type Error struct {
	Code    string
	Message string
	Status  int
	// Fields adds protocol-specific members to the JSON error body.
	Fields map[string]any
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf returns a client error (HTTP 400) with the given exception name.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Status: http.StatusBadRequest}
}

// Permanent reports whether err is an *Error that retrying the same
// request cannot fix: a client error (4xx) other than throttling or a
// limit being exceeded, such as a resource that does not exist or an input
// it refuses. Deliveries send such failures to their dead-letter queue at
// once, as EventBridge does.
func Permanent(err error) bool {
	var ae *Error
	if err == nil || !errors.As(err, &ae) {
		return false
	}
	return ae.Status >= 400 && ae.Status < 500 && ae.Status != http.StatusTooManyRequests &&
		!strings.Contains(ae.Code, "Throttl") && !strings.Contains(ae.Code, "LimitExceeded")
}

// Internal wraps an unexpected failure as an HTTP 500 error.
func Internal(err error) *Error {
	return &Error{Code: "InternalFailure", Message: err.Error(), Status: http.StatusInternalServerError}
}

// Validation returns AWS's ValidationException for one failed constraint,
// in the message format AWS uses ("1 validation error detected: ...").
func Validation(format string, args ...any) *Error {
	return Errorf("ValidationException", format, args...)
}

// ValidationField reports one field failing a constraint, as AWS words it:
// "1 validation error detected: Value 'x' at 'name' failed to satisfy
// constraint: Member must have length less than or equal to 80".
func ValidationField(value any, field, constraint string) *Error {
	v := "null"
	if value != nil {
		v = fmt.Sprintf("'%v'", value)
	}
	return Validation("1 validation error detected: Value %s at '%s' failed to satisfy constraint: %s", v, field, constraint)
}

// MaxBodyBytes bounds request bodies; AWS's largest payloads (256 KiB
// documents inside JSON strings) fit well within it.
const MaxBodyBytes = 4 << 20

// DecodeJSON reads a JSON request body into v. A malformed body gives
// AWS's SerializationException.
func DecodeJSON(r *http.Request, v any) *Error {
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
	if err != nil {
		return Errorf("SerializationException", "could not read the request body: %v", err)
	}
	if len(body) > MaxBodyBytes {
		return &Error{Code: "RequestEntityTooLargeException", Message: "Request body is too large", Status: http.StatusRequestEntityTooLarge}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return Errorf("SerializationException", "Unexpected value type for field '%s': expected %s", te.Field, te.Type)
		}
		return Errorf("SerializationException", "Malformed request body: %v", err)
	}
	return nil
}

// Region returns the region of the request's SigV4 credential scope
// (Authorization: AWS4-HMAC-SHA256 Credential=AKID/20260101/us-west-2/states/aws4_request),
// or DefaultRegion.
func Region(r *http.Request) string {
	if _, region, _, ok := credentialScope(r); ok && region != "" {
		return region
	}
	return DefaultRegion
}

// Service returns the signing service name of the request's credential
// scope, such as "states" or "events", or "".
func Service(r *http.Request) string {
	_, _, svc, _ := credentialScope(r)
	return svc
}

func credentialScope(r *http.Request) (akid, region, service string, ok bool) {
	auth := r.Header.Get("Authorization")
	i := strings.Index(auth, "Credential=")
	if i < 0 {
		// Presigned URLs carry the scope in the query string.
		cred := r.URL.Query().Get("X-Amz-Credential")
		if cred == "" {
			return "", "", "", false
		}
		auth, i = "Credential="+cred, 0
	}
	cred := auth[i+len("Credential="):]
	if j := strings.IndexAny(cred, ", "); j >= 0 {
		cred = cred[:j]
	}
	parts := strings.Split(cred, "/")
	if len(parts) < 5 {
		return "", "", "", false
	}
	return parts[0], parts[2], parts[3], true
}

// NewRequestID returns a request id in AWS's UUID shape.
func NewRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// JSONResponder writes responses of one JSON protocol version.
type JSONResponder struct {
	// ContentType is application/x-amz-json-1.0 or -1.1.
	ContentType string
}

// Write sends a 200 response with body, which is either raw JSON ([]byte)
// or a value to marshal.
func (j JSONResponder) Write(w http.ResponseWriter, body any) {
	var b []byte
	switch x := body.(type) {
	case []byte:
		b = x
	case nil:
		b = []byte("{}")
	default:
		var err error
		if b, err = json.Marshal(body); err != nil {
			j.Error(w, Internal(err))
			return
		}
	}
	h := w.Header()
	h.Set("Content-Type", j.ContentType)
	if h.Get("x-amzn-RequestId") == "" {
		h.Set("x-amzn-RequestId", NewRequestID())
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// Error sends err as an AWS JSON error: {"__type": code, "message": msg}.
func (j JSONResponder) Error(w http.ResponseWriter, err error) {
	var e *Error
	if !errors.As(err, &e) {
		e = Internal(err)
	}
	body := map[string]any{"__type": e.Code, "message": e.Message}
	for k, v := range e.Fields {
		body[k] = v
	}
	b, _ := json.Marshal(body)
	h := w.Header()
	h.Set("Content-Type", j.ContentType)
	h.Set("x-amzn-ErrorType", e.Code)
	if h.Get("x-amzn-RequestId") == "" {
		h.Set("x-amzn-RequestId", NewRequestID())
	}
	status := e.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// Target splits an X-Amz-Target header such as
// "AWSStepFunctions.StartExecution" into prefix and operation.
func Target(r *http.Request) (prefix, op string) {
	t := r.Header.Get("X-Amz-Target")
	i := strings.LastIndexByte(t, '.')
	if i < 0 {
		return "", t
	}
	return t[:i], t[i+1:]
}

// ARNField returns field i of arn:partition:service:region:account:resource
// (3 is the region, 4 the account), or "" when the ARN is shorter. The
// resource, which may itself hold colons, is field 5 whole.
func ARNField(arn string, i int) string {
	p := strings.SplitN(arn, ":", 6)
	if i >= len(p) {
		return ""
	}
	return p[i]
}
