"""Interruptible playback of short float sample buffers on one PortAudio output stream.

Speech (both synthesizers) and cue tones play through :class:`PcmPlayer`, so the
chosen output device, the volume and "stop now" work the same way for all of them.

The player keeps ONE output stream open and mixes whatever is playing in its
callback (silence when nothing is). Opening a stream per sound was tried first:
through PulseAudio the start of each sound stalled for up to two seconds and the
tail was lost when the stream closed; with a raw ALSA device, speech and cues
could not play at once. The callback only copies samples.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import numpy as np
import numpy.typing as npt

from voice_guide.audio.convert import resample
from voice_guide.audio.portaudio import load_sounddevice, resolve_device
from voice_guide.errors import UserError

FloatArray = npt.NDArray[np.float32]

CHUNK_S = 0.05  # how often a playing buffer looks at its stop flag
# Silence played first: some outputs (waking USB/Bluetooth speakers) swallow the first
# fraction of a second, which would eat "ne-" of "next".
LEAD_IN_S = 0.1
OUTPUT_LATENCY_S = 0.3
# espeak-ng and the cue tones make 22.05 kHz, so nothing is converted on the way; the device
# (or PulseAudio) converts from there. Devices that refuse it get their own rate (libsoxr).
PREFERRED_RATE = 22_050


class _Sound:
    """One buffer being played; the callback advances ``pos``."""

    def __init__(self, data: FloatArray) -> None:
        self.data = data
        self.pos = 0
        self.consumed = threading.Event()


class PcmPlayer:
    """Plays mono float32 buffers on one always-open stream; ``play`` blocks until the sound
    has been heard or ``stop`` is set. Several threads may play at once (they are mixed)."""

    def __init__(self, device: str | None = None) -> None:
        self._sd = load_sounddevice()
        self._device = resolve_device(self._sd, device, "output")
        try:
            info = self._sd.query_devices(self._device, "output")
        except (ValueError, self._sd.PortAudioError) as err:
            shown = "the default output" if device is None else f"output device {device!r}"
            raise UserError(
                f"cannot use {shown} for speech ({err}); list devices with "
                "'voice-guide devices' or use 'voice-guide run --text'."
            ) from err
        self._device_rate = int(info["default_samplerate"]) or 44_100
        self.rate = PREFERRED_RATE
        self._lock = threading.Lock()
        self._sounds: list[_Sound] = []
        self._stream: Any = None
        self.underruns = 0
        try:
            self._ensure_stream()  # at once: a bad device fails here, and the stream warms up
        except self._sd.PortAudioError as err:
            raise UserError(
                f"cannot open the audio output ({err}); check the speaker or pass "
                "--output-device, or use 'voice-guide run --text'."
            ) from err

    def play(
        self, samples: FloatArray, rate: int, volume: float = 1.0,
        stop: threading.Event | None = None,
    ) -> bool:
        """Play ``samples`` (mono, [-1, 1]) at ``rate``; False when ``stop`` cut it short."""
        if samples.size == 0:
            return True
        data = resample(samples.astype(np.float32), rate, self.rate) if rate != self.rate else (
            samples.astype(np.float32))
        data = np.clip(data * float(volume), -1.0, 1.0).astype(np.float32)
        lead = np.zeros(int(self.rate * LEAD_IN_S), dtype=np.float32)
        sound = _Sound(np.concatenate([lead, data]))
        self._ensure_stream()
        with self._lock:
            self._sounds.append(sound)
        while not sound.consumed.wait(CHUNK_S):
            if stop is not None and stop.is_set():
                with self._lock:
                    if sound in self._sounds:
                        self._sounds.remove(sound)
                return False
        # The callback has handed over the last samples; they still pass the device's buffer.
        latency = float(self._stream.latency) if self._stream is not None else 0.0
        if stop is not None:
            return not stop.wait(latency)
        time.sleep(latency)
        return True

    def close(self) -> None:
        with self._lock:
            stream, self._stream = self._stream, None
            for sound in self._sounds:
                sound.consumed.set()
            self._sounds.clear()
        if stream is not None:
            stream.abort()
            stream.close()

    def _ensure_stream(self) -> None:
        with self._lock:
            if self._stream is not None:
                return
            try:
                stream = self._open(self.rate)
            except self._sd.PortAudioError:
                if self._device_rate == self.rate:
                    raise
                self.rate = self._device_rate
                stream = self._open(self.rate)
            stream.start()
            self._stream = stream

    def _open(self, rate: int) -> Any:
        return self._sd.OutputStream(
            samplerate=rate, channels=1, dtype="float32", device=self._device,
            latency=OUTPUT_LATENCY_S, callback=self._callback,
        )

    def _callback(self, outdata: Any, frames: int, _time: Any, status: Any) -> None:
        if status.output_underflow:
            self.underruns += 1
        mix = np.zeros(frames, dtype=np.float32)
        with self._lock:
            for sound in list(self._sounds):
                chunk = sound.data[sound.pos : sound.pos + frames]
                mix[: chunk.size] += chunk
                sound.pos += chunk.size
                if sound.pos >= sound.data.size:
                    sound.consumed.set()
                    self._sounds.remove(sound)
        outdata[:, 0] = np.clip(mix, -1.0, 1.0)
