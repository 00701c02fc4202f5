#!/usr/bin/env bash
# Trains, evaluates and saves the LeNet on Spark local[*] with conf/local.conf; options override it.
# Builds the job if needed and fetches MNIST into data/mnist/ unless --data is given.
#   submit/local.sh [--epochs N] [--scaling none|minmax|standardize] [--out DIR] ... (--help lists all)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_built
if [ -z "$(option_value --data "$@")" ] && [[ " $* " != *" --help "* ]]; then
  "$ROOT/submit/fetch-mnist.sh" >&2
fi
mapfile -t args < <(with_conf "$ROOT/conf/local.conf" "$@")
run_job train "${args[@]}"
