"""Finding events in the two-channel room recording (left: microphone, right: speaker).

Pure functions on arrays, so they are tested without a sound server:

- :func:`locate` finds a known clip (a spoken command) in the microphone channel by
  normalized cross-correlation, so the true end of the command is known to a sample even
  when the guide's own voice is mixed in (echo).
- :func:`sound_frames` marks 10 ms frames of the speaker channel that carry sound. The
  speaker channel is the program's digital output, so anything above -60 dBFS is sound.
- :func:`find_tone` finds a known cue waveform (the acknowledgment tone) near a moment.
- :func:`first_sound`, :func:`silence_before`, :func:`quiet_from` and :func:`gap_near`
  read onsets, ends and pauses off the frame marks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

RATE = 16_000
FRAME = RATE // 100  # 10 ms
SOUND_RMS = 10 ** (-60 / 20)

Audio = npt.NDArray[np.float32]
Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Found:
    """Where a known clip sits in a recording (sample index) and how well it matched."""

    start: int
    score: float  # normalized correlation, 1.0 = identical shape


def _xcorr(signal: npt.NDArray[np.float64], ref: npt.NDArray[np.float64]
           ) -> npt.NDArray[np.float64]:
    """Normalized cross-correlation of ``ref`` at every lag inside ``signal``."""
    n = signal.size - ref.size + 1
    if n <= 0 or not np.any(ref):
        return np.zeros(0)
    size = 1 << (signal.size + ref.size - 1).bit_length()
    raw = np.fft.irfft(np.fft.rfft(signal, size) * np.conj(np.fft.rfft(ref, size)), size)[:n]
    energy = np.concatenate([[0.0], np.cumsum(signal**2)])
    local = np.sqrt(np.maximum(energy[ref.size:] - energy[:-ref.size], 1e-12))[:n]
    result: npt.NDArray[np.float64] = raw / (local * np.linalg.norm(ref))
    return result


def locate(recording: Audio, clip: Audio, lo: int, hi: int) -> Found | None:
    """Best match of ``clip`` starting between samples ``lo`` and ``hi`` of ``recording``."""
    lo = max(0, lo)
    window = recording[lo : min(recording.size, hi + clip.size)].astype(np.float64)
    corr = _xcorr(window, clip.astype(np.float64))
    if corr.size == 0:
        return None
    best = int(np.argmax(corr))
    return Found(lo + best, float(corr[best]))


def find_tone(speaker: Audio, tone: Audio, lo: int, hi: int, min_score: float = 0.6
              ) -> Found | None:
    """The tone's start between ``lo`` and ``hi`` when it is there (score >= min_score)."""
    found = locate(speaker, tone, lo, hi)
    return found if found is not None and found.score >= min_score else None


def sound_frames(channel: Audio) -> Mask:
    """One flag per 10 ms frame: the frame carries sound."""
    n = channel.size // FRAME
    frames = channel[: n * FRAME].astype(np.float64).reshape(n, FRAME)
    mask: Mask = np.sqrt(np.mean(frames**2, axis=1)) > SOUND_RMS
    return mask


def speech_end(clip: Audio, relative: float = 0.03) -> int:
    """Sample index just after the last frame of ``clip`` louder than ``relative`` of its peak."""
    n = clip.size // FRAME
    rms = np.sqrt(np.mean(clip[: n * FRAME].astype(np.float64).reshape(n, FRAME) ** 2, axis=1))
    loud = np.flatnonzero(rms >= rms.max() * relative)
    return int(loud[-1] + 1) * FRAME if loud.size else clip.size


def speech_start(clip: Audio, relative: float = 0.03) -> int:
    n = clip.size // FRAME
    rms = np.sqrt(np.mean(clip[: n * FRAME].astype(np.float64).reshape(n, FRAME) ** 2, axis=1))
    loud = np.flatnonzero(rms >= rms.max() * relative)
    return int(loud[0]) * FRAME if loud.size else 0


def first_sound(mask: Mask, start: int, stop: int, skip: list[tuple[int, int]] | None = None
                ) -> int | None:
    """First sounding frame in [start, stop) (frame indices) outside the ``skip`` spans."""
    for f in range(max(0, start), min(mask.size, stop)):
        if mask[f] and not any(a <= f < b for a, b in skip or []):
            return f
    return None


def silence_before(mask: Mask, frame: int) -> int | None:
    """The frame just after the last sounding frame before ``frame`` (the end of that sound)."""
    sounding = np.flatnonzero(mask[: max(0, frame)])
    return int(sounding[-1]) + 1 if sounding.size else None


def quiet_from(mask: Mask, start: int, stop: int, min_frames: int) -> int | None:
    """Start of the first run of at least ``min_frames`` silent frames in [start, stop)."""
    run = 0
    for f in range(max(0, start), min(mask.size, stop)):
        run = 0 if mask[f] else run + 1
        if run >= min_frames:
            return f - run + 1
    return None


def silent_runs(mask: Mask, start: int, stop: int) -> list[tuple[int, int]]:
    """Every run of silent frames inside [start, stop), as (first, end) frame indices."""
    runs: list[tuple[int, int]] = []
    begin: int | None = None
    stop = min(mask.size, stop)
    for f in range(max(0, start), stop):
        if not mask[f] and begin is None:
            begin = f
        elif mask[f] and begin is not None:
            runs.append((begin, f))
            begin = None
    if begin is not None:
        runs.append((begin, stop))
    return runs


def gap_near(mask: Mask, frame: int, before: int = 40, after: int = 120) -> int | None:
    """Length in frames of the longest silence between two sounds that overlaps
    [frame - before, frame + after]: the pause between two sentences when ``frame`` is
    about when the second one was started."""
    lo, hi = max(0, frame - before), min(mask.size, frame + after)
    runs = [(a, b) for a, b in silent_runs(mask, max(0, lo - 400), min(mask.size, hi + 400))
            if a < hi and b > lo and a > 0 and b < mask.size]
    bounded = [(a, b) for a, b in runs if mask[a - 1] and mask[b]]
    if not bounded:
        return None
    return max(b - a for a, b in bounded)


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0-100, linear interpolation); None for no values."""
    return float(np.percentile(np.asarray(values), q)) if values else None


def align(recorded: Audio, reference: Audio, end: int, min_score: float = 0.8) -> int | None:
    """The offset with ``reference[i + offset]`` lined up with ``recorded[i]`` just before
    sample ``end``: a few short stretches before ``end`` are tried (an output underrun can
    spoil one), the first that matches the reference well enough wins."""
    for length_s, back_s in ((0.5, 0.0), (0.3, 0.0), (0.3, 0.3), (0.3, 0.6), (0.5, 1.0)):
        stop = end - int(back_s * RATE)
        piece = recorded[max(0, stop - int(length_s * RATE)) : stop]
        if piece.size == 0 or not np.any(piece):
            continue
        found = locate(reference, piece, 0, reference.size)
        if found is not None and found.score >= min_score:
            return found.start - (stop - piece.size)
    return None


def _rms(x: Audio) -> float:
    return float(np.sqrt(np.mean(x.astype(np.float64) ** 2))) if x.size else 0.0


def divergence(recorded: Audio, reference: Audio, offset: int, start: int, stop: int,
               window: int = 2 * FRAME, run: int = 3) -> int | None:
    """Where ``recorded`` stops following ``reference`` (the same sentence, spoken uncut):
    ``reference[i + offset]`` lines up with ``recorded[i]``. The two are compared by level,
    window by window (the sound server's resampling shifts the fine phase, so sample
    correlation of short windows is unreliable): from sample ``start`` on, the first of
    ``run`` windows in a row where the reference sounds but the recording is more than
    10 dB off it (at the level ratio measured just before ``start``) is the cut, unless the
    recording picks the sentence up again a little later (an output underrun shifts the
    rest: then the alignment follows). Windows where the reference is silent (a pause in
    the sentence) are no evidence either way. None when the recording follows the
    reference up to ``stop`` or the reference ends first."""
    before = max(0, start - RATE // 2)
    scale = _rms(recorded[before:start]) / max(_rms(reference[before + offset : start + offset]),
                                                 1e-9)
    misses = 0
    first: int | None = None
    at = max(0, start)
    realigned = 0
    while at < stop - window:
        ref = reference[at + offset : at + offset + window]
        if ref.size < window or at + offset < 0:
            return None
        expected = _rms(ref) * scale
        if _rms(ref) <= SOUND_RMS * 10:
            at += window
            continue
        level = _rms(recorded[at : at + window])
        if level > 0 and abs(20 * np.log10(level / expected)) <= 10:
            misses, first = 0, None
            at += window
            continue
        misses += 1
        first = at if first is None else first
        if misses >= run:
            piece = recorded[first : first + int(0.3 * RATE)]
            lo = first + offset - int(0.3 * RATE)
            found = (locate(reference, piece, lo, lo + int(0.8 * RATE))
                     if realigned < 5 and _rms(piece) > SOUND_RMS * 10 else None)
            if found is None or found.score < 0.8 or found.start - first == offset:
                return first
            offset, realigned = found.start - first, realigned + 1
            at, misses, first = first, 0, None
            continue
        at += window
    return None
