#!/usr/bin/env bash
# Builds the job and runs every test (unit, Spark local[2] and HDFS integration, then the
# standalone-cluster tests of the spark-submit jar after packaging), fetching the real MNIST
# the integration tests need first. Extra arguments go to Maven, e.g. -Dtest=IdxReaderTest.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
"$ROOT/submit/fetch-mnist.sh" >&2
exec mvn -B verify "$@"
