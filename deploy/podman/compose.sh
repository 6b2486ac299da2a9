#!/usr/bin/env bash
# The compose stack with podman where no Docker engine runs: podman-compose with deploy/podman/compose.override.yml.
#   up      start every service in the order the health checks give, waiting for each one (podman-compose on
#           podman 4.3 ignores `condition: service_healthy`, and nothing runs the health checks on a schedule
#           without systemd, so this script runs them); the trainer must end with exit code 0
#   down    stop and remove the containers and the network; volumes stay (`down -v` removes them too)
#   save-logs DIR   every container's log and state into DIR
#   scoring-target  the gRPC target of every scoring replica from this host (ipv4:127.0.0.1:P1,127.0.0.1:P2)
#   any other podman-compose command (ps, logs SERVICE, exec, ...) with the same files and project
# Environment: COMPOSE_PROJECT_NAME (default pret-a-depenser), the variables of .env.example (from .env or the
# environment), WAIT_SECONDS (per container, default 300), TRAINER_SECONDS (default 1800), and the host ports,
# published on 127.0.0.1 only: MLFLOW_PORT (5000), DASHBOARD_PORT (8050). The scoring service runs as many replicas
# as docker-compose.yml says (deploy.replicas); each publishes its gRPC and metrics ports on a free loopback port
# of its own (a fixed port cannot be shared): `scoring-target` says which.
# Needs deploy/podman/install.sh, then deploy/local-images.sh, run first.
set -euo pipefail
cd "$(dirname "$0")/../.."

export CONTAINERS_CONF=${CONTAINERS_CONF:-$PWD/deploy/podman/containers.conf}
export CONTAINERS_STORAGE_CONF=${CONTAINERS_STORAGE_CONF:-$PWD/deploy/podman/storage.conf}
PROJECT=${COMPOSE_PROJECT_NAME:-pret-a-depenser}
WAIT_SECONDS=${WAIT_SECONDS:-300}
TRAINER_SECONDS=${TRAINER_SECONDS:-1800}

# podman-compose 1.6 does not substitute variables under `!override`: the ports go into a file written here.
PORTS_FILE=${TMPDIR:-/tmp}/pret-a-depenser-$PROJECT-ports.yml
cat >"$PORTS_FILE" <<PORTS
services:
  mlflow:
    ports: !override ["127.0.0.1:${MLFLOW_PORT:-5000}:5000"]
  scoring:
    ports: !override ["127.0.0.1::50051", "127.0.0.1::9100"]
  dashboard:
    ports: !override ["127.0.0.1:${DASHBOARD_PORT:-8050}:8050"]
PORTS

compose() {
  podman-compose --project-name "$PROJECT" -f docker-compose.yml -f deploy/podman/compose.override.yml \
    -f "$PORTS_FILE" "$@"
}

say() { printf '%s %s\n' "--- $(date -u +%H:%M:%S)" "$*"; }

# Every container of a service (one per replica), by name.
containers_of() {
  podman ps -a --filter "label=io.podman.compose.project=$PROJECT" \
    --filter "label=com.docker.compose.service=$1" --format '{{.Names}}' | sort
}

container_of() { containers_of "$1" | head -1; }

fail_with_log() {
  echo "$1" >&2
  [ -n "${2:-}" ] && podman logs --tail 60 "$2" >&2 2>&1 || true
  exit 1
}

# Runs the health check of each of the service's containers (every replica) until it passes; fails at once if
# one stops.
wait_healthy() {
  local service=$1 names name start state
  names=$(containers_of "$service")
  [ -n "$names" ] || fail_with_log "no container for $service"
  for name in $names; do
    start=$SECONDS
    while true; do
      state=$(podman inspect --format '{{.State.Status}}' "$name")
      [ "$state" = running ] || fail_with_log "$name ($service) is $state, not running" "$name"
      if podman healthcheck run "$name" >/dev/null 2>&1; then
        say "$name ($service) healthy after $(( SECONDS - start )) s"
        break
      fi
      (( SECONDS - start < WAIT_SECONDS )) || fail_with_log "$name ($service) not healthy after $WAIT_SECONDS s" "$name"
      sleep 2
    done
  done
}

# ipv4:127.0.0.1:P1,127.0.0.1:P2,...: the host ports of every scoring replica's gRPC port, for a client on this host.
scoring_target() {
  local name address addresses=()
  for name in $(containers_of scoring); do
    address=$(podman port "$name" 50051 | head -1)
    [ -n "$address" ] || fail_with_log "$name publishes no port for 50051" "$name"
    addresses+=("$address")
  done
  [ ${#addresses[@]} -gt 0 ] || fail_with_log "no scoring container is running"
  (IFS=,; echo "ipv4:${addresses[*]}")
}

# Waits for a one-shot service to end; fails unless it ends with exit code 0.
wait_done() {
  local service=$1 name start=$SECONDS code
  name=$(container_of "$service")
  [ -n "$name" ] || fail_with_log "no container for $service"
  code=$(timeout "$TRAINER_SECONDS" podman wait "$name") || fail_with_log "$service still running after $TRAINER_SECONDS s" "$name"
  [ "$code" = 0 ] || fail_with_log "$service ended with exit code $code" "$name"
  say "$service done after $(( SECONDS - start )) s"
}

up() {
  local start=$SECONDS
  say "postgres"; compose up -d postgres >/dev/null; wait_healthy postgres
  say "mlflow"; compose up -d --no-deps mlflow >/dev/null; wait_healthy mlflow
  say "trainer"; compose up -d --no-deps trainer >/dev/null; wait_done trainer
  say "scoring"; compose up -d --no-deps scoring >/dev/null; wait_healthy scoring
  say "dashboard, drift-monitor"; compose up -d --no-deps dashboard drift-monitor >/dev/null
  wait_healthy dashboard
  wait_healthy drift-monitor
  say "every service healthy after $(( SECONDS - start )) s"
}

save_logs() {
  local out=$1 name
  mkdir -p "$out"
  for name in $(podman ps -a --filter "label=io.podman.compose.project=$PROJECT" --format '{{.Names}}'); do
    podman logs "$name" >"$out/$name.log" 2>&1 || true
    podman inspect "$name" >"$out/$name.inspect.json" 2>&1 || true
  done
  compose ps >"$out/ps.txt" 2>&1 || true
}

case ${1:-} in
  up) up ;;
  save-logs) save_logs "${2:?save-logs DIR}" ;;
  scoring-target) scoring_target ;;
  "" | -h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) compose "$@" ;;
esac
