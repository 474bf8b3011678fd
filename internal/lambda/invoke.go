package lambda

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"path/filepath"
	"time"

	"github.com/sluice-run/sluice/internal/awsapi"
	"github.com/sluice-run/sluice/internal/function"
)

// InvokeInput is one invocation requested through the API or by another
// part of Sluice (a Task state, an event bus target).
type InvokeInput struct {
	FunctionName string
	Qualifier    string
	Region       string
	Payload      []byte
	// InvocationType is RequestResponse (the default), Event or DryRun.
	InvocationType string
	ClientContext  string
	// WantLogs asks for the output the invocation wrote (LogType=Tail).
	WantLogs bool
}

// InvokeOutput is the outcome of an invocation.
type InvokeOutput struct {
	StatusCode      int
	ExecutedVersion string
	RequestID       string
	Payload         []byte
	FunctionError   string
	ErrorType       string
	LogTail         []byte
}

// Invoke runs a function. Errors are the Lambda API's (no such function,
// invalid parameters, a runtime that cannot start); the function's own
// failures are in the output.
func (s *Service) Invoke(ctx context.Context, in InvokeInput) (*InvokeOutput, error) {
	region := in.Region
	if region == "" {
		region = s.cfg.Region
	}
	_, arn, qualifier, err := s.resolve(in.FunctionName, region)
	if err != nil {
		return nil, err
	}
	if in.Qualifier != "" {
		qualifier = in.Qualifier
	}
	if len(in.Payload) > function.MaxPayload {
		return nil, &lambdaError{code: "RequestTooLargeException", status: 413,
			msg: fmt.Sprintf("Request must be smaller than %d bytes for the Invoke operation", function.MaxPayload)}
	}
	e, version, err := s.pool(ctx, arn, qualifier)
	if err != nil {
		return nil, err
	}
	out := &InvokeOutput{ExecutedVersion: version}
	req := function.Request{Payload: in.Payload, ClientContext: in.ClientContext, WantLogs: in.WantLogs, TraceID: "Root=1-" + fmt.Sprintf("%08x", time.Now().Unix()) + "-" + awsapi.NewRequestID()[:24]}
	switch in.InvocationType {
	case "", "RequestResponse":
	case "DryRun":
		out.StatusCode = http.StatusNoContent
		return out, nil
	case "Event":
		// Asynchronous invocation: queued durably, then run by the queue.
		target := arn
		if qualifier != "" {
			target += ":" + qualifier
		}
		id, err := s.async.enqueue(ctx, &asyncItem{Function: target, Payload: in.Payload, ClientContext: in.ClientContext, Received: time.Now()}, time.Now())
		if err != nil {
			return nil, err
		}
		out.RequestID = id
		out.StatusCode = http.StatusAccepted
		return out, nil
	default:
		return nil, awsapi.ValidationField(in.InvocationType, "invocationType", "Member must satisfy enum value set: [Event, RequestResponse, DryRun]")
	}
	r, err := e.pool.Invoke(ctx, req)
	if err != nil {
		return nil, &lambdaError{code: "ServiceException", msg: fmt.Sprintf("The function's runtime could not start: %v", err), status: 500}
	}
	out.StatusCode = http.StatusOK
	out.RequestID, out.Payload, out.FunctionError, out.ErrorType = r.RequestID, r.Payload, r.FunctionError, r.ErrorType
	out.LogTail = r.Logs
	return out, nil
}

// pool returns the running pool of the version a qualifier names (the
// current revision of $LATEST, or a published version), replacing one of
// an older revision; it also returns the version.
func (s *Service) pool(ctx context.Context, arn, qualifier string) (*poolEntry, string, error) {
	f, version, err := s.resolveQualifier(ctx, arn, qualifier)
	if err != nil {
		return nil, "", err
	}
	key := arn
	if version != "$LATEST" {
		key += ":" + version
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.pools[key]; e != nil {
		if e.revision == f.RevisionID {
			return e, version, nil
		}
		e.pool.Close()
	}
	logs := &lineLog{log: s.log.With("function", f.Name, "version", version)}
	cfg := function.Config{Name: f.Name, Arn: f.Arn, Version: version, Runtime: f.Runtime, Handler: f.Handler,
		CodeDir: filepath.Join(s.cfg.Dir, "functions", f.CodeDir, "code"), Env: f.Env, MemoryMB: f.MemorySize,
		Timeout: time.Duration(f.Timeout) * time.Second, Region: regionOf(f.Arn)}
	e := &poolEntry{revision: f.RevisionID, logs: logs, pool: function.NewPool(cfg, s.rts.Command, logs)}
	s.pools[key] = e
	return e, version, nil
}

// regionOf reads the region of a function ARN.
func regionOf(arn string) string { return awsapi.ARNField(arn, 3) }

// invokeHTTP serves Invoke.
func (s *Service) invokeHTTP(w http.ResponseWriter, r *http.Request, name, region string) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	in := InvokeInput{FunctionName: name, Qualifier: r.URL.Query().Get("Qualifier"), Region: region, Payload: body,
		InvocationType: r.Header.Get("X-Amz-Invocation-Type"), WantLogs: r.Header.Get("X-Amz-Log-Type") == "Tail"}
	if cc := r.Header.Get("X-Amz-Client-Context"); cc != "" {
		dec, err := base64.StdEncoding.DecodeString(cc)
		if err != nil {
			return invalidParam("Client context must be a valid Base64-encoded JSON object.")
		}
		in.ClientContext = string(dec)
	}
	logType := r.Header.Get("X-Amz-Log-Type")
	if logType != "" && logType != "None" && logType != "Tail" {
		return awsapi.ValidationField(logType, "logType", "Member must satisfy enum value set: [Tail, None]")
	}
	out, err := s.Invoke(r.Context(), in)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("x-amzn-RequestId", fallback(out.RequestID, awsapi.NewRequestID()))
	if out.StatusCode == http.StatusOK {
		h.Set("X-Amz-Executed-Version", out.ExecutedVersion)
		h.Set("Content-Type", "application/json")
		if out.FunctionError != "" {
			h.Set("X-Amz-Function-Error", out.FunctionError)
		}
		if logType == "Tail" {
			h.Set("X-Amz-Log-Result", base64.StdEncoding.EncodeToString(out.LogTail))
		}
	}
	w.WriteHeader(out.StatusCode)
	if out.StatusCode == http.StatusOK {
		_, _ = w.Write(out.Payload)
	}
	return nil
}

func fallback(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
