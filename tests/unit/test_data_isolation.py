"""Where runs write: a setting given in code wins over the environment (a test's temporary store is never
swapped for the one MLFLOW_TRACKING_URI names), and bundle folders never collide and appear whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from training.publish import save_bundle
from training.settings import TrainingSettings


def test_a_store_given_in_code_wins_over_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "MLFLOW_TRACKING_URI", "sqlite:///mlflow.db"
    )  # what mlflow.set_tracking_uri leaves behind
    settings = TrainingSettings(data_root=tmp_path, tracking_uri=None)
    assert settings.resolved_tracking_uri() == f"sqlite:///{(tmp_path / 'mlflow.db').resolve()}"
    assert TrainingSettings(data_root=tmp_path).resolved_tracking_uri() == "sqlite:///mlflow.db"


class _Bundle:
    def __init__(self, text: str, fail: bool = False) -> None:
        self.text, self.fail = text, fail

    def save(self, folder: Path) -> Path:
        (folder / "model.cbm").write_text(self.text)
        if self.fail:
            raise OSError("disk full")
        (folder / "metadata.json").write_text("{}")
        return folder


def test_bundle_folders_never_collide_and_appear_whole(tmp_path: Path) -> None:
    first = save_bundle(_Bundle("store A"), tmp_path, "credit-scoring-v1-aaaaaaaaaaaa")
    second = save_bundle(_Bundle("store B"), tmp_path, "credit-scoring-v1-bbbbbbbbbbbb")
    assert first != second
    assert (first / "model.cbm").read_text() == "store A" and (second / "model.cbm").read_text() == "store B"
    with pytest.raises(OSError, match="disk full"):
        save_bundle(_Bundle("half", fail=True), tmp_path, "credit-scoring-v2-cccccccccccc")
    assert sorted(p.name for p in tmp_path.iterdir()) == [first.name, second.name]  # no half bundle left
