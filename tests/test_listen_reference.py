"""`voice-guide listen --file MIC.wav --reference SPEAKER.wav`: the live chain on
recordings, run as a user would (a subprocess), and every bad reference."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.audio_synth import write_wav
from tests.frontend_scenes import Said, barge_in_scene

COMMANDS = (("stop", "en-us"), ("say that again", "en-us"))


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[Said]]:
    mic, played, said = barge_in_scene(COMMANDS, echo_db=0.0)
    folder = tmp_path_factory.mktemp("scene")
    # the speaker recording at another rate and in stereo: converted like the microphone's
    return (write_wav(folder / "mic.wav", mic),
            write_wav(folder / "speaker.wav", played, rate=48000, channels=2), said)


def _listen(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "voice_guide", "listen", "--engine",
                           "pocketsphinx", "--json", *args], capture_output=True, text=True,
                          timeout=600)


def test_reference_lets_commands_over_the_narration_through(
        scene: tuple[Path, Path, list[Said]]) -> None:
    mic, speaker, said = scene
    done = _listen("--file", str(mic), "--reference", str(speaker))
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["text"] for r in rows] == [s.text for s in said]
    assert "echo cancellation" in done.stderr.splitlines()[0]
    assert "Traceback" not in done.stderr


def test_without_the_front_end_the_guide_voice_is_not_cancelled(
        scene: tuple[Path, Path, list[Said]]) -> None:
    mic, speaker, said = scene
    done = _listen("--file", str(mic), "--reference", str(speaker), "--no-front-end")
    assert done.returncode == 0, done.stderr
    assert "front end: off." in done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["text"] for r in rows] != [s.text for s in said]


def _refused(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    for word in words:
        assert word in lines[0], lines[0]


def test_bad_references_are_refused_in_one_sentence(
        scene: tuple[Path, Path, list[Said]], tmp_path: Path) -> None:
    mic, speaker, _ = scene
    missing = tmp_path / "nothing.wav"
    _refused(_listen("--file", str(mic), "--reference", str(missing)), "nothing.wav")
    text = tmp_path / "notes.wav"
    text.write_text("not audio at all\n", encoding="utf-8")
    _refused(_listen("--file", str(mic), "--reference", str(text)), "notes.wav", "audio")
    short = write_wav(tmp_path / "short.wav", np.zeros(16000, np.float32))
    _refused(_listen("--file", str(mic), "--reference", str(short)), "short.wav", "same length")
    folder = tmp_path / "a-folder.wav"
    folder.mkdir()
    _refused(_listen("--file", str(mic), "--reference", str(folder)), "a-folder.wav")
    _refused(_listen("--reference", str(speaker)), "--reference needs --file")
