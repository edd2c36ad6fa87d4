"""Test scenes for the front end: the guide's narration through a simulated room with
commands said over it, and commands under background sounds (real espeak-ng speech).

- ``narration()``: guide sentences (one holds a command word: "say next to move on").
- ``barge_in_scene(commands, echo_db, delay_ms)``: (microphone, reference, where each
  command was said), float32 at 16 kHz; the reference is what the speaker played.
- ``under_background(command, kind, snr_db)``: a command between two seconds of music,
  pink noise or babble (``bench.noise``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from tests.audio_synth import RATE, Samples, silence, speak
from voice_guide.frontend.simulated_room import echo_path, voiced_power

GUIDE_VOICE = "en-gb"
SENTENCES = (
    "Place both hands flat on the lower back, either side of the spine.",
    "When you are ready, say next to move on.",
    "Slide your hands slowly up towards the shoulders, keeping an even pressure.",
    "If anything hurts, stop and check with your partner before going on.",
    "Breathe slowly, and let your partner relax into the warmth of your hands.",
)


@dataclass(frozen=True)
class Said:
    text: str
    start: float
    end: float


@cache
def narration() -> Samples:
    parts: list[Samples] = [silence(1.0)]
    for text in SENTENCES:
        parts += [speak(text, GUIDE_VOICE, 165), silence(0.5)]
    out: Samples = (np.concatenate(parts) * 0.3).astype(np.float32)
    return out


def barge_in_scene(commands: tuple[tuple[str, str], ...], echo_db: float = 0.0,
                   delay_ms: float = 60.0, first_at: int = 8
                   ) -> tuple[Samples, Samples, list[Said]]:
    """Commands ((text, voice), ...) said over the narration (repeated as long as needed),
    from ``first_at`` seconds on (the canceller has adapted by then), 4 s apart.

    ``echo_db``: how much louder the echo is at the microphone than each command.
    """
    needed = (first_at + 5 * len(commands)) * RATE
    played = np.tile(narration(), needed // narration().size + 1)
    echo = echo_path(played, delay_ms, 0.3, seed=1)
    mic = echo.copy()
    said: list[Said] = []
    level = voiced_power(echo) / 10 ** (echo_db / 10)
    at = first_at * RATE
    for text, voice in commands:
        clip = speak(text, voice, 160)
        clip = clip * np.sqrt(level / voiced_power(clip))
        mic[at:at + clip.size] += clip
        said.append(Said(text, at / RATE, (at + clip.size) / RATE))
        at += clip.size + 4 * RATE
    mic += np.random.default_rng(3).normal(0, 3e-4, mic.size).astype(np.float32)
    return mic.astype(np.float32), played, said


def under_background(text: str, voice: str, kind: str, snr_db: float = 10.0
                     ) -> tuple[Samples, Said]:
    from bench import noise

    clip = speak(text, voice, 160)
    speech = np.concatenate([silence(3.0), clip, silence(2.0)]).astype(np.float32)
    mask = np.concatenate([silence(3.0), np.ones(clip.size, np.float32), silence(2.0)])
    seconds = speech.size / RATE + 0.1
    if kind == "music":
        bg = noise.music(seconds, 11)
    elif kind == "pink":
        bg = noise.pink(seconds, 12)
    else:
        raise ValueError(kind)
    mixed = noise.mix_at_snr(speech, mask, bg[: speech.size], snr_db)
    return mixed.astype(np.float32), Said(text, 3.0, 3.0 + clip.size / RATE)
