"""A simulated speaker-to-microphone path, for tests and the benchmark.

The guide's voice reaches the microphone late (``delay_ms``: distance plus device
buffering), smeared by the room (an exponentially decaying noise tail with a direct
path, ``rt60_s``) and at a chosen level. Deterministic for a given seed.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from voice_guide.ports import SAMPLE_RATE

Audio = npt.NDArray[np.float32]


def impulse_response(rt60_s: float, seed: int, rate: int = SAMPLE_RATE) -> Audio:
    n = max(1, int(rt60_s * rate))
    t = np.arange(n) / rate
    rng = np.random.default_rng(seed)
    tail = rng.normal(0.0, 1.0, n) * 10 ** (-3 * t / rt60_s)  # -60 dB at rt60
    tail[0] = 0.0
    ir = 0.3 * tail / np.sqrt(np.sum(tail**2))
    ir[0] = 1.0  # the direct sound
    out: Audio = (ir / np.sqrt(np.sum(ir**2))).astype(np.float32)
    return out


def echo_path(played: Audio, delay_ms: float, rt60_s: float = 0.3, seed: int = 0,
              rate: int = SAMPLE_RATE) -> Audio:
    """What the microphone picks up of ``played`` (same length, unit-energy response)."""
    wet = np.convolve(played.astype(np.float64), impulse_response(rt60_s, seed, rate))
    delay = int(round(delay_ms * rate / 1000))
    out = np.concatenate([np.zeros(delay), wet])[: len(played)]
    return out.astype(np.float32)


def power(audio: Audio) -> float:
    return float(np.mean(audio.astype(np.float64) ** 2)) if audio.size else 0.0


def voiced_power(audio: Audio, floor_db: float = -40.0) -> float:
    """Mean power over the 20 ms frames within ``floor_db`` of the loudest one."""
    n = len(audio) // 320 * 320
    if n == 0:
        return power(audio)
    frames = audio[:n].astype(np.float64).reshape(-1, 320)
    p = np.mean(frames**2, axis=1)
    keep = p > p.max() * 10 ** (floor_db / 10)
    return float(np.mean(p[keep]))
