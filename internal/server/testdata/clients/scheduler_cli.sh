#!/usr/bin/env bash
# Drives the EventBridge Scheduler API of a Sluice server with the real
# AWS CLI: a group, a rate(1 second) schedule starting a state machine,
# reads and listings, error codes, deletion.
#
# Usage: bash scheduler_cli.sh http://127.0.0.1:PORT (run by TestClients).

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# schq QUERY ARGS... runs `aws scheduler ARGS` and prints the JMESPath
# QUERY of the result as text.
schq() {
	local query=$1
	shift
	aws --endpoint-url "$EP" --output text --query "$query" scheduler "$@"
}

# sch_error CODE ARGS...: `aws scheduler ARGS` fails with the error CODE;
# the message is left in $ERR_MSG.
sch_error() {
	local code=$1 err
	shift
	err=$(mktemp "$WORK/err.XXXXXX")
	if aws --endpoint-url "$EP" --output json scheduler "$@" >/dev/null 2>"$err"; then
		fail "aws scheduler $1 succeeded, want error $code"
	fi
	grep -q "An error occurred ($code)" "$err" || fail "aws scheduler $1: want error $code, got: $(cat "$err")"
	ERR_MSG=$(cat "$err")
}

echo "endpoint $EP"
SCHED=arn:aws:scheduler:$REGION:$ACCOUNT
sm=$(sfnq stateMachineArn create-state-machine --name cli-ticker --role-arn "$ROLE" \
	--definition '{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}')
target=$(printf '{"Arn":"%s","RoleArn":"%s","Input":"{\\"at\\":\\"<aws.scheduler.scheduled-time>\\"}"}' "$sm" "$ROLE")

lifecycle() {
	local out x input deadline
	out=$(schq ScheduleGroupArn create-schedule-group --name cli-group --tags Key=env,Value=test)
	eq "$out" "$SCHED:schedule-group/cli-group" "create-schedule-group ARN"
	out=$(schq ScheduleArn create-schedule --name cli-tick --group-name cli-group --schedule-expression 'rate(1 second)' \
		--flexible-time-window Mode=OFF --target "$target")
	eq "$out" "$SCHED:schedule/cli-group/cli-tick" "create-schedule ARN"
	out=$(schq '[State, ScheduleExpression, Target.RetryPolicy.MaximumRetryAttempts, FlexibleTimeWindow.Mode]' \
		get-schedule --name cli-tick --group-name cli-group)
	eq "$out" "ENABLED	rate(1 second)	185	OFF" "get-schedule"
	out=$(schq 'Tags[].[Key, Value]' list-tags-for-resource --resource-arn "$SCHED:schedule-group/cli-group")
	eq "$out" "env	test" "list-tags-for-resource"
	deadline=$((SECONDS + 20))
	while :; do
		x=$(sfnq 'executions[0].executionArn' list-executions --state-machine-arn "$sm")
		[[ $x != None ]] && break
		((SECONDS < deadline)) || fail "no execution started by the schedule after 20s"
		sleep 0.3
	done
	input=$(sfnq input describe-execution --execution-arn "$x")
	like "$input" '{"at":"20??-??-??T??:??:??Z"}' "execution input with the scheduled time"
	aws --endpoint-url "$EP" scheduler delete-schedule-group --name cli-group
	sch_error ResourceNotFoundException get-schedule --name cli-tick --group-name cli-group
	ok "scheduler: create-schedule-group (tags), create-schedule, get-schedule, list-tags-for-resource; executions start with the input; delete-schedule-group deletes its schedules"
}

errors() {
	local out
	out=$(schq ScheduleArn create-schedule --name cli-hourly --schedule-expression 'cron(0 * * * ? *)' \
		--schedule-expression-timezone Europe/Paris --flexible-time-window Mode=FLEXIBLE,MaximumWindowInMinutes=5 --target "$target")
	eq "$out" "$SCHED:schedule/default/cli-hourly" "create-schedule in the default group"
	out=$(schq 'Schedules[].[GroupName, Name]' list-schedules --name-prefix cli-h)
	eq "$out" "default	cli-hourly" "list-schedules --name-prefix"
	sch_error ConflictException create-schedule --name cli-hourly --schedule-expression 'rate(1 hour)' \
		--flexible-time-window Mode=OFF --target "$target"
	sch_error ValidationException create-schedule --name cli-bad --schedule-expression 'rate(10 years)' \
		--flexible-time-window Mode=OFF --target "$target"
	like "$ERR_MSG" "*Invalid Schedule Expression rate(10 years).*" "ValidationException message"
	aws --endpoint-url "$EP" scheduler delete-schedule --name cli-hourly
	sch_error ResourceNotFoundException delete-schedule --name cli-hourly
	ok "scheduler: create-schedule (time zone, flexible window), list-schedules; ConflictException, ValidationException, ResourceNotFoundException; delete-schedule"
}

run_parallel lifecycle errors
