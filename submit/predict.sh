#!/usr/bin/env bash
# Scores unlabelled images with a saved model on Spark local[*] with conf/local.conf (master,
# threads), distributed over the executors: an IDX image file or a folder of 28x28 8-bit grayscale
# PNGs. Writes part-00000.csv, ... (or .jsonl with --format jsonl), _SUCCESS and manifest.json to
# --out, all or nothing.
#   submit/predict.sh --model out/latest --images data/mnist/t10k-images-idx3-ubyte --out out/predictions [--format csv|jsonl] ... (--help lists all)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
launch_local predict "$@"
