#!/usr/bin/env bash
# A workflow with human approval, driven with the real AWS CLI: an expense
# waits in an activity Task until an approver (this script, standing in for
# a person or a chat bot) takes the task with get-activity-task and answers
# with send-task-success or send-task-failure.
#
# Usage: bash approval_cli.sh http://127.0.0.1:PORT
#
# Run by TestClients (clients_test.go) against a fresh server.

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

act=$(sfnq activityArn create-activity --name cli-approval)
eq "$act" "arn:aws:states:$REGION:$ACCOUNT:activity:cli-approval" "activity ARN"

cat >"$WORK/approval.json" <<EOF
{"Comment": "Expense approval with a human in the loop",
 "StartAt": "AskForApproval",
 "States": {
  "AskForApproval": {"Type": "Task", "Resource": "$act",
   "Parameters": {"expense.\$": "\$.expense", "requester.\$": "\$.requester", "instructions": "Answer {\"approved\": true|false, \"by\": NAME}"},
   "ResultPath": "\$.approval", "HeartbeatSeconds": 60, "TimeoutSeconds": 300, "Next": "Approved?"},
  "Approved?": {"Type": "Choice",
   "Choices": [{"Variable": "\$.approval.approved", "BooleanEquals": true, "Next": "Pay"}],
   "Default": "Rejected"},
  "Pay": {"Type": "Pass",
   "Parameters": {"status": "PAID", "amount.\$": "\$.expense.amount", "requester.\$": "\$.requester", "approvedBy.\$": "\$.approval.by"},
   "End": true},
  "Rejected": {"Type": "Fail", "Error": "Rejected", "Cause": "The approver said no"}}}
EOF
sm=$(sfnq stateMachineArn create-state-machine --name cli-approval --role-arn "$ROLE" --definition "file://$WORK/approval.json")

# Two expenses wait for approval at once.
ada=$(sfnq executionArn start-execution --state-machine-arn "$sm" --name expense-ada \
	--input '{"expense": {"item": "laptop", "amount": 1299.5}, "requester": "ada"}')
bob=$(sfnq executionArn start-execution --state-machine-arn "$sm" --name expense-bob \
	--input '{"expense": {"item": "yacht", "amount": 2e6}, "requester": "bob"}')

# The approver polls for work; each task carries the Task's Parameters.
ada_token= bob_token=
for _ in 1 2; do
	out=$(sfnq '[taskToken, input]' get-activity-task --activity-arn "$act" --worker-name approver-cli --cli-read-timeout 70)
	IFS=$'\t' read -r tok input <<<"$out"
	[[ -n $tok && $tok != None ]] || fail "get-activity-task returned no task: $out"
	case $input in
	*'"requester":"ada"'*)
		eq "$input" '{"expense":{"item":"laptop","amount":1299.5},"requester":"ada","instructions":"Answer {\"approved\": true|false, \"by\": NAME}"}' "ada's task input"
		ada_token=$tok
		;;
	*'"requester":"bob"'*) bob_token=$tok ;;
	*) fail "unexpected task input $input" ;;
	esac
done
[[ -n $ada_token && -n $bob_token ]] || fail "did not get one task per expense"

# Ada's expense: the approver is still looking (heartbeat), then approves.
sfn send-task-heartbeat --task-token "$ada_token" >/dev/null
sfn send-task-success --task-token "$ada_token" --task-output '{"approved": true, "by": "grace"}' >/dev/null
wait_status "$ada" SUCCEEDED
eq "$OUTPUT" '{"status":"PAID","amount":1299.5,"requester":"ada","approvedBy":"grace"}' "approved expense output"

# Bob's expense: the approver's tool reports a rejection as a task failure.
sfn send-task-failure --task-token "$bob_token" --error Rejected --cause "over budget" >/dev/null
wait_status "$bob" FAILED
eq "$ERROR|$CAUSE" "Rejected|over budget" "rejected expense error and cause"

# An answer to a finished task is refused.
expect_error TaskTimedOut send-task-success --task-token "$ada_token" --task-output '{"approved": false}'
like "$ERR_MSG" "*Provided task does not exist anymore*" "TaskTimedOut message"
ok "cli human approval: create-activity, Task on the activity, get-activity-task, send-task-heartbeat, send-task-success (approved), send-task-failure (rejected), TaskTimedOut on a second answer"
echo "all approval checks passed in ${SECONDS}s"
