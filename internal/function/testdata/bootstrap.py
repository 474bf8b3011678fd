#!/usr/bin/env python3
# A custom Lambda runtime for the tests of package function: it speaks the
# Runtime API directly and behaves as each event's "op" asks.
import json
import os
import sys
import time
import urllib.request

api = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime"

if os.environ.get("_HANDLER") == "init-fails":
    body = json.dumps({"errorMessage": "Unable to import module 'app': No module named 'app'",
                       "errorType": "Runtime.ImportModuleError"}).encode()
    req = urllib.request.Request(api + "/init/error", data=body, method="POST",
                                 headers={"Lambda-Runtime-Function-Error-Type": "Runtime.ImportModuleError"})
    urllib.request.urlopen(req).read()
    sys.exit(1)


def post(path, body, headers=None):
    req = urllib.request.Request(api + path, data=body, method="POST", headers=headers or {})
    try:
        return urllib.request.urlopen(req).status
    except urllib.error.HTTPError as e:
        return e.code


while True:
    with urllib.request.urlopen(api + "/invocation/next") as r:
        rid = r.headers["Lambda-Runtime-Aws-Request-Id"]
        deadline = int(r.headers["Lambda-Runtime-Deadline-Ms"])
        arn = r.headers["Lambda-Runtime-Invoked-Function-Arn"]
        event = json.loads(r.read())
    op = event.get("op")
    if op == "echo":
        post("/invocation/" + rid + "/response", json.dumps(event).encode())
    elif op == "env":
        out = {k: os.environ.get(k) for k in ("AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
                                               "AWS_REGION", "LAMBDA_TASK_ROOT", "_HANDLER", "MY_SETTING")}
        out["arn"] = arn
        out["remaining_ms"] = deadline - int(time.time() * 1000)
        out["cwd"] = os.getcwd()
        post("/invocation/" + rid + "/response", json.dumps(out).encode())
    elif op == "log":
        print(event["msg"], flush=True)
        post("/invocation/" + rid + "/response", b"null")
    elif op == "pid":
        post("/invocation/" + rid + "/response", json.dumps(os.getpid()).encode())
    elif op == "fail":
        body = json.dumps({"errorMessage": "boom", "errorType": "ValueError", "stackTrace": ["line 1"]}).encode()
        post("/invocation/" + rid + "/error", body, {"Lambda-Runtime-Function-Error-Type": "Unhandled"})
    elif op == "sleep":
        time.sleep(event["s"])
        post("/invocation/" + rid + "/response", json.dumps(os.getpid()).encode())
    elif op == "exit":
        sys.exit(3)
    elif op == "big":
        status = post("/invocation/" + rid + "/response", b'"' + b"x" * (6 * 1024 * 1024) + b'"')
        print("big response status", status, flush=True)
    elif op == "wrong-id":
        status = post("/invocation/not-" + rid + "/response", b"1")
        post("/invocation/" + rid + "/response", json.dumps(status).encode())
