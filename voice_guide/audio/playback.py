"""Interruptible playback of short float sample buffers on one PortAudio output stream.

Speech (both synthesizers) and cue tones play through :class:`PcmPlayer`, so the
chosen output device, the volume and "stop now" work the same way for all of them.

The player keeps ONE output stream open and mixes whatever is playing in its
callback (silence when nothing is). Opening a stream per sound was tried first:
through PulseAudio the start of each sound stalled for up to two seconds and the
tail was lost when the stream closed; with a raw ALSA device, speech and cues
could not play at once. The callback only copies samples. Because the stream never
closes, the device never goes idle, so no lead-in silence is needed before a sound
(there used to be 0.1 s of it in front of every sentence).

Every callback's mix, silence included, goes to the optional :class:`PlaybackTap`
with the instant it reaches the speaker: the echo canceller's reference.

Sounds have a *kind*, which decides who waits for whom:

- ``speech`` never starts while a cue is sounding (the cue is not played over the
  first word), and it may be given ``not_before`` (a gap after the previous sentence);
- ``cue`` waits until no speech is sounding (the next gap, or the end of the sentence);
- ``urgent`` (the acknowledgment tick) starts in the next callback whatever plays.

A stop flag, :meth:`PcmPlayer.stop_all` or :meth:`Playing.cancel` is seen by the very
next callback, so a sound is cut within one callback period (plus what the device has
already buffered: the stream's latency).
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from voice_guide.audio.convert import resample
from voice_guide.audio.portaudio import load_sounddevice, resolve_device
from voice_guide.audio.reference import PlaybackTap
from voice_guide.errors import UserError

FloatArray = npt.NDArray[np.float32]
Kind = Literal["speech", "cue", "urgent"]

POLL_S = 0.02  # how often a waiting caller looks at its stop flag
# Output buffer asked of PortAudio: everything already in it still plays after a stop, and a
# new sound waits behind it. 0.3 s before issue 8. Measured through PulseAudio (python -m
# voice_guide.audio.latency_probe): 0 underruns in 20 s at 0.05 s with two busy processes
# beside it; 1 in 15 s with four on a machine already at load 6; 14 at 0.03 s. But with a
# busy Python *thread* in this process (see SWITCH_INTERVAL_S) 0.05 s still underran now and
# then in a 3-minute run, so 0.1 s.
OUTPUT_LATENCY_S = 0.1
# The output callback is Python: it needs the interpreter lock, and a busy Python thread
# (the listening thread, rendering) keeps it for the whole switch interval (5 ms by default)
# each time. Measured through PulseAudio with one busy thread, 10 s: 8 underruns at 0.05 s,
# 3 at 0.1 s, 0 at 0.2 s with the default interval; 0 at 0.05 s with 1 ms. The player sets
# the process's switch interval to this (never raises it).
SWITCH_INTERVAL_S = 0.001
# espeak-ng and the cue tones make 22.05 kHz, so nothing is converted on the way; the device
# (or PulseAudio) converts from there. Devices that refuse it get their own rate (libsoxr).
PREFERRED_RATE = 22_050
# Peak of the mix at the top volume: louder buffers are scaled down, never clipped.
MIX_PEAK = 0.98


class Playing:
    """One buffer handed to the player; the callback advances it."""

    def __init__(
        self, data: FloatArray, kind: Kind, stop: threading.Event | None,
        not_before: float | None,
    ) -> None:
        self.data = data
        self.kind: Kind = kind
        self.stop = stop
        self.not_before = not_before
        self.pos = 0
        self.started = False
        self.first_dac: float | None = None  # when its first sample reaches the speaker
        self.first_callback = -1  # the player's callback count when it started
        self.queued_callback = -1  # ... when it was queued
        self.end_dac: float | None = None  # when its last sample has been heard
        self.cut = False
        self.consumed = threading.Event()  # all handed to the device, or cut

    def cancel(self) -> None:
        """Cut it at the next callback."""
        self.cut = True

    @property
    def heard(self) -> bool:
        """Played to the end (not cut)."""
        return self.consumed.is_set() and not self.cut

    def wait(self, stop: threading.Event | None = None, timeout_s: float | None = None) -> bool:
        """Block until it has been heard to the end (True) or was cut / ``stop`` set (False)."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        while not self.consumed.wait(POLL_S):
            if (stop is not None and stop.is_set()) or (
                    deadline is not None and time.monotonic() > deadline):
                self.cut = True
                self.consumed.wait(1.0)
                return False
        if self.cut:
            return False
        end = self.end_dac
        while end is not None and (left := end - time.monotonic()) > 0:
            if stop is not None and stop.wait(min(left, POLL_S)):
                return False
            if stop is None:
                time.sleep(min(left, POLL_S))
        return True


class PcmPlayer:
    """Plays mono float32 buffers on one always-open stream; ``play`` blocks until the sound
    has been heard or ``stop`` is set. Several threads may play at once (they are mixed)."""

    def __init__(self, device: str | None = None, tap: PlaybackTap | None = None,
                 latency_s: float = OUTPUT_LATENCY_S) -> None:
        self._sd = load_sounddevice()
        self._device = resolve_device(self._sd, device, "output")
        if sys.getswitchinterval() > SWITCH_INTERVAL_S:
            sys.setswitchinterval(SWITCH_INTERVAL_S)
        self.tap = tap
        self._latency_s = latency_s
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
        self._sounds: list[Playing] = []
        self._stream: Any = None
        self._stream_latency = latency_s
        self.underruns = 0
        self.callbacks = 0
        try:
            self._ensure_stream()  # at once: a bad device fails here, and the stream warms up
        except self._sd.PortAudioError as err:
            raise UserError(
                f"cannot open the audio output ({err}); check the speaker or pass "
                "--output-device, or use 'voice-guide run --text'."
            ) from err

    @property
    def latency(self) -> float:
        """Seconds from the callback to the speaker, as the stream reports it."""
        return self._stream_latency

    def start(
        self, samples: FloatArray, rate: int, volume: float = 1.0, *, kind: Kind = "speech",
        stop: threading.Event | None = None, not_before: float | None = None,
    ) -> Playing:
        """Queue ``samples`` (mono, [-1, 1]) at ``rate`` and return at once."""
        data = resample(samples.astype(np.float32), rate, self.rate) if rate != self.rate else (
            samples.astype(np.float32))
        data = (data * float(volume)).astype(np.float32)
        peak = float(np.max(np.abs(data))) if data.size else 0.0
        if peak > MIX_PEAK:  # headroom: scale, never clip
            data = (data * (MIX_PEAK / peak)).astype(np.float32)
        sound = Playing(data, kind, stop, not_before)
        if data.size == 0:
            sound.consumed.set()
            return sound
        self._ensure_stream()
        with self._lock:
            sound.queued_callback = self.callbacks
            self._sounds.append(sound)
        return sound

    def play(
        self, samples: FloatArray, rate: int, volume: float = 1.0,
        stop: threading.Event | None = None, *, kind: Kind = "speech",
        not_before: float | None = None,
    ) -> bool:
        """Play and wait until heard; False when ``stop`` (or stop_all) cut it short."""
        if samples.size == 0:
            return True
        return self.start(samples, rate, volume, kind=kind, stop=stop,
                          not_before=not_before).wait(stop)

    def stop_all(self, keep_urgent: bool = True) -> None:
        """Cut every sound at the next callback; the acknowledgment tick (``urgent``) is kept
        unless ``keep_urgent`` is False: it is played *because* speech is being cut."""
        with self._lock:
            for sound in self._sounds:
                if not (keep_urgent and sound.kind == "urgent"):
                    sound.cut = True

    def busy(self, kind: Kind | None = None) -> bool:
        """Something (of ``kind``) is queued or sounding."""
        with self._lock:
            return any(kind is None or s.kind == kind for s in self._sounds)

    def close(self) -> None:
        with self._lock:
            stream, self._stream = self._stream, None
            for sound in self._sounds:
                sound.cut = True
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
            self._stream_latency = float(stream.latency)
            stream.start()
            self._stream = stream

    def _open(self, rate: int) -> Any:
        return self._sd.OutputStream(
            samplerate=rate, channels=1, dtype="float32", device=self._device,
            latency=self._latency_s, callback=self._callback,
        )

    def _callback(self, outdata: Any, frames: int, times: Any, status: Any) -> None:
        now = time.monotonic()
        delay = float(times.outputBufferDacTime) - float(times.currentTime)
        if not 0.0 < delay < 2.0:  # not reported (or nonsense): assume the nominal buffer
            delay = self._stream_latency
        dac = now + delay
        self.callbacks += 1
        if status.output_underflow:
            self.underruns += 1
        mix = np.zeros(frames, dtype=np.float32)
        with self._lock:
            self._mix_into(mix, frames, dac)
        np.clip(mix, -1.0, 1.0, out=mix)
        outdata[:, 0] = mix
        if self.tap is not None:
            self.tap.write(mix, self.rate, dac)

    def _mix_into(self, mix: FloatArray, frames: int, dac: float) -> None:
        """Advance every sound that may sound now (lock held)."""
        for sound in list(self._sounds):
            if sound.cut or (sound.stop is not None and sound.stop.is_set()):
                sound.cut = True
                self._sounds.remove(sound)
                sound.consumed.set()
        speech_on = any(s.started and s.kind == "speech" for s in self._sounds)
        cue_on = any(s.started and s.kind == "cue" for s in self._sounds)
        for sound in list(self._sounds):
            if not sound.started:
                if sound.kind == "speech" and (cue_on or (
                        sound.not_before is not None and dac < sound.not_before)):
                    continue
                if sound.kind == "cue" and speech_on:
                    continue
                sound.started = True
                sound.first_dac = dac
                sound.first_callback = self.callbacks
                speech_on = speech_on or sound.kind == "speech"
                cue_on = cue_on or sound.kind == "cue"
            chunk = sound.data[sound.pos : sound.pos + frames]
            mix[: chunk.size] += chunk
            sound.pos += chunk.size
            if sound.pos >= sound.data.size:
                sound.end_dac = dac + chunk.size / self.rate
                self._sounds.remove(sound)
                sound.consumed.set()
