// Package examples holds runnable automations; this test runs each example
// definition with its sample input and checks the expected output.
package examples

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/sluice-run/sluice/internal/asl"
	"github.com/sluice-run/sluice/internal/interp"
	"github.com/sluice-run/sluice/internal/jsonvalue"
	"github.com/sluice-run/sluice/internal/runner"
)

// TestExamples runs every examples/*/*.asl.json that has an input.json and
// an expected output.json beside it.
func TestExamples(t *testing.T) {
	t.Parallel()
	defs, _ := filepath.Glob("*/*.asl.json")
	if len(defs) == 0 {
		t.Fatal("no examples found")
	}
	for _, path := range defs {
		dir := filepath.Dir(path)
		t.Run(dir, func(t *testing.T) {
			t.Parallel()
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			def, diags := asl.Parse(src)
			if def == nil {
				t.Fatalf("%s: %s", path, diags.Error())
			}
			in, err1 := os.ReadFile(filepath.Join(dir, "input.json"))
			want, err2 := os.ReadFile(filepath.Join(dir, "output.json"))
			if err1 != nil || err2 != nil {
				t.Skip("no input.json/output.json")
			}
			x, err := (&runner.Runner{}).Run(context.Background(), def, jsonvalue.MustParse(string(in)), interp.Options{Name: "example"})
			if err != nil {
				t.Fatal(err)
			}
			if !jsonvalue.Equal(x.Output(), jsonvalue.MustParse(string(want))) {
				t.Errorf("output %s, want %s", jsonvalue.Marshal(x.Output()), want)
			}
		})
	}
}
