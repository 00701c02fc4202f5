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

# Value of option $1 in the remaining arguments, or empty.
option_value() {
  local name="$1"; shift
  while [ $# -gt 0 ]; do
    case "$1" in
      "$name") echo "${2:-}"; return ;;
      "$name="*) echo "${1#*=}"; return ;;
    esac
    shift
  done
}

# Runs the job's main class in this JVM with the full runtime classpath (Spark included), and
# $HADOOP_CONF_DIR when set, as spark-submit adds it: its core-site.xml (fs.defaultFS, fs.s3a.*)
# then reaches the checks made before Spark starts as well.
run_job() {
  local threads
  threads="$(option_value --threads-per-task "$@")"
  export OMP_NUM_THREADS="${threads:-${OMP_NUM_THREADS:-1}}"
  export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
  # the default outputs (conf/local.conf: out/latest, out/study, ...) live in out/; the job itself
  # only writes into folders whose parent exists, so a fresh clone needs it created
  mkdir -p "$ROOT/out"
  # shellcheck disable=SC2086
  exec java $JAVA17_OPENS ${DRIVER_JAVA_OPTS:--Xmx4g -Dorg.bytedeco.javacpp.maxbytes=4G -Dorg.bytedeco.javacpp.maxphysicalbytes=10G} \
    -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" \
    -cp "${HADOOP_CONF_DIR:+$HADOOP_CONF_DIR:}$JOB_JAR:$(cat "$CLASSPATH_FILE")" org.mnistspark.cli.MnistJob "$@"
}

# Fetches the dataset the arguments name (--dataset, default mnist) into data/<dataset>/, unless
# they give --data or ask for --help.
fetch_data() {
  if [ -n "$(option_value --data "$@")" ] || [[ " $* " == *" --help "* ]]; then
    return
  fi
  case "$(option_value --dataset "$@")" in
    ""|mnist) "$ROOT/submit/fetch-mnist.sh" >&2 ;;
    fashion-mnist) "$ROOT/submit/fetch-fashion-mnist.sh" >&2 ;;
    *) ;; # the job rejects an unknown dataset with exit code 2
  esac
}

# Prepends "--conf FILE" unless the arguments already name one.
with_conf() {
  local default="$1"; shift
  if [ -n "$(option_value --conf "$@")" ]; then printf '%s\n' "$@"; else printf '%s\n' --conf "$default" "$@"; fi
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
