package function

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkInvokeWarm measures an invocation round trip through the
// Runtime API to a warm instance (the Python test runtime echoing its
// event).
func BenchmarkInvokeWarm(b *testing.B) {
	p := benchPool(b)
	ctx := context.Background()
	req := Request{Payload: []byte(`{"op":"echo"}`)}
	if _, err := p.Invoke(ctx, req); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := p.Invoke(ctx, req)
		if err != nil || r.FunctionError != "" {
			b.Fatal(r, err)
		}
	}
}

// BenchmarkColdStart measures starting an instance (a python3 process) and
// its first invocation.
func BenchmarkColdStart(b *testing.B) {
	ctx := context.Background()
	req := Request{Payload: []byte(`{"op":"echo"}`)}
	for i := 0; i < b.N; i++ {
		p := benchPool(b)
		if _, err := p.Invoke(ctx, req); err != nil {
			b.Fatal(err)
		}
		p.Close()
	}
}

func benchPool(b *testing.B) *Pool {
	b.Helper()
	script, err := filepath.Abs("testdata/bootstrap.py")
	if err != nil {
		b.Fatal(err)
	}
	p := NewPool(Config{Name: "bench", Arn: "arn:aws:lambda:us-east-1:000000000000:function:bench", Runtime: "provided.al2023",
		Region: "us-east-1", CodeDir: b.TempDir(), Timeout: 10 * time.Second},
		func(Config) ([]string, error) { return []string{"python3", script}, nil }, nil)
	b.Cleanup(p.Close)
	return p
}
