package scheduler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sluice-run/sluice/internal/schedule"
	"github.com/sluice-run/sluice/internal/store"
	"github.com/sluice-run/sluice/internal/timer"
)

// Pending kinds: a schedule's next fire, and invocations on their way to
// a target.
const (
	kindNext   = "scheduler"
	kindInvoke = "schedulerInvoke"
	keyNext    = "next"
)

// Timer owners: "schedule:<ARN>" for fires, "invoke:<ARN>" for retries.
const (
	ownerFire   = "schedule:"
	ownerInvoke = "invoke:"
)

// planNext sets the record's next fire: the first nominal time after
// after, and the time to invoke it within the flexible window. A disabled
// schedule, or one that will not fire again, has none.
func (s *Service) planNext(rec *scheduleRecord, sch *schedule.Schedule, after time.Time) {
	rec.NextNominal, rec.NextFire = time.Time{}, time.Time{}
	if rec.State != stateEnabled {
		return
	}
	n, ok := sch.Next(after)
	if !ok {
		return
	}
	rec.NextNominal, rec.NextFire = n, sch.Fire(n, s.rand())
}

// nextChange is the pending index change that records a schedule's next
// fire, or removes it when it has none.
func nextChange(rec *scheduleRecord, w *store.Write) {
	if rec.NextFire.IsZero() {
		w.RemovePending = append(w.RemovePending, store.PendingKey{Exec: rec.Arn, Kind: kindNext, Key: keyNext})
		return
	}
	data, _ := json.Marshal(map[string]time.Time{"nominal": rec.NextNominal})
	w.AddPending = append(w.AddPending, store.Pending{Exec: rec.Arn, Kind: kindNext, Key: keyNext, Due: rec.NextFire, Data: data})
}

// arm sets or clears a schedule's timer to match its record.
func (s *Service) arm(rec *scheduleRecord) {
	if rec.NextFire.IsZero() {
		s.timers.Remove(ownerFire+rec.Arn, keyNext)
		return
	}
	s.timers.Add(ownerFire+rec.Arn, keyNext, rec.NextFire)
}

// record encodes a schedule as a store record.
func record(rec *scheduleRecord, groupArn string) (store.Record, error) {
	data, err := json.Marshal(rec)
	if err != nil {
		return store.Record{}, fmt.Errorf("scheduler: encode schedule %s: %w", rec.Arn, err)
	}
	return store.Record{Kind: kindSchedule, Key: rec.Arn, Parent: groupArn, Data: data, Created: rec.Created}, nil
}

// groupArnOf is the ARN of a schedule's group.
func groupArnOf(scheduleArn string) string {
	i := strings.Index(scheduleArn, ":schedule/")
	if i < 0 {
		return ""
	}
	rest := scheduleArn[i+len(":schedule/"):]
	group, _, _ := strings.Cut(rest, "/")
	return scheduleArn[:i] + ":schedule-group/" + group
}

// save writes a schedule and its next fire in one Write, with extra
// changes, and arms its timer. The caller holds s.mu.
func (s *Service) save(ctx context.Context, rec *scheduleRecord, extra *store.Write) error {
	r, err := record(rec, groupArnOf(rec.Arn))
	if err != nil {
		return err
	}
	w := extra
	if w == nil {
		w = &store.Write{}
	}
	w.Records = append(w.Records, r)
	nextChange(rec, w)
	errs, err := s.st.Commit(ctx, w)
	if err == nil && len(errs) > 0 {
		err = errs[0]
	}
	if err != nil {
		return fmt.Errorf("scheduler: write schedule %s: %w", rec.Arn, err)
	}
	s.arm(rec)
	return nil
}

// readSchedule reads a stored schedule.
func (s *Service) readSchedule(ctx context.Context, arn string) (scheduleRecord, error) {
	r, err := s.st.GetRecord(ctx, kindSchedule, arn)
	if err != nil {
		return scheduleRecord{}, err
	}
	var rec scheduleRecord
	if err := json.Unmarshal(r.Data, &rec); err != nil {
		return scheduleRecord{}, fmt.Errorf("scheduler: decode schedule %s: %w", arn, err)
	}
	return rec, nil
}

// removeSchedule deletes a schedule and its pending fire. The caller
// holds s.mu. Invocations already made finish.
func (s *Service) removeSchedule(ctx context.Context, arn string) error {
	if err := s.st.DeleteRecord(ctx, kindSchedule, arn); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("scheduler: delete schedule %s: %w", arn, err)
	}
	s.timers.Remove(ownerFire+arn, keyNext)
	w := &store.Write{RemovePending: []store.PendingKey{{Exec: arn, Kind: kindNext, Key: keyNext}}}
	if _, err := s.st.Commit(ctx, w); err != nil {
		return fmt.Errorf("scheduler: delete the next fire of %s: %w", arn, err)
	}
	return nil
}

// fireTimer handles the timer service's firings; it must not block.
func (s *Service) fireTimer(owner, id string, due time.Time) {
	if arn, ok := strings.CutPrefix(owner, ownerFire); ok {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.fire(arn, due)
		}()
		return
	}
	if arn, ok := strings.CutPrefix(owner, ownerInvoke); ok {
		if v, ok := s.parked.LoadAndDelete(arn + "\x00" + id); ok {
			s.start(v.(*invocation))
		}
	}
}

// fire fires a schedule whose timer fell due: it records the fire, the
// next one and the invocation in one Write, then invokes the target.
func (s *Service) fire(arn string, due time.Time) {
	ctx := s.ctx
	s.mu.Lock()
	rec, err := s.readSchedule(ctx, arn)
	if errors.Is(err, store.ErrNotFound) {
		// The schedule was deleted after its fire was read from the
		// pending index: drop the orphan.
		_, _ = s.st.Commit(ctx, &store.Write{RemovePending: []store.PendingKey{{Exec: arn, Kind: kindNext, Key: keyNext}}})
		s.mu.Unlock()
		return
	}
	if err != nil {
		s.mu.Unlock()
		s.retryFire(arn, due, err)
		return
	}
	if rec.State != stateEnabled || !sameInstant(rec.NextFire, due) {
		s.mu.Unlock() // superseded by an update
		return
	}
	sch, err := compile(rec)
	if err != nil {
		s.mu.Unlock()
		s.log.Error("fire schedule", "schedule", arn, "err", err)
		return
	}
	now := s.now()
	nominal := rec.NextNominal
	// Catch-up: fires missed while Sluice was stopped collapse into the
	// latest one.
	for {
		n, ok := sch.Next(nominal)
		if !ok || n.After(now) {
			break
		}
		nominal = n
	}
	rec.LastFired = nominal
	s.planNext(&rec, sch, nominal)
	inv := newInvocation(&rec, nominal, now)
	w := &store.Write{AddPending: []store.Pending{inv.pending()}}
	if err := s.save(ctx, &rec, w); err != nil {
		s.mu.Unlock()
		s.retryFire(arn, due, err)
		return
	}
	s.mu.Unlock()
	s.start(inv)
}

// sameInstant compares a recorded fire time with a timer's due time at
// microsecond precision, which every store keeps.
func sameInstant(a, b time.Time) bool {
	return a.Truncate(time.Microsecond).Equal(b.Truncate(time.Microsecond))
}

// retryFire re-arms a fire that could not be recorded, a second later.
func (s *Service) retryFire(arn string, due time.Time, err error) {
	if s.ctx.Err() != nil {
		return
	}
	s.log.Error("fire schedule", "schedule", arn, "err", err)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		select {
		case <-s.ctx.Done():
		case <-time.After(time.Second):
			s.timers.Add(ownerFire+arn, keyNext, due)
		}
	}()
}

// dueTimers lists the recorded fires due by before, for the timer
// service's loader.
func (s *Service) dueTimers(ctx context.Context, before time.Time) ([]timer.Key, []time.Time, error) {
	items, err := s.st.ListPendingBefore(ctx, kindNext, before)
	if err != nil {
		return nil, nil, fmt.Errorf("scheduler: list due fires: %w", err)
	}
	keys := make([]timer.Key, len(items))
	dues := make([]time.Time, len(items))
	for i, p := range items {
		keys[i], dues[i] = timer.Key{Owner: ownerFire + p.Exec, ID: p.Key}, p.Due
	}
	return keys, dues, nil
}

// recover arms the recorded fires, resumes the invocations that were in
// flight, and repairs what a crash between two writes can leave: a
// schedule whose fire is missing from the pending index, and a completed
// schedule that was to be deleted.
func (s *Service) recover(ctx context.Context) error {
	pending, err := s.st.ListPending(ctx, kindNext)
	if err != nil {
		return fmt.Errorf("scheduler: recover fires: %w", err)
	}
	armed := map[string]bool{}
	for _, p := range pending {
		armed[p.Exec] = true
	}
	invs, err := s.st.ListPending(ctx, kindInvoke)
	if err != nil {
		return fmt.Errorf("scheduler: recover invocations: %w", err)
	}
	invoking := map[string]bool{}
	var resume []*invocation
	for _, p := range invs {
		inv, err := invocationFromPending(p)
		if err != nil {
			s.log.Error("recover invocation", "schedule", p.Exec, "err", err)
			continue
		}
		invoking[p.Exec] = true
		resume = append(resume, inv)
	}
	recs, err := s.allRecords(ctx, kindSchedule, "")
	if err != nil {
		return err
	}
	for _, r := range recs {
		var rec scheduleRecord
		if err := json.Unmarshal(r.Data, &rec); err != nil {
			s.log.Error("recover schedule", "schedule", r.Key, "err", err)
			continue
		}
		switch {
		case !rec.NextFire.IsZero() && !armed[rec.Arn]:
			if err := s.save(ctx, &rec, nil); err != nil {
				return err
			}
		case rec.NextFire.IsZero() && !rec.LastFired.IsZero() && rec.ActionAfterCompletion == actionDelete && !invoking[rec.Arn]:
			if err := s.removeSchedule(ctx, rec.Arn); err != nil {
				return err
			}
		}
	}
	for _, p := range pending {
		s.timers.Add(ownerFire+p.Exec, p.Key, p.Due)
	}
	for _, inv := range resume {
		s.start(inv)
	}
	return nil
}
