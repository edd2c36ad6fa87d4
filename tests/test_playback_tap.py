"""The playback tap: what the player handed to the device, read back on the monotonic clock
at 16 kHz, lined up to the sample (pure: no audio device; the PulseAudio comparison with the
speaker monitor is in test_playback_pulse.py)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from voice_guide.audio.convert import resample
from voice_guide.audio.reference import RATE, PlaybackTap

Samples = npt.NDArray[np.float32]
T0 = 1000.0


def noise(seconds: float, rate: int, seed: int = 1) -> Samples:
    rng = np.random.default_rng(seed)
    return (0.3 * rng.standard_normal(int(seconds * rate))).astype(np.float32)


def feed(tap: PlaybackTap, signal: Samples, rate: int, block: int, t0: float = T0,
         wrong: dict[int, float] | None = None) -> None:
    """Write ``signal`` as an output callback would: block by block, each stamped with when
    its first sample is heard (``wrong`` overrides the stamp of some blocks)."""
    for k, at in enumerate(range(0, signal.size, block)):
        stamp = t0 + at / rate
        if wrong and k in wrong:
            stamp = wrong[k]
        tap.write(signal[at : at + block], rate, stamp)


def lag_of(got: Samples, want: Samples) -> int:
    """The shift (in samples) that best lines ``got`` up with ``want`` (0 = aligned)."""
    corr = np.correlate(got.astype(np.float64), want.astype(np.float64), mode="full")
    return int(np.argmax(corr)) - (want.size - 1)


def test_reads_back_exactly_at_16_khz() -> None:
    tap = PlaybackTap()
    signal = noise(2.0, RATE)
    feed(tap, signal, RATE, 160)
    start = T0 + 0.5
    got = np.frombuffer(tap.read(start, 4000), dtype="<i2").astype(np.float32) / 32768
    want = signal[8000:12000]
    assert np.max(np.abs(got - np.clip(want, -1, 1))) < 2 / 32768


def test_aligned_to_the_sample_from_22050_hz() -> None:
    tap = PlaybackTap()
    rate = 22_050
    signal = noise(3.0, rate)
    feed(tap, signal, rate, 275)
    reference = resample(signal, rate, RATE)  # the whole signal converted in one go
    for at in (4000, 16000, 27793, 40001):  # on the 16 kHz grid, not the 22.05 kHz one
        start_s = at / RATE
        got = tap.read_float(T0 + start_s, 3200)
        want = reference[at : at + 3200]
        assert lag_of(got, want) == 0, start_s
        corr = float(np.dot(got, want) / (np.linalg.norm(got) * np.linalg.norm(want)))
        assert corr > 0.99, (start_s, corr)


def test_zeros_before_and_after_what_played() -> None:
    tap = PlaybackTap()
    signal = noise(0.5, RATE)
    feed(tap, signal, RATE, 160)
    before = tap.read_float(T0 - 1.0, 1600)
    after = tap.read_float(T0 + 2.0, 1600)
    assert not np.any(before) and not np.any(after)
    edge = tap.read_float(T0 - 0.05, 1600)  # half nothing, half sound
    assert not np.any(edge[:790])
    assert np.count_nonzero(edge[800:]) > 790


def test_playing_at_tells_sound_from_silence() -> None:
    tap = PlaybackTap()
    signal = np.concatenate([np.zeros(RATE, np.float32), noise(1.0, RATE),
                             np.zeros(RATE, np.float32)])
    feed(tap, signal, RATE, 160)
    assert not tap.playing_at(T0 + 0.5)
    assert tap.playing_at(T0 + 1.5)
    assert not tap.playing_at(T0 + 2.5)
    assert not tap.playing_at(T0 + 10.0)


def test_a_few_wrong_stamps_do_not_move_the_timeline() -> None:
    # Through PulseAudio the first buffers of a stream are reported as heard at once and
    # then sit behind a stall: their stamps are wrong, the stream is not.
    tap = PlaybackTap()
    signal = noise(2.0, RATE)
    wrong = {k: T0 - 1.7 for k in range(5)} | {60: T0 + 5.0}
    feed(tap, signal, RATE, 160, wrong=wrong)
    got = tap.read_float(T0 + 0.3, 3200)
    assert lag_of(got, signal[4800:8000]) == 0
    got = tap.read_float(T0 + 0.9, 3200)  # around the one wrong stamp of block 60
    assert lag_of(got, signal[14400:17600]) == 0


def test_keeps_only_the_last_ten_seconds() -> None:
    tap = PlaybackTap(keep_s=10.0)
    rate = 22_050
    block = np.full(2205, 0.25, dtype=np.float32)
    for k in range(150):  # 15 s
        tap.write(block, rate, T0 + k * 0.1)
    assert not np.any(tap.read_float(T0 + 1.0, 1600))
    assert np.allclose(tap.read_float(T0 + 14.0, 1600), 0.25, atol=0.01)
    assert tap.latest_time() is not None and abs(tap.latest_time() - (T0 + 15.0)) < 1e-6  # type: ignore[operator]


def test_a_new_stream_rate_starts_a_new_timeline() -> None:
    tap = PlaybackTap()
    feed(tap, noise(1.0, 22_050), 22_050, 275)
    signal = noise(1.0, RATE, seed=2)
    feed(tap, signal, RATE, 160, t0=T0 + 5.0)
    assert not np.any(tap.read_float(T0 + 0.2, 1600))  # the old stream's history is gone
    got = np.frombuffer(tap.read(T0 + 5.25, 1600), dtype="<i2")
    assert lag_of(got.astype(np.float32) / 32768, signal[4000:5600]) == 0
