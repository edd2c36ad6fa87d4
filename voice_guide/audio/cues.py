"""Short, gentle cue tones, one pattern per ``Cue.kind``, played on their own thread.

Each tone is a sine with a soft attack and release (no clicks); the patterns
differ in pitch and rhythm so they can be told apart without looking:

- ``halfway``: one mid tone
- ``one_minute``: two mid tones
- ``min_reached``: a rising pair
- ``step_end``: a falling three-note chime
- ``reminder``: one low, very soft tone
- ``ack``: a short soft tick (50 ms): "I heard you", played the moment a command is taken

Level: every cue is scaled to a fixed loudness below the guide's speech at the same volume
setting: the tones' RMS (over the sounding part) sits ``BELOW_SPEECH_DB`` under the RMS of
espeak-ng's speech (measured: -20 dBFS, -19 to -21 over sentences, after rendering);
the reminder and the tick are softer still. The player makes a cue wait for the end of the
sentence being spoken (or the gap before the next one), and holds the next sentence back
until the cue has sounded, so a cue never covers a word; the tick alone plays at once.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from voice_guide.audio.playback import PcmPlayer, Playing

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float32]
CUE_RATE = 22_050
SPEECH_RMS_DB = -20.0  # espeak-ng speech as rendered (voice_guide/speech/rendering.py)
BELOW_SPEECH_DB = 8.0  # every cue sits this far under it (RMS of the sounding part)
SOFTER_DB = {"reminder": 4.0, "ack": 4.0}  # extra for the quiet ones
ACK = "ack"

# (frequency Hz or 0 for a gap, seconds)
PATTERNS: dict[str, Sequence[tuple[float, float]]] = {
    "halfway": ((660.0, 0.22),),
    "one_minute": ((660.0, 0.16), (0.0, 0.08), (660.0, 0.16)),
    "min_reached": ((523.3, 0.16), (0.0, 0.04), (784.0, 0.24)),
    "step_end": ((880.0, 0.16), (0.0, 0.03), (698.5, 0.16), (0.0, 0.03), (523.3, 0.3)),
    "reminder": ((392.0, 0.3),),
    ACK: ((1046.5, 0.05),),
}
DEFAULT_PATTERN: Sequence[tuple[float, float]] = ((587.3, 0.2),)


def tone(freq: float, seconds: float, rate: int = CUE_RATE) -> FloatArray:
    """A sine (or silence for ``freq`` 0) with raised-cosine ramps at both ends (15 ms, or a
    quarter of a short tone)."""
    n = max(1, int(round(seconds * rate)))
    if freq <= 0:
        return np.zeros(n, dtype=np.float32)
    t = np.arange(n, dtype=np.float64) / rate
    wave = np.sin(2 * np.pi * freq * t) + 0.25 * np.sin(4 * np.pi * freq * t)  # a warmer tone
    ramp = min(n // 4, int(0.015 * rate))
    env = np.ones(n)
    if ramp > 0:
        edge = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, ramp))
        env[:ramp] = edge
        env[n - ramp :] = edge[::-1]
    return (wave * env / 1.25).astype(np.float32)


def sounding_rms_db(samples: FloatArray, rate: int) -> float:
    """RMS in dBFS over the 20 ms frames louder than -40 dBFS (silent gaps left out)."""
    n = max(1, int(0.02 * rate))
    frames = samples[: samples.size // n * n].astype(np.float64).reshape(-1, n)
    if frames.size == 0:
        return -120.0
    power = np.mean(frames**2, axis=1)
    loud = power[power > 1e-4]
    if loud.size == 0:
        return -120.0
    return float(10 * np.log10(np.mean(loud)))


def cue_samples(kind: str, rate: int = CUE_RATE) -> FloatArray:
    """The whole cue for ``kind`` at its level for volume 1.0 (unknown kinds get a plain
    single tone)."""
    pattern = PATTERNS.get(kind, DEFAULT_PATTERN)
    raw = np.concatenate([tone(f, s, rate) for f, s in pattern]).astype(np.float32)
    target = SPEECH_RMS_DB - BELOW_SPEECH_DB - SOFTER_DB.get(kind, 0.0)
    # Short tones have no flat part; measure them whole.
    level = sounding_rms_db(raw, rate) if raw.size > 0.1 * rate else float(
        10 * np.log10(np.mean(raw.astype(np.float64) ** 2)))
    return (raw * 10 ** ((target - level) / 20)).astype(np.float32)


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
        self.last_ack: Playing | None = None  # the last tick started (for tests)
        self._thread = threading.Thread(target=self._run, name="cues", daemon=True)
        self._thread.start()

    def play_cue(self, kind: str, volume: float) -> None:
        """Queue cue ``kind``; ``ack`` starts at the player's next callback instead."""
        if kind == ACK:
            try:
                self.last_ack = self._player.start(cue_samples(ACK), CUE_RATE, volume,
                                                   kind="urgent")
            except Exception as err:
                self._failed(err)
            return
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
                self._player.play(cue_samples(kind), CUE_RATE, volume, self._stop, kind="cue")
            except Exception as err:  # a cue is never worth stopping the session for
                self._failed(err)

    def _failed(self, err: Exception) -> None:
        if not self._warned:
            self._warned = True
            self._warn(f"cannot play cue sounds: {err}")
