// Package metrics provides the few metric types Sluice exports and writes
// them in the Prometheus text exposition format, without a client library.
package metrics

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// Registry holds named metrics and writes them for /metrics.
type Registry struct {
	mu      sync.Mutex
	metrics []metric
}

type metric interface {
	name() string
	write(w io.Writer)
}

// Register adds metrics to the registry.
func (r *Registry) Register(ms ...metric) {
	r.mu.Lock()
	r.metrics = append(r.metrics, ms...)
	r.mu.Unlock()
}

// WriteText writes every metric in the Prometheus text format.
func (r *Registry) WriteText(w io.Writer) {
	r.mu.Lock()
	ms := append([]metric(nil), r.metrics...)
	r.mu.Unlock()
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].name() < ms[j].name() })
	for _, m := range ms {
		m.write(w)
	}
}

// Counter is a monotonically increasing count.
type Counter struct {
	Name, Help string
	v          atomic.Uint64
}

// Add increases the counter.
func (c *Counter) Add(n uint64) { c.v.Add(n) }

// Value returns the count.
func (c *Counter) Value() uint64 { return c.v.Load() }

func (c *Counter) name() string { return c.Name }
func (c *Counter) write(w io.Writer) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n%s %d\n", c.Name, c.Help, c.Name, c.Name, c.v.Load())
}

// GaugeFunc reports a value computed when scraped.
type GaugeFunc struct {
	Name, Help string
	Fn         func() float64
}

func (g *GaugeFunc) name() string { return g.Name }
func (g *GaugeFunc) write(w io.Writer) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n%s %s\n", g.Name, g.Help, g.Name, g.Name, formatFloat(g.Fn()))
}

// CounterVec is a set of counters told apart by one label.
type CounterVec struct {
	Name, Help, Label string
	mu                sync.Mutex
	vals              map[string]*atomic.Uint64
}

// Add increases the counter for label value v.
func (c *CounterVec) Add(v string, n uint64) {
	c.mu.Lock()
	if c.vals == nil {
		c.vals = map[string]*atomic.Uint64{}
	}
	x := c.vals[v]
	if x == nil {
		x = new(atomic.Uint64)
		c.vals[v] = x
	}
	c.mu.Unlock()
	x.Add(n)
}

// Value returns the count for label value v.
func (c *CounterVec) Value(v string) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if x := c.vals[v]; x != nil {
		return x.Load()
	}
	return 0
}

func (c *CounterVec) name() string { return c.Name }
func (c *CounterVec) write(w io.Writer) {
	c.mu.Lock()
	keys := make([]string, 0, len(c.vals))
	for k := range c.vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n", c.Name, c.Help, c.Name)
	for _, k := range keys {
		fmt.Fprintf(w, "%s{%s=%q} %d\n", c.Name, c.Label, k, c.vals[k].Load())
	}
	c.mu.Unlock()
}

// Histogram counts observations into cumulative buckets, optionally split
// by one label.
type Histogram struct {
	Name, Help, Label string
	Buckets           []float64
	mu                sync.Mutex
	series            map[string]*hseries
}

type hseries struct {
	counts []uint64
	sum    float64
	count  uint64
}

// Observe records v for label value lv ("" when the histogram has no label).
func (h *Histogram) Observe(lv string, v float64) {
	h.mu.Lock()
	if h.series == nil {
		h.series = map[string]*hseries{}
	}
	s := h.series[lv]
	if s == nil {
		s = &hseries{counts: make([]uint64, len(h.Buckets))}
		h.series[lv] = s
	}
	for i, b := range h.Buckets {
		if v <= b {
			s.counts[i]++
		}
	}
	s.sum += v
	s.count++
	h.mu.Unlock()
}

// Quantile estimates the q-quantile of label value lv from the buckets
// (the upper bound of the bucket holding it).
func (h *Histogram) Quantile(lv string, q float64) float64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.series[lv]
	if s == nil || s.count == 0 {
		return math.NaN()
	}
	rank := uint64(math.Ceil(q * float64(s.count)))
	for i, c := range s.counts {
		if c >= rank {
			return h.Buckets[i]
		}
	}
	return math.Inf(1)
}

func (h *Histogram) name() string { return h.Name }
func (h *Histogram) write(w io.Writer) {
	h.mu.Lock()
	defer h.mu.Unlock()
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s histogram\n", h.Name, h.Help, h.Name)
	keys := make([]string, 0, len(h.series))
	for k := range h.series {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		s := h.series[k]
		lbl := ""
		if h.Label != "" {
			lbl = fmt.Sprintf("%s=%q,", h.Label, k)
		}
		for i, b := range h.Buckets {
			fmt.Fprintf(w, "%s_bucket{%sle=%q} %d\n", h.Name, lbl, formatFloat(b), s.counts[i])
		}
		fmt.Fprintf(w, "%s_bucket{%sle=\"+Inf\"} %d\n", h.Name, lbl, s.count)
		braces := ""
		if lbl != "" {
			braces = "{" + strings.TrimSuffix(lbl, ",") + "}"
		}
		fmt.Fprintf(w, "%s_sum%s %s\n%s_count%s %d\n", h.Name, braces, formatFloat(s.sum), h.Name, braces, s.count)
	}
}

func formatFloat(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.9f", f), "0"), ".")
}

// LatencyBuckets are bucket bounds in seconds from 100 µs to 10 s.
var LatencyBuckets = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}
