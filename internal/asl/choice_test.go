package asl

import (
	"errors"
	"fmt"
	"testing"

	"github.com/sluice-run/sluice/internal/asl/jsonpath"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// rule parses one top-level Choice rule.
func rule(t *testing.T, src string) *ChoiceRule {
	t.Helper()
	def, diags := Parse([]byte(fmt.Sprintf(`{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[%s],"Default":"D"},"D":{"Type":"Succeed"}}}`, src)))
	if def == nil {
		t.Fatalf("rule %s rejected: %s", src, diags.Error())
	}
	return def.State("C").Choices[0]
}

func TestChoiceOperators(t *testing.T) {
	t.Parallel()
	input := `{"s":"abc","n":10,"f":2.5,"b":true,"t":"2024-01-02T03:04:05Z","z":null,"o":{},"star":"a*b","u":"é",
		"s2":"abd","n2":10.0,"b2":false,"t2":"2024-01-02T04:04:05+01:00","tbad":"2024-01-02"}`
	tests := []struct {
		rule string
		want bool
	}{
		{`"StringEquals":"abc"`, true},
		{`"StringEquals":"abd"`, false},
		{`"StringLessThan":"abd"`, true},
		{`"StringGreaterThan":"abb"`, true},
		{`"StringLessThanEquals":"abc"`, true},
		{`"StringGreaterThanEquals":"abd"`, false},
		{`"StringEqualsPath":"$.s"`, true},
		{`"StringLessThanPath":"$.s2"`, true},
		{`"StringGreaterThanPath":"$.s2"`, false},
		{`"StringLessThanEqualsPath":"$.s2"`, true},
		{`"StringGreaterThanEqualsPath":"$.s"`, true},
		{`"StringMatches":"a*"`, true},
		{`"StringMatches":"*c"`, true},
		{`"StringMatches":"a*c"`, true},
		{`"StringMatches":"*b*"`, true},
		{`"StringMatches":"abc*d"`, false},
		{`"StringMatches":"b*"`, false},
		{`"StringMatches":"abc"`, true},
		{`"NumericEquals":10`, false}, // $.s is a string: type mismatch is false
		{`"IsString":true`, true},
		{`"IsNumeric":false`, true},
		{`"IsPresent":true`, true},
		{`"IsTimestamp":false`, true},
		{`"IsNull":false`, true},
		{`"IsBoolean":false`, true},
	}
	for _, tc := range tests {
		r := rule(t, `{"Variable":"$.s",`+tc.rule+`,"Next":"D"}`)
		got, err := r.Match(&jsonpath.Env{Input: jsonvalue.MustParse(input)})
		if err != nil || got != tc.want {
			t.Errorf("$.s %s = %v, %v; want %v", tc.rule, got, err, tc.want)
		}
	}
	byVar := []struct {
		variable, rule string
		want           bool
	}{
		{"$.n", `"NumericEquals":10`, true},
		{"$.n", `"NumericEquals":10.0`, true},
		{"$.n", `"NumericEquals":1e1`, true},
		{"$.n", `"NumericLessThan":10.5`, true},
		{"$.n", `"NumericGreaterThan":9.99`, true},
		{"$.n", `"NumericLessThanEquals":10`, true},
		{"$.n", `"NumericGreaterThanEquals":11`, false},
		{"$.n", `"NumericEqualsPath":"$.n2"`, true},
		{"$.f", `"NumericLessThanPath":"$.n"`, true},
		{"$.f", `"NumericGreaterThanPath":"$.n"`, false},
		{"$.n", `"NumericLessThanEqualsPath":"$.n2"`, true},
		{"$.n", `"NumericGreaterThanEqualsPath":"$.f"`, true},
		{"$.n", `"NumericEqualsPath":"$.s"`, false},
		{"$.b", `"BooleanEquals":true`, true},
		{"$.b", `"BooleanEqualsPath":"$.b2"`, false},
		{"$.n", `"BooleanEquals":true`, false},
		{"$.t", `"TimestampEquals":"2024-01-02T03:04:05Z"`, true},
		{"$.t", `"TimestampEquals":"2024-01-02T04:04:05+01:00"`, true},
		{"$.t", `"TimestampLessThan":"2024-01-02T03:04:06Z"`, true},
		{"$.t", `"TimestampGreaterThan":"2024-01-02T03:04:04.5Z"`, true},
		{"$.t", `"TimestampLessThanEquals":"2024-01-02T03:04:05Z"`, true},
		{"$.t", `"TimestampGreaterThanEquals":"2025-01-01T00:00:00Z"`, false},
		{"$.t", `"TimestampEqualsPath":"$.t2"`, true},
		{"$.t", `"TimestampLessThanPath":"$.t2"`, false},
		{"$.t", `"TimestampGreaterThanPath":"$.t2"`, false},
		{"$.t", `"TimestampLessThanEqualsPath":"$.t2"`, true},
		{"$.t", `"TimestampGreaterThanEqualsPath":"$.t2"`, true},
		{"$.t", `"TimestampEqualsPath":"$.tbad"`, false},
		{"$.tbad", `"TimestampEquals":"2024-01-02T00:00:00Z"`, false},
		{"$.t", `"IsTimestamp":true`, true},
		{"$.tbad", `"IsTimestamp":true`, false},
		{"$.z", `"IsNull":true`, true},
		{"$.o", `"IsNull":true`, false},
		{"$.n", `"IsNumeric":true`, true},
		{"$.b", `"IsBoolean":true`, true},
		{"$.missing", `"IsPresent":false`, true},
		{"$.missing", `"IsPresent":true`, false},
		{"$.z", `"IsPresent":true`, true},
		{"$.star", `"StringMatches":"a\\*b"`, true},
		{"$.s", `"StringMatches":"a\\*c"`, false},
		{"$.u", `"StringGreaterThan":"z"`, true},
	}
	for _, tc := range byVar {
		r := rule(t, fmt.Sprintf(`{"Variable":%q,%s,"Next":"D"}`, tc.variable, tc.rule))
		got, err := r.Match(&jsonpath.Env{Input: jsonvalue.MustParse(input)})
		if err != nil || got != tc.want {
			t.Errorf("%s %s = %v, %v; want %v", tc.variable, tc.rule, got, err, tc.want)
		}
	}
}

func TestChoiceCombinators(t *testing.T) {
	t.Parallel()
	in := &jsonpath.Env{Input: jsonvalue.MustParse(`{"a":1,"b":"x"}`)}
	tests := []struct {
		rule string
		want bool
	}{
		{`{"And":[{"Variable":"$.a","NumericEquals":1},{"Variable":"$.b","StringEquals":"x"}],"Next":"D"}`, true},
		{`{"And":[{"Variable":"$.a","NumericEquals":1},{"Variable":"$.b","StringEquals":"y"}],"Next":"D"}`, false},
		{`{"Or":[{"Variable":"$.a","NumericEquals":2},{"Variable":"$.b","StringEquals":"x"}],"Next":"D"}`, true},
		{`{"Or":[{"Variable":"$.a","NumericEquals":2},{"Variable":"$.b","StringEquals":"y"}],"Next":"D"}`, false},
		{`{"Not":{"Variable":"$.a","NumericEquals":2},"Next":"D"}`, true},
		{`{"Not":{"Or":[{"Variable":"$.a","IsPresent":false},{"Not":{"Variable":"$.b","IsString":true}}]},"Next":"D"}`, true},
		// Or stops at the first true rule, so the missing path is never read.
		{`{"Or":[{"Variable":"$.a","NumericEquals":1},{"Variable":"$.nope","NumericEquals":1}],"Next":"D"}`, true},
	}
	for _, tc := range tests {
		got, err := rule(t, tc.rule).Match(in)
		if err != nil || got != tc.want {
			t.Errorf("%s = %v, %v; want %v", tc.rule, got, err, tc.want)
		}
	}
}

func TestChoiceMissingPath(t *testing.T) {
	t.Parallel()
	in := &jsonpath.Env{Input: jsonvalue.MustParse(`{"a":1}`)}
	for _, r := range []string{
		`{"Variable":"$.nope","NumericEquals":1,"Next":"D"}`,
		`{"Variable":"$.nope","IsNull":true,"Next":"D"}`,
		`{"Variable":"$.a","NumericEqualsPath":"$.nope","Next":"D"}`,
	} {
		_, err := rule(t, r).Match(in)
		var ce *ChoiceError
		if !errors.As(err, &ce) {
			t.Errorf("%s: error %v, want a ChoiceError", r, err)
		}
	}
}

func TestGlob(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"", "", true}, {"", "a", false}, {"*", "", true}, {"*", "anything", true},
		{"**", "x", true}, {"log-*.txt", "log-2024.txt", true}, {"log-*.txt", "log-.txt", true},
		{"log-*.txt", "log-2024.txt.bak", false}, {"*.txt*", "a.txt.b", true},
		{"a*a", "a", false}, {"a*a", "aa", true}, {`\\*`, `\x`, true}, {`\*`, "*", true}, {`\*`, "x", false},
	}
	for _, tc := range tests {
		if got := matchGlob(compileGlob(tc.pattern), tc.s); got != tc.want {
			t.Errorf("glob %q on %q = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}
