// Package lambda serves the AWS Lambda API (restJson1,
// /2015-03-31/functions) over package function: functions are created
// from zip files, kept in the store and the data directory, and invoked
// as processes speaking the Lambda Runtime API.
package lambda

import (
	"encoding/json"
	"time"
)

// functionRecord is what the store keeps for a function.
type functionRecord struct {
	Name         string            `json:"name"`
	Arn          string            `json:"arn"`
	Runtime      string            `json:"runtime"`
	Role         string            `json:"role"`
	Handler      string            `json:"handler"`
	Description  string            `json:"description,omitempty"`
	Timeout      int               `json:"timeout"`
	MemorySize   int               `json:"memorySize"`
	Env          map[string]string `json:"env,omitempty"`
	CodeSha256   string            `json:"codeSha256"` // base64 of the zip's SHA-256, as Lambda reports it
	CodeSize     int64             `json:"codeSize"`
	CodeDir      string            `json:"codeDir"` // relative to the functions directory
	LastModified time.Time         `json:"lastModified"`
	RevisionID   string            `json:"revisionId"`
	Tags         map[string]string `json:"tags,omitempty"`
	// Policy holds the resource policy's statements, in order.
	Policy []json.RawMessage `json:"policy,omitempty"`
}

// configuration is Lambda's FunctionConfiguration.
type configuration struct {
	FunctionName     string            `json:"FunctionName"`
	FunctionArn      string            `json:"FunctionArn"`
	Runtime          string            `json:"Runtime"`
	Role             string            `json:"Role"`
	Handler          string            `json:"Handler,omitempty"`
	CodeSize         int64             `json:"CodeSize"`
	Description      string            `json:"Description"`
	Timeout          int               `json:"Timeout"`
	MemorySize       int               `json:"MemorySize"`
	LastModified     string            `json:"LastModified"`
	CodeSha256       string            `json:"CodeSha256"`
	Version          string            `json:"Version"`
	Environment      *environment      `json:"Environment,omitempty"`
	TracingConfig    map[string]string `json:"TracingConfig"`
	RevisionID       string            `json:"RevisionId"`
	State            string            `json:"State"`
	LastUpdateStatus string            `json:"LastUpdateStatus"`
	PackageType      string            `json:"PackageType"`
	Architectures    []string          `json:"Architectures"`
	EphemeralStorage map[string]int    `json:"EphemeralStorage"`
	LoggingConfig    map[string]string `json:"LoggingConfig"`
}

type environment struct {
	Variables map[string]string `json:"Variables"`
}

// config renders a record as Lambda's FunctionConfiguration.
func (f *functionRecord) config() *configuration {
	c := &configuration{
		FunctionName: f.Name, FunctionArn: f.Arn, Runtime: f.Runtime, Role: f.Role, Handler: f.Handler,
		CodeSize: f.CodeSize, Description: f.Description, Timeout: f.Timeout, MemorySize: f.MemorySize,
		LastModified: f.LastModified.UTC().Format("2006-01-02T15:04:05.000-0700"), CodeSha256: f.CodeSha256,
		Version: "$LATEST", TracingConfig: map[string]string{"Mode": "PassThrough"}, RevisionID: f.RevisionID,
		State: "Active", LastUpdateStatus: "Successful", PackageType: "Zip", Architectures: []string{"x86_64"},
		EphemeralStorage: map[string]int{"Size": 512},
		LoggingConfig:    map[string]string{"LogFormat": "Text", "LogGroup": "/aws/lambda/" + f.Name},
	}
	if len(f.Env) > 0 {
		c.Environment = &environment{Variables: f.Env}
	}
	return c
}

// Runtimes Sluice runs: the managed Python and Node.js runtimes through
// its bootstraps, and custom runtimes through the function's bootstrap.
var runtimes = map[string]bool{
	"python3.9": true, "python3.10": true, "python3.11": true, "python3.12": true, "python3.13": true,
	"nodejs18.x": true, "nodejs20.x": true, "nodejs22.x": true,
	"provided": true, "provided.al2": true, "provided.al2023": true, "go1.x": true,
}

// reservedEnv are the environment variables Lambda does not let a
// function set.
var reservedEnv = map[string]bool{
	"_HANDLER": true, "_X_AMZN_TRACE_ID": true, "AWS_DEFAULT_REGION": true, "AWS_REGION": true, "AWS_EXECUTION_ENV": true,
	"AWS_LAMBDA_FUNCTION_NAME": true, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": true, "AWS_LAMBDA_FUNCTION_VERSION": true,
	"AWS_LAMBDA_INITIALIZATION_TYPE": true, "AWS_LAMBDA_LOG_GROUP_NAME": true, "AWS_LAMBDA_LOG_STREAM_NAME": true,
	"AWS_ACCESS_KEY": true, "AWS_ACCESS_KEY_ID": true, "AWS_SECRET_ACCESS_KEY": true, "AWS_SESSION_TOKEN": true,
	"AWS_LAMBDA_RUNTIME_API": true, "LAMBDA_TASK_ROOT": true, "LAMBDA_RUNTIME_DIR": true,
}
