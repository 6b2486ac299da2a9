"""The driver JVM's options on a local master: the C1 compiler only, compiling Spark's large generated methods
too, a throughput garbage collector, and a class-data-sharing archive of Spark's classes kept in the user's cache
folder.

On local[N] every command starts a fresh JVM that is both driver and executor, and most of its CPU goes before the
first row counts: the C2 JIT compiler optimising Spark's code (about a third of the JVM's CPU in a batch of
1,000,000 clients) and loading and verifying some ten thousand of Spark's classes. A short-lived JVM does not live
long enough to repay C2's work, so a local master stops at C1 (`-XX:TieredStopAtLevel=1`, with the tiered
code cache size). The JVM leaves any method longer than 8,000 bytes of bytecode to its interpreter
(`DontCompileHugeMethods`), and the code Spark generates for the families' wide aggregations and the batch's last
stage is longer than that: those loops ran interpreted until `-XX:-DontCompileHugeMethods`. A batch's JVM lives a
minute or two and pauses are no concern, so it collects with the parallel collector, whose write barrier is a plain
card mark instead of G1's (and which has no concurrent marking threads). Together the two took the batch's task
threads at 1,000,000 clients from about 44 s to 36 s of CPU (docs/benchmarks.md, issue 16, sixth pass). And the
classes are loaded from an archive written by the first command (JDK 13+: `-XX:ArchiveClassesAtExit`, then
`-XX:SharedArchiveFile`), one per Java runtime, Spark install and driver memory, rebuilt when one of them changes.
The JVM checks an archive itself and runs without it (`-Xshare:auto`) when it does not match. A cluster's executors
are long-lived and configured by the operator: nothing here applies to them. The command's --conf
spark.driver.extraJavaOptions replaces these options.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

# C1 only makes the JVM size its code cache as a client VM's (48 MB instead of 240 MB): the generated code of the
# wide feature queries fills that ("Out of space in CodeCache", then the JVM fails), so the tiered size is kept.
C1_ONLY = "-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=240m"
# the options of a local master's JVM: C1, Spark's generated methods compiled whatever their size, the parallel GC
LOCAL_JVM = f"{C1_ONLY} -XX:-DontCompileHugeMethods -XX:+UseParallelGC"
QUIET = "-Xlog:cds=off -Xlog:cds+dynamic=off"  # the archive's own notes (classes it skips) are not the user's
STALE_BUILD_SECONDS = 6 * 3600  # a build marker whose JVM never reported is abandoned after this long


@dataclass(frozen=True)
class ClassArchive:
    """The archive of a command: `use` it, `build` it at the JVM's exit, or neither (another command builds it)."""

    path: Path
    action: str  # "use", "build" or "none"

    @property
    def marker(self) -> Path:
        return building_marker(self.path)

    def java_options(self) -> list[str]:
        if self.action == "use":
            return [f"-XX:SharedArchiveFile={self.path}", "-Xshare:auto", QUIET]
        if self.action == "build":
            return [f"-XX:ArchiveClassesAtExit={self.path}", QUIET]
        return []

    def started(self, jvm_pid: int) -> None:
        """The JVM that builds the archive is up: its pid tells the next commands when it has exited (and
        written the archive)."""
        if self.action == "build":
            self.marker.write_text(str(jvm_pid))

    def abandon(self) -> None:
        """The JVM did not start: the next command builds the archive."""
        if self.action == "build":
            self.marker.unlink(missing_ok=True)


def cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "credit-scoring" / "spark"


def building_marker(archive: Path) -> Path:
    return archive.with_name(archive.name + ".building")


def archive_key(spark_home: Path, java: Path, driver_memory: str) -> str:
    """What the archive depends on: the Java runtime, Spark's jars (names, sizes, dates) and the heap size (which
    decides compressed pointers)."""
    digest = hashlib.sha256(f"{java.resolve()}|{driver_memory}".encode())
    for path in [java.resolve(), *sorted((spark_home / "jars").glob("*.jar"))]:
        stat = path.stat()
        digest.update(f"{path.name}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def class_archive(folder: Path, key: str) -> ClassArchive:
    """Use the archive when it is complete; else build it in this command, unless another command is building
    it. A build is over when its JVM has exited (the JVM writes the archive as it exits)."""
    archive = folder / f"spark-classes-{key}.jsa"
    marker = building_marker(archive)
    if marker.exists() and not _build_running(marker):
        marker.unlink(missing_ok=True)
    if marker.exists():
        return ClassArchive(archive, "none")
    if archive.is_file():
        return ClassArchive(archive, "use")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:  # another command started building at the same moment
        return ClassArchive(archive, "none")
    os.close(descriptor)
    return ClassArchive(archive, "build")


def _build_running(marker: Path) -> bool:
    try:
        text = marker.read_text().strip()
        age = time.time() - marker.stat().st_mtime
    except OSError:
        return False
    if not text:  # the building command has not reported its JVM yet, or died before it did
        return age < STALE_BUILD_SECONDS
    try:
        os.kill(int(text), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, ValueError):
        return age < STALE_BUILD_SECONDS
    return True


def local_archive(driver_memory: str) -> ClassArchive | None:
    """The archive of this machine's Java runtime and Spark install, or None when either cannot be found."""
    import shutil

    java_home = os.environ.get("JAVA_HOME")
    java = Path(java_home) / "bin" / "java" if java_home else None
    if java is None or not java.is_file():
        found = shutil.which("java")
        java = Path(found) if found else None
    spark_home = _spark_home()
    if java is None or spark_home is None:
        return None
    try:
        key = archive_key(spark_home, java, driver_memory)
        return class_archive(cache_folder(), key)
    except OSError:  # a read-only or full cache folder: run without the archive
        return None


def _spark_home() -> Path | None:
    home = os.environ.get("SPARK_HOME")
    if home:
        return Path(home)
    try:
        import pyspark
    except ImportError:
        return None
    return Path(pyspark.__file__).parent
