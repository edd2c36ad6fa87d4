"""Echo cancellation: WebRTC's AEC3 (through livekit's AudioProcessingModule), the
fallback when libspeexdsp (``speex_echo.py``, preferred: measured to keep the voice in
double talk) is not installed.

The reference is what the speaker played over the same instants as the microphone
frame (``voice_guide.audio.reference.PlaybackTap.read``), so the only delay left for the
canceller is the acoustic path plus the devices' unreported buffering; AEC3 estimates
that itself (up to several hundred ms). ``delay_ms`` is a hint, 0 by default. The
residual echo AEC3 leaves is gated after it (``echo_gate.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from voice_guide.errors import MissingDependency
from voice_guide.frontend.echo_gate import EchoGate
from voice_guide.frontend.pcm import FRAME, Int16
from voice_guide.ports import SAMPLE_RATE


def _rtc() -> Any:
    try:
        from livekit import rtc
    except ImportError as err:  # pragma: no cover - a declared dependency
        raise MissingDependency("livekit", "install it with 'pip install livekit'") from err
    return rtc


class EchoCanceller:
    name = "echo"
    label = "echo cancellation (WebRTC AEC3, libspeexdsp unavailable)"

    def __init__(self, delay_ms: int = 0, gate: bool = True) -> None:
        self._delay_ms = delay_ms
        self._gate = EchoGate() if gate else None
        self._rtc = _rtc()
        self._apm: Any = None
        self.reset()

    def reset(self) -> None:
        self._apm = self._rtc.AudioProcessingModule(echo_cancellation=True,
                                                    high_pass_filter=True)
        if self._gate is not None:
            self._gate.reset()

    def process(self, frame: Int16, reference: Int16) -> Int16:
        rtc = self._rtc
        far = rtc.AudioFrame(bytearray(reference.astype("<i2").tobytes()), SAMPLE_RATE, 1, FRAME)
        self._apm.process_reverse_stream(far)
        self._apm.set_stream_delay_ms(self._delay_ms)
        near = rtc.AudioFrame(bytearray(frame.astype("<i2").tobytes()), SAMPLE_RATE, 1, FRAME)
        self._apm.process_stream(near)
        out = np.frombuffer(bytes(near.data), dtype="<i2").astype(np.int16)
        return self._gate.process(frame, out, reference) if self._gate is not None else out
