"""Background sounds for the noisy conditions and mixing at a chosen SNR.

All generators are deterministic for a given seed. Music is synthesized (chords,
bass and a slow melody with envelopes); babble is several espeak-ng talkers
reading sentences at once; pink noise has a 1/f power spectrum.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bench.synth import Audio, Voice, speak
from voice_guide.ports import SAMPLE_RATE

# C major scale, MIDI numbers, for the melody; chord roots for I-V-vi-IV.
_SCALE = (60, 62, 64, 65, 67, 69, 71, 72, 74, 76)
_CHORDS = ((48, 52, 55, 60), (43, 47, 50, 55), (45, 48, 52, 57), (41, 45, 48, 53))


def _hz(midi: int) -> float:
    return float(440.0 * 2.0 ** ((midi - 69) / 12.0))


def _note(freq: float, seconds: float, decay: float, partials: int = 4) -> Audio:
    t = np.arange(int(seconds * SAMPLE_RATE), dtype=np.float64) / SAMPLE_RATE
    tone = sum(np.sin(2 * np.pi * freq * k * t) / k for k in range(1, partials + 1))
    attack = np.minimum(1.0, t / 0.01)
    envelope = attack * np.exp(-t / decay)
    return np.asarray(tone * envelope, dtype=np.float32)


def _add(out: Audio, start: int, tone: Audio) -> None:
    end = min(len(out), start + len(tone))
    if end > start:
        out[start:end] += tone[: end - start]


def music(seconds: float, seed: int) -> Audio:
    """A looping pop-like progression: sustained chords, a bass line and a melody."""
    rng = np.random.default_rng(seed)
    n = int(seconds * SAMPLE_RATE)
    out = np.zeros(n, dtype=np.float32)
    beat = 60.0 / 84.0  # 84 beats per minute
    bar = 4 * beat
    bars = int(np.ceil(seconds / bar)) + 1
    melody_pos = 4
    for b in range(bars):
        start = int(b * bar * SAMPLE_RATE)
        chord = _CHORDS[b % len(_CHORDS)]
        for midi in chord[1:]:
            tone = 0.18 * _note(_hz(midi), bar, decay=1.6, partials=3)
            _add(out, start, tone)
        for half in range(2):
            s = start + int(half * 2 * beat * SAMPLE_RATE)
            bass = 0.35 * _note(_hz(chord[0] - 12), 2 * beat, decay=0.5, partials=5)
            _add(out, s, bass)
        for q in range(4):
            if rng.random() < 0.2:
                continue  # a rest now and then
            melody_pos = int(np.clip(melody_pos + rng.integers(-2, 3), 0, len(_SCALE) - 1))
            s = start + int(q * beat * SAMPLE_RATE)
            lead = 0.3 * _note(_hz(_SCALE[melody_pos]), beat * 1.5, decay=0.35, partials=2)
            _add(out, s, lead)
    return out


def pink(seconds: float, seed: int) -> Audio:
    """Noise with power falling 3 dB per octave (1/f), from shaped white noise."""
    rng = np.random.default_rng(seed)
    n = int(seconds * SAMPLE_RATE)
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n, d=1.0 / SAMPLE_RATE)
    freqs[0] = freqs[1] if n > 1 else 1.0
    shaped = np.fft.irfft(spectrum / np.sqrt(freqs), n=n)
    return np.asarray(shaped / (np.max(np.abs(shaped)) + 1e-12), dtype=np.float32)


def babble(
    seconds: float,
    sentences: Sequence[str],
    voices: Sequence[Voice],
    cache_dir: Path,
    seed: int,
    talkers: int = 5,
) -> Audio:
    """``talkers`` voices each reading shuffled sentences back to back, all summed."""
    rng = np.random.default_rng(seed)
    n = int(seconds * SAMPLE_RATE)
    out = np.zeros(n, dtype=np.float32)
    for k in range(talkers):
        voice = voices[k % len(voices)]
        pos = int(rng.integers(0, SAMPLE_RATE))
        while pos < n:
            text = sentences[int(rng.integers(0, len(sentences)))]
            clip = speak(text, voice, cache_dir)
            clip = clip / (np.sqrt(np.mean(clip**2)) + 1e-9)
            end = min(n, pos + len(clip))
            out[pos:end] += clip[: end - pos]
            pos = end + int(rng.uniform(0.1, 0.5) * SAMPLE_RATE)
    return out


def power(audio: Audio) -> float:
    return float(np.mean(audio.astype(np.float64) ** 2)) if len(audio) else 0.0


def mix_at_snr(speech: Audio, speech_mask: Audio, noise: Audio, snr_db: float) -> Audio:
    """``speech`` plus ``noise`` scaled so speech power / noise power is ``snr_db``.

    Speech power is measured only where ``speech_mask`` is non-zero (the placed
    clips, not the gaps); noise power over the whole noise track.
    """
    if len(noise) != len(speech):
        raise ValueError("noise and speech must be the same length")
    active = speech[speech_mask > 0]
    ps = power(active)
    pn = power(noise)
    if ps <= 0 or pn <= 0:
        return speech.copy()
    gain = np.sqrt(ps / (pn * 10.0 ** (snr_db / 10.0)))
    return np.asarray(speech + gain * noise, dtype=np.float32)


def peak_normalize(audio: Audio, peak: float = 0.9) -> Audio:
    """Scale so the loudest sample is ``peak`` (never amplifies silence)."""
    top = float(np.max(np.abs(audio))) if len(audio) else 0.0
    if top <= 0:
        return audio
    return np.asarray(audio * (peak / top), dtype=np.float32)
