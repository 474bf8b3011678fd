// Package httptask runs the Step Functions HTTP Task, the Task state whose
// Resource is arn:aws:states:::http:invoke, and holds the EventBridge
// connection authorization (Basic, API key and OAuth client credentials
// with a token cache) that EventBridge API destinations reuse.
//
// The runtime hands [Invoker.Invoke] the task's effective Parameters; it
// answers with the task result or with the error and cause the Task state
// fails with, both as AWS Step Functions produces them:
//
//   - The request carries the headers AWS sets (User-Agent
//     "Amazon|StepFunctions|HttpInvoke|<region>", Range "bytes=0-262144",
//     Content-Type "application/json; charset=UTF-8" unless the task or
//     its connection sets one) and refuses the headers AWS forbids with
//     States.Runtime.
//   - The connection's invocation header, query and body parameters are
//     merged into the task's, the connection's values winning; a string
//     RequestBody cannot be merged with connection body parameters.
//   - Transform.RequestBodyEncoding URL_ENCODED sends the body as form
//     data, arrays laid out as RequestEncodingOptions.ArrayFormat says
//     (INDICES by default, REPEAT, COMMAS or BRACKETS).
//   - The result is {"Headers", "ResponseBody", "StatusCode",
//     "StatusText"} with lower-case header names and every header value
//     an array; a JSON response body is parsed, any other is a string.
//   - A status outside 2xx fails with States.Http.StatusCode.<code>, a
//     timeout (60 seconds) or a network failure with States.Http.Socket,
//     an unusable response (binary content types, undecodable text) with
//     States.Runtime, and connection problems with
//     Events.ConnectionResource.<reason>.
//
// Sluice departs from AWS where a self-hosted engine needs to, and says so
// in the documentation of the field concerned: a task without a
// ConnectionArn calls the endpoint without authorization (AWS requires a
// connection), and plain http:// endpoints are accepted unless
// [Invoker.RequireHTTPS] is set.
package httptask
