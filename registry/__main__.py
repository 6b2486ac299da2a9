"""`python -m registry`: look at the registered versions, move the champion alias, export a bundle for offline use."""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from common.errors import UserError, exit_with, load_settings
from common.logs import configure_logging
from common.tracking import check_reachable
from registry.fairness_gate import add_override_argument
from registry.settings import RegistrySettings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m registry", description=__doc__.splitlines()[0])
    parser.add_argument("--name", default=None, help="registered model name (default: REGISTRY_MODEL_NAME)")
    parser.add_argument("--alias", default=None, help="alias (default: REGISTRY_MODEL_ALIAS)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    sub.add_parser("show", help="list the versions, their held-out cost, and which one holds the alias")
    promote = sub.add_parser(
        "promote", help="move the alias to VERSION if it beats the champion (or --force)"
    )
    promote.add_argument("version")
    promote.add_argument("--force", action="store_true", help="move the alias whatever the costs")
    add_override_argument(promote)
    export = sub.add_parser("export", help="write the bundle of a version (default: the alias) to a folder")
    export.add_argument("--out", type=Path, required=True, help="destination folder (created; must be empty)")
    export.add_argument("--version", default=None, help="version number (default: the one holding the alias)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging("WARNING")
    try:
        settings = load_settings(RegistrySettings, "REGISTRY_")
    except UserError as exc:
        return exit_with(exc)
    name = args.name or settings.model_name
    alias = args.alias or settings.model_alias
    uri = settings.resolved_tracking_uri()

    from mlflow.tracking import MlflowClient

    try:
        check_reachable(uri)
        client = MlflowClient(tracking_uri=uri)
        if args.command == "show":
            return _show(client, name, alias)
        if args.command == "promote":
            return _promote(client, name, alias, args.version, args.force, args.fairness_override)
        return _export(uri, name, alias, args.version, args.out)
    except UserError as exc:  # the tracking store, the registry or a bundle
        return exit_with(exc)


def _versions(client, name: str) -> list:
    from registry.registration import RegistryError

    versions = client.search_model_versions(f"name='{name}'")
    if not versions:
        raise RegistryError(
            f"No version of model {name!r} is registered in this tracking store. "
            "Train one with `python -m training run`, or check MLFLOW_TRACKING_URI and --name."
        )
    return sorted(versions, key=lambda v: int(v.version))


def _show(client, name: str, alias: str) -> int:
    from registry.champion import COST_TAG, DECISION_TAG, current_champion

    champion = current_champion(client, name, alias)
    print(f"model {name}: alias {alias} -> {'version ' + champion[0] if champion else 'not set'}")
    print(f"{'version':>7}  {'held-out cost':>13}  {'created':<20}  decision")
    for v in _versions(client, name):
        mark = f"  <- {alias}" if champion and champion[0] == str(v.version) else ""
        cost = v.tags.get(COST_TAG, "?")
        cost = f"{float(cost):.4f}" if cost != "?" else cost
        created = datetime.fromtimestamp(v.creation_timestamp / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S")
        print(f"{v.version:>7}  {cost:>13}  {created:<20}  {v.tags.get(DECISION_TAG, '')}{mark}")
    return 0


def _promote(client, name: str, alias: str, version: str, force: bool, override: str | None = None) -> int:
    from registry.champion import promote

    known = {str(v.version) for v in _versions(client, name)}
    if version not in known:
        from registry.registration import RegistryError

        raise RegistryError(
            f"Model {name!r} has no version {version}; registered versions: {', '.join(sorted(known))}."
        )
    decision = promote(client, name, alias, version, force=force, fairness_override=override)
    print(("promoted: " if decision.promote else "not promoted: ") + decision.reason)
    return 0 if decision.promote else 1  # scripts can tell a refusal from a promotion


def _export(uri: str, name: str, alias: str, version: str | None, out: Path) -> int:
    import tempfile

    from registry.bundle import ModelBundle
    from registry.registration import RegistryError, download_bundle

    if out.exists() and any(out.iterdir()):
        raise RegistryError(
            f"The folder {out} is not empty; give a new or empty folder to export the bundle into."
        )
    model_uri = f"models:/{name}/{version}" if version else f"models:/{name}@{alias}"
    with tempfile.TemporaryDirectory() as tmp:
        folder = download_bundle(model_uri, uri, Path(tmp))
        ModelBundle.load(folder)  # refuse to export something serving could not load
        shutil.copytree(folder, out, dirs_exist_ok=True)
    print(f"bundle of {model_uri} written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
