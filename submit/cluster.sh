#!/usr/bin/env bash
# Submits the training job to a Spark cluster with the spark-submit jar (Spark and Hadoop come
# from the cluster; DL4J, ND4J's linux-x86_64 natives and the job travel in the jar).
#   submit/cluster.sh --master URL [--secure] [--properties-file FILE] [--spark-conf KEY=VALUE]... [bench|retrain] [job options]
# URL is spark://host:7077, yarn, k8s://https://host:443, ... Job options (--help lists them) go
# to the train command on top of conf/cluster.conf; with `bench` first, to the bench command
# (bench --round-costs measures an averaging round on the cluster's executors, docs/benchmark.md);
# with `retrain` first, to the retrain command (scheduled retraining on the cluster, README). Spark settings: the site's spark-defaults.conf
# ($SPARK_CONF_DIR, else $SPARK_HOME/conf) as spark-submit loads it, then
# conf/spark-cluster.properties (or FILE), then with --secure conf/spark-secure.properties, then
# spark.task.cpus and the executors' OMP_NUM_THREADS from the job's threads-per-task (as
# `mnist-job launch-settings` resolves it from conf/cluster.conf and the options), then each --spark-conf. A security setting the site makes (authentication, encryption, Kerberos, event
# log, TLS, ACLs) is never replaced by our files; with --secure, a site that sets one of
# conf/spark-secure.properties' settings to another value is refused (exit 2). On a standalone
# master, --secure needs the cluster's secret in the file $MNIST_SPARK_SECRET_FILE names (docs/security.md).
# With SPARK_HOME set, uses $SPARK_HOME/bin/spark-submit. Without it, runs Spark's own launcher
# and org.apache.spark.deploy.SparkSubmit from the Maven classpath (a stand-in SPARK_HOME), which
# is what bin/spark-submit does. The driver runs here (client mode) and the exit code is the job's:
# 0 ok, 1 failed, 2 bad input.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

parse_args "--master --properties-file --spark-conf" "--secure" "$@"
master="${opt[--master]:-}" props="${opt[--properties-file]:-$ROOT/conf/spark-cluster.properties}"
secure="${opt[--secure]:-false}" job_args=("${rest[@]}") spark_confs=()
for o in "${own[@]}"; do
  [[ "$o" != --spark-conf=* ]] || spark_confs+=(--conf "${o#--spark-conf=}")
done
command=train
case "${job_args[0]:-}" in
  bench|retrain) command="${job_args[0]}" job_args=("${job_args[@]:1}") ;;
esac
if [ -z "$master" ] && [[ " ${job_args[*]} " != *" --help "* ]]; then
  echo "usage: $(basename "$0") --master URL [--secure] [--properties-file FILE] [--spark-conf KEY=VALUE]... [bench|retrain] [job options]" >&2
  exit 2
fi
[ -f "$props" ] || { log "--properties-file: no such file: $props"; exit 2; }
cd "$ROOT"
# conf/cluster.conf writes to out/cluster; the job only writes into folders whose parent exists
mkdir -p out
ensure_built

# Our settings as --conf options over the site's spark-defaults.conf, which spark-submit then
# still loads: given --properties-file, Spark 3.5 would read our file instead of the site's and
# drop the cluster's security settings. The merge reads the site's file to keep those.
layers=("$props")
[ "$secure" = false ] || layers+=(--secure "$ROOT/conf/spark-secure.properties")
# (the process substitution inherits set -e: without `|| rc=$?` a refusal would end it before the
# exit code is printed, and the script would fail with a bash error instead of exit 2)
mapfile -d '' defaults < <(rc=0
                           java -Xmx64m -cp "$JOB_JAR" org.mnistspark.submit.SiteDefaultsMerge confs "$(basename "$0")" "${layers[@]}" || rc=$?
                           printf '%d\0' "$rc")
merge_rc="${defaults[${#defaults[@]}-1]}"
unset 'defaults[${#defaults[@]}-1]'
[ "$merge_rc" = 0 ] || exit "$merge_rc"

mapfile -t train_args < <(with_conf "$ROOT/conf/cluster.conf" "${job_args[@]}")
# One native thread per task core: the job turns its threads-per-task (its conf file, then the
# command line) into Spark's settings (spark.task.cpus, the executors' OMP_NUM_THREADS) and the
# driver's environment; a --spark-conf still overrides them.
resolve_launch "$command" "${train_args[@]}"
job_confs=()
for s in "${launch_spark[@]}"; do job_confs+=(--conf "$s"); done
spark_confs=("${job_confs[@]}" "${spark_confs[@]}")
# A cluster on this machine: keep the driver's RPC and UI on loopback, where the workers are.
case "$master" in
  spark://127.0.0.1:*|spark://localhost:*) export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}" ;;
esac
# the driver logs as submit/local.sh does: job progress at INFO, the rest only when it warns
export SPARK_SUBMIT_OPTS="-Dlog4j2.configurationFile=${LOG4J_CONF:-$ROOT/conf/log4j2.properties} ${SPARK_SUBMIT_OPTS:-}"
for var in "${launch_env[@]}"; do export "${var?}"; done

submit_args=(--master "${master:-local[1]}" "${defaults[@]}" "${spark_confs[@]}"
  --class org.mnistspark.cli.MnistJob "$SUBMIT_JAR" "$command" "${train_args[@]}")

if [ -n "${SPARK_HOME:-}" ]; then
  [ -x "$SPARK_HOME/bin/spark-submit" ] || { log "SPARK_HOME=$SPARK_HOME has no bin/spark-submit; unset it to submit from the Maven classpath"; exit 2; }
  exec "$SPARK_HOME/bin/spark-submit" "${submit_args[@]}"
fi

# What bin/spark-class does: Spark's launcher prints any messages line by line, then a NUL and a
# newline, then the driver's command (memory, JVM options and classpath taken from the settings)
# NUL-separated, and the loop below appends the launcher's own exit code.
home="$(stand_in_spark_home)"
export SPARK_HOME="$home" SPARK_SCALA_VERSION=2.12
cmd=() delim=$'\n' in_cmd=false
while IFS= read -d "$delim" -r part; do
  if [ "$in_cmd" = true ]; then
    cmd+=("$part")
  elif [ -z "$part" ]; then
    delim='' in_cmd=true
  else
    echo "$part" >&2
  fi
done < <(java -Xmx128m -cp "$home/jars/*" org.apache.spark.launcher.Main org.apache.spark.deploy.SparkSubmit "${submit_args[@]}" 2>/dev/null
         printf '%d\0' $?)
launcher_rc="${cmd[${#cmd[@]}-1]:-1}"
[ "$launcher_rc" = 0 ] && [ "${#cmd[@]}" -gt 1 ] || { log "Spark's launcher failed (exit $launcher_rc)"; exit 1; }
unset 'cmd[${#cmd[@]}-1]'
exec "${cmd[@]}"
