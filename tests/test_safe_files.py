"""The shared guards every file reader uses: regular files only, bounded size, UTF-8."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from voice_guide.errors import UserError
from voice_guide.safe_files import read_bytes_limited, read_text_file
from voice_guide.text_safety import has_control, printable


def test_reads_a_small_utf8_file(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_text("héllo\n", encoding="utf-8")
    assert read_text_file(p, "a test file") == "héllo\n"


@pytest.mark.parametrize("target", ["/dev/zero", "/dev/null"])
def test_devices_are_refused_before_reading(target: str) -> None:
    with pytest.raises(UserError, match="not a regular file"):
        read_text_file(Path(target), "a routine file")


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(UserError, match="not a regular file"):
        read_bytes_limited(fifo, "a WAV file", 100)


def test_folder_missing_and_oversized(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="is a folder"):
        read_text_file(tmp_path, "a script")
    with pytest.raises(UserError, match="no such file"):
        read_text_file(tmp_path / "nope", "a script")
    big = tmp_path / "big"
    big.write_bytes(b"x" * 2000)
    with pytest.raises(UserError, match="more than the 1 kB allowed"):
        read_text_file(big, "a script", limit=1000)


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    p = tmp_path / "latin1.txt"
    p.write_bytes(b"ok\nsecond \xe9\n")
    with pytest.raises(UserError, match=r"latin1.txt:2: is not UTF-8"):
        read_text_file(p, "a phrase file")


def test_escape_sequences_never_reach_the_terminal() -> None:
    hostile = "Step\x1b]0;pwned\x07 one \x1b]52;c;ZXZpbA==\x1b\\ \x1b[2J\x9b31m done\x07"
    shown = printable(hostile)
    assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown
    assert "pwned" not in shown and "ZXZpbA" not in shown
    assert shown.startswith("Step one")
    assert has_control(hostile) and not has_control("plain\ttext\n")
