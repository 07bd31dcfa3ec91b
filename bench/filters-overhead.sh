#!/usr/bin/env bash
# What the content filters (rspamd + ClamAV at the end of DATA, smtp-hooks README "content filters") cost per message
# on port 25: bench/run's inbound scenario (4 KiB, 20 connections, from "the internet" through the whole acceptance
# chain) twice, with the shipped configuration (filters on: rspamd and clamd started here by
# docker/filters/start-local.sh --offline on the default addresses) and with both filters turned off by
# configuration. Reported: bench/run's table for each (accepted and stored msg/s, server CPU per message, latency),
# plus the CPU that rspamd and clamd themselves spent per scanned message (their process trees, /proc, divided by
# rspamd's count of scanned messages).
#
# rspamd asks bench/run's dnsmasq (127.0.0.1:5354) for what it looks up (the client's reverse name...): no lookup
# leaves the machine, and none waits for a timeout.
#
# usage: sudo bench/filters-overhead.sh [messages per run] [runs]       (defaults 1000 and 2)
# needs: what bench/run needs, and the Debian packages rspamd and clamav-daemon
set -euo pipefail
cd "$(dirname "$0")/.."
MSGS=${1:-1000}
REPS=${2:-2}
STAMP=$(date +%Y%m%d-%H%M%S)
mkdir -p bench/results
FILTERS=$(mktemp -d /tmp/mailwright-filters-bench.XXXXXX)
chmod 755 "$FILTERS"
trap 'docker/filters/stop-local.sh "$FILTERS"' EXIT

# the benchmark's WebAdmin calls (provisioning, message counts) go without the administrator's token
NO_WEBADMIN_AUTH='webadmin.properties:(?m)^jwt.enabled=true$:jwt.enabled=false'
NO_WEBADMIN_KEY='webadmin.properties:(?m)^jwt.publickeypem.url=.*$:'

RSPAMD_NAMESERVER=127.0.0.1:5354 docker/filters/start-local.sh "$FILTERS" --offline

ticks_of_tree() {
    local total=0 pid
    for pid in "$@"; do
        [ -r "/proc/$pid/stat" ] || continue
        # utime + stime + cutime + cstime (fields 14-17, after the command name in parentheses)
        total=$((total + $(sed 's/^.*) //' "/proc/$pid/stat" | awk '{print $12 + $13 + $14 + $15}')))
        # shellcheck disable=SC2046
        total=$((total + $(ticks_of_tree $(pgrep -P "$pid" || true))))
    done
    echo $total
}
filter_ticks() {
    ticks_of_tree "$(cat "$FILTERS/rspamd.pid")" "$(cat "$FILTERS/clamd.pid")"
}
scanned() {
    curl -s http://127.0.0.1:11334/stat | python3 -c 'import json,sys; print(json.load(sys.stdin)["scanned"])'
}

echo "== filters on (shipped configuration)"
ticks_before=$(filter_ticks)
scanned_before=$(scanned)
bench/run --peers mailwright --scenarios inbound --quick --msgs "$MSGS" --reps "$REPS" --warmup 500 --content-filters \
    --conf-edit "$NO_WEBADMIN_AUTH" --conf-edit "$NO_WEBADMIN_KEY" --out "bench/results/$STAMP-filters-on.jsonl"
ticks=$(( $(filter_ticks) - ticks_before ))
count=$(( $(scanned) - scanned_before ))

echo "== filters off (empty rspamdUrl and clamdAddress)"
bench/run --peers mailwright --scenarios inbound --quick --msgs "$MSGS" --reps "$REPS" --warmup 500 \
    --conf-edit 'smtpserver.xml:<rspamdUrl>[^<]*</rspamdUrl>:<rspamdUrl></rspamdUrl>' \
    --conf-edit 'smtpserver.xml:<clamdAddress>[^<]*</clamdAddress>:<clamdAddress></clamdAddress>' \
    --conf-edit "$NO_WEBADMIN_AUTH" --conf-edit "$NO_WEBADMIN_KEY" \
    --out "bench/results/$STAMP-filters-off.jsonl"

hz=$(getconf CLK_TCK)
python3 - "$ticks" "$count" "$hz" <<'PY'
import sys
ticks, count, hz = (int(v) for v in sys.argv[1:])
print(f"rspamd + clamd: {ticks / hz:.1f} s CPU for {count} scanned messages = "
      f"{(ticks / hz * 1000 / count) if count else float('nan'):.2f} ms CPU per message (their own processes)")
PY
