// Package runtimes holds the bootstrap programs that let Sluice run Lambda
// handlers written for AWS's managed Python and Node.js runtimes unchanged.
//
// Each bootstrap is a single file that uses only its language's standard
// library. Sluice writes it to disk and runs it with the language's
// interpreter, with the environment Lambda gives a function
// (AWS_LAMBDA_RUNTIME_API, LAMBDA_TASK_ROOT, _HANDLER and the rest). The
// bootstrap loads the handler and then serves invocations through the
// Lambda Runtime API (2018-06-01): it takes each event from
// /runtime/invocation/next, calls the handler with the event and a context
// object, and posts the result or the error back. A handler that cannot be
// loaded is reported to /runtime/init/error with Lambda's error type, such
// as Runtime.ImportModuleError, and the bootstrap then exits. When the
// Runtime API fails or refuses /next, the bootstrap exits too.
package runtimes

import _ "embed"

// Python is the bootstrap for Python handlers. It runs as
// "python3 bootstrap.py" on Python 3.9 or later, and _HANDLER names the
// handler as "module.function", where the module may be a dotted or
// slashed path under LAMBDA_TASK_ROOT.
//
//go:embed python/bootstrap.py
var Python []byte

// Node is the bootstrap for Node.js handlers. It runs as
// "node bootstrap.js" on Node.js 18 or later, and _HANDLER names the
// handler as "file.export", where the file, relative to LAMBDA_TASK_ROOT,
// may be a CommonJS or ES module ending in .js, .mjs or .cjs.
//
//go:embed node/bootstrap.js
var Node []byte

// PythonFile and NodeFile are suitable file names for the bootstraps. They
// are best written outside the function's code directory: the Python
// bootstrap takes its own directory off the module search path, so that
// the function's modules are found only under LAMBDA_TASK_ROOT.
const (
	PythonFile = "bootstrap.py"
	NodeFile   = "bootstrap.js"
)
