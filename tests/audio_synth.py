"""Test speech: espeak-ng synthesis, noise, and streams with known phrase positions.

Stable helpers other tests may import:

- ``speak(text, voice="en-us", wpm=170, pitch=50) -> np.ndarray``: float32 samples at 16 kHz.
- ``silence(seconds)``, ``white_noise(n, seed)``, ``pink_noise(n, seed)``
- ``add_noise(signal, snr_db, kind="white"|"pink", seed=0)``: noise scaled against the
  speech power (measured over the voiced part only).
- ``compose(parts)``: parts are ``str`` (spoken with defaults), ``Utterance`` or ``float``
  (seconds of silence); returns ``(samples, placements)`` where each placement gives the
  text and the start/end seconds of its audible part.
- ``pcm16(samples) -> bytes`` and ``write_wav(path, samples, rate=16000, channels=1)``.
"""

from __future__ import annotations

import shutil
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from voice_guide.audio.wav_input import decode_wav_bytes, resample, to_pcm16

RATE = 16_000
Samples = npt.NDArray[np.float32]


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


def speak(text: str, voice: str = "en-us", wpm: int = 170, pitch: int = 50) -> Samples:
    """``text`` spoken by espeak-ng, trimmed of leading/trailing silence, float32 at 16 kHz."""
    done = subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(wpm), "-p", str(pitch), "--stdout", text],
        capture_output=True,
        check=True,
        timeout=60,
    )
    samples, rate = decode_wav_bytes(done.stdout)
    return trim(resample(samples, rate, RATE))


def trim(samples: Samples, threshold: float = 0.01) -> Samples:
    loud = np.flatnonzero(np.abs(samples) > threshold)
    if loud.size == 0:
        return samples[:0]
    return samples[loud[0] : loud[-1] + 1]


def silence(seconds: float) -> Samples:
    return np.zeros(int(round(seconds * RATE)), dtype=np.float32)


def white_noise(n: int, seed: int = 0) -> Samples:
    return np.random.default_rng(seed).standard_normal(n).astype(np.float32)


def pink_noise(n: int, seed: int = 0) -> Samples:
    """1/f noise by shaping white noise in the frequency domain."""
    spectrum = np.fft.rfft(np.random.default_rng(seed).standard_normal(n))
    freqs = np.arange(spectrum.size, dtype=np.float64)
    freqs[0] = 1.0
    shaped = np.fft.irfft(spectrum / np.sqrt(freqs), n)
    return (shaped / np.std(shaped)).astype(np.float32)


def add_noise(signal: Samples, snr_db: float, kind: str = "white", seed: int = 0) -> Samples:
    """``signal`` plus noise ``snr_db`` below the power of its voiced samples."""
    voiced = signal[np.abs(signal) > 0.01]
    speech_power = float(np.mean(voiced**2)) if voiced.size else 1e-4
    noise = white_noise(signal.size, seed) if kind == "white" else pink_noise(signal.size, seed)
    noise_power = speech_power / (10 ** (snr_db / 10))
    mixed: Samples = (signal + noise * np.sqrt(noise_power)).astype(np.float32)
    return mixed


@dataclass(frozen=True)
class Utterance:
    text: str
    voice: str = "en-us"
    wpm: int = 170
    pitch: int = 50


@dataclass(frozen=True)
class Placement:
    text: str
    start: float
    end: float


def compose(parts: list[str | Utterance | float]) -> tuple[Samples, list[Placement]]:
    """Concatenate speech and silences; report where each utterance sits, in seconds."""
    pieces: list[Samples] = []
    placements: list[Placement] = []
    at = 0
    for part in parts:
        if isinstance(part, float | int):
            piece = silence(float(part))
        else:
            utt = part if isinstance(part, Utterance) else Utterance(part)
            piece = speak(utt.text, utt.voice, utt.wpm, utt.pitch)
            placements.append(Placement(utt.text, at / RATE, (at + piece.size) / RATE))
        pieces.append(piece)
        at += piece.size
    return np.concatenate(pieces) if pieces else silence(0.0), placements


def pcm16(samples: Samples) -> bytes:
    return to_pcm16(samples)


def write_wav(path: Path, samples: Samples, rate: int = RATE, channels: int = 1) -> Path:
    """Write 16-bit PCM; converts from 16 kHz to ``rate`` and duplicates to ``channels``."""
    data = resample(samples, RATE, rate) if rate != RATE else samples
    frames = np.repeat(data[:, None], channels, axis=1).reshape(-1)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(to_pcm16(frames.astype(np.float32)))
    return path
