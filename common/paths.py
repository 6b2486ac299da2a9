"""The project's data folder: the laptop default of every app (SQLite stores, generated data, reports)."""

from __future__ import annotations

from pathlib import Path

PROJECT_DATA = Path(__file__).resolve().parents[1] / "data"
