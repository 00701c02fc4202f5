#!/usr/bin/env bash
# The normalization study: trains the LeNet once per (scaling, seed) on one Spark local[*] context
# with conf/local.conf, and writes results.json, accuracy.png, loss.png, report.md and report.html
# to --out (default out/study). Runs already in results.json are not repeated, so an interrupted
# study resumes when started again with the same arguments. Fetches the dataset unless --data is given.
#   submit/study.sh [--epochs 4] [--seeds 3] [--scalings none,minmax,standardize]
#                   [--dataset mnist|fashion-mnist] [--data DIR] [--out DIR] [job options] (--help lists all)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
launch_local study "$@"
