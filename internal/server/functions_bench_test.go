package server_test

import (
	"context"
	"fmt"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/sluice-run/sluice/internal/server"
	"github.com/sluice-run/sluice/internal/server/servertest"
)

// threeStepWorkflow creates a Python function and a STANDARD state machine
// of three Task states that call it in turn: the workload of the Temporal
// comparison in issue 3 (three activities per workflow).
func threeStepWorkflow(b *testing.B, srv *server.Server) (*rawClient, string) {
	if _, err := exec.LookPath("python3"); err != nil {
		b.Skip("python3 is not installed")
	}
	code := zipOf(b, map[string]string{"step.py": "def handler(event, context):\n    event['steps'] = event.get('steps', 0) + 1\n    return event\n"})
	lc := servertest.Lambda(srv)
	fn, err := lc.CreateFunction(context.Background(), &lambda.CreateFunctionInput{FunctionName: aws.String("step"),
		Runtime: ltypes.RuntimePython312, Handler: aws.String("step.handler"), Role: aws.String(role),
		Code: &ltypes.FunctionCode{ZipFile: code}, Timeout: aws.Int32(30)})
	if err != nil {
		b.Fatal(err)
	}
	def := fmt.Sprintf(`{"StartAt":"A","States":{"A":{"Type":"Task","Resource":%[1]q,"Next":"B"},"B":{"Type":"Task","Resource":%[1]q,"Next":"C"},"C":{"Type":"Task","Resource":%[1]q,"End":true}}}`, *fn.FunctionArn)
	c := newRawClient(srv)
	if _, err := c.call("CreateStateMachine", fmt.Sprintf(`{"name":"three","roleArn":%q,"definition":%q}`, role, def)); err != nil {
		b.Fatal(err)
	}
	return c, "arn:aws:states:us-east-1:000000000000:stateMachine:three"
}

// runToEnd starts an execution and polls until it is no longer RUNNING.
func runToEnd(c *rawClient, sm string) error {
	out, err := c.call("StartExecution", fmt.Sprintf(`{"stateMachineArn":%q,"input":"{\"order\":1}"}`, sm))
	if err != nil {
		return err
	}
	arn := strings.Split(strings.Split(string(out), `"executionArn":"`)[1], `"`)[0]
	for {
		d, err := c.call("DescribeExecution", fmt.Sprintf(`{"executionArn":%q}`, arn))
		if err != nil {
			return err
		}
		switch {
		case strings.Contains(string(d), `"status":"SUCCEEDED"`):
			return nil
		case !strings.Contains(string(d), `"status":"RUNNING"`):
			return fmt.Errorf("execution ended: %s", d)
		}
		time.Sleep(500 * time.Microsecond)
	}
}

// BenchmarkThreeStepFunctions measures a durable three-step workflow whose
// steps are Python functions: latency of one workflow at a time (start to
// SUCCEEDED, p50/p99) and throughput with 16 workflows in flight.
func BenchmarkThreeStepFunctions(b *testing.B) {
	srv := servertest.Start(b)
	c, sm := threeStepWorkflow(b, srv)
	if err := runToEnd(c, sm); err != nil { // warm the function up
		b.Fatal(err)
	}
	b.Run("latency", func(b *testing.B) {
		lat := make([]time.Duration, 0, b.N)
		for i := 0; i < b.N; i++ {
			t := time.Now()
			if err := runToEnd(c, sm); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(t))
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	})
	b.Run("throughput", func(b *testing.B) {
		var n atomic.Int64
		var wg sync.WaitGroup
		start := time.Now()
		for w := 0; w < 16; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n.Add(1) <= int64(b.N) {
					if err := runToEnd(c, sm); err != nil {
						b.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "workflows/s")
	})
}
