//go:build race

package pattern

// raceEnabled reports whether the race detector is on; the heaviest tests
// run smaller sizes under it, which slows them down tenfold or more.
const raceEnabled = true
