"""User data locations (platformdirs) with their environment overrides, and the user's own
routines folder being searched."""

from __future__ import annotations

from pathlib import Path

import pytest

from voice_guide import paths
from voice_guide.cli.main import main
from voice_guide.routine.catalog import resolve

ROUTINE = """\
id: stretch-break
title: Stretch break
description: A short stretch.
introduction: [Stand up.]
safety: [Stop if anything hurts.]
closing: [Well done.]
steps:
  - id: rolls
    title: Shoulder rolls
    instructions: [Roll both shoulders.]
    duration: {min_s: 10, max_s: 20}
    pressure: light
    area: shoulders
    technique: rolling
"""


def test_defaults_follow_platformdirs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("VOICE_GUIDE_DATA_DIR", "VOICE_GUIDE_MODELS_DIR", "VOICE_GUIDE_DB",
                 "VOICE_GUIDE_ROUTINES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    data = tmp_path / "share" / "voice-guide"
    assert paths.user_data_dir() == data
    assert paths.models_dir() == data / "models"
    assert paths.session_db_file() == data / "sessions.sqlite"
    assert paths.routine_dirs()[0] == data / "routines"
    assert paths.routine_dirs()[-1] == paths.bundled_dir("routines")
    assert (paths.bundled_dir("routines") / "back-massage.yaml").is_file()
    assert paths.manifest_file().is_file()


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VOICE_GUIDE_MODELS_DIR", str(tmp_path / "m"))
    monkeypatch.setenv("VOICE_GUIDE_DB", str(tmp_path / "s.sqlite"))
    monkeypatch.setenv("VOICE_GUIDE_ROUTINES", str(tmp_path / "r"))
    assert paths.models_dir() == tmp_path / "m"
    assert paths.session_db_file() == tmp_path / "s.sqlite"
    assert paths.routine_dirs()[0] == tmp_path / "r"


def test_the_users_routines_folder_is_searched(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VOICE_GUIDE_DATA_DIR", str(tmp_path / "data"))
    mine = tmp_path / "data" / "routines" / "stretch-break.yaml"
    mine.parent.mkdir(parents=True)
    mine.write_text(ROUTINE, encoding="utf-8")
    assert resolve("stretch-break") == mine
    assert main(["routines", "list"]) == 0
    out = capsys.readouterr().out
    assert "stretch-break" in out and "back-massage" in out
