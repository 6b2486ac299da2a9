"""Dependencies run one way. Read from every module's imports (function-level ones included), without importing
anything: `registry` uses nothing of `training`; `drift` and `scoring_service` use only `training`'s data loading
and feature code; `dash_app` only the service's client, domain objects and errors; `common` none of the apps."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("common", "training", "registry", "scoring_service", "dash_app", "drift", "demo")

# package -> module prefixes of the other apps it may import (anything of its own package is always allowed)
ALLOWED: dict[str, tuple[str, ...]] = {
    "common": (),
    "registry": ("common",),
    "training": ("common", "registry"),
    "scoring_service": ("common", "registry", "training.data", "training.features"),
    "drift": ("common", "registry", "scoring_service.event_store", "training.data", "training.features"),
    "dash_app": ("common", "scoring_service.client", "scoring_service.domain", "scoring_service.errors"),
    "demo": ("common", "dash_app.auth", "scoring_service.client"),
}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from registry import bundle` imports registry.bundle
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def violations(package: str) -> list[str]:
    out = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for line, module in imported_modules(path):
            app = module.split(".")[0]
            if app not in APPS or app == package:
                continue
            if not any(_within(module, prefix) for prefix in ALLOWED[package]):
                out.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return out


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_dependencies_run_one_way(package: str) -> None:
    assert violations(package) == []


def test_the_rule_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from training.pipeline import run\n    import registry.bundle\n")
    assert imported_modules(module) == [(2, "training.pipeline.run"), (3, "registry.bundle")]
    assert not any(_within("training.pipeline.run", p) for p in ALLOWED["drift"])
    assert any(_within("training.features.build.x", p) for p in ALLOWED["drift"])
