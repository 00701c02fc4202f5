#!/usr/bin/env bash
# Trains, evaluates and saves the LeNet on Spark local[*] with conf/local.conf; options override it.
# Builds the job if needed and fetches the dataset into data/<dataset>/ unless --data names other data.
#   submit/local.sh [--epochs N] [--scaling none|minmax|standardize] [--out DIR] ... (--help lists all)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
launch_local train "$@"
