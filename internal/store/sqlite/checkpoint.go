package sqlite

import (
	"context"
	"database/sql/driver"
	"time"
)

// Checkpointing.
//
// SQLite copies the write-ahead log back into the database file in
// checkpoints. Left to itself it checkpoints on the committing connection,
// which would stall the writer (and every caller waiting on it) for the
// copy and an fsync of the database file. Instead a background goroutine
// with its own connection runs passive checkpoints, which do not block the
// writer, a little after commits. The writer keeps SQLite's automatic
// checkpoint as a backstop with a higher threshold: under sustained load a
// background checkpoint never catches up with the end of the log, and only
// a checkpoint between two of the writer's transactions lets the next one
// start the log from the beginning again; by then the background
// checkpoints have done most of the copying.

const (
	// backstopPages is the writer's wal_autocheckpoint, in pages.
	backstopPages = 4096
	// checkpointEvery is the least time between two background
	// checkpoints.
	checkpointEvery = 10 * time.Millisecond
)

// checkpointer runs passive checkpoints on its own connection.
type checkpointer struct {
	conn    driver.Conn
	kick    chan struct{}
	stop    chan struct{}
	stopped chan struct{}
}

func newCheckpointer(conn driver.Conn) *checkpointer {
	return &checkpointer{
		conn:    conn,
		kick:    make(chan struct{}, 1),
		stop:    make(chan struct{}),
		stopped: make(chan struct{}),
	}
}

// notify tells the checkpointer that a transaction committed. It never
// blocks.
func (c *checkpointer) notify() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

func (c *checkpointer) run() {
	defer close(c.stopped)
	ex := c.conn.(driver.ExecerContext)
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-c.kick:
		}
		// Errors are not fatal: the writer's backstop checkpoint and the
		// next background one retry.
		_, _ = ex.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)", nil)
		t.Reset(checkpointEvery)
		select {
		case <-c.stop:
			return
		case <-t.C:
		}
	}
}

// close stops the checkpointer and closes its connection.
func (c *checkpointer) close() error {
	close(c.stop)
	<-c.stopped
	return c.conn.Close()
}
