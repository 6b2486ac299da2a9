"""The class archive of a local master's JVM: built once by the first command, used by the next ones, never used
while it is being written, rebuilt when Spark or Java change; and the JVM flags a local master runs with."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import require
from training.features.spark_jvm import C1_ONLY, LOCAL_JVM, archive_key, building_marker, class_archive


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


def test_the_local_jvm_keeps_the_tiered_code_cache_and_takes_its_options() -> None:
    """C1 alone sizes the code cache as a client VM's, 48 MB, which the training features' generated code fills
    (the JVM then fails with "Out of space in CodeCache"): the options keep the tiered 240 MB. The JVM accepts
    the other options: large methods compiled, the parallel collector."""
    java = shutil.which("java")
    require(
        java is not None,
        "no Java runtime: this test asks the JVM for its flags (apt-get install openjdk-17-jre-headless)",
    )
    flags = subprocess.run(
        [str(java), *LOCAL_JVM.split(), "-XX:+PrintFlagsFinal", "-version"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    (line,) = [row for row in flags.splitlines() if " ReservedCodeCacheSize " in row]
    assert int(line.split("=")[1].split()[0]) >= 240 * 1024 * 1024
    chosen = {row.split()[1]: row.split()[3] for row in flags.splitlines() if row.strip().startswith("bool ")}
    assert chosen["DontCompileHugeMethods"] == "false" and chosen["UseParallelGC"] == "true"
    (stop,) = [row for row in flags.splitlines() if " TieredStopAtLevel " in row]
    assert int(stop.split("=")[1].split()[0]) == 1
