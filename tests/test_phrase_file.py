"""Phrase files: adding, replacing, and FILE:LINE errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from voice_guide.cli.common import korean_phrase_file
from voice_guide.errors import UserError
from voice_guide.intents import Intent
from voice_guide.phrase_file import load_phrase_table


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_add_keeps_defaults(tmp_path: Path) -> None:
    table = load_phrase_table(_write(tmp_path, "intents:\n  next: [onward, move along]\n"))
    assert table.parse("onward").intent is Intent.NEXT  # type: ignore[union-attr]
    assert table.parse("move along please").intent is Intent.NEXT  # type: ignore[union-attr]
    assert table.parse("go back").intent is Intent.BACK  # type: ignore[union-attr]


def test_korean_file_replaces() -> None:
    table = load_phrase_table(korean_phrase_file())
    assert table.parse("다음").intent is Intent.NEXT  # type: ignore[union-attr]
    assert table.parse("제발 잠깐").intent is Intent.PAUSE  # type: ignore[union-attr]
    goto = table.parse("둘 단계")
    assert goto is not None and goto.intent is Intent.GOTO and goto.step == 2
    for words, step in (("다섯 단계", 5), ("일곱 단계", 7), ("열 단계", 10)):
        found = table.parse(words)
        assert found is not None and found.step == step
    assert table.parse("next") is None


@pytest.mark.parametrize("text,line,words", [
    ("intents:\n  nxt: [go]\n", 2, "unknown intent 'nxt'"),
    ("intents:\n  next: go\n", 2, "must be a list"),
    ("replace: maybe\nintents:\n  next: [go]\n", 1, "true or false"),
    ("intents:\n  next: [go]\ncolour: red\n", 3, "unknown key 'colour'"),
    ("intents:\n  next: [go]\nnumbers: {one: zero}\n", 3, "whole number"),
    ("intents:\n  next: [go]\ngoto: [\"step\"]\n", 3, "{n}"),
    ("intents:\n  next: [go\n", 3, "not valid YAML"),
    ("- just\n- a list\n", 1, "must be a mapping"),
    ("", 1, "empty"),
    ("replace: true\nintents:\n  next: [go]\n  back: [[x]]\n", 4, "non-empty phrase"),
])
def test_errors_name_file_and_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(UserError) as err:
        load_phrase_table(path)
    assert str(err.value).startswith(f"{path}:{line}: ")
    assert words in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such file; check the path of a phrase file"):
        load_phrase_table(tmp_path / "none.yaml")


def test_replacing_file_must_keep_quit_yes_no_help(tmp_path: Path) -> None:
    path = _write(tmp_path, "# only onward\nreplace: true\nintents:\n  next: [onward]\n"
                  "  yes: [sure]\n")
    with pytest.raises(UserError) as err:
        load_phrase_table(path)
    message = str(err.value)
    assert message.startswith(f"{path}:2: with 'replace: true'")
    assert "for quit, no, help," in message
    assert "quit: [quit], no: [no], help: [help]" in message
    assert "\n" not in message


def test_replacing_file_with_every_essential_loads(tmp_path: Path) -> None:
    path = _write(tmp_path, "replace: true\nintents:\n  next: [onward]\n  quit: [stop]\n"
                  "  yes: [sure]\n  no: [nope]\n  help: [options]\n")
    assert load_phrase_table(path).parse("onward").intent is Intent.NEXT  # type: ignore[union-attr]


def test_run_refuses_a_replacing_file_without_quit(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = _write(tmp_path, "replace: true\nintents:\n  next: [onward]\n")
    done = subprocess.run([sys.executable, "-m", "voice_guide", "run", "--text", "--no-log",
                           "--phrases", str(path)], input="onward\n", capture_output=True,
                          text=True, timeout=120)
    assert done.returncode != 0
    assert done.stderr.startswith("voice-guide: ") and "quit, yes, no, help" in done.stderr
    assert "Traceback" not in done.stderr
