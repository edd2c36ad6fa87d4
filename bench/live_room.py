"""A virtual room on a private PulseAudio server where what the microphone hears and what
the speaker plays land in the two channels of ONE recording, sample-aligned.

    bench (null sink, 2 channels)      recorded: bench.monitor -> left = mic, right = speaker
      ^ front-left    ^ front-right
      |               |
    room_cmd          room_spk          remap sinks (mono -> one channel, no remix)
    (commands are     (the guide's default sink)
     played here)
                                        room_mic: remap source of bench.monitor, front-left
                                        only (the guide's default source = its microphone)

Both channels are mixed by the same sink, so a command's end and the guide's first sound
are on one time base, with no loopback latency between them. With ``echo_db`` the guide's
own voice also reaches the microphone (``room_spk.monitor`` looped into ``room_cmd``,
attenuated, about 60 ms late), as a speaker across the room would.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

RATE = 16_000
BENCH_SINK = "bench"
CMD_SINK = "room_cmd"
SPEAKER_SINK = "room_spk"
MIC_SOURCE = "room_mic"


class Pulse(Protocol):
    """What this module needs of ``voice_guide.testing.pulse.PulseServer``."""

    root: Path
    env: object

    def pactl(self, *args: str) -> str: ...


def build_room(pulse: Pulse, echo_db: float | None = None) -> None:
    """Load the sinks and sources above and make them the defaults."""
    pulse.pactl("load-module", "module-null-sink", f"sink_name={BENCH_SINK}", "rate=48000",
                "channels=2", "channel_map=front-left,front-right")
    for name, channel in ((CMD_SINK, "front-left"), (SPEAKER_SINK, "front-right")):
        pulse.pactl("load-module", "module-remap-sink", f"sink_name={name}",
                    f"master={BENCH_SINK}", "channels=1", "channel_map=mono",
                    f"master_channel_map={channel}", "remix=no")
    pulse.pactl("load-module", "module-remap-source", f"source_name={MIC_SOURCE}",
                f"master={BENCH_SINK}.monitor", "channels=1", "channel_map=mono",
                "master_channel_map=front-left", "remix=no")
    pulse.pactl("set-default-sink", SPEAKER_SINK)
    pulse.pactl("set-default-source", MIC_SOURCE)
    if echo_db is not None:
        module = pulse.pactl("load-module", "module-loopback",
                             f"source={SPEAKER_SINK}.monitor", f"sink={CMD_SINK}",
                             "latency_msec=60", "source_dont_move=true", "sink_dont_move=true")
        _set_loopback_volume(pulse, module, echo_db)


def _set_loopback_volume(pulse: Pulse, module: str, gain_db: float) -> None:
    """Attenuate the loopback's playback stream (its sink input) by ``gain_db``."""
    percent = max(0, round(100 * 10 ** (gain_db / 60)))  # PulseAudio volume is cubic in amplitude
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        current = ""
        for line in pulse.pactl("list", "sink-inputs").splitlines():
            line = line.strip()
            if line.startswith("Sink Input #"):
                current = line.removeprefix("Sink Input #")
            elif line == f"Owner Module: {module}" and current:
                pulse.pactl("set-sink-input-volume", current, f"{percent}%")
                return
        time.sleep(0.1)
    raise RuntimeError("the echo loopback did not start")


def keep_running(pulse: Pulse) -> subprocess.Popen[bytes]:
    """Feed endless digital silence into both channels, so the bench sink never goes idle:
    an idle null sink hands its monitor nothing, and the recording would lose that time."""
    return subprocess.Popen(
        ["pacat", "--playback", f"--device={BENCH_SINK}", "--raw", "--format=s16le",
         "--rate=16000", "--channels=2", "--latency-msec=50", "/dev/zero"],
        env=dict(pulse.env), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,  # type: ignore[call-overload]
    )


@dataclass
class StereoRecorder:
    """``parec`` of bench.monitor at 16 kHz stereo, read live on a thread.

    ``samples`` is what arrived so far; ``arrivals`` pairs time.monotonic() with how many
    frames had arrived then, so a wall-clock moment (a transcript line) can be placed in
    the recording (:meth:`frame_at`)."""

    env: dict[str, str]
    chunks: list[npt.NDArray[np.int16]] = field(default_factory=list)
    arrivals: list[tuple[float, int]] = field(default_factory=list)
    frames: int = 0
    _proc: subprocess.Popen[bytes] | None = None
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        self._proc = subprocess.Popen(
            ["parec", f"--device={BENCH_SINK}.monitor", "--format=s16le", f"--rate={RATE}",
             "--channels=2", "--latency-msec=10", "--raw"],
            env=self.env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )
        self._thread = threading.Thread(target=self._read, name="live-recorder", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        pending = b""
        while True:
            data = os.read(self._proc.stdout.fileno(), 6400)
            if not data:
                return
            now = time.monotonic()
            pending += data
            usable = len(pending) // 4 * 4
            block = np.frombuffer(pending[:usable], dtype="<i2").reshape(-1, 2).copy()
            pending = pending[usable:]
            with self._lock:
                self.chunks.append(block)
                self.frames += len(block)
                self.arrivals.append((now, self.frames))

    def snapshot(self) -> npt.NDArray[np.float32]:
        """Everything recorded so far, (frames, 2) float in [-1, 1]: [:, 0] mic, [:, 1] speaker."""
        with self._lock:
            chunks = list(self.chunks)
        if not chunks:
            return np.zeros((0, 2), dtype=np.float32)
        return (np.concatenate(chunks).astype(np.float32) / 32768.0).astype(np.float32)

    def frame_at(self, t: float) -> int:
        """The recording frame that was being captured at monotonic time ``t``: the arrival
        line with the smallest lag (reads come late, never early)."""
        with self._lock:
            arrivals = list(self.arrivals)
        if not arrivals:
            return 0
        # frames captured by time `now` = arrived frames; offset = now - frames / RATE
        offsets = sorted(now - frames / RATE for now, frames in arrivals)
        offset = offsets[max(0, len(offsets) // 20)]  # near the earliest: least delayed reads
        return int(round((t - offset) * RATE))

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        if self._thread is not None:
            self._thread.join(5)
