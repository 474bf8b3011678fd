# Helpers shared by the AWS CLI scripts (sourced, not run).
#
# The scripts call the real `aws` command against a Sluice endpoint. Every
# check exits non-zero with a message naming the check, what it got and
# what it wanted, and the line of the script.

set -Eeuo pipefail

EP=${1:?usage: $0 ENDPOINT_URL}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
trap 'echo "FAIL: ${BASH_SOURCE[0]##*/}:$LINENO: command exited $?: $BASH_COMMAND" >&2' ERR

ROLE=arn:aws:iam::000000000000:role/sfn
REGION=us-east-1
ACCOUNT=000000000000
SM=arn:aws:states:$REGION:$ACCOUNT:stateMachine

# sfn runs `aws stepfunctions` against the endpoint with JSON output.
sfn() { aws --endpoint-url "$EP" --output json stepfunctions "$@"; }

# sfnq QUERY ARGS... runs a command and prints the JMESPath QUERY of its
# result as text (strings unquoted, lists tab-separated).
sfnq() {
	local query=$1
	shift
	aws --endpoint-url "$EP" --output text --query "$query" stepfunctions "$@"
}

# sfns QUERY ARGS... prints a string-valued QUERY of the whole result. With
# --output text the CLI applies --query to each page of a paginated call;
# with JSON output it applies it once to the merged pages, which is what
# the pagination checks need.
sfns() {
	local query=$1 out
	shift
	out=$(aws --endpoint-url "$EP" --output json --query "$query" stepfunctions "$@")
	[[ $out == \"*\" ]] || fail "query $query gave $out, want a string"
	out=${out#\"}
	printf '%s\n' "${out%\"}"
}

fail() {
	echo "FAIL: ${BASH_SOURCE[1]##*/}:${BASH_LINENO[0]}: $*" >&2
	exit 1
}

# eq GOT WANT WHAT
eq() {
	if [[ "$1" != "$2" ]]; then
		echo "FAIL: ${BASH_SOURCE[1]##*/}:${BASH_LINENO[0]}: $3" >&2
		echo "   got: $1" >&2
		echo "  want: $2" >&2
		exit 1
	fi
}

# like GOT GLOB WHAT: GOT matches the shell pattern GLOB.
like() {
	# shellcheck disable=SC2053
	if [[ "$1" != $2 ]]; then
		echo "FAIL: ${BASH_SOURCE[1]##*/}:${BASH_LINENO[0]}: $3" >&2
		echo "   got: $1" >&2
		echo "  want: $2" >&2
		exit 1
	fi
}

# expect_error CODE ARGS...: `aws stepfunctions ARGS` fails with the AWS
# error code CODE, as the CLI prints it: "An error occurred (CODE) when
# calling the ... operation: message". The message is left in $ERR_MSG.
expect_error() {
	local code=$1
	shift
	local out err
	out=$(mktemp "$WORK/out.XXXXXX")
	err=$(mktemp "$WORK/err.XXXXXX")
	if sfn "$@" >"$out" 2>"$err"; then
		echo "FAIL: ${BASH_SOURCE[1]##*/}:${BASH_LINENO[0]}: aws stepfunctions $1 succeeded, want error $code" >&2
		cat "$out" >&2
		exit 1
	fi
	if ! grep -q "An error occurred ($code)" "$err"; then
		echo "FAIL: ${BASH_SOURCE[1]##*/}:${BASH_LINENO[0]}: aws stepfunctions $1: want error $code, got:" >&2
		cat "$err" >&2
		exit 1
	fi
	ERR_MSG=$(cat "$err")
}

# wait_status ARN WANT: polls DescribeExecution until the execution has
# left RUNNING and checks its status; sets OUTPUT, ERROR, CAUSE, ALIAS and
# VERSION from the last description ("None" when absent).
wait_status() {
	local arn=$1 want=$2 status line deadline=$((SECONDS + 30))
	while :; do
		line=$(sfnq '[status, output || `"None"`, error || `"None"`, cause || `"None"`, stateMachineAliasArn || `"None"`, stateMachineVersionArn || `"None"`]' \
			describe-execution --execution-arn "$arn")
		IFS=$'\t' read -r status OUTPUT ERROR CAUSE ALIAS VERSION <<<"$line"
		[[ $status != RUNNING ]] && break
		((SECONDS < deadline)) || fail "execution $arn still RUNNING after 30s"
		sleep 0.2
	done
	if [[ $status != "$want" ]]; then
		echo "FAIL: ${BASH_SOURCE[1]##*/}:${BASH_LINENO[0]}: execution $arn is $status ($ERROR: $CAUSE), want $want" >&2
		exit 1
	fi
}

# run_parallel SECTION...: runs each shell function in a background
# subshell (AWS CLI calls are slow to start, the server is not), then
# prints each one's log; fails if any failed.
run_parallel() {
	local pids=() s i failed=0
	for s in "$@"; do
		("$s") >"$WORK/$s.log" 2>&1 &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		s=${*:i+1:1}
		if wait "${pids[$i]}"; then
			cat "$WORK/$s.log"
		else
			failed=1
			echo "--- $s FAILED:"
			cat "$WORK/$s.log"
		fi
	done
	return "$failed"
}

ok() { echo "ok   $*"; }
