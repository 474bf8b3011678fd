package awsapi

import "testing"

func TestARNField(t *testing.T) {
	t.Parallel()
	const fn = "arn:aws:lambda:eu-west-1:123456789012:function:f:live"
	tests := []struct {
		arn  string
		i    int
		want string
	}{
		{fn, 3, "eu-west-1"},
		{fn, 4, "123456789012"},
		{fn, 5, "function:f:live"},
		{"arn:aws:lambda", 3, ""},
		{"", 0, ""},
	}
	for _, tt := range tests {
		if got := ARNField(tt.arn, tt.i); got != tt.want {
			t.Errorf("ARNField(%q, %d) = %q, want %q", tt.arn, tt.i, got, tt.want)
		}
	}
}
