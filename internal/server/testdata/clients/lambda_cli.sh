#!/usr/bin/env bash
# Drives Sluice's Lambda API with the real AWS CLI: create a Node.js
# function from a zip, invoke it (also with an error and with the log
# tail), update its configuration and code, and delete it.
#
# Usage: bash lambda_cli.sh http://127.0.0.1:PORT
#
# Run by TestClients (clients_test.go) against a fresh server, with dummy
# credentials, AWS_DEFAULT_REGION=us-east-1 and no config files.

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

lm() { aws --endpoint-url "$EP" --output json lambda "$@"; }
# AWS CLI v2 reads --payload as base64 unless told otherwise; v1 takes it
# as is.
RAW=()
if [[ $(aws --version 2>&1) == aws-cli/2* ]]; then
	RAW=(--cli-binary-format raw-in-base64-out)
fi
lmq() {
	local query=$1
	shift
	aws --endpoint-url "$EP" --output text --query "$query" lambda "$@"
}

mkdir -p "$WORK/src"
cat >"$WORK/src/index.mjs" <<'JS'
export const handler = async (event, context) => {
  console.log("handling", JSON.stringify(event));
  if (event.fail) throw new RangeError("out of range");
  return { sum: event.a + event.b, fn: context.functionName };
};
JS
python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1], "w"); z.write(sys.argv[2], "index.mjs"); z.close()' \
	"$WORK/fn.zip" "$WORK/src/index.mjs"

eq "$(lmq State create-function --function-name adder --runtime nodejs20.x --handler index.handler \
	--role arn:aws:iam::000000000000:role/lambda --zip-file "fileb://$WORK/fn.zip")" "Active" "create-function State"

lm invoke --function-name adder "${RAW[@]}" --payload '{"a":2,"b":40}' \
	--log-type Tail "$WORK/out.json" >"$WORK/meta.json"
eq "$(cat "$WORK/out.json")" '{"sum":42,"fn":"adder"}' "invoke result"
eq "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["StatusCode"])' "$WORK/meta.json")" "200" "invoke status"
like "$(python3 -c 'import json,sys,base64; print(base64.b64decode(json.load(open(sys.argv[1]))["LogResult"]).decode())' "$WORK/meta.json")" \
	"*handling*" "invoke log tail"

lm invoke --function-name adder "${RAW[@]}" --payload '{"fail":true}' "$WORK/err.json" >"$WORK/meta.json"
eq "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["FunctionError"])' "$WORK/meta.json")" "Unhandled" "FunctionError"
eq "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["errorType"])' "$WORK/err.json")" "RangeError" "errorType"

eq "$(lmq Timeout update-function-configuration --function-name adder --timeout 30)" "30" "update-function-configuration"
like "$(lmq Statement add-permission --function-name adder --statement-id rule --action lambda:InvokeFunction \
	--principal events.amazonaws.com --source-arn arn:aws:events:us-east-1:000000000000:rule/r)" '*"Sid":"rule"*' "add-permission"
eq "$(lmq 'Functions[].FunctionName' list-functions)" "adder" "list-functions"

if out=$(lm get-function --function-name missing 2>&1); then
	fail "get-function of a missing function succeeded: $out"
fi
like "$out" "*ResourceNotFoundException*Function not found*" "get-function of a missing function"

lm delete-function --function-name adder
eq "$(lmq 'length(Functions)' list-functions)" "0" "list-functions after delete"
echo "lambda CLI: ok"
