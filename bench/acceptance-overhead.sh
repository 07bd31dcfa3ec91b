#!/usr/bin/env bash
# How much the acceptance policy (smtp-hooks) costs in inbound acceptance rate and server CPU.
#
# Two servers from the built distribution run side by side on loopback, with the shipped conf/:
#   without  - the acceptance policy handlers removed from conf/smtpserver.xml (everything else identical)
#   with     - the shipped handler chain: rate limits, SPF, DKIM/DMARC + Authentication-Results, anti-spoofing
# Postfix smtp-source sends to one then the other, alternately (ABBA order), each run starting when the server has
# delivered everything of the previous one. Measured per run: accept rate (messages / smtp-source wall time) and server CPU
# (user+system of the JVM, /proc/PID/stat) per message from the start of the run until every message is stored.
# CPU per message is the steadier figure on a shared machine; the accept rate is what the issue asks for.
#
# To make the client an "outside" client that every check applies to, 127.0.0.1 is removed from
# <authorizedAddresses> and from the rate limits' <exemptNetworks>, and the rate limits (and James's
# connectionLimitPerIP) are raised above the load: a benchmark is one client sending thousands of messages a minute
# over 20 connections. DNS is answered locally by dnsmasq on 127.0.0.53 (the sender domain has SPF pass and
# DMARC p=none; TTL 300).
#
# usage: bench/acceptance-overhead.sh [messages per run] [runs per server]     (defaults 2000 and 4)
# needs: root (dnsmasq on port 53), dnsmasq, smtp-source (postfix), curl, python3, the distribution built with
#        mvn -B -pl server -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
MESSAGES=${1:-2000}
RUNS=${2:-4}
CONCURRENCY=20
SIZE=4096
DIST=$(ls -d server/target/mailwright-*/ 2>/dev/null | head -n 1)
[ -n "$DIST" ] || { echo "build the distribution first: mvn -B -pl server -am package -DskipTests" >&2; exit 1; }
WORK=$(mktemp -d /tmp/mailwright-bench.XXXXXX)
DNS_IP=127.0.0.53
declare -A OFFSET=([without]=0 [with]=1)
declare -A PID EXPECTED
cleanup() {
    for name in "${!PID[@]}"; do kill "${PID[$name]}" 2>/dev/null || true; done
    [ -f "$WORK/dnsmasq.pid" ] && kill "$(cat "$WORK/dnsmasq.pid")" 2>/dev/null || true
}
trap cleanup EXIT

cat > "$WORK/dnsmasq.conf" <<DNS
port=53
listen-address=$DNS_IP
bind-interfaces
no-resolv
no-hosts
no-poll
local=/test/
local-ttl=300
pid-file=$WORK/dnsmasq.pid
txt-record=outside.test,"v=spf1 ip4:127.0.0.0/8 -all"
txt-record=_dmarc.outside.test,"v=DMARC1; p=none"
DNS
dnsmasq -C "$WORK/dnsmasq.conf"

smtp_port() { echo $((2525 + ${OFFSET[$1]})); }
webadmin_port() { echo $((8025 + ${OFFSET[$1]})); }
imap_port() { echo $((2143 + ${OFFSET[$1]})); }

# conf/ for one configuration: listeners on private ports, DNS on dnsmasq, 127.0.0.1 not trusted
make_conf() {
    local name=$1 dir=$WORK/$1
    mkdir -p "$dir"
    cp -r conf "$dir/conf"
    python3 - "$dir/conf" "$name" "${OFFSET[$name]}" "$DNS_IP" <<'PY'
import re, sys, pathlib
conf, name, offset, dns = pathlib.Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
ports = {'25': 2525, '587': 2587, '465': 2465, '143': 2143, '993': 2993, '24': 2024}
for f in ['smtpserver.xml', 'imapserver.xml', 'lmtpserver.xml']:
    p = conf / f
    p.write_text(re.sub(r'<bind>[^<:]+:(\d+)</bind>', lambda m: '<bind>127.0.0.1:%d</bind>' % (ports[m.group(1)] + offset), p.read_text()))
s = (conf / 'smtpserver.xml').read_text()
s = s.replace('<authorizedAddresses>127.0.0.1/32, ::1/128</authorizedAddresses>', '<authorizedAddresses>::1/128</authorizedAddresses>')
s = s.replace('<exemptNetworks>127.0.0.1/32, ::1/128</exemptNetworks>', '<exemptNetworks>::1/128</exemptNetworks>')
s = s.replace('<connectionLimitPerIP>20</connectionLimitPerIP>', '<connectionLimitPerIP>1000</connectionLimitPerIP>')
for limit in ['connectionsPerClient', 'messagesPerClient', 'messagesPerSender']:
    s = re.sub(r'<%s>[^<]*</%s>' % (limit, limit), '<%s>1000000/1m</%s>' % (limit, limit), s)
if name == 'without':
    s = re.sub(r'\s*<handler class="dev\.mailwright\.smtp\.(rate|spf|dmarc|spoof|policy|greylist)\.[A-Za-z]+"(/>|>.*?</handler>)', '', s, flags=re.S)
    s = re.sub(r'\s*<handler class="dev\.mailwright\.smtp\.auth\.AuthFailureGuard">.*?</handler>', '', s, flags=re.S)
(conf / 'smtpserver.xml').write_text(s)
(conf / 'dnsservice.xml').write_text('<dnsservice><servers><server>%s</server></servers><autodiscover>false</autodiscover>'
    '<timeout>2000</timeout><setAsDNSJavaDefault>true</setAsDNSJavaDefault></dnsservice>' % dns)
w = conf / 'webadmin.properties'
w.write_text(re.sub(r'(?m)^port=\d+$', 'port=%d' % (8025 + offset), w.read_text()))
PY
    echo "== $name: policy handlers in smtpserver.xml: $(grep -c 'class="dev.mailwright.smtp.\(rate\|spf\|dmarc\|spoof\|policy\)' "$dir/conf/smtpserver.xml")"
}

# WebAdmin with the administrator's token the server created in its data folder at first start
admin() {
    local name=$1 path=$2; shift 2
    curl -H "Authorization: Bearer $(cat "$WORK/$name/var/webadmin/admin.token")" "$@" "http://127.0.0.1:$(webadmin_port "$name")$path"
}

inbox_count() {
    admin "$1" /users/bob@example.test/mailboxes/INBOX/messageCount -s || echo 0
}

wait_drained() {
    for _ in $(seq 1 4500); do [ "$(inbox_count "$1")" -ge "${EXPECTED[$1]}" ] && return; sleep 0.2; done
    echo "$1: only $(inbox_count "$1") of ${EXPECTED[$1]} messages stored after 15 minutes" >&2; exit 1
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

start_server() {
    local name=$1 dir=$WORK/$1
    MAILWRIGHT_HOSTNAME=mail.example.test "$DIST/bin/mailwright-server" --conf "$dir/conf" --data "$dir/var" > "$dir/server.log" 2>&1 &
    PID[$name]=$!
    for _ in $(seq 1 180); do grep -q "Mailwright started" "$dir/server.log" && break; sleep 1; done
    grep -q "Mailwright started" "$dir/server.log" || { echo "$name did not start, see $dir/server.log" >&2; exit 1; }
    admin "$name" /domains/example.test -sf -X PUT
    admin "$name" /users/bob@example.test -sf -X PUT -H 'Content-Type: application/json' -d '{"password":"bench"}'
    EXPECTED[$name]=0
}

send() {
    local name=$1 count=$2
    timeout 900 smtp-source -m "$count" -s $CONCURRENCY -l $SIZE -f a@outside.test -t bob@example.test \
        "127.0.0.1:$(smtp_port "$name")"
    EXPECTED[$name]=$((${EXPECTED[$name]} + count))
}

measure() {
    local name=$1 run=$2 start end stored ticks_before ticks_after
    wait_drained "$name"
    ticks_before=$(cpu_ticks "${PID[$name]}")
    start=$(date +%s.%N)
    send "$name" "$MESSAGES"
    end=$(date +%s.%N)
    wait_drained "$name"
    stored=$(date +%s.%N)
    ticks_after=$(cpu_ticks "${PID[$name]}")
    python3 -c "
import sys, os
s, e, st, m, t = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
print('%-7s run %s: %d messages accepted in %6.2f s = %6.1f msg/s; stored %6.1f msg/s; server CPU %5.2f ms/msg'
      % (sys.argv[6], sys.argv[7], m, e - s, m / (e - s), m / (st - s), t * 1000.0 / os.sysconf('SC_CLK_TCK') / m))
" "$start" "$end" "$stored" "$MESSAGES" "$((ticks_after - ticks_before))" "$name" "$run" | tee -a "$WORK/results.txt"
}

make_conf without
make_conf with
start_server without
start_server with
for name in without with; do send "$name" 500; done   # warm-up, not measured
for run in $(seq 1 "$RUNS"); do
    # alternate which server goes first, so that order effects (the other one's background work) cancel out
    if [ $((run % 2)) = 1 ]; then order="without with"; else order="with without"; fi
    for name in $order; do measure "$name" "$run"; done
done
for name in without with; do
    wait_drained "$name"
    echo "$name: $(inbox_count "$name") of ${EXPECTED[$name]} messages stored; last message: $(curl -sk --ssl-reqd \
        "imap://127.0.0.1:$(imap_port "$name")/INBOX;UID=${EXPECTED[$name]};SECTION=HEADER" -u bob@example.test:bench \
        | tr -d '\r' | sed -n '/^Authentication-Results:/,/^[^[:space:]]/p' | grep '^\(Authentication-Results\|[[:space:]]\)' \
        | tr -d '\t' | tr '\n' ' ')" | tee -a "$WORK/results.txt"
done
echo "== results: $MESSAGES messages x $RUNS runs per server, $CONCURRENCY connections, $SIZE-byte bodies, work dir $WORK"
python3 - "$WORK/results.txt" <<'PY'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    m = re.match(r'(\w+)\s+run \d+: .* = +([\d.]+) msg/s; stored +([\d.]+) msg/s; server CPU +([\d.]+) ms/msg', line)
    if m:
        rows.setdefault(m.group(1), []).append(tuple(float(m.group(i)) for i in (2, 3, 4)))
median = lambda name, i: statistics.median(v[i] for v in rows[name])
for name in rows:
    print('%-7s median %6.1f msg/s accepted, %6.1f msg/s stored, %5.2f ms CPU/msg' % (name, median(name, 0), median(name, 1), median(name, 2)))
if 'with' in rows and 'without' in rows:
    print('with the acceptance policy: accept rate %+.1f%%, stored rate %+.1f%%, server CPU per message %+.1f%%' % tuple(
        (median('with', i) / median('without', i) - 1) * 100 for i in range(3)))
PY
