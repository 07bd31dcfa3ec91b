#!/usr/bin/env bash
# Builds the local base image for docker/Dockerfile on a machine that cannot reach a container registry:
#   1. a Debian bookworm root filesystem made by debootstrap (from Debian's package mirror, not a registry),
#   2. imported into Docker as mailwright-rootfs:bookworm,
#   3. docker/base/Dockerfile on top of it: the JRE 17, curl and setcap from Debian's packages.
# The result, mailwright-base:bookworm-jre17, is reused by every later image build: it is built once (about two
# minutes) and kept. --rebuild builds it again (e.g. for Debian security updates).
#
#   docker/build-base-image.sh [--rebuild]
#
# Needs root (debootstrap), a running Docker engine and the debootstrap package.
# Environment: MAILWRIGHT_BASE_IMAGE (name of the result), MAILWRIGHT_DEBIAN_MIRROR (default http://deb.debian.org/debian).
set -euo pipefail

DOCKER_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BASE_IMAGE=${MAILWRIGHT_BASE_IMAGE:-mailwright-base:bookworm-jre17}
ROOTFS_IMAGE=mailwright-rootfs:bookworm
MIRROR=${MAILWRIGHT_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${MAILWRIGHT_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}

die() {
    echo "build-base-image: $*" >&2
    exit 1
}

rebuild=false
case "${1:-}" in
    "") ;;
    --rebuild) rebuild=true ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
esac

docker info >/dev/null 2>&1 || die "the Docker engine does not answer (is dockerd running? docker info shows why)"

if ! $rebuild && docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    echo "build-base-image: $BASE_IMAGE exists, reusing it (--rebuild to build it again)"
    exit 0
fi

if $rebuild || ! docker image inspect "$ROOTFS_IMAGE" >/dev/null 2>&1; then
    [ "$(id -u)" = 0 ] || die "debootstrap needs root: run this script as root (or with sudo)"
    command -v debootstrap >/dev/null 2>&1 || die "debootstrap is missing: apt-get install debootstrap"
    rootfs=$(mktemp -d /var/tmp/mailwright-rootfs.XXXXXX)
    trap 'rm -rf "$rootfs"' EXIT
    echo "build-base-image: debootstrap bookworm (minbase) from $MIRROR into $rootfs"
    debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR" > "$rootfs.log" 2>&1 \
        || { tail -n 20 "$rootfs.log" >&2; die "debootstrap failed (full log: $rootfs.log)"; }
    rm -f "$rootfs.log"
    # security updates and point releases, like the official Debian images
    cat > "$rootfs/etc/apt/sources.list" <<SOURCES
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb $SECURITY_MIRROR bookworm-security main
SOURCES
    # no documentation, manual pages or translations in the image: smaller, nothing of it is used
    cat > "$rootfs/etc/dpkg/dpkg.cfg.d/01-mailwright-nodoc" <<'NODOC'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
NODOC
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/*/[!c]* \
        "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/*
    echo "build-base-image: importing the root filesystem as $ROOTFS_IMAGE"
    tar -C "$rootfs" -c . | docker import --change 'ENV LANG=C.UTF-8' --change 'CMD ["/bin/bash"]' - "$ROOTFS_IMAGE" >/dev/null
    rm -rf "$rootfs"
    trap - EXIT
fi

echo "build-base-image: building $BASE_IMAGE (JRE 17 from Debian's packages)"
docker build -q --force-rm -t "$BASE_IMAGE" --build-arg ROOTFS_IMAGE="$ROOTFS_IMAGE" "$DOCKER_DIR/base" >/dev/null
docker image ls "$BASE_IMAGE"
