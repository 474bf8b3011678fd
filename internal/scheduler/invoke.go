package scheduler

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sluice-run/sluice/internal/bus"
	"github.com/sluice-run/sluice/internal/deadletter"
	"github.com/sluice-run/sluice/internal/jsonvalue"
	"github.com/sluice-run/sluice/internal/store"
)

// invocation is one fire on its way to the target. It lives in the
// pending index (kind "schedulerInvoke", keyed by schedule ARN and nominal
// time) from the fire until the target took it or it was dead-lettered,
// and carries a snapshot of the target, so that it completes even when the
// schedule changes or is deleted meanwhile.
type invocation struct {
	Schedule    string
	Nominal     time.Time
	ExecutionID string
	// Attempt counts the attempts made so far.
	Attempt int
	// First is when the schedule fired; the event age counts from it.
	First  time.Time
	Target target
	// DeleteAfter is set on a schedule's last invocation when its
	// ActionAfterCompletion is DELETE.
	DeleteAfter bool   `json:",omitempty"`
	LastError   string `json:",omitempty"`
	// Due is when the next attempt is made.
	Due time.Time `json:"-"`
}

func newInvocation(rec *scheduleRecord, nominal, now time.Time) *invocation {
	return &invocation{Schedule: rec.Arn, Nominal: nominal, ExecutionID: uuidOf(rec.Arn + "\x00" + nominal.UTC().Format(time.RFC3339Nano)),
		First: now, Target: rec.Target, DeleteAfter: rec.NextFire.IsZero() && rec.ActionAfterCompletion == actionDelete}
}

func (inv *invocation) key() string { return inv.Nominal.UTC().Format(time.RFC3339Nano) }

func (inv *invocation) pending() store.Pending {
	data, _ := json.Marshal(inv)
	return store.Pending{Exec: inv.Schedule, Kind: kindInvoke, Key: inv.key(), Due: inv.Due, Data: data}
}

func invocationFromPending(p store.Pending) (*invocation, error) {
	var inv invocation
	if err := json.Unmarshal(p.Data, &inv); err != nil {
		return nil, fmt.Errorf("scheduler: decode invocation %s %s: %w", p.Exec, p.Key, err)
	}
	if inv.Target.Arn == nil {
		return nil, fmt.Errorf("scheduler: invocation %s %s has no target", p.Exec, p.Key)
	}
	inv.Due = p.Due
	return &inv, nil
}

// start runs an invocation that is due, or parks it until its retry is.
func (s *Service) start(inv *invocation) {
	if inv.Due.After(s.now()) {
		s.parked.Store(inv.Schedule+"\x00"+inv.key(), inv)
		s.timers.Add(ownerInvoke+inv.Schedule, inv.key(), inv.Due)
		return
	}
	id := inv.Schedule + "\x00" + inv.key()
	if _, busy := s.inflight.LoadOrStore(id, true); busy {
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer s.inflight.Delete(id)
		select {
		case s.sem <- struct{}{}:
		case <-s.ctx.Done():
			return
		}
		defer func() { <-s.sem }()
		s.attempt(inv)
	}()
}

// attempt invokes the target once and records the outcome: done, retried
// after a backoff, or dead-lettered.
func (s *Service) attempt(inv *invocation) {
	inv.Attempt++
	err := s.invoke(s.ctx, inv)
	if s.ctx.Err() != nil {
		return // shutting down: the invocation stays pending and resumes
	}
	if err == nil {
		s.finish(inv, nil, "")
		return
	}
	inv.LastError = err.Error()
	var perm *permanentError
	rp := inv.Target.RetryPolicy
	maxRetries, maxAge := defaultMaxRetries, defaultMaxAge
	if rp != nil && rp.MaximumRetryAttempts != nil {
		maxRetries = *rp.MaximumRetryAttempts
	}
	if rp != nil && rp.MaximumEventAgeInSeconds != nil {
		maxAge = *rp.MaximumEventAgeInSeconds
	}
	now := s.now()
	switch {
	case errors.As(err, &perm):
		s.finish(inv, err, "NonRetriable")
		return
	case inv.Attempt > maxRetries:
		s.finish(inv, err, "MaximumRetryAttempts")
		return
	case now.Sub(inv.First) >= time.Duration(maxAge)*time.Second:
		s.finish(inv, err, "MaximumEventAgeInSeconds")
		return
	}
	inv.Due = now.Add(bus.RetryBackoff(inv.Attempt))
	if _, err := s.st.Commit(s.ctx, &store.Write{AddPending: []store.Pending{inv.pending()}}); err != nil && s.ctx.Err() == nil {
		s.log.Error("reschedule invocation", "schedule", inv.Schedule, "err", err)
	}
	s.inflight.Delete(inv.Schedule + "\x00" + inv.key())
	s.start(inv)
}

// finish removes an invocation from the pending index; a failed one goes
// to the target's dead-letter queue in the same Write. A schedule's last
// invocation then deletes it when its ActionAfterCompletion is DELETE.
func (s *Service) finish(inv *invocation, failure error, exhausted string) {
	w := &store.Write{RemovePending: []store.PendingKey{{Exec: inv.Schedule, Kind: kindInvoke, Key: inv.key()}}}
	if failure != nil {
		if d := inv.Target.DeadLetterConfig; d != nil && d.Arn != nil {
			w.StreamEntries = append(w.StreamEntries, store.StreamEntry{Stream: deadletter.Stream(*d.Arn), Time: s.now(), Data: inv.deadLetter(failure, exhausted)})
		} else {
			s.log.Warn("schedule invocation dropped after retries", "schedule", inv.Schedule, "nominal", inv.Nominal, "err", failure)
		}
	}
	if _, err := s.st.Commit(s.ctx, w); err != nil {
		if s.ctx.Err() == nil {
			s.log.Error("finish invocation", "schedule", inv.Schedule, "err", err)
		}
		return
	}
	if inv.DeleteAfter {
		s.deleteCompleted(inv)
	}
}

// deleteCompleted deletes a schedule after its last invocation, unless it
// was updated to fire again meanwhile.
func (s *Service) deleteCompleted(inv *invocation) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, err := s.readSchedule(s.ctx, inv.Schedule)
	if err != nil {
		return // already gone
	}
	if !rec.NextFire.IsZero() || !rec.LastFired.Equal(inv.Nominal) || rec.ActionAfterCompletion != actionDelete {
		return
	}
	if err := s.removeSchedule(s.ctx, inv.Schedule); err != nil && s.ctx.Err() == nil {
		s.log.Error("delete completed schedule", "schedule", inv.Schedule, "err", err)
	}
}

// deadLetter is the message put on a dead-letter queue: the input of the
// last attempt as the body, and what failed in the message attributes.
func (inv *invocation) deadLetter(failure error, exhausted string) []byte {
	msg := failure.Error()
	code := "SDK_CLIENT_ERROR"
	if i := strings.Index(msg, ":"); i > 0 && !strings.Contains(msg[:i], " ") {
		code = msg[:i]
	}
	o := jsonvalue.NewObject(2)
	o.Append("Body", inv.input())
	attrs := jsonvalue.NewObject(8)
	attrs.Append("ERROR_CODE", code)
	attrs.Append("ERROR_MESSAGE", msg)
	attrs.Append("EXHAUSTED_RETRY_CONDITION", exhausted)
	attrs.Append("RETRY_ATTEMPTS", jsonvalue.Int(int64(inv.Attempt-1)))
	attrs.Append("TARGET_ARN", *inv.Target.Arn)
	attrs.Append("X-Amz-Scheduler-Attempt", jsonvalue.Int(int64(inv.Attempt)))
	attrs.Append("X-Amz-Scheduler-Schedule-Arn", inv.Schedule)
	attrs.Append("X-Amz-Scheduler-Execution-Id", inv.ExecutionID)
	o.Append("MessageAttributes", attrs)
	return jsonvalue.Append(nil, o)
}
