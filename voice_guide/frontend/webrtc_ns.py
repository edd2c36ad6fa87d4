"""WebRTC noise suppression (``webrtc-noise-gain``): the denoiser used when RNNoise's
library cannot be loaded on this machine. The program picks it itself and says so in
its start-up line."""

from __future__ import annotations

from typing import Any

import numpy as np

from voice_guide.errors import MissingDependency
from voice_guide.frontend.pcm import Int16

LEVEL = 3  # 0..4: WebRTC's strongest suppression


class WebrtcDenoiser:
    name = "denoise"
    label = "noise suppression (WebRTC NS, RNNoise unavailable)"

    def __init__(self, level: int = LEVEL) -> None:
        try:
            import webrtc_noise_gain
        except ImportError as err:  # pragma: no cover - a declared dependency
            raise MissingDependency("webrtc-noise-gain",
                                    "install it with 'pip install webrtc-noise-gain'") from err
        self._make = webrtc_noise_gain.AudioProcessor
        self._level = level
        self._proc: Any = None
        self.speech_probability = 0.0
        self.reset()

    def reset(self) -> None:
        self._proc = self._make(0, self._level)

    def process(self, frame: Int16, reference: Int16) -> Int16:
        del reference
        result = self._proc.Process10ms(frame.astype("<i2").tobytes())
        self.speech_probability = 1.0 if result.is_speech else 0.0
        return np.frombuffer(bytes(result.audio), dtype="<i2").astype(np.int16)
