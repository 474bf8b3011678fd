#!/usr/bin/env python3
"""Drives a Sluice server with boto3, as a user's Python program would.

Usage: python3 sfn_boto3.py --endpoint http://127.0.0.1:PORT

Run by TestClients (clients_test.go) against a fresh server. Every check
raises on a mismatch; the script exits non-zero with a message naming the
check, the value it got and the value it wanted.
"""

import argparse
import datetime
import json
import sys
import time

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::000000000000:role/sfn"
ACCOUNT = "000000000000"
REGION = "us-east-1"
SM_PREFIX = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:"


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


def expect_error(code, fn, *args, contains=None, status=400, **kwargs):
    """Calls fn and checks it fails with the AWS error code (and message)."""
    try:
        out = fn(*args, **kwargs)
    except ClientError as e:
        err = e.response["Error"]
        eq(err.get("Code"), code, f"{fn.__name__} error code")
        if contains is not None:
            check(contains in err.get("Message", ""), f"{fn.__name__} {code} message contains {contains!r}", err.get("Message"), contains)
        eq(e.response["ResponseMetadata"]["HTTPStatusCode"], status, f"{fn.__name__} {code} HTTP status")
        check(e.response["ResponseMetadata"].get("RequestId"), f"{fn.__name__} {code} has a request id")
        return e
    raise Mismatch(f"{fn.__name__}: want error {code}, got success {out!r}")


def ok(section):
    print(f"ok   {section}", flush=True)


def wait_done(sfn, arn, timeout=20):
    deadline = time.monotonic() + timeout
    while True:
        d = sfn.describe_execution(executionArn=arn)
        if d["status"] != "RUNNING":
            return d
        check(time.monotonic() < deadline, f"execution {arn} ends within {timeout}s", d["status"], "not RUNNING")
        time.sleep(0.05)


def wait_status(sfn, arn, status, timeout=20):
    d = wait_done(sfn, arn, timeout)
    eq(d["status"], status, f"status of {arn} ({d.get('error')}: {d.get('cause')})")
    return d


def types(events):
    return [e["type"] for e in events]


# --- Sections -------------------------------------------------------------


def state_machines(sfn):
    definition = json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"v.$": "$.x"}, "End": True}}})
    out = sfn.create_state_machine(name="life", definition=definition, roleArn=ROLE, tags=[{"key": "team", "value": "ops"}])
    arn = out["stateMachineArn"]
    eq(arn, SM_PREFIX + "life", "state machine ARN")
    check(isinstance(out["creationDate"], datetime.datetime) and out["creationDate"].tzinfo is not None,
          "creationDate is an aware datetime", out["creationDate"])
    check(abs((datetime.datetime.now(datetime.timezone.utc) - out["creationDate"]).total_seconds()) < 60,
          "creationDate is now", out["creationDate"])
    # Identical creation is idempotent; a different definition conflicts.
    eq(sfn.create_state_machine(name="life", definition=definition, roleArn=ROLE)["stateMachineArn"], arn, "idempotent create")
    expect_error("StateMachineAlreadyExists", sfn.create_state_machine, name="life", roleArn=ROLE,
                 definition='{"StartAt":"B","States":{"B":{"Type":"Succeed"}}}', contains=arn)

    d = sfn.describe_state_machine(stateMachineArn=arn)
    eq(d["definition"], definition, "definition is returned as written")
    eq((d["name"], d["type"], d["status"], d["roleArn"]), ("life", "STANDARD", "ACTIVE", ROLE), "describe")
    eq(d["loggingConfiguration"]["level"], "OFF", "default logging level")
    check(d.get("revisionId"), "describe has a revisionId", d)

    new_def = '{"StartAt":"A","States":{"A":{"Type":"Pass","Result":"new","End":true}}}'
    u = sfn.update_state_machine(stateMachineArn=arn, definition=new_def, publish=True, versionDescription="v1")
    eq(u["stateMachineVersionArn"], arn + ":1", "update with publish returns version 1")
    check(u["revisionId"] != d["revisionId"], "update changes the revisionId", u["revisionId"], "not " + d["revisionId"])
    eq(sfn.describe_state_machine(stateMachineArn=arn)["definition"], new_def, "definition after update")
    expect_error("MissingRequiredParameter", sfn.update_state_machine, stateMachineArn=arn)

    # ListStateMachines, through the paginator with one item per page.
    for n in ("list-b", "list-a", "list-c"):
        sfn.create_state_machine(name=n, definition=new_def, roleArn=ROLE)
    pages = list(sfn.get_paginator("list_state_machines").paginate(PaginationConfig={"PageSize": 1}))
    names = [m["name"] for p in pages for m in p["stateMachines"]]
    eq(sorted(names), ["life", "list-a", "list-b", "list-c"], "listed state machines")
    eq(len(names), len(set(names)), "no state machine listed twice")
    check(len(pages) >= 4, "PageSize=1 gives one page per state machine", len(pages), ">= 4")
    for p in pages[:-1]:
        check(p.get("nextToken"), "every page but the last has a nextToken", p)
    listed = {m["name"]: m for p in pages for m in p["stateMachines"]}
    eq(listed["life"]["type"], "STANDARD", "listed type")

    # Tags given at creation, then tag, list and untag.
    eq(sfn.list_tags_for_resource(resourceArn=arn)["tags"], [{"key": "team", "value": "ops"}], "tags from creation")
    sfn.tag_resource(resourceArn=arn, tags=[{"key": "env", "value": "test"}, {"key": "team", "value": "dev"}])
    tags = {t["key"]: t["value"] for t in sfn.list_tags_for_resource(resourceArn=arn)["tags"]}
    eq(tags, {"team": "dev", "env": "test"}, "tags after TagResource (overwrites team)")
    sfn.untag_resource(resourceArn=arn, tagKeys=["team"])
    eq(sfn.list_tags_for_resource(resourceArn=arn)["tags"], [{"key": "env", "value": "test"}], "tags after UntagResource")
    expect_error("ResourceNotFound", sfn.list_tags_for_resource, resourceArn=SM_PREFIX + "nope")

    for n in ("list-a", "list-b", "list-c", "life"):
        sfn.delete_state_machine(stateMachineArn=SM_PREFIX + n)
    expect_error("StateMachineDoesNotExist", sfn.describe_state_machine, stateMachineArn=arn, contains="State Machine Does Not Exist")
    expect_error("StateMachineDoesNotExist", sfn.start_execution, stateMachineArn=arn)
    eq(sfn.list_state_machines()["stateMachines"], [], "no state machines after delete")
    ok("state machines: create (idempotent, conflict), describe, update+publish, list paginated, tags, delete")


def validation_errors(sfn):
    expect_error("InvalidDefinition", sfn.create_state_machine, name="bad", roleArn=ROLE,
                 definition='{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Nope"}}}',
                 contains="MISSING_TRANSITION_TARGET")
    expect_error("InvalidDefinition", sfn.create_state_machine, name="bad", roleArn=ROLE, definition="{not json")
    expect_error("InvalidName", sfn.create_state_machine, name="bad name", roleArn=ROLE,
                 definition='{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}', contains="Invalid Name: 'bad name'")
    expect_error("InvalidArn", sfn.describe_execution, executionArn="nope", contains="Invalid Arn: 'nope'")
    expect_error("InvalidArn", sfn.describe_state_machine, stateMachineArn="arn:aws:states:us-east-1:000000000000:activity:x")
    expect_error("ExecutionDoesNotExist", sfn.describe_execution,
                 executionArn=f"arn:aws:states:{REGION}:{ACCOUNT}:execution:x:y", contains="Execution Does Not Exist")
    expect_error("ActivityDoesNotExist", sfn.describe_activity, activityArn=f"arn:aws:states:{REGION}:{ACCOUNT}:activity:nope")

    arn = sfn.create_state_machine(name="v", roleArn=ROLE, definition='{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}')["stateMachineArn"]
    expect_error("InvalidExecutionInput", sfn.start_execution, stateMachineArn=arn, input="{nope",
                 contains="Invalid State Machine Execution Input")
    expect_error("InvalidName", sfn.start_execution, stateMachineArn=arn, name="a/b")
    # Constraints botocore does not check on the client side come back as
    # ValidationException with AWS's wording.
    expect_error("ValidationException", sfn.start_execution, stateMachineArn=arn, input='"' + "x" * 262144 + '"',
                 contains="Member must have length less than or equal to 262144")
    expect_error("ValidationException", sfn.list_executions, stateMachineArn=arn, maxResults=1001,
                 contains="1 validation error detected")
    expect_error("ValidationException", sfn.list_executions, stateMachineArn=arn, statusFilter="SLEEPING",
                 contains="Member must satisfy enum value set")
    expect_error("ValidationException", sfn.create_state_machine, name="t", roleArn=ROLE, type="BATCH",
                 definition='{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}')
    ok("errors: InvalidDefinition, InvalidName, InvalidArn, ExecutionDoesNotExist, ActivityDoesNotExist, "
       "InvalidExecutionInput, ValidationException (HTTP 400, request id)")


def executions(sfn):
    # Four Pass states: 10 history events.
    states = {}
    for i, name in enumerate("ABCD"):
        states[name] = {"Type": "Pass", "ResultPath": f"$.{name.lower()}", "Result": i}
        states[name]["Next" if name != "D" else "End"] = "ABCD"[i + 1] if name != "D" else True
    sm = sfn.create_state_machine(name="ex", roleArn=ROLE, definition=json.dumps({"StartAt": "A", "States": states}))["stateMachineArn"]
    start = sfn.start_execution(stateMachineArn=sm, name="n1", input='{"x": [1, 2.50, "é"]}')
    x = start["executionArn"]
    eq(x, f"arn:aws:states:{REGION}:{ACCOUNT}:execution:ex:n1", "execution ARN")
    d = wait_status(sfn, x, "SUCCEEDED")
    # The name of a closed execution cannot be reused, even with the same
    # input (StartExecution is idempotent only while it runs; see below).
    expect_error("ExecutionAlreadyExists", sfn.start_execution, stateMachineArn=sm, name="n1", input='{"x": [1, 2.50, "é"]}',
                 contains="Execution Already Exists")
    out = json.loads(d["output"])
    eq(out, {"x": [1, 2.5, "é"], "a": 0, "b": 1, "c": 2, "d": 3}, "execution output")
    check('2.50' in d["output"], "number literal kept as written in output", d["output"], "contains 2.50")
    eq(json.loads(d["input"]), {"x": [1, 2.5, "é"]}, "describe input")
    eq((d["name"], d["stateMachineArn"]), ("n1", sm), "describe name and state machine")
    check(d["startDate"] <= d["stopDate"], "startDate <= stopDate", (d["startDate"], d["stopDate"]))
    eq(d["redriveStatus"], "NOT_REDRIVABLE", "redriveStatus of a succeeded execution")
    meta = sfn.describe_execution(executionArn=x, includedData="METADATA_ONLY")
    check("input" not in meta and "output" not in meta, "METADATA_ONLY leaves out input and output", sorted(meta))

    # History: one call, the paginator, MaxItems with StartingToken, reverse.
    full = sfn.get_execution_history(executionArn=x)
    check("nextToken" not in full, "the whole history fits one default page", full.get("nextToken"))
    want = ["ExecutionStarted"] + ["PassStateEntered", "PassStateExited"] * 4 + ["ExecutionSucceeded"]
    eq(types(full["events"]), want, "history event types")
    eq([e["id"] for e in full["events"]], list(range(1, 11)), "event ids")
    eq([e.get("previousEventId", 0) for e in full["events"]], list(range(0, 10)), "previousEventId chain")
    eq(json.loads(full["events"][0]["executionStartedEventDetails"]["input"]), {"x": [1, 2.5, "é"]}, "ExecutionStarted input")
    eq(full["events"][0]["executionStartedEventDetails"]["roleArn"], ROLE, "ExecutionStarted roleArn")
    eq(full["events"][1]["stateEnteredEventDetails"]["name"], "A", "first state entered")
    eq(json.loads(full["events"][-1]["executionSucceededEventDetails"]["output"]), out, "ExecutionSucceeded output")
    stamps = [e["timestamp"] for e in full["events"]]
    eq(stamps, sorted(stamps), "event timestamps do not go back")

    pager = sfn.get_paginator("get_execution_history")
    pages = list(pager.paginate(executionArn=x, PaginationConfig={"PageSize": 3}))
    eq([len(p["events"]) for p in pages], [3, 3, 3, 1], "page sizes with PageSize=3")
    eq([e["id"] for p in pages for e in p["events"]], list(range(1, 11)), "paginated event ids")
    first = pager.paginate(executionArn=x, PaginationConfig={"MaxItems": 4, "PageSize": 3}).build_full_result()
    eq([e["id"] for e in first["events"]], [1, 2, 3, 4], "MaxItems=4")
    check(first.get("NextToken"), "MaxItems=4 returns a NextToken", first)
    rest = pager.paginate(executionArn=x, PaginationConfig={"StartingToken": first["NextToken"], "PageSize": 3}).build_full_result()
    eq([e["id"] for e in rest["events"]], list(range(5, 11)), "resumed from the NextToken")
    rev = [e for p in pager.paginate(executionArn=x, reverseOrder=True, PaginationConfig={"PageSize": 4}) for e in p["events"]]
    eq([e["id"] for e in rev], list(range(10, 0, -1)), "reverse order ids")
    eq(rev[0]["type"], "ExecutionSucceeded", "reverse order starts with the last event")
    lean = sfn.get_execution_history(executionArn=x, includeExecutionData=False, maxResults=1)
    details = lean["events"][0]["executionStartedEventDetails"]
    check("input" not in details, "includeExecutionData=False leaves out the input", details)
    expect_error("InvalidToken", sfn.get_execution_history, executionArn=x, nextToken="garbage")

    fm = sfn.describe_state_machine_for_execution(executionArn=x)
    eq((fm["stateMachineArn"], fm["name"]), (sm, "ex"), "DescribeStateMachineForExecution")
    eq(json.loads(fm["definition"])["StartAt"], "A", "DescribeStateMachineForExecution definition")
    ok("executions: start, describe (METADATA_ONLY), ExecutionAlreadyExists for a closed execution's name, history (paginator, MaxItems/StartingToken, "
       "reverse, includeExecutionData), DescribeStateMachineForExecution")

    # ListExecutions with a status filter, and StopExecution.
    slow = sfn.create_state_machine(name="slow", roleArn=ROLE,
                                    definition='{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}')["stateMachineArn"]
    quick = sfn.create_state_machine(name="quick", roleArn=ROLE,
                                     definition='{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Nope","Cause":"on purpose"}}}')["stateMachineArn"]
    running = [sfn.start_execution(stateMachineArn=slow, name=f"r{i}", input='{"i": %d}' % i)["executionArn"] for i in range(3)]
    # StartExecution of a running execution's name with the same input
    # returns that execution; another input conflicts.
    eq(sfn.start_execution(stateMachineArn=slow, name="r0", input='{ "i" : 0 }')["executionArn"], running[0], "idempotent start")
    expect_error("ExecutionAlreadyExists", sfn.start_execution, stateMachineArn=slow, name="r0", input='{"i": 9}',
                 contains="Execution Already Exists")
    failed = sfn.start_execution(stateMachineArn=quick, input="{}")["executionArn"]
    f = wait_status(sfn, failed, "FAILED")
    eq((f["error"], f["cause"]), ("Nope", "on purpose"), "failed execution error and cause")
    eq(f["redriveStatus"], "REDRIVABLE", "a failed execution is redrivable")
    eq(types(sfn.get_execution_history(executionArn=failed, reverseOrder=True, maxResults=1)["events"]), ["ExecutionFailed"], "last event")

    stop = sfn.stop_execution(executionArn=running[0], error="Halt", cause="test")
    check(isinstance(stop["stopDate"], datetime.datetime), "StopExecution returns stopDate", stop)
    a = wait_status(sfn, running[0], "ABORTED")
    eq((a["error"], a["cause"]), ("Halt", "test"), "aborted execution error and cause")
    last = sfn.get_execution_history(executionArn=running[0], reverseOrder=True)["events"][0]
    eq(last["type"], "ExecutionAborted", "history ends with ExecutionAborted")
    eq(last["executionAbortedEventDetails"], {"error": "Halt", "cause": "test"}, "ExecutionAborted details")

    def names(status, sm_arn=slow):
        pages = sfn.get_paginator("list_executions").paginate(stateMachineArn=sm_arn, statusFilter=status, PaginationConfig={"PageSize": 1})
        return [e["name"] for p in pages for e in p["executions"]]

    eq(names("RUNNING"), ["r2", "r1"], "RUNNING executions, newest first, paginated")
    eq(names("ABORTED"), ["r0"], "ABORTED executions")
    eq(names("SUCCEEDED"), [], "no SUCCEEDED executions of slow")
    eq(names("FAILED", quick), [failed.rsplit(":", 1)[1]], "FAILED executions of quick")
    everything = sfn.list_executions(stateMachineArn=slow)["executions"]
    eq([e["name"] for e in everything], ["r2", "r1", "r0"], "all executions, newest first")
    check("stopDate" in everything[2] and "stopDate" not in everything[0], "stopDate only on ended executions", everything)
    for r in running[1:]:
        sfn.stop_execution(executionArn=r)
    ok("ListExecutions with statusFilter (paginated, newest first), idempotent StartExecution while running, StopExecution, Fail state")


def activities(sfn):
    act = sfn.create_activity(name="approve", tags=[{"key": "k", "value": "v"}])["activityArn"]
    eq(act, f"arn:aws:states:{REGION}:{ACCOUNT}:activity:approve", "activity ARN")
    eq(sfn.create_activity(name="approve")["activityArn"], act, "CreateActivity is idempotent")
    eq(sfn.describe_activity(activityArn=act)["name"], "approve", "DescribeActivity")
    eq([a["name"] for a in sfn.list_activities()["activities"]], ["approve"], "ListActivities")
    eq(sfn.list_tags_for_resource(resourceArn=act)["tags"], [{"key": "k", "value": "v"}], "activity tags")

    definition = {"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": act, "HeartbeatSeconds": 30, "TimeoutSeconds": 60, "ResultPath": "$.first", "Next": "U"},
        "U": {"Type": "Task", "Resource": act, "Catch": [{"ErrorEquals": ["Denied"], "ResultPath": "$.denied", "Next": "D"}], "End": True},
        "D": {"Type": "Pass", "End": True}}}
    sm = sfn.create_state_machine(name="act", roleArn=ROLE, definition=json.dumps(definition))["stateMachineArn"]
    x = sfn.start_execution(stateMachineArn=sm, input='{"who":"ops"}')["executionArn"]
    task = sfn.get_activity_task(activityArn=act, workerName="w1")
    check(task.get("taskToken"), "GetActivityTask returns a token", task)
    eq(json.loads(task["input"]), {"who": "ops"}, "activity task input")
    sfn.send_task_heartbeat(taskToken=task["taskToken"])
    sfn.send_task_success(taskToken=task["taskToken"], output='{"ok":true}')
    # A token is good once; a forged one is invalid.
    expect_error("TaskTimedOut", sfn.send_task_success, taskToken=task["taskToken"], output="{}",
                 contains="Provided task does not exist anymore")
    expect_error("TaskTimedOut", sfn.send_task_heartbeat, taskToken=task["taskToken"])
    expect_error("InvalidToken", sfn.send_task_success, taskToken="forged." + "A" * 22, output="{}", contains="Invalid Token")
    task2 = sfn.get_activity_task(activityArn=act)
    eq(json.loads(task2["input"]), {"who": "ops", "first": {"ok": True}}, "second task input")
    expect_error("InvalidOutput", sfn.send_task_success, taskToken=task2["taskToken"], output="{not json")
    sfn.send_task_failure(taskToken=task2["taskToken"], error="Denied", cause="no")
    d = wait_status(sfn, x, "SUCCEEDED")
    eq(json.loads(d["output"]), {"who": "ops", "first": {"ok": True}, "denied": {"Error": "Denied", "Cause": "no"}}, "output")
    evs = sfn.get_execution_history(executionArn=x)["events"]
    got = types(evs)
    eq(got[:7], ["ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivitySucceeded",
                 "TaskStateExited", "TaskStateEntered"], "activity history")
    check("ActivityFailed" in got, "ActivityFailed recorded", got)
    started = next(e for e in evs if e["type"] == "ActivityStarted")
    eq(started.get("activityStartedEventDetails"), {"workerName": "w1"}, "ActivityStarted details")
    sched = next(e for e in evs if e["type"] == "ActivityScheduled").get("activityScheduledEventDetails")
    eq(sched, {"resource": act, "input": '{"who":"ops"}', "inputDetails": {"truncated": False}, "timeoutInSeconds": 60,
               "heartbeatInSeconds": 30}, "ActivityScheduled details")
    failed = next(e for e in evs if e["type"] == "ActivityFailed")["activityFailedEventDetails"]
    eq(failed, {"error": "Denied", "cause": "no"}, "ActivityFailed details")

    # A task that misses its heartbeat times out; its token is then gone.
    hb = sfn.create_state_machine(name="hb", roleArn=ROLE, definition=json.dumps(
        {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": act, "HeartbeatSeconds": 1, "End": True}}}))["stateMachineArn"]
    y = sfn.start_execution(stateMachineArn=hb)["executionArn"]
    task3 = sfn.get_activity_task(activityArn=act)
    d = wait_status(sfn, y, "FAILED", timeout=15)
    eq(d["error"], "States.HeartbeatTimeout", "heartbeat timeout error")
    eq(sfn.get_execution_history(executionArn=y, reverseOrder=True)["events"][1]["type"], "ActivityTimedOut", "ActivityTimedOut recorded")
    expect_error("TaskTimedOut", sfn.send_task_heartbeat, taskToken=task3["taskToken"])
    expect_error("TaskTimedOut", sfn.send_task_success, taskToken=task3["taskToken"], output="{}")

    # Stopping an execution ends its task.
    z = sfn.start_execution(stateMachineArn=hb)["executionArn"]
    task4 = sfn.get_activity_task(activityArn=act)
    sfn.stop_execution(executionArn=z)
    wait_status(sfn, z, "ABORTED")
    expect_error("TaskTimedOut", sfn.send_task_failure, taskToken=task4["taskToken"], error="late")

    sfn.delete_activity(activityArn=act)
    expect_error("ActivityDoesNotExist", sfn.describe_activity, activityArn=act)
    expect_error("ActivityDoesNotExist", sfn.get_activity_task, activityArn=act)
    ok("activities: create/describe/list/tags/delete, GetActivityTask, heartbeat, success, failure+Catch, "
       "TaskTimedOut, InvalidToken, InvalidOutput, HeartbeatSeconds timeout, stop")


def versions_and_aliases(sfn):
    arn = sfn.create_state_machine(name="ver", roleArn=ROLE,
                                   definition='{"StartAt":"A","States":{"A":{"Type":"Pass","Result":1,"End":true}}}')["stateMachineArn"]
    v1 = sfn.publish_state_machine_version(stateMachineArn=arn, description="first")["stateMachineVersionArn"]
    eq(v1, arn + ":1", "version 1 ARN")
    sfn.update_state_machine(stateMachineArn=arn, definition='{"StartAt":"A","States":{"A":{"Type":"Pass","Result":2,"End":true}}}')
    v2 = sfn.publish_state_machine_version(stateMachineArn=arn)["stateMachineVersionArn"]
    eq(v2, arn + ":2", "version 2 ARN")
    eq([v["stateMachineVersionArn"] for v in sfn.list_state_machine_versions(stateMachineArn=arn)["stateMachineVersions"]],
       [v2, v1], "versions, newest first")
    dv = sfn.describe_state_machine(stateMachineArn=v1)
    eq((json.loads(dv["definition"])["States"]["A"]["Result"], dv.get("description")), (1, "first"), "describe version 1")

    alias = sfn.create_state_machine_alias(name="prod", description="live",
                                           routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 100}])["stateMachineAliasArn"]
    eq(alias, arn + ":prod", "alias ARN")
    da = sfn.describe_state_machine_alias(stateMachineAliasArn=alias)
    eq((da["name"], da["description"], da["routingConfiguration"]), ("prod", "live", [{"stateMachineVersionArn": v1, "weight": 100}]),
       "describe alias")
    eq([a["stateMachineAliasArn"] for a in sfn.list_state_machine_aliases(stateMachineArn=arn)["stateMachineAliases"]], [alias], "aliases")

    x = sfn.start_execution(stateMachineArn=alias)["executionArn"]
    check(x.startswith(f"arn:aws:states:{REGION}:{ACCOUNT}:execution:ver:"), "an execution via an alias is an execution of the machine", x)
    d = wait_status(sfn, x, "SUCCEEDED")
    eq((d["output"], d.get("stateMachineAliasArn"), d.get("stateMachineVersionArn")), ("1", alias, v1), "execution via alias")
    d = wait_status(sfn, sfn.start_execution(stateMachineArn=v2)["executionArn"], "SUCCEEDED")
    eq((d["output"], d.get("stateMachineVersionArn")), ("2", v2), "execution of version 2")
    eq(wait_status(sfn, sfn.start_execution(stateMachineArn=arn)["executionArn"], "SUCCEEDED")["output"], "2", "execution of latest")
    eq([e["executionArn"] for e in sfn.list_executions(stateMachineArn=alias)["executions"]], [x], "ListExecutions by alias")

    expect_error("ConflictException", sfn.delete_state_machine_version, stateMachineVersionArn=v1, contains="referenced by an alias")
    expect_error("ValidationException", sfn.create_state_machine_alias, name="half",
                 routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 50}], contains="must be equal to 100")
    expect_error("ResourceNotFound", sfn.describe_state_machine_alias, stateMachineAliasArn=arn + ":nope")

    sfn.update_state_machine_alias(stateMachineAliasArn=alias, routingConfiguration=[{"stateMachineVersionArn": v2, "weight": 100}])
    eq(wait_status(sfn, sfn.start_execution(stateMachineArn=alias)["executionArn"], "SUCCEEDED")["output"], "2", "alias after update")
    sfn.delete_state_machine_version(stateMachineVersionArn=v1)
    eq([v["stateMachineVersionArn"] for v in sfn.list_state_machine_versions(stateMachineArn=arn)["stateMachineVersions"]], [v2],
       "versions after delete")
    sfn.delete_state_machine_alias(stateMachineAliasArn=alias)
    expect_error("ResourceNotFound", sfn.describe_state_machine_alias, stateMachineAliasArn=alias)
    ok("versions and aliases: publish, list, describe version, alias create/describe/list/update/delete, start via alias "
       "and version, ConflictException, ValidationException")


def validate_definition(sfn):
    v = sfn.validate_state_machine_definition(definition='{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}')
    eq((v["result"], v["diagnostics"]), ("OK", []), "valid definition")
    v = sfn.validate_state_machine_definition(definition='{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"}}}')
    eq(v["result"], "FAIL", "invalid definition result")
    diags = [(d["severity"], d["code"], d.get("location")) for d in v["diagnostics"]]
    check(("ERROR", "MISSING_TRANSITION_TARGET", "/States/A/Next") in diags, "MISSING_TRANSITION_TARGET diagnostic", diags)
    check(all(d["message"] for d in v["diagnostics"]), "diagnostics have messages", v["diagnostics"])
    eq(v["truncated"], False, "diagnostics not truncated")
    v = sfn.validate_state_machine_definition(definition="[")
    eq(v["result"], "FAIL", "unparsable definition result")
    ok("ValidateStateMachineDefinition")


def test_state(sync):
    out = sync.test_state(definition='{"Type":"Pass","InputPath":"$.a","Parameters":{"b.$":"$.b"},"ResultPath":"$.r","Next":"X"}',
                          input='{"a":{"b":1}}', inspectionLevel="DEBUG", roleArn=ROLE)
    eq((out["status"], out["output"], out["nextState"]), ("SUCCEEDED", '{"a":{"b":1},"r":{"b":1}}', "X"), "TestState Pass")
    eq(out["inspectionData"]["afterInputPath"], '{"b":1}', "TestState inspectionData.afterInputPath")
    out = sync.test_state(definition='{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThan":1,"Next":"Big"}],"Default":"Small"}',
                          input='{"n":5}')
    eq((out["status"], out["nextState"]), ("SUCCEEDED", "Big"), "TestState Choice")
    out = sync.test_state(definition='{"Type":"Fail","Error":"E","Cause":"C"}')
    eq((out["status"], out.get("error"), out.get("cause")), ("FAILED", "E", "C"), "TestState Fail")
    expect_error("InvalidDefinition", sync.test_state, definition='{"Type":"Pass"}')
    ok("TestState (inject_host_prefix=False): Pass with DEBUG inspection, Choice, Fail, InvalidDefinition")


def express(sfn, sync):
    arn = sfn.create_state_machine(name="fast", roleArn=ROLE, type="EXPRESS", definition=json.dumps({"StartAt": "P", "States": {
        "P": {"Type": "Pass", "Parameters": {"sum.$": "States.MathAdd($.a, $.b)"}, "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.sum", "NumericGreaterThan": 100, "Next": "TooBig"}], "Default": "Done"},
        "TooBig": {"Type": "Fail", "Error": "TooBig", "Cause": "sum over 100"},
        "Done": {"Type": "Succeed"}}}))["stateMachineArn"]
    eq(sfn.describe_state_machine(stateMachineArn=arn)["type"], "EXPRESS", "EXPRESS type")
    r = sync.start_sync_execution(stateMachineArn=arn, name="s1", input='{"a":2,"b":3}')
    eq((r["status"], r["output"], r["name"], r["stateMachineArn"]), ("SUCCEEDED", '{"sum":5}', "s1", arn), "StartSyncExecution")
    check(r["executionArn"].startswith(f"arn:aws:states:{REGION}:{ACCOUNT}:express:fast:s1:"), "express execution ARN", r["executionArn"])
    check(r["startDate"] <= r["stopDate"], "sync startDate <= stopDate", (r["startDate"], r["stopDate"]))
    eq(json.loads(r["input"]), {"a": 2, "b": 3}, "sync input")
    check(r["billingDetails"]["billedDurationInMilliseconds"] >= 100, "billedDuration at least 100 ms", r["billingDetails"])
    r = sync.start_sync_execution(stateMachineArn=arn, input='{"a":200,"b":3}')
    eq((r["status"], r.get("error"), r.get("cause")), ("FAILED", "TooBig", "sum over 100"), "failing StartSyncExecution")
    check("output" not in r, "a failed sync execution has no output", r)
    x = sfn.start_execution(stateMachineArn=arn, input='{"a":1,"b":1}')["executionArn"]
    check(":express:fast:" in x, "StartExecution of EXPRESS gives an express ARN", x)
    expect_error("StateMachineTypeNotSupported", sfn.list_executions, stateMachineArn=arn)
    std = sfn.create_state_machine(name="std", roleArn=ROLE, definition='{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}')["stateMachineArn"]
    expect_error("StateMachineTypeNotSupported", sync.start_sync_execution, stateMachineArn=std)
    expect_error("InvalidExecutionInput", sync.start_sync_execution, stateMachineArn=arn, input="[")
    ok("EXPRESS: StartSyncExecution (inject_host_prefix=False) success and failure, StartExecution, "
       "StateMachineTypeNotSupported")


def regions(session, endpoint, sfn):
    """The region of the request's signature is the region of new ARNs."""
    west = session.client("stepfunctions", endpoint_url=endpoint, region_name="us-west-2",
                          config=Config(retries={"max_attempts": 1, "mode": "standard"}))
    arn = west.create_state_machine(name="west", roleArn=ROLE, definition='{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}')["stateMachineArn"]
    eq(arn, f"arn:aws:states:us-west-2:{ACCOUNT}:stateMachine:west", "state machine ARN in us-west-2")
    x = west.start_execution(stateMachineArn=arn, name="w")["executionArn"]
    eq(x, f"arn:aws:states:us-west-2:{ACCOUNT}:execution:west:w", "execution ARN in us-west-2")
    wait_status(west, x, "SUCCEEDED")
    # Each AWS region is a separate service: ListStateMachines in us-east-1
    # does not show us-west-2's machines. Sluice lists every region's.
    east = [m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]]
    check(arn not in east, "ListStateMachines is scoped to the caller's region", east, f"no {arn}")
    ok("regions: ARNs take the region of the request's credential scope")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--endpoint", required=True)
    args = p.parse_args()
    session = boto3.session.Session(aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret", region_name=REGION)
    base = dict(retries={"max_attempts": 1, "mode": "standard"}, read_timeout=70, connect_timeout=5)
    sfn = session.client("stepfunctions", endpoint_url=args.endpoint, config=Config(**base))
    # botocore prefixes the host with "sync-" for TestState and
    # StartSyncExecution; a local endpoint has no such host name.
    sync = session.client("stepfunctions", endpoint_url=args.endpoint, config=Config(inject_host_prefix=False, **base))
    print(f"boto3 {boto3.__version__}, botocore {botocore.__version__}, endpoint {args.endpoint}", flush=True)

    began = time.monotonic()
    state_machines(sfn)
    validation_errors(sfn)
    executions(sfn)
    activities(sfn)
    versions_and_aliases(sfn)
    validate_definition(sfn)
    test_state(sync)
    express(sfn, sync)
    regions(session, args.endpoint, sfn)
    print(f"all boto3 checks passed in {time.monotonic() - began:.1f}s", flush=True)


if __name__ == "__main__":
    try:
        main()
    except Mismatch as e:
        import traceback
        tb = traceback.extract_tb(e.__traceback__)
        where = next((f"{f.name}:{f.lineno}" for f in reversed(tb) if f.name not in ("check", "eq", "expect_error")), "?")
        print(f"FAIL at {where}: {e}", file=sys.stderr, flush=True)
        sys.exit(1)
