package bus

import "testing"

func TestRecordCache(t *testing.T) {
	t.Parallel()
	var c recordCache
	if _, ok := c.get("k", "a"); ok {
		t.Fatal("empty cache has an entry")
	}
	gen := c.generation()
	c.put("k", "a", gen, 1)
	if v, ok := c.get("k", "a"); !ok || v != 1 {
		t.Fatalf("get = %v, %v", v, ok)
	}
	if _, ok := c.get("other", "a"); ok {
		t.Error("kinds are not separate")
	}
	// A load that began before a change is stored stale.
	old := c.generation()
	c.invalidate()
	if _, ok := c.get("k", "a"); ok {
		t.Error("entry survives invalidate")
	}
	c.put("k", "a", old, 2)
	if _, ok := c.get("k", "a"); ok {
		t.Error("an entry loaded before the change is served")
	}
	c.put("k", "a", c.generation(), 3)
	if v, ok := c.get("k", "a"); !ok || v != 3 {
		t.Errorf("get = %v, %v", v, ok)
	}
}
