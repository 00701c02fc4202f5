#!/usr/bin/env bash
# Writes a dataset's IDX files as Parquet (or ORC) tables train/ and test/, which train reads with
# --data: columns id, label, image (784 bytes), on Spark local[*] with conf/local.conf. Fetches the
# dataset first unless --data names other data.
#   submit/convert.sh [--dataset mnist|fashion-mnist] [--data DIR] [--out data/mnist-table] [--format parquet|orc] [--copies K] ... (--help lists all)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
launch_local convert "$@"
