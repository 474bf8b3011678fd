// Package awsclient holds what an AWS SDK for Go v2 client needs to talk to
// a Sluice server: used by the sluice client commands and by tests.
package awsclient

import (
	"context"
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Config returns an SDK configuration for a Sluice endpoint with the given
// credentials (static dummy ones when nil), without retries.
func Config(endpoint, region string, creds aws.CredentialsProvider) aws.Config {
	if creds == nil {
		creds = credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")
	}
	return aws.Config{
		Region:           region,
		Credentials:      creds,
		BaseEndpoint:     aws.String(endpoint),
		HTTPClient:       BodyWithoutWriteTo{C: awshttp.NewBuildableClient()},
		RetryMaxAttempts: 1,
	}
}

// NoHostPrefix stops the SDK from prefixing the endpoint's host name, as it
// does for StartSyncExecution and TestState ("sync-127.0.0.1" does not
// resolve). Add it to a client's APIOptions.
func NoHostPrefix(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("SluiceNoHostPrefix",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			return next.HandleInitialize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
		}), middleware.Before)
}

// BodyWithoutWriteTo hides the io.WriterTo of the SDK's request bodies.
// smithy-go closes a request body as soon as the response headers arrive,
// and its WriteTo then returns io.EOF; when net/http's write loop has not
// finished with the body it takes that for a write error and closes the
// connection under the response being read (about 1 call in 500 against
// a local server, retried away by default but not with retries off).
type BodyWithoutWriteTo struct{ C aws.HTTPClient }

type readOnlyBody struct{ io.ReadCloser }

// Do sends the request with a body that only reads.
func (d BodyWithoutWriteTo) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		r2 := *r
		r2.Body = readOnlyBody{r.Body}
		r = &r2
	}
	return d.C.Do(r)
}
