"""The class archive of a local master's JVM: built once by the first command, used by the next ones, never used
while it is being written, rebuilt when Spark or Java change. No JVM is started here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from training.features.spark_jvm import C1_ONLY, archive_key, building_marker, class_archive


def exited_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_the_first_command_builds_the_archive_and_the_next_one_waits_for_its_jvm(tmp_path: Path) -> None:
    first = class_archive(tmp_path, "k")
    assert first.action == "build"
    assert f"-XX:ArchiveClassesAtExit={first.path}" in first.java_options()
    first.started(os.getpid())  # a JVM still running: the archive may be half written
    assert class_archive(tmp_path, "k").action == "none"


def test_the_archive_is_used_once_its_jvm_has_exited(tmp_path: Path) -> None:
    first = class_archive(tmp_path, "k")
    first.started(exited_pid())
    first.path.write_bytes(b"archive")  # what the JVM writes as it exits
    second = class_archive(tmp_path, "k")
    assert second.action == "use"
    assert f"-XX:SharedArchiveFile={second.path}" in second.java_options()
    assert "-Xshare:auto" in second.java_options()
    assert not building_marker(second.path).exists()


def test_a_build_whose_jvm_died_without_an_archive_is_started_again(tmp_path: Path) -> None:
    class_archive(tmp_path, "k").started(exited_pid())
    assert class_archive(tmp_path, "k").action == "build"


def test_the_key_changes_with_spark_java_or_memory(tmp_path: Path) -> None:
    (tmp_path / "jars").mkdir()
    jar = tmp_path / "jars" / "spark-core.jar"
    jar.write_bytes(b"one")
    java = tmp_path / "java"
    java.write_bytes(b"java")
    key = archive_key(tmp_path, java, "4g")
    assert archive_key(tmp_path, java, "4g") == key
    assert archive_key(tmp_path, java, "64g") != key
    jar.write_bytes(b"a new Spark")
    assert archive_key(tmp_path, java, "4g") != key


def test_only_c1_without_an_archive(tmp_path: Path) -> None:
    archive = class_archive(tmp_path, "k")
    assert archive.action == "build"
    assert C1_ONLY not in archive.java_options()  # C1 is the session's setting, the archive only adds its own
