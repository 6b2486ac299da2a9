#!/usr/bin/env bash
# Installs the daemonless container engine that runs the compose stack where no Docker engine runs (Debian 12, root):
# podman with runc, debootstrap (the local base image), the CNI plugins with name resolution between containers,
# and podman-compose from PyPI in its own virtual environment (Debian's 1.0.3 mishandles networks and exits 0 on errors).
# Idempotent: installs only what is missing. Usage: deploy/podman/install.sh
set -euo pipefail

PODMAN_COMPOSE_VERSION=1.6.0
COMPOSE_VENV=${PODMAN_COMPOSE_VENV:-/opt/podman-compose}
APT_PACKAGES=(podman runc debootstrap containernetworking-plugins golang-github-containernetworking-plugin-dnsname
  uidmap iptables)

missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  # another install may hold apt's lock for a while: wait for it instead of failing
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

if [ "$("$COMPOSE_VENV/bin/podman-compose" --version 2>/dev/null | grep -o 'podman-compose version [0-9.]*')" \
  != "podman-compose version $PODMAN_COMPOSE_VERSION" ]; then
  echo "installing podman-compose $PODMAN_COMPOSE_VERSION in $COMPOSE_VENV"
  python3 -m venv "$COMPOSE_VENV"
  "$COMPOSE_VENV/bin/pip" install --quiet "podman-compose==$PODMAN_COMPOSE_VERSION"
fi
ln -sf "$COMPOSE_VENV/bin/podman-compose" /usr/local/bin/podman-compose
podman --version
podman-compose --version | grep 'podman-compose version'
