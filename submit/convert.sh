#!/usr/bin/env bash
# Writes a dataset's IDX files as Parquet (or ORC) tables train/ and test/, which train reads with
# --data: columns id, label, image (784 bytes). Fetches the dataset first unless --data is given.
#   submit/convert.sh [--dataset mnist|fashion-mnist] [--data DIR] [--out data/mnist-table] [--format parquet|orc] [--copies K] ... (--help lists all)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_built
fetch_data "$@"
run_job convert "$@"
