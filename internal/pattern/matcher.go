package pattern

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// Matcher holds all the rules of an event bus compiled into one index and
// finds the rules an event matches. Matching costs grow with the size of
// the event and the number of rules it matches, not with the number of
// rules.
//
// A Matcher is safe for concurrent use, and matching never blocks: the
// Matcher keeps two copies of its index (the "left-right" technique).
// Matches read the active copy; Add and Remove change the inactive copy,
// make it the active one, wait until the matches still reading the old copy
// have finished, and then apply the same change to it. Updates are
// serialised and cost about twice a single index update.
type Matcher struct {
	mu      sync.Mutex // serialises Add and Remove
	num     *numbering
	rules   map[string]*boundRule
	sides   [2]*side
	active  atomic.Int32
	readers [2]readerCount
}

type readerCount struct {
	n atomic.Int64
	_ [56]byte // keep the two counters on separate cache lines
}

// NewMatcher returns an empty Matcher.
func NewMatcher() *Matcher {
	return &Matcher{
		num:   newNumbering(),
		rules: map[string]*boundRule{},
		sides: [2]*side{newSide(), newSide()},
	}
}

// Add compiles a pattern and adds it under id, replacing any rule with the
// same id. An invalid pattern gives an *Error and leaves the Matcher as it
// was.
func (m *Matcher) Add(id string, pattern []byte) error {
	def, err := compilePattern(pattern)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.num.bind(id, def)
	old := m.rules[id]
	m.rules[id] = r
	m.update(func(sd *side) {
		if old != nil {
			sd.remove(old)
		}
		sd.add(r, m.num.paths)
	})
	if old != nil {
		m.num.release(old)
	}
	return nil
}

// Remove deletes the rule with the given id, if there is one.
func (m *Matcher) Remove(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	old := m.rules[id]
	if old == nil {
		return
	}
	delete(m.rules, id)
	m.update(func(sd *side) { sd.remove(old) })
	m.num.release(old)
}

// Len returns the number of rules.
func (m *Matcher) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.rules)
}

// update applies a change to both copies of the index; m.mu is held.
func (m *Matcher) update(apply func(*side)) {
	next := 1 - m.active.Load()
	apply(m.sides[next])
	m.active.Store(next)
	prev := 1 - next
	for spins := 0; m.readers[prev].n.Load() != 0; spins++ {
		if spins < 64 {
			runtime.Gosched()
		} else {
			spins = 0
			runtime.Gosched()
		}
	}
	apply(m.sides[prev])
}

// enter registers a reader on the active copy and returns it.
func (m *Matcher) enter() int32 {
	for {
		i := m.active.Load()
		m.readers[i].n.Add(1)
		if m.active.Load() == i {
			return i
		}
		m.readers[i].n.Add(-1)
	}
}

func (m *Matcher) leave(i int32) { m.readers[i].n.Add(-1) }

// MatchBytes returns the ids of the rules a JSON event matches, in no
// particular order. Only the parts of the event some rule looks at are
// decoded. Malformed JSON gives a *SyntaxError.
func (m *Matcher) MatchBytes(event []byte) ([]string, error) {
	i := m.enter()
	defer m.leave(i)
	sd := m.sides[i]
	sc := getScratch(sd)
	defer putScratch(sc)
	x := extractor{data: event, top: sd.paths[""], sc: sc}
	if err := x.run(); err != nil {
		return nil, err
	}
	return collectIDs(sd, sc), nil
}

// Match returns the ids of the rules a decoded event matches, in no
// particular order.
func (m *Matcher) Match(event jsonvalue.Value) []string {
	i := m.enter()
	defer m.leave(i)
	sd := m.sides[i]
	sc := getScratch(sd)
	defer putScratch(sc)
	walkValue(sc, sd.paths[""], event)
	return collectIDs(sd, sc)
}

func collectIDs(sd *side, sc *scratch) []string {
	sc.found = sc.found[:0]
	sd.run(sc, func(t *terminal) bool {
		sc.found = append(sc.found, t.rule)
		return true
	})
	if len(sc.found) == 0 {
		return nil
	}
	ids := make([]string, len(sc.found))
	copy(ids, sc.found)
	clear(sc.found)
	return ids
}
