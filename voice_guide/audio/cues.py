"""Short, gentle cue tones, one pattern per ``Cue.kind``, played on their own thread.

Each tone is a sine with a soft attack and release (no clicks); the patterns
differ in pitch and rhythm so they can be told apart without looking:

- ``halfway``: one mid tone
- ``one_minute``: two mid tones
- ``min_reached``: a rising pair
- ``step_end``: a falling three-note chime
- ``reminder``: one low, very soft tone
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from voice_guide.audio.playback import PcmPlayer

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float32]
CUE_RATE = 22_050
LEVEL = 0.35  # cues sit below speech loudness at the same volume

# (frequency Hz or 0 for a gap, seconds)
PATTERNS: dict[str, Sequence[tuple[float, float]]] = {
    "halfway": ((660.0, 0.22),),
    "one_minute": ((660.0, 0.16), (0.0, 0.08), (660.0, 0.16)),
    "min_reached": ((523.3, 0.16), (0.0, 0.04), (784.0, 0.24)),
    "step_end": ((880.0, 0.16), (0.0, 0.03), (698.5, 0.16), (0.0, 0.03), (523.3, 0.3)),
    "reminder": ((392.0, 0.3),),
}
DEFAULT_PATTERN: Sequence[tuple[float, float]] = ((587.3, 0.2),)


def tone(freq: float, seconds: float, rate: int = CUE_RATE) -> FloatArray:
    """A sine (or silence for ``freq`` 0) with 15 ms raised-cosine ramps at both ends."""
    n = max(1, int(round(seconds * rate)))
    if freq <= 0:
        return np.zeros(n, dtype=np.float32)
    t = np.arange(n, dtype=np.float64) / rate
    wave = np.sin(2 * np.pi * freq * t) + 0.25 * np.sin(4 * np.pi * freq * t)  # a warmer tone
    ramp = min(n // 2, int(0.015 * rate))
    env = np.ones(n)
    if ramp > 0:
        edge = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, ramp))
        env[:ramp] = edge
        env[n - ramp :] = edge[::-1]
    return (wave * env / 1.25).astype(np.float32)


def cue_samples(kind: str, rate: int = CUE_RATE) -> FloatArray:
    """The whole cue for ``kind`` at full scale (unknown kinds get a plain single tone)."""
    pattern = PATTERNS.get(kind, DEFAULT_PATTERN)
    return np.concatenate([tone(f, s, rate) for f, s in pattern]).astype(np.float32)


class CuePlayer:
    """An :class:`voice_guide.ports.AudioOut`: ``play_cue`` returns at once; a thread plays."""

    def __init__(
        self, player: PcmPlayer, warn: Callable[[str], None] | None = None
    ) -> None:
        self._player = player
        self._warn = warn or log.warning
        self._queue: queue.Queue[tuple[str, float] | None] = queue.Queue()
        self._stop = threading.Event()
        self._warned = False
        self._thread = threading.Thread(target=self._run, name="cues", daemon=True)
        self._thread.start()

    def play_cue(self, kind: str, volume: float) -> None:
        self._queue.put((kind, volume))

    def close(self, timeout_s: float = 3.0) -> None:
        self._stop.set()
        self._queue.put(None)
        self._thread.join(timeout_s)

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            kind, volume = item
            if self._stop.is_set():
                continue
            try:
                self._player.play(cue_samples(kind), CUE_RATE, LEVEL * volume, self._stop,
                                  kind="cue")
            except Exception as err:  # a cue is never worth stopping the session for
                if not self._warned:
                    self._warned = True
                    self._warn(f"cannot play cue sounds: {err}")
