//go:build unix

package server_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sluice-run/sluice/internal/server/servertest"
)

// TestClients drives a real server with the clients users have: boto3 and
// the AWS CLI, through the scripts in testdata/clients. Each script gets a
// fresh server and exits non-zero, naming the check, on any mismatch; the
// test fails with its output. A script whose client is not installed is
// skipped.
func TestClients(t *testing.T) {
	t.Parallel()
	scripts := []struct {
		name   string
		client func() client
		argv   func(url string) []string
	}{
		{"boto3", boto3Client, func(url string) []string {
			return []string{"python3", "testdata/clients/sfn_boto3.py", "--endpoint", url}
		}},
		{"cli", awsCLI, func(url string) []string { return []string{"bash", "testdata/clients/sfn_cli.sh", url} }},
		{"cli-approval", awsCLI, func(url string) []string { return []string{"bash", "testdata/clients/approval_cli.sh", url} }},
		{"cli-scheduler", awsCLI, func(url string) []string { return []string{"bash", "testdata/clients/scheduler_cli.sh", url} }},
		{"events-boto3", boto3Client, func(url string) []string {
			return []string{"python3", "testdata/clients/events_boto3.py", "--endpoint", url}
		}},
		{"events-cli", awsCLI, func(url string) []string { return []string{"bash", "testdata/clients/events_cli.sh", url} }},
		{"lambda-cli", awsCLI, func(url string) []string { return []string{"bash", "testdata/clients/lambda_cli.sh", url} }},
		{"lambda-boto3", boto3Client, func(url string) []string {
			return []string{"python3", "testdata/clients/lambda_boto3.py", "--endpoint", url}
		}},
	}
	for _, s := range scripts {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			c := s.client()
			if c.missing != "" {
				t.Skip(c.missing)
			}
			t.Log(c.version)
			srv := servertest.Start(t)
			runClientScript(t, s.argv(srv.URL()))
		})
	}
}

// client is an installed client's version, or why it cannot run.
type client struct{ version, missing string }

var boto3Client = sync.OnceValue(func() client {
	if _, err := exec.LookPath("python3"); err != nil {
		return client{missing: "python3 is not installed"}
	}
	out, err := probe("python3", "-c", "import boto3, botocore; print('boto3', boto3.__version__, 'botocore', botocore.__version__)")
	if err != nil {
		return client{missing: "boto3 is not installed (pip install boto3): " + lastLine(out)}
	}
	return client{version: strings.TrimSpace(string(out))}
})

// awsCLI probes `aws --version`: a pyenv or asdf shim can be on the PATH
// without a CLI behind it.
var awsCLI = sync.OnceValue(func() client {
	if _, err := exec.LookPath("bash"); err != nil {
		return client{missing: "bash is not installed"}
	}
	if _, err := exec.LookPath("aws"); err != nil {
		return client{missing: "the AWS CLI (aws) is not installed"}
	}
	out, err := probe("aws", "--version")
	if err != nil {
		return client{missing: "the AWS CLI (aws) does not run: " + lastLine(out)}
	}
	return client{version: strings.TrimSpace(string(out))}
})

// probe runs a short command in the clients' environment.
func probe(name string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = clientEnv()
	cmd.WaitDelay = time.Second
	return cmd.CombinedOutput()
}

func lastLine(out []byte) string {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return lines[len(lines)-1]
}

// clientEnv is the environment of the client scripts: the test's own
// without any AWS_ settings (a developer's profile, endpoint or real
// credentials must not leak in), plus dummy credentials, a region and no
// config files.
func clientEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	return append(env,
		"AWS_ACCESS_KEY_ID=AKIDEXAMPLE",
		"AWS_SECRET_ACCESS_KEY=secret",
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE=/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_PAGER=",
		"AWS_MAX_ATTEMPTS=1",
		"AWS_EC2_METADATA_DISABLED=true",
		"PYTHONUNBUFFERED=1",
		"PYTHONDONTWRITEBYTECODE=1",
	)
}

// runClientScript runs argv and fails the test with its output when it
// exits non-zero. The script and everything it started are killed after
// two minutes.
func runClientScript(t *testing.T, argv []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = clientEnv()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// The shell scripts start aws processes; kill the whole group.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start).Round(100 * time.Millisecond)
	if ctx.Err() != nil {
		t.Fatalf("%s timed out after %v; output:\n%s", strings.Join(argv, " "), took, out.String())
	}
	if err != nil {
		t.Fatalf("%s: %v (after %v); output:\n%s", strings.Join(argv, " "), err, took, out.String())
	}
	t.Logf("%s passed in %v:\n%s", argv[1], took, out.String())
}
