package teststate

import (
	"strconv"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// Status is the outcome of the tested state.
type Status string

// The statuses TestState reports.
const (
	// StatusSucceeded: the state completed; Output and NextState say how.
	StatusSucceeded Status = "SUCCEEDED"
	// StatusFailed: the state failed and no catcher took the error.
	StatusFailed Status = "FAILED"
	// StatusRetriable: a retrier with attempts left matched the error.
	StatusRetriable Status = "RETRIABLE"
	// StatusCaughtError: a catcher took the error; Output is what the
	// catcher passes on and NextState its Next.
	StatusCaughtError Status = "CAUGHT_ERROR"
)

// Response is the outcome of a test. JSON documents are held as their
// text, as the API returns them; an empty string means the field is absent.
type Response struct {
	Status Status
	// Output is the state output for SUCCEEDED and CAUGHT_ERROR.
	Output string
	// Error and Cause describe the error of a FAILED, RETRIABLE or
	// CAUGHT_ERROR test; either may be absent.
	Error, Cause       string
	HasError, HasCause bool
	// NextState is the state the execution would go to next.
	NextState string
	// Inspection is the inspection data; nil at the INFO level.
	Inspection *InspectionData
}

// InspectionData shows how the state processed its data, up to the point
// of failure. String fields hold JSON text; empty means absent.
type InspectionData struct {
	Input               string
	AfterArguments      string
	AfterInputPath      string
	AfterParameters     string
	Result              string
	AfterResultSelector string
	AfterResultPath     string
	// Request and Response are the HTTP exchange of an HTTP Task, at the
	// TRACE level, when the Invoke function reported one with RecordHTTP.
	Request  *HTTPRequest
	Response *HTTPResponse
	// Variables are the workflow variables after the state.
	Variables    string
	ErrorDetails *ErrorDetails
	// The Map state's item processing and limits.
	AfterItemsPath             string
	AfterItemSelector          string
	AfterItemBatcher           string
	AfterItemsPointer          string
	ToleratedFailureCount      *int64
	ToleratedFailurePercentage *float64
	MaxConcurrency             *int64
}

// ErrorDetails tells which retrier or catcher handled the error.
type ErrorDetails struct {
	CatchIndex                  *int64
	RetryIndex                  *int64
	RetryBackoffIntervalSeconds *int64
}

// HTTPRequest is the HTTP request an HTTP Task sent.
type HTTPRequest struct {
	Protocol, Method, URL, Headers, Body string
}

// HTTPResponse is the HTTP response an HTTP Task received.
type HTTPResponse struct {
	Protocol, StatusCode, StatusMessage, Headers, Body string
}

// response builds the Response for the request's inspection level.
func (x *run) response() *Response {
	resp := x.resp
	switch x.req.InspectionLevel {
	case LevelDebug, LevelTrace:
		insp := x.insp
		if v := x.vars; v != nil && v.Len() > 0 {
			insp.Variables = jsonvalue.Marshal(v)
		}
		if x.req.InspectionLevel == LevelTrace {
			insp.Request, insp.Response = x.trace.exchange()
		}
		resp.Inspection = &insp
	}
	return &resp
}

// AppendJSON appends the response as the TestState API returns it: the
// JSON object of the response body, with AWS's field names, absent fields
// left out and JSON documents as strings.
func (r *Response) AppendJSON(dst []byte) []byte {
	w := objectWriter{dst: append(dst, '{')}
	w.str("output", r.Output)
	if r.HasError {
		w.field("error")
		w.dst = jsonvalue.AppendString(w.dst, r.Error)
	}
	if r.HasCause {
		w.field("cause")
		w.dst = jsonvalue.AppendString(w.dst, r.Cause)
	}
	if d := r.Inspection; d != nil {
		w.field("inspectionData")
		w.dst = d.appendJSON(w.dst)
	}
	w.str("nextState", r.NextState)
	w.str("status", string(r.Status))
	return append(w.dst, '}')
}

func (d *InspectionData) appendJSON(dst []byte) []byte {
	w := objectWriter{dst: append(dst, '{')}
	w.str("input", d.Input)
	w.str("afterArguments", d.AfterArguments)
	w.str("afterInputPath", d.AfterInputPath)
	w.str("afterParameters", d.AfterParameters)
	w.str("result", d.Result)
	w.str("afterResultSelector", d.AfterResultSelector)
	w.str("afterResultPath", d.AfterResultPath)
	if q := d.Request; q != nil {
		w.field("request")
		o := objectWriter{dst: append(w.dst, '{')}
		o.str("protocol", q.Protocol)
		o.str("method", q.Method)
		o.str("url", q.URL)
		o.str("headers", q.Headers)
		o.str("body", q.Body)
		w.dst = append(o.dst, '}')
	}
	if q := d.Response; q != nil {
		w.field("response")
		o := objectWriter{dst: append(w.dst, '{')}
		o.str("protocol", q.Protocol)
		o.str("statusCode", q.StatusCode)
		o.str("statusMessage", q.StatusMessage)
		o.str("headers", q.Headers)
		o.str("body", q.Body)
		w.dst = append(o.dst, '}')
	}
	w.str("variables", d.Variables)
	if e := d.ErrorDetails; e != nil {
		w.field("errorDetails")
		o := objectWriter{dst: append(w.dst, '{')}
		o.int("catchIndex", e.CatchIndex)
		o.int("retryIndex", e.RetryIndex)
		o.int("retryBackoffIntervalSeconds", e.RetryBackoffIntervalSeconds)
		w.dst = append(o.dst, '}')
	}
	w.str("afterItemsPath", d.AfterItemsPath)
	w.str("afterItemSelector", d.AfterItemSelector)
	w.str("afterItemBatcher", d.AfterItemBatcher)
	w.str("afterItemsPointer", d.AfterItemsPointer)
	w.int("toleratedFailureCount", d.ToleratedFailureCount)
	if p := d.ToleratedFailurePercentage; p != nil {
		w.field("toleratedFailurePercentage")
		w.dst = append(w.dst, formatPercentage(*p)...)
	}
	w.int("maxConcurrency", d.MaxConcurrency)
	return append(w.dst, '}')
}

// objectWriter writes the members of a JSON object.
type objectWriter struct {
	dst []byte
	n   int
}

func (w *objectWriter) field(name string) {
	if w.n > 0 {
		w.dst = append(w.dst, ',')
	}
	w.n++
	w.dst = jsonvalue.AppendString(w.dst, name)
	w.dst = append(w.dst, ':')
}

// str writes a string member unless it is empty.
func (w *objectWriter) str(name, v string) {
	if v == "" {
		return
	}
	w.field(name)
	w.dst = jsonvalue.AppendString(w.dst, v)
}

// int writes an integer member unless it is nil.
func (w *objectWriter) int(name string, v *int64) {
	if v == nil {
		return
	}
	w.field(name)
	w.dst = strconv.AppendInt(w.dst, *v, 10)
}
