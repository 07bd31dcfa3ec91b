#!/usr/bin/env bash
# Stops what docker/filters/start-local.sh DIR started (by the pids it wrote into DIR).
set -uo pipefail
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
DIR=$1
for name in rspamd clamd; do
    pidfile=$DIR/$name.pid
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid"
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
        echo "filters: $name (pid $pid) stopped"
    fi
    rm -f "$pidfile"
done
