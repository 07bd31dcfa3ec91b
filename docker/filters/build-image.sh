#!/usr/bin/env bash
# Builds mailwright-filters:latest (rspamd and clamd from Debian's packages, docker/filters/Dockerfile). On the public
# debian:bookworm-slim when a registry is reachable, else on the local Debian images docker/build-base-image.sh
# makes (their apt sources reach Debian's mirrors).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BASE=${MAILWRIGHT_FILTERS_BASE_IMAGE:-}
if [ -z "$BASE" ]; then
    if docker image inspect debian:bookworm-slim >/dev/null 2>&1 || timeout 20 docker pull -q debian:bookworm-slim >/dev/null 2>&1; then
        BASE=debian:bookworm-slim
    elif docker image inspect mailwright-rootfs:bookworm >/dev/null 2>&1; then
        # the plain Debian root file system docker/build-base-image.sh makes on its way
        BASE=mailwright-rootfs:bookworm
    else
        BASE=${MAILWRIGHT_BASE_IMAGE:-mailwright-base:bookworm-jre17}
        docker image inspect "$BASE" >/dev/null 2>&1 || { echo "build-image: no base image: run docker/build-base-image.sh first" >&2; exit 1; }
    fi
fi
echo "build-image: mailwright-filters:latest on $BASE"
docker build -q --build-arg BASE_IMAGE="$BASE" -t mailwright-filters:latest "$HERE"
