// Package store defines what Sluice needs from durable storage, and the
// types that cross that seam. Drivers live in sub-packages (store/sqlite
// now, store/postgres later); store/storetest is the conformance suite
// every driver passes.
//
// The model has three parts:
//
//   - Records: control-plane objects (state machines, versions, aliases,
//     activities, map runs, ...) stored whole as JSON documents under a
//     kind and a key (their ARN). Low volume; read-modify-write with a
//     revision check.
//   - Executions: one row per STANDARD execution with the fields the API
//     lists and filters on, plus its history as a sequence of batches. A
//     batch is what one interpreter step produced: the history events and
//     the input that caused them (the journal replayed on recovery).
//   - Pending: a small durable index of what running executions wait for
//     (timers with due times, dispatched tasks, activity tasks), loaded at
//     start so that paused executions need not be held in memory.
//   - Streams: append-only logs of timestamped entries under a name (e.g.
//     the events of an EventBridge archive), read in time order and
//     trimmed by age. High volume: appending is one row per entry.
//
// All writes of one engine step go through Commit as one Write, which is
// atomic and durable (fsync'd) when Commit returns. Drivers group-commit
// concurrent Writes.
package store

import (
	"context"
	"errors"
	"time"
)

// Errors drivers return. Callers test them with errors.Is.
var (
	ErrNotFound = errors.New("store: not found")
	// ErrExists: a record or execution with that key exists already.
	ErrExists = errors.New("store: already exists")
	// ErrConflict: the revision given to PutRecord is not the current one.
	ErrConflict = errors.New("store: revision conflict")
	// ErrClosed: the store was closed.
	ErrClosed = errors.New("store: closed")
	// ErrInvalidToken: a page token the store did not issue.
	ErrInvalidToken = errors.New("store: invalid page token")
)

// Record is a control-plane object.
type Record struct {
	// Kind names the type, e.g. "stateMachine", "activity".
	Kind string
	// Key is unique within Kind, usually the ARN.
	Key string
	// Parent groups records for listing (e.g. a version's state machine
	// ARN); empty for top-level records.
	Parent string
	// Data is the JSON document.
	Data []byte
	// Created is set by the caller; drivers keep it.
	Created time.Time
	// Revision is assigned by the driver: 1 on insert, +1 on each update.
	Revision int64
}

// Execution is the row of one STANDARD execution.
type Execution struct {
	Arn             string
	StateMachineArn string // the state machine, without version or alias
	VersionArn      string // set when started through a version
	AliasArn        string // set when started through an alias
	Name            string
	Status          string // RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE
	StartDate       time.Time
	StopDate        time.Time // zero while running
	Input           []byte
	Output          []byte // nil unless SUCCEEDED
	Error           *string
	Cause           *string
	// DefinitionKey is the key of the "definition" record holding the
	// definition the execution runs.
	DefinitionKey string
	RoleArn       string
	TraceHeader   string
	Seed          uint64
	// Engine is the interpreter version that started the execution.
	Engine       int
	RedriveCount int
	RedriveDate  time.Time
	// Parent is the ARN of the execution that started this one with a
	// startExecution task or a distributed Map, and ParentTask its task id.
	Parent     string
	ParentTask int64
	// MapRunArn and MapRunIndex are set for the children of a Map Run.
	MapRunArn   string
	MapRunIndex int
	// EventCount is the number of history events so far; Batches the
	// number of history batches.
	EventCount int64
	Batches    int64
}

// Batch is what one interpreter step produced.
type Batch struct {
	// Seq numbers the batches of an execution from 1.
	Seq int64
	// FirstEventID is the id of the first event in Events.
	FirstEventID int64
	// EventCount is the number of events in Events.
	EventCount int
	// Events holds the events, encoded by the caller (one JSON object per
	// line); the store treats it as opaque.
	Events []byte
	// Input is the encoded interpreter input that caused the batch; nil
	// for the first batch of an execution.
	Input []byte
}

// Pending is one thing a running execution waits for.
type Pending struct {
	Exec string
	// Kind: "timer", "task" (dispatched, may need re-dispatch after a
	// crash), "activity" (waiting for a worker), "callback" (waiting for a
	// task token), ...
	Kind string
	// Key identifies it within the execution (a timer id, a task id).
	Key string
	// Due is when a timer fires; zero for other kinds.
	Due time.Time
	// Group selects pending items for lookup, e.g. the activity ARN of an
	// activity task; may be empty.
	Group string
	// Data is opaque to the store.
	Data []byte
}

// PendingKey names a Pending item to remove.
type PendingKey struct {
	Exec, Kind, Key string
}

// Write is one atomic, durable change.
type Write struct {
	// Create inserts a new execution; Commit fails with ErrExists (and
	// writes nothing) when the ARN is taken.
	Create *Execution
	// Update replaces the row of an existing execution.
	Update *Execution
	// Batches are appended to the history of the created or updated
	// execution.
	Batches []Batch
	// AddPending and RemovePending change the pending index. Adding an
	// item with an existing (Exec, Kind, Key) replaces it.
	AddPending    []Pending
	RemovePending []PendingKey
	// Records are put (inserted or replaced unconditionally) with the
	// write, e.g. a map run's updated counters.
	Records []Record
	// StreamEntries are appended to their streams, in order. A Write may
	// carry only stream entries; they need no execution.
	StreamEntries []StreamEntry
}

// StreamEntry is one entry of a stream, an append-only log that exists
// from its first entry on. Entries are kept in (Time, Seq) order.
type StreamEntry struct {
	// Stream names the stream, e.g. an archive ARN; not empty.
	Stream string
	// Seq is assigned by the store on append and ignored there: it
	// increases per stream in the order entries are appended (across
	// Writes, Commits, trims and restarts; gaps are allowed) and breaks
	// ties between entries of equal Time. After DeleteStream, the Seqs of
	// a stream appended to again may start over.
	Seq int64
	// Time is the entry's event time, which reads and trims select by;
	// not zero. Entries need not be appended in Time order.
	Time time.Time
	// Data is opaque to the store.
	Data []byte
}

// Pos returns the position of e, to resume a read after it.
func (e StreamEntry) Pos() StreamPos { return StreamPos{Time: e.Time, Seq: e.Seq} }

// StreamPos is a position in a stream's (Time, Seq) order: that of an
// entry, as returned by its Pos. The zero StreamPos is before every entry.
type StreamPos struct {
	Time time.Time
	Seq  int64
}

// StreamRead selects the entries ReadStream returns.
type StreamRead struct {
	// From and To bound the entries' Time: From <= Time < To. A zero From
	// or To leaves that side unbounded.
	From, To time.Time
	// After is the cursor: only entries past it in (Time, Seq) order are
	// returned. Pass the Pos of the last entry of the previous read to get
	// the next page; it holds however many entries share its Time, and is
	// stable while entries are appended and trimmed. (An entry appended
	// later with a Time before the cursor is not seen by that reader.)
	After StreamPos
	// Limit is the most entries to return; 0 means the driver's default.
	// Drivers may cap it (sqlite: 1000).
	Limit int
}

// StreamStats describes a stream.
type StreamStats struct {
	// Entries is the number of entries.
	Entries int64
	// Bytes is the total length of their Data.
	Bytes int64
}

// ExecutionFilter selects executions for ListExecutions.
type ExecutionFilter struct {
	StateMachineArn string // all versions and aliases of it
	VersionArn      string
	AliasArn        string
	MapRunArn       string
	Status          string // empty for any
	Parent          string
}

// Page asks for one page of a listing. Token is the opaque NextToken of
// the previous page ("" for the first).
type Page struct {
	Limit int
	Token string
}

// Store is the storage seam.
type Store interface {
	// Commit applies the writes atomically and durably, each Write all or
	// nothing. The error of each Write is returned in errs (same length as
	// ws); err is set when nothing could be written at all.
	Commit(ctx context.Context, ws ...*Write) (errs []error, err error)

	GetExecution(ctx context.Context, arn string) (*Execution, error)
	// ListExecutions lists newest first (by start date, then ARN).
	ListExecutions(ctx context.Context, f ExecutionFilter, p Page) ([]*Execution, string, error)
	// ReadBatches returns the history batches with Seq >= fromSeq in order.
	ReadBatches(ctx context.Context, arn string, fromSeq int64) ([]Batch, error)
	// RunningExecutions lists the ARNs of executions whose status is
	// RUNNING, for recovery at start.
	RunningExecutions(ctx context.Context) ([]string, error)
	// DeleteExecutions removes executions (rows, history and pending
	// items), e.g. those of a deleted state machine.
	DeleteExecutions(ctx context.Context, arns []string) error

	// ListPending returns every pending item of the given kind, or of all
	// kinds for "".
	ListPending(ctx context.Context, kind string) ([]Pending, error)
	// ListPendingBefore returns the pending items of kind due at or before
	// before, in due order.
	ListPendingBefore(ctx context.Context, kind string, before time.Time) ([]Pending, error)
	// ListPendingOf returns up to limit pending items of one owner (the
	// Exec field) and kind whose Key sorts after after, in Key order: a
	// page of what one execution or delivery queue waits for.
	ListPendingOf(ctx context.Context, exec, kind, after string, limit int) ([]Pending, error)

	// PutRecord inserts a record when rev is 0 (ErrExists if the key is
	// taken) or replaces it when rev is its current revision (ErrConflict
	// otherwise). It returns the new revision.
	PutRecord(ctx context.Context, r Record, rev int64) (int64, error)
	GetRecord(ctx context.Context, kind, key string) (Record, error)
	// ListRecords lists records of a kind (and parent, when not empty) in
	// key order.
	ListRecords(ctx context.Context, kind, parent string, p Page) ([]Record, string, error)
	DeleteRecord(ctx context.Context, kind, key string) error

	// ReadStream returns entries of a stream in (Time, Seq) order, as
	// selected by r; more reports that entries selected by r remain past
	// the last one returned (read again with After set to its Pos). A
	// stream that does not exist reads as empty.
	ReadStream(ctx context.Context, stream string, r StreamRead) (entries []StreamEntry, more bool, err error)
	// StreamStats returns the counters of a stream, without reading its
	// entries; those of a stream that does not exist are zero.
	StreamStats(ctx context.Context, stream string) (StreamStats, error)
	// TrimStream removes the entries with Time before before (retention;
	// a zero before removes none) and returns how many it removed. A long
	// trim runs as several changes, oldest entries first, so that it does
	// not hold up Commits; when it fails (e.g. its context ends) the
	// changes made so far stay, and removed counts them. An emptied
	// stream lives on: its Seqs keep increasing.
	TrimStream(ctx context.Context, stream string, before time.Time) (removed int64, err error)
	// DeleteStream removes a stream and its entries, in several changes
	// when there are many, as TrimStream; deleting a stream that does not
	// exist does nothing. Stop appending to a stream before deleting it:
	// entries appended meanwhile are removed too, and a steady flow of
	// them keeps it from finishing.
	DeleteStream(ctx context.Context, stream string) error

	Close() error
}

// AsyncCommitter is implemented by drivers that can queue writes and let
// the caller wait for them later. The writes of one call are committed no
// later than those of calls made after it returned.
type AsyncCommitter interface {
	// CommitAsync queues ws and returns a function that waits for them
	// to be durable and returns what Commit would.
	CommitAsync(ctx context.Context, ws ...*Write) func() ([]error, error)
}
