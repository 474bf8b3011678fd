package sqlite

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/sluice-run/sluice/internal/store"
)

// Page sizes.
const (
	defaultLimit = 100
	maxLimit     = 1000
)

// ErrInvalidToken is returned by the listings for a NextToken they did not
// issue.
var ErrInvalidToken = store.ErrInvalidToken

const execColumns = "e.arn, e.state_machine_arn, e.version_arn, e.alias_arn, e.name, e.status, " +
	"e.start_date, e.stop_date, e.error, e.cause, e.definition_key, e.role_arn, e.trace_header, " +
	"e.seed, e.engine, e.redrive_count, e.redrive_date, e.parent, e.parent_task, e.map_run_arn, " +
	"e.map_run_index, e.event_count, e.batches, io.input, io.output"

const execFrom = " FROM executions e JOIN execution_io io ON io.id = e.id"

// readStmts are the read statements prepared on the read pool.
type readStmts struct {
	getExec        *sql.Stmt
	execExists     *sql.Stmt
	readBatches    *sql.Stmt
	running        *sql.Stmt
	pendingAll     *sql.Stmt
	pendingKind    *sql.Stmt
	pendingDue     *sql.Stmt
	pendingOf      *sql.Stmt
	getRecord      *sql.Stmt
	listRecords    *sql.Stmt
	listRecordsPar *sql.Stmt
	readStream     *sql.Stmt
	streamStats    *sql.Stmt
}

func (r *readStmts) prepare(db *sql.DB) error {
	const recordCols = "SELECT kind, key, parent, data, created, revision FROM records "
	const pendingCols = "SELECT exec, kind, key, due, grp, data FROM pending "
	for _, p := range []struct {
		st **sql.Stmt
		q  string
	}{
		{&r.getExec, "SELECT " + execColumns + execFrom + " WHERE e.arn = ?"},
		{&r.execExists, "SELECT 1 FROM executions WHERE arn = ?"},
		{&r.readBatches, "SELECT seq, first_event_id, event_count, events, input FROM batches " +
			"WHERE exec_id = (SELECT id FROM executions WHERE arn = ?) AND seq >= ? ORDER BY seq"},
		{&r.running, "SELECT arn FROM executions WHERE status = 'RUNNING' ORDER BY start_date, arn"},
		{&r.pendingAll, pendingCols + "ORDER BY kind, due, exec, key"},
		{&r.pendingKind, pendingCols + "WHERE kind = ? ORDER BY due, exec, key"},
		{&r.pendingDue, pendingCols + "WHERE kind = ? AND due <= ? ORDER BY due, exec, key"},
		{&r.pendingOf, pendingCols + "WHERE exec = ? AND kind = ? AND key > ? ORDER BY key LIMIT ?"},
		{&r.getRecord, recordCols + "WHERE kind = ? AND key = ?"},
		{&r.listRecords, recordCols + "WHERE kind = ? AND key > ? ORDER BY key LIMIT ?"},
		{&r.listRecordsPar, recordCols + "WHERE kind = ? AND parent = ? AND key > ? ORDER BY key LIMIT ?"},
		// Arguments: name, the (time, seq) to read after, the time to
		// read before, limit.
		{&r.readStream, "SELECT seq, time, data FROM stream_entries " +
			"WHERE stream_id = (SELECT id FROM streams WHERE name = ?) AND (time, seq) > (?, ?) AND time < ? " +
			"ORDER BY time, seq LIMIT ?"},
		{&r.streamStats, "SELECT entries, bytes FROM streams WHERE name = ?"},
	} {
		st, err := db.Prepare(p.q)
		if err != nil {
			return fmt.Errorf("prepare %q: %w", p.q, err)
		}
		*p.st = st
	}
	return nil
}

func (r *readStmts) close() {
	for _, st := range []*sql.Stmt{r.getExec, r.execExists, r.readBatches, r.running, r.pendingAll,
		r.pendingKind, r.pendingDue, r.pendingOf, r.getRecord, r.listRecords, r.listRecordsPar, r.readStream, r.streamStats} {
		if st != nil {
			st.Close()
		}
	}
}

// execRow scans one row of execColumns.
type execRow struct {
	x                                          store.Execution
	version, alias, errText, cause, par, mapRn sql.NullString
	start                                      int64
	stop, redrive                              sql.NullInt64
	seed, engine, redriveCount, mapRunIndex    int64
}

func (r *execRow) dest() []any {
	x := &r.x
	return []any{&x.Arn, &x.StateMachineArn, &r.version, &r.alias, &x.Name, &x.Status,
		&r.start, &r.stop, &r.errText, &r.cause, &x.DefinitionKey, &x.RoleArn, &x.TraceHeader,
		&r.seed, &r.engine, &r.redriveCount, &r.redrive, &r.par, &x.ParentTask, &r.mapRn,
		&r.mapRunIndex, &x.EventCount, &x.Batches, &x.Input, &x.Output}
}

func (r *execRow) execution() *store.Execution {
	x := r.x
	x.VersionArn = r.version.String
	x.AliasArn = r.alias.String
	x.Parent = r.par.String
	x.MapRunArn = r.mapRn.String
	if r.errText.Valid {
		s := r.errText.String
		x.Error = &s
	}
	if r.cause.Valid {
		s := r.cause.String
		x.Cause = &s
	}
	x.StartDate = decodeTime(r.start, true)
	x.StopDate = decodeTime(r.stop.Int64, r.stop.Valid)
	x.RedriveDate = decodeTime(r.redrive.Int64, r.redrive.Valid)
	x.Seed = uint64(r.seed)
	x.Engine = int(r.engine)
	x.RedriveCount = int(r.redriveCount)
	x.MapRunIndex = int(r.mapRunIndex)
	return &x
}

// GetExecution implements store.Store.
func (s *Store) GetExecution(ctx context.Context, arn string) (*store.Execution, error) {
	if s.closed.Load() {
		return nil, store.ErrClosed
	}
	var r execRow
	err := s.rd.getExec.QueryRowContext(ctx, arn).Scan(r.dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		err = fmt.Errorf("sqlite: execution %s: %w", arn, store.ErrNotFound)
	} else if err != nil {
		err = fmt.Errorf("sqlite: get execution %s: %w", arn, s.closedErr(err))
	}
	if err := s.settle(ctx, err); err != nil {
		return nil, err
	}
	return r.execution(), nil
}

// execFilterMask says which fields of an ExecutionFilter are set; it keys
// the cache of prepared listing statements.
type execFilterMask uint8

const (
	fStateMachine execFilterMask = 1 << iota
	fVersion
	fAlias
	fMapRun
	fStatus
	fParent
)

// execFilterColumns are the columns of the filter bits, in bit order.
var execFilterColumns = []string{"e.state_machine_arn", "e.version_arn", "e.alias_arn", "e.map_run_arn", "e.status", "e.parent"}

func filterMask(f store.ExecutionFilter) (execFilterMask, []any) {
	var m execFilterMask
	var vals []any
	for i, v := range []string{f.StateMachineArn, f.VersionArn, f.AliasArn, f.MapRunArn, f.Status, f.Parent} {
		if v != "" {
			m |= 1 << i
			vals = append(vals, v)
		}
	}
	return m, vals
}

// listStmt returns the prepared listing statement for the filter fields
// in m, preparing it on first use.
func (s *Store) listStmt(m execFilterMask) (*sql.Stmt, error) {
	s.listMu.Lock()
	defer s.listMu.Unlock()
	if s.closed.Load() {
		return nil, store.ErrClosed
	}
	if st := s.listStmts[m]; st != nil {
		return st, nil
	}
	var where []string
	for i, c := range execFilterColumns {
		if m&(1<<i) != 0 {
			where = append(where, c+" = ?")
		}
	}
	where = append(where, "(e.start_date, e.arn) < (?, ?)")
	q := "SELECT " + execColumns + execFrom + " WHERE " + strings.Join(where, " AND ") +
		" ORDER BY e.start_date DESC, e.arn DESC LIMIT ?"
	st, err := s.db.Prepare(q)
	if err != nil {
		return nil, fmt.Errorf("sqlite: prepare listing: %w", err)
	}
	s.listStmts[m] = st
	return st, nil
}

// limit applies the default and the maximum page size.
func limit(n int) int {
	if n <= 0 {
		return defaultLimit
	}
	return min(n, maxLimit)
}

// ListExecutions implements store.Store. The NextToken holds the sort key
// of the last execution of the page, so pages stay consistent while
// executions are added.
func (s *Store) ListExecutions(ctx context.Context, f store.ExecutionFilter, p store.Page) ([]*store.Execution, string, error) {
	if s.closed.Load() {
		return nil, "", store.ErrClosed
	}
	start, after := int64(math.MaxInt64), ""
	if p.Token != "" {
		var err error
		if start, after, err = decodeExecToken(p.Token); err != nil {
			return nil, "", err
		}
	}
	n := limit(p.Limit)
	m, args := filterMask(f)
	st, err := s.listStmt(m)
	if err != nil {
		return nil, "", err
	}
	args = append(args, start, after, n+1)
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return nil, "", fmt.Errorf("sqlite: list executions: %w", s.closedErr(err))
	}
	defer rows.Close()
	var out []*store.Execution
	var last execRow
	for rows.Next() {
		if len(out) == n {
			// There is a next page; it starts after the last row kept.
			rows.Close()
			if err := s.settle(ctx, nil); err != nil {
				return nil, "", err
			}
			return out, encodeExecToken(last.start, last.x.Arn), nil
		}
		var r execRow
		if err := rows.Scan(r.dest()...); err != nil {
			return nil, "", fmt.Errorf("sqlite: list executions: %w", err)
		}
		out = append(out, r.execution())
		last = r
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("sqlite: list executions: %w", s.closedErr(err))
	}
	rows.Close()
	if err := s.settle(ctx, nil); err != nil {
		return nil, "", err
	}
	return out, "", nil
}

// Page tokens are URL-safe base64 of a tag byte and the sort key of the
// last item of the previous page.
const (
	tokenExec   = 'e'
	tokenRecord = 'r'
)

func encodeExecToken(start int64, arn string) string {
	b := make([]byte, 1, 1+binary.MaxVarintLen64+len(arn))
	b[0] = tokenExec
	b = binary.AppendVarint(b, start)
	b = append(b, arn...)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeExecToken(tok string) (int64, string, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(b) < 2 || b[0] != tokenExec {
		return 0, "", fmt.Errorf("%w %q", ErrInvalidToken, tok)
	}
	start, n := binary.Varint(b[1:])
	if n <= 0 {
		return 0, "", fmt.Errorf("%w %q", ErrInvalidToken, tok)
	}
	return start, string(b[1+n:]), nil
}

func encodeRecordToken(key string) string {
	return base64.RawURLEncoding.EncodeToString(append([]byte{tokenRecord}, key...))
}

func decodeRecordToken(tok string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(b) < 2 || b[0] != tokenRecord {
		return "", fmt.Errorf("%w %q", ErrInvalidToken, tok)
	}
	return string(b[1:]), nil
}

// ReadBatches implements store.Store. It fails with store.ErrNotFound
// when the execution does not exist.
func (s *Store) ReadBatches(ctx context.Context, arn string, fromSeq int64) ([]store.Batch, error) {
	if s.closed.Load() {
		return nil, store.ErrClosed
	}
	rows, err := s.rd.readBatches.QueryContext(ctx, arn, fromSeq)
	if err != nil {
		return nil, fmt.Errorf("sqlite: read batches of %s: %w", arn, s.closedErr(err))
	}
	defer rows.Close()
	var out []store.Batch
	for rows.Next() {
		var b store.Batch
		var count int64
		if err := rows.Scan(&b.Seq, &b.FirstEventID, &count, &b.Events, &b.Input); err != nil {
			return nil, fmt.Errorf("sqlite: read batches of %s: %w", arn, err)
		}
		b.EventCount = int(count)
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: read batches of %s: %w", arn, s.closedErr(err))
	}
	rows.Close()
	if len(out) == 0 {
		var one int
		err := s.rd.execExists.QueryRowContext(ctx, arn).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			err = fmt.Errorf("sqlite: read batches of %s: %w", arn, store.ErrNotFound)
		} else if err != nil {
			err = fmt.Errorf("sqlite: read batches of %s: %w", arn, s.closedErr(err))
		}
		if err := s.settle(ctx, err); err != nil {
			return nil, err
		}
		return nil, nil
	}
	if err := s.settle(ctx, nil); err != nil {
		return nil, err
	}
	return out, nil
}

// RunningExecutions implements store.Store. The ARNs come oldest first.
func (s *Store) RunningExecutions(ctx context.Context) ([]string, error) {
	if s.closed.Load() {
		return nil, store.ErrClosed
	}
	rows, err := s.rd.running.QueryContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqlite: running executions: %w", s.closedErr(err))
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var arn string
		if err := rows.Scan(&arn); err != nil {
			return nil, fmt.Errorf("sqlite: running executions: %w", err)
		}
		out = append(out, arn)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: running executions: %w", s.closedErr(err))
	}
	rows.Close()
	if err := s.settle(ctx, nil); err != nil {
		return nil, err
	}
	return out, nil
}

// ListPending implements store.Store. Items come ordered by kind, then due
// time (items without one first), then execution and key.
func (s *Store) ListPending(ctx context.Context, kind string) ([]store.Pending, error) {
	return s.listPending(ctx, kind, time.Time{})
}

// ListPendingBefore returns the pending items of kind due at or before
// before, in due order.
func (s *Store) ListPendingBefore(ctx context.Context, kind string, before time.Time) ([]store.Pending, error) {
	return s.listPending(ctx, kind, before)
}

// ListPendingOf implements store.Store.
func (s *Store) ListPendingOf(ctx context.Context, exec, kind, after string, limit int) ([]store.Pending, error) {
	if limit <= 0 {
		return nil, nil
	}
	return s.queryPending(ctx, s.rd.pendingOf, exec, kind, after, limit)
}

func (s *Store) listPending(ctx context.Context, kind string, before time.Time) ([]store.Pending, error) {
	switch {
	case !before.IsZero():
		return s.queryPending(ctx, s.rd.pendingDue, kind, before.UnixNano())
	case kind == "":
		return s.queryPending(ctx, s.rd.pendingAll)
	default:
		return s.queryPending(ctx, s.rd.pendingKind, kind)
	}
}

// queryPending runs one of the pending-index queries.
func (s *Store) queryPending(ctx context.Context, stmt *sql.Stmt, args ...any) ([]store.Pending, error) {
	if s.closed.Load() {
		return nil, store.ErrClosed
	}
	rows, err := stmt.QueryContext(ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list pending: %w", s.closedErr(err))
	}
	defer rows.Close()
	var out []store.Pending
	for rows.Next() {
		var p store.Pending
		var due sql.NullInt64
		if err := rows.Scan(&p.Exec, &p.Kind, &p.Key, &due, &p.Group, &p.Data); err != nil {
			return nil, fmt.Errorf("sqlite: list pending: %w", err)
		}
		p.Due = decodeTime(due.Int64, due.Valid)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list pending: %w", s.closedErr(err))
	}
	rows.Close()
	if err := s.settle(ctx, nil); err != nil {
		return nil, err
	}
	return out, nil
}

// scanRecord scans kind, key, parent, data, created, revision.
func scanRecord(sc interface{ Scan(...any) error }) (store.Record, error) {
	var r store.Record
	var created sql.NullInt64
	if err := sc.Scan(&r.Kind, &r.Key, &r.Parent, &r.Data, &created, &r.Revision); err != nil {
		return store.Record{}, err
	}
	r.Created = decodeTime(created.Int64, created.Valid)
	return r, nil
}

// GetRecord implements store.Store.
func (s *Store) GetRecord(ctx context.Context, kind, key string) (store.Record, error) {
	if s.closed.Load() {
		return store.Record{}, store.ErrClosed
	}
	r, err := scanRecord(s.rd.getRecord.QueryRowContext(ctx, kind, key))
	if errors.Is(err, sql.ErrNoRows) {
		err = fmt.Errorf("sqlite: record (%s, %s): %w", kind, key, store.ErrNotFound)
	} else if err != nil {
		err = fmt.Errorf("sqlite: get record (%s, %s): %w", kind, key, s.closedErr(err))
	}
	if err := s.settle(ctx, err); err != nil {
		return store.Record{}, err
	}
	return r, nil
}

// ListRecords implements store.Store.
func (s *Store) ListRecords(ctx context.Context, kind, parent string, p store.Page) ([]store.Record, string, error) {
	if s.closed.Load() {
		return nil, "", store.ErrClosed
	}
	after := ""
	if p.Token != "" {
		var err error
		if after, err = decodeRecordToken(p.Token); err != nil {
			return nil, "", err
		}
	}
	n := limit(p.Limit)
	var rows *sql.Rows
	var err error
	if parent == "" {
		rows, err = s.rd.listRecords.QueryContext(ctx, kind, after, n+1)
	} else {
		rows, err = s.rd.listRecordsPar.QueryContext(ctx, kind, parent, after, n+1)
	}
	if err != nil {
		return nil, "", fmt.Errorf("sqlite: list records: %w", s.closedErr(err))
	}
	defer rows.Close()
	var out []store.Record
	for rows.Next() {
		if len(out) == n {
			rows.Close()
			if err := s.settle(ctx, nil); err != nil {
				return nil, "", err
			}
			return out, encodeRecordToken(out[n-1].Key), nil
		}
		r, err := scanRecord(rows)
		if err != nil {
			return nil, "", fmt.Errorf("sqlite: list records: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("sqlite: list records: %w", s.closedErr(err))
	}
	rows.Close()
	if err := s.settle(ctx, nil); err != nil {
		return nil, "", err
	}
	return out, "", nil
}
