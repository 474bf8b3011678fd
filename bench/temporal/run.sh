#!/usr/bin/env bash
# Runs the three-step workflow comparison of docs/benchmarks.md on this
# machine: Sluice (a durable state machine of three Python function steps)
# and Temporal (an in-process server on in-memory SQLite, as its dev
# server runs, with a Go worker of three activities), one after the other.
# The first run downloads and builds the Temporal server (a few minutes).
set -euo pipefail
cd "$(dirname "$0")"
(cd ../.. && go test ./internal/server -run XXX -bench ThreeStep -benchtime 300x -count 1) | grep Benchmark
go run . -n 300 2>/dev/null | grep temporal
