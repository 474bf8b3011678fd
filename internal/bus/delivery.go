package bus

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	mrand "math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/sluice-run/sluice/internal/deadletter"
	"github.com/sluice-run/sluice/internal/jsonvalue"
	"github.com/sluice-run/sluice/internal/store"
)

// delivery is one event on its way to one target. It lives in the store's
// pending index (kind "delivery") from the moment the event is accepted
// until the target took it, it was dead-lettered or it expired.
type delivery struct {
	key      string // rule ARN#target id
	ruleArn  string
	targetID string
	eventID  string
	event    []byte
	busArn   string
	first    time.Time // ingestion time
	attempt  int       // attempts made so far
	due      time.Time
	replay   string
	lastErr  string
}

const kindDelivery = "delivery"

func deliveryKey(ruleArn, targetID string) string { return ruleArn + "#" + targetID }

func (d *delivery) pending() store.Pending {
	o := jsonvalue.NewObject(8)
	o.Append("rule", d.ruleArn)
	o.Append("target", d.targetID)
	o.Append("bus", d.busArn)
	o.Append("first", d.first.UTC().Format(time.RFC3339Nano))
	o.Append("attempt", jsonvalue.Int(int64(d.attempt)))
	if d.replay != "" {
		o.Append("replay", d.replay)
	}
	ev, err := jsonvalue.Parse(d.event)
	if err != nil {
		ev = string(d.event)
	}
	o.Append("event", ev)
	return store.Pending{Exec: d.key, Kind: kindDelivery, Key: d.pendingKey(), Due: d.due, Group: d.busArn, Data: jsonvalue.Append(nil, o)}
}

// pendingKey tells the deliveries of one target apart: by event, and by
// replay for a replayed event.
func (d *delivery) pendingKey() string {
	if d.replay != "" {
		return d.eventID + "@" + d.replay
	}
	return d.eventID
}

func deliveryFromPending(p store.Pending) (*delivery, error) {
	v, err := jsonvalue.Parse(p.Data)
	if err != nil {
		return nil, err
	}
	o, ok := v.(*jsonvalue.Object)
	if !ok {
		return nil, errors.New("not an object")
	}
	str := func(k string) string { x, _ := o.Get(k); s, _ := x.(string); return s }
	id, _, _ := strings.Cut(p.Key, "@")
	d := &delivery{key: p.Exec, eventID: id, due: p.Due, ruleArn: str("rule"), targetID: str("target"), busArn: str("bus"), replay: str("replay")}
	d.first, _ = time.Parse(time.RFC3339Nano, str("first"))
	if n, ok := func() (jsonvalue.Number, bool) { x, _ := o.Get("attempt"); n, ok := x.(jsonvalue.Number); return n, ok }(); ok {
		a, _ := n.Int64()
		d.attempt = int(a)
	}
	ev, _ := o.Get("event")
	d.event = jsonvalue.Append(nil, ev)
	return d, nil
}

// deliverer runs deliveries: one queue and worker pool per target, so a
// slow or failing target never delays the others.
type deliverer struct {
	s       *Service
	mu      sync.Mutex
	targets map[string]*targetQueue
}

// targetQueue holds the deliveries of one target that are due now.
type targetQueue struct {
	key     string // deliveryKey: the owner of its pending items
	mu      sync.Mutex
	queue   []*delivery
	workers int
	// inflight tells deliveries that are queued or running, so a timer
	// and a recovery pass never run one twice at once.
	inflight map[string]bool
	// removing holds deliveries that are done but whose removal from the
	// pending index is not yet durable, so a refill does not run them
	// again.
	removing map[string]bool
	// refilling counts refills reading the store; removals that become
	// durable meanwhile stay in removed until the reads are over, as a
	// read may have seen the store before them.
	refilling int
	removed   map[string]bool
	// spilled is set when a delivery due now was left in the store only,
	// because the queue was full; a worker that empties the queue then
	// refills it from the store, reading on from cursor (a pending key).
	spilled bool
	cursor  string
	// parked holds deliveries waiting in memory for their retry timer,
	// by pending key; at most maxQueued.
	parked map[string]*delivery
}

// workersPerTarget bounds concurrent deliveries to one target.
const workersPerTarget = 16

// maxQueued bounds the deliveries of one target held in memory. Beyond
// it, deliveries due now stay in the store's pending index only (where
// they are anyway) and are read back in pages as the queue drains, so a
// target slower than the events coming in costs disk, not memory.
var maxQueued = 4096

func newDeliverer(s *Service) *deliverer { return &deliverer{s: s, targets: map[string]*targetQueue{}} }

// enqueue queues a delivery that is due now, or arms its retry timer.
func (dl *deliverer) enqueue(d *delivery) {
	q := dl.queue(d.key)
	if !d.due.IsZero() && d.due.After(dl.s.now()) {
		// Up to maxQueued deliveries of a target wait for their retry in
		// memory; past that only the timer does, and the delivery is read
		// back from the store when it fires (see retryDue).
		q.mu.Lock()
		if len(q.parked) < maxQueued {
			q.parked[d.pendingKey()] = d
		}
		q.mu.Unlock()
		dl.s.timers.Add("delivery:"+d.key, d.pendingKey(), d.due)
		return
	}
	q.mu.Lock()
	start := dl.pushLocked(q, d)
	q.mu.Unlock()
	if start {
		dl.s.wg.Add(1)
		go dl.work(q)
	}
}

// pushLocked queues a delivery due now unless it is queued, running or
// finishing already; with the queue full it leaves it to the store and
// marks the target spilled. It reports whether the caller must start a
// worker (it has counted it). The caller holds q.mu.
func (dl *deliverer) pushLocked(q *targetQueue, d *delivery) bool {
	k := d.pendingKey()
	if q.inflight[k] || q.removing[k] {
		return false
	}
	if len(q.queue) >= maxQueued {
		q.spilled = true
		return q.startLocked()
	}
	q.inflight[k] = true
	q.queue = append(q.queue, d)
	return q.startLocked()
}

// startLocked counts one more worker if the target may have one, and
// reports whether it did. The caller holds q.mu.
func (q *targetQueue) startLocked() bool {
	if q.workers < workersPerTarget && (len(q.queue) > 0 || q.spilled) {
		q.workers++
		return true
	}
	return false
}

// retryDue handles a delivery's retry timer: the parked delivery is
// queued again, or, when it was not kept in memory, the target is marked
// spilled so that a refill reads it back from the store.
func (dl *deliverer) retryDue(key, id string) {
	q := dl.queue(key)
	q.mu.Lock()
	var start bool
	if d, ok := q.parked[id]; ok {
		delete(q.parked, id)
		d.due = time.Time{}
		start = dl.pushLocked(q, d)
	} else {
		q.spilled = true
		start = q.startLocked()
	}
	q.mu.Unlock()
	if start {
		dl.s.wg.Add(1)
		go dl.work(q)
	}
}

// queue returns the queue of the target with the given delivery key.
func (dl *deliverer) queue(key string) *targetQueue {
	dl.mu.Lock()
	defer dl.mu.Unlock()
	q := dl.targets[key]
	if q == nil {
		q = &targetQueue{key: key, inflight: map[string]bool{}, removing: map[string]bool{}, removed: map[string]bool{},
			parked: map[string]*delivery{}}
		dl.targets[key] = q
	}
	return q
}

func (dl *deliverer) work(q *targetQueue) {
	defer dl.s.wg.Done()
	for {
		q.mu.Lock()
		if len(q.queue) == 0 && q.spilled && dl.s.ctx.Err() == nil {
			q.spilled = false
			q.mu.Unlock()
			if !dl.refill(q) {
				time.Sleep(100 * time.Millisecond) // the store failed: do not spin
			}
			continue
		}
		if len(q.queue) == 0 || dl.s.ctx.Err() != nil {
			q.workers--
			q.mu.Unlock()
			return
		}
		d := q.queue[0]
		q.queue[0] = nil
		q.queue = q.queue[1:]
		q.mu.Unlock()
		dl.attempt(d)
		q.mu.Lock()
		delete(q.inflight, d.pendingKey())
		q.mu.Unlock()
	}
}

// refill reads the next page of a spilled target's deliveries from the
// store into its queue (the caller is one of its workers, so the queue
// keeps at least that worker). Deliveries already queued or running, done
// but not yet removed, or waiting for a retry (they have timers) are
// skipped. After a full page the target stays marked spilled, to read the
// next one. A page that reaches the end of the target's deliveries sends
// the cursor back to the start; when that page did not itself start
// there, the target stays marked spilled so that the next refill reads
// the deliveries before the old cursor too.
func (dl *deliverer) refill(q *targetQueue) (ok bool) {
	q.mu.Lock()
	after := q.cursor
	q.refilling++
	q.mu.Unlock()
	ps, err := dl.s.st.ListPendingOf(dl.s.ctx, q.key, kindDelivery, after, maxQueued)
	now := dl.s.now()
	// One critical section from here: a removal that became durable after
	// the read is either still in removing or already in removed.
	q.mu.Lock()
	defer q.mu.Unlock()
	skip := q.removed
	if q.refilling--; q.refilling == 0 {
		q.removed = map[string]bool{}
	}
	if err != nil {
		if dl.s.ctx.Err() == nil {
			dl.s.log.Error("refill deliveries", "target", q.key, "err", err)
			q.spilled = true // try again on the next worker pass
		}
		return false
	}
	if len(ps) < maxQueued {
		q.cursor = ""
		if after != "" {
			q.spilled = true
		}
	} else {
		q.cursor = ps[len(ps)-1].Key
		q.spilled = true // a full page: more may follow
	}
	for i, p := range ps {
		if len(q.queue) >= maxQueued {
			// Deliveries pushed meanwhile filled the queue: read on from
			// here next time.
			q.cursor, q.spilled = after, true
			if i > 0 {
				q.cursor = ps[i-1].Key
			}
			break
		}
		if q.inflight[p.Key] || q.removing[p.Key] || skip[p.Key] || q.parked[p.Key] != nil || p.Due.After(now) {
			continue
		}
		d, err := deliveryFromPending(p)
		if err != nil {
			dl.s.log.Error("refill deliveries: bad pending delivery", "target", q.key, "key", p.Key, "err", err)
			continue
		}
		d.due = time.Time{}
		q.inflight[p.Key] = true
		q.queue = append(q.queue, d)
	}
	return true
}

// attempt tries one delivery and records the outcome.
func (dl *deliverer) attempt(d *delivery) {
	s := dl.s
	s.mu.RLock()
	var rs *ruleState
	if b := s.buses[d.busArn]; b != nil {
		rs = b.rules[d.ruleArn]
	}
	var t *compiledTarget
	if rs != nil {
		for _, ct := range rs.targets {
			if ct.t.ID == d.targetID {
				t = ct
			}
		}
	}
	s.mu.RUnlock()
	if t == nil {
		// The rule or target is gone: nothing to deliver to.
		dl.finish(d, nil)
		return
	}
	d.attempt++
	err := s.invoke(s.ctx, rs, t, d)
	if s.ctx.Err() != nil {
		return // shutting down: the delivery stays pending and resumes
	}
	if err == nil {
		s.metrics.delivered.Add(1)
		s.metrics.latency.Observe("", s.now().Sub(d.first).Seconds())
		dl.finish(d, nil)
		return
	}
	d.lastErr = err.Error()
	var perm *permanentError
	age := s.now().Sub(d.first)
	if errors.As(err, &perm) || d.attempt > t.retry || age >= t.age {
		s.metrics.failed.Add(1)
		dl.finish(d, t)
		return
	}
	d.due = s.now().Add(RetryBackoff(d.attempt))
	if _, err := s.st.Commit(s.ctx, &store.Write{AddPending: []store.Pending{d.pending()}}); err != nil && s.ctx.Err() == nil {
		s.log.Error("reschedule delivery", "rule", d.ruleArn, "target", d.targetID, "err", err)
	}
	dl.enqueue(d)
}

// permanentError is a delivery failure that retrying cannot fix (such as
// an HTTP 400 from an API destination).
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }

// RetryBackoff is the delay before retry n (from 1): exponential from 1 s,
// capped at 3 minutes, drawn at random from the upper half of that
// interval, as EventBridge spreads its 185 retries over 24 hours. Rule
// deliveries and Scheduler invocations both use it.
func RetryBackoff(n int) time.Duration {
	max := math.Min(180, math.Pow(2, float64(n-1)))
	return time.Duration((max/2 + mrand.Float64()*max/2) * float64(time.Second))
}

// finish removes a delivery from the pending index; when t is set the
// delivery failed for good and goes to t's dead-letter queue, if any.
func (dl *deliverer) finish(d *delivery, t *compiledTarget) {
	s := dl.s
	w := &store.Write{RemovePending: []store.PendingKey{{Exec: d.key, Kind: kindDelivery, Key: d.pendingKey()}}}
	if t != nil && t.t.DeadLetterConfig != nil && t.t.DeadLetterConfig.Arn != "" {
		s.metrics.deadLettered.Add(1)
		w.StreamEntries = append(w.StreamEntries, store.StreamEntry{Stream: deadletter.Stream(t.t.DeadLetterConfig.Arn), Time: s.now(), Data: dl.deadLetter(d, t)})
	} else if t != nil {
		s.log.Warn("event dropped after retries", "rule", d.ruleArn, "target", d.targetID, "event", d.eventID, "err", d.lastErr)
	}
	if ac, ok := s.st.(store.AsyncCommitter); ok && t == nil {
		// A delivery done need not hold up its worker until its removal
		// is on disk: group commit makes that wait long under load, and
		// it bounded a target's throughput to workersPerTarget per commit.
		// Were the removal lost in a crash, the event would be delivered
		// again, which at-least-once allows.
		q, k := dl.queue(d.key), d.pendingKey()
		q.mu.Lock()
		q.removing[k] = true
		q.mu.Unlock()
		wait := ac.CommitAsync(context.WithoutCancel(s.ctx), w)
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			if _, err := wait(); err != nil && s.ctx.Err() == nil {
				s.log.Error("finish delivery", "rule", d.ruleArn, "target", d.targetID, "err", err)
			}
			q.mu.Lock()
			delete(q.removing, k)
			if q.refilling > 0 {
				q.removed[k] = true
			}
			q.mu.Unlock()
		}()
		return
	}
	if _, err := s.st.Commit(s.ctx, w); err != nil && s.ctx.Err() == nil {
		s.log.Error("finish delivery", "rule", d.ruleArn, "target", d.targetID, "err", err)
	}
}

// deadLetter is the message put on a dead-letter queue: the event, with
// the error in the attributes EventBridge sets.
func (dl *deliverer) deadLetter(d *delivery, t *compiledTarget) []byte {
	o := jsonvalue.NewObject(2)
	ev, _ := jsonvalue.Parse(d.event)
	o.Append("Body", jsonvalue.Marshal(ev))
	attrs := jsonvalue.NewObject(6)
	attrs.Append("RULE_ARN", d.ruleArn)
	attrs.Append("TARGET_ARN", t.t.Arn)
	attrs.Append("ERROR_CODE", errorCode(d.lastErr))
	attrs.Append("ERROR_MESSAGE", d.lastErr)
	attrs.Append("EXHAUSTED_RETRY_CONDITION", exhausted(d, t, dl.s.now()))
	attrs.Append("RETRY_ATTEMPTS", jsonvalue.Int(int64(d.attempt-1)))
	o.Append("MessageAttributes", attrs)
	return jsonvalue.Append(nil, o)
}

func errorCode(msg string) string {
	if i := strings.Index(msg, ":"); i > 0 && !strings.Contains(msg[:i], " ") {
		return msg[:i]
	}
	return "SDK_CLIENT_ERROR"
}

func exhausted(d *delivery, t *compiledTarget, now time.Time) string {
	if now.Sub(d.first) >= t.age {
		return "MaximumEventAgeInSeconds"
	}
	if d.attempt > t.retry {
		return "MaximumRetryAttempts"
	}
	return "NonRetriable"
}

// recover resumes the deliveries that were pending when Sluice stopped.
func (dl *deliverer) recover(ctx context.Context) error {
	items, err := dl.s.st.ListPending(ctx, kindDelivery)
	if err != nil {
		return fmt.Errorf("bus: recover deliveries: %w", err)
	}
	for _, p := range items {
		d, err := deliveryFromPending(p)
		if err != nil {
			dl.s.log.Error("recover delivery", "key", p.Exec, "err", err)
			continue
		}
		dl.enqueue(d)
	}
	return nil
}

// newUUID returns a random version 4 UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// shortHash returns 8 hex characters identifying s.
func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:4])
}
