"""The player on a real (private) PulseAudio server: the playback tap against what the
speaker sink's monitor recorded, the order of cues and speech, the acknowledgment tick,
stop_all, and headroom at the top volume.

Nothing here depends on how fast the machine is: the recording is compared by alignment
(never by wall-clock offsets), and the player's own stamps (callback counts, the DAC times
it reported) are compared with each other; time limits are hang guards only."""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np
import numpy.typing as npt
import pytest

from voice_guide.audio.convert import resample
from voice_guide.audio.cues import ACK, CUE_RATE, CuePlayer, cue_samples
from voice_guide.audio.playback import MIX_PEAK, PcmPlayer
from voice_guide.audio.reference import RATE, PlaybackTap
from voice_guide.speech.espeak_tts import render_with_cli
from voice_guide.testing.pulse import PulseServer, Recording, match_recording, private_pulse

Samples = npt.NDArray[np.float32]
GUARD_S = 60.0


@pytest.fixture
def pulse() -> Iterator[PulseServer]:
    with private_pulse() as server:
        yield server


@pytest.fixture
def tapped(pulse: PulseServer) -> Iterator[tuple[PcmPlayer, PlaybackTap]]:
    tap = PlaybackTap(keep_s=120.0)  # the recording may run late on a busy machine
    player = PcmPlayer(None, tap=tap)
    # The sink's first use stalls for a second or two; get that over with.
    player.play(np.zeros(RATE, dtype=np.float32), RATE)
    yield player, tap
    player.close()


def speech(text: str) -> tuple[Samples, int]:
    rendered = render_with_cli(text, 170, "en-us")
    assert rendered is not None
    return rendered.samples, rendered.rate


def burst(seconds: float, seed: int = 3) -> Samples:
    """Noise band-limited to 4 kHz (full-band noise loses its top in the sink's conversions
    and then correlates less with itself)."""
    rng = np.random.default_rng(seed)
    narrow = (0.3 * rng.standard_normal(int(seconds * 8_000))).astype(np.float32)
    return resample(narrow, 8_000, RATE)


def recorded_until(recording: Recording, sounds: list[tuple[Samples, int]]) -> Samples:
    """Record until every sound is in the recording whole (hang guard only)."""
    deadline = time.monotonic() + GUARD_S
    while time.monotonic() < deadline:
        data = recording.path.read_bytes()
        so_far = np.frombuffer(data[: len(data) // 2 * 2], dtype="<i2").astype(np.float32)
        so_far /= 32768
        if all(match_recording(s, r, so_far).complete and
               match_recording(s, r, so_far).correlation > 0.9 for s, r in sounds):
            break
        time.sleep(0.25)
    time.sleep(0.2)
    return recording.stop()


def _tap_against_monitor(pulse: PulseServer, player: PcmPlayer, tap: PlaybackTap) -> str | None:
    """Play a noise burst and a sentence; None when the tap holds what the speaker monitor
    recorded (shape, level, and the same delay for both), else what differed."""
    noise = burst(0.4)
    words, words_rate = speech("Glide up along the spine")
    recording = pulse.record(pulse.speaker_monitor)
    try:
        first = player.start(noise, RATE)
        assert first.wait(timeout_s=GUARD_S)
        time.sleep(0.7)
        second = player.start(words, words_rate)
        assert second.wait(timeout_s=GUARD_S)
        recorded = recorded_until(recording, [(noise, RATE), (words, words_rate)])
    finally:
        recording.stop()
    assert first.first_dac is not None and second.first_dac is not None
    starts = []
    for sound, length in ((first, noise.size / RATE), (second, words.size / words_rate)):
        assert sound.first_dac is not None
        held = tap.read_float(sound.first_dac - 0.05, int((length + 0.1) * RATE))
        match = match_recording(held, RATE, recorded)
        if not (match.complete and match.correlation > 0.95 and 0.8 < match.level_ratio < 1.25):
            return f"{match}"
        starts.append(match.start_s)
    on_tap = second.first_dac - first.first_dac
    in_recording = starts[1] - starts[0]
    if abs(on_tap - in_recording) >= 0.01:
        return f"delay differs: {on_tap:.4f} s on the tap, {in_recording:.4f} s recorded"
    return None


def test_tap_matches_the_speaker_monitor(
    pulse: PulseServer, tapped: tuple[PcmPlayer, PlaybackTap]
) -> None:
    """What the tap holds over each sound is what the monitor recorded, sample for sample
    (white noise: any slip of one sample would show), with the same delay for both sounds.
    An output underrun on a busy machine shifts the sound at the speaker and not in the tap
    (the echo veto knows this), so the measurement is made again, at most three times."""
    player, tap = tapped
    misses = []
    for _ in range(3):
        miss = _tap_against_monitor(pulse, player, tap)
        if miss is None:
            break
        misses.append(f"{miss} (underruns so far: {player.underruns})")
    else:
        raise AssertionError("; ".join(misses))


def test_speech_waits_for_a_cue_and_a_cue_for_speech(
    pulse: PulseServer, tapped: tuple[PcmPlayer, PlaybackTap]
) -> None:
    player, _ = tapped
    words, words_rate = speech("Fan out over the shoulders")
    cue = cue_samples("step_end")
    # A sentence said while a cue sounds starts after it.
    tone = player.start(cue, CUE_RATE, kind="cue")
    said = player.start(words, words_rate, kind="speech")
    assert said.wait(timeout_s=GUARD_S) and tone.heard
    assert tone.end_dac is not None and said.first_dac is not None
    assert said.first_dac >= tone.end_dac - 1e-6
    # A cue that comes during a sentence sounds in the gap before the next one, and the
    # next sentence waits for it.
    said = player.start(words, words_rate, kind="speech")
    deadline = time.monotonic() + GUARD_S
    while said.first_dac is None and time.monotonic() < deadline:
        time.sleep(0.01)
    tone = player.start(cue, CUE_RATE, kind="cue")
    assert said.wait(timeout_s=GUARD_S)
    assert said.end_dac is not None
    after = player.start(words, words_rate, kind="speech", not_before=said.end_dac + 0.28)
    assert after.wait(timeout_s=GUARD_S) and tone.heard
    assert tone.first_dac is not None and tone.end_dac is not None
    assert after.first_dac is not None
    assert tone.first_dac >= said.end_dac - 1e-6
    assert after.first_dac >= tone.end_dac - 1e-6


def test_ack_tick_starts_at_the_next_callback_even_over_speech(
    pulse: PulseServer, tapped: tuple[PcmPlayer, PlaybackTap]
) -> None:
    player, tap = tapped
    words, words_rate = speech("Keep a steady pressure with the heel of your hand")
    said = player.start(words, words_rate)
    deadline = time.monotonic() + GUARD_S
    while said.first_dac is None and time.monotonic() < deadline:
        time.sleep(0.01)
    warnings: list[str] = []
    cues = CuePlayer(player, warn=warnings.append)
    try:
        cues.play_cue(ACK, 1.0)
        player.stop_all()  # what the listener does when a command is taken: the tick stays
        assert not said.wait(timeout_s=GUARD_S)
        tick = cues.last_ack
        assert tick is not None
        assert tick.wait(timeout_s=GUARD_S), "the tick was cut"
    finally:
        cues.close()
    assert warnings == []
    # Queued while speech sounded, started in the very next callback.
    assert tick.first_callback - tick.queued_callback <= 1, (
        tick.queued_callback, tick.first_callback)
    assert tick.first_dac is not None
    held = tap.read_float(tick.first_dac, int(0.05 * RATE))
    assert float(np.max(np.abs(held))) > 0.02  # the tap holds it


def test_stop_all_cuts_within_one_callback(
    pulse: PulseServer, tapped: tuple[PcmPlayer, PlaybackTap]
) -> None:
    player, tap = tapped
    long_sound = burst(5.0)
    playing = player.start(long_sound, RATE)
    deadline = time.monotonic() + GUARD_S
    while playing.first_dac is None and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.5)
    stopped = time.monotonic()
    player.stop_all()
    assert not playing.wait(timeout_s=GUARD_S)
    # Everything written after the stop is silence: the sound can only go on for what the
    # device had buffered (reported with each callback) when the stop came.
    assert playing.cut
    time.sleep(player.latency + 0.4)
    after = tap.read_float(stopped + player.latency + 0.15, int(0.2 * RATE))
    assert not np.any(after), float(np.max(np.abs(after)))
    before = tap.read_float(stopped - 0.3, int(0.1 * RATE))
    assert np.count_nonzero(before) > 0.9 * before.size  # it was playing until then


def test_top_volume_has_headroom(
    pulse: PulseServer, tapped: tuple[PcmPlayer, PlaybackTap]
) -> None:
    player, tap = tapped
    t = np.arange(int(0.5 * RATE)) / RATE
    loud = (1.4 * np.sin(2 * np.pi * 300 * t)).astype(np.float32)  # over full scale
    playing = player.start(loud, RATE, volume=1.0)
    assert playing.wait(timeout_s=GUARD_S)
    assert playing.first_dac is not None
    held = tap.read_float(playing.first_dac, loud.size)
    assert float(np.max(np.abs(held))) <= MIX_PEAK + 0.01
    assert _median_shape(held, loud) > 0.995  # scaled, not clipped (clipped: 0.992)


def _median_shape(held: Samples, wanted: Samples, window: int = RATE // 10,
                  lags: int = 40) -> float:
    """How alike two waves are in shape, window by window (each at its best alignment
    within ``lags`` samples), the median of the windows: a late callback on a busy machine
    can move the tap's timeline by a sample or two (a 300 Hz wave shifted one sample scores
    0.993), which says nothing about clipping, which bends every window alike."""
    scores = []
    for start in range(lags, wanted.size - window - lags, window):
        part = wanted[start : start + window]
        best = 0.0
        for lag in range(-lags, lags + 1):
            got = held[start + lag : start + lag + window]
            norm = float(np.linalg.norm(got) * np.linalg.norm(part))
            if norm > 0:
                best = max(best, float(np.dot(got, part)) / norm)
        scores.append(best)
    return float(np.median(scores))
