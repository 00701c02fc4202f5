#!/usr/bin/env bash
# Benchmarks the Spark job against plain DL4J fit in one JVM on the same data split, model and
# seed, in one run: throughput over a sweep on 9,600 images, then time to 99% validation accuracy
# on the full split for the default configuration, the fastest alternative, DL4J's trainer and the
# baselines. Writes bench/results.json, bench/report.md, bench/throughput.png and
# bench/time-to-accuracy.png and prints the comparison. About 25 minutes on 2 cores.
#   submit/bench.sh [--quick] [--baseline-batch-sizes 32,64,128] [--threads 1,2] [--time-limit-factor 2.5]
#                   [--batch-sizes 32,64,128] [--averaging-frequencies 16,32] [--target 0.99] [--max-epochs 12] [job options]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_built
fetch_data "$@"
mapfile -t args < <(with_conf "$ROOT/conf/local.conf" "$@")
run_job bench "${args[@]}"
