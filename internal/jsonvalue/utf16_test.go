package jsonvalue

import "testing"

func TestCompareUTF16(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "b", -1}, {"b", "a", 1}, {"ab", "a", 1}, {"a", "ab", -1},
		// U+FFFF is one code unit above the high surrogate U+D83D that
		// starts 😀, so it sorts after it, unlike in UTF-8 byte order.
		{"\uffff", "😀", 1}, {"😀", "\uffff", -1},
		{"😀", "😁", -1}, {"é", "e", 1}, {"x😀", "x😀", 0},
	} {
		if got := CompareUTF16(tc.a, tc.b); got != tc.want {
			t.Errorf("CompareUTF16(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
