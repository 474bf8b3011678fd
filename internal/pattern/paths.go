package pattern

import "strings"

// pathInfo is a node of the key tree the extractor walks: the object keys
// of an event lead from the root to the paths the rules use. Because a key
// may itself contain dots ("state.status" under "detail" is the path
// detail.state.status), a path of n segments is reachable by every split of
// its segments into keys, and each node links to all such continuations.
type pathInfo struct {
	leaf    int32 // path number when rules use this path's values, else -1
	leafRef int32 // rules using the values
	descRef int32 // used paths below this one
	kids    []kid // continuations, searched linearly when few
	kidMap  map[string]int32
	links   map[string]int32 // reference counts of the continuations
	// all is the union of the bits of the continuations that are single
	// keys (no dot); once an object has shown all of them, the rest of
	// it can be skipped. It is 0 when there are none or more than 64.
	all uint64
}

type kid struct {
	key string
	to  *pathInfo
	bit uint64 // see pathInfo.all
}

// maxLinearKids is the number of continuations searched without a map.
const maxLinearKids = 8

// child returns the continuation for an object key and its bit.
func (pi *pathInfo) child(key []byte) (*pathInfo, uint64) {
	if pi.kidMap != nil {
		if i, ok := pi.kidMap[string(key)]; ok {
			return pi.kids[i].to, pi.kids[i].bit
		}
		return nil, 0
	}
	for i := range pi.kids {
		if k := &pi.kids[i]; len(k.key) == len(key) && k.key == bytesString(key) {
			return k.to, k.bit
		}
	}
	return nil, 0
}

func (pi *pathInfo) link(key string, to *pathInfo) {
	if pi.links == nil {
		pi.links = map[string]int32{}
	}
	pi.links[key]++
	if pi.links[key] > 1 {
		return
	}
	pi.kids = append(pi.kids, kid{key: key, to: to})
	pi.reindex()
}

func (pi *pathInfo) unlink(key string) {
	pi.links[key]--
	if pi.links[key] > 0 {
		return
	}
	delete(pi.links, key)
	for i := range pi.kids {
		if pi.kids[i].key == key {
			pi.kids = append(pi.kids[:i], pi.kids[i+1:]...)
			break
		}
	}
	pi.reindex()
}

func (pi *pathInfo) reindex() {
	pi.all = 0
	n := 0
	for i := range pi.kids {
		k := &pi.kids[i]
		k.bit = 0
		if strings.IndexByte(k.key, '.') < 0 {
			if n < 64 {
				k.bit = 1 << n
				pi.all |= k.bit
			}
			n++
		}
	}
	if n > 64 {
		pi.all = 0
		for i := range pi.kids {
			pi.kids[i].bit = 0
		}
	}
	if len(pi.kids) <= maxLinearKids {
		pi.kidMap = nil
		return
	}
	pi.kidMap = make(map[string]int32, len(pi.kids))
	for i, k := range pi.kids {
		pi.kidMap[k.key] = int32(i)
	}
}

func (pi *pathInfo) descend() bool { return len(pi.kids) > 0 }

// boundaries returns the prefixes of a path at its dots, from the root
// ("") to the whole path.
func boundaries(name string) []string {
	out := []string{""}
	for i := 0; i < len(name); i++ {
		if name[i] == '.' {
			out = append(out, name[:i])
		}
	}
	return append(out, name)
}

// continuation is the key leading from prefix a to prefix b of a path.
func continuation(a, b string) string {
	if a == "" {
		return b
	}
	return b[len(a)+1:]
}

func (sd *side) pathNode(p string) *pathInfo {
	pi := sd.paths[p]
	if pi == nil {
		pi = &pathInfo{leaf: -1}
		sd.paths[p] = pi
	}
	return pi
}

// addPath registers a leaf path for extraction.
func (sd *side) addPath(name string, id int32) {
	sd.ensurePath(id)
	bs := boundaries(name)
	for i := 0; i < len(bs)-1; i++ {
		from := sd.pathNode(bs[i])
		from.descRef++
		for j := i + 1; j < len(bs); j++ {
			from.link(continuation(bs[i], bs[j]), sd.pathNode(bs[j]))
		}
	}
	pi := sd.pathNode(name)
	pi.leaf = id
	pi.leafRef++
}

func (sd *side) removePath(name string) {
	pi := sd.paths[name]
	if pi == nil || pi.leafRef == 0 {
		return
	}
	pi.leafRef--
	if pi.leafRef == 0 {
		pi.leaf = -1
	}
	bs := boundaries(name)
	for i := 0; i < len(bs)-1; i++ {
		from := sd.paths[bs[i]]
		from.descRef--
		for j := i + 1; j < len(bs); j++ {
			from.unlink(continuation(bs[i], bs[j]))
		}
	}
	for _, p := range bs[1:] {
		if q := sd.paths[p]; q != nil && q.leafRef == 0 && q.descRef == 0 {
			delete(sd.paths, p)
		}
	}
}
