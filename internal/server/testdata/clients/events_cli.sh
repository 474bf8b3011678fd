#!/usr/bin/env bash
# Drives Sluice's EventBridge API with the real AWS CLI: a custom bus, a
# rule with an event pattern, a state machine target with an input
# transformer, events put on the bus, and the execution they start; then
# the errors users meet most (a bad pattern, a bad schedule).
#
# Usage: bash events_cli.sh http://127.0.0.1:PORT
#
# Run by TestClients (clients_test.go) against a fresh server, with dummy
# credentials, AWS_DEFAULT_REGION=us-east-1 and no config files.

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

echo "endpoint $EP"

RULE=arn:aws:events:$REGION:$ACCOUNT:rule

# ev runs `aws events` against the endpoint with JSON output; evq QUERY
# ARGS... prints the JMESPath QUERY of the result as text.
ev() { aws --endpoint-url "$EP" --output json events "$@"; }
evq() {
	local query=$1
	shift
	aws --endpoint-url "$EP" --output text --query "$query" events "$@"
}

# expect_ev_error CODE ARGS...: `aws events ARGS` fails with the AWS error
# code CODE; the CLI's message is left in $ERR_MSG.
expect_ev_error() {
	local code=$1
	shift
	local out err
	out=$(mktemp "$WORK/out.XXXXXX")
	err=$(mktemp "$WORK/err.XXXXXX")
	if ev "$@" >"$out" 2>"$err"; then
		echo "FAIL: ${BASH_SOURCE[1]##*/}:${BASH_LINENO[0]}: aws events $1 succeeded, want error $code" >&2
		cat "$out" >&2
		exit 1
	fi
	if ! grep -q "An error occurred ($code)" "$err"; then
		echo "FAIL: ${BASH_SOURCE[1]##*/}:${BASH_LINENO[0]}: aws events $1: want error $code, got:" >&2
		cat "$err" >&2
		exit 1
	fi
	ERR_MSG=$(cat "$err")
}

flow() {
	local bus rule sm out ids x deadline n
	bus=$(evq EventBusArn create-event-bus --name cli-orders)
	eq "$bus" "arn:aws:events:$REGION:$ACCOUNT:event-bus/cli-orders" "event bus ARN"
	rule=$(evq RuleArn put-rule --name big-orders --event-bus-name cli-orders \
		--event-pattern '{"source": ["shop"], "detail-type": ["OrderPlaced"], "detail": {"total": [{"numeric": [">", 100]}]}}')
	eq "$rule" "$RULE/cli-orders/big-orders" "rule ARN"
	out=$(evq '[Name, State, EventBusName]' describe-rule --name big-orders --event-bus-name cli-orders)
	eq "$out" "big-orders	ENABLED	cli-orders" "describe-rule"

	printf '%s' '{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}' >"$WORK/pass.json"
	sm=$(sfnq stateMachineArn create-state-machine --name cli-onorder --role-arn "$ROLE" --definition "file://$WORK/pass.json")
	cat >"$WORK/targets.json" <<-EOF
		[{"Id": "sfn", "Arn": "$sm", "RoleArn": "$ROLE",
		  "InputTransformer": {
		    "InputPathsMap": {"id": "\$.detail.id", "total": "\$.detail.total"},
		    "InputTemplate": "{\"order\": <id>, \"amount\": <total>, \"rule\": \"<aws.events.rule-name>\"}"}}]
	EOF
	out=$(evq FailedEntryCount put-targets --rule big-orders --event-bus-name cli-orders --targets "file://$WORK/targets.json")
	eq "$out" "0" "put-targets FailedEntryCount"
	out=$(evq 'Targets[].[Id, Arn, InputTransformer.InputPathsMap.id]' list-targets-by-rule --rule big-orders --event-bus-name cli-orders)
	eq "$out" "sfn	$sm	\$.detail.id" "list-targets-by-rule"

	# A big order and a small one: only the big one matches.
	cat >"$WORK/entries.json" <<-'EOF'
		[{"EventBusName": "cli-orders", "Source": "shop", "DetailType": "OrderPlaced", "Detail": "{\"id\": \"o-1\", \"total\": 250}"},
		 {"EventBusName": "cli-orders", "Source": "shop", "DetailType": "OrderPlaced", "Detail": "{\"id\": \"o-2\", \"total\": 50}"}]
	EOF
	out=$(evq '[FailedEntryCount, length(Entries[].EventId)]' put-events --entries "file://$WORK/entries.json")
	eq "$out" "0	2" "put-events: no failures, two event ids"

	# Poll list-executions until the rule's execution has ended.
	deadline=$((SECONDS + 30))
	while :; do
		x=$(sfnq 'executions[?status!=`RUNNING`].executionArn | [0]' list-executions --state-machine-arn "$sm")
		[[ $x != None ]] && break
		((SECONDS < deadline)) || fail "no execution of $sm ended within 30s"
		sleep 0.2
	done
	wait_status "$x" SUCCEEDED
	out=$(sfnq input describe-execution --execution-arn "$x")
	eq "$out" '{"order":"o-1","amount":250,"rule":"big-orders"}' "execution input, transformed"
	sleep 0.5 # a second execution, for the small order, would have started by now
	n=$(sfnq 'length(executions)' list-executions --state-machine-arn "$sm")
	eq "$n" "1" "executions: only the big order starts one"

	out=$(evq FailedEntryCount remove-targets --rule big-orders --event-bus-name cli-orders --ids sfn)
	eq "$out" "0" "remove-targets FailedEntryCount"
	ev delete-rule --name big-orders --event-bus-name cli-orders >/dev/null
	expect_ev_error ResourceNotFoundException describe-rule --name big-orders --event-bus-name cli-orders
	ok "cli events: create-event-bus, put-rule --event-pattern, describe-rule, put-targets with an InputTransformer to a state machine," \
		"put-events, the execution's transformed input, remove-targets, delete-rule"
}

errors() {
	local event out
	event='{"id": "1", "account": "1", "source": "shop", "time": "2024-01-01T00:00:00Z", "region": "us-east-1", "detail-type": "x", "resources": [], "detail": {"total": 7}}'
	out=$(evq Result test-event-pattern --event-pattern '{"detail": {"total": [{"numeric": ["<", 10]}]}}' --event "$event")
	eq "$out" "True" "test-event-pattern matches"
	out=$(evq Result test-event-pattern --event-pattern '{"source": ["other"]}' --event "$event")
	eq "$out" "False" "test-event-pattern does not match"
	expect_ev_error InvalidEventPatternException test-event-pattern --event-pattern '{"source": []}' --event "$event"
	like "$ERR_MSG" "*operation: Event pattern is not valid. Reason: Empty arrays are not allowed" "test-event-pattern message"

	expect_ev_error InvalidEventPatternException put-rule --name bad --event-pattern '{"source": "shop"}'
	like "$ERR_MSG" "*Event pattern is not valid. Reason: *" "put-rule InvalidEventPatternException message"
	expect_ev_error ValidationException put-rule --name bad --schedule-expression 'cron(0 25 * * ? *)'
	like "$ERR_MSG" "*Parameter ScheduleExpression is not valid.*" "put-rule bad schedule message"
	expect_ev_error ResourceNotFoundException put-rule --name bad --event-bus-name nope --event-pattern '{"source": ["a"]}'
	ok "cli events errors: test-event-pattern (true, false, InvalidEventPatternException), put-rule with a bad pattern" \
		"(InvalidEventPatternException), a bad cron (ValidationException), a missing bus (ResourceNotFoundException)"
}

run_parallel flow errors
echo "all events checks passed in ${SECONDS}s"
