"""Judging a microphone from a few seconds of its samples: too quiet, clipping, or ok.

The loudest tenth of a second is what counts (the user is asked to speak while it listens):
speech into a working microphone reaches well above -40 dBFS there, while a muted, unplugged
or far-away microphone stays near its noise floor (-60 dBFS and below).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

QUIET_DBFS = -40.0  # loudest 100 ms below this: too quiet
CLIP_LEVEL = 0.98  # a sample this close to full scale is clipped
CLIP_FRACTION = 0.001  # more than 0.1% of the samples clipped: clipping


@dataclass(frozen=True)
class Level:
    verdict: str  # "ok", "too quiet" or "clipping"
    loudest_dbfs: float  # RMS of the loudest 100 ms, dB below full scale
    clipped_fraction: float
    seconds: float

    def describe(self) -> str:
        loud = "silence" if math.isinf(self.loudest_dbfs) else f"{self.loudest_dbfs:.0f} dBFS"
        return (f"{self.verdict} (loudest tenth of a second {loud}, "
                f"{self.clipped_fraction:.1%} clipped, {self.seconds:.1f} s heard)")


def dbfs(rms: float) -> float:
    return 20.0 * math.log10(rms) if rms > 0 else -math.inf


def judge(samples: npt.NDArray[np.float32], rate: int) -> Level:
    """The verdict for mono float ``samples`` in [-1, 1] at ``rate``."""
    block = max(1, rate // 10)
    n = samples.size // block
    if n == 0:
        return Level("too quiet", -math.inf, 0.0, samples.size / rate)
    blocks = samples[: n * block].astype(np.float64).reshape(n, block)
    loudest = dbfs(float(np.sqrt((blocks**2).mean(axis=1)).max()))
    clipped = float(np.mean(np.abs(samples) >= CLIP_LEVEL))
    if clipped > CLIP_FRACTION:
        verdict = "clipping"
    elif loudest < QUIET_DBFS:
        verdict = "too quiet"
    else:
        verdict = "ok"
    return Level(verdict, loudest, clipped, samples.size / rate)
