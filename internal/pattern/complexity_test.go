package pattern

import "testing"

func TestWildcardComplexity(t *testing.T) {
	t.Parallel()
	tests := []struct {
		patterns []string
		want     int
	}{
		{[]string{"*:*:*:*:*:event-bus/*"}, 10},
		{[]string{"/Users/*/dir/dir/dir/dir/dir/doc.txt"}, 7},
		{[]string{"*/datasync/*.bif", "*/datasync/*.tif"}, 8},
		{[]string{"*/datasync/*.bif", "*/datasync/*.tif", "*/datasync/*.tiff", "*/datasync/*.svs"}, 16},
		{[]string{"arn:aws:events:us-east-1:*:event-bus/*"}, 3},
		{[]string{"a*b*bb"}, 5},
		{[]string{"*ab*b*b*"}, 7},
	}
	for _, tt := range tests {
		var ws []*wildcard
		for _, p := range tt.patterns {
			w, err := parseWildcard(p)
			if err != nil {
				t.Fatal(err)
			}
			ws = append(ws, w)
		}
		if got := wildcardComplexity(ws); got != tt.want && !(tt.want > maxWildcardComplexity && got > maxWildcardComplexity) {
			t.Errorf("complexity(%q) = %d, want %d", tt.patterns, got, tt.want)
		}
	}
}
