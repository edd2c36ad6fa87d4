"""Speech clips from espeak-ng (or flite, for held-out voices), resampled to 16 kHz,
trimmed tight, cached on disk."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bench.voices import Voice
from voice_guide.ports import SAMPLE_RATE

__all__ = ["Audio", "Voice", "has_flite", "require_tools", "speak", "trim"]

Audio = npt.NDArray[np.float32]

_CACHE_VERSION = "clip-v1"
_FRAME = SAMPLE_RATE // 100  # 10 ms
_PAD = 2 * _FRAME  # keep 20 ms around the speech so onsets are not clipped



def require_tools() -> None:
    """Raise RuntimeError naming the missing program when espeak-ng or sox is absent."""
    for tool in ("espeak-ng", "sox"):
        if shutil.which(tool) is None:
            raise RuntimeError(
                f"{tool} is not installed; run scripts/setup.sh (it installs espeak-ng and sox)"
            )


def has_flite() -> bool:
    """Is flite (the second synthesizer, for held-out voices) installed?"""
    return shutil.which("flite") is not None


def _cache_key(text: str, voice: Voice) -> str:
    synth = "" if voice.synth == "espeak-ng" else f"{voice.synth}\0"  # espeak keys unchanged
    raw = f"{_CACHE_VERSION}\0{synth}{voice.name}\0{voice.rate}\0{text}".encode()
    return hashlib.sha1(raw).hexdigest()


def trim(audio: Audio, floor: float = 1e-3, relative: float = 0.03) -> Audio:
    """Cut leading and trailing silence: frames below ``relative`` of the loudest frame."""
    n = len(audio) // _FRAME
    if n == 0:
        return audio
    frames = audio[: n * _FRAME].reshape(n, _FRAME)
    rms = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
    threshold = max(floor, float(rms.max()) * relative)
    loud = np.flatnonzero(rms >= threshold)
    if len(loud) == 0:
        return audio[:0]
    first = max(0, int(loud[0]) * _FRAME - _PAD)
    last = min(len(audio), (int(loud[-1]) + 1) * _FRAME + _PAD)
    return audio[first:last]


def _render(text: str, voice: Voice) -> Audio:
    with tempfile.TemporaryDirectory(prefix="bench-tts-") as tmp:
        wav = Path(tmp) / "say.wav"
        if voice.synth == "flite":
            stretch = f"duration_stretch={100.0 / max(1, voice.rate):.3f}"
            speak_cmd = ["flite", "-voice", voice.name, "--setf", stretch, "-t", text,
                         "-o", str(wav)]
        else:
            speak_cmd = ["espeak-ng", "-v", voice.name, "-s", str(voice.rate), "-w", str(wav),
                         text]
        steps = (
            speak_cmd,
            ["sox", str(wav), "-t", "raw", "-r", str(SAMPLE_RATE), "-e", "signed",
             "-b", "16", "-c", "1", "-"],
        )
        raw = b""
        for cmd in steps:
            try:
                raw = subprocess.run(cmd, check=True, capture_output=True, timeout=120).stdout
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as err:
                said = (err.stderr or b"").decode(errors="replace").strip().splitlines()
                why = said[-1] if said else "no message"
                raise RuntimeError(f"{cmd[0]} failed on {text!r} with voice {voice.label}: "
                                   f"{why}") from err
    pcm = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    return trim(pcm)


def speak(text: str, voice: Voice, cache_dir: Path) -> Audio:
    """``text`` spoken by ``voice`` as float32 in [-1, 1] at 16 kHz, silence trimmed."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / f"{_cache_key(text, voice)}.npy"
    if path.exists():
        cached: Audio = np.load(path)
        return cached
    audio = _render(text, voice)
    if len(audio) == 0:
        raise RuntimeError(f"{voice.synth} produced silence for {text!r} with voice "
                           f"{voice.label}")
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, audio)
    tmp.replace(path)
    return audio
