#!/usr/bin/env bash
# Builds the Mailwright image mailwright:<version> (also tagged mailwright:latest) from this source tree:
#   1. the server distribution with Maven (server/target/mailwright-<version>/), unless --skip-maven;
#   2. the base image: BASE_IMAGE if given; else the public eclipse-temurin:17-jre when it is present locally or a
#      container registry answers within a few seconds; else the local base built by docker/build-base-image.sh
#      (Debian's packages only, once, then reused);
#   3. docker/Dockerfile over a staged context (target/docker-context/).
#
#   docker/build-image.sh [--skip-maven] [--local-base]
#
# Environment: BASE_IMAGE (force a base), MAVEN_ARGS (extra Maven arguments, e.g. -Dmaven.repo.local=...).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
IMAGE=mailwright
PUBLIC_BASE=eclipse-temurin:17-jre
LOCAL_BASE=${MAILWRIGHT_BASE_IMAGE:-mailwright-base:bookworm-jre17}

die() {
    echo "build-image: $*" >&2
    exit 1
}

skip_maven=false
local_base=false
for arg in "$@"; do
    case "$arg" in
        --skip-maven) skip_maven=true ;;
        --local-base) local_base=true ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) die "unknown option $arg (see --help)" ;;
    esac
done

command -v docker >/dev/null 2>&1 || die "docker is not installed (apt-get install docker.io)"
docker info >/dev/null 2>&1 || die "the Docker engine does not answer (is dockerd running? docker info shows why)"

VERSION=$(sed -n 's:^    <version>\(.*\)</version>:\1:p' "$ROOT/pom.xml" | head -n 1)
[ -n "$VERSION" ] || die "cannot read the version from $ROOT/pom.xml"
DIST="$ROOT/server/target/mailwright-$VERSION"

if ! $skip_maven; then
    command -v mvn >/dev/null 2>&1 || die "Maven is required to build the server (apt-get install maven)"
    echo "build-image: building the server distribution (mvn -B -q -DskipTests package -pl server -am)"
    # shellcheck disable=SC2086
    (cd "$ROOT" && mvn -B -q ${MAVEN_ARGS:-} -DskipTests package -pl server -am) || die "the Maven build failed (output above)"
fi
[ -f "$DIST/lib/mailwright-server-$VERSION.jar" ] || die "no server distribution in $DIST: run without --skip-maven"

# A registry is usable when it answers at all (401 without credentials is an answer); no answer in 5 s means
# this machine is offline or firewalled, and pulling would only hang in retries.
registry_reachable() {
    command -v curl >/dev/null 2>&1 || return 1
    curl -s -o /dev/null --connect-timeout 5 --max-time 5 https://registry-1.docker.io/v2/
}

if [ -n "${BASE_IMAGE:-}" ]; then
    base=$BASE_IMAGE
elif ! $local_base && docker image inspect "$PUBLIC_BASE" >/dev/null 2>&1; then
    base=$PUBLIC_BASE
elif ! $local_base && registry_reachable; then
    echo "build-image: a registry answers: using $PUBLIC_BASE"
    docker pull -q "$PUBLIC_BASE" >/dev/null || die "pulling $PUBLIC_BASE failed"
    base=$PUBLIC_BASE
else
    $local_base || echo "build-image: no container registry reachable: using the local base $LOCAL_BASE"
    MAILWRIGHT_BASE_IMAGE=$LOCAL_BASE "$ROOT/docker/build-base-image.sh"
    base=$LOCAL_BASE
fi

# The context holds only what the image needs (the source tree is large); third-party jars and ours are apart so
# that a code change rebuilds a small layer, not the 90 MB of libraries.
CONTEXT="$ROOT/target/docker-context"
rm -rf "$CONTEXT"
mkdir -p "$CONTEXT/lib" "$CONTEXT/lib-mailwright"
cp -R "$DIST/bin" "$DIST/conf" "$DIST/extensions-jars" "$CONTEXT/"
cp "$DIST"/lib/*.jar "$CONTEXT/lib/"
mv "$CONTEXT"/lib/mailwright-*.jar "$CONTEXT/lib-mailwright/"
cp -R "$ROOT/docker/image" "$CONTEXT/image"
cp "$ROOT/mailwright" "$CONTEXT/mailwright"

echo "build-image: building $IMAGE:$VERSION on $base"
docker build -q --force-rm -f "$ROOT/docker/Dockerfile" --build-arg BASE_IMAGE="$base" --build-arg VERSION="$VERSION" \
    -t "$IMAGE:$VERSION" "$CONTEXT" >/dev/null
docker tag "$IMAGE:$VERSION" "$IMAGE:latest"
docker image ls "$IMAGE"
