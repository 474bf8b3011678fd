package bus

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/sluice-run/sluice/internal/jsonvalue"
	"github.com/sluice-run/sluice/internal/store"
	"github.com/sluice-run/sluice/internal/timer"
)

// Scheduled rules fire at nominal times computed from the expression (and,
// for rate(), from the rule's anchor), never from the previous firing, so
// they do not drift. The next nominal time of each enabled scheduled rule
// is in the pending index (kind "schedule"): a fire writes its deliveries
// and the following nominal time in one Write, so a restart neither
// repeats nor loses a fire. Catch-up policy: fires missed while Sluice was
// stopped are collapsed into one, delivered at once with the latest missed
// nominal time, after which the schedule continues at its nominal times.

const kindSchedule = "schedule"

func scheduleOwner(ruleArn string) string { return "schedule:" + ruleArn }

// scheduleRule arms a rule's next fire, computed from now, and records it.
// The caller holds s.mu.
func (s *Service) scheduleRule(rs *ruleState) {
	next, ok := rs.sched.NextFrom(rs.rec.Anchor, s.now(), time.UTC)
	if !ok {
		return
	}
	s.armSchedule(rs.rec.Arn, next, true)
}

// armSchedule sets a rule's next fire in the timer service and, when
// persist is set, in the pending index.
func (s *Service) armSchedule(ruleArn string, next time.Time, persist bool) {
	if persist {
		p := store.Pending{Exec: ruleArn, Kind: kindSchedule, Key: "next", Due: next}
		if _, err := s.st.Commit(s.ctx, &store.Write{AddPending: []store.Pending{p}}); err != nil && s.ctx.Err() == nil {
			s.log.Error("record schedule", "rule", ruleArn, "err", err)
		}
	}
	s.timers.Add(scheduleOwner(ruleArn), "next", next)
}

// unschedule disarms a rule's schedule. The caller holds s.mu.
func (s *Service) unschedule(rs *ruleState) {
	if rs.sched == nil {
		return
	}
	s.timers.Remove(scheduleOwner(rs.rec.Arn), "next")
	s.lastFireMu.Lock()
	delete(s.lastFire, rs.rec.Arn)
	s.lastFireMu.Unlock()
	if _, err := s.st.Commit(s.ctx, &store.Write{RemovePending: []store.PendingKey{{Exec: rs.rec.Arn, Kind: kindSchedule, Key: "next"}}}); err != nil && s.ctx.Err() == nil {
		s.log.Error("remove schedule", "rule", rs.rec.Arn, "err", err)
	}
}

// recoverSchedules re-arms scheduled rules after a start from their
// recorded next fires; a rule without one (its PutRule was cut short) is
// scheduled from now.
func (s *Service) recoverSchedules(ctx context.Context) error {
	items, err := s.st.ListPending(ctx, kindSchedule)
	if err != nil {
		return fmt.Errorf("bus: recover schedules: %w", err)
	}
	recorded := map[string]time.Time{}
	for _, p := range items {
		recorded[p.Exec] = p.Due
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, b := range s.buses {
		for _, rs := range b.rules {
			if rs.sched == nil || rs.rec.State == stateDisabled {
				continue
			}
			if due, ok := recorded[rs.rec.Arn]; ok {
				s.timers.Add(scheduleOwner(rs.rec.Arn), "next", due)
			} else {
				s.scheduleRule(rs)
			}
		}
	}
	return nil
}

// dueTimers lists the recorded schedule fires due by before, for the timer
// service's loader.
func (s *Service) dueTimers(ctx context.Context, before time.Time) ([]timer.Key, []time.Time, error) {
	items, err := s.st.ListPendingBefore(ctx, kindSchedule, before)
	if err != nil {
		return nil, nil, err
	}
	keys := make([]timer.Key, len(items))
	dues := make([]time.Time, len(items))
	for i, p := range items {
		keys[i], dues[i] = timer.Key{Owner: scheduleOwner(p.Exec), ID: p.Key}, p.Due
	}
	return keys, dues, nil
}

// fireTimer handles the timer service's firings: schedule fires and
// delivery retries.
func (s *Service) fireTimer(owner, id string, due time.Time) {
	if ruleArn, ok := strings.CutPrefix(owner, "schedule:"); ok {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.fireSchedule(ruleArn, due)
		}()
		return
	}
	if key, ok := strings.CutPrefix(owner, "delivery:"); ok {
		s.deliv.retryDue(key, id)
	}
}

// fireSchedule fires a scheduled rule for its nominal time due.
func (s *Service) fireSchedule(ruleArn string, due time.Time) {
	s.mu.RLock()
	var rs *ruleState
	var b *busState
	for _, bb := range s.buses {
		if r := bb.rules[ruleArn]; r != nil {
			rs, b = r, bb
		}
	}
	s.mu.RUnlock()
	if rs == nil || rs.sched == nil || rs.rec.State == stateDisabled {
		return
	}
	now := s.now()
	nominal := due
	// Catch-up: collapse fires missed while stopped into the latest one.
	for {
		n, ok := rs.sched.NextFrom(rs.rec.Anchor, nominal, time.UTC)
		if !ok || n.After(now) {
			break
		}
		nominal = n
	}
	next, hasNext := rs.sched.NextFrom(rs.rec.Anchor, nominal, time.UTC)
	// The loader re-adds the stored next fire, which is still the old one
	// while this fire's write is on its way: such a stale timer finds its
	// nominal time fired already and only re-arms the real next one.
	s.lastFireMu.Lock()
	if last, ok := s.lastFire[ruleArn]; ok && !nominal.After(last) {
		s.lastFireMu.Unlock()
		if n, ok := rs.sched.NextFrom(rs.rec.Anchor, last, time.UTC); ok {
			s.timers.Add(scheduleOwner(ruleArn), "next", n)
		}
		return
	}
	s.lastFire[ruleArn] = nominal
	s.lastFireMu.Unlock()
	s.metrics.scheduled.Add(1)
	s.metrics.scheduleLateness.Observe("", now.Sub(nominal).Seconds())
	id := newUUID()
	ev := envelope(id, "Scheduled Event", "aws.events", accountOf(ruleArn), nominal, regionOf(ruleArn),
		[]jsonvalue.Value{ruleArn}, jsonvalue.NewObject(0))
	raw := jsonvalue.Append(nil, ev)
	w := &store.Write{}
	var ds []*delivery
	for _, t := range rs.targets {
		d := &delivery{key: deliveryKey(ruleArn, t.t.ID), ruleArn: ruleArn, targetID: t.t.ID, eventID: id, event: raw, busArn: b.rec.Arn, first: now}
		ds = append(ds, d)
		w.AddPending = append(w.AddPending, d.pending())
	}
	if hasNext {
		w.AddPending = append(w.AddPending, store.Pending{Exec: ruleArn, Kind: kindSchedule, Key: "next", Due: next})
	} else {
		w.RemovePending = append(w.RemovePending, store.PendingKey{Exec: ruleArn, Kind: kindSchedule, Key: "next"})
	}
	if _, err := s.st.Commit(s.ctx, w); err != nil {
		if s.ctx.Err() == nil {
			s.log.Error("fire schedule", "rule", ruleArn, "err", err)
		}
		return
	}
	if s.cfg.ScheduleObserver != nil {
		s.cfg.ScheduleObserver(ruleArn, nominal, s.now())
	}
	for _, d := range ds {
		s.deliv.enqueue(d)
	}
	if hasNext {
		s.mu.RLock()
		still := b.rules[ruleArn] == rs
		s.mu.RUnlock()
		if still {
			s.timers.Add(scheduleOwner(ruleArn), "next", next)
		}
	}
}

func regionOf(arn string) string {
	p := strings.SplitN(arn, ":", 6)
	if len(p) < 4 {
		return ""
	}
	return p[3]
}

var _ = json.Marshal
