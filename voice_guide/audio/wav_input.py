"""Reading audio files and converting them to what every recognizer takes.

``read_audio`` turns a WAV file of any rate, channel count and sample format
(8/16/24/32-bit integer, 32/64-bit float, also WAVE_FORMAT_EXTENSIBLE) into
16 kHz mono signed 16-bit PCM. Other containers (FLAC, MP3, ...) are handed to
``sox`` when it is installed. ``Resampler`` is the streaming converter the
microphone uses, so file and live input are converted the same way.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import numpy as np
import numpy.typing as npt

from voice_guide.errors import UserError
from voice_guide.ports import SAMPLE_RATE

FloatArray = npt.NDArray[np.float32]

_PCM = 1
_FLOAT = 3
_EXTENSIBLE = 0xFFFE


def read_audio(path: Path) -> bytes:
    """16 kHz mono int16 PCM from ``path``; UserError for missing, empty or non-audio files."""
    if not path.exists():
        raise UserError(f"{path}: no such audio file.")
    if path.is_dir():
        raise UserError(f"{path}: is a directory, not an audio file.")
    data = path.read_bytes()
    if not data:
        raise UserError(f"{path}: the file is empty; record or pick a WAV file with sound in it.")
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        samples, rate = _decode_wav(path, data)
    else:
        samples, rate = _decode_with_sox(path)
    if samples.size == 0:
        raise UserError(f"{path}: the recording holds no samples.")
    mono = resample(samples, rate, SAMPLE_RATE)
    return to_pcm16(mono)


def to_pcm16(samples: FloatArray) -> bytes:
    """Float samples in [-1, 1] to little-endian int16 bytes (clipped)."""
    clipped = np.clip(samples, -1.0, 32767 / 32768)
    return (clipped * 32768.0).astype("<i2").tobytes()


def _decode_wav(path: Path, data: bytes) -> tuple[FloatArray, int]:
    fmt: tuple[int, int, int, int] | None = None
    payload: bytes | None = None
    pos = 12
    while pos + 8 <= len(data):
        chunk_id = data[pos : pos + 4]
        (size,) = struct.unpack_from("<I", data, pos + 4)
        body = data[pos + 8 : pos + 8 + size]
        if chunk_id == b"fmt ":
            if len(body) < 16:
                raise UserError(f"{path}: the WAV header is damaged (short 'fmt' chunk).")
            tag, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", body)
            if tag == _EXTENSIBLE and len(body) >= 26:
                (tag,) = struct.unpack_from("<H", body, 24)
            fmt = (tag, channels, rate, bits)
        elif chunk_id == b"data":
            payload = body
        pos += 8 + size + (size & 1)
    if fmt is None or payload is None:
        raise UserError(f"{path}: not a usable WAV file (no 'fmt' or 'data' chunk).")
    tag, channels, rate, bits = fmt
    if channels < 1 or rate < 1000:
        raise UserError(f"{path}: the WAV header is damaged ({channels} channels at {rate} Hz).")
    samples = _samples(path, payload, tag, bits)
    usable = samples.size - samples.size % channels
    frames = samples[:usable].reshape(-1, channels)
    return frames.mean(axis=1).astype(np.float32), rate


def _samples(path: Path, payload: bytes, tag: int, bits: int) -> FloatArray:
    if tag == _PCM and bits == 8:
        raw = np.frombuffer(payload, dtype=np.uint8)
        out: FloatArray = ((raw.astype(np.float32) - 128.0) / 128.0).astype(np.float32)
        return out
    if tag == _PCM and bits == 16:
        raw16 = np.frombuffer(payload[: len(payload) // 2 * 2], dtype="<i2")
        return (raw16.astype(np.float32) / 32768.0).astype(np.float32)
    if tag == _PCM and bits == 24:
        usable = len(payload) // 3 * 3
        b = np.frombuffer(payload[:usable], dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        value = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        value = np.where(value >= 1 << 23, value - (1 << 24), value)
        return (value.astype(np.float32) / float(1 << 23)).astype(np.float32)
    if tag == _PCM and bits == 32:
        raw32 = np.frombuffer(payload[: len(payload) // 4 * 4], dtype="<i4")
        return (raw32.astype(np.float64) / float(1 << 31)).astype(np.float32)
    if tag == _FLOAT and bits in (32, 64):
        dtype = "<f4" if bits == 32 else "<f8"
        size = bits // 8
        rawf = np.frombuffer(payload[: len(payload) // size * size], dtype=dtype)
        cleaned: FloatArray = np.nan_to_num(rawf).astype(np.float32)
        return cleaned
    raise UserError(
        f"{path}: unsupported WAV sample format (format tag {tag}, {bits} bits); "
        "convert it to 16-bit PCM, e.g. 'sox IN -b 16 OUT.wav'."
    )


def _decode_with_sox(path: Path) -> tuple[FloatArray, int]:
    sox = shutil.which("sox")
    if sox is None:
        raise UserError(f"{path}: not a WAV file; give a WAV recording (or install sox).")
    cmd = [sox, "-V0", str(path), "-t", "raw", "-r", str(SAMPLE_RATE), "-c", "1",
           "-b", "16", "-e", "signed-integer", "-L", "-"]
    done = subprocess.run(cmd, capture_output=True, check=False, timeout=120)
    if done.returncode != 0 or not done.stdout:
        raise UserError(f"{path}: not an audio file this program can read; give a WAV recording.")
    raw = np.frombuffer(done.stdout[: len(done.stdout) // 2 * 2], dtype="<i2")
    return (raw.astype(np.float32) / 32768.0).astype(np.float32), SAMPLE_RATE


def _lowpass_taps(cutoff: float, width: int = 32) -> FloatArray:
    """Windowed-sinc low-pass; ``cutoff`` is a fraction of the input rate (0..0.5)."""
    n = np.arange(-width, width + 1, dtype=np.float64)
    taps = 2 * cutoff * np.sinc(2 * cutoff * n) * np.blackman(n.size)
    out: FloatArray = (taps / taps.sum()).astype(np.float32)
    return out


def resample(samples: FloatArray, src_rate: int, dst_rate: int) -> FloatArray:
    """Whole-signal rate conversion (anti-aliased when going down)."""
    if src_rate == dst_rate:
        same: FloatArray = samples.astype(np.float32)
        return same
    return Resampler(src_rate, dst_rate).process(samples, final=True)


class Resampler:
    """Streaming rate converter: low-pass when decimating, then linear interpolation.

    Feed blocks of any size; the output is continuous across blocks.
    """

    def __init__(self, src_rate: int, dst_rate: int) -> None:
        self.src_rate = src_rate
        self.dst_rate = dst_rate
        self._step = src_rate / dst_rate
        self._taps = (
            _lowpass_taps(0.45 * dst_rate / src_rate) if dst_rate < src_rate else None
        )
        half = 0 if self._taps is None else (self._taps.size - 1) // 2
        self._history = np.zeros(2 * half, dtype=np.float32)
        self._pending = np.zeros(0, dtype=np.float32)  # filtered, not yet interpolated
        self._pos = 0.0  # next output position, in input samples, relative to _pending[0]
        self._half = half

    def process(self, block: FloatArray, final: bool = False) -> FloatArray:
        block = block.astype(np.float32)
        if self._taps is not None:
            if final:
                block = np.concatenate([block, np.zeros(self._half, dtype=np.float32)])
            joined = np.concatenate([self._history, block])
            filtered = np.convolve(joined, self._taps, mode="valid").astype(np.float32)
            self._history = joined[joined.size - 2 * self._half :] if self._half else joined[:0]
        else:
            filtered = block
        buf = np.concatenate([self._pending, filtered])
        if buf.size < 2:
            self._pending = buf
            return np.zeros(0, dtype=np.float32)
        limit = buf.size - 1 if not final else buf.size - 1 + 1e-9
        count = int(np.floor((limit - self._pos) / self._step)) + 1 if limit >= self._pos else 0
        positions = self._pos + self._step * np.arange(count)
        positions = positions[positions <= buf.size - 1]
        out: FloatArray = np.interp(positions, np.arange(buf.size), buf).astype(np.float32)
        next_pos = self._pos + self._step * positions.size
        drop = min(int(np.floor(next_pos)), buf.size)
        self._pending = buf[drop:]
        self._pos = next_pos - drop
        return out
