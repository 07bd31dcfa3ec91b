#!/usr/bin/env bash
# The story of an email, between two organizations, on this machine, in one command:
#   alice@org-a.test writes to bob@org-b.test. Her server (mx.org-a.test) looks up the MX record of org-b.test in
#   DNS, hands the mail over SMTP to bob's server (mx.org-b.test), and bob reads it over IMAP.
# Each step prints its evidence. The exit status is non-zero if the mail does not arrive.
#
#   docker/two-orgs/demo.sh [--keep]     --keep: leave the world running afterwards (the last line says how to stop it)
#
# Needs Docker with "docker compose" (v2) or docker-compose (v1), and swaks and curl on this machine. Builds the
# Mailwright image first when there is none (docker/build-image.sh).
# Environment: the variables of compose.yaml; TWO_ORGS_PROJECT (compose project name, default mailwright-two-orgs).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PROJECT=${TWO_ORGS_PROJECT:-mailwright-two-orgs}
export MAILWRIGHT_IMAGE=${MAILWRIGHT_IMAGE:-mailwright:latest}
export TWO_ORGS_NET=${TWO_ORGS_NET:-10.53.0}
export ORG_A_SUBMISSION_PORT=${ORG_A_SUBMISSION_PORT:-10587}
export ORG_B_IMAP_PORT=${ORG_B_IMAP_PORT:-11143}
ALICE_PASSWORD="alice-$RANDOM$RANDOM"
BOB_PASSWORD="bob-$RANDOM$RANDOM"
SUBJECT="Lunch on Friday? ($(date -u +%H:%M:%S))"
ORG_A_ADDRESS="$TWO_ORGS_NET.10"

keep=false
case "${1:-}" in
    "") ;;
    --keep) keep=true ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "demo.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
esac

step() {
    printf '\n=== %s\n' "$*"
}

indent() {
    sed 's/^/    /'
}

if docker compose version >/dev/null 2>&1; then
    COMPOSE=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
    COMPOSE=(docker-compose)
else
    echo "demo.sh: neither 'docker compose' nor docker-compose is installed (apt-get install docker-compose)" >&2
    exit 1
fi

compose() {
    "${COMPOSE[@]}" -p "$PROJECT" -f "$HERE/compose.yaml" "$@"
}

fail() {
    echo
    echo "FAILED: $*" >&2
    echo "--- last log lines of each container:" >&2
    compose logs --no-color --tail 30 >&2 || true
    exit 1
}

cleanup() {
    if $keep; then
        echo
        echo "The world keeps running: alice@org-a.test / $ALICE_PASSWORD (submission 127.0.0.1:$ORG_A_SUBMISSION_PORT," \
            "IMAP 127.0.0.1:${ORG_A_IMAP_PORT:-10143}), bob@org-b.test / $BOB_PASSWORD (submission" \
            "127.0.0.1:${ORG_B_SUBMISSION_PORT:-11587}, IMAP 127.0.0.1:$ORG_B_IMAP_PORT)."
        echo "Stop it with: ${COMPOSE[*]} -p $PROJECT -f $HERE/compose.yaml down -v"
    else
        compose down -v --remove-orphans >/dev/null 2>&1 || true
    fi
}

# wait_for SECONDS DESCRIPTION COMMAND...: runs COMMAND every second until it succeeds
wait_for() {
    local seconds=$1 description=$2
    shift 2
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        [ $SECONDS -lt $deadline ] || fail "$description (waited ${seconds} s)"
        sleep 1
    done
}

logs_of() {
    docker logs "$(compose ps -q "$1")" 2>&1
}

healthy() {
    local id
    id=$(compose ps -q "$1")
    [ -n "$id" ] && [ "$(docker inspect -f '{{.State.Health.Status}}' "$id")" = healthy ]
}

for tool in docker swaks curl; do
    command -v "$tool" >/dev/null 2>&1 || { echo "demo.sh: $tool is required (apt-get install $tool)" >&2; exit 1; }
done
docker info >/dev/null 2>&1 || { echo "demo.sh: the Docker engine does not answer (is dockerd running?)" >&2; exit 1; }

step "0. The Mailwright image"
if ! docker image inspect "$MAILWRIGHT_IMAGE" >/dev/null 2>&1; then
    echo "    $MAILWRIGHT_IMAGE does not exist yet: building the image (docker/build-image.sh)"
    "$ROOT/docker/build-image.sh" 2>&1 | indent
    docker image inspect "$MAILWRIGHT_IMAGE" >/dev/null 2>&1 \
        || { echo "demo.sh: $MAILWRIGHT_IMAGE still does not exist (build-image.sh makes mailwright:latest)" >&2; exit 1; }
fi
# the DNS container is built on the same base as the Mailwright image: nothing to pull
if [ -z "${MAILWRIGHT_BASE_IMAGE:-}" ]; then
    MAILWRIGHT_BASE_IMAGE=$(docker image inspect -f '{{index .Config.Labels "org.opencontainers.image.base.name"}}' "$MAILWRIGHT_IMAGE")
    export MAILWRIGHT_BASE_IMAGE
fi
docker image ls --format '    {{.Repository}}:{{.Tag}}  {{.Size}}  created {{.CreatedSince}}' "$MAILWRIGHT_IMAGE"
echo "    base image: $MAILWRIGHT_BASE_IMAGE"

trap cleanup EXIT
step "1. Starting the world: a DNS server and two organizations' mail servers on a private network ($TWO_ORGS_NET.0/24)"
compose down -v --remove-orphans >/dev/null 2>&1 || true
compose build -q dns 2>&1 | grep -v "DEPRECATED\|buildx\|^ *Install the buildx\|^ *https://docs.docker.com\|^$" | indent || true
compose up -d 2>&1 | indent
wait_for 300 "mx.org-a.test did not become healthy" healthy org-a
wait_for 300 "mx.org-b.test did not become healthy" healthy org-b
echo "    dns    $TWO_ORGS_NET.53  dnsmasq"
echo "    org-a  $TWO_ORGS_NET.10  mx.org-a.test  (alice submits on 127.0.0.1:$ORG_A_SUBMISSION_PORT -> 587)  healthy"
echo "    org-b  $TWO_ORGS_NET.20  mx.org-b.test  (bob reads on 127.0.0.1:$ORG_B_IMAP_PORT -> 143)  healthy"

step "2. DNS: where does mail for org-b.test go? (the world's DNS server answers)"
{
    echo "\$ dig MX org-b.test      -> $(compose exec -T dns dig +short @127.0.0.1 MX org-b.test | tr '\n' ' ')"
    echo "\$ dig A mx.org-b.test    -> $(compose exec -T dns dig +short @127.0.0.1 A mx.org-b.test | tr '\n' ' ')"
} | indent

step "3. Accounts: alice at org-a, bob at org-b (through each server's admin command)"
printf '%s\n' "$ALICE_PASSWORD" | compose exec -T org-a mailwright admin user add alice@org-a.test | indent
printf '%s\n' "$BOB_PASSWORD" | compose exec -T org-b mailwright admin user add bob@org-b.test | indent
echo "    local domains of org-a: $(compose exec -T org-a mailwright admin domain list | tr -d '\r' | tr '\n' ' ')" 
echo "    local domains of org-b: $(compose exec -T org-b mailwright admin domain list | tr -d '\r' | tr '\n' ' ')"

step "4. alice sends a mail to bob through her server's submission port 587 (STARTTLS, then AUTH)"
swaks_log=$(mktemp)
if ! swaks --server "127.0.0.1:$ORG_A_SUBMISSION_PORT" -tls --auth PLAIN \
        --auth-user alice@org-a.test --auth-password "$ALICE_PASSWORD" \
        --from alice@org-a.test --to bob@org-b.test --h-Subject "$SUBJECT" \
        --body "Hi Bob, shall we meet at noon? Alice" --suppress-data > "$swaks_log" 2>&1; then
    indent < "$swaks_log"
    fail "org-a did not accept alice's mail"
fi
grep -E '^ *(<-|->|<~|~>)' "$swaks_log" | sed -E 's/^( *~> AUTH PLAIN) .*/\1 <credentials hidden>/' | indent
rm -f "$swaks_log"

step "5. org-a accepted it (org-a's transaction log)"
wait_for 30 "org-a logged no accepted transaction from alice" sh -c "docker logs $(compose ps -q org-a) 2>&1 | grep -q 'smtp outcome=accepted.*from=<alice@org-a.test>'"
logs_of org-a | grep 'smtp outcome=accepted.*from=<alice@org-a.test>' | sed 's/^.* - //' | indent

step "6. org-a asked DNS for the MX of org-b.test (the DNS server's log: the query and its answer)"
wait_for 60 "org-a did not look up the MX of org-b.test" sh -c "docker logs $(compose ps -q dns) 2>&1 | grep -q 'query\[MX\] org-b.test from $ORG_A_ADDRESS'"
# org-a's queries about org-b and the answers that follow each of them
logs_of dns | sed 's/^dnsmasq\[[0-9]*\]: //' \
    | awk -v from="from $ORG_A_ADDRESS" '/^query\[/ { on = (index($0, from) > 0 && $0 ~ /org-b\.test/) } on' | indent

step "7. org-a handed the mail to org-b over SMTP on port 25 (org-b's transaction log)"
wait_for 60 "org-b logged no mail from org-a for bob" sh -c "docker logs $(compose ps -q org-b) 2>&1 | grep -q 'smtp outcome=accepted.*client=$ORG_A_ADDRESS.*to=<bob@org-b.test>'"
logs_of org-b | grep "smtp outcome=accepted.*client=$ORG_A_ADDRESS.*to=<bob@org-b.test>" | sed 's/^.* - //' | indent

step "8. bob reads his INBOX over IMAP (STARTTLS) at org-b"
imap() {
    curl -sSk --ssl-reqd --max-time 20 -u "bob@org-b.test:$BOB_PASSWORD" "$@"
}
has_mail() {
    imap "imap://127.0.0.1:$ORG_B_IMAP_PORT/INBOX" -X 'STATUS INBOX (MESSAGES)' | grep -Eq 'MESSAGES [1-9]'
}
wait_for 60 "bob's INBOX stayed empty" has_mail
echo "    $(imap "imap://127.0.0.1:$ORG_B_IMAP_PORT/INBOX" -X 'STATUS INBOX (MESSAGES)' | tr -d '\r')"
message=$(imap "imap://127.0.0.1:$ORG_B_IMAP_PORT/INBOX;UID=1" | tr -d '\r')
echo "    The Received: chain, newest first (each server that handled the mail adds one on top):"
printf '%s\n' "$message" | awk '/^$/ { exit } /^Received:/ { on = 1; print; next } /^[ \t]/ && on { print; next } { on = 0 }' | indent
printf '%s\n' "$message" | grep -E '^(From|To|Subject):' | indent
printf '%s\n' "$message" | grep -qF "Subject: $SUBJECT" || fail "bob's INBOX does not hold alice's mail"

step "Done: alice@org-a.test -> mx.org-a.test -> (DNS: MX org-b.test = mx.org-b.test) -> SMTP -> mx.org-b.test -> bob's INBOX"
