#!/usr/bin/env bash
# Scheduled retraining, for cron, systemd or Airflow: trains a candidate into DIR/runs/<UTC time>/,
# compares it with DIR/production on the same test set, promotes it only if it passes the gate,
# and appends one line to DIR/history.jsonl. DIR is a local path or hdfs://.
#   submit/retrain.sh --root DIR [--tolerance ACC] [--floor ACC] [--keep-runs K] [--lock-wait S]
#                     [--lock-lease S] [--timeout S] [job options]
# Uses conf/local.conf unless --conf is given; builds the job if needed and fetches the dataset
# (--dataset, default mnist) into data/<dataset>/ unless --data names other data.
# Exit codes: 0 promoted, 3 kept the old model, 4 another retrain holds the lock, 2 bad input, 1 failed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
launch_local retrain "$@"
