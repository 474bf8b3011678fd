package server_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/sluice-run/sluice/internal/server/servertest"
)

type readOnly struct{ io.ReadCloser }

type hideWriteTo struct{ c *awshttp.BuildableClient }

func (h hideWriteTo) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		r2 := *r
		r2.Body = readOnly{r.Body}
		r = &r2
	}
	return h.c.Do(r)
}

func TestZZRepro3(t *testing.T) {
	for _, fix := range []bool{false, true} {
		srv := servertest.Start(t)
		cfg := servertest.Config(srv)
		if fix {
			cfg.HTTPClient = hideWriteTo{awshttp.NewBuildableClient()}
		}
		c := sfn.NewFromConfig(cfg)
		items := strings.Repeat("1,", 59) + "1"
		arn := createSM(t, c, "paged", `{"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"ResultPath":null,"End":true}}}`)
		x := start(t, c, arn, "["+items+"]")
		wait(t, c, x)
		fails := 0
		for i := 0; i < 5000; i++ {
			if _, err := c.GetExecutionHistory(context.Background(), &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(x), MaxResults: 100}); err != nil {
				fails++
			}
		}
		t.Logf("fix %v: %d failures in 5000", fix, fails)
	}
}
