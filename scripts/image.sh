#!/usr/bin/env bash
# Builds CellHub's JVM image (src/main/docker/Dockerfile.jvm) from target/quarkus-app with podman and
# tags it as deploy/kubernetes expects: docker.io/cellhub/cellhub:<project version>. Run
# `./mvnw -B package -DskipTests` first. As root (debootstrap, and podman's own storage).
#
#   scripts/image.sh                 the UBI base when its registry answers, else the Debian one
#   scripts/image.sh --base debian   always the base built from Debian's packages
#   scripts/image.sh --base ubi      always Red Hat's UBI 9 OpenJDK 17 runtime (needs its registry)
#   scripts/image.sh --stand-ins     also the Mosquitto and PostgreSQL images deploy/kubernetes names:
#                                    test stand-ins built from Debian's packages (deploy/podman/), unless
#                                    the real images are in podman's storage already
#   scripts/image.sh --no-app        not CellHub's image (so no target/quarkus-app needed): with
#                                    --stand-ins, only those
#
# The Debian base: `debootstrap --variant=minbase --include=openjdk-17-jre-headless bookworm` from the
# machine's Debian mirror (CELLHUB_DEBIAN_MIRROR overrides it), imported as
# localhost/cellhub/debian-rootfs-jre17:bookworm, then src/main/docker/Dockerfile.debian-jre on it:
# localhost/cellhub/debian-jre17:bookworm. Each root file system is kept as a tar file in
# CELLHUB_IMAGE_CACHE (default /var/cache/cellhub/images) and in podman's storage; a later run uses
# whichever is still there and bootstraps only when both are gone (--rebootstrap forces it).
#
# podman runs with CONTAINERS_CONF=deploy/podman/containers.conf unless CONTAINERS_CONF is set: the
# runc runtime and explicit ulimits (see that file for why).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export CONTAINERS_CONF=${CONTAINERS_CONF:-$ROOT/deploy/podman/containers.conf}
CACHE=${CELLHUB_IMAGE_CACHE:-/var/cache/cellhub/images}
SUITE=bookworm
UBI=registry.access.redhat.com/ubi9/openjdk-17-runtime:1.23
DEBIAN_JRE=localhost/cellhub/debian-jre17:$SUITE
# Bump when the way a root file system is made changes, so that cached ones are made anew.
RECIPE=1

BASE=auto APP=true STAND_INS=false REBOOTSTRAP=false
while [ $# -gt 0 ]; do
  case "$1" in
    --base) BASE=${2:?--base needs auto, debian or ubi}; shift ;;
    --stand-ins) STAND_INS=true ;;
    --no-app) APP=false ;;
    --rebootstrap) REBOOTSTRAP=true ;;
    *) echo "unknown option $1 (see the comment at the top of $0)" >&2; exit 2 ;;
  esac
  shift
done
case "$BASE" in auto|debian|ubi) ;; *) echo "--base takes auto, debian or ubi, not $BASE" >&2; exit 2 ;; esac

fail() { echo "image.sh: $*" >&2; exit 1; }
log() { echo "image.sh: $*" >&2; }
command -v podman >/dev/null || fail "podman is missing: apt-get install podman buildah runc (see deploy/README.md)"

debian_mirror() {
  if [ -n "${CELLHUB_DEBIAN_MIRROR:-}" ]; then echo "$CELLHUB_DEBIAN_MIRROR"; return; fi
  local uri
  uri=$( (grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}'
          grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | awk '{print $2}') \
        | grep -m1 -E '/debian/?$' || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

# rootfs_image NAME PACKAGES: localhost/cellhub/debian-rootfs-NAME:bookworm, a Debian minbase with
# PACKAGES (comma-separated), from podman's storage, else the cache, else debootstrap.
rootfs_image() {
  local name=$1 packages=$2 image key tar work started
  image=localhost/cellhub/debian-rootfs-$name:$SUITE
  key=$(printf '%s %s %s\n' "$SUITE" "$packages" "$RECIPE" | sha256sum | cut -c1-12)
  tar=$CACHE/debian-$SUITE-$name-$key.tar
  if ! $REBOOTSTRAP && [ "$(podman image inspect --format '{{index .Labels "io.cellhub.rootfs"}}' "$image" 2>/dev/null)" = "$key" ]; then
    return
  fi
  mkdir -p "$CACHE/debs"
  if $REBOOTSTRAP || [ ! -s "$tar" ]; then
    command -v debootstrap >/dev/null || fail "debootstrap is missing: apt-get install debootstrap"
    work=$(mktemp -d "${TMPDIR:-/tmp}/cellhub-rootfs.XXXXXX")
    started=$SECONDS
    log "debootstrap $SUITE minbase with $packages from $(debian_mirror) (a few minutes, once per machine)"
    if ! debootstrap --variant=minbase --include="$packages" --cache-dir="$CACHE/debs" \
        "$SUITE" "$work/rootfs" "$(debian_mirror)" > "$work/debootstrap.log" 2>&1; then
      tail -20 "$work/debootstrap.log" >&2
      rm -rf "$work"
      fail "debootstrap failed (log above); is the Debian mirror reachable? CELLHUB_DEBIAN_MIRROR sets another"
    fi
    rm -rf "$work"/rootfs/var/lib/apt/lists/* "$work"/rootfs/var/cache/apt/archives/*.deb "$work"/rootfs/var/cache/apt/*.bin
    tar -C "$work/rootfs" -cf "$tar.part" . && mv "$tar.part" "$tar"
    rm -rf "$work"
    find "$CACHE" -maxdepth 1 -name "debian-$SUITE-$name-*.tar" ! -name "${tar##*/}" -delete  # older recipes
    log "debootstrap of $name took $((SECONDS - started)) s; cached as $tar"
  fi
  started=$SECONDS
  podman import --quiet --change "LABEL io.cellhub.rootfs=$key" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/bash"]' "$tar" "$image" >/dev/null
  log "imported $image in $((SECONDS - started)) s"
}

# build CONTEXT DOCKERFILE TAG [build args...]
build() {
  local context=$1 file=$2 tag=$3 started=$SECONDS previous
  shift 3
  previous=$(podman image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)
  podman build --quiet --pull=never -f "$file" -t "$tag" "$@" "$context" >/dev/null
  log "built $tag in $((SECONDS - started)) s"
  # The image this tag named before, now nameless: gone unless a container still uses it.
  if [ -n "$previous" ] && [ "$previous" != "$(podman image inspect --format '{{.Id}}' "$tag")" ]; then
    podman rmi "$previous" >/dev/null 2>&1 || true
  fi
}

registry_answers() {
  podman image exists "$UBI" || timeout 120 podman pull --quiet "$UBI" >/dev/null 2>&1
}

# manifest_image FILE NAME: the image named NAME (docker.io/<group>/NAME:<tag>) that FILE runs.
manifest_image() {
  local tag
  tag=$(grep -m1 -oE "image: *[^ ]*/$2:[^ ]+" "$1" | sed 's/image: *//')
  [ -n "$tag" ] || fail "no $2 image in $1"
  echo "$tag"
}

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9  # one build at a time per machine: two debootstraps into one tar file would clash

if $APP; then
  # The tag this build's quarkus-kubernetes wrote into the manifests (quarkus.container-image.*).
  [ -f "$ROOT/target/quarkus-app/quarkus-run.jar" ] && [ -f "$ROOT/target/kubernetes/kubernetes.yml" ] \
    || fail "no target/quarkus-app: run ./mvnw -B package -DskipTests first"
  TAG=$(manifest_image "$ROOT/target/kubernetes/kubernetes.yml" cellhub)
  base_image=$UBI
  if [ "$BASE" = debian ] || { [ "$BASE" = auto ] && ! registry_answers; }; then
    [ "$BASE" = auto ] && log "$UBI cannot be pulled: building on Debian's packages instead"
    rootfs_image jre17 openjdk-17-jre-headless
    build "$ROOT/src/main/docker" "$ROOT/src/main/docker/Dockerfile.debian-jre" "$DEBIAN_JRE"
    base_image=$DEBIAN_JRE
  elif [ "$BASE" = ubi ]; then
    registry_answers || fail "$UBI cannot be pulled; use --base debian"
  fi
  build "$ROOT" "$ROOT/src/main/docker/Dockerfile.jvm" "$TAG" --build-arg "BASE_IMAGE=$base_image"
  echo "$TAG"
fi

if $STAND_INS; then
  # stand-in (deploy/podman/ and the manifests' image name), root file system, Debian packages
  for standin in "eclipse-mosquitto mosquitto mosquitto" "postgres postgresql postgresql"; do
    set -- $standin
    tag=$(manifest_image "$ROOT/deploy/kubernetes/kubernetes.yml" "$1")
    if podman image exists "$tag" \
        && [ -z "$(podman image inspect --format '{{index .Labels "io.cellhub.stand-in"}}' "$tag")" ]; then
      log "$tag is the real image (pulled, not a stand-in): using it"
    else
      rootfs_image "$2" "$3"
      build "$ROOT/deploy/podman/$1" "$ROOT/deploy/podman/$1/Dockerfile" "$tag"
    fi
    echo "$tag"
  done
fi
