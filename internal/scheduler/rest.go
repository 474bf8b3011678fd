package scheduler

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sluice-run/sluice/internal/awsapi"
)

// restJson1 answers: a JSON body with status 200, and errors as AWS's
// restJson1 services send them, with the exception name in the
// x-amzn-ErrorType header and {"Message": ...} as the body.

func writeJSON(w http.ResponseWriter, body any) {
	b, err := json.Marshal(body)
	if err != nil {
		writeError(w, awsapi.Internal(fmt.Errorf("scheduler: encode response: %w", err)))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("x-amzn-RequestId", awsapi.NewRequestID())
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, err error) {
	var e *awsapi.Error
	if !errors.As(err, &e) {
		e = &awsapi.Error{Code: "InternalServerException", Message: err.Error(), Status: http.StatusInternalServerError}
	}
	status := e.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	b, _ := json.Marshal(map[string]string{"Message": e.Message})
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("x-amzn-ErrorType", e.Code)
	h.Set("x-amzn-RequestId", awsapi.NewRequestID())
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// Errors with the HTTP statuses the Scheduler API gives them.

func notFound(format string, args ...any) error {
	return &awsapi.Error{Code: "ResourceNotFoundException", Message: fmt.Sprintf(format, args...), Status: http.StatusNotFound}
}

func conflict(format string, args ...any) error {
	return &awsapi.Error{Code: "ConflictException", Message: fmt.Sprintf(format, args...), Status: http.StatusConflict}
}

func invalid(format string, args ...any) error {
	return awsapi.Validation(format, args...)
}

func internal(err error) error {
	return &awsapi.Error{Code: "InternalServerException", Message: err.Error(), Status: http.StatusInternalServerError}
}

// decode reads the JSON body of a request.
func (c *call) decode(v any) error {
	if err := awsapi.DecodeJSON(c.r, v); err != nil {
		if err.Code == "SerializationException" {
			err.Code = "ValidationException"
		}
		return err
	}
	return nil
}

// query returns a query string parameter; ok is false when it is absent.
func (c *call) query(name string) (string, bool) {
	v, ok := c.r.URL.Query()[name]
	if !ok || len(v) == 0 {
		return "", false
	}
	return v[0], true
}

// maxResults reads the MaxResults parameter (1-100), defaulting to 100.
func (c *call) maxResults() (int, error) {
	v, ok := c.query("MaxResults")
	if !ok {
		return 100, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 100 {
		return 0, awsapi.ValidationField(v, "maxResults", "Member must have value between 1 and 100")
	}
	return n, nil
}

// epoch is a timestamp as restJson1 sends it by default: seconds since the
// Unix epoch, with a fraction.
type epoch time.Time

// MarshalJSON writes seconds with millisecond precision.
func (t epoch) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatFloat(float64(time.Time(t).UnixMilli())/1000, 'f', -1, 64)), nil
}

// UnmarshalJSON reads epoch seconds, or an RFC 3339 string, which some
// clients send.
func (t *epoch) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if strings.HasPrefix(s, `"`) {
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return err
		}
		p, err := time.Parse(time.RFC3339Nano, str)
		if err != nil {
			return fmt.Errorf("timestamp %q: %w", str, err)
		}
		*t = epoch(p.UTC())
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Errorf("timestamp %s is not a number of seconds", s)
	}
	sec, frac := math.Modf(f)
	*t = epoch(time.Unix(int64(sec), int64(math.Round(frac*1e3))*1e6).UTC())
	return nil
}

// epochPtr returns t as an optional response timestamp.
func epochPtr(t time.Time) *epoch {
	if t.IsZero() {
		return nil
	}
	e := epoch(t)
	return &e
}
