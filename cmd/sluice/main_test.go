package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func runSluice(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = dispatch(args, stdio{in: strings.NewReader(stdin), out: &out, err: &errb})
	return code, out.String(), errb.String()
}

func TestRunCommand(t *testing.T) {
	t.Parallel()
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	inFile := filepath.Join(t.TempDir(), "in.json")
	if err := os.WriteFile(inFile, []byte(`{"name":"file"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	unavailable := filepath.Join(t.TempDir(), "task.json")
	if err := os.WriteFile(unavailable, []byte(`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name           string
		stdin          string
		args           []string
		code           int
		stdout, stderr string
	}{
		{"succeeds", "", []string{"run", "../../examples/hello/hello.asl.json", "--input", `{"name":"Ada"}`}, 0, `{"greeting":"Hello, Ada!"}` + "\n", ""},
		{"flags before the file", "", []string{"run", "--input", `{"name":"Bo"}`, "../../examples/hello/hello.asl.json"}, 0, `{"greeting":"Hello, Bo!"}` + "\n", ""},
		{"input from a file", "", []string{"run", "../../examples/hello/hello.asl.json", "--input", "@" + inFile}, 0, `{"greeting":"Hello, file!"}` + "\n", ""},
		{"input from stdin", `{"name":"in"}`, []string{"run", "../../examples/hello/hello.asl.json", "--input", "@-"}, 0, `{"greeting":"Hello, in!"}` + "\n", ""},
		{"fails", "", []string{"run", "../../examples/hello/hello.asl.json"}, 1, `{"Error":"NoName","Cause":"Give a name."}` + "\n", ""},
		{"history", "", []string{"run", "../../examples/hello/hello.asl.json", "--history", "--input", `{"name":"H"}`}, 0, `{"greeting":"Hello, H!"}` + "\n", `"type":"ChoiceStateEntered"`},
		{"invalid definition", "", []string{"run", bad}, 2, "", "MISSING_END_STATE"},
		{"bad input", "", []string{"run", "../../examples/hello/hello.asl.json", "--input", "{"}, 2, "", "--input is not valid JSON"},
		{"no file", "", []string{"run"}, 2, "", "Usage: sluice run"},
		{"missing file", "", []string{"run", "nope.json"}, 2, "", "no such file"},
		{"unavailable resource", "", []string{"run", unavailable}, 1, "arn:aws:lambda:us-east-1:123456789012:function:f", ""},
		{"validate ok", "", []string{"validate", "../../examples/hello/hello.asl.json"}, 0, "OK", ""},
		{"validate fails", "", []string{"validate", bad}, 2, "MISSING_END_STATE", ""},
		{"validate json", "", []string{"validate", "--json", bad}, 2, `"result": "FAIL"`, ""},
		{"unknown command", "", []string{"frobnicate"}, 2, "", "unknown command"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := runSluice(t, tc.stdin, tc.args...)
			if code != tc.code {
				t.Errorf("exit code %d, want %d (stdout %q, stderr %q)", code, tc.code, out, errOut)
			}
			if tc.stdout != "" && !strings.Contains(out, tc.stdout) {
				t.Errorf("stdout %q, want it to contain %q", out, tc.stdout)
			}
			if tc.stderr != "" && !strings.Contains(errOut, tc.stderr) {
				t.Errorf("stderr %q, want it to contain %q", errOut, tc.stderr)
			}
		})
	}
}

func TestRunWaitsInRealTime(t *testing.T) {
	t.Parallel()
	def := filepath.Join(t.TempDir(), "wait.json")
	if err := os.WriteFile(def, []byte(`{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	// With virtual time an hour-long Wait ends at once.
	code, out, _ := runSluice(t, "", "run", def, "--virtual-time")
	if code != 0 || out != "{}\n" {
		t.Errorf("virtual time: exit %d, output %q", code, out)
	}
}

// TestRunWithFunctions runs a definition whose Task states call a local
// Python function, by ARN and through lambda:invoke.
func TestRunWithFunctions(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "app.py"), []byte("def handler(event, context):\n    if event.get('bad'):\n        raise ValueError('bad order')\n    return {'n': event.get('n', 0) + 1}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	def := filepath.Join(t.TempDir(), "def.json")
	if err := os.WriteFile(def, []byte(`{"StartAt":"A","States":{
		"A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:inc","Next":"B"},
		"B":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"inc","Payload.$":"$"},"OutputPath":"$.Payload","End":true}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	fn := "--function=inc=python3.12:app.handler:" + dir
	if code, out, errOut := runSluice(t, "", "run", def, fn, "--input", `{"n":40}`); code != 0 || out != `{"n":42}`+"\n" {
		t.Errorf("run: %d %q %q", code, out, errOut)
	}
	if code, out, _ := runSluice(t, "", "run", def, fn, "--input", `{"bad":true}`); code != 1 || !strings.Contains(out, `"Error":"ValueError"`) {
		t.Errorf("failing function: %d %q", code, out)
	}
	if code, _, errOut := runSluice(t, "", "run", def, "--function=inc=cobol:x:"+dir); code != 2 || !strings.Contains(errOut, "not supported") {
		t.Errorf("bad runtime: %d %q", code, errOut)
	}
	if code, _, errOut := runSluice(t, "", "run", def, "--function=inc"); code != 2 || !strings.Contains(errOut, "NAME=RUNTIME:HANDLER:DIR") {
		t.Errorf("bad flag: %d %q", code, errOut)
	}
}
