package sqlite

import (
	"bytes"
	"database/sql/driver"
)

// The writer's execution cache.
//
// An Update needs the execution's id (its batches refer to it) and needs to
// know whether the indexed columns, the input or the output change. The
// writer, the only one that writes the database, remembers both for the
// executions it wrote recently, which saves a query per Update. A cache
// miss falls back to that query, so an entry may always be dropped; an
// entry that is present must match the database (including the open
// transaction). Entries are therefore changed only after the statements
// that made the change succeeded, dropped for a Write rolled back to its
// savepoint, and all dropped when a transaction rolls back.

const (
	// maxCachedExecs bounds the number of cached executions.
	maxCachedExecs = 16384
	// maxCachedIO is the largest input plus output the cache keeps a copy
	// of; for larger ones it only knows the id and the indexed columns.
	maxCachedIO = 1024
)

// execEntry is what the writer remembers of an execution.
type execEntry struct {
	id      int64
	indexed [numIndexed]driver.Value
	// ioKnown says input and output hold copies of the stored ones.
	ioKnown       bool
	input, output []byte
}

// execCache maps execution ARNs to what the writer knows of them.
type execCache struct {
	m map[string]*execEntry
}

func (c *execCache) get(arn string) *execEntry {
	return c.m[arn]
}

// put records the state an execution has after a successful write: its
// id, the indexed values (from the write's arguments) and its input and
// output.
func (c *execCache) put(arn string, id int64, indexed []driver.NamedValue, input, output driver.Value) {
	e := c.m[arn]
	if e == nil {
		if c.m == nil {
			c.m = make(map[string]*execEntry)
		}
		if len(c.m) >= maxCachedExecs {
			for k := range c.m {
				delete(c.m, k)
				break
			}
		}
		e = &execEntry{}
		c.m[arn] = e
	}
	e.id = id
	for i := range e.indexed {
		e.indexed[i] = indexed[i].Value
	}
	in, _ := input.([]byte)
	out, _ := output.([]byte)
	e.ioKnown = len(in)+len(out) <= maxCachedIO
	if e.ioKnown {
		e.input = append(e.input[:0], in...)
		e.output = append(e.output[:0], out...)
	} else {
		e.input, e.output = nil, nil
	}
}

// sameIndexed reports whether the entry's indexed values equal those of a
// write.
func (e *execEntry) sameIndexed(indexed []driver.NamedValue) bool {
	for i := range e.indexed {
		if e.indexed[i] != indexed[i].Value {
			return false
		}
	}
	return true
}

// sameIO reports whether the entry knows that the stored input and output
// equal those of a write.
func (e *execEntry) sameIO(input, output driver.Value) bool {
	if !e.ioKnown {
		return false
	}
	in, _ := input.([]byte)
	out, _ := output.([]byte)
	return bytes.Equal(e.input, in) && bytes.Equal(e.output, out)
}

func (c *execCache) drop(arn string) {
	delete(c.m, arn)
}

func (c *execCache) clear() {
	clear(c.m)
}
