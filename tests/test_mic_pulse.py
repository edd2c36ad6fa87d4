"""The live microphone path on a private PulseAudio server: espeak-ng speech played into the
"mic" null sink is heard through ``Microphone`` (its monitor is the default source) and
recognized by pocketsphinx."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from tests.audio_synth import silence, speak, write_wav
from voice_guide.asr.factory import make_recognizer
from voice_guide.audio.mic import Microphone
from voice_guide.intents import Intent
from voice_guide.ports import Heard
from voice_guide.testing.pulse import private_pulse


def test_microphone_hears_a_command_played_into_the_mic_sink(tmp_path: Path) -> None:
    wav = write_wav(
        tmp_path / "again.wav",
        np.concatenate([silence(0.5), speak("say that again", wpm=170), silence(1.0)]),
    )
    with private_pulse() as pulse:
        recognizer, _ = make_recognizer("pocketsphinx")
        mic = Microphone(None)
        heard: list[Heard] = []
        try:
            player = pulse.play(wav)
            deadline = time.monotonic() + 15.0
            for block in mic.blocks():
                heard += recognizer.accept(block)
                if heard or time.monotonic() > deadline:
                    break
            player.wait(10)
        finally:
            mic.close()
    assert [h.command.intent for h in heard] == [Intent.REPEAT]
