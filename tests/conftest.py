"""Shared test set-up: keep every test's session log in its own temporary file."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _private_session_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOICE_GUIDE_DB", str(tmp_path / "sessions.sqlite"))
