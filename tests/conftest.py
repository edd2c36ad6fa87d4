"""Shared test set-up: keep every test's session log in its own temporary file."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _private_session_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOICE_GUIDE_DB", str(tmp_path / "sessions.sqlite"))
    # and never read the developer's own settings file or user data folder
    monkeypatch.setenv("VOICE_GUIDE_CONFIG", str(tmp_path / "voice-guide-settings.toml"))
    monkeypatch.setenv("VOICE_GUIDE_DATA_DIR", str(tmp_path / "voice-guide-data"))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under CI every real-engine test must run: the test command installs espeak-ng, the
    Korean Vosk model and PulseAudio, so a skip there means a missing test, and fails the run."""
    import os

    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if os.environ.get("CI") and skipped and exitstatus == 0:
        if reporter:
            reporter.write_line(f"CI: {skipped} test(s) were skipped; in CI every test must run.",
                                red=True)
        session.exitstatus = 1
