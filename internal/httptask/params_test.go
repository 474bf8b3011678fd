package httptask

import (
	"errors"
	"strings"
	"testing"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

func TestValidateParameters(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		params  string
		pointer string // "" with message "" means valid
		message string
	}{
		{"minimal", `{"ApiEndpoint":"https://api.stripe.com/v1/customers","Method":"GET"}`, "", ""},
		{"full static", `{"ApiEndpoint":"https://x.test","Method":"POST","Authentication":{"ConnectionArn":"arn:aws:events:us-east-1:1:connection/a/b"},
			"Headers":{"content-type":"application/x-www-form-urlencoded","X-Many":["a","b"]},"QueryParameters":{"q":"1"},
			"RequestBody":{"a":[1,2]},"Transform":{"RequestBodyEncoding":"URL_ENCODED","RequestEncodingOptions":{"ArrayFormat":"COMMAS"}}}`, "", ""},
		{"invocation config", `{"ApiEndpoint":"https://x.test","Method":"GET","InvocationConfig":{"ConnectionArn":"arn:c"}}`, "", ""},
		{"no connection is a Sluice extension", `{"ApiEndpoint":"http://localhost:8080/hook","Method":"GET"}`, "", ""},
		{"paths", `{"ApiEndpoint.$":"States.Format('https://x.test/{}', $.id)","Method.$":"$.m","Headers.$":"$.h",
			"QueryParameters.$":"$.q","RequestBody.$":"$.b","Transform.$":"$.t","Authentication":{"ConnectionArn.$":"$.c"}}`, "", ""},
		{"nested paths", `{"ApiEndpoint":"https://x.test","Method":"GET","Headers":{"X-Id.$":"$.id"},
			"Transform":{"RequestBodyEncoding.$":"$.e","RequestEncodingOptions":{"ArrayFormat.$":"$.f"}}}`, "", ""},
		{"JSONata", `{"ApiEndpoint":"{% 'https://' & $states.input.host %}","Method":"{% $m %}","Headers":{"X":"{% $x %}"},"RequestBody":"{% $b %}"}`, "", ""},
		{"JSONata arguments", `"{% $states.input.args %}"`, "", ""},
		{"dynamic body with URL encoding", `{"ApiEndpoint":"https://x.test","Method":"POST","RequestBody.$":"$.b","Transform":{"RequestBodyEncoding":"URL_ENCODED"}}`, "", ""},

		{"missing endpoint", `{"Method":"GET"}`, "", "'ApiEndpoint' is required"},
		{"missing method", `{"ApiEndpoint.$":"$.u"}`, "", "'Method' is required"},
		{"no parameters", `null`, "", "must be a JSON object"},
		{"bad method", `{"ApiEndpoint":"https://x.test","Method":"CONNECT"}`, "/Method", "'Method' must be one of"},
		{"bad endpoint", `{"ApiEndpoint":"x.test/path","Method":"GET"}`, "/ApiEndpoint", "absolute"},
		{"twice", `{"ApiEndpoint":"https://x.test","ApiEndpoint.$":"$.u","Method":"GET"}`, "/ApiEndpoint.$", "given twice"},
		{"forbidden static header", `{"ApiEndpoint":"https://x.test","Method":"GET","Headers":{"Authorization":"Bearer x"}}`, "/Headers/Authorization", "'Authorization'"},
		{"forbidden dynamic header", `{"ApiEndpoint":"https://x.test","Method":"GET","Headers":{"X-Amz-Date.$":"$.d"}}`, "/Headers/X-Amz-Date.$", "'X-Amz-Date'"},
		{"header array element", `{"ApiEndpoint":"https://x.test","Method":"GET","Headers":{"X":["a",{}]}}`, "/Headers/X/1", "header 'X'"},
		{"unknown field", `{"ApiEndpoint":"https://x.test","Method":"GET","Payload":{}}`, "/Payload", "'Payload' is not supported"},
		{"unknown dynamic field", `{"ApiEndpoint":"https://x.test","Method":"GET","Timeout.$":"$.t"}`, "/Timeout.$", "'Timeout' is not supported"},
		{"connection field", `{"ApiEndpoint":"https://x.test","Method":"GET","Authentication":{"Arn":"a"}}`, "/Authentication/Arn", "'Authentication.Arn' is not supported"},
		{"both connection fields", `{"ApiEndpoint":"https://x.test","Method":"GET","Authentication":{"ConnectionArn":"a"},"InvocationConfig.$":"$.c"}`, "/InvocationConfig.$", "not both"},
		{"array format", `{"ApiEndpoint":"https://x.test","Method":"GET","Transform":{"RequestEncodingOptions":{"ArrayFormat":"indices"}}}`, "/Transform/RequestEncodingOptions/ArrayFormat", "must be one of INDICES"},
		{"URL-encoding a number", `{"ApiEndpoint":"https://x.test","Method":"POST","RequestBody":5,"Transform":{"RequestBodyEncoding":"URL_ENCODED"}}`, "/RequestBody", "must be a JSON object"},
		{"pointer escaping", `{"ApiEndpoint":"https://x.test","Method":"GET","Headers":{"a/b~c":"x"}}`, "/Headers/a~1b~0c", "not a valid HTTP header name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			err := ValidateParameters(jsonvalue.MustParse(c.params))
			if c.message == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			var pe *ParameterError
			if !errors.As(err, &pe) {
				t.Fatalf("error = %v, want a *ParameterError", err)
			}
			if pe.Pointer != c.pointer || !strings.Contains(pe.Message, c.message) {
				t.Errorf("error at %q: %q; want at %q containing %q", pe.Pointer, pe.Message, c.pointer, c.message)
			}
		})
	}
}

func TestForbiddenHeader(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"Authorization": true, "AUTHORIZATION": true, "x-forwarded-for": true, "X-Amz-Security-Token": true,
		"x-amzn-requestid": true, "Content-Type": false, "X-Api-Key": false, "x-amzfoo": false, "User-Agent": false,
	} {
		if got := ForbiddenHeader(name); got != want {
			t.Errorf("ForbiddenHeader(%q) = %v, want %v", name, got, want)
		}
	}
}
