"""Finding routines by id or path, and listing them without crashing on bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from voice_guide.errors import UserError
from voice_guide.paths import PROJECT_ROOT
from voice_guide.routine.catalog import CatalogEntry, list_routines, resolve

MINI = """\
id: {id}
title: Mini {id}
description: A small routine.
introduction:
  - Hello there, this is a small routine.
steps:
  - id: one
    title: One
    instructions: [Say one thing here please.]
    repetitions: {{min: 2, max: 3, seconds_each: 20}}
    pressure: light
    area: back
    technique: strokes
"""


@pytest.fixture
def extra_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "mine"
    folder.mkdir()
    monkeypatch.setenv("VOICE_GUIDE_ROUTINES", str(folder))
    return folder


def test_resolve_existing_path_as_given(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(MINI.format(id="x"), encoding="utf-8")
    assert resolve(str(path)) == path
    assert resolve(path) == path


def test_resolve_id_from_folders_and_extra_folder_first(extra_dir: Path) -> None:
    assert resolve("back-massage") == PROJECT_ROOT / "routines" / "back-massage.yaml"
    (extra_dir / "stretch.yml").write_text(MINI.format(id="stretch"), encoding="utf-8")
    assert resolve("stretch") == extra_dir / "stretch.yml"
    (extra_dir / "back-massage.yaml").write_text(MINI.format(id="back-massage"), encoding="utf-8")
    assert resolve("back-massage") == extra_dir / "back-massage.yaml"


def test_unknown_id_lists_known_ids(extra_dir: Path) -> None:
    (extra_dir / "stretch.yaml").write_text(MINI.format(id="stretch"), encoding="utf-8")
    with pytest.raises(UserError) as caught:
        resolve("massage")
    assert str(caught.value) == (
        "unknown routine 'massage'; known routines: back-massage, stretch "
        "(or give the path of a routine .yaml file)"
    )


def test_missing_path_is_not_treated_as_an_id(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"^.*nope\.yaml: no such file; check the path$"):
        resolve(str(tmp_path / "nope.yaml"))


def test_list_includes_valid_and_invalid_files(extra_dir: Path) -> None:
    (extra_dir / "stretch.yaml").write_text(MINI.format(id="stretch"), encoding="utf-8")
    (extra_dir / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    (extra_dir / "renamed.yaml").write_text(MINI.format(id="other-name"), encoding="utf-8")
    (extra_dir / "notes.txt").write_text("not a routine", encoding="utf-8")
    entries = {e.path.stem: e for e in list_routines()}
    assert sorted(entries) == ["back-massage", "broken", "renamed", "stretch"]
    stretch = entries["stretch"]
    assert stretch._replace(minutes=1.0) == CatalogEntry(
        "stretch", "Mini stretch", 1, 1.0, extra_dir / "stretch.yaml"
    )
    assert 1.0 < stretch.minutes < 2.0  # a minute of timing and its narration
    broken = entries["broken"]
    assert broken.error is not None
    assert broken.error.startswith("broken: line 1: YAML syntax error")
    assert broken.error.endswith(f"see `voice-guide routines validate {extra_dir / 'broken.yaml'}`)")
    assert (broken.step_count, broken.minutes) == (0, 0.0)
    assert entries["renamed"].note == (
        "its id is 'other-name' but it is found by its file name 'renamed'"
    )
    massage = entries["back-massage"]
    assert massage.error is None and massage.step_count == 17
    assert 38 < massage.minutes < 42  # 32 minutes of timing and the narration (as simulated)
