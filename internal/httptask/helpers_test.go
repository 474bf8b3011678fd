package httptask

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/sluice-run/sluice/internal/interp"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// seen is a request as the test server received it.
type seen struct {
	Method   string
	Path     string
	RawQuery string
	Header   http.Header
	Body     string
}

// server is a test endpoint that records requests and answers with the
// handler it was given (200 {"ok":true} by default).
type server struct {
	*httptest.Server
	mu       sync.Mutex
	requests []seen
}

func newServer(t *testing.T, h http.HandlerFunc) *server {
	t.Helper()
	s := &server{}
	if h == nil {
		h = func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"ok":true}`)
		}
	}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.requests = append(s.requests, seen{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Body: string(body)})
		s.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

// only returns the one request the server received.
func (s *server) only(t *testing.T) seen {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.requests) != 1 {
		t.Fatalf("server received %d requests, want 1", len(s.requests))
	}
	return s.requests[0]
}

// params builds Parameters from JSON text after substituting %s with the
// server URL.
func params(t *testing.T, format string, args ...any) jsonvalue.Value {
	t.Helper()
	v, err := jsonvalue.ParseString(fmt.Sprintf(format, args...))
	if err != nil {
		t.Fatalf("bad test parameters: %v", err)
	}
	return v
}

// connections is an in-memory Connections.
type connections map[string]*Connection

func (c connections) Connection(_ context.Context, arn string) (*Connection, error) {
	if arn == "arn:denied" {
		return nil, fmt.Errorf("lookup: %w", ErrConnectionAccessDenied)
	}
	if arn == "arn:broken" {
		return nil, fmt.Errorf("store unavailable")
	}
	conn, ok := c[arn]
	if !ok {
		return nil, fmt.Errorf("lookup %s: %w", arn, ErrConnectionNotFound)
	}
	return conn, nil
}

func mustSucceed(t *testing.T, out jsonvalue.Value, f *interp.TaskFailure) *jsonvalue.Object {
	t.Helper()
	if f != nil {
		t.Fatalf("task failed: %s", f)
	}
	obj, ok := out.(*jsonvalue.Object)
	if !ok {
		t.Fatalf("result is %T, want an object", out)
	}
	return obj
}

func mustFail(t *testing.T, f *interp.TaskFailure, wantError, causeContains string) {
	t.Helper()
	if f == nil {
		t.Fatalf("task succeeded, want %s", wantError)
	}
	if f.Error != wantError {
		t.Fatalf("error = %q (cause %q), want %q", f.Error, f.Cause, wantError)
	}
	if !strings.Contains(f.Cause, causeContains) {
		t.Fatalf("cause = %q, want it to contain %q", f.Cause, causeContains)
	}
}

func get(t *testing.T, v jsonvalue.Value, keys ...string) jsonvalue.Value {
	t.Helper()
	for _, k := range keys {
		obj, ok := v.(*jsonvalue.Object)
		if !ok {
			t.Fatalf("at %q: %T is not an object", k, v)
		}
		v, ok = obj.Get(k)
		if !ok {
			t.Fatalf("no key %q in %s", k, jsonvalue.Marshal(obj))
		}
	}
	return v
}

func newTLSServer(t *testing.T) *httptest.Server {
	t.Helper()
	s := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "secure")
	}))
	t.Cleanup(s.Close)
	return s
}
