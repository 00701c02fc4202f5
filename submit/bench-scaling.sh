#!/usr/bin/env bash
# Where the Spark job pays beyond this machine's cores: measures, for each executor count N, what
# an averaging round costs on a standalone cluster of N executor JVMs with each worker's fit
# replaced by a wait (bench --round-costs), and how many training images the default needs to
# reach the accuracy with N workers (a training run with N partitions on local[2]); then predicts
# samples/s and seconds to the last bench threshold against N (bench --scaling-report). Steps whose
# output exists are skipped, so a stopped run resumes. About 35 minutes on 2 cores, idle.
#   submit/bench-scaling.sh [--executors "1 2 4 8"] [--fit-millis 2500] [--out out/scaling]
# --fit-millis: a worker's fit per round on its own core (docs/benchmark.md: ~2,500 ms at batch 16 x 64).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
parse_args "--executors --fit-millis --out" "" "$@"
if [ "${#rest[@]}" != 0 ]; then
  echo "usage: $(basename "$0") [--executors \"1 2 4 8\"] [--fit-millis MS] [--out DIR]" >&2
  exit 2
fi
executors="${opt[--executors]:-1 2 4 8}" fit="${opt[--fit-millis]:-2500}" out="${opt[--out]:-out/scaling}"
ensure_built
"$ROOT/submit/fetch-mnist.sh" >&2
mkdir -p "$out"
sizes=(--batch-size-per-worker 16 --averaging-frequency 64)
export STANDALONE_DIR="$out/standalone"
trap '"$ROOT/submit/standalone.sh" stop >/dev/null 2>&1 || true' EXIT
for n in $executors; do
  [ -f "$out/executors-$n/round-costs.json" ] && continue
  url="$("$ROOT/submit/standalone.sh" start --workers "$n" --cores 1 --memory 2g)"
  # six rounds per worker and epoch: N x 6 x 1,024 training images, at most MNIST's
  "$ROOT/submit/cluster.sh" --master "$url" bench --round-costs "$fit" --partitions "$n" --epochs 2 \
    --train-limit "$(( n * 7680 < 60000 ? n * 7680 : 60000 ))" --validations-per-epoch 1 "${sizes[@]}" --out "$out/executors-$n"
  "$ROOT/submit/standalone.sh" stop
done
for n in $executors; do
  [ -f "$out/workers-$n/metrics.json" ] && continue
  # one worker alone gets both cores' threads; the images it needs do not depend on them
  "$ROOT/submit/local.sh" --master 'local[2]' --partitions "$n" --threads-per-task "$(( n == 1 ? 2 : 1 ))" \
    --validations-per-epoch 8 "${sizes[@]}" --out "$out/workers-$n"
done
"$ROOT/submit/bench.sh" --scaling-report "$out" --out "$out/report"
