"""The compose file against the Compose Specification's JSON schema, and the rules the deployment files keep."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import PROJECT_ROOT, require

# Shipped by Debian's docker-compose package (installed by .ci/run); no Docker engine is needed to read it.
COMPOSE_SCHEMA = Path("/usr/lib/python3/dist-packages/compose/config/compose_spec.json")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())


def test_compose_file_matches_the_compose_specification(compose: dict) -> None:
    import jsonschema

    require(
        COMPOSE_SCHEMA.is_file(),
        f"the Compose Specification schema is not at {COMPOSE_SCHEMA} (apt-get install docker-compose)",
    )
    schema = json.loads(COMPOSE_SCHEMA.read_text())
    validator = jsonschema.Draft201909Validator(schema)
    errors = sorted(validator.iter_errors(compose), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_every_long_running_service_has_a_health_check_or_is_one_shot(compose: dict) -> None:
    for name, service in compose["services"].items():
        if name == "trainer":
            continue
        assert "healthcheck" in service, f"service {name} has no health check"


def test_start_up_order(compose: dict) -> None:
    services = compose["services"]
    assert services["trainer"]["depends_on"]["mlflow"]["condition"] == "service_healthy"
    assert services["scoring"]["depends_on"]["trainer"]["condition"] == "service_completed_successfully"
    assert services["dashboard"]["depends_on"]["scoring"]["condition"] == "service_healthy"


def test_scoring_runs_as_replicas_that_docker_and_podman_compose_both_start(compose: dict) -> None:
    """podman-compose reads deploy.replicas only beside `mode: replicated` (Docker's default): without it,
    podman ran one scoring container where Docker ran two. A fixed host port cannot be shared by replicas."""
    scoring = compose["services"]["scoring"]
    assert scoring["deploy"]["mode"] == "replicated"
    assert int(scoring["deploy"]["replicas"]) >= 2
    assert scoring["ports"] and all(":" not in str(port) for port in scoring["ports"]), scoring["ports"]


def test_the_dashboard_balances_its_calls_over_every_scoring_replica(compose: dict) -> None:
    """dns:/// makes gRPC's DNS resolver give the client every replica's address; the client's service
    config balances round-robin over them."""
    port = compose["services"]["scoring"]["environment"]["SCORING_ADDRESS"].rsplit(":", 1)[1]
    assert compose["services"]["dashboard"]["environment"]["DASH_SCORING_ADDRESS"] == f"dns:///scoring:{port}"


def test_podman_publishes_each_scoring_replica_on_its_own_loopback_port() -> None:
    """deploy/podman/compose.sh writes the published ports: loopback only, and no fixed host port for scoring,
    whose replicas would collide on it (`compose.sh scoring-target` says where each one is)."""
    text = (PROJECT_ROOT / "deploy/podman/compose.sh").read_text()
    found = re.search(r"^  scoring:\n    ports: !override \[(.*)\]$", text, flags=re.M)
    assert found, "compose.sh no longer writes the scoring service's ports"
    ports = [port.strip().strip('"') for port in found.group(1).split(",")]
    assert ports and all(re.fullmatch(r"127\.0\.0\.1::\d+", port) for port in ports), ports
    assert "scoring-target) scoring_target" in text


def test_a_restarted_stack_keeps_its_champion(compose: dict) -> None:
    assert "--unless-champion" in compose["services"]["trainer"]["command"]


def test_podman_override_changes_only_what_podman_needs(compose: dict) -> None:
    """deploy/podman/compose.override.yml: a local PostgreSQL image and podman's own settings, nothing the
    services do (commands, environment, volumes, health checks stay the operators' file's)."""
    loader = type("Loader", (yaml.SafeLoader,), {})
    loader.add_constructor("!override", lambda load, node: load.construct_sequence(node))
    override = yaml.load((PROJECT_ROOT / "deploy/podman/compose.override.yml").read_text(), Loader=loader)
    assert set(override) <= {"services", "x-podman"}
    for name, service in override["services"].items():
        assert name in compose["services"], f"the override names an unknown service {name}"
        assert set(service) == {"image"}, f"{name}: {sorted(service)}"
    assert override["services"]["postgres"]["image"].startswith("localhost/")


def test_no_secret_is_written_in_the_compose_file() -> None:
    text = (PROJECT_ROOT / "docker-compose.yml").read_text()
    for line in text.splitlines():
        if re.search(r"(PASSWORD|TOKEN|SECRET)[A-Z_]*:\s*\S", line):
            assert "${" in line, f"a secret is written in clear: {line.strip()}"


def test_env_example_names_every_variable_the_compose_file_requires() -> None:
    text = (PROJECT_ROOT / "docker-compose.yml").read_text()
    required = set(re.findall(r"\$\{([A-Z_]+):\?", text))
    example = (PROJECT_ROOT / ".env.example").read_text()
    defined = set(re.findall(r"^([A-Z_]+)=", example, flags=re.M))
    assert required <= defined, f"missing from .env.example: {sorted(required - defined)}"


def test_image_is_multi_stage_and_runs_as_a_non_root_user() -> None:
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    assert len(re.findall(r"^FROM ", dockerfile, flags=re.M)) >= 2
    users = re.findall(r"^USER (\S+)", dockerfile, flags=re.M)
    assert users and users[-1] not in {"root", "0"}
    assert "scoring_service.codegen" in dockerfile, "the gRPC code must be generated inside the image"
    assert "ARG BASE_IMAGE=python:3.11-slim" in dockerfile and "FROM ${BASE_IMAGE}" in dockerfile
    assert re.search(r'^ENTRYPOINT \["tini"', dockerfile, flags=re.M), "a Python PID 1 would ignore SIGTERM"
    assert "scoring_service/api" in (PROJECT_ROOT / ".dockerignore").read_text().split()
