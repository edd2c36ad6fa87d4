"""A private PulseAudio server for tests that need real audio devices.

``private_pulse()`` starts ``pulseaudio`` in a temporary directory with two null
sinks: ``mic`` (its monitor, ``mic.monitor``, is the default *source*, so
whatever is played into ``mic`` is what a microphone would hear) and
``speaker`` (the default *sink*; record ``speaker.monitor`` to hear what the
program said). It points this process at the server (``PULSE_SERVER``,
``PULSE_RUNTIME_PATH``), re-scans PortAudio's devices if sounddevice is loaded
(PortAudio reaches PulseAudio through ALSA's pulse plugin), and on exit stops the
server and puts the environment back. Without ``pulseaudio`` it skips the test.

``match_recording(played, rate, recorded)`` says whether a recording holds what was
played: where it starts, how well the two correlate once aligned, and the level ratio.

What was measured (a 1.5 s chirp plus espeak speech, played into a null sink, its
monitor recorded by ``parec`` at 16 kHz mono): after alignment the recording
correlates 0.95-0.999 with the source, at the same level, whether ``paplay`` feeds
a 16 kHz mono or a 44.1 kHz stereo sink, and also through ``PcmPlayer``. Nothing is
lost from the sound itself. What does go missing is time: when a sink is first used
(or has been idle) the monitor delivers nothing for up to ~2 s and then carries on,
so a recording is shorter than the wall-clock time it ran and the sound sits earlier
in it than the wall clock says. Compare by alignment, never by wall-clock offsets.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

RATE = 16_000
TOOLS = ("pulseaudio", "pactl", "paplay", "parec")


@dataclass
class Recording:
    """``parec`` running in the background; :meth:`stop` returns 16 kHz mono float samples."""

    proc: subprocess.Popen[bytes]
    path: Path

    def stop(self) -> npt.NDArray[np.float32]:
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        data = self.path.read_bytes()
        raw = np.frombuffer(data[: len(data) // 2 * 2], dtype="<i2")
        return (raw.astype(np.float32) / 32768.0).astype(np.float32)


@dataclass(frozen=True)
class AudioMatch:
    """How a recording compares with the sound that was played."""

    start_s: float  # where the played sound begins in the recording
    correlation: float  # normalized correlation of the aligned stretch (1.0 = identical shape)
    level_ratio: float  # RMS of the aligned stretch over RMS of the played sound
    complete: bool  # the whole sound fits inside the recording at that offset

    def __str__(self) -> str:
        return (f"starts at {self.start_s:.2f} s, correlation {self.correlation:.3f}, "
                f"level x{self.level_ratio:.2f}, {'complete' if self.complete else 'cut off'}")


def match_recording(
    played: npt.NDArray[np.float32], rate: int, recorded: npt.NDArray[np.float32]
) -> AudioMatch:
    """Find ``played`` (mono, at ``rate``) inside ``recorded`` (16 kHz mono) and compare."""
    from voice_guide.audio.wav_input import resample

    ref = resample(played.astype(np.float32), rate, RATE) if rate != RATE else played
    ref = ref.astype(np.float64)
    rec = recorded.astype(np.float64)
    if ref.size == 0 or rec.size == 0 or not np.any(ref):
        return AudioMatch(0.0, 0.0, 0.0, False)
    size = 1 << (ref.size + rec.size - 1).bit_length()
    corr = np.fft.irfft(np.fft.rfft(rec, size) * np.conj(np.fft.rfft(ref, size)), size)
    lag = int(np.argmax(corr[: rec.size]))  # the sound starts at or after the recording
    seg = rec[lag : lag + ref.size]
    complete = seg.size == ref.size
    if seg.size < ref.size:
        seg = np.pad(seg, (0, ref.size - seg.size))
    ref_rms = float(np.sqrt(np.mean(ref**2)))
    seg_rms = float(np.sqrt(np.mean(seg**2)))
    correlation = float(np.dot(ref, seg) / (np.linalg.norm(ref) * np.linalg.norm(seg) + 1e-12))
    return AudioMatch(lag / RATE, correlation, seg_rms / ref_rms, complete)


@dataclass(frozen=True)
class PulseServer:
    root: Path
    server: str
    env: Mapping[str, str]
    mic_sink: str = "mic"
    speaker_sink: str = "speaker"

    @property
    def mic_source(self) -> str:
        return f"{self.mic_sink}.monitor"

    @property
    def speaker_monitor(self) -> str:
        return f"{self.speaker_sink}.monitor"

    def pactl(self, *args: str) -> str:
        done = subprocess.run(
            ["pactl", *args], env=dict(self.env), capture_output=True, text=True, timeout=15
        )
        if done.returncode != 0:
            raise RuntimeError(f"pactl {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout.strip()

    def play(self, wav: Path, sink: str | None = None) -> subprocess.Popen[bytes]:
        """Start ``paplay`` of ``wav`` into ``sink`` (default: the mic sink)."""
        return subprocess.Popen(
            ["paplay", f"--device={sink or self.mic_sink}", str(wav)],
            env=dict(self.env), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )

    def play_and_wait(self, wav: Path, sink: str | None = None, timeout_s: float = 30) -> None:
        proc = self.play(wav, sink)
        _, err = proc.communicate(timeout=timeout_s)
        if proc.returncode != 0:
            raise RuntimeError(f"paplay {wav} failed: {err.decode(errors='replace').strip()}")

    def record(self, source: str) -> Recording:
        """Start recording ``source`` (e.g. ``speaker.monitor``) as 16 kHz mono."""
        fd, name = tempfile.mkstemp(suffix=".raw", dir=self.root)
        out = os.fdopen(fd, "wb")
        proc = subprocess.Popen(
            ["parec", f"--device={source}", "--format=s16le", f"--rate={RATE}",
             "--channels=1", "--latency-msec=20", "--raw"],
            env=dict(self.env), stdout=out, stderr=subprocess.DEVNULL,
        )
        out.close()
        time.sleep(0.2)  # let the stream connect before anything is played
        return Recording(proc, Path(name))

    def loopback(self, source: str, sink: str, latency_ms: int = 60,
                 gain_db: float | None = None) -> str:
        """Route ``source`` into ``sink`` (e.g. the speaker into the mic); returns the module id.

        ``gain_db`` (e.g. -12) sets the loop's level: a speaker across the room reaches the
        microphone quieter than a person next to it."""
        module = self.pactl(
            "load-module", "module-loopback", f"source={source}", f"sink={sink}",
            f"latency_msec={latency_ms}", "source_dont_move=true", "sink_dont_move=true",
        )
        if gain_db is not None:
            self.pactl("set-sink-input-volume", self._sink_input_of(module), f"{gain_db}dB")
        return module

    def _sink_input_of(self, module: str, timeout_s: float = 10.0) -> str:
        """The sink input a module made (it may take a moment to appear)."""
        deadline = time.monotonic() + timeout_s
        while True:
            current = None
            for line in self.pactl("list", "sink-inputs").splitlines():
                line = line.strip()
                if line.startswith("Sink Input #"):
                    current = line.removeprefix("Sink Input #")
                elif line == f"Owner Module: {module}" and current is not None:
                    return current
            if time.monotonic() > deadline:
                raise RuntimeError(f"no sink input of module {module} appeared")
            time.sleep(0.1)


def _skip(reason: str) -> None:
    import pytest

    pytest.skip(reason)


def _refresh_portaudio() -> None:
    """PortAudio lists devices once; make a loaded sounddevice look again."""
    sd = sys.modules.get("sounddevice")
    if sd is not None:
        sd._terminate()
        sd._initialize()


@contextmanager
def private_pulse(start_timeout_s: float = 10.0) -> Iterator[PulseServer]:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        _skip(
            f"needs PulseAudio ({', '.join(missing)} not found); "
            "install with: sudo apt install pulseaudio pulseaudio-utils libasound2-plugins"
        )
    root = Path(tempfile.mkdtemp(prefix="vg-pulse-"))
    runtime = root / "runtime"
    runtime.mkdir(mode=0o700)
    (root / "state").mkdir()
    socket = root / "native"
    env = dict(os.environ)
    env.update(
        HOME=str(root), PULSE_RUNTIME_PATH=str(runtime), PULSE_STATE_PATH=str(root / "state"),
        PULSE_SERVER=f"unix:{socket}", XDG_RUNTIME_DIR=str(runtime),
    )
    env.pop("PULSE_SINK", None)
    env.pop("PULSE_SOURCE", None)
    log = (root / "pulseaudio.log").open("wb")
    proc = subprocess.Popen(
        ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit",
         "--realtime=yes", "--high-priority=yes",
         "--use-pid-file=no", "--disable-shm=yes", "--log-target=stderr",
         "-L", f"module-native-protocol-unix socket={socket} auth-anonymous=1",
         "-L", "module-null-sink sink_name=mic rate=16000 channels=1",
         "-L", "module-null-sink sink_name=speaker rate=44100 channels=2"],
        env=env, stdout=log, stderr=log,
    )
    saved = {k: os.environ.get(k) for k in ("PULSE_SERVER", "PULSE_RUNTIME_PATH",
                                           "PULSE_STATE_PATH")}
    try:
        server = PulseServer(root, env["PULSE_SERVER"], env)
        deadline = time.monotonic() + start_timeout_s
        while True:
            if proc.poll() is not None:
                log.flush()
                tail = (root / "pulseaudio.log").read_text(errors="replace")[-800:]
                raise RuntimeError(f"pulseaudio exited at start: {tail}")
            try:
                server.pactl("info")
                break
            except (RuntimeError, subprocess.TimeoutExpired):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        server.pactl("set-default-source", server.mic_source)
        server.pactl("set-default-sink", server.speaker_sink)
        for key in saved:
            os.environ[key] = env[key]
        _refresh_portaudio()
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        _refresh_portaudio()
        shutil.rmtree(root, ignore_errors=True)
