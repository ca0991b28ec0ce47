# shellcheck shell=bash
# .ci/lib/cluster.sh: a Spark standalone Master + Worker on loopback, without a Spark distribution
# (recipe in ENVIRONMENT.md). Sourced by .ci/cluster-test and .ci/failure-test, after `set -euo pipefail`.
#
#   cluster_init NAME      work directory, logging, the exit trap (stops what was started)
#   cluster_prepare        app jar, Spark classpath, a fake SPARK_HOME, Spark's JVM flags
#   cluster_start          Master on 127.0.0.1:$port and one 2-core Worker, both registered
#   cluster_add_worker HOST NAME   another Worker, on another loopback address
#   cluster_submit LOG ... spark-submit to the Master (client mode), output to LOG
#   await LOG SECS PATTERN PID
#
# Sets: root, work, port, master_url, app_jar, adult, master_pid, worker_pid, spark_flags, SPARK_HOME.
# CLUSTER_TEST_PORT overrides the Master's port (7077); CLUSTER_TEST_KEEP=1 keeps the work files.

cluster_init() {
  cluster_name=$1
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  cd "$root"
  started=$(date +%s)
  port="${CLUSTER_TEST_PORT:-7077}"
  master_url="spark://127.0.0.1:$port"
  work="$(mktemp -d "${TMPDIR:-/tmp}/privspark-$cluster_name.XXXXXX")"
  adult="$root/data/adult/adult.data"
  pids=()
  trap cluster_cleanup EXIT
}

say() { echo "$cluster_name [$(( $(date +%s) - started ))s]: $*"; }

cluster_cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ "$status" -ne 0 ]; then
    echo "$cluster_name: FAILED (exit $status); logs:" >&2
    for log in "$work"/*.log; do
      [ -f "$log" ] || continue
      echo "----- $log (last 30 lines)" >&2
      tail -n 30 "$log" >&2
    done
  fi
  if [ "${CLUSTER_TEST_KEEP:-}" = 1 ] || [ "$status" -ne 0 ]; then
    echo "$cluster_name: work files kept in $work" >&2
  else
    rm -rf "$work"
  fi
}

# Waits up to $2 seconds for the pattern $3 in log $1, failing early if process $4 died.
await() {
  local log=$1 timeout=$2 pattern=$3 pid=$4 i
  for ((i = 0; i < timeout * 2; i++)); do
    grep -q "$pattern" "$log" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { echo "$cluster_name: process $pid died; see $log" >&2; return 1; }
    sleep 0.5
  done
  echo "$cluster_name: no '$pattern' in $log after ${timeout}s" >&2
  return 1
}

cluster_prepare() {
  say "building the app jar and the Spark classpath"
  bin/privspark-submit --prepare
  # The production artefact: privspark-jobs' app jar (bin/privspark-submit --prepare builds it too).
  # shellcheck source=../../bin/lib/project.sh
  . bin/lib/project.sh
  app_jar="$root/privspark-jobs/target/privspark-jobs-$(privspark_version)-app.jar"
  [ -f "$app_jar" ] || { echo "$cluster_name: no $app_jar" >&2; exit 1; }

  export SPARK_HOME="$work/spark-home"
  export SPARK_LOCAL_IP=127.0.0.1
  export SPARK_SCALA_VERSION=2.13
  mkdir -p "$SPARK_HOME/jars"
  tr ':' '\n' < examples/target/spark-cp.txt | while read -r jar || [ -n "$jar" ]; do
    [ -n "$jar" ] && ln -s "$jar" "$SPARK_HOME/jars/$(basename "$jar")"
  done
  say "SPARK_HOME=$SPARK_HOME with $(ls "$SPARK_HOME/jars" | wc -l) jars"
  # shellcheck source=../../bin/lib/spark-jvm-flags.sh
  . bin/lib/spark-jvm-flags.sh
}

cluster_start() {
  # Another cluster on the port would take our Worker and job; Spark would also move our Master to
  # the next free port. Refuse instead, and forbid the move.
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "$cluster_name: 127.0.0.1:$port is in use (another Spark master?); set CLUSTER_TEST_PORT" >&2
    exit 1
  fi
  # No REST submission server: jobs come through spark-submit, and its fixed port 6066 would clash
  # with any other Master on the machine.
  java "${spark_flags[@]}" -Xmx512m -Dspark.port.maxRetries=0 -Dspark.master.rest.enabled=false -cp "$SPARK_HOME/jars/*" \
    org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$port" --webui-port 0 > "$work/master.log" 2>&1 &
  pids+=($!)
  master_pid=$!
  await "$work/master.log" 60 "Starting Spark master at $master_url" "$master_pid"
  await "$work/master.log" 60 "I have been elected leader" "$master_pid"
  say "master up at $master_url (pid $master_pid)"

  cluster_add_worker 127.0.0.1 worker
  worker_pid=$last_worker_pid
}

# cluster_add_worker HOST NAME: one more 2-core Worker bound to HOST (any 127.x.y.z: Spark sees each
# address as its own host), working in $work/NAME, logging to $work/NAME.log. Sets last_worker_pid.
cluster_add_worker() {
  local host=$1 name=$2
  mkdir -p "$work/$name"
  SPARK_LOCAL_IP="$host" java "${spark_flags[@]}" -Xmx512m -cp "$SPARK_HOME/jars/*" \
    org.apache.spark.deploy.worker.Worker --host "$host" --cores 2 --memory 2g --webui-port 0 \
    --work-dir "$work/$name" "$master_url" > "$work/$name.log" 2>&1 &
  pids+=($!)
  last_worker_pid=$!
  await "$work/$name.log" 60 "Successfully registered with master" "$last_worker_pid"
  say "$name on $host registered (pid $last_worker_pid)"
}

# cluster_submit LOG [SPARK-SUBMIT OPTIONS] -- JOB ARGS: runs in the foreground, output to LOG.
cluster_submit() {
  local log=$1
  shift
  local opts=()
  while [ "$1" != "--" ]; do
    opts+=("$1")
    shift
  done
  shift
  java "${spark_flags[@]}" -Xmx1g -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.SparkSubmit \
    --master "$master_url" --deploy-mode client --executor-memory 1g --total-executor-cores 2 \
    --conf spark.ui.enabled=false "${opts[@]}" --class org.privspark.jobs.Main "$app_jar" \
    "$@" > "$log" 2>&1
}
