package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/sluice-run/sluice/internal/awsapi"
	"github.com/sluice-run/sluice/internal/jsonvalue"
	"github.com/sluice-run/sluice/internal/pattern"
	"github.com/sluice-run/sluice/internal/store"
)

// archiveRecord is a stored archive. Its events are the entries of the
// store stream named by its ARN.
type archiveRecord struct {
	Arn            string    `json:"arn"`
	Name           string    `json:"name"`
	EventSourceArn string    `json:"eventSourceArn"`
	Description    string    `json:"description,omitempty"`
	EventPattern   string    `json:"eventPattern,omitempty"`
	RetentionDays  int       `json:"retentionDays"`
	State          string    `json:"state"`
	Created        time.Time `json:"created"`
}

type archiveState struct {
	rec archiveRecord
}

var archiveNameRE = regexp.MustCompile(`^[\.\-_A-Za-z0-9]{1,48}$`)

// matchAll is the pattern of an archive without one: it matches every
// event (every event has a source).
const matchAll = `{"source":[{"exists":true}]}`

func (s *Service) loadArchives(ctx context.Context) error {
	recs, err := s.allRecords(ctx, kindArchive, "")
	if err != nil {
		return fmt.Errorf("bus: load archives: %w", err)
	}
	for _, r := range recs {
		var a archiveRecord
		if err := json.Unmarshal(r.Data, &a); err != nil {
			return fmt.Errorf("bus: load archive %s: %w", r.Key, err)
		}
		if b := s.buses[a.EventSourceArn]; b != nil {
			s.indexArchive(b, &archiveState{rec: a})
		}
	}
	replays, err := s.allRecords(ctx, kindReplay, "")
	if err != nil {
		return fmt.Errorf("bus: load replays: %w", err)
	}
	for _, r := range replays {
		var rp replayRecord
		if json.Unmarshal(r.Data, &rp) == nil && (rp.State == "STARTING" || rp.State == "RUNNING") {
			s.runReplay(rp)
		}
	}
	s.wg.Add(1)
	go s.retention()
	return nil
}

func (s *Service) indexArchive(b *busState, a *archiveState) {
	p := a.rec.EventPattern
	if p == "" {
		p = matchAll
	}
	if err := b.matcher.Add("archive:"+a.rec.Arn, []byte(p)); err != nil {
		s.log.Error("index archive", "archive", a.rec.Arn, "err", err)
	}
	b.archives[a.rec.Arn] = a
}

// retention trims archives to their retention period, hourly.
func (s *Service) retention() {
	defer s.wg.Done()
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		s.mu.RLock()
		var as []archiveRecord
		for _, b := range s.buses {
			for _, a := range b.archives {
				if a.rec.RetentionDays > 0 {
					as = append(as, a.rec)
				}
			}
		}
		s.mu.RUnlock()
		for _, a := range as {
			cut := s.now().Add(-time.Duration(a.RetentionDays) * 24 * time.Hour)
			if _, err := s.st.TrimStream(s.ctx, a.Arn, cut); err != nil && s.ctx.Err() == nil {
				s.log.Error("trim archive", "archive", a.Arn, "err", err)
			}
		}
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (s *Service) archiveByName(c *call, name string) (*busState, *archiveState) {
	arn := c.arn("archive/" + name)
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, b := range s.buses {
		if a := b.archives[arn]; a != nil {
			return b, a
		}
	}
	return nil, nil
}

func (s *Service) createArchive(ctx context.Context, c *call) (any, error) {
	var in struct {
		ArchiveName    string  `json:"ArchiveName"`
		EventSourceArn string  `json:"EventSourceArn"`
		Description    *string `json:"Description"`
		EventPattern   *string `json:"EventPattern"`
		RetentionDays  int     `json:"RetentionDays"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if !archiveNameRE.MatchString(in.ArchiveName) {
		return nil, awsapi.ValidationField(in.ArchiveName, "archiveName", "Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+")
	}
	if in.RetentionDays < 0 {
		return nil, awsapi.ValidationField(in.RetentionDays, "retentionDays", "Member must have value greater than or equal to 0")
	}
	if in.EventPattern != nil {
		if _, err := pattern.Compile([]byte(*in.EventPattern)); err != nil {
			return nil, invalidPattern(err)
		}
	}
	s.mu.RLock()
	b := s.buses[in.EventSourceArn]
	s.mu.RUnlock()
	if b == nil {
		name := in.EventSourceArn[strings.LastIndex(in.EventSourceArn, "/")+1:]
		if strings.HasSuffix(in.EventSourceArn, ":event-bus/default") {
			var err error
			if b, err = s.bus(ctx, c, "default"); err != nil {
				return nil, err
			}
		} else {
			return nil, notFound("Event bus %s does not exist.", name)
		}
	}
	if _, a := s.archiveByName(c, in.ArchiveName); a != nil {
		return nil, awsapi.Errorf("ResourceAlreadyExistsException", "Archive %s already exists.", in.ArchiveName)
	}
	now := s.now()
	a := &archiveState{rec: archiveRecord{Arn: c.arn("archive/" + in.ArchiveName), Name: in.ArchiveName, EventSourceArn: b.rec.Arn,
		Description: deref(in.Description), EventPattern: deref(in.EventPattern), RetentionDays: in.RetentionDays, State: "ENABLED", Created: now}}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.putRecord(ctx, kindArchive, a.rec.Arn, c.scope(), a.rec, now, 0); err != nil {
		if errors.Is(err, store.ErrExists) {
			return nil, awsapi.Errorf("ResourceAlreadyExistsException", "Archive %s already exists.", in.ArchiveName)
		}
		return nil, err
	}
	s.indexArchive(b, a)
	return map[string]any{"ArchiveArn": a.rec.Arn, "State": a.rec.State, "CreationTime": epoch(now)}, nil
}

func (s *Service) archiveOut(ctx context.Context, a archiveRecord, full bool) map[string]any {
	out := map[string]any{"ArchiveName": a.Name, "EventSourceArn": a.EventSourceArn, "State": a.State, "RetentionDays": a.RetentionDays,
		"CreationTime": epoch(a.Created)}
	st, err := s.st.StreamStats(ctx, a.Arn)
	if err == nil {
		out["SizeBytes"] = st.Bytes
		out["EventCount"] = st.Entries
	}
	if full {
		out["ArchiveArn"] = a.Arn
		if a.Description != "" {
			out["Description"] = a.Description
		}
		if a.EventPattern != "" {
			out["EventPattern"] = a.EventPattern
		}
	}
	return out
}

func (s *Service) describeArchive(ctx context.Context, c *call) (any, error) {
	var in struct {
		ArchiveName string `json:"ArchiveName"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	_, a := s.archiveByName(c, in.ArchiveName)
	if a == nil {
		return nil, notFound("Archive %s does not exist.", in.ArchiveName)
	}
	return s.archiveOut(ctx, a.rec, true), nil
}

func (s *Service) updateArchive(ctx context.Context, c *call) (any, error) {
	var in struct {
		ArchiveName   string  `json:"ArchiveName"`
		Description   *string `json:"Description"`
		EventPattern  *string `json:"EventPattern"`
		RetentionDays *int    `json:"RetentionDays"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if in.EventPattern != nil {
		if _, err := pattern.Compile([]byte(*in.EventPattern)); err != nil {
			return nil, invalidPattern(err)
		}
	}
	b, a := s.archiveByName(c, in.ArchiveName)
	if a == nil {
		return nil, notFound("Archive %s does not exist.", in.ArchiveName)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := a.rec
	if in.Description != nil {
		rec.Description = *in.Description
	}
	if in.EventPattern != nil {
		rec.EventPattern = *in.EventPattern
	}
	if in.RetentionDays != nil {
		rec.RetentionDays = *in.RetentionDays
	}
	r, err := s.st.GetRecord(ctx, kindArchive, rec.Arn)
	if err != nil {
		return nil, err
	}
	if _, err := s.putRecord(ctx, kindArchive, rec.Arn, r.Parent, rec, rec.Created, r.Revision); err != nil {
		return nil, err
	}
	s.indexArchive(b, &archiveState{rec: rec})
	return map[string]any{"ArchiveArn": rec.Arn, "State": rec.State, "CreationTime": epoch(rec.Created)}, nil
}

func (s *Service) deleteArchive(ctx context.Context, c *call) (any, error) {
	var in struct {
		ArchiveName string `json:"ArchiveName"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	b, a := s.archiveByName(c, in.ArchiveName)
	if a == nil {
		return nil, notFound("Archive %s does not exist.", in.ArchiveName)
	}
	s.mu.Lock()
	b.matcher.Remove("archive:" + a.rec.Arn)
	delete(b.archives, a.rec.Arn)
	s.mu.Unlock()
	if err := s.deleteRecord(ctx, kindArchive, a.rec.Arn); err != nil {
		return nil, err
	}
	if err := s.st.DeleteStream(ctx, a.rec.Arn); err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

func (s *Service) listArchives(ctx context.Context, c *call) (any, error) {
	var in struct {
		NamePrefix     *string `json:"NamePrefix"`
		EventSourceArn *string `json:"EventSourceArn"`
		State          *string `json:"State"`
		NextToken      *string `json:"NextToken"`
		Limit          int     `json:"Limit"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	s.mu.RLock()
	var recs []archiveRecord
	for _, b := range s.buses {
		if b.scope != c.scope() {
			continue
		}
		for _, a := range b.archives {
			if !strings.HasPrefix(a.rec.Name, deref(in.NamePrefix)) || in.EventSourceArn != nil && a.rec.EventSourceArn != *in.EventSourceArn ||
				in.State != nil && a.rec.State != *in.State {
				continue
			}
			recs = append(recs, a.rec)
		}
	}
	s.mu.RUnlock()
	sortBy(recs, func(a archiveRecord) string { return a.Name })
	page, next, err := paginate(recs, in.Limit, in.NextToken)
	if err != nil {
		return nil, err
	}
	list := make([]map[string]any, 0, len(page))
	for _, a := range page {
		list = append(list, s.archiveOut(ctx, a, false))
	}
	out := map[string]any{"Archives": list}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}

// --- replays -----------------------------------------------------------------------

type replayRecord struct {
	Arn             string    `json:"arn"`
	Name            string    `json:"name"`
	Description     string    `json:"description,omitempty"`
	EventSourceArn  string    `json:"eventSourceArn"`
	DestinationArn  string    `json:"destinationArn"`
	FilterArns      []string  `json:"filterArns,omitempty"`
	EventStartTime  time.Time `json:"eventStartTime"`
	EventEndTime    time.Time `json:"eventEndTime"`
	State           string    `json:"state"`
	StateReason     string    `json:"stateReason,omitempty"`
	ReplayStartTime time.Time `json:"replayStartTime"`
	ReplayEndTime   time.Time `json:"replayEndTime,omitzero"`
	LastReplayed    time.Time `json:"lastReplayed,omitzero"`
	Cursor          store.StreamPos
	Scope           string `json:"scope"`
}

var replayCancels sync.Map // replay ARN -> context.CancelFunc

var replayNameRE = regexp.MustCompile(`^[\.\-_A-Za-z0-9]{1,64}$`)

func (s *Service) startReplay(ctx context.Context, c *call) (any, error) {
	var in struct {
		ReplayName     string   `json:"ReplayName"`
		Description    *string  `json:"Description"`
		EventSourceArn string   `json:"EventSourceArn"`
		EventStartTime *epochIn `json:"EventStartTime"`
		EventEndTime   *epochIn `json:"EventEndTime"`
		Destination    *struct {
			Arn        string   `json:"Arn"`
			FilterArns []string `json:"FilterArns"`
		} `json:"Destination"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if !replayNameRE.MatchString(in.ReplayName) {
		return nil, awsapi.ValidationField(in.ReplayName, "replayName", "Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+")
	}
	if in.EventStartTime == nil || in.EventEndTime == nil || in.Destination == nil {
		return nil, awsapi.Validation("EventStartTime, EventEndTime and Destination are required.")
	}
	start, end := time.Time(*in.EventStartTime), time.Time(*in.EventEndTime)
	if !start.Before(end) {
		return nil, awsapi.Validation("Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.")
	}
	if end.After(s.now()) {
		return nil, awsapi.Validation("Parameter EventEndTime is not valid. Reason: EventEndTime cannot be in the future.")
	}
	archiveName := in.EventSourceArn[strings.LastIndex(in.EventSourceArn, "/")+1:]
	_, a := s.archiveByName(c, archiveName)
	if a == nil || a.rec.Arn != in.EventSourceArn {
		return nil, notFound("Archive %s does not exist.", archiveName)
	}
	if in.Destination.Arn != a.rec.EventSourceArn {
		return nil, awsapi.Validation("Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.")
	}
	arn := c.arn("replay/" + in.ReplayName)
	if _, err := s.st.GetRecord(ctx, kindReplay, arn); err == nil {
		return nil, awsapi.Errorf("ResourceAlreadyExistsException", "Replay %s already exists.", in.ReplayName)
	}
	now := s.now()
	rp := replayRecord{Arn: arn, Name: in.ReplayName, Description: deref(in.Description), EventSourceArn: in.EventSourceArn,
		DestinationArn: in.Destination.Arn, FilterArns: in.Destination.FilterArns, EventStartTime: start, EventEndTime: end,
		State: "STARTING", ReplayStartTime: now, Scope: c.scope()}
	if _, err := s.putRecord(ctx, kindReplay, arn, c.scope(), rp, now, 0); err != nil {
		return nil, err
	}
	s.runReplay(rp)
	return map[string]any{"ReplayArn": arn, "State": "STARTING", "ReplayStartTime": epoch(now)}, nil
}

// runReplay re-sends an archive's events in the replay's time range to its
// destination bus, in the background, resuming from its cursor.
func (s *Service) runReplay(rp replayRecord) {
	ctx, cancel := context.WithCancel(s.ctx)
	replayCancels.Store(rp.Arn, cancel)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer replayCancels.Delete(rp.Arn)
		rp.State = "RUNNING"
		s.saveReplay(rp)
		for {
			entries, more, err := s.st.ReadStream(ctx, rp.EventSourceArn, store.StreamRead{From: rp.EventStartTime, To: rp.EventEndTime, After: rp.Cursor, Limit: 500})
			if err != nil {
				if ctx.Err() != nil {
					s.finishReplay(rp, ctx)
					return
				}
				rp.State, rp.StateReason = "FAILED", err.Error()
				rp.ReplayEndTime = s.now()
				s.saveReplay(rp)
				return
			}
			var events []*Event
			for _, e := range entries {
				v, err := jsonvalue.Parse(e.Data)
				o, ok := v.(*jsonvalue.Object)
				if err != nil || !ok {
					continue
				}
				c := o.Clone()
				c.Set("replay-name", rp.Name)
				id, _ := c.Get("id")
				idStr, _ := id.(string)
				filter := rp.FilterArns
				if filter == nil {
					filter = []string{}
					s.mu.RLock()
					if b := s.buses[rp.DestinationArn]; b != nil {
						for arn := range b.rules {
							filter = append(filter, arn)
						}
					}
					s.mu.RUnlock()
				}
				events = append(events, &Event{ID: idStr, BusArn: rp.DestinationArn, Raw: jsonvalue.Append(nil, c), Value: c,
					Ingest: s.now(), Replay: rp.Name, OnlyFor: filter})
				rp.LastReplayed = e.Time
				rp.Cursor = e.Pos()
			}
			if len(events) > 0 {
				if err := s.Ingest(ctx, events); err != nil {
					if ctx.Err() != nil {
						s.finishReplay(rp, ctx)
						return
					}
					rp.State, rp.StateReason = "FAILED", err.Error()
					rp.ReplayEndTime = s.now()
					s.saveReplay(rp)
					return
				}
			}
			s.saveReplay(rp)
			if !more {
				rp.State = "COMPLETED"
				rp.ReplayEndTime = s.now()
				s.saveReplay(rp)
				return
			}
		}
	}()
}

// finishReplay records a replay that ended because it was cancelled (or
// because Sluice is stopping, in which case it resumes after a restart).
func (s *Service) finishReplay(rp replayRecord, ctx context.Context) {
	if s.ctx.Err() != nil {
		return
	}
	rp.State = "CANCELLED"
	rp.ReplayEndTime = s.now()
	s.saveReplay(rp)
}

func (s *Service) saveReplay(rp replayRecord) {
	r, err := s.st.GetRecord(s.ctx, kindReplay, rp.Arn)
	if err != nil {
		return
	}
	var cur replayRecord
	if json.Unmarshal(r.Data, &cur) == nil && cur.State == "CANCELLING" && rp.State == "RUNNING" {
		return
	}
	if _, err := s.putRecord(s.ctx, kindReplay, rp.Arn, r.Parent, rp, rp.ReplayStartTime, r.Revision); err != nil && s.ctx.Err() == nil {
		s.log.Error("save replay", "replay", rp.Arn, "err", err)
	}
}

func (s *Service) replay(ctx context.Context, c *call, name string) (*replayRecord, int64, error) {
	r, err := s.st.GetRecord(ctx, kindReplay, c.arn("replay/"+name))
	if errors.Is(err, store.ErrNotFound) {
		return nil, 0, notFound("Replay %s does not exist.", name)
	}
	if err != nil {
		return nil, 0, err
	}
	var rp replayRecord
	if err := json.Unmarshal(r.Data, &rp); err != nil {
		return nil, 0, err
	}
	return &rp, r.Revision, nil
}

func replayOut(rp *replayRecord, full bool) map[string]any {
	out := map[string]any{"ReplayName": rp.Name, "EventSourceArn": rp.EventSourceArn, "State": rp.State,
		"EventStartTime": epoch(rp.EventStartTime), "EventEndTime": epoch(rp.EventEndTime), "ReplayStartTime": epoch(rp.ReplayStartTime)}
	if rp.StateReason != "" {
		out["StateReason"] = rp.StateReason
	}
	if !rp.LastReplayed.IsZero() {
		out["EventLastReplayedTime"] = epoch(rp.LastReplayed)
	}
	if !rp.ReplayEndTime.IsZero() {
		out["ReplayEndTime"] = epoch(rp.ReplayEndTime)
	}
	if full {
		out["ReplayArn"] = rp.Arn
		dest := map[string]any{"Arn": rp.DestinationArn}
		if rp.FilterArns != nil {
			dest["FilterArns"] = rp.FilterArns
		}
		out["Destination"] = dest
		if rp.Description != "" {
			out["Description"] = rp.Description
		}
	}
	return out
}

func (s *Service) describeReplay(ctx context.Context, c *call) (any, error) {
	var in struct {
		ReplayName string `json:"ReplayName"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	rp, _, err := s.replay(ctx, c, in.ReplayName)
	if err != nil {
		return nil, err
	}
	return replayOut(rp, true), nil
}

func (s *Service) listReplays(ctx context.Context, c *call) (any, error) {
	var in struct {
		NamePrefix     *string `json:"NamePrefix"`
		State          *string `json:"State"`
		EventSourceArn *string `json:"EventSourceArn"`
		NextToken      *string `json:"NextToken"`
		Limit          int     `json:"Limit"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	recs, err := s.allRecords(ctx, kindReplay, c.scope())
	if err != nil {
		return nil, err
	}
	var items []map[string]any
	for _, r := range recs {
		var rp replayRecord
		if json.Unmarshal(r.Data, &rp) != nil || !strings.HasPrefix(rp.Name, deref(in.NamePrefix)) ||
			in.State != nil && rp.State != *in.State || in.EventSourceArn != nil && rp.EventSourceArn != *in.EventSourceArn {
			continue
		}
		items = append(items, replayOut(&rp, false))
	}
	page, next, err := paginate(items, in.Limit, in.NextToken)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"Replays": page}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}

func (s *Service) cancelReplay(ctx context.Context, c *call) (any, error) {
	var in struct {
		ReplayName string `json:"ReplayName"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	rp, rev, err := s.replay(ctx, c, in.ReplayName)
	if err != nil {
		return nil, err
	}
	if rp.State != "STARTING" && rp.State != "RUNNING" {
		return nil, awsapi.Errorf("IllegalStatusException", "Replay %s is not in a state that can be cancelled.", in.ReplayName)
	}
	rp.State = "CANCELLING"
	if _, err := s.putRecord(ctx, kindReplay, rp.Arn, c.scope(), rp, rp.ReplayStartTime, rev); err != nil {
		return nil, err
	}
	if cancel, ok := replayCancels.Load(rp.Arn); ok {
		cancel.(context.CancelFunc)()
	}
	return map[string]any{"ReplayArn": rp.Arn, "State": "CANCELLING"}, nil
}
