package jsonpath

import (
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// set returns cur with the node that segments i and after name replaced by
// v. present is false when cur does not exist yet, in which case the
// containers the path needs are created: an object for a name, an array
// padded with nulls for an index. doc is the whole document, for errors.
func (p *Path) set(doc jsonvalue.Value, i int, cur jsonvalue.Value, present bool, v jsonvalue.Value) (jsonvalue.Value, error) {
	if i == len(p.segs) {
		return v, nil
	}
	s := &p.segs[i]
	if s.kind == segName {
		if !present {
			child, err := p.set(doc, i+1, nil, false, v)
			if err != nil {
				return nil, err
			}
			obj := jsonvalue.NewObject(1)
			obj.Append(s.name, child)
			return obj, nil
		}
		obj, ok := cur.(*jsonvalue.Object)
		if !ok {
			return nil, p.setError(doc, i, cur)
		}
		old, found := obj.Get(s.name)
		child, err := p.set(doc, i+1, old, found, v)
		if err != nil {
			return nil, err
		}
		out := obj.Clone()
		out.Set(s.name, child)
		return out, nil
	}
	idx := s.index
	if !present {
		if idx < 0 {
			return nil, p.setError(doc, i, cur)
		}
		child, err := p.set(doc, i+1, nil, false, v)
		if err != nil {
			return nil, err
		}
		out := make([]jsonvalue.Value, idx+1)
		out[idx] = child
		return out, nil
	}
	arr, ok := cur.([]jsonvalue.Value)
	if !ok {
		return nil, p.setError(doc, i, cur)
	}
	if idx < 0 {
		idx += len(arr)
		if idx < 0 {
			return nil, p.setError(doc, i, cur)
		}
	}
	var old jsonvalue.Value
	if idx < len(arr) {
		old = arr[idx]
	}
	child, err := p.set(doc, i+1, old, idx < len(arr), v)
	if err != nil {
		return nil, err
	}
	out := make([]jsonvalue.Value, max(len(arr), idx+1))
	copy(out, arr)
	out[idx] = child
	return out, nil
}

func (p *Path) setError(doc jsonvalue.Value, i int, cur jsonvalue.Value) error {
	return &SetError{Path: p.src, At: p.normalizedUpTo(i), Found: jsonvalue.TypeName(cur), Input: doc}
}
