package bus

import (
	"context"
	"strings"

	"github.com/sluice-run/sluice/internal/awsapi"
	"github.com/sluice-run/sluice/internal/metrics"
)

// Metrics are the event bus counters, exported on /metrics.
type Metrics struct {
	ingested     *metrics.Counter
	delivered    *metrics.Counter
	failed       *metrics.Counter
	deadLettered *metrics.Counter
	scheduled    *metrics.Counter
	latency      *metrics.Histogram
	// scheduleLateness is how late schedule fires were written, after
	// their nominal times.
	scheduleLateness *metrics.Histogram
}

func newMetrics() *Metrics {
	return &Metrics{
		ingested:     &metrics.Counter{Name: "sluice_events_ingested_total", Help: "Events accepted onto buses."},
		delivered:    &metrics.Counter{Name: "sluice_event_deliveries_total", Help: "Events delivered to targets."},
		failed:       &metrics.Counter{Name: "sluice_event_delivery_failures_total", Help: "Deliveries given up after retries."},
		deadLettered: &metrics.Counter{Name: "sluice_event_dead_letters_total", Help: "Deliveries sent to dead-letter queues."},
		scheduled:    &metrics.Counter{Name: "sluice_schedule_fires_total", Help: "Schedule fires."},
		latency: &metrics.Histogram{Name: "sluice_event_delivery_latency_seconds", Help: "From ingestion to delivery.",
			Buckets: metrics.LatencyBuckets},
		scheduleLateness: &metrics.Histogram{Name: "sluice_schedule_lateness_seconds", Help: "From a schedule's nominal time to its fire.",
			Buckets: metrics.LatencyBuckets},
	}
}

// Register adds the metrics to r.
func (m *Metrics) Register(r *metrics.Registry) {
	r.Register(m.ingested, m.delivered, m.failed, m.deadLettered, m.scheduled, m.latency, m.scheduleLateness)
}

// Metrics returns the service's metrics.
func (s *Service) Metrics() *Metrics { return s.metrics }

// DeliveryLatency returns the ingestion-to-delivery histogram.
func (m *Metrics) DeliveryLatency() *metrics.Histogram { return m.latency }

// taggable finds the tags of a bus or rule by ARN, for read-modify-write.
func (s *Service) withTags(ctx context.Context, c *call, arn string, change func(tags []tag) []tag) ([]tag, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case strings.Contains(arn, ":event-bus/"):
		b := s.buses[arn]
		if b == nil {
			return nil, notFound("Event bus %s does not exist.", arn[strings.Index(arn, ":event-bus/")+len(":event-bus/"):])
		}
		if change == nil {
			return b.rec.Tags, nil
		}
		rec := b.rec
		rec.Tags = change(append([]tag(nil), rec.Tags...))
		r, err := s.st.GetRecord(ctx, kindBus, arn)
		if err != nil {
			return nil, err
		}
		if _, err := s.putRecord(ctx, kindBus, arn, r.Parent, rec, rec.Created, r.Revision); err != nil {
			return nil, err
		}
		b.rec = rec
		return rec.Tags, nil
	case strings.Contains(arn, ":rule/"):
		for _, b := range s.buses {
			if rs := b.rules[arn]; rs != nil {
				if change == nil {
					return rs.rec.Tags, nil
				}
				next := *rs
				next.rec.Tags = change(append([]tag(nil), rs.rec.Tags...))
				if err := s.saveRule(ctx, b, &next); err != nil {
					return nil, err
				}
				rs.rec.Tags, rs.rev = next.rec.Tags, next.rev
				return next.rec.Tags, nil
			}
		}
		return nil, notFound("Rule %s does not exist.", arn)
	}
	return nil, notFound("Resource %s does not exist.", arn)
}

func (s *Service) tagResource(ctx context.Context, c *call) (any, error) {
	var in struct {
		ResourceARN string `json:"ResourceARN"`
		Tags        []tag  `json:"Tags"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if in.ResourceARN == "" {
		return nil, awsapi.ValidationField(nil, "resourceARN", "Member must not be null")
	}
	for _, t := range in.Tags {
		if len(t.Key) < 1 || len(t.Key) > 128 || len(t.Value) > 256 {
			return nil, awsapi.ValidationField(t.Key, "tags.member.key", "Member must have length between 1 and 128")
		}
	}
	_, err := s.withTags(ctx, c, in.ResourceARN, func(tags []tag) []tag {
		for _, t := range in.Tags {
			replaced := false
			for i := range tags {
				if tags[i].Key == t.Key {
					tags[i].Value, replaced = t.Value, true
				}
			}
			if !replaced {
				tags = append(tags, t)
			}
		}
		return tags
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

func (s *Service) untagResource(ctx context.Context, c *call) (any, error) {
	var in struct {
		ResourceARN string   `json:"ResourceARN"`
		TagKeys     []string `json:"TagKeys"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	_, err := s.withTags(ctx, c, in.ResourceARN, func(tags []tag) []tag {
		var kept []tag
		for _, t := range tags {
			drop := false
			for _, k := range in.TagKeys {
				drop = drop || t.Key == k
			}
			if !drop {
				kept = append(kept, t)
			}
		}
		return kept
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

func (s *Service) listTags(ctx context.Context, c *call) (any, error) {
	var in struct {
		ResourceARN string `json:"ResourceARN"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	tags, err := s.withTags(ctx, c, in.ResourceARN, nil)
	if err != nil {
		return nil, err
	}
	if tags == nil {
		tags = []tag{}
	}
	return map[string]any{"Tags": tags}, nil
}
