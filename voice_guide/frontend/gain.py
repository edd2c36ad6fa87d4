"""Automatic gain control: a slow, speech-gated gain towards a target speech level.

Only frames clearly above the running floor count as speech for the level estimate,
so the gain does not rise to lift background noise in pauses. The gain moves at most
``step_db`` per frame and stays within ``[min_db, max_db]``; a limiter keeps peaks
below full scale. Small and cheap on purpose (the recognizers normalize levels
themselves; this keeps quiet talkers out of the dither floor and loud ones out of
clipping).
"""

from __future__ import annotations

import math

import numpy as np

from voice_guide.frontend.pcm import Int16, clip16

_FULL = 32768.0


class Gain:
    name = "gain"
    label = "gain control"

    def __init__(self, target_dbfs: float = -20.0, min_db: float = -10.0, max_db: float = 20.0,
                 step_db: float = 0.05) -> None:
        self._target = target_dbfs
        self._min, self._max, self._step = min_db, max_db, step_db
        self.reset()

    def reset(self) -> None:
        self.gain_db = 0.0
        self._floor = -60.0

    def process(self, frame: Int16, reference: Int16) -> Int16:
        del reference
        values = frame.astype(np.float64)
        level = 10 * math.log10(float(np.mean((values / _FULL) ** 2)) + 1e-12)
        # floor: follows drops at once, rises slowly
        self._floor = level if level < self._floor else self._floor + 0.02
        if level > self._floor + 10.0 and level > -55.0:
            want = max(self._min, min(self._max, self._target - level))
            delta = max(-self._step, min(self._step, want - self.gain_db))
            self.gain_db += delta
        out = values * 10 ** (self.gain_db / 20)
        peak = float(np.max(np.abs(out))) if out.size else 0.0
        if peak > 0.95 * _FULL:
            out *= 0.95 * _FULL / peak
        return clip16(out)
