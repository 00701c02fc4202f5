# Shared by the submit/ scripts: where things are, building on demand, the JVM flags DL4J needs.
# shellcheck shell=bash
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JOB_JAR="$ROOT/job/target/mnist-spark-job-0.1.0-SNAPSHOT.jar"
SUBMIT_JAR="$ROOT/job/target/mnist-spark-job-0.1.0-SNAPSHOT-spark-submit.jar"
CLASSPATH_FILE="$ROOT/job/target/runtime-classpath.txt"
# Spark and Hadoop without DL4J: what a Spark distribution's jars/ folder holds
SPARK_CLASSPATH_FILE="$ROOT/job/target/spark-classpath.txt"

# Spark's module flags for Java 17 (it adds them itself only to JVMs it launches).
JAVA17_OPENS="-XX:+IgnoreUnrecognizedVMOptions"
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util \
         java.util.concurrent java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs \
         sun.security.action sun.util.calendar; do
  JAVA17_OPENS+=" --add-opens=java.base/$p=ALL-UNNAMED"
done
JAVA17_OPENS+=" -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true"

log() { echo "$(basename "$0"): $*" >&2; }

# Builds the job (skipping tests) when a jar or classpath file is missing or older than any source
# or pom. SKIP_BUILD=1 only checks that they exist (the build's own tests set it).
ensure_built() {
  local f
  if [ "${SKIP_BUILD:-}" = 1 ]; then
    for f in "$JOB_JAR" "$SUBMIT_JAR" "$CLASSPATH_FILE" "$SPARK_CLASSPATH_FILE"; do
      [ -f "$f" ] || { log "$f is missing and SKIP_BUILD=1: run mvn package first"; exit 1; }
    done
    return
  fi
  if [ -f "$JOB_JAR" ] && [ -f "$SUBMIT_JAR" ] && [ -f "$CLASSPATH_FILE" ] && [ -f "$SPARK_CLASSPATH_FILE" ] && \
     [ -z "$(find "$ROOT/pom.xml" "$ROOT/job/pom.xml" "$ROOT/job/src/main" -newer "$JOB_JAR" -print -quit)" ]; then
    return
  fi
  log "building the job (mvn package, tests skipped)"
  (cd "$ROOT" && mvn -q -B -DskipTests package) >&2
  # the jar plugin leaves an up-to-date jar alone; mark it checked so the next call does not rebuild
  touch "$JOB_JAR"
}

# Reads the script's own options out of the arguments, in one pass; every script parses with it.
# $1: the names that take a value ("--name VALUE" or "--name=VALUE"), space-separated; $2: the
# flags. Leaves opt[NAME] (the last value, "true" for a flag), own (each own option given, in
# order, as NAME=VALUE: for options given more than once) and rest (the other arguments, in order:
# the job's). A value missing at the end reads as empty.
declare -A opt=()
own=() rest=()
parse_args() {
  local valued=" $1 " flags=" $2 " name value
  shift 2
  opt=() own=() rest=()
  while [ $# -gt 0 ]; do
    name="${1%%=*}"
    if [[ "$valued" == *" $name "* ]]; then
      if [ "$name" != "$1" ]; then
        value="${1#*=}"; shift
      else
        value="${2-}"; shift $(($# >= 2 ? 2 : 1))
      fi
    elif [[ "$flags" == *" $1 "* ]]; then
      name="$1" value=true; shift
    else
      rest+=("$1"); shift
      continue
    fi
    opt[$name]="$value"
    own+=("$name=$value")
  done
}

# The launch settings the job resolves for command $1 with the remaining arguments (mnist-job
# launch-settings: its conf file, then its command line), so no script reads a job option:
# launch_env (VAR=VALUE for the driver's JVM), launch_spark (settings for spark-submit) and
# launch_fetch (the dataset to fetch into data/, or empty).
launch_env=() launch_spark=() launch_fetch=""
resolve_launch() {
  local settings kind value
  settings="$(java -Xmx128m -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" \
    -cp "$JOB_JAR:$(cat "$CLASSPATH_FILE")" org.mnistspark.cli.MnistJob launch-settings "$@")" || exit $?
  launch_env=() launch_spark=() launch_fetch=""
  while read -r kind value; do
    case "$kind" in
      env) launch_env+=("$value") ;;
      spark-conf) launch_spark+=("$value") ;;
      fetch) launch_fetch="$value" ;;
    esac
  done <<<"$settings"
}

# Fetches dataset $1 (as resolve_launch names it) into data/ with its submit/fetch-*.sh; nothing if empty.
fetch() {
  [ -z "$1" ] || "$ROOT/submit/fetch-$1.sh" >&2
}

# Runs the job's main class in this JVM with the full runtime classpath (Spark included), and
# $HADOOP_CONF_DIR when set, as spark-submit adds it: its core-site.xml (fs.defaultFS, fs.s3a.*)
# then reaches the checks made before Spark starts as well. Call resolve_launch first: its
# launch_env (the native threads) is this JVM's environment.
run_job() {
  local var
  for var in "${launch_env[@]}"; do export "${var?}"; done
  export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
  # the default outputs (conf/local.conf: out/latest, out/study, ...) live in out/; the job itself
  # only writes into folders whose parent exists, so a fresh clone needs it created
  mkdir -p "$ROOT/out"
  # shellcheck disable=SC2086
  exec java $JAVA17_OPENS ${DRIVER_JAVA_OPTS:--Xmx4g -Dorg.bytedeco.javacpp.maxbytes=4G -Dorg.bytedeco.javacpp.maxphysicalbytes=10G} \
    -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" \
    -cp "${HADOOP_CONF_DIR:+$HADOOP_CONF_DIR:}$JOB_JAR:$(cat "$CLASSPATH_FILE")" org.mnistspark.cli.MnistJob "$@"
}

# Prints the arguments one a line, with "--conf FILE" in front unless they already name one.
with_conf() {
  local default="$1"; shift
  parse_args "--conf" "" "$@"
  if [ -n "${opt[--conf]:-}" ]; then printf '%s\n' "$@"; else printf '%s\n' --conf "$default" "$@"; fi
}

# The body of the scripts that run command $1 on Spark local[*] (local.sh, bench.sh, study.sh,
# retrain.sh, evaluate.sh, predict.sh, convert.sh): builds the job if needed, lays the arguments
# over conf/local.conf, fetches the dataset the command will read from data/, and runs it here.
launch_local() {
  local command="$1" args
  shift
  cd "$ROOT"
  ensure_built
  mapfile -t args < <(with_conf "$ROOT/conf/local.conf" "$@")
  resolve_launch "$command" "${args[@]}"
  fetch "$launch_fetch"
  run_job "$command" "${args[@]}"
}

# Prints the path of a stand-in Spark distribution: a folder whose jars/ links the Spark and Hadoop
# jars Maven resolved (spark-classpath.txt). A Worker builds each executor's classpath from
# $SPARK_HOME/jars, and spark-submit's launcher does the same for the driver; the job itself and
# DL4J travel in the spark-submit jar, as on a real cluster. Rebuilt when the classpath changes.
stand_in_spark_home() {
  local home="$ROOT/job/target/spark-home" tmp jar
  if [ ! -d "$home/jars" ] || [ "$SPARK_CLASSPATH_FILE" -nt "$home/jars" ]; then
    tmp="$(mktemp -d "$home.XXXXXX")"
    mkdir "$tmp/jars"
    tr ':' '\n' < "$SPARK_CLASSPATH_FILE" | while read -r jar; do ln -s "$jar" "$tmp/jars/"; done
    rm -rf "$home"
    mv "$tmp" "$home"
  fi
  echo "$home"
}

# Whether process $1 is alive and its command line contains $2 (so a reused PID is not mistaken
# for the process that was recorded).
alive_as() {
  [ -n "$1" ] && [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' < "/proc/$1/cmdline" | grep -qF -- "$2"
}
