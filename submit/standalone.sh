#!/usr/bin/env bash
# A real Spark standalone cluster on this machine without a Spark distribution: one Master and N
# Worker JVMs bound to 127.0.0.1, started from the Maven classpath (a stand-in SPARK_HOME whose
# jars/ links Spark's jars). PID files, logs and the workers' folders go under $STANDALONE_DIR
# (default target/standalone).
#   submit/standalone.sh start [--secure] [--workers N] [--cores C] [--memory M] [--port P] [--webui-port P]
#       Starts the cluster, waits until every worker has registered, and prints the master URL
#       (the value for --master) as the only line on stdout. Defaults: 2 workers with 1 core and
#       2g each, master on port 7077 and web UI on 8080 (the next free port if taken).
#       --secure: authentication and encryption on (conf/spark-secure.properties over the site's
#       spark-defaults.conf), with the secret from the file $MNIST_SPARK_SECRET_FILE names; submit
#       with cluster.sh --secure and the same variable. Master and Workers read their settings
#       from a mode-600 copy in $STANDALONE_DIR that stop removes.
#   submit/standalone.sh status
#       Prints the master URL and which recorded processes are alive, and (with curl and jq) what the
#       master reports: its alive workers, cores and running applications. Exits 0 when the master and
#       every worker are alive, 1 when only some are, 3 when none is.
#   submit/standalone.sh stop
#       Ends exactly the processes start recorded (workers first; a worker ends its executors) and
#       removes their PID files. Safe to call twice.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
RUN="${STANDALONE_DIR:-$ROOT/target/standalone}"
MASTER_CLASS=org.apache.spark.deploy.master.Master
WORKER_CLASS=org.apache.spark.deploy.worker.Worker
DAEMON_PROPS=spark-daemons.properties

usage() {
  echo "usage: $(basename "$0") start [--secure] [--workers N] [--cores C] [--memory M] [--port P] [--webui-port P] | status | stop" >&2
  exit 2
}

pid_of() { cat "$1" 2>/dev/null || true; }

# Waits up to $2 seconds for the extended regex $3 in log $1; fails early if process $4 dies.
wait_for_log() {
  local file="$1" seconds="$2" pattern="$3" pid="$4" i
  for ((i = 0; i < seconds * 5; i++)); do
    grep -qE "$pattern" "$file" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { log "process $pid exited; last lines of $file:"; tail -20 "$file" >&2; return 1; }
    sleep 0.2
  done
  log "timed out after ${seconds}s waiting for /$pattern/ in $file"
  return 1
}

# Starts "$@" detached from this shell, with its output in $1 and its PID in $2.
launch() {
  local out="$1" pidfile="$2"
  shift 2
  nohup bash -c 'echo $$ > "$0"; exec "$@"' "$pidfile" "$@" > "$out" 2>&1 < /dev/null &
  local i
  for ((i = 0; i < 50; i++)); do [ -s "$pidfile" ] && return; sleep 0.1; done
  log "could not start $*"
  exit 1
}

start() {
  parse_args "--workers --cores --memory --port --webui-port" "--secure" "$@"
  [ "${#rest[@]}" = 0 ] || usage
  local workers="${opt[--workers]:-2}" cores="${opt[--cores]:-1}" memory="${opt[--memory]:-2g}" port="${opt[--port]:-7077}"
  local webui="${opt[--webui-port]:-8080}" secure="${opt[--secure]:-false}"
  [[ "$workers" =~ ^[1-9][0-9]*$ ]] || { log "--workers must be a positive whole number, got '$workers'"; exit 2; }
  if alive_as "$(pid_of "$RUN/master.pid")" "$MASTER_CLASS"; then
    log "already running: $(cat "$RUN/master-url" 2>/dev/null) (pid $(pid_of "$RUN/master.pid")); stop it first"
    exit 1
  fi
  ensure_built
  local home
  home="$(stand_in_spark_home)"
  mkdir -p "$RUN"
  rm -rf "$RUN"/worker-* "$RUN"/master.log "$RUN"/master-url "$RUN"/master-webui "$RUN/$DAEMON_PROPS"
  # Master and Worker read one properties file instead of spark-defaults.conf, so it holds the
  # site's defaults with the secure settings and the secret laid over them.
  local settings=()
  if [ "$secure" = true ]; then
    java -Xmx64m -cp "$JOB_JAR" org.mnistspark.submit.SiteDefaultsMerge daemon-file "$(basename "$0")" \
      "$RUN/$DAEMON_PROPS" --secure "$ROOT/conf/spark-secure.properties" || exit $?
    settings=(--properties-file "$RUN/$DAEMON_PROPS")
  fi
  export SPARK_HOME="$home" SPARK_SCALA_VERSION=2.12 SPARK_LOCAL_IP=127.0.0.1
  # shellcheck disable=SC2086
  local java=(java $JAVA17_OPENS -cp "$home/jars/*")

  launch "$RUN/master.log" "$RUN/master.pid" "${java[@]}" -Xmx512m "$MASTER_CLASS" \
    --host 127.0.0.1 --port "$port" --webui-port "$webui" "${settings[@]}"
  local master_pid
  master_pid="$(pid_of "$RUN/master.pid")"
  if ! wait_for_log "$RUN/master.log" 60 "I have been elected leader" "$master_pid"; then
    stop >/dev/null
    exit 1
  fi
  # the ports actually bound (Spark moves to the next free one if the asked one is taken)
  grep -oE "Starting Spark master at spark://[^ ]+" "$RUN/master.log" | head -1 | sed 's/.* at //' > "$RUN/master-url"
  grep -oE "started at http://[^ ]+" "$RUN/master.log" | head -1 | sed 's/started at //' > "$RUN/master-webui"
  local url
  url="$(cat "$RUN/master-url")"

  local i
  for ((i = 1; i <= workers; i++)); do
    mkdir -p "$RUN/worker-$i"
    launch "$RUN/worker-$i.log" "$RUN/worker-$i.pid" "${java[@]}" -Xmx256m "$WORKER_CLASS" \
      --host 127.0.0.1 --cores "$cores" --memory "$memory" --webui-port 0 --work-dir "$RUN/worker-$i" "${settings[@]}" "$url"
  done
  for ((i = 1; i <= workers; i++)); do
    if ! wait_for_log "$RUN/worker-$i.log" 60 "Successfully registered with master" "$(pid_of "$RUN/worker-$i.pid")"; then
      stop >/dev/null
      exit 1
    fi
  done
  local mode=""
  [ "$secure" = false ] || mode=", authentication and encryption on"
  log "master $url (web UI $(cat "$RUN/master-webui")), $workers workers with $cores core(s) and $memory each$mode; logs in $RUN"
  echo "$url"
}

stop() {
  local f pid class stopped=0
  for f in "$RUN"/worker-*.pid "$RUN"/master.pid; do
    [ -f "$f" ] || continue
    pid="$(pid_of "$f")"
    case "$f" in */master.pid) class="$MASTER_CLASS" ;; *) class="$WORKER_CLASS" ;; esac
    if alive_as "$pid" "$class"; then
      kill -TERM "$pid" 2>/dev/null || true
      local i=0
      while alive_as "$pid" "$class" && [ "$i" -lt 75 ]; do sleep 0.2; i=$((i + 1)); done
      if alive_as "$pid" "$class"; then
        log "$(basename "$f" .pid) (pid $pid) ignored SIGTERM for 15 s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
      fi
      stopped=$((stopped + 1))
    fi
    rm -f "$f"
  done
  rm -f "$RUN/$DAEMON_PROPS"
  log "stopped $stopped process(es) recorded in $RUN"
}

status() {
  local url pid alive=0 total=0 f master_up=0
  url="$(cat "$RUN/master-url" 2>/dev/null || echo "none")"
  pid="$(pid_of "$RUN/master.pid")"
  if alive_as "$pid" "$MASTER_CLASS"; then
    master_up=1
    echo "master $url: alive (pid $pid, web UI $(cat "$RUN/master-webui" 2>/dev/null))"
  else
    echo "master $url: not running"
  fi
  for f in "$RUN"/worker-*.pid; do
    [ -f "$f" ] || continue
    total=$((total + 1))
    pid="$(pid_of "$f")"
    if alive_as "$pid" "$WORKER_CLASS"; then
      alive=$((alive + 1))
      echo "$(basename "$f" .pid): alive (pid $pid)"
    else
      echo "$(basename "$f" .pid): not running (pid $pid)"
    fi
  done
  if [ "$master_up" = 1 ] && command -v curl >/dev/null && command -v jq >/dev/null; then
    local json
    if json="$(curl -fsS --max-time 5 "$(cat "$RUN/master-webui")/json/" 2>/dev/null)"; then
      jq -r '"registered with the master: \(.aliveworkers) alive worker(s), \(.cores) core(s), "
        + "\([.activeapps[]? | select(.state == "RUNNING")] | length) running application(s)"' <<<"$json"
    fi
  elif [ "$master_up" = 1 ]; then
    log "install curl and jq to see what the master reports"
  fi
  echo "workers alive: $alive of $total"
  if [ "$master_up" = 1 ] && [ "$alive" = "$total" ] && [ "$total" -gt 0 ]; then
    return 0
  elif [ "$master_up" = 0 ] && [ "$alive" = 0 ]; then
    return 3
  fi
  return 1
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) [ $# -eq 1 ] || usage; stop ;;
  status) [ $# -eq 1 ] || usage; status ;;
  *) usage ;;
esac
