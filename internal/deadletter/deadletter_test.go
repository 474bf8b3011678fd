package deadletter

import (
	"testing"
	"time"

	"github.com/sluice-run/sluice/internal/store"
)

func TestCursor(t *testing.T) {
	t.Parallel()
	pos := store.StreamPos{Time: time.Date(2026, 11, 25, 13, 0, 0, 123456789, time.UTC), Seq: 42}
	got, err := ParseCursor(FormatCursor(pos))
	if err != nil || !got.Time.Equal(pos.Time) || got.Seq != pos.Seq {
		t.Fatalf("round trip: %v %v, want %v", got, err, pos)
	}
	for _, bad := range []string{"", "1", "x.1", "1.x", "1.2.3", ".1"} {
		if _, err := ParseCursor(bad); err == nil {
			t.Errorf("ParseCursor(%q) accepted", bad)
		}
	}
}
