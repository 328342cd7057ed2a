#!/usr/bin/env bash
# A local Redis Cluster for tests and CI: six nodes on 127.0.0.1 (three masters, each with one
# replica), ports BASE..BASE+5 (default 7100-7105), from the installed redis-server and redis-cli
# as ../shared/services.md describes. Its files (config, logs, PIDs) live in a temp directory of
# its own; nothing is persisted.
#
#   scripts/redis-cluster.sh start [base-port]   starts it; exits 0 at once if it is already up
#                                               and healthy (cluster_state:ok)
#   scripts/redis-cluster.sh stop [base-port]    stops the nodes this script started, by PID
#   scripts/redis-cluster.sh status [base-port]  exits 0 when it is up and healthy
#
# A low cluster-node-timeout (2 s) makes a replica take over soon after its master dies, and no
# diskless-sync delay (5 s by default) lets replicas copy their masters at once: `start` returns
# only when every replica has (a replica that never synced refuses to take over). Nothing is
# kept, so a node stops at once (no shutdown-timeout waiting for replicas).
set -euo pipefail

command=${1:-}
base=${2:-7100}
dir="${TMPDIR:-/tmp}/marketplace-hub-redis-cluster-${base}"
ports=$(seq "$base" $((base + 5)))

healthy() {
  for port in $ports; do
    redis-cli -h 127.0.0.1 -p "$port" cluster info 2>/dev/null | grep -q '^cluster_state:ok' || return 1
  done
  # Three masters, each with its replica: a cluster missing one would still say ok.
  [ "$(redis-cli -h 127.0.0.1 -p "$base" cluster nodes 2>/dev/null | grep -c connected)" -eq 6 ] || return 1
  # Every replica holds its master's data: one that never synced cannot take over.
  [ "$(for port in $ports; do redis-cli -h 127.0.0.1 -p "$port" info replication; done 2>/dev/null |
    grep -c '^master_link_status:up')" -eq 3 ]
}

stop() {
  [ -d "$dir" ] || return 0
  pids=""
  for pidfile in "$dir"/redis-*.pid; do
    [ -e "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    # Only a redis-server: a stale file may name a PID since reused by something else.
    if grep -q redis-server "/proc/$pid/cmdline" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      pids="$pids $pid"
    fi
  done
  for pid in $pids; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
  done
  rm -rf "$dir"
}

start() {
  if healthy; then
    echo "Redis Cluster already up on 127.0.0.1:${base}-$((base + 5))"
    return 0
  fi
  # Half-started by an earlier run of this script: start over.
  stop
  for port in $ports; do
    if redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1; then
      echo "port $port is taken by a Redis this script did not start; pick another base port" >&2
      exit 1
    fi
  done
  mkdir -p "$dir"
  for port in $ports; do
    redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes \
      --cluster-config-file "nodes-$port.conf" --cluster-node-timeout 2000 \
      --repl-diskless-sync-delay 0 --shutdown-timeout 0 \
      --save "" --appendonly no --daemonize yes --dir "$dir" \
      --pidfile "$dir/redis-$port.pid" --logfile "$dir/redis-$port.log"
  done
  for port in $ports; do
    for _ in $(seq 1 50); do
      redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 && break
      sleep 0.1
    done
  done
  nodes=""
  for port in $ports; do nodes="$nodes 127.0.0.1:$port"; done
  # shellcheck disable=SC2086 # one argument per node
  redis-cli --cluster create $nodes --cluster-replicas 1 --cluster-yes >"$dir/create.log" 2>&1 || {
    cat "$dir/create.log" >&2
    stop
    exit 1
  }
  for _ in $(seq 1 100); do
    if healthy; then
      echo "Redis Cluster up on 127.0.0.1:${base}-$((base + 5)) (files in $dir)"
      return 0
    fi
    sleep 0.1
  done
  echo "Redis Cluster on 127.0.0.1:${base}-$((base + 5)) did not reach cluster_state:ok" >&2
  stop
  exit 1
}

case "$command" in
  start) start ;;
  stop) stop ;;
  status) healthy ;;
  *)
    echo "usage: $0 start|stop|status [base-port]" >&2
    exit 2
    ;;
esac
