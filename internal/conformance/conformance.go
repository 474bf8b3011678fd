// Package conformance loads the cases recorded from real AWS that live
// beside the repository in ../shared/conformance, and compares results with
// their placeholders ("<timestamp>", "<uuid:1>", ARN parts) treated as
// wildcards. The folder is absent in users' clones; Dir then reports false
// and the tests that use it skip.
package conformance

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// Dir returns the conformance folder: $SLUICE_CONFORMANCE_DIR, or
// ../shared/conformance next to the module root.
func Dir() (string, bool) {
	if d := os.Getenv("SLUICE_CONFORMANCE_DIR"); d != "" {
		_, err := os.Stat(d)
		return d, err == nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			c := filepath.Join(filepath.Dir(d), "shared", "conformance")
			_, err := os.Stat(c)
			return c, err == nil
		}
		if filepath.Dir(d) == d {
			return "", false
		}
	}
}

// ReadLines decodes a JSON-lines file of the conformance folder into
// values of type T.
func ReadLines[T any](name string) ([]T, error) {
	dir, ok := Dir()
	if !ok {
		return nil, os.ErrNotExist
	}
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", name, line, err)
		}
		out = append(out, v)
	}
	return out, sc.Err()
}

// ASLCase is one recorded Step Functions execution.
type ASLCase struct {
	Name       string          `json:"name"`
	Definition json.RawMessage `json:"definition"`
	Input      json.RawMessage `json:"input"`
	Status     string          `json:"status"`
	Output     json.RawMessage `json:"output"`
	Error      *string         `json:"error"`
	Cause      *string         `json:"cause"`
	EventTypes []string        `json:"event_types"`
}

// UsesJSONata reports whether the case's definition uses the JSONata query
// language or workflow variables (Assign), which belong to the JSONata
// issue.
func (c *ASLCase) UsesJSONata() bool {
	s := string(c.Definition)
	return strings.Contains(s, `"JSONata"`) || strings.Contains(s, `"Assign"`)
}

// Document decodes a recorded JSON value. The recordings hold some inputs
// and outputs as their JSON text in a string; such strings are decoded
// again.
func Document(raw json.RawMessage) (jsonvalue.Value, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	v, err := jsonvalue.Parse(raw)
	if err != nil {
		return nil, err
	}
	if s, ok := v.(string); ok {
		if inner, err := jsonvalue.ParseString(s); err == nil {
			return inner, nil
		}
	}
	return v, nil
}

var placeholder = regexp.MustCompile(`<[^<>]+>`)

// randomNumber is the placeholder the recordings put in place of random
// numbers (States.MathRandom results).
const randomNumber = "RandomNumberGenerated"

// Match reports whether got matches the recorded want, in which strings may
// hold placeholders. Object key order does not matter.
func Match(want, got jsonvalue.Value) bool {
	switch w := want.(type) {
	case string:
		if w == randomNumber {
			_, ok := got.(jsonvalue.Number)
			return ok
		}
		g, ok := got.(string)
		if !ok {
			return false
		}
		return MatchString(w, g)
	case []jsonvalue.Value:
		g, ok := got.([]jsonvalue.Value)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !Match(w[i], g[i]) {
				return false
			}
		}
		return true
	case *jsonvalue.Object:
		g, ok := got.(*jsonvalue.Object)
		if !ok || g.Len() != w.Len() {
			return false
		}
		for _, k := range w.Keys() {
			wv, _ := w.Get(k)
			gv, ok := g.Get(k)
			if !ok || !Match(wv, gv) {
				return false
			}
		}
		return true
	}
	return jsonvalue.Equal(want, got)
}

// RecordingArtifacts are cases whose recorded definition is not the one
// that produced the recorded result. Tests skip them and count them as not
// passing.
var RecordingArtifacts = map[string]string{
	"asl/TestBaseEvaluateJsonata::test_base_map[ITEMS]":               `the recorded definition maps over "Items": [1] but the recorded run has three iterations`,
	"asl/TestBaseEvaluateJsonata::test_base_map[ITEMS_DOUBLE_QUOTES]": `the recorded definition maps over "Items": [1] but the recorded run has three iterations`,
}

// MatchString compares a recorded string, whose placeholders match any
// text, with an actual one.
func MatchString(want, got string) bool {
	if want == got {
		return true
	}
	// The recordings also replaced times with "timestamp" or "date" and
	// the execution role ARN with "snf_role_arn".
	if want == "timestamp" || want == "date" || want == "snf_role_arn" {
		return true
	}
	// Account IDs in ARNs were normalised to 111111111111.
	want = strings.ReplaceAll(want, ":111111111111:", ":<account>:")
	if !placeholder.MatchString(want) {
		return false
	}
	parts := placeholder.Split(want, -1)
	var b strings.Builder
	b.WriteString("^")
	for i, p := range parts {
		if i > 0 {
			b.WriteString("(?s:.+?)")
		}
		b.WriteString(regexp.QuoteMeta(p))
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	return err == nil && re.MatchString(got)
}
