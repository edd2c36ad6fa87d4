"""Barge-in on the development set: commands said over the guide's narration.

The narration (the routine's sentences, the dev set's guide voice) goes through a
simulated speaker-to-microphone path (``voice_guide.frontend.simulated_room``) at two
delays and two echo levels (echo as loud as the command, and 6 dB louder); each dev
voice says commands over it. Also the narration alone, for false commands. Used by
``bench/frontend_tune.py`` (dev voices only; the benchmark has its own test voices).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench import synth
from bench.languages import Language
from voice_guide.frontend.settings import FrontEndSettings
from voice_guide.frontend.simulated_room import echo_path, voiced_power
from voice_guide.ports import SAMPLE_RATE

CONDITIONS = ((40.0, 0.0), (100.0, 6.0))  # (delay ms, echo over command dB)


@dataclass(frozen=True)
class Take:
    mic: bytes
    reference: bytes
    truth: list[tuple[str, float, float]]  # (intent, start s, end s)


def _pcm(audio: np.ndarray) -> bytes:
    return bytes((np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes())


def build(lang: Language, cache: Path, seed: int, delay_ms: float, echo_db: float,
          with_commands: bool = True) -> Take:
    rng = random.Random(f"{seed}:{delay_ms}:{echo_db}")
    parts = []
    for text in lang.narration:
        parts.append(synth.speak(text, lang.guide_voice, cache))
        parts.append(np.zeros(int(rng.uniform(0.3, 0.9) * SAMPLE_RATE), np.float32))
    played = np.concatenate([np.zeros(SAMPLE_RATE, np.float32), *parts]) * 0.3
    echo = echo_path(played.astype(np.float32), delay_ms, 0.3, seed)
    mic = echo.copy()
    truth: list[tuple[str, float, float]] = []
    if with_commands:
        level = voiced_power(echo) / 10 ** (echo_db / 10)
        commands = list(lang.commands)
        at = int(3.0 * SAMPLE_RATE)
        k = 0
        while at < len(mic) - 3 * SAMPLE_RATE:
            phrase, command = commands[k % len(commands)]
            voice = lang.voices[k % len(lang.voices)]
            clip = synth.speak(phrase, voice, cache)
            clip = clip * np.sqrt(level / max(voiced_power(clip), 1e-12))
            mic[at:at + len(clip)] += clip
            truth.append((command.intent.value, at / SAMPLE_RATE,
                          (at + len(clip)) / SAMPLE_RATE))
            at += len(clip) + int(rng.uniform(3.0, 5.0) * SAMPLE_RATE)
            k += 1
    mic += np.random.default_rng(seed).normal(0, 3e-4, len(mic)).astype(np.float32)
    return Take(_pcm(mic), _pcm(played), truth)


def score(take: Take, settings: FrontEndSettings, table: object) -> tuple[int, int, int]:
    """(commands right, commands said, commands heard that were never said)."""
    from voice_guide.frontend.factory import make_hearing

    hearing, _ = make_hearing("pocketsphinx", table=table, front_end=settings)  # type: ignore[arg-type]
    got = []
    step = 3200
    for i in range(0, len(take.mic), step):
        got += hearing.accept(take.mic[i:i + step], take.reference[i:i + step])
    got += hearing.flush()
    right = 0
    used: set[int] = set()
    for intent, start, end in take.truth:
        for j, h in enumerate(got):
            if j not in used and start - 0.3 <= h.start <= end + 0.3:
                used.add(j)
                right += h.command.intent.value == intent
                break
    return right, len(take.truth), len(got) - len(used)
