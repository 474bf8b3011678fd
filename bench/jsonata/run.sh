#!/usr/bin/env bash
# Times Sluice's JSONata evaluator and jsonata-js 2.0.6 (the reference
# implementation AWS Step Functions follows) on the same expressions and
# document, one after the other, each on one core.
set -euo pipefail
cd "$(dirname "$0")"
[ -d node_modules/jsonata ] || npm install --no-audit --no-fund >/dev/null
(cd ../.. && go test ./internal/asl/jsonata -run XXX -bench Evaluate -cpu 1 -count 1) | grep Benchmark
taskset -c 0 node bench.js 2>/dev/null || node bench.js
