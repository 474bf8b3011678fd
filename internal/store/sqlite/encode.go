package sqlite

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/sluice-run/sluice/internal/store"
)

// Column lists of the executions table. execOther are the columns no
// index covers; execIndexed those some index covers. An update writes
// execIndexed only when one of them changed, because SQLite rewrites the
// entries of every index whose columns an UPDATE assigns, changed or not.
var (
	execOther = []string{
		"name", "stop_date", "error", "cause", "definition_key", "role_arn",
		"trace_header", "seed", "engine", "redrive_count", "redrive_date",
		"parent_task", "map_run_index", "event_count", "batches",
	}
	execIndexed = []string{
		"state_machine_arn", "version_arn", "alias_arn", "status", "start_date",
		"parent", "map_run_arn",
	}
)

// numIndexed is len(execIndexed).
const numIndexed = 7

// execArgCount is the number of arguments of stCreateExec: execOther, the
// ARN, execIndexed.
var execArgCount = len(execOther) + 1 + len(execIndexed)

// stmtID names a statement the writer prepares once.
type stmtID int

const (
	stBegin stmtID = iota
	stCommit
	stRollback
	stSavepoint
	stRelease
	stRollbackTo
	stCreateExec
	stCreateIO
	stSelectForUpdate
	stUpdateOther
	stUpdateAll
	stUpdateIO
	stInsertBatch
	stAddPending
	stRemovePending
	stUpsertRecord
	stInsertRecord
	stUpdateRecord
	stDeleteRecord
	stDeleteBatches
	stDeletePendingOf
	stDeleteIO
	stDeleteExec
	stUpsertStream
	stInsertEntry
	stStreamID
	stTrimEntries
	stSubStream
	stDeleteStream
	numStmts
)

// writeSQL holds the text of the writer's statements, indexed by stmtID.
var writeSQL = [numStmts]string{
	stBegin:      "BEGIN IMMEDIATE",
	stCommit:     "COMMIT",
	stRollback:   "ROLLBACK",
	stSavepoint:  "SAVEPOINT w",
	stRelease:    "RELEASE w",
	stRollbackTo: "ROLLBACK TO w",
	// Arguments: execOther, arn, execIndexed.
	stCreateExec: "INSERT INTO executions (" + strings.Join(execOther, ", ") + ", arn, " +
		strings.Join(execIndexed, ", ") + ") VALUES (" + placeholders(execArgCount) +
		") ON CONFLICT (arn) DO NOTHING",
	stCreateIO: "INSERT INTO execution_io (id, input, output) VALUES (?, ?, ?)",
	// Arguments: execIndexed, input, output, arn. It returns the id of
	// the execution, whether its indexed columns already hold the given
	// values and whether its input and output do.
	stSelectForUpdate: "SELECT e.id, (" + sameAs(prefixed("e.", execIndexed)) + "), (io.input IS ? AND io.output IS ?) " +
		"FROM executions e JOIN execution_io io ON io.id = e.id WHERE e.arn = ?",
	// Arguments: execOther, id.
	stUpdateOther: "UPDATE executions SET " + assignments(execOther) + " WHERE id = ?",
	// Arguments: execOther, execIndexed, id.
	stUpdateAll: "UPDATE executions SET " + assignments(execOther) + ", " + assignments(execIndexed) + " WHERE id = ?",
	// Arguments: input, output, id. It rewrites the row only when one of
	// them changed.
	stUpdateIO: "UPDATE execution_io SET input = ?1, output = ?2 WHERE id = ?3 AND (input IS NOT ?1 OR output IS NOT ?2)",
	// Arguments: exec_id, seq, first_event_id, event_count, events, input.
	stInsertBatch: "INSERT INTO batches (exec_id, seq, first_event_id, event_count, events, input) VALUES (?, ?, ?, ?, ?, ?) " +
		"ON CONFLICT (exec_id, seq) DO NOTHING",
	// Arguments: exec, kind, key, due, grp, data.
	stAddPending: "INSERT INTO pending (exec, kind, key, due, grp, data) VALUES (?, ?, ?, ?, ?, ?) " +
		"ON CONFLICT (exec, kind, key) DO UPDATE SET due = excluded.due, grp = excluded.grp, data = excluded.data",
	// Arguments: exec, kind, key.
	stRemovePending: "DELETE FROM pending WHERE exec = ? AND kind = ? AND key = ?",
	// Arguments: kind, key, parent, data, created.
	stUpsertRecord: "INSERT INTO records (kind, key, parent, data, created, revision) VALUES (?, ?, ?, ?, ?, 1) " +
		"ON CONFLICT (kind, key) DO UPDATE SET parent = excluded.parent, data = excluded.data, " +
		"created = excluded.created, revision = revision + 1",
	// Arguments: kind, key, parent, data, created.
	stInsertRecord: "INSERT INTO records (kind, key, parent, data, created, revision) VALUES (?, ?, ?, ?, ?, 1) " +
		"ON CONFLICT (kind, key) DO NOTHING",
	// Arguments: kind, key, parent, data, created, revision.
	stUpdateRecord: "UPDATE records SET parent = ?3, data = ?4, created = ?5, revision = revision + 1 " +
		"WHERE kind = ?1 AND key = ?2 AND revision = ?6",
	// Arguments: kind, key.
	stDeleteRecord: "DELETE FROM records WHERE kind = ? AND key = ?",
	// Arguments: arn (for the next four).
	stDeleteBatches:   "DELETE FROM batches WHERE exec_id = (SELECT id FROM executions WHERE arn = ?)",
	stDeletePendingOf: "DELETE FROM pending WHERE exec = ?",
	stDeleteIO:        "DELETE FROM execution_io WHERE id = (SELECT id FROM executions WHERE arn = ?)",
	stDeleteExec:      "DELETE FROM executions WHERE arn = ?",
	// Arguments: name, entries, bytes (of the entries appended). It
	// returns the stream's id and the Seq of the last of those entries.
	stUpsertStream: "INSERT INTO streams (name, entries, bytes, last_seq) VALUES (?1, ?2, ?3, ?2) " +
		"ON CONFLICT (name) DO UPDATE SET entries = entries + excluded.entries, bytes = bytes + excluded.bytes, " +
		"last_seq = last_seq + excluded.entries RETURNING id, last_seq",
	// Arguments: stream_id, seq, time, data.
	stInsertEntry: "INSERT INTO stream_entries (stream_id, seq, time, data) VALUES (?, ?, ?, ?)",
	// Arguments: name.
	stStreamID: "SELECT id FROM streams WHERE name = ?",
	// Arguments: stream_id, before, limit. It deletes up to limit of the
	// oldest entries with time < before and returns their data's lengths.
	stTrimEntries: "DELETE FROM stream_entries WHERE rowid IN (SELECT rowid FROM stream_entries " +
		"WHERE stream_id = ?1 AND time < ?2 ORDER BY time, seq LIMIT ?3) RETURNING length(data)",
	// Arguments: id, entries, bytes (removed).
	stSubStream: "UPDATE streams SET entries = entries - ?2, bytes = bytes - ?3 WHERE id = ?1",
	// Arguments: id.
	stDeleteStream: "DELETE FROM streams WHERE id = ?",
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func assignments(cols []string) string {
	a := make([]string, len(cols))
	for i, c := range cols {
		a[i] = c + " = ?"
	}
	return strings.Join(a, ", ")
}

func prefixed(prefix string, cols []string) []string {
	a := make([]string, len(cols))
	for i, c := range cols {
		a[i] = prefix + c
	}
	return a
}

func sameAs(cols []string) string {
	a := make([]string, len(cols))
	for i, c := range cols {
		a[i] = c + " IS ?"
	}
	return strings.Join(a, " AND ")
}

// Time encoding. Times are stored as nanoseconds since the Unix epoch,
// which covers the years 1678 to 2261.
var (
	minTime = time.Date(1678, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC)
)

// errTimeRange is wrapped by the errors for times Sluice cannot store.
var errTimeRange = errors.New("time outside the years 1678 to 2261")

// timeValue encodes an optional time: NULL for the zero time.
func timeValue(t time.Time, field string) (driver.Value, error) {
	if t.IsZero() {
		return nil, nil
	}
	if t.Before(minTime) || !t.Before(maxTime) {
		return nil, fmt.Errorf("sqlite: %s %s: %w", field, t, errTimeRange)
	}
	return t.UnixNano(), nil
}

// startValue encodes a start date, which sorts and so is never NULL: the
// zero time is math.MinInt64.
func startValue(t time.Time) (driver.Value, error) {
	if t.IsZero() {
		return int64(math.MinInt64), nil
	}
	return timeValue(t, "StartDate")
}

// decodeTime decodes a time column read as an int64 (or NULL).
func decodeTime(ns int64, valid bool) time.Time {
	if !valid || ns == math.MinInt64 {
		return time.Time{}
	}
	return time.Unix(0, ns).UTC()
}

// blobValue encodes a byte slice; empty and nil are both NULL, so that a
// blob always reads back as nil or a non-empty slice.
func blobValue(b []byte) driver.Value {
	if len(b) == 0 {
		return nil
	}
	return b
}

// optString encodes a string that is NULL when empty.
func optString(s string) driver.Value {
	if s == "" {
		return nil
	}
	return s
}

// ptrString encodes a *string as NULL or text.
func ptrString(s *string) driver.Value {
	if s == nil {
		return nil
	}
	return *s
}

// args is a bump allocator of statement arguments: one backing array per
// write, sliced per statement.
type args struct {
	buf []driver.NamedValue
}

// next returns a slice of n arguments with ordinals 1..n.
func (a *args) next(n int) []driver.NamedValue {
	if cap(a.buf)-len(a.buf) < n {
		size := 2 * cap(a.buf)
		if size < n {
			size = n
		}
		if size < 32 {
			size = 32
		}
		a.buf = make([]driver.NamedValue, 0, size)
	}
	s := a.buf[len(a.buf) : len(a.buf)+n]
	a.buf = a.buf[:len(a.buf)+n]
	for i := range s {
		s[i] = driver.NamedValue{Ordinal: i + 1}
	}
	return s
}

// encodedWrite is a store.Write turned into statement arguments by the
// committing goroutine, so that the single writer goroutine only executes.
type encodedWrite struct {
	// err is set when the write is invalid; it is then not executed.
	err    error
	create bool
	update bool
	arn    string
	// exec holds the arguments of stCreateExec, or of stUpdateAll with
	// the id filled in by the writer.
	exec []driver.NamedValue
	// other holds the arguments of stUpdateOther, and sel those of
	// stSelectForUpdate.
	other, sel []driver.NamedValue
	// io holds the arguments of stCreateIO or stUpdateIO, with the id
	// filled in by the writer.
	io      []driver.NamedValue
	batches [][]driver.NamedValue
	remove  [][]driver.NamedValue
	add     [][]driver.NamedValue
	records [][]driver.NamedValue
	streams []encodedStream
}

// encodedStream holds the entries a Write appends to one stream.
type encodedStream struct {
	name  string
	bytes int64
	// upsert holds the arguments of stUpsertStream.
	upsert []driver.NamedValue
	// entries hold the arguments of stInsertEntry, with the stream id and
	// the Seq filled in by the writer.
	entries [][]driver.NamedValue
}

// encodeWrite validates w and encodes it into e.
func encodeWrite(w *store.Write, e *encodedWrite, a *args) {
	*e = encodedWrite{}
	if err := encodeWriteErr(w, e, a); err != nil {
		e.err = err
	}
}

func encodeWriteErr(w *store.Write, e *encodedWrite, a *args) error {
	if w == nil {
		return errors.New("sqlite: nil Write")
	}
	ex := w.Create
	if w.Create != nil && w.Update != nil {
		return errors.New("sqlite: Write has both Create and Update")
	}
	if ex == nil {
		ex = w.Update
	}
	if ex != nil {
		if ex.Arn == "" {
			return errors.New("sqlite: execution without Arn")
		}
		e.create = w.Create != nil
		e.update = w.Update != nil
		e.arn = ex.Arn
		if err := encodeExecution(ex, e, a); err != nil {
			return err
		}
	}
	if len(w.Batches) > 0 {
		if ex == nil {
			return errors.New("sqlite: Write has Batches but neither Create nor Update")
		}
		e.batches = make([][]driver.NamedValue, len(w.Batches))
		for i := range w.Batches {
			b := &w.Batches[i]
			if b.Seq < 1 {
				return fmt.Errorf("sqlite: batch of %s with Seq %d: Seq must be at least 1", ex.Arn, b.Seq)
			}
			v := a.next(6)
			// v[0] is the exec id, filled in by the writer.
			v[1].Value = b.Seq
			v[2].Value = b.FirstEventID
			v[3].Value = int64(b.EventCount)
			v[4].Value = blobValue(b.Events)
			v[5].Value = blobValue(b.Input)
			e.batches[i] = v
		}
	}
	if len(w.RemovePending) > 0 {
		e.remove = make([][]driver.NamedValue, len(w.RemovePending))
		for i, k := range w.RemovePending {
			v := a.next(3)
			v[0].Value = k.Exec
			v[1].Value = k.Kind
			v[2].Value = k.Key
			e.remove[i] = v
		}
	}
	if len(w.AddPending) > 0 {
		e.add = make([][]driver.NamedValue, len(w.AddPending))
		for i := range w.AddPending {
			p := &w.AddPending[i]
			if p.Exec == "" || p.Kind == "" || p.Key == "" {
				return fmt.Errorf("sqlite: pending item (%q, %q, %q): Exec, Kind and Key must not be empty", p.Exec, p.Kind, p.Key)
			}
			due, err := timeValue(p.Due, "pending Due")
			if err != nil {
				return err
			}
			v := a.next(6)
			v[0].Value = p.Exec
			v[1].Value = p.Kind
			v[2].Value = p.Key
			v[3].Value = due
			v[4].Value = p.Group
			v[5].Value = blobValue(p.Data)
			e.add[i] = v
		}
	}
	if len(w.Records) > 0 {
		e.records = make([][]driver.NamedValue, len(w.Records))
		for i := range w.Records {
			v := a.next(5)
			if err := encodeRecord(&w.Records[i], v); err != nil {
				return err
			}
			e.records[i] = v
		}
	}
	if len(w.StreamEntries) > 0 {
		if err := encodeStreamEntries(w.StreamEntries, e, a); err != nil {
			return err
		}
	}
	return nil
}

// encodeStreamEntries encodes the stream entries of a Write into e,
// grouped by stream in the order the streams first appear.
func encodeStreamEntries(entries []store.StreamEntry, e *encodedWrite, a *args) error {
	// index finds a stream in e.streams; a linear search suffices for
	// the few streams a Write usually appends to.
	var byName map[string]int
	index := func(name string) int {
		if byName != nil {
			if k, ok := byName[name]; ok {
				return k
			}
			return -1
		}
		for k := range e.streams {
			if e.streams[k].name == name {
				return k
			}
		}
		return -1
	}
	for i := range entries {
		x := &entries[i]
		if x.Stream == "" {
			return errors.New("sqlite: stream entry without Stream")
		}
		if x.Time.IsZero() {
			return fmt.Errorf("sqlite: entry of stream %s without Time", x.Stream)
		}
		ts, err := timeValue(x.Time, "stream entry Time")
		if err != nil {
			return err
		}
		k := index(x.Stream)
		if k < 0 {
			k = len(e.streams)
			e.streams = append(e.streams, encodedStream{name: x.Stream})
			if byName != nil {
				byName[x.Stream] = k
			} else if len(e.streams) > 8 {
				byName = make(map[string]int, 2*len(e.streams))
				for j := range e.streams {
					byName[e.streams[j].name] = j
				}
			}
		}
		v := a.next(4)
		// v[0] and v[1], the stream id and the Seq, are filled in by
		// the writer.
		v[2].Value = ts
		v[3].Value = blobValue(x.Data)
		st := &e.streams[k]
		st.entries = append(st.entries, v)
		st.bytes += int64(len(x.Data))
	}
	for k := range e.streams {
		st := &e.streams[k]
		st.upsert = a.next(3)
		st.upsert[0].Value = st.name
		st.upsert[1].Value = int64(len(st.entries))
		st.upsert[2].Value = st.bytes
	}
	return nil
}

// encodeExecution encodes the statement arguments of a created or updated
// execution into e.
func encodeExecution(x *store.Execution, e *encodedWrite, a *args) error {
	stop, err := timeValue(x.StopDate, "StopDate")
	if err != nil {
		return err
	}
	redrive, err := timeValue(x.RedriveDate, "RedriveDate")
	if err != nil {
		return err
	}
	start, err := startValue(x.StartDate)
	if err != nil {
		return err
	}
	other := [...]driver.Value{
		x.Name, stop, ptrString(x.Error), ptrString(x.Cause), x.DefinitionKey, x.RoleArn,
		x.TraceHeader, int64(x.Seed), int64(x.Engine), int64(x.RedriveCount), redrive,
		x.ParentTask, int64(x.MapRunIndex), x.EventCount, x.Batches,
	}
	indexed := [numIndexed]driver.Value{
		x.StateMachineArn, optString(x.VersionArn), optString(x.AliasArn), x.Status, start,
		optString(x.Parent), optString(x.MapRunArn),
	}
	input, output := blobValue(x.Input), blobValue(x.Output)
	if e.create {
		// execOther, arn, execIndexed
		v := a.next(execArgCount)
		fill(v, other[:])
		v[len(other)].Value = x.Arn
		fill(v[len(other)+1:], indexed[:])
		e.exec = v
		// id, input, output
		e.io = a.next(3)
		e.io[1].Value, e.io[2].Value = input, output
		return nil
	}
	// stSelectForUpdate: execIndexed, input, output, arn
	e.sel = a.next(len(indexed) + 3)
	fill(e.sel, indexed[:])
	e.sel[len(indexed)].Value = input
	e.sel[len(indexed)+1].Value = output
	e.sel[len(indexed)+2].Value = x.Arn
	// stUpdateOther: execOther, id
	e.other = a.next(len(other) + 1)
	fill(e.other, other[:])
	// stUpdateAll: execOther, execIndexed, id
	e.exec = a.next(len(other) + len(indexed) + 1)
	fill(e.exec, other[:])
	fill(e.exec[len(other):], indexed[:])
	// stUpdateIO: input, output, id
	e.io = a.next(3)
	e.io[0].Value, e.io[1].Value = input, output
	return nil
}

// fill sets the values of v from vals.
func fill(v []driver.NamedValue, vals []driver.Value) {
	for i, x := range vals {
		v[i].Value = x
	}
}

// encodeRecord fills v with kind, key, parent, data, created.
func encodeRecord(r *store.Record, v []driver.NamedValue) error {
	if r.Kind == "" || r.Key == "" {
		return fmt.Errorf("sqlite: record (%q, %q): Kind and Key must not be empty", r.Kind, r.Key)
	}
	created, err := timeValue(r.Created, "record Created")
	if err != nil {
		return err
	}
	v[0].Value = r.Kind
	v[1].Value = r.Key
	v[2].Value = r.Parent
	v[3].Value = blobValue(r.Data)
	v[4].Value = created
	return nil
}
