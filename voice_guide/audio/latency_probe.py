"""Measure the speech output path on a private PulseAudio server (a developer tool).

``python -m voice_guide.audio.latency_probe [--trials N] [--hog K]`` starts a private
PulseAudio server (voice_guide/testing/pulse.py), captures the speaker sink's monitor with
a PortAudio input stream stamped on ``time.monotonic()``, and reports:

- first sound: ``play()`` / ``say()`` called -> first non-silent sample at the sink, for
  the old settings (0.1 s lead-in, 0.3 s buffer) and the new ones, player only and
  through pyttsx3 (rendering included);
- tap error: where the PlaybackTap says a sound reached the speaker, minus where the
  monitor capture found it (the echo canceller's alignment);
- gaps between the sentences of one queued paragraph (TtsWorker);
- underruns in 20 s of playback with ``K`` busy processes beside it, per buffer size.

The monitor of a null sink is itself a stream with its own buffering, so "at the sink" is
"in the monitor capture", a few milliseconds late at worst.
"""

from __future__ import annotations

import argparse
import multiprocessing
import queue
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import numpy.typing as npt

from voice_guide.audio.playback import PcmPlayer
from voice_guide.audio.reference import PlaybackTap

FloatArray = npt.NDArray[np.float32]
RATE = 16_000
ONSET = 0.02  # a captured sample louder than this is sound


class MonitorCapture:
    """The speaker monitor as 16 kHz blocks, each stamped with its first sample's time."""

    def __init__(self, sd: Any) -> None:
        self._blocks: list[tuple[float, FloatArray]] = []
        self._lock = threading.Lock()
        self._stream = sd.InputStream(samplerate=RATE, channels=1, dtype="float32",
                                      blocksize=160, latency=0.02, callback=self._callback)
        self._stream.start()

    def _callback(self, indata: Any, frames: int, times: Any, status: Any) -> None:
        now = time.monotonic()
        age = float(times.currentTime) - float(times.inputBufferAdcTime)
        if not 0.0 <= age < 2.0:
            age = 0.0
        with self._lock:
            self._blocks.append((now - age, indata[:, 0].copy()))

    def onset_after(self, t: float, timeout_s: float = 10.0) -> float | None:
        """Monotonic time of the first loud captured sample at or after ``t``."""
        deadline = time.monotonic() + timeout_s
        seen = 0
        while time.monotonic() < deadline:
            with self._lock:
                blocks = self._blocks[seen:]
            for stamp, block in blocks:
                seen += 1
                if stamp + block.size / RATE < t:
                    continue
                loud = np.flatnonzero(np.abs(block) > ONSET)
                for i in loud:
                    at = stamp + int(i) / RATE
                    if at >= t:
                        return at
            time.sleep(0.01)
        return None

    def audio_between(self, t0: float, t1: float) -> FloatArray:
        with self._lock:
            parts = [b for s, b in self._blocks if t0 <= s < t1]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)

    def close(self) -> None:
        self._stream.stop()
        self._stream.close()


def _burn(stop: Any) -> None:
    x = 0
    while not stop.is_set():
        x = (x * 31 + 7) % 1_000_003


@contextmanager
def hog(k: int) -> Iterator[None]:
    """``k`` processes spinning on the CPU."""
    stop = multiprocessing.Event()
    procs = [multiprocessing.Process(target=_burn, args=(stop,), daemon=True) for _ in range(k)]
    for p in procs:
        p.start()
    try:
        yield
    finally:
        stop.set()
        for p in procs:
            p.join(5)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def show(name: str, values: list[float]) -> None:
    if not values:
        print(f"{name}: no measurement")
        return
    print(f"{name}: p50 {1000 * statistics.median(values):.0f} ms, p95 "
          f"{1000 * pct(values, 0.95):.0f} ms, max {1000 * max(values):.0f} ms (n={len(values)})")


def sentence_gaps(audio: FloatArray, min_gap_s: float = 0.12) -> list[float]:
    """Silent stretches (20 ms frames under -40 dBFS) between sounds, longer than min_gap_s."""
    n = 320
    frames = audio[: audio.size // n * n].reshape(-1, n)
    loud = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1)) > 0.01
    idx = np.flatnonzero(loud)
    if idx.size < 2:
        return []
    gaps = np.diff(idx) - 1
    return [g * n / RATE for g in gaps if g * n / RATE >= min_gap_s]


def run(trials: int, hog_k: int) -> None:
    from voice_guide.audio.portaudio import load_sounddevice
    from voice_guide.speech.pyttsx3_tts import Pyttsx3Synthesizer
    from voice_guide.testing.pulse import private_pulse

    with private_pulse() as server:
        sd = load_sounddevice()
        server.pactl("set-default-source", server.speaker_monitor)
        capture = MonitorCapture(sd)
        beep = (0.5 * np.sin(2 * np.pi * 440 * np.arange(2205) / 22_050)).astype(np.float32)
        try:
            warm = PcmPlayer(None)
            warm.play(np.zeros(22_050 * 3, dtype=np.float32), 22_050)  # the sink's first stall
            warm.close()
            for label, latency, lead in (("old (0.3 s buffer, 0.1 s lead-in)", 0.3, 0.1),
                                         ("new (0.1 s buffer, no lead-in)", 0.1, 0.0)):
                tap = PlaybackTap()
                player = PcmPlayer(None, tap=tap, latency_s=latency)
                time.sleep(1.0)
                firsts: list[float] = []
                errors: list[float] = []
                sound = np.concatenate([np.zeros(int(lead * 22_050), np.float32), beep])
                for _ in range(trials):
                    called = time.monotonic()
                    playing = player.start(sound, 22_050)
                    playing.wait()
                    heard = capture.onset_after(called)
                    if heard is not None:
                        firsts.append(heard - called)
                        if playing.first_dac is not None:
                            errors.append(playing.first_dac + lead - heard)
                    time.sleep(0.3)
                show(f"first sound, player, {label}", firsts)
                show(f"tap minus monitor, {label}", errors)
                print(f"  stream latency reported {player.latency * 1000:.0f} ms, "
                      f"underruns {player.underruns}")
                player.close()
            tap = PlaybackTap()
            player = PcmPlayer(None, tap=tap)
            synth = Pyttsx3Synthesizer(player)
            firsts = []
            for i in range(trials):
                called = time.monotonic()
                synth.say(f"number {i + 1}", 175, 1.0)
                heard = capture.onset_after(called)
                if heard is not None:
                    firsts.append(heard - called)
                time.sleep(1.2)  # no pacing gap: the next one starts cold
            show("first sound, pyttsx3 say() (rendering included), new", firsts)
            gaps_probe(synth, player, capture)
            player.close()
            synth.close()
        finally:
            capture.close()
        for latency in (0.05, 0.1, 0.3):
            player = PcmPlayer(None, latency_s=latency)
            noise = (0.1 * np.random.default_rng(0).standard_normal(22_050 * 20)).astype(
                np.float32)
            with hog(hog_k):
                player.underruns = 0
                player.play(noise, 22_050)
            print(f"underruns in 20 s with {hog_k} busy processes, {latency * 1000:.0f} ms "
                  f"buffer: {player.underruns} (callbacks {player.callbacks})")
            player.close()


def gaps_probe(synth: Any, player: PcmPlayer, capture: MonitorCapture) -> None:
    """A paragraph of five sentences through the real worker: the silences between them."""
    from voice_guide.dialog.actions import Say
    from voice_guide.dialog.events import Event
    from voice_guide.shell.clock import MonotonicClock
    from voice_guide.speech.pyttsx3_tts import Pyttsx3Synthesizer
    from voice_guide.speech.tts_worker import SynthOption, TtsWorker

    inbox: queue.Queue[Event | None] = queue.Queue()
    clock = MonotonicClock()
    worker = TtsWorker([SynthOption("pyttsx3", lambda: Pyttsx3Synthesizer(player))], inbox,
                       clock)
    worker.start()
    texts = ["Warm the oil between your palms.", "Place both hands on the lower back.",
             "Glide up along the spine.", "Fan out over the shoulders.",
             "Come back down the sides."]
    began = time.monotonic()
    for i, text in enumerate(texts):
        worker.say(Say(clock.now(), text, i + 1, 160))
    for _ in texts:
        inbox.get(timeout=60)
    time.sleep(0.5)
    worker.close()
    gaps = sentence_gaps(capture.audio_between(began, time.monotonic()))
    print("gaps between sentences (s): " + ", ".join(f"{g:.2f}" for g in gaps))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--hog", type=int, default=2, help="busy processes beside playback")
    args = parser.parse_args()
    run(args.trials, args.hog)


if __name__ == "__main__":
    main()
