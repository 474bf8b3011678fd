#!/usr/bin/env python3
"""Drives Sluice's Lambda API with boto3, as a user's deployment script would.

Usage: python3 lambda_boto3.py --endpoint http://127.0.0.1:PORT

Run by TestClients (clients_test.go) against a fresh server. Every check
raises on a mismatch; the script exits non-zero with a message naming the
check, the value it got and the value it wanted.
"""

import argparse
import base64
import io
import json
import sys
import zipfile

import boto3
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::000000000000:role/lambda"
ARN = "arn:aws:lambda:us-east-1:000000000000:function:"


class Mismatch(AssertionError):
    pass


def eq(got, want, what):
    if got != want:
        raise Mismatch(f"check failed: {what}\n   got: {got!r}\n  want: {want!r}")


def expect_error(code, fn, contains, status, **kwargs):
    try:
        out = fn(**kwargs)
    except ClientError as e:
        err = e.response["Error"]
        eq(err.get("Code"), code, f"{fn.__name__} error code")
        if contains not in err.get("Message", ""):
            raise Mismatch(f"{fn.__name__} {code}: message {err.get('Message')!r} lacks {contains!r}")
        eq(e.response["ResponseMetadata"]["HTTPStatusCode"], status, f"{fn.__name__} {code} HTTP status")
        return
    raise Mismatch(f"{fn.__name__}: want error {code}, got success {out!r}")


def zip_of(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, body in files.items():
            z.writestr(name, body)
    return buf.getvalue()


HANDLER = """
import os
def handler(event, context):
    print("event", event)
    if event.get("boom"):
        raise RuntimeError("kaboom")
    return {"echo": event, "mode": os.environ.get("MODE"), "memory": context.memory_limit_in_mb}
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint", required=True)
    args = ap.parse_args()
    lam = boto3.client("lambda", endpoint_url=args.endpoint, region_name="us-east-1",
                       aws_access_key_id="any", aws_secret_access_key="any")

    fn = lam.create_function(FunctionName="echo", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                             Code={"ZipFile": zip_of({"app.py": HANDLER})}, MemorySize=256,
                             Environment={"Variables": {"MODE": "boto3"}}, Description="echoes")
    eq(fn["FunctionArn"], ARN + "echo", "FunctionArn")
    eq(fn["MemorySize"], 256, "MemorySize")
    eq(fn["ResponseMetadata"]["HTTPStatusCode"], 201, "create status")
    print("ok   create_function", flush=True)

    out = lam.invoke(FunctionName="echo", Payload=json.dumps({"x": 1}).encode(), LogType="Tail")
    eq(out["StatusCode"], 200, "invoke status")
    eq(json.loads(out["Payload"].read()), {"echo": {"x": 1}, "mode": "boto3", "memory": 256}, "invoke payload")
    if "event {'x': 1}" not in base64.b64decode(out["LogResult"]).decode():
        raise Mismatch("invoke log tail lacks the handler's print")
    out = lam.invoke(FunctionName=ARN + "echo", Payload=b'{"boom": true}')
    eq(out.get("FunctionError"), "Unhandled", "FunctionError")
    err = json.loads(out["Payload"].read())
    eq((err["errorType"], err["errorMessage"]), ("RuntimeError", "kaboom"), "error document")
    eq(lam.invoke(FunctionName="echo", InvocationType="DryRun")["StatusCode"], 204, "dry run")
    eq(lam.invoke(FunctionName="echo", InvocationType="Event", Payload=b"{}")["StatusCode"], 202, "event invocation")
    print("ok   invoke", flush=True)

    cfg = lam.update_function_configuration(FunctionName="echo", Timeout=20, Environment={"Variables": {"MODE": "v2"}})
    eq(cfg["Timeout"], 20, "updated timeout")
    out = lam.invoke(FunctionName="echo", Payload=b'{}')
    eq(json.loads(out["Payload"].read())["mode"], "v2", "mode after the update")
    eq(lam.get_function_configuration(FunctionName="echo")["Description"], "echoes", "description kept")
    eq([f["FunctionName"] for f in lam.list_functions()["Functions"]], ["echo"], "list_functions")
    print("ok   update_function_configuration", flush=True)

    expect_error("ResourceNotFoundException", lam.get_function, "Function not found", 404, FunctionName="nope")
    expect_error("ResourceConflictException", lam.create_function, "Function already exist: echo", 409,
                 FunctionName="echo", Runtime="python3.12", Role=ROLE, Handler="app.handler", Code={"ZipFile": zip_of({"app.py": HANDLER})})
    expect_error("InvalidParameterValueException", lam.create_function, "Could not unzip", 400,
                 FunctionName="bad", Runtime="python3.12", Role=ROLE, Handler="app.handler", Code={"ZipFile": b"not a zip"})
    print("ok   errors", flush=True)

    lam.delete_function(FunctionName="echo")
    eq(lam.list_functions()["Functions"], [], "list_functions after delete")
    print("ok   delete_function", flush=True)


if __name__ == "__main__":
    try:
        main()
    except Mismatch as e:
        print(f"FAIL: {e}", file=sys.stderr)
        sys.exit(1)
