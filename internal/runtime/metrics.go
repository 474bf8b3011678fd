package runtime

import (
	"sync/atomic"

	"github.com/sluice-run/sluice/internal/metrics"
)

// Metrics are the engine's counters, exported on /metrics.
type Metrics struct {
	started       *metrics.Counter
	transitions   *metrics.Counter
	events        *metrics.Counter
	replays       *metrics.Counter
	byStatus      *metrics.CounterVec
	timerLateness lateness
	timerApplied  lateness
	recovered     atomic.Int64
}

type lateness struct{ h *metrics.Histogram }

func (l lateness) observe(sec float64) { l.h.Observe("", sec) }

func newMetrics() *Metrics {
	return &Metrics{
		started:     &metrics.Counter{Name: "sluice_executions_started_total", Help: "Executions started."},
		transitions: &metrics.Counter{Name: "sluice_state_transitions_total", Help: "States entered, durably."},
		events:      &metrics.Counter{Name: "sluice_history_events_total", Help: "History events written."},
		replays:     &metrics.Counter{Name: "sluice_execution_replays_total", Help: "Executions rebuilt from their journal."},
		byStatus:    &metrics.CounterVec{Name: "sluice_executions_finished_total", Help: "Executions that ended, by status.", Label: "status"},
		timerLateness: lateness{&metrics.Histogram{Name: "sluice_timer_lateness_seconds", Help: "How late timers fired after their due time.",
			Buckets: timerBuckets}},
		timerApplied: lateness{&metrics.Histogram{Name: "sluice_timer_applied_lateness_seconds",
			Help: "How late timer firings reached their execution after their due time.", Buckets: timerBuckets}},
	}
}

var timerBuckets = []float64{0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.1, 0.5, 1, 5, 30}

func (m *Metrics) finished(status string) { m.byStatus.Add(status, 1) }

// Register adds the engine's metrics to r.
func (m *Metrics) Register(r *metrics.Registry) {
	r.Register(m.started, m.transitions, m.events, m.replays, m.byStatus, m.timerLateness.h, m.timerApplied.h)
}

// Transitions returns the number of durable state transitions so far.
func (m *Metrics) Transitions() uint64 { return m.transitions.Value() }

// TimerLateness returns the histogram of how late timers reached their
// executions.
func (m *Metrics) TimerLateness() *metrics.Histogram { return m.timerApplied.h }
