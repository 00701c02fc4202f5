#!/usr/bin/env bash
# Benchmarks the Spark job against plain DL4J fit in one JVM on the same data, model and seed,
# over a sweep of batch size, averaging frequency and threads; writes bench/results.json,
# bench/report.md and bench/throughput.png and prints the job/baseline ratio.
#   submit/bench.sh [--quick] [--batch-sizes 16,32,64] [--averaging-frequencies 10,30] [--threads 1,2] [job options]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_built
fetch_data "$@"
mapfile -t args < <(with_conf "$ROOT/conf/local.conf" "$@")
run_job bench "${args[@]}"
