"""Telling a room of talkers from music and noise, from the denoiser's speech probability.

RNNoise keeps other voices as speech: against babble the denoised path hears more of the
other talkers and loses commands, while against music and noise it is far better than
the plain path. The background is judged over the last ``window_s`` seconds: the mean
of RNNoise's per-frame speech probability. Commands are short against the window, so
they barely move it; a room of talkers keeps it high. A quiet room (most frames of the
window near silence) is heard on the plain path too: RNNoise costs a few commands in
clean audio (dev set: 94 against 100 of 118). ``threshold`` was tuned on the
development set only (``bench/frontend_tune.py``).
"""

from __future__ import annotations

from collections import deque

import numpy as np

FRAME_S = 0.01
WINDOW_S = 4.0
THRESHOLD = 0.4  # mean speech probability above which the background is talk (dev: 0.3-0.5 alike)
QUIET_DBFS = -60.0  # a window whose frames mostly lie below this is a quiet room...
QUIET_PERCENTILE = 50.0
QUIET_LEVEL = 1.0  # ...and is heard on the plain path (the denoiser dents clean speech)


class Background:
    def __init__(self, window_s: float = WINDOW_S, threshold: float = THRESHOLD) -> None:
        self._window: deque[float] = deque(maxlen=max(1, int(window_s / FRAME_S)))
        self._sum = 0.0
        self.threshold = threshold
        self._frames = 0
        self._levels: deque[float] = deque(maxlen=self._window.maxlen)
        self._marks: deque[tuple[float, float]] = deque(maxlen=600)  # (seconds, level) per 0.1 s

    def push(self, probabilities: list[float], levels: list[float]) -> None:
        """Per 10 ms frame: the denoiser's speech probability and the level in dBFS."""
        for p, level in zip(probabilities, levels, strict=False):
            self._levels.append(level)
            if len(self._window) == self._window.maxlen:
                self._sum -= self._window[0]
            self._window.append(p)
            self._sum += p
            self._frames += 1
            if self._frames % 10 == 0:
                self._marks.append((self._frames * FRAME_S, self.level))

    @property
    def level(self) -> float:
        """The mean speech probability over the window; 0 in a quiet room."""
        if not self._window:
            return 0.0
        if self.quiet():
            return QUIET_LEVEL
        return self._sum / len(self._window)

    def quiet(self) -> bool:
        """The room is quiet: most frames of the window are near silence."""
        if len(self._levels) < 10:
            return False
        return float(np.percentile(np.fromiter(self._levels, np.float64),
                                   QUIET_PERCENTILE)) < QUIET_DBFS

    def talk(self) -> bool:
        """Is the background now other people talking?"""
        return self.level > self.threshold

    def level_at(self, seconds: float) -> float:
        """The level as it was at ``seconds`` of audio (the last one known before it)."""
        found = self.level
        for at, level in reversed(self._marks):
            found = level
            if at <= seconds:
                break
        return found

    def talk_at(self, seconds: float) -> bool:
        """The judgement as it was at ``seconds`` of audio."""
        return self.level_at(seconds) > self.threshold
