package sqlite

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
)

// applicationID marks a database file as Sluice's ("slce"), so that Open
// refuses to migrate some other application's SQLite file.
const applicationID = 0x736c6365

// migrations holds the schema changes in order; migrations[i] takes the
// schema from version i to version i+1 (PRAGMA user_version). Append only:
// a released migration is never edited.
//
// Times are INTEGER nanoseconds since the Unix epoch (UTC); NULL stands for
// the zero time, except in executions.start_date, which is NOT NULL and
// holds math.MinInt64 for it. Optional strings that an index filters on
// (version_arn, alias_arn, parent, map_run_arn) are NULL when empty so that
// their partial indexes only hold the rows that have them.
var migrations = []string{
	// Version 1: records, executions, history batches and pending items.
	`
PRAGMA application_id = ` + fmt.Sprint(applicationID) + `;

CREATE TABLE records (
	id       INTEGER PRIMARY KEY,
	kind     TEXT NOT NULL,
	key      TEXT NOT NULL,
	parent   TEXT NOT NULL,
	data     BLOB,
	created  INTEGER,
	revision INTEGER NOT NULL,
	UNIQUE (kind, key)
);
CREATE INDEX records_parent ON records (kind, parent, key);

-- executions has a rowid (id) so that batches refer to it compactly and
-- so that a deleted and re-created ARN never sees the old history.
CREATE TABLE executions (
	id                INTEGER PRIMARY KEY,
	arn               TEXT NOT NULL UNIQUE,
	state_machine_arn TEXT NOT NULL,
	version_arn       TEXT,
	alias_arn         TEXT,
	name              TEXT NOT NULL,
	status            TEXT NOT NULL,
	start_date        INTEGER NOT NULL,
	stop_date         INTEGER,
	error             TEXT,
	cause             TEXT,
	definition_key    TEXT NOT NULL,
	role_arn          TEXT NOT NULL,
	trace_header      TEXT NOT NULL,
	seed              INTEGER NOT NULL,
	engine            INTEGER NOT NULL,
	redrive_count     INTEGER NOT NULL,
	redrive_date      INTEGER,
	parent            TEXT,
	parent_task       INTEGER NOT NULL,
	map_run_arn       TEXT,
	map_run_index     INTEGER NOT NULL,
	event_count       INTEGER NOT NULL,
	batches           INTEGER NOT NULL
);
CREATE INDEX executions_state_machine ON executions (state_machine_arn, start_date, arn);
CREATE INDEX executions_status ON executions (status, start_date, arn);
CREATE INDEX executions_map_run ON executions (map_run_arn, start_date, arn) WHERE map_run_arn IS NOT NULL;
CREATE INDEX executions_parent ON executions (parent, start_date, arn) WHERE parent IS NOT NULL;
CREATE INDEX executions_version ON executions (version_arn, start_date, arn) WHERE version_arn IS NOT NULL;
CREATE INDEX executions_alias ON executions (alias_arn, start_date, arn) WHERE alias_arn IS NOT NULL;

-- execution_io keeps the large, rarely changing input and output out of
-- the executions row, so that an update of a running execution rewrites
-- neither unless they changed.
CREATE TABLE execution_io (
	id     INTEGER PRIMARY KEY,
	input  BLOB,
	output BLOB
);

-- batches is appended to in rowid order, which keeps the pages a group
-- commit dirties few; (exec_id, seq) is its primary key.
CREATE TABLE batches (
	exec_id        INTEGER NOT NULL,
	seq            INTEGER NOT NULL,
	first_event_id INTEGER NOT NULL,
	event_count    INTEGER NOT NULL,
	events         BLOB,
	input          BLOB,
	PRIMARY KEY (exec_id, seq)
);

CREATE TABLE pending (
	exec  TEXT NOT NULL,
	kind  TEXT NOT NULL,
	key   TEXT NOT NULL,
	due   INTEGER,
	grp   TEXT NOT NULL,
	data  BLOB,
	PRIMARY KEY (exec, kind, key)
) WITHOUT ROWID;
CREATE INDEX pending_kind ON pending (kind, due);
`,

	// Version 2: streams.
	`
-- streams holds a stream's counters, kept in the transaction that
-- changes its entries, so that stats need no scan; last_seq is the Seq of
-- its last appended entry (trims keep it, so Seqs never repeat). Entries
-- refer to the stream by id.
CREATE TABLE streams (
	id       INTEGER PRIMARY KEY,
	name     TEXT NOT NULL UNIQUE,
	entries  INTEGER NOT NULL,
	bytes    INTEGER NOT NULL,
	last_seq INTEGER NOT NULL
);

-- stream_entries is appended to in rowid order, like batches: its rows
-- are usually 1 KiB or more, too large for a WITHOUT ROWID table (whose
-- rows spill to overflow pages from about 1 KiB on 4 KiB pages). Reads
-- and trims go through the index, in (time, seq) order.
CREATE TABLE stream_entries (
	stream_id INTEGER NOT NULL,
	seq       INTEGER NOT NULL,
	time      INTEGER NOT NULL,
	data      BLOB
);
CREATE INDEX stream_entries_time ON stream_entries (stream_id, time, seq);
`,
}

// ErrSchemaTooNew is returned by Open when the database was written by a
// newer build of Sluice whose schema this build does not know.
var ErrSchemaTooNew = errors.New("sqlite: database schema is newer than this build")

// migrate brings the schema of the database behind c up to date, one
// migration per transaction. It is a no-op when the schema is current.
func migrate(c driver.Conn) error {
	ex := c.(driver.ExecerContext)
	ctx := context.Background()
	for {
		if _, err := ex.ExecContext(ctx, "BEGIN IMMEDIATE", nil); err != nil {
			return fmt.Errorf("sqlite: migrate: begin: %w", err)
		}
		done, err := migrateStep(c)
		if err != nil {
			_, _ = ex.ExecContext(ctx, "ROLLBACK", nil)
			return err
		}
		if _, err := ex.ExecContext(ctx, "COMMIT", nil); err != nil {
			_, _ = ex.ExecContext(ctx, "ROLLBACK", nil)
			return fmt.Errorf("sqlite: migrate: commit: %w", err)
		}
		if done {
			return nil
		}
	}
}

// migrateStep applies the next migration inside the caller's transaction.
// It reports done when there was none to apply.
func migrateStep(c driver.Conn) (done bool, err error) {
	version, err := pragmaInt(c, "user_version")
	if err != nil {
		return false, err
	}
	app, err := pragmaInt(c, "application_id")
	if err != nil {
		return false, err
	}
	if app != 0 && app != applicationID {
		return false, fmt.Errorf("sqlite: not a Sluice database (application_id %#x)", app)
	}
	if version > int64(len(migrations)) {
		return false, fmt.Errorf("%w: schema version %d, this build knows up to %d", ErrSchemaTooNew, version, len(migrations))
	}
	if version == int64(len(migrations)) {
		return true, nil
	}
	ex := c.(driver.ExecerContext)
	ctx := context.Background()
	if _, err := ex.ExecContext(ctx, migrations[version], nil); err != nil {
		return false, fmt.Errorf("sqlite: migrate to schema version %d: %w", version+1, err)
	}
	if _, err := ex.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", version+1), nil); err != nil {
		return false, fmt.Errorf("sqlite: migrate: set schema version %d: %w", version+1, err)
	}
	return version+1 == int64(len(migrations)), nil
}

// pragmaInt reads an integer PRAGMA on c.
func pragmaInt(c driver.Conn, name string) (int64, error) {
	rows, err := c.(driver.QueryerContext).QueryContext(context.Background(), "PRAGMA "+name, nil)
	if err != nil {
		return 0, fmt.Errorf("sqlite: read %s: %w", name, err)
	}
	defer rows.Close()
	dest := make([]driver.Value, 1)
	if err := rows.Next(dest); err != nil {
		if errors.Is(err, io.EOF) {
			return 0, fmt.Errorf("sqlite: read %s: no row", name)
		}
		return 0, fmt.Errorf("sqlite: read %s: %w", name, err)
	}
	v, ok := dest[0].(int64)
	if !ok {
		return 0, fmt.Errorf("sqlite: read %s: unexpected %T", name, dest[0])
	}
	return v, nil
}
