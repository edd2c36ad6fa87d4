"""The recognizer in a child process behaves like the one in this process: same commands
from the same audio, the same one-sentence errors, and a dead child is an exception."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from audio_synth import compose, pcm16

from voice_guide.asr.factory import make_recognizer
from voice_guide.asr.process_recognizer import ProcessRecognizer, RecognizerDied
from voice_guide.errors import UserError
from voice_guide.ports import Heard, Recognizer


def _hear(rec: Recognizer, pcm: bytes) -> list[Heard]:
    out: list[Heard] = []
    for i in range(0, len(pcm), 3200):
        out += rec.accept(pcm[i : i + 3200])
    return out + rec.flush()


def test_same_commands_as_in_process() -> None:
    signal_, _ = compose([1.0, "say that again", 1.0, "pause", 1.0])
    pcm = pcm16(signal_)
    here, why = make_recognizer("pocketsphinx")
    there = ProcessRecognizer("pocketsphinx")
    try:
        assert there.name == "pocketsphinx" and there.sentence == why
        assert _hear(there, pcm) == _hear(here, pcm)
        there.reset()
    finally:
        there.close()


def test_errors_are_the_same_sentence(tmp_path: Path) -> None:
    with pytest.raises(UserError) as here:
        make_recognizer("vosk", model_dir=tmp_path / "none")
    with pytest.raises(UserError) as there:
        ProcessRecognizer("vosk", model_dir=tmp_path / "none")
    assert str(there.value) == str(here.value) and there.value.exit_code == here.value.exit_code


def test_a_dead_child_is_an_exception() -> None:
    rec = ProcessRecognizer("pocketsphinx")
    try:
        os.kill(rec._proc.pid or 0, signal.SIGKILL)
        with pytest.raises(RecognizerDied, match=r"ended \(killed by SIGKILL\)"):
            rec.accept(b"\0\0" * 1600)
    finally:
        rec.close()


def test_what_is_heard_and_not_taken_is_reported_across_the_process() -> None:
    """Talk in the room is rejected, and the live view can show it: the words and the reason
    come back from the child process, the accepted command as usual."""
    signal_, _ = compose([1.0, "we will go back to the beach next week with the children", 1.5,
                          "pause", 1.0])
    there = ProcessRecognizer("pocketsphinx")
    try:
        heard = _hear(there, pcm16(signal_))
        rejected = there.take_rejected()
        assert [h.command.intent.value for h in heard] == ["pause"]
        assert rejected and all(r.text.strip() and r.reason for r in rejected)
        assert there.take_rejected() == []  # taken once
    finally:
        there.close()
