package pattern

import (
	"encoding/binary"
	"sort"
)

// maxWildcardComplexity is the highest complexity EventBridge accepts for
// the wildcard values of one field of a rule. Complexity is the largest
// number of wildcard-pattern prefixes any one input string can match at
// the same time (summed over the field's wildcard values), which is what
// bounds the work of the wildcard automaton per input byte. The cut-off is
// fitted to AWS's recorded behaviour: "*:*:*:*:*:event-bus/*" (complexity
// 10) is refused, "/Users/*/dir/dir/dir/dir/dir/doc.txt" (7) and two values
// "*/datasync/*.bif", "*/datasync/*.tif" (8) are accepted.
const maxWildcardComplexity = 9

// maxComplexityStates bounds the evaluation itself.
const maxComplexityStates = 4096

const tooComplex = "Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character"

// wildcardComplexity evaluates a set of wildcard patterns of one field by
// exploring the subset automaton of their position automata. A state lists,
// per pattern, the active positions (k = the first k tokens matched); the
// evaluation stops as soon as the limit is exceeded, so states stay small.
func wildcardComplexity(ws []*wildcard) int {
	if len(ws) == 0 {
		return 0
	}
	toks := make([][]int16, len(ws))
	alphabet := map[int16]bool{}
	for i, w := range ws {
		toks[i] = w.tokens()
		for _, t := range toks[i] {
			if t >= 0 {
				alphabet[t] = true
			}
		}
	}
	letters := make([]int16, 0, len(alphabet)+1)
	for c := range alphabet {
		letters = append(letters, c)
	}
	sort.Slice(letters, func(i, j int) bool { return letters[i] < letters[j] })
	letters = append(letters, -2) // any other byte

	type state [][]int32
	// add inserts position k and, through stars matching nothing, the
	// positions after them.
	var add func(t []int16, set []int32, k int32) []int32
	add = func(t []int16, set []int32, k int32) []int32 {
		for _, x := range set {
			if x == k {
				return set
			}
		}
		set = append(set, k)
		if int(k) < len(t) && t[k] == -1 {
			set = add(t, set, k+1)
		}
		return set
	}
	key := func(s state) string {
		var b []byte
		for _, set := range s {
			sorted := append([]int32(nil), set...)
			sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
			for _, k := range sorted {
				b = binary.LittleEndian.AppendUint32(b, uint32(k))
			}
			b = append(b, 0xff, 0xff, 0xff, 0xff)
		}
		return string(b)
	}
	count := func(s state) int {
		n := 0
		for _, set := range s {
			for _, k := range set {
				if k > 0 {
					n++
				}
			}
		}
		return n
	}
	start := make(state, len(toks))
	for i, t := range toks {
		start[i] = add(t, nil, 0)
	}
	seen := map[string]bool{key(start): true}
	queue := []state{start}
	best := 0
	for len(queue) > 0 && len(seen) <= maxComplexityStates {
		s := queue[0]
		queue = queue[1:]
		if c := count(s); c > best {
			best = c
			if best > maxWildcardComplexity {
				return best
			}
		}
		for _, c := range letters {
			next := make(state, len(toks))
			empty := true
			for i, t := range toks {
				var ns []int32
				for _, k := range s[i] {
					switch {
					case int(k) < len(t) && (t[k] == -1 || t[k] == c):
						// a star or a matching literal consumes the byte
						ns = add(t, ns, k+1)
					}
					if k > 0 && t[k-1] == -1 {
						// a star that has consumed input keeps consuming
						ns = add(t, ns, k)
					}
				}
				if len(ns) > 0 {
					empty = false
				}
				next[i] = ns
			}
			if empty {
				continue
			}
			k := key(next)
			if !seen[k] {
				seen[k] = true
				queue = append(queue, next)
			}
		}
	}
	return best
}
