"""Frames for the front end: 10 ms of 16 kHz mono int16, cut from blocks of any length."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from voice_guide.ports import SAMPLE_RATE

FRAME = SAMPLE_RATE // 100  # 10 ms: what WebRTC's processing and RNNoise (at 48 kHz) take
FRAME_BYTES = FRAME * 2

Int16 = npt.NDArray[np.int16]


def samples(pcm: bytes) -> Int16:
    return np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.int16)


def to_bytes(frame: Int16) -> bytes:
    return frame.astype("<i2").tobytes()


def clip16(values: npt.NDArray[np.floating]) -> Int16:
    return np.clip(np.round(values), -32768, 32767).astype(np.int16)


class Framer:
    """Cuts microphone blocks (and the matching reference) into whole 10 ms frames.

    A block's tail shorter than a frame waits for the next block; the reference is kept
    in step with the microphone sample for sample (missing reference: silence).
    """

    def __init__(self) -> None:
        self._mic = b""
        self._ref = b""

    def push(self, pcm: bytes, reference: bytes | None) -> list[tuple[Int16, Int16]]:
        pcm = pcm[: len(pcm) // 2 * 2]
        ref = reference if reference is not None else b""
        ref = ref[: len(pcm)] + bytes(max(0, len(pcm) - len(ref)))
        self._mic += pcm
        self._ref += ref
        out: list[tuple[Int16, Int16]] = []
        whole = len(self._mic) // FRAME_BYTES * FRAME_BYTES
        for at in range(0, whole, FRAME_BYTES):
            out.append((samples(self._mic[at:at + FRAME_BYTES]),
                        samples(self._ref[at:at + FRAME_BYTES])))
        self._mic, self._ref = self._mic[whole:], self._ref[whole:]
        return out

    def rest(self) -> bytes:
        """What is left (less than a frame), handed on unprocessed at the end of audio."""
        rest, self._mic, self._ref = self._mic, b"", b""
        return rest

    def reset(self) -> None:
        self._mic = self._ref = b""
