// Package pattern implements Amazon EventBridge event patterns: the
// pattern language, its validation with EventBridge's error messages, and a
// matcher that compiles all the rules of a bus into one index.
//
// # Language
//
// A pattern is a JSON object whose leaves are arrays of values; a field
// matches when one of its event values satisfies one of the array's
// elements, and a pattern matches when all its fields do. Elements are
// exact strings, numbers (compared by value as float64, so 300, 300.0 and
// 3.0e2 are equal), true, false and null, or one of the match expressions
// prefix, suffix (both also with {"equals-ignore-case": ...}),
// equals-ignore-case, wildcard (with \* and \\ escapes), anything-but (a
// value, a list of strings or of numbers, or {prefix|suffix|
// equals-ignore-case|wildcard: string or list}), numeric (one comparison
// or a range), cidr (IPv4 and IPv6), exists and exactly. "$or" takes two or
// more objects at any level. Object keys are joined with dots, in patterns
// and events alike, so {"a": {"b": ...}} and {"a.b": ...} name the same
// field. A later duplicate key in a pattern replaces an earlier one.
//
// Behaviour follows what EventBridge does, as recorded in the conformance
// cases, where it differs from its documentation: arrays in events match
// when any element matches; arrays of objects are matched the way
// EventBridge's engine (event-ruler) does, so two fields of a pattern may
// not be satisfied by objects in different elements of the same array;
// exists and the other tests see only leaf values (an object or an empty
// array is not a value), exists:false holds when a field has no value;
// anything-but and its variants match values of other types (a number, a
// boolean, null) but not a missing field; strings that are IP addresses
// match as addresses; a string holding JSON is just a string.
//
// # Errors
//
// Compile and Matcher.Add return an *Error whose Message is the first line
// of EventBridge's InvalidEventPatternException message ("Event pattern is
// not valid. Reason: ..."). The pattern is read as a stream, as EventBridge
// does, so of several problems the first one in reading order is reported.
// Wildcard values whose automaton would be too expensive are refused with
// EventBridge's "Rule is too complex" message (see maxWildcardComplexity),
// and a pattern whose "$or"s expand to more than MaxBranches alternatives
// is refused too.
//
// # Matching
//
// Each alternative of a pattern (patterns with "$or" have several) is filed
// in a tree of indexes. The first level is keyed by the exact values of the
// alternative's most selective fields, source and detail-type first, as a
// pair; below that, each level indexes one more condition: exact values and
// prefixes, suffixes and case-folded values in hash maps, anything-but lists
// in an inverted index of the values they exclude, and numeric ranges, CIDR
// blocks and wildcards as tests. Matching an event extracts the values of
// the fields any rule uses and walks down the tree only where those values
// lead, so its cost depends on the event and on the rules it matches, not
// on how many rules there are.
//
// MatchBytes reads the event's JSON directly: it decodes only the values at
// paths some rule uses, skips everything else with a structural scan, and
// stops reading an object once every key the rules use at that level has
// been seen. As a consequence a dotted key standing for two levels
// ("state.status" for state → status) is only taken into account when it
// comes before that point, and of duplicate keys MatchBytes sees the
// occurrences before that point while Match sees the one the decoder kept
// (the last). EventBridge documents dotted keys as behaviour not to rely
// on; events with duplicate keys are not valid input to begin with.
//
// A Matcher can be changed while it is matching; see Matcher for how
// matching avoids ever waiting for an update.
package pattern
