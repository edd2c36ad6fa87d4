"""`voice-guide models list` on real folders, and the progress display."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from voice_guide.cli.main import main
from voice_guide.models_store.progress import TerminalProgress, human_size

SMALL = "vosk-model-small-en-us-0.15"
LARGE = "vosk-model-en-us-0.22"


@pytest.fixture
def models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("VOICE_GUIDE_MODEL_MANIFEST", raising=False)
    where = tmp_path / "models"
    monkeypatch.setenv("VOICE_GUIDE_MODELS_DIR", str(where))
    return where


def rows(out: str) -> dict[str, str]:
    return {line.split()[0]: line for line in out.splitlines() if line.startswith("vosk-")}


def test_list_with_nothing_installed(models: Path, capsys) -> None:
    assert main(["models", "list"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    table = rows(out)
    assert set(table) >= {SMALL, LARGE}
    assert table[SMALL].split()[1:4] == ["en-us", "39.3", "MiB"]
    assert table[LARGE].split()[1:4] == ["en-us", "1.8", "GiB"]
    assert all(line.endswith("not installed") for line in table.values())
    assert "other model folders" not in out
    assert "test suite" not in out and "PyPI" not in out  # no developer notes for users


def test_list_shows_installed_partial_and_other_folders(models: Path, capsys) -> None:
    (models / SMALL / "am").mkdir(parents=True)
    (models / f"{LARGE}.part").write_bytes(b"x" * 2048)
    (models / "my-own-model" / "conf").mkdir(parents=True)
    (models / f".{SMALL}.tmp-abc").mkdir()  # unpacking in progress: not a model
    (models / "README.md").write_text("not a model")
    assert main(["models", "list"]) == 0
    out, _ = capsys.readouterr()
    table = rows(out)
    assert table[SMALL].endswith(f"installed in {models / SMALL}")
    assert table[LARGE].endswith("partly downloaded (2.0 KiB), pull to resume")
    assert out.endswith(f"other model folders in {models}:\n  my-own-model\n")


def test_models_without_action_prints_help(models: Path, capsys) -> None:
    assert main(["models"]) == 2
    _, err = capsys.readouterr()
    assert "list" in err and "pull" in err


def test_pull_without_name_is_a_usage_error(models: Path, capsys) -> None:
    assert main(["models", "pull"]) == 2
    _, err = capsys.readouterr()
    assert "the following arguments are required: NAME" in err.splitlines()[-1]


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal() -> None:
    stream = FakeTTY()
    bar = TerminalProgress(stream, "m", min_interval=0.0)
    bar.start(4096, 0)
    bar.update(1024, 4096)
    bar.update(4096, 4096)
    text = stream.getvalue()
    assert text.startswith("downloading m (4.0 KiB)\n")
    assert f"\r[{'#' * 7}{'-' * 23}]  25.0% 1.0 KiB / 4.0 KiB" in text
    assert f"\r[{'#' * 30}] 100.0% 4.0 KiB / 4.0 KiB\n" in text
    assert text.splitlines()[-1].startswith("downloaded m: 4.0 KiB in ")


def test_progress_without_a_terminal_prints_only_start_and_finish() -> None:
    stream = io.StringIO()
    bar = TerminalProgress(stream, "m")
    bar.start(4096, 1024)
    for done in range(1024, 4097, 512):
        bar.update(done, 4096)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "resuming m (4.0 KiB) from 1.0 KiB"
    assert lines[1].startswith("downloaded m: 4.0 KiB in ")
    assert len(lines) == 2


@pytest.mark.parametrize(
    ("n", "text"),
    [(None, "unknown size"), (512, "512 B"), (41205931, "39.3 MiB"), (1913365522, "1.8 GiB")],
)
def test_human_size(n: int | None, text: str) -> None:
    assert human_size(n) == text
