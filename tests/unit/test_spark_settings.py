"""The settings a Spark command starts with: sized for a local master, left to the operator on a cluster, and
always overridden by the command's --conf. No Spark session is started here."""

from __future__ import annotations

import argparse
import os

import pytest

from training.features.cli import spark_setting
from training.features.spark import ANSI, JAVA_OPTIONS, LOCAL_MEMORY, local_cores, session_settings
from training.features.spark_jvm import LOCAL_JVM, class_archive


@pytest.mark.parametrize(
    ("master", "cores"),
    [
        ("local", 1),
        ("local[2]", 2),
        ("local[16]", 16),
        ("local[3,2]", 3),
        ("local[*]", os.cpu_count() or 1),
        ("spark://host:7077", None),
        ("yarn", None),
        ("k8s://https://host:6443", None),
    ],
)
def test_local_cores(master: str, cores: int | None) -> None:
    assert local_cores(master) == cores


def test_a_local_master_gets_one_shuffle_partition_per_core_and_the_local_memory() -> None:
    settings = session_settings("local[2]")
    assert settings["spark.sql.shuffle.partitions"] == "2"
    assert settings["spark.default.parallelism"] == "2"
    assert settings["spark.driver.memory"] == LOCAL_MEMORY
    assert settings["spark.sql.execution.arrow.pyspark.enabled"] == "true"
    assert settings[JAVA_OPTIONS] == LOCAL_JVM


def test_a_local_master_loads_its_classes_from_the_archive(tmp_path) -> None:
    archive = class_archive(tmp_path, "k")
    options = session_settings("local[2]", None, archive)[JAVA_OPTIONS].split()
    assert " ".join(options[: len(LOCAL_JVM.split())]) == LOCAL_JVM
    assert f"-XX:ArchiveClassesAtExit={archive.path}" in options


@pytest.mark.parametrize("master", ["spark://host:7077", "yarn", None])
def test_a_cluster_keeps_the_operators_settings(master: str | None) -> None:
    settings = session_settings(master)
    assert "spark.sql.shuffle.partitions" not in settings
    assert "spark.driver.memory" not in settings
    assert JAVA_OPTIONS not in settings


def test_the_commands_conf_wins() -> None:
    settings = session_settings(
        "local[2]",
        {"spark.sql.shuffle.partitions": "64", "spark.driver.memory": "8g", JAVA_OPTIONS: "-Xss4m"},
    )
    assert settings[JAVA_OPTIONS] == "-Xss4m"
    assert settings["spark.sql.shuffle.partitions"] == "64"
    assert settings["spark.driver.memory"] == "8g"


def test_a_setting_without_equals_sign_is_refused_with_the_form_to_use() -> None:
    assert spark_setting("spark.ui.enabled=false") == ("spark.ui.enabled", "false")
    assert spark_setting("a=b=c") == ("a", "b=c")
    with pytest.raises(argparse.ArgumentTypeError, match="KEY=VALUE"):
        spark_setting("spark.ui.enabled")


@pytest.mark.parametrize("master", ["local[2]", "spark://host:7077", None])
def test_the_aggregates_run_without_ansi_overflow_checks_on_every_master(master: str | None) -> None:
    assert session_settings(master)[ANSI] == "false"
    assert session_settings(master, {ANSI: "true"})[ANSI] == "true"
