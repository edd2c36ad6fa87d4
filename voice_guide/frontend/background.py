"""Telling a room of talkers from music and noise, from the denoiser's speech probability.

RNNoise keeps other voices as speech: against babble the denoised path hears more of the
other talkers and loses commands, while against music and noise it is far better than
the plain path. The background is judged over the last ``window_s`` seconds: the mean
of RNNoise's per-frame speech probability. Commands are short against the window, so
they barely move it; a room of talkers keeps it high. ``threshold`` was tuned on the
development set only (``bench/frontend_tune.py``).
"""

from __future__ import annotations

from collections import deque

FRAME_S = 0.01
WINDOW_S = 4.0
THRESHOLD = 0.5  # mean speech probability above which the background is talk


class Background:
    def __init__(self, window_s: float = WINDOW_S, threshold: float = THRESHOLD) -> None:
        self._window: deque[float] = deque(maxlen=max(1, int(window_s / FRAME_S)))
        self._sum = 0.0
        self.threshold = threshold
        self._frames = 0
        self._marks: deque[tuple[float, float]] = deque(maxlen=600)  # (seconds, level) per 0.1 s

    def push(self, probabilities: list[float]) -> None:
        for p in probabilities:
            if len(self._window) == self._window.maxlen:
                self._sum -= self._window[0]
            self._window.append(p)
            self._sum += p
            self._frames += 1
            if self._frames % 10 == 0:
                self._marks.append((self._frames * FRAME_S, self.level))

    @property
    def level(self) -> float:
        return self._sum / len(self._window) if self._window else 0.0

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
