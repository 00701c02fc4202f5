#!/usr/bin/env bash
# The chaos run: train and retrain runs on a standalone cluster (submit/standalone.sh) with MNIST,
# the outputs and a retraining root in HDFS (a MiniDFSCluster: the NameNode and one DataNode in the
# chaos run's JVM, a second DataNode in a JVM of its own), each given one fault drawn from a seed:
# kill -9 of an executor, a worker, the master, the driver (then --resume), the second DataNode; a
# full disk under --out (a tmpfs, so run it as root); a corrupted checkpoint; two runs on one
# --out. After each run it checks that --out holds nothing new or a complete output matching its
# manifest, that production loads and is a model the gate promoted, that a resumed run ends with
# the uninterrupted run's model bit for bit, and that no temporary or lock is left; it prints a
# table row per run and the totals (docs/reliability.md explains each check).
#   submit/chaos.sh [--seed N] [--runs N] [--faults KIND,...] [--work DIR]
# Defaults: a random seed (printed first), 10 runs, every kind of fault, job/target/chaos. The
# table also goes to DIR/chaos.md and DIR/chaos.json. Exit code 0 when nothing was lost or corrupt
# and every run survived its fault, 1 otherwise. About 1-3 minutes per run on 2 cores.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_built
# the chaos run itself lives in the test code, beside the MiniDFSCluster the tests use
TEST_CLASSPATH_FILE="$ROOT/job/target/test-classpath.txt"
if [ "${SKIP_BUILD:-}" != 1 ] && { [ ! -f "$TEST_CLASSPATH_FILE" ] || \
     [ -n "$(find "$ROOT/job/src/test" -newer "$TEST_CLASSPATH_FILE" -print -quit)" ]; }; then
  log "building the job and its tests (mvn package, tests skipped)"
  (cd "$ROOT" && mvn -q -B -DskipTests package) >&2
  touch "$TEST_CLASSPATH_FILE"
fi
[ -f "$TEST_CLASSPATH_FILE" ] || { log "$TEST_CLASSPATH_FILE is missing: run mvn package first"; exit 1; }
fetch mnist
# shellcheck disable=SC2086
exec java $JAVA17_OPENS -Xmx2g -Dorg.bytedeco.javacpp.maxbytes=2G \
  -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" -Dproject.root="$ROOT" -Dmnist.dir="$ROOT/data/mnist" \
  -cp "$ROOT/job/target/test-classes:$ROOT/job/target/classes:$(cat "$TEST_CLASSPATH_FILE")" \
  org.mnistspark.chaos.ChaosRun "$@"
