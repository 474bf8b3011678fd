package bus

import (
	"sync"
	"sync/atomic"
)

// recordCache keeps decoded connections and API destinations for the
// delivery path, which would otherwise read and decode two store records
// per API destination call. Every change to either kind bumps the
// generation, which invalidates every entry at once: such changes are
// rare, deliveries are many.
type recordCache struct {
	gen atomic.Uint64
	m   sync.Map // kind + "\x00" + ARN -> cached
}

type cached struct {
	gen uint64
	v   any
}

// generation returns the current generation; read it before loading a
// record from the store, and store the record under it, so that a change
// made during the load leaves the entry stale rather than wrong.
func (c *recordCache) generation() uint64 { return c.gen.Load() }

// get returns the entry for kind and arn if it is current.
func (c *recordCache) get(kind, arn string) (any, bool) {
	e, ok := c.m.Load(kind + "\x00" + arn)
	if !ok {
		return nil, false
	}
	ce := e.(cached)
	if ce.gen != c.gen.Load() {
		return nil, false
	}
	return ce.v, true
}

// put stores v, loaded at generation gen.
func (c *recordCache) put(kind, arn string, gen uint64, v any) {
	c.m.Store(kind+"\x00"+arn, cached{gen: gen, v: v})
}

// invalidate drops every entry; call it after writing a connection or an
// API destination.
func (c *recordCache) invalidate() { c.gen.Add(1) }
