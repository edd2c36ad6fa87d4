"""The live benchmark's virtual room on a private PulseAudio server: a command played into
the room reaches only the microphone channel, the guide's speaker only the speaker channel,
and with an echo level the speaker also reaches the microphone, attenuated and a little late."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from bench import live_analysis as la
from bench.live_room import CMD_SINK, SPEAKER_SINK, StereoRecorder, build_room, keep_running
from tests.audio_synth import write_wav
from voice_guide.testing.pulse import private_pulse


def tone(seed: float) -> np.ndarray:
    """One second of seeded noise: unlike a pure tone it lines up in one place only."""
    rng = np.random.default_rng(int(seed))
    return np.clip(0.1 * rng.standard_normal(16_000), -0.5, 0.5).astype(np.float32)


def record(tmp_path: Path, echo_db: float | None) -> np.ndarray:
    command = write_wav(tmp_path / "command.wav", tone(330.0))
    speech = write_wav(tmp_path / "speech.wav", tone(440.0))
    with private_pulse() as pulse:
        build_room(pulse, echo_db)
        keeper = keep_running(pulse)
        recorder = StereoRecorder(dict(pulse.env))
        recorder.start()
        try:
            deadline = time.monotonic() + 20
            while recorder.frames < 8000 and time.monotonic() < deadline:
                time.sleep(0.05)
            pulse.play_and_wait(command, CMD_SINK)
            time.sleep(0.3)
            pulse.play_and_wait(speech, SPEAKER_SINK)
            time.sleep(0.5)
        finally:
            recorder.stop()
            keeper.terminate()
            keeper.wait(5)
    return recorder.snapshot()


def level_db(x: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(x.astype(np.float64) ** 2)) + 1e-12))


def test_commands_reach_the_mic_and_the_guide_the_speaker_and_echo_is_attenuated(
    tmp_path: Path,
) -> None:
    room = record(tmp_path, echo_db=None)
    mic, speaker = room[:, 0], room[:, 1]
    found_cmd = la.locate(mic, tone(330.0)[:8000], 0, mic.size)
    found_spk = la.locate(speaker, tone(440.0)[:8000], 0, speaker.size)
    assert found_cmd is not None and found_cmd.score > 0.7
    assert found_spk is not None and found_spk.score > 0.7
    assert found_spk.start > found_cmd.start  # played one after the other, in that order
    # no cross-talk without echo: the mic is silent while the speaker plays, and vice versa
    assert not la.sound_frames(mic[found_spk.start : found_spk.start + 8000]).any()
    assert not la.sound_frames(speaker[found_cmd.start : found_cmd.start + 8000]).any()

    room = record(tmp_path, echo_db=-6)
    mic, speaker = room[:, 0], room[:, 1]
    found_spk = la.locate(speaker, tone(440.0)[:8000], 0, speaker.size)
    assert found_spk is not None
    echo = la.locate(mic, tone(440.0)[:8000], found_spk.start, found_spk.start + 8000)
    assert echo is not None and echo.score > 0.7
    assert 0 < echo.start - found_spk.start < 0.3 * 16_000  # the loopback's delay
    at, size = echo.start, 8000
    ratio = level_db(mic[at : at + size]) - level_db(speaker[found_spk.start : found_spk.start + size])
    assert -9 < ratio < -3, ratio
