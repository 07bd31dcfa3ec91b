#!/usr/bin/env bash
# Starts rspamd (spam) and clamd (viruses) for Mailwright on this machine, without Docker, with all their state
# (configuration, databases, logs, pid files) under DIR. Used by a server without Docker and by the tests.
#
#   docker/filters/start-local.sh DIR [--offline] [--rspamd HOST:PORT] [--controller HOST:PORT] [--clamd HOST:PORT]
#                                     [--only rspamd|clamd]
#   docker/filters/stop-local.sh DIR
#
# The defaults are the addresses conf/smtpserver.xml and conf/listeners.xml expect: rspamd's scanner on
# 127.0.0.1:11333, its controller (learning) on 127.0.0.1:11334, clamd on 127.0.0.1:3310.
#
# Signatures: clamd uses the signature databases in /var/lib/clamav when freshclam has downloaded some there (keep
# them fresh with the clamav-freshclam service, or `freshclam` from cron). Without any, it loads only a test
# signature for the EICAR test file, made here (DIR/clamav/db/mailwright-test.ndb), so that the setup can be
# checked; it says so. That is no protection against real viruses.
#
# --offline: rspamd asks no DNS server (or only RSPAMD_NAMESERVER, host:port, if set) and fetches nothing (no RBL, URL lists, fuzzy hashes, SPF/DKIM/DMARC of its
# own; Mailwright checks SPF, DKIM and DMARC itself), and the GTUBE test patterns for "add header" and "rewrite
# subject" are on. For the tests and for machines without network; a production filter runs without it.
#
# Needs the Debian packages rspamd and clamav-daemon. Prints the addresses and exits once both answer (or fails).
set -euo pipefail

usage() {
    echo "usage: $0 DIR [--offline] [--rspamd HOST:PORT] [--controller HOST:PORT] [--clamd HOST:PORT] [--only rspamd|clamd]" >&2
    exit 2
}

[ $# -ge 1 ] || usage
DIR=$1
shift
OFFLINE=no
RSPAMD_ADDR=127.0.0.1:11333
CONTROLLER_ADDR=127.0.0.1:11334
CLAMD_ADDR=127.0.0.1:3310
ONLY=
while [ $# -gt 0 ]; do
    case "$1" in
        --offline) OFFLINE=yes ;;
        --rspamd) RSPAMD_ADDR=${2:?}; shift ;;
        --controller) CONTROLLER_ADDR=${2:?}; shift ;;
        --clamd) CLAMD_ADDR=${2:?}; shift ;;
        --only) ONLY=${2:?}; shift ;;
        *) usage ;;
    esac
    shift
done

HERE=$(cd "$(dirname "$0")" && pwd)
case "$ONLY" in ""|rspamd|clamd) ;; *) usage ;; esac
want() { [ -z "$ONLY" ] || [ "$ONLY" = "$1" ]; }
for tool in rspamd clamd; do
    want "$tool" || continue
    command -v "$tool" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
    command -v "$tool" >/dev/null 2>&1 || { echo "$tool is not installed: apt-get install rspamd clamav-daemon" >&2; exit 1; }
done

mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
"$HERE/stop-local.sh" "$DIR" >/dev/null 2>&1 || true

say() {
    echo "filters: $*"
}

port_of() { echo "${1##*:}"; }
host_of() { echo "${1%:*}"; }

R=$DIR/rspamd
C=$DIR/clamav

# --- rspamd -----------------------------------------------------------------------------------------------------
start_rspamd() {
mkdir -p "$R/conf/local.d" "$R/db" "$R/run" "$R/log"
cp "$HERE"/rspamd/local.d/* "$R/conf/local.d/"
if [ "$OFFLINE" = yes ]; then
    # modules that ask DNS servers or fetch maps and hashes from the internet
    for module in fuzzy_check rbl phishing asn spf dkim dmarc arc emails whitelist maillist url_reputation; do
        echo 'enabled = false;' > "$R/conf/local.d/$module.conf"
    done
    # a resolver that does not exist (a closed local port): whatever still asks gets an immediate failure
    export RSPAMD_NAMESERVER=${RSPAMD_NAMESERVER:-127.0.0.1:9}
    export RSPAMD_TEST_PATTERNS=true
    # bayes from the very first learned message, so that the tests can see learning work
    export RSPAMD_MIN_LEARNS=${RSPAMD_MIN_LEARNS:-1}
fi
export RSPAMD_SCAN_BIND=$RSPAMD_ADDR
export RSPAMD_CONTROLLER_BIND=$CONTROLLER_ADDR
export RSPAMD_DBDIR=$R/db
RSPAMD_USER=()
if [ "$(id -u)" = 0 ]; then
    if can_use _rspamd; then
        chown -R _rspamd:_rspamd "$R"
        RSPAMD_USER=(-u _rspamd -g _rspamd)
    else
        RSPAMD_USER=(-i)
    fi
fi
nohup rspamd -f "${RSPAMD_USER[@]}" -c /etc/rspamd/rspamd.conf \
    --var="LOCAL_CONFDIR=$R/conf" --var="DBDIR=$R/db" --var="RUNDIR=$R/run" --var="LOGDIR=$R/log" \
    > "$R/log/rspamd.out" 2>&1 &
echo $! > "$DIR/rspamd.pid"
}

# --- clamd ------------------------------------------------------------------------------------------------------
start_clamd() {
mkdir -p "$C/db" "$C/tmp"
DB=/var/lib/clamav
if ! ls "$DB"/*.cvd "$DB"/*.cld >/dev/null 2>&1; then
    DB=$C/db
    # the EICAR test file (https://www.eicar.org) as an extended signature: the hex of its 68 bytes, anywhere
    eicar='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
    hex=$(printf '%s' "$eicar" | od -An -tx1 | tr -d ' \n')
    echo "Mailwright.Test.EICAR:0:*:$hex" > "$DB/mailwright-test.ndb"
    say "NO downloaded ClamAV signatures in /var/lib/clamav: clamd loads only the EICAR test signature ($DB/mailwright-test.ndb)."
    say "  It recognizes the EICAR test file and nothing else. For real protection run freshclam (clamav-freshclam)."
else
    say "clamd uses the signatures in $DB"
fi
cat > "$C/clamd.conf" <<EOF
# written by docker/filters/start-local.sh
Foreground yes
TCPSocket $(port_of "$CLAMD_ADDR")
TCPAddr $(host_of "$CLAMD_ADDR")
DatabaseDirectory $DB
TemporaryDirectory $C/tmp
LogFile $C/clamd.log
LogTime yes
PidFile $C/clamd.pid
ScanMail yes
ScanArchive yes
StreamMaxLength 50M
MaxFileSize 50M
MaxScanSize 100M
MaxThreads 4
ReadTimeout 30
CommandReadTimeout 10
SelfCheck 0
EOF
if [ "$(id -u)" = 0 ] && can_use clamav; then
    chown -R clamav "$C"
    echo "User clamav" >> "$C/clamd.conf"
fi
nohup clamd -c "$C/clamd.conf" > "$C/clamd.out" 2>&1 &
echo $! > "$DIR/clamd.pid"
}

# As root, each daemon runs as its own Debian user when that user can reach DIR (a private temporary folder,
# e.g. a test's, may not be reachable: then as root, on loopback only).
can_use() {
    id "$1" >/dev/null 2>&1 && command -v runuser >/dev/null 2>&1 && runuser -u "$1" -- test -x "$DIR"
}
if want rspamd; then start_rspamd; fi
if want clamd; then start_clamd; fi

# --- wait until both answer ---------------------------------------------------------------------------------------
rspamd_up() {
    { exec 3<>"/dev/tcp/$(host_of "$RSPAMD_ADDR")/$(port_of "$RSPAMD_ADDR")"; } 2>/dev/null || return 1
    printf 'GET /ping HTTP/1.0\r\n\r\n' >&3
    grep -q pong <&3
    local ok=$?
    exec 3<&-
    return $ok
}
clamd_up() {
    { exec 4<>"/dev/tcp/$(host_of "$CLAMD_ADDR")/$(port_of "$CLAMD_ADDR")"; } 2>/dev/null || return 1
    printf 'zPING\0' >&4
    local reply
    IFS= read -r -d '' reply <&4 || true
    exec 4<&-
    [ "$reply" = PONG ]
}
# the controller lists both Bayes statfiles: learning from Junk works (rspamd's scanner and controller processes
# create the SQLite files at the same moment on a first start; the loser of that race, seen once under load, ran
# without them and answered every learn "cannot find statfile backend")
bayes_ready() {
    { exec 5<>"/dev/tcp/$(host_of "$CONTROLLER_ADDR")/$(port_of "$CONTROLLER_ADDR")"; } 2>/dev/null || return 1
    printf 'GET /stat HTTP/1.0\r\n\r\n' >&5
    local count
    count=$(grep -o '"symbol":"BAYES_[A-Z]*"' <&5 | sort -u | wc -l)
    exec 5<&-
    [ "$count" -ge 2 ]
}
wait_rspamd() {
    local deadline=$((SECONDS + ${FILTERS_START_TIMEOUT:-120}))
    until rspamd_up; do
        if ! kill -0 "$(cat "$DIR/rspamd.pid")" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
            echo "rspamd did not start; its output ($R/log/rspamd.out):" >&2
            tail -n 20 "$R/log/rspamd.out" >&2
            "$HERE/stop-local.sh" "$DIR" >/dev/null 2>&1 || true
            exit 1
        fi
        sleep 0.3
    done
    local until_bayes=$((SECONDS + 10))
    until bayes_ready; do
        [ $SECONDS -lt $until_bayes ] || return 1
        sleep 0.3
    done
}
if want rspamd && ! wait_rspamd; then
    # the statistics files exist now: a second start opens them without a race
    say "rspamd's controller has no Bayes statistics yet; restarting rspamd once"
    pid=$(cat "$DIR/rspamd.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    start_rspamd
    wait_rspamd || say "WARNING: rspamd's controller still has no Bayes statistics ($R/log/): learning from Junk will fail"
fi
deadline=$((SECONDS + ${FILTERS_START_TIMEOUT:-120}))
until ! want clamd || clamd_up; do
    if ! kill -0 "$(cat "$DIR/clamd.pid")" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
        echo "clamd did not start; its output ($C/clamd.out, $C/clamd.log):" >&2
        tail -n 20 "$C/clamd.out" "$C/clamd.log" >&2 2>/dev/null || true
        # nothing left running: a half-started pair would hold its ports
        "$HERE/stop-local.sh" "$DIR" >/dev/null 2>&1 || true
        exit 1
    fi
    sleep 0.3
done
if want rspamd; then
    say "rspamd scanner http://$RSPAMD_ADDR, controller http://$CONTROLLER_ADDR (pid $(cat "$DIR/rspamd.pid")$( [ "$OFFLINE" = yes ] && echo ", offline"))"
fi
if want clamd; then
    say "clamd $CLAMD_ADDR (pid $(cat "$DIR/clamd.pid"))"
fi
say "stop them with: $HERE/stop-local.sh $DIR"
