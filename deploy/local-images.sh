#!/usr/bin/env bash
# Builds the product's images with podman where no container registry can be reached (Debian 12, root):
#   1. a Debian bookworm base (python3 3.11, venv, tini, the machine's CA certificates) made with debootstrap from the
#      Debian mirror apt already uses and imported into podman; made once and cached until its recipe or the
#      certificates change;
#   2. the product's image (Dockerfile) on that base, BASE_IMAGE build argument, tag pret-a-depenser:local;
#   3. a PostgreSQL 15 image on the same base (deploy/podman/postgres.Dockerfile), which stands in for the
#      registry's postgres image in deploy/podman/compose.override.yml.
# Usage: deploy/local-images.sh [all|base|app|postgres] [--rebuild-base]
# Needs: deploy/podman/install.sh first. Prints each step's time.
set -euo pipefail
cd "$(dirname "$0")/.."

export CONTAINERS_CONF=${CONTAINERS_CONF:-$PWD/deploy/podman/containers.conf}
export CONTAINERS_STORAGE_CONF=${CONTAINERS_STORAGE_CONF:-$PWD/deploy/podman/storage.conf}

BASE_IMAGE=${LOCAL_BASE_IMAGE:-localhost/pret-a-depenser-base:bookworm}
APP_IMAGE=${APP_IMAGE:-localhost/pret-a-depenser:local}
POSTGRES_IMAGE=${POSTGRES_IMAGE:-localhost/pret-a-depenser-postgres:15}
SUITE=bookworm
BASE_PACKAGES=ca-certificates,python3,python3-venv,python-is-python3,tini
CA_DIR=/usr/local/share/ca-certificates

what=all
rebuild_base=false
for arg in "$@"; do
  case $arg in
    all | base | app | postgres) what=$arg ;;
    --rebuild-base) rebuild_base=true ;;
    -h | --help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $arg (see --help)" >&2; exit 2 ;;
  esac
done

step() { printf '%s %s\n' "--- $(date -u +%H:%M:%S)" "$*"; }
timed() { local start=$SECONDS; "$@"; echo "    ($(( SECONDS - start )) s)"; }
# Runs a command with its output in a log file, shown only when it fails.
quietly() {
  local log=$1; shift
  if ! "$@" >"$log" 2>&1; then tail -40 "$log" >&2; echo "failed: $*" >&2; return 1; fi
  rm -f "$log"
}

# The Debian mirror apt already uses for the suite (DEBIAN_MIRROR overrides it).
mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then echo "$DEBIAN_MIRROR"; return; fi
  local found
  found=$(apt-get indextargets --format '$(RELEASE) $(REPO_URI)' 'Identifier: Packages' 2>/dev/null \
    | awk -v suite="$SUITE" '$1 == suite { print $2; exit }')
  echo "${found:-http://deb.debian.org/debian/}"
}

# What the base is made of: a change of recipe or of the trusted certificates makes a new base.
base_recipe() {
  {
    echo "$SUITE $BASE_PACKAGES"
    declare -f make_base
    cat "$CA_DIR"/*.crt 2>/dev/null || true
  } | sha256sum | cut -c1-16
}

make_base() {
  local recipe rootfs url
  recipe=$(base_recipe)
  if ! $rebuild_base && [ "$(podman image inspect --format '{{ index .Labels "base-recipe" }}' "$BASE_IMAGE" 2>/dev/null)" = "$recipe" ]; then
    step "base $BASE_IMAGE is cached (recipe $recipe)"
    return
  fi
  url=$(mirror)
  rootfs=$(mktemp -d /var/tmp/pad-rootfs.XXXXXX)
  trap 'rm -rf "$rootfs"' EXIT
  step "debootstrap $SUITE (minbase + $BASE_PACKAGES) from $url"
  timed quietly "$rootfs.log" debootstrap --variant=minbase --include="$BASE_PACKAGES" "$SUITE" "$rootfs" "$url"
  # pip inside builds must trust what this machine trusts (a TLS-inspecting proxy's CA, for example)
  if compgen -G "$CA_DIR/*.crt" >/dev/null; then
    cp "$CA_DIR"/*.crt "$rootfs$CA_DIR/"
    chroot "$rootfs" update-ca-certificates >/dev/null 2>&1
  fi
  printf 'deb %s %s main\ndeb %s %s-updates main\n' "$url" "$SUITE" "$url" "$SUITE" >"$rootfs/etc/apt/sources.list"
  # what an image never reads: package caches, documentation, translations (now and in later apt installs)
  printf 'path-exclude /usr/share/%s/*\n' doc man info locale >"$rootfs/etc/dpkg/dpkg.cfg.d/slim"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/var/log/* "$rootfs"/tmp/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* \
    "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*
  step "import the base as $BASE_IMAGE"
  timed sh -c "tar -C '$rootfs' --numeric-owner -c . | podman import --quiet \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'LABEL base-recipe=$recipe' \
    --change 'CMD [\"/bin/bash\"]' - '$BASE_IMAGE' >/dev/null"
  rm -rf "$rootfs"
  trap - EXIT
}

build_app() {
  step "build $APP_IMAGE on $BASE_IMAGE"
  timed quietly "${TMPDIR:-/tmp}/pad-build-app.log" \
    podman build --build-arg BASE_IMAGE="$BASE_IMAGE" -t "$APP_IMAGE" -f Dockerfile .
  podman image inspect --format '    size {{ .Size }} bytes' "$APP_IMAGE"
}

build_postgres() {
  step "build $POSTGRES_IMAGE on $BASE_IMAGE"
  timed quietly "${TMPDIR:-/tmp}/pad-build-postgres.log" \
    podman build --build-arg BASE_IMAGE="$BASE_IMAGE" -t "$POSTGRES_IMAGE" -f deploy/podman/postgres.Dockerfile deploy/podman
}

start=$SECONDS
case $what in
  base) make_base ;;
  app) make_base; build_app ;;
  postgres) make_base; build_postgres ;;
  all) make_base; build_app; build_postgres ;;
esac
step "done in $(( SECONDS - start )) s"
