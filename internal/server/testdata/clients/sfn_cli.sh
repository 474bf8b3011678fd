#!/usr/bin/env bash
# Drives a Sluice server with the real AWS CLI, as a user's shell would.
#
# Usage: bash sfn_cli.sh http://127.0.0.1:PORT
#
# Run by TestClients (clients_test.go) against a fresh server, with dummy
# credentials, AWS_DEFAULT_REGION=us-east-1 and no config files. Sections
# run in parallel because each `aws` call costs about half a second of CPU
# to start.

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

echo "endpoint $EP"

lifecycle() {
	local def arn out
	def='{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"v.$":"$.x"},"End":true}}}'
	printf '%s' "$def" >"$WORK/life.json"
	# file:// and the tags shorthand, as users write them.
	arn=$(sfnq stateMachineArn create-state-machine --name cli-life --role-arn "$ROLE" \
		--definition "file://$WORK/life.json" --tags key=team,value=ops key=env,value=test)
	eq "$arn" "$SM:cli-life" "state machine ARN"
	out=$(sfnq '[name, type, status, roleArn, definition]' describe-state-machine --state-machine-arn "$arn")
	eq "$out" "cli-life	STANDARD	ACTIVE	$ROLE	$def" "describe-state-machine"
	out=$(sfnq stateMachineVersionArn update-state-machine --state-machine-arn "$arn" --publish --version-description v1 \
		--definition '{"StartAt":"A","States":{"A":{"Type":"Pass","Result":"new","End":true}}}')
	eq "$out" "$arn:1" "update-state-machine --publish returns version 1"
	out=$(sfnq "stateMachines[?name=='cli-life'].[name, type]" list-state-machines)
	eq "$out" "cli-life	STANDARD" "list-state-machines"
	out=$(sfnq "join(',', sort_by(tags, &key)[].join('=', [key, value]))" list-tags-for-resource --resource-arn "$arn")
	eq "$out" "env=test,team=ops" "list-tags-for-resource"

	expect_error InvalidDefinition create-state-machine --name cli-bad --role-arn "$ROLE" \
		--definition '{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Nope"}}}'
	like "$ERR_MSG" "*MISSING_TRANSITION_TARGET*/States/A/Next*" "InvalidDefinition message"
	sfn delete-state-machine --state-machine-arn "$arn" >/dev/null
	expect_error StateMachineDoesNotExist describe-state-machine --state-machine-arn "$arn"
	ok "cli lifecycle: create (file://, tags shorthand), describe, update --publish, list, list tags, delete; InvalidDefinition, StateMachineDoesNotExist"
}

executions() {
	local arn x y out ids next
	# {"wait": true} parks the execution in a long Wait; otherwise three Pass
	# states run.
	cat >"$WORK/exec.json" <<-'EOF'
		{"StartAt":"C","States":{
		 "C":{"Type":"Choice","Choices":[{"Variable":"$.wait","IsPresent":true,"Next":"W"}],"Default":"A"},
		 "W":{"Type":"Wait","Seconds":3600,"End":true},
		 "A":{"Type":"Pass","Result":0,"ResultPath":"$.a","Next":"B"},
		 "B":{"Type":"Pass","Result":1,"ResultPath":"$.b","Next":"D"},
		 "D":{"Type":"Pass","Result":2,"ResultPath":"$.d","End":true}}}
	EOF
	arn=$(sfnq stateMachineArn create-state-machine --name cli-exec --role-arn "$ROLE" --definition "file://$WORK/exec.json")
	x=$(sfnq executionArn start-execution --state-machine-arn "$arn" --name run1 --input '{"x": [1, 2.50, "ü"]}')
	eq "$x" "arn:aws:states:$REGION:$ACCOUNT:execution:cli-exec:run1" "execution ARN"
	y=$(sfnq executionArn start-execution --state-machine-arn "$arn" --name long --input '{"wait": true}')
	wait_status "$x" SUCCEEDED
	eq "$OUTPUT" '{"x":[1,2.50,"ü"],"a":0,"b":1,"d":2}' "execution output"

	# History: --page-size makes the CLI follow the server's nextToken
	# through four pages; --max-items/--starting-token resume mid-page.
	local all='ExecutionStarted,ChoiceStateEntered,ChoiceStateExited,PassStateEntered,PassStateExited,PassStateEntered,PassStateExited,PassStateEntered,PassStateExited,ExecutionSucceeded'
	out=$(sfns 'join(`,`, events[].type)' get-execution-history --execution-arn "$x" --page-size 3)
	eq "$out" "$all" "history types through pages of 3"
	out=$(sfns 'join(`"|"`, [join(`,`, events[].to_string(id)), NextToken])' get-execution-history --execution-arn "$x" --max-items 4 --page-size 3)
	IFS="|" read -r ids next <<<"$out"
	eq "$ids" "1,2,3,4" "history --max-items 4"
	[[ -n $next ]] || fail "history --max-items 4 gave no NextToken: $out"
	out=$(sfns 'join(`,`, events[].to_string(id))' get-execution-history --execution-arn "$x" --starting-token "$next" --page-size 3)
	eq "$out" "5,6,7,8,9,10" "history --starting-token"
	out=$(sfns 'join(`,`, events[].join(`:`, [to_string(id), type]))' get-execution-history --execution-arn "$x" --reverse-order --max-items 2)
	eq "$out" "10:ExecutionSucceeded,9:PassStateExited" "history --reverse-order"

	# list-executions --status-filter, stop-execution.
	out=$(sfnq 'executions[].[name, status]' list-executions --state-machine-arn "$arn" --status-filter RUNNING)
	eq "$out" "long	RUNNING" "list-executions --status-filter RUNNING"
	sfn stop-execution --execution-arn "$y" --error Halt --cause "stopped by the CLI test" >/dev/null
	wait_status "$y" ABORTED
	eq "$ERROR|$CAUSE" "Halt|stopped by the CLI test" "stopped execution error and cause"
	ok "cli executions: start with input, describe output, history (--page-size, --max-items/--starting-token, --reverse-order), list-executions --status-filter, stop-execution"
}

versions() {
	local arn v1 alias x
	arn=$(sfnq stateMachineArn create-state-machine --name cli-ver --role-arn "$ROLE" \
		--definition '{"StartAt":"A","States":{"A":{"Type":"Pass","Result":"one","End":true}}}')
	v1=$(sfnq stateMachineVersionArn publish-state-machine-version --state-machine-arn "$arn" --description first)
	eq "$v1" "$arn:1" "publish-state-machine-version"
	sfn update-state-machine --state-machine-arn "$arn" \
		--definition '{"StartAt":"A","States":{"A":{"Type":"Pass","Result":"two","End":true}}}' >/dev/null
	alias=$(sfnq stateMachineAliasArn create-state-machine-alias --name prod \
		--routing-configuration "stateMachineVersionArn=$v1,weight=100")
	eq "$alias" "$arn:prod" "create-state-machine-alias"
	x=$(sfnq executionArn start-execution --state-machine-arn "$alias")
	wait_status "$x" SUCCEEDED
	eq "$OUTPUT|$ALIAS|$VERSION" "\"one\"|$alias|$v1" "an execution via the alias runs version 1, not the updated latest"
	ok "cli versions: publish-state-machine-version, update, create-state-machine-alias (shorthand routing), start via alias"
}

# sync_call ARGS...: runs a TestState or StartSyncExecution command. The
# service model gives both the host prefix "sync-", and botocore adds it
# even to an --endpoint-url (http://sync-127.0.0.1:PORT does not
# resolve). Recent botocore (1.43 here) honours the setting
# AWS_DISABLE_HOST_PREFIX_INJECTION=true (disable_host_prefix_injection),
# which the second call uses once the first has shown the prefix. Prints
# the output; returns 3 when this CLI cannot reach the endpoint at all.
sync_call() {
	local err
	err=$(mktemp "$WORK/sync.XXXXXX")
	if [[ ! -e $WORK/no-host-prefix ]]; then
		if sfn "$@" 2>"$err"; then
			return 0
		fi
		if ! grep -q 'sync-' "$err"; then
			cat "$err" >&2
			return 1
		fi
		echo "note: aws $1 with --endpoint-url $EP called $(grep -o 'http://sync-[^"]*' "$err" | head -1);" \
			"using AWS_DISABLE_HOST_PREFIX_INJECTION=true for TestState and StartSyncExecution" >&2
		touch "$WORK/no-host-prefix"
	fi
	if AWS_DISABLE_HOST_PREFIX_INJECTION=true sfn "$@" 2>"$err"; then
		return 0
	fi
	if grep -q 'sync-' "$err"; then
		return 3
	fi
	cat "$err" >&2
	return 1
}

definitions() {
	local out arn rc
	out=$(sfnq "[result, diagnostics[?code=='MISSING_TRANSITION_TARGET'].location | [0]]" validate-state-machine-definition \
		--definition '{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"}}}')
	eq "$out" "FAIL	/States/A/Next" "validate-state-machine-definition of an invalid definition"

	rc=0
	out=$(sync_call test-state --role-arn "$ROLE" --inspection-level DEBUG --input '{"a":{"b":1}}' \
		--definition '{"Type":"Pass","InputPath":"$.a","Parameters":{"b.$":"$.b"},"ResultPath":"$.r","Next":"X"}' \
		--query '[status, output, nextState, inspectionData.afterInputPath]' --output text) || rc=$?
	case $rc in
	0) eq "$out" 'SUCCEEDED	{"a":{"b":1},"r":{"b":1}}	X	{"b":1}' "test-state" ;;
	3) echo "SKIP test-state: this AWS CLI injects the sync- host prefix and ignores AWS_DISABLE_HOST_PREFIX_INJECTION" ;;
	*) fail "test-state failed" ;;
	esac

	arn=$(sfnq stateMachineArn create-state-machine --name cli-fast --type EXPRESS --role-arn "$ROLE" \
		--definition '{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"sum.$":"States.MathAdd($.a, $.b)"},"End":true}}}')
	rc=0
	out=$(sync_call start-sync-execution --state-machine-arn "$arn" --name s1 --input '{"a":2,"b":40}' \
		--query '[status, output, name]' --output text) || rc=$?
	case $rc in
	0) eq "$out" 'SUCCEEDED	{"sum":42}	s1' "start-sync-execution" ;;
	3) echo "SKIP start-sync-execution: this AWS CLI injects the sync- host prefix and ignores AWS_DISABLE_HOST_PREFIX_INJECTION" ;;
	*) fail "start-sync-execution failed" ;;
	esac
	ok "cli definitions: validate-state-machine-definition, test-state, EXPRESS start-sync-execution"
}

run_parallel lifecycle executions versions definitions || {
	echo "FAIL: see the failed sections above" >&2
	exit 1
}
echo "all CLI checks passed in ${SECONDS}s"
