"""Generated gRPC code: one command makes it, its imports work from anywhere, and stale code is caught."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from scoring_service import codegen

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_committed_code_matches_the_proto() -> None:
    assert codegen.stale_files() == [], (
        "scoring_service/api/ is stale: run `make proto` and commit the result"
    )


def test_a_hand_edit_or_a_missing_file_is_caught(tmp_path: Path) -> None:
    copy = tmp_path / "api"
    shutil.copytree(codegen.API_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    module = copy / "credit/scoring/v1/scoring_pb2.py"
    module.write_text(module.read_text() + "\n# edited by hand\n")
    (copy / "credit/scoring/v1/scoring_pb2.pyi").unlink()
    assert codegen.stale_files(copy) == [
        "credit/scoring/v1/scoring_pb2.py",
        "credit/scoring/v1/scoring_pb2.pyi",
    ]


def test_a_changed_proto_makes_the_code_stale(tmp_path: Path) -> None:
    protos = tmp_path / "proto"
    shutil.copytree(codegen.PROTO_ROOT, protos)
    source = protos / "credit/scoring/v1/scoring.proto"
    source.write_text(
        source.read_text().replace("string trained_at = 10;", "string trained_at = 10;\n  int32 n = 99;")
    )
    assert "credit/scoring/v1/scoring_pb2.py" in codegen.stale_files(proto_root=protos)


def test_generated_imports_are_absolute_in_the_package_and_stubs_ship(tmp_path: Path) -> None:
    written = codegen.generate(tmp_path / "api")
    names = {p.relative_to(tmp_path / "api").as_posix() for p in written}
    assert "credit/scoring/v1/scoring_pb2.pyi" in names
    assert {"__init__.py", "credit/__init__.py", "credit/scoring/v1/__init__.py"} <= names
    grpc_module = (tmp_path / "api/credit/scoring/v1/scoring_pb2_grpc.py").read_text()
    assert "from scoring_service.api.credit.scoring.v1 import scoring_pb2" in grpc_module
    assert "\nfrom credit." not in grpc_module


def test_the_generated_service_imports_outside_the_project_folder(tmp_path: Path) -> None:
    code = (
        "from scoring_service.api.credit.scoring.v1 import scoring_pb2_grpc; print(scoring_pb2_grpc.__name__)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(PROJECT_ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_check_command_exit_codes(capsys) -> None:  # type: ignore[no-untyped-def]
    assert codegen.main(["--check"]) == 0
    assert "matches" in capsys.readouterr().out
