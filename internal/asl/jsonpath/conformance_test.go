package jsonpath

import (
	"strings"
	"testing"

	"github.com/sluice-run/sluice/internal/conformance"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// referenceFields hold reference paths; the other *Path fields and the
// ".$" fields hold full paths.
var referenceFields = map[string]bool{
	"ResultPath": true, "Variable": true, "SecondsPath": true, "TimestampPath": true,
}

// TestConformancePaths compiles every path of the executions recorded from
// AWS, which AWS accepted.
func TestConformancePaths(t *testing.T) {
	t.Parallel()
	cases, err := conformance.ReadLines[conformance.ASLCase]("asl-executions.jsonl")
	if err != nil {
		t.Skipf("conformance cases not available: %v", err)
	}
	n := 0
	for _, c := range cases {
		def, err := jsonvalue.Parse(c.Definition)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		walkPaths(def, func(field, src string) {
			n++
			var err error
			if referenceFields[field] || strings.HasSuffix(field, "Path") && field != "InputPath" && field != "OutputPath" && field != "ItemsPath" {
				_, err = ParseReference(src)
			} else {
				_, err = Parse(src)
			}
			if err != nil {
				t.Errorf("%s: %s %q: %v", c.Name, field, src, err)
			}
		})
	}
	t.Logf("%d paths compiled", n)
}

// walkPaths calls fn for every field of v that holds a JSONPath.
func walkPaths(v jsonvalue.Value, fn func(field, src string)) {
	switch x := v.(type) {
	case *jsonvalue.Object:
		if ql, _ := x.Get("QueryLanguage"); ql == "JSONata" {
			return
		}
		for i := 0; i < x.Len(); i++ {
			k, cv := x.At(i)
			if s, ok := cv.(string); ok && strings.HasPrefix(s, "$") &&
				(strings.HasSuffix(k, ".$") || strings.HasSuffix(k, "Path") || k == "Variable") {
				fn(k, s)
			}
			walkPaths(cv, fn)
		}
	case []jsonvalue.Value:
		for _, e := range x {
			walkPaths(e, fn)
		}
	}
}
