"""The simulated path from the guide's speaker to the microphone: delay and reverberation.

The impulse response is a direct sound after ``delay_s`` followed by a diffuse tail of
exponentially decaying noise whose level falls 60 dB in ``rt60_s`` (the usual synthetic
room model). Deterministic for a given seed. Convolution is done block by block with
the FFT, so hours of audio never need one huge transform.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bench.synth import Audio
from voice_guide.ports import SAMPLE_RATE

_BLOCK = 1 << 16


@dataclass(frozen=True)
class EchoPath:
    """One speaker-to-microphone path and how loud the echo is at the microphone.

    ``level_db``: the echo's power (over the narration's spoken parts) relative to the
    command's power (over its spoken parts) at the microphone.
    """

    delay_s: float
    rt60_s: float
    level_db: float
    seed: int

    @property
    def label(self) -> str:
        return (f"echo {self.level_db:+g} dB, delay {self.delay_s * 1000:.0f} ms, "
                f"RT60 {self.rt60_s:.2f} s")


def impulse_response(path: EchoPath) -> Audio:
    """Direct path plus an exponentially decaying diffuse tail (direct-to-tail ~ 3 dB)."""
    rng = np.random.default_rng(path.seed)
    delay = int(round(path.delay_s * SAMPLE_RATE))
    tail_n = int(path.rt60_s * SAMPLE_RATE)
    t = np.arange(tail_n, dtype=np.float64) / SAMPLE_RATE
    decay = 10.0 ** (-3.0 * t / path.rt60_s)  # amplitude: -60 dB at rt60
    tail = rng.standard_normal(tail_n) * decay
    tail[: SAMPLE_RATE // 400] = 0.0  # the first reflections arrive ~2.5 ms after the direct
    tail *= np.sqrt(0.5 / (np.sum(tail**2) + 1e-12))  # tail energy half the direct's
    ir = np.zeros(delay + tail_n, dtype=np.float64)
    ir[delay] = 1.0
    ir[delay:] += tail
    return np.asarray(ir, dtype=np.float32)


def convolve(signal: Audio, ir: Audio) -> Audio:
    """``signal`` through ``ir``, same length as ``signal`` (overlap-add, FFT per block)."""
    n, m = len(signal), len(ir)
    if n == 0:
        return signal.copy()
    size = 1 << int(np.ceil(np.log2(_BLOCK + m - 1)))
    ir_f = np.fft.rfft(ir.astype(np.float64), size)
    out = np.zeros(n + m - 1, dtype=np.float64)
    for start in range(0, n, _BLOCK):
        block = signal[start : start + _BLOCK].astype(np.float64)
        y = np.fft.irfft(np.fft.rfft(block, size) * ir_f, size)[: len(block) + m - 1]
        out[start : start + len(y)] += y
    return np.asarray(out[:n], dtype=np.float32)


def speaker_to_mic(played: Audio, path: EchoPath) -> Audio:
    """What the microphone picks up of ``played`` (not yet scaled to ``level_db``)."""
    return convolve(played, impulse_response(path))


def active_power(audio: Audio, mask: Audio) -> float:
    part = audio[mask > 0].astype(np.float64)
    return float(np.mean(part**2)) if len(part) else 0.0


def mix_echo(speech: Audio, speech_mask: Audio, echo: Audio, echo_mask: Audio,
             level_db: float) -> tuple[Audio, float]:
    """``speech`` plus ``echo`` scaled so echo power (where ``echo_mask``) is ``level_db``
    above speech power (where ``speech_mask``). Returns the mix and the echo gain."""
    ps, pe = active_power(speech, speech_mask), active_power(echo, echo_mask)
    if ps <= 0 or pe <= 0:
        return speech.copy(), 0.0
    gain = float(np.sqrt(ps * 10.0 ** (level_db / 10.0) / pe))
    return np.asarray(speech + gain * echo, dtype=np.float32), gain
