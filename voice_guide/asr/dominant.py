"""Keeping the words of the nearest talker: dropping quiet words at the edges of an utterance.

With other people talking in the room (or a radio), the segment around a command also
holds a little of their speech, which the decoder turns into extra words before or
after the command; the utterance is then no longer one whole phrase and is rejected.
The person giving the command is the loudest voice: words at either edge whose level
is far below the loudest word's are dropped before the utterance is judged. Words in
the middle are never dropped, so a sentence cannot be cut down to a command inside it.
"""

from __future__ import annotations

import math

import numpy as np

from voice_guide.asr.decoded import Decoded, Word
from voice_guide.ports import SAMPLE_RATE


def word_levels(words: tuple[Word, ...], audio: bytes) -> list[float]:
    """Mean power (dB full scale) of the audio under each word; times are into ``audio``."""
    samples = np.frombuffer(audio[: len(audio) // 2 * 2], dtype="<i2").astype(np.float64)
    samples /= 32768.0
    out: list[float] = []
    for w in words:
        lo = max(0, int(w.start * SAMPLE_RATE))
        hi = min(samples.size, max(lo + 1, int(w.end * SAMPLE_RATE)))
        chunk = samples[lo:hi]
        power = float(np.mean(chunk**2)) if chunk.size else 0.0
        out.append(10 * math.log10(power + 1e-12))
    return out


def drop_quiet_edges(decoded: Decoded, audio: bytes, drop_db: float) -> Decoded:
    """``decoded`` without leading and trailing words ``drop_db`` below the loudest word."""
    words = decoded.words
    if len(words) < 2:
        return decoded
    levels = word_levels(words, audio)
    floor = max(levels) - drop_db
    lo, hi = 0, len(words)
    while lo < hi and levels[lo] < floor:
        lo += 1
    while hi > lo and levels[hi - 1] < floor:
        hi -= 1
    if (lo, hi) == (0, len(words)):
        return decoded
    return Decoded(words[lo:hi], decoded.score)
