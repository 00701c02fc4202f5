#!/usr/bin/env bash
# Benchmarks the Spark job against plain DL4J fit in one JVM on the same data split and model, in
# one run: throughput over a sweep on 9,600 images, then the quality phase on the full split for the
# planned epochs: the default over 3 seeds and the best single-JVM baseline (same learning-rate
# schedule, its best rate) over 3 seeds, with time to 99.0%/99.2% validation and test accuracy.
# Writes bench/results.json, bench/report.md, bench/throughput.png and bench/time-to-accuracy.png
# and prints the comparison. About 45 minutes on 2 cores; --quick takes about 3.
#   submit/bench.sh [--quick] [--seeds 3] [--thresholds 0.99,0.992] [--baseline-learning-rates 0.001,0.002,0.003]
#                   [--baseline-batch-sizes 32,64,128] [--threads 1,2] [--batch-sizes 16,32,64,128]
#                   [--averaging-frequencies 16,32] [job options]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
launch_local bench "$@"
