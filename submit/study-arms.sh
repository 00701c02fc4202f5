#!/usr/bin/env bash
# The normalization study's arms (issue 23), one study after another, every one resumable: a run
# already in its folder's results.json is not trained again, and a run another arm finished with
# the same options is copied from there (--reuse-from). Hours of CPU on 2 cores.
#
# The runs use a copy of the built job in $STUDY_JAR (default /work/study-jar), made by `install`,
# so that rebuilding the checkout cannot change the code of runs in flight; installing while the
# arms run changes the code of the arms that start after it, not of the one running.
#
#   submit/study-arms.sh install             # copy the built jar and its classpath to $STUDY_JAR
#   submit/study-arms.sh [ARM...]            # run these arms in this order (default: all, as listed below)
#   submit/study-arms.sh redraw              # redraw the committed studies' reports (trains nothing)
#
# To run in the background at the lowest priority, surviving the shell (the resume command too):
#   setsid nohup nice -n 19 submit/study-arms.sh > "$STUDY_JAR/arms.log" 2>&1 < /dev/null &
set -euo pipefail
source "$(dirname "$0")/lib.sh"
# Under setsid the arms are a session, so Linux's autogroup scheduler gives them a share equal to
# every other session's whatever their nice value (a suite beside them took 39 minutes instead of
# 22): give the session's group the same low priority. Only when the script leads its own
# session, so that a study started from a terminal never lowers the terminal's other work.
if [ "$(ps -o sid= -p $$ | tr -d ' ')" = "$$" ] && [ -w /proc/self/autogroup ]; then
  echo "$(nice)" > /proc/self/autogroup 2>/dev/null || true
fi
cd "$ROOT"
STUDY_JAR="${STUDY_JAR:-/work/study-jar}"
STUDIES=docs/studies

# The Keras script's own setting: one JVM, plain fit, batch 128, a constant rate (Adam 0.001 unless
# an arm says otherwise), up to 16 epochs, stopped after 4 without a better epoch-end validation
# accuracy, the best check's network kept (as restore_best_weights).
ASKER=(--conf conf/before-schedule.conf --trainer single-jvm --batch-size-per-worker 128 --learning-rate 0.001
       --epochs 16 --early-stop-patience 4)
LONG="$STUDIES/mnist-single-jvm-16"
FASHION_16_LOAD="The load on the machine was not recorded for the first runs (seed 42), and other work shared it at the time: compare their seconds with care."

arm() {
  case "$1" in
    # (c) the asker's setting, long, 2 seeds first (the question answered soonest), then 5
    long-2) study "${ASKER[@]}" --seeds 2 --out "$LONG" ;;
    long-5) study "${ASKER[@]}" --seeds 5 --out "$LONG" ;;
    # (a) learning rates with Adam: raw pixels and x/255 from 1e-4 to 3e-3 (0.001 is (c)'s, copied)
    lr-adam-1) lr_adam 1 ;;
    lr-adam) lr_adam 2 ;;
    # (a) plain SGD: raw pixels make conv1's gradient about 255 times larger (the first gradients
    # measured 1,200-1,700 times), so 0.01/255 = 0.0000392 gives raw pixels the weight steps x/255
    # gets at Keras' 0.01; 0.0002 and 0.001 lie between, 0.01 is Keras' default
    lr-sgd) study "${ASKER[@]}" --optimizer sgd --scalings none,minmax --learning-rates 0.0000392,0.0002,0.001,0.01 \
      --seeds 2 --out "$STUDIES/mnist-lr-sgd" ;;
    # (b) interventions that spare raw pixels the damage, each beside x/255 with the same network
    causal-1) causal 1 ;;
    causal) causal 2 ;;
    # (d) Fashion-MNIST, 16 epochs, the distributed setting of the committed fashion-adam-16 runs
    fashion-16) [ ${#REDRAW[@]} -gt 0 ] || "$ROOT/submit/fetch-fashion-mnist.sh" >&2
      study --conf conf/before-schedule.conf --dataset fashion-mnist --epochs 16 --early-stop-patience 4 --seeds 2 \
        "--seconds-caveat=$FASHION_16_LOAD" --out "$STUDIES/fashion-adam-16" ;;
    *) log "unknown arm '$1' (long-2 lr-adam-1 causal-1 lr-adam causal lr-sgd fashion-16 long-5 install redraw)"; exit 2 ;;
  esac
}

# The first seed of (a) and (b) before the second of either, so that both questions have a first
# answer soonest; the second seed's study keeps the first's runs.
lr_adam() {
  study "${ASKER[@]}" --scalings none,minmax --learning-rates 0.0001,0.0003,0.001,0.003 --seeds "$1" \
    --reuse-from "$LONG" --out "$STUDIES/mnist-lr-adam"
}

causal() {
  study "${ASKER[@]}" --scalings none,minmax --variants lenet,batchnorm-conv1,leaky-relu-conv2,conv1-init-over-255 \
    --seeds "$1" --reuse-from "$LONG" --out "$STUDIES/mnist-causal"
}

# The committed studies again from their results.json, with the options they ran with: trains
# nothing (--redraw-only), redraws every plot and report. Two of the older studies were measured
# while other work shared the machine; for the others the load was not recorded. The arms of issue
# 23 are redrawn by their own definitions above, so a redraw cannot disagree with a resume.
redraw() {
  local busy="--seconds-caveat=The machine was not idle (tests and other agents ran beside these runs): the seconds measure that load, not the scaling."
  local unknown="--seconds-caveat=The load on the machine was not recorded for these runs, and other work shared it at the time: compare their seconds with care."
  local before=(--conf conf/before-schedule.conf --redraw-only)
  study "${before[@]}" --epochs 16 --seeds 2 --early-stop-patience 4 "$busy" --out "$STUDIES/mnist-adam-16"
  study "${before[@]}" --epochs 4 --seeds 2 --trainer single-jvm --batch-size-per-worker 128 --learning-rate 0.001 \
    "--seconds-caveat=The machine was not idle (tests ran beside every run, and one epoch of the first run was paused for 18 minutes): the seconds measure that, not the scaling." \
    --out "$STUDIES/mnist-single-jvm-4"
  study "${before[@]}" --epochs 4 --seeds 2 --optimizer sgd --learning-rate 0.01 "$unknown" --out "$STUDIES/mnist-sgd-4"
  study "${before[@]}" --dataset fashion-mnist --epochs 4 --seeds 3 "$unknown" --out "$STUDIES/fashion-adam-4"
  REDRAW=(--redraw-only)
  for a in long-5 lr-adam causal lr-sgd fashion-16; do arm "$a"; done
}

REDRAW=()
study() {
  ( JOB_JAR="$STUDY_JAR/$(basename "$JOB_JAR")"; CLASSPATH_FILE="$STUDY_JAR/runtime-classpath.txt"
    [ -f "$JOB_JAR" ] || { log "$JOB_JAR is missing: run submit/study-arms.sh install first"; exit 1; }
    run_job study "$@" "${REDRAW[@]}" )
}

# Each file is copied beside its old one and renamed over it: an arm's JVM keeps the jar it opened
# (a copy in place would change the bytes under it), and the next arm starts with the new one.
install() {
  ensure_built
  mkdir -p "$STUDY_JAR"
  for f in "$JOB_JAR" "$CLASSPATH_FILE"; do
    cp "$f" "$STUDY_JAR/.$(basename "$f").new"
    mv -f "$STUDY_JAR/.$(basename "$f").new" "$STUDY_JAR/$(basename "$f")"
  done
  log "copied $(basename "$JOB_JAR") and its classpath to $STUDY_JAR"
}

case "${1:-}" in
  install) install ;;
  redraw) redraw ;;
  "") for a in long-2 lr-adam-1 causal-1 lr-adam causal lr-sgd fashion-16 long-5; do arm "$a"; done ;;
  *) for a in "$@"; do arm "$a"; done ;;
esac
