#!/usr/bin/env bash
# Evaluates a saved model on a labelled IDX set on Spark local[*] with conf/local.conf (master,
# threads), distributed over the executors, and writes metrics.json, evaluation.txt and
# confusion-matrix.png to --out, all or nothing. Without --data or --images it evaluates on
# data/mnist's t10k files, fetching them if needed.
#   submit/evaluate.sh --model out/latest --out out/evaluate [--data DIR | --images FILE --labels FILE] ... (--help lists all)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
launch_local evaluate "$@"
