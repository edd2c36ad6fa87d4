"""Live microphone input (``AudioIn``) through sounddevice / PortAudio.

The PortAudio callback only copies the bytes into a bounded queue (and counts
overflows when the consumer falls behind); conversion to 16 kHz mono happens in
``blocks()`` on the consumer's thread. The device is chosen by ``device`` (a name
fragment or an index), else ``VOICE_GUIDE_INPUT_DEVICE``, else the default input.
"""

from __future__ import annotations

import contextlib
import os
import queue
from collections.abc import Iterator
from typing import Any

import numpy as np

from voice_guide.audio.convert import Resampler, to_pcm16
from voice_guide.audio.portaudio import load_sounddevice, resolve_device
from voice_guide.errors import UserError
from voice_guide.ports import SAMPLE_RATE

ENV_DEVICE = "VOICE_GUIDE_INPUT_DEVICE"


class Microphone:
    """Blocks of 16 kHz mono int16 PCM from a live input device."""

    def __init__(self, device: str | int | None = None, block_seconds: float = 0.05,
                 max_queued: int = 200) -> None:
        sd = load_sounddevice()
        chosen = device if device is not None else os.environ.get(ENV_DEVICE) or None
        self.device = resolve_device(sd, chosen, "input")
        try:
            info = sd.query_devices(self.device, "input")
        except Exception:
            raise UserError("no audio input device found; plug in a microphone, or see "
                            "'voice-guide devices' and pick one with "
                            "'voice-guide config set input_device NAME'.") from None
        self.device_name = str(info["name"])
        self.rate = int(float(info["default_samplerate"]))
        self.overflows = 0  # blocks dropped because the consumer fell behind
        self.driver_overflows = 0  # PortAudio's own input overflows
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=max_queued)
        self._resampler = Resampler(self.rate, SAMPLE_RATE)
        self._closed = False
        try:
            self._stream = sd.RawInputStream(
                samplerate=self.rate, blocksize=int(self.rate * block_seconds),
                device=self.device, channels=1, dtype="int16", callback=self._callback,
            )
            self._stream.start()
        except Exception as err:
            raise UserError(f"cannot open the input device {self.device_name!r} ({err}).") from None

    def _callback(self, indata: Any, frames: int, time: Any, status: Any) -> None:
        if status and status.input_overflow:
            self.driver_overflows += 1
        try:
            self._queue.put_nowait(bytes(indata))
        except queue.Full:
            self.overflows += 1

    def blocks(self) -> Iterator[bytes]:
        while not self._closed:
            try:
                raw = self._queue.get(timeout=0.5)
            except queue.Empty:
                continue
            if raw is None:
                break
            samples = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
            out = self._resampler.process(samples)
            if out.size:
                yield to_pcm16(out)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self._stream.stop()
            self._stream.close()
        finally:
            with contextlib.suppress(queue.Full):
                self._queue.put_nowait(None)
