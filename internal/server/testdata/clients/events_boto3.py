#!/usr/bin/env python3
"""Drives Sluice's EventBridge API with boto3, as a user's Python program would.

Usage: python3 events_boto3.py --endpoint http://127.0.0.1:PORT

Run by TestClients (clients_test.go) against a fresh server. Every check
raises on a mismatch; the script exits non-zero with a message naming the
check, the value it got and the value it wanted.
"""

import argparse
import json
import sys
import time

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::000000000000:role/events"
ACCOUNT = "000000000000"
REGION = "us-east-1"
RULE_PREFIX = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/"
EVENT = {"id": "1", "account": ACCOUNT, "source": "shop", "time": "2024-01-01T00:00:00Z", "region": REGION,
         "detail-type": "OrderPlaced", "resources": [], "detail": {"total": 250, "customer": {"tier": "gold"}}}


class Mismatch(AssertionError):
    pass


def check(cond, what, got=None, want=None):
    if not cond:
        msg = f"check failed: {what}"
        if got is not None or want is not None:
            msg += f"\n   got: {got!r}\n  want: {want!r}"
        raise Mismatch(msg)


def eq(got, want, what):
    check(got == want, what, got, want)


def expect_error(code, fn, *args, contains=None, message=None, status=400, **kwargs):
    """Calls fn and checks it fails with the AWS error code (and message)."""
    try:
        out = fn(*args, **kwargs)
    except ClientError as e:
        err = e.response["Error"]
        eq(err.get("Code"), code, f"{fn.__name__} error code")
        if contains is not None:
            check(contains in err.get("Message", ""), f"{fn.__name__} {code} message contains {contains!r}", err.get("Message"), contains)
        if message is not None:
            eq(err.get("Message"), message, f"{fn.__name__} {code} message")
        eq(e.response["ResponseMetadata"]["HTTPStatusCode"], status, f"{fn.__name__} {code} HTTP status")
        return e
    raise Mismatch(f"{fn.__name__}: want error {code}, got success {out!r}")


def ok(section):
    print(f"ok   {section}", flush=True)


def wait_executions(sfn, sm, n, timeout=20):
    """Waits until n executions of sm have ended and returns them."""
    deadline = time.monotonic() + timeout
    while True:
        done = [x for x in sfn.list_executions(stateMachineArn=sm)["executions"] if x["status"] != "RUNNING"]
        if len(done) >= n:
            return done
        check(time.monotonic() < deadline, f"{n} executions of {sm} end within {timeout}s", len(done), n)
        time.sleep(0.05)


# --- Sections -------------------------------------------------------------


def events_to_state_machine(events, sfn):
    bus = events.create_event_bus(Name="py-orders")["EventBusArn"]
    eq(bus, f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/py-orders", "event bus ARN")
    pattern = {"source": ["shop"], "detail-type": ["OrderPlaced"], "detail": {"total": [{"numeric": [">", 100]}]}}
    rule = events.put_rule(Name="big-orders", EventBusName="py-orders", EventPattern=json.dumps(pattern),
                           Description="orders over 100")["RuleArn"]
    eq(rule, RULE_PREFIX + "py-orders/big-orders", "rule ARN")
    d = events.describe_rule(Name="big-orders", EventBusName="py-orders")
    eq((d["Name"], d["State"], d["EventBusName"], d["Description"], json.loads(d["EventPattern"])),
       ("big-orders", "ENABLED", "py-orders", "orders over 100", pattern), "describe_rule")

    sm = sfn.create_state_machine(name="py-onorder", roleArn=ROLE,
                                  definition='{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}')["stateMachineArn"]
    out = events.put_targets(Rule="big-orders", EventBusName="py-orders", Targets=[{
        "Id": "sfn", "Arn": sm, "RoleArn": ROLE,
        "InputTransformer": {
            "InputPathsMap": {"id": "$.detail.id", "total": "$.detail.total"},
            "InputTemplate": '{"order": <id>, "amount": <total>, "rule": "<aws.events.rule-name>"}'}}])
    eq((out["FailedEntryCount"], out["FailedEntries"]), (0, []), "put_targets")

    out = events.put_events(Entries=[
        {"EventBusName": "py-orders", "Source": "shop", "DetailType": "OrderPlaced", "Detail": json.dumps({"id": "o-1", "total": 250})},
        {"EventBusName": "py-orders", "Source": "shop", "DetailType": "OrderPlaced", "Detail": json.dumps({"id": "o-2", "total": 50})},
        {"EventBusName": "py-orders", "Source": "shop", "DetailType": "OrderPlaced", "Detail": "not json"},
    ])
    eq(out["FailedEntryCount"], 1, "put_events FailedEntryCount")
    check(out["Entries"][0].get("EventId") and out["Entries"][1].get("EventId"), "put_events returns event ids", out["Entries"])
    eq((out["Entries"][2].get("ErrorCode"), out["Entries"][2].get("ErrorMessage")), ("MalformedDetail", "Detail is malformed."),
       "put_events malformed detail")

    xs = wait_executions(sfn, sm, 1)
    d = sfn.describe_execution(executionArn=xs[0]["executionArn"])
    eq(d["input"], '{"order":"o-1","amount":250,"rule":"big-orders"}', "execution input, transformed")
    time.sleep(0.3)  # a second execution, for the small order, would have started by now
    eq(len(sfn.list_executions(stateMachineArn=sm)["executions"]), 1, "only the big order starts an execution")

    # A rule with targets cannot be deleted; without them it can.
    expect_error("ValidationException", events.delete_rule, Name="big-orders", EventBusName="py-orders",
                 message="Rule can't be deleted since it has targets.")
    out = events.remove_targets(Rule="big-orders", EventBusName="py-orders", Ids=["sfn"])
    eq((out["FailedEntryCount"], out["FailedEntries"]), (0, []), "remove_targets")
    # Sluice answers "Targets": null for a rule without targets, which
    # botocore drops; AWS is expected to answer [].
    eq(events.list_targets_by_rule(Rule="big-orders", EventBusName="py-orders").get("Targets", []), [], "no targets after remove_targets")
    events.delete_rule(Name="big-orders", EventBusName="py-orders")
    expect_error("ResourceNotFoundException", events.describe_rule, Name="big-orders", EventBusName="py-orders")
    ok("events: create_event_bus, put_rule, describe_rule, put_targets with an InputTransformer to a state machine, put_events "
       "(with a MalformedDetail entry), the execution's transformed input, delete_rule refused with targets, remove_targets, delete_rule")


def test_event_pattern(events):
    cases = [
        ({"source": ["shop"]}, True),
        ({"detail": {"customer": {"tier": [{"prefix": "go"}]}}}, True),
        ({"detail": {"total": [{"numeric": [">", 100, "<=", 250]}]}}, True),
        ({"$or": [{"source": ["other"]}, {"detail": {"total": [{"anything-but": [250]}]}}]}, False),
        ({"detail": {"missing": [{"exists": True}]}}, False),
    ]
    for pattern, want in cases:
        got = events.test_event_pattern(EventPattern=json.dumps(pattern), Event=json.dumps(EVENT))["Result"]
        eq(got, want, f"test_event_pattern {json.dumps(pattern)}")
    expect_error("InvalidEventPatternException", events.test_event_pattern, EventPattern='{"source": []}', Event=json.dumps(EVENT),
                 message="Event pattern is not valid. Reason: Empty arrays are not allowed")
    expect_error("InvalidEventPatternException", events.test_event_pattern, EventPattern='["shop"]', Event=json.dumps(EVENT),
                 message="Event pattern is not valid. Reason: Filter is not an object")
    expect_error("InvalidEventPatternException", events.put_rule, Name="bad", EventPattern='{"source": "shop"}',
                 contains="Event pattern is not valid. Reason: ")
    expect_error("ValidationException", events.put_rule, Name="bad", ScheduleExpression="cron(0 25 * * ? *)",
                 contains="Parameter ScheduleExpression is not valid.")
    ok("test_event_pattern: prefix, numeric range, $or with anything-but, exists; InvalidEventPatternException messages; "
       "put_rule with a bad pattern or a bad cron")


def list_rules(events):
    names = [f"page-{i:02d}" for i in range(7)]
    for n in names:
        events.put_rule(Name=n, EventPattern='{"source": ["paging"]}', State="DISABLED" if n.endswith("3") else "ENABLED")
    events.put_rule(Name="other", ScheduleExpression="rate(1 hour)")
    # By hand with Limit and NextToken.
    got, token, pages = [], None, 0
    while True:
        kw = {"NamePrefix": "page-", "Limit": 3}
        if token:
            kw["NextToken"] = token
        page = events.list_rules(**kw)
        pages += 1
        got += [r["Name"] for r in page["Rules"]]
        token = page.get("NextToken")
        if not token:
            break
    eq((got, pages), (names, 3), "list_rules by hand, Limit=3")
    # Through the paginator.
    rules = [r for p in events.get_paginator("list_rules").paginate(NamePrefix="page-", PaginationConfig={"PageSize": 2}) for r in p["Rules"]]
    eq([r["Name"] for r in rules], names, "list_rules through the paginator")
    eq([r["Name"] for r in rules if r["State"] == "DISABLED"], ["page-03"], "listed states")
    listed = {r["Name"]: r for r in events.list_rules()["Rules"]}
    eq(listed["other"].get("ScheduleExpression"), "rate(1 hour)", "a schedule rule is listed with its expression")
    expect_error("ValidationException", events.list_rules, NextToken="not-a-token")
    for n in names + ["other"]:
        events.delete_rule(Name=n)
    eq(events.list_rules(NamePrefix="page-")["Rules"], [], "no rules after delete_rule")
    ok("list_rules: NamePrefix, Limit and NextToken by hand, the paginator, a bad NextToken; delete_rule")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--endpoint", required=True)
    args = p.parse_args()
    session = boto3.session.Session(aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret", region_name=REGION)
    config = Config(retries={"max_attempts": 1, "mode": "standard"}, read_timeout=70, connect_timeout=5)
    events = session.client("events", endpoint_url=args.endpoint, config=config)
    sfn = session.client("stepfunctions", endpoint_url=args.endpoint, config=config)
    print(f"boto3 {boto3.__version__}, botocore {botocore.__version__}, endpoint {args.endpoint}", flush=True)

    began = time.monotonic()
    events_to_state_machine(events, sfn)
    test_event_pattern(events)
    list_rules(events)
    print(f"all events boto3 checks passed in {time.monotonic() - began:.1f}s", flush=True)


if __name__ == "__main__":
    try:
        main()
    except Mismatch as e:
        import traceback
        tb = traceback.extract_tb(e.__traceback__)
        where = next((f"{f.name}:{f.lineno}" for f in reversed(tb) if f.name not in ("check", "eq", "expect_error")), "?")
        print(f"FAIL at {where}: {e}", file=sys.stderr, flush=True)
        sys.exit(1)
