"""Live microphone input (``AudioIn``) through sounddevice / PortAudio.

The PortAudio callback only copies the bytes into a bounded queue (and counts
overflows when the consumer falls behind); conversion to 16 kHz mono happens in
``blocks()`` / ``timed_blocks()`` on the consumer's thread. ``timed_blocks()`` also says
when each block's first sample reached the microphone, on ``time.monotonic()``, so it can
be lined up with what the speaker played (``voice_guide.audio.reference``). The device is chosen by ``device`` (a name
fragment or an index), else ``VOICE_GUIDE_INPUT_DEVICE``, else the default input.
"""

from __future__ import annotations

import contextlib
import os
import queue
import statistics
import time
from collections import deque
from collections.abc import Iterator
from typing import Any

import numpy as np

from voice_guide.audio.convert import Resampler, to_pcm16
from voice_guide.audio.portaudio import load_sounddevice, resolve_device
from voice_guide.errors import UserError
from voice_guide.ports import SAMPLE_RATE

ENV_DEVICE = "VOICE_GUIDE_INPUT_DEVICE"
#: Callbacks whose (reported arrival time - running sample index / rate) are pooled: one
#: late or early callback does not move the timeline, a real jump (an overflow) does.
OFFSET_WINDOW = 31


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
        # (raw block, monotonic time its first sample reached the microphone)
        self._queue: queue.Queue[tuple[bytes, float] | None] = queue.Queue(maxsize=max_queued)
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

    def _callback(self, indata: Any, frames: int, times: Any, status: Any) -> None:
        now = time.monotonic()
        if status and status.input_overflow:
            self.driver_overflows += 1
        try:
            age = float(times.currentTime) - float(times.inputBufferAdcTime)
        except (AttributeError, TypeError, ValueError):
            age = 0.0
        if not 0.0 <= age < 2.0:  # not reported (0 from some hosts) or nonsense
            age = frames / self.rate
        try:
            self._queue.put_nowait((bytes(indata), now - age))
        except queue.Full:
            self.overflows += 1

    def blocks(self) -> Iterator[bytes]:
        for block, _ in self.timed_blocks():
            yield block

    def timed_blocks(self) -> Iterator[tuple[bytes, float]]:
        """16 kHz int16 blocks, each with the ``time.monotonic()`` at which its first sample
        reached the microphone. The times follow the sample count (no jitter between
        blocks), anchored on the median of the recent callbacks' reports."""
        offsets: deque[float] = deque(maxlen=OFFSET_WINDOW)
        taken = 0  # input samples so far
        given = 0  # output (16 kHz) samples so far
        while not self._closed:
            try:
                item = self._queue.get(timeout=0.5)
            except queue.Empty:
                continue
            if item is None:
                break
            raw, arrived = item
            offsets.append(arrived - taken / self.rate)
            anchor = statistics.median(offsets)
            samples = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
            taken += samples.size
            out = self._resampler.process(samples)
            if out.size:
                # Output sample ``given`` is input sample ``given * rate / 16000``.
                yield to_pcm16(out), anchor + given / SAMPLE_RATE
                given += out.size

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self._stream.abort()  # at once: nothing queued is wanted any more
            self._stream.close()
        finally:
            with contextlib.suppress(queue.Full):
                self._queue.put_nowait(None)
