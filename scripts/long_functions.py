"""List the functions longer than a limit (60 lines by default) in the project's own code, longest first.

Generated code (scoring_service/api) and benchmarks (bench/) are left out. Exit code 1 when one is listed, so that
`python scripts/long_functions.py` can gate a change; `--limit N` changes the bound.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = (
    "common",
    "training",
    "registry",
    "scoring_service",
    "dash_app",
    "drift",
    "demo",
    "tests",
    "scripts",
)
LEFT_OUT = ("scoring_service/api/",)


def long_functions(limit: int, root: Path = ROOT) -> Iterator[tuple[int, str]]:
    """(lines, "path:line name") of every function or method over `limit` lines."""
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            if relative.startswith(LEFT_OUT):
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    length = (node.end_lineno or node.lineno) - node.lineno + 1
                    if length > limit:
                        yield length, f"{relative}:{node.lineno} {node.name}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--limit", type=int, default=60, help="longest function allowed, in lines (default 60)"
    )
    args = parser.parse_args(argv)
    found = sorted(long_functions(args.limit), reverse=True)
    for length, where in found:
        print(f"{length:4d}  {where}")
    print(
        f"{len(found)} function(s) over {args.limit} lines"
        if found
        else f"no function over {args.limit} lines"
    )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
