"""read_audio: any WAV layout to 16 kHz mono int16; clear errors for bad files."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest
from audio_synth import RATE, write_wav

from voice_guide.audio.wav_input import Resampler, read_audio
from voice_guide.errors import UserError


def _tone(seconds: float = 1.0, rate: int = RATE, freq: float = 440.0) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def _raw_wav(path: Path, data: bytes, tag: int, channels: int, rate: int, bits: int) -> Path:
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", tag, channels, rate, rate * block, block, bits)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", len(data)) + data
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    return path


def _pcm_to_float(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768


@pytest.mark.parametrize("rate,channels", [(16000, 1), (44100, 2), (8000, 1), (48000, 2)])
def test_int16_any_rate_and_channels(tmp_path: Path, rate: int, channels: int) -> None:
    path = write_wav(tmp_path / "t.wav", _tone(), rate=rate, channels=channels)
    out = _pcm_to_float(read_audio(path))
    assert abs(out.size - RATE) <= 40
    spectrum = np.abs(np.fft.rfft(out[1000:9000]))
    peak_hz = np.argmax(spectrum) * RATE / 8000
    assert abs(peak_hz - 440) < 10
    assert 0.3 < np.max(np.abs(out)) < 0.6


@pytest.mark.parametrize("bits,tag", [(8, 1), (24, 1), (32, 1), (32, 3), (64, 3)])
def test_other_sample_formats(tmp_path: Path, bits: int, tag: int) -> None:
    tone = _tone(0.5, 22050).astype(np.float64)
    if tag == 3:
        data = tone.astype("<f4" if bits == 32 else "<f8").tobytes()
    elif bits == 8:
        data = np.round(tone * 127 + 128).astype(np.uint8).tobytes()
    elif bits == 24:
        ints = np.round(tone * (2**23 - 1)).astype("<i4").tobytes()
        data = b"".join(ints[i : i + 3] for i in range(0, len(ints), 4))
    else:
        data = np.round(tone * (2**31 - 1)).astype("<i4").tobytes()
    path = _raw_wav(tmp_path / "f.wav", data, tag, 1, 22050, bits)
    out = _pcm_to_float(read_audio(path))
    assert abs(out.size - RATE // 2) <= 40
    assert 0.4 < np.max(np.abs(out)) < 0.6


def test_streaming_resampler_matches_whole_signal() -> None:
    tone = _tone(1.0, 44100)
    whole = Resampler(44100, RATE).process(tone, final=True)
    r = Resampler(44100, RATE)
    pieces = [r.process(tone[i : i + 1234]) for i in range(0, tone.size, 1234)]
    streamed = np.concatenate(pieces)
    n = min(whole.size, streamed.size)
    assert n > RATE - 50
    assert np.max(np.abs(whole[:n] - streamed[:n])) < 1e-4


def test_missing_empty_and_not_audio(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such audio file"):
        read_audio(tmp_path / "nope.wav")
    (tmp_path / "empty.wav").write_bytes(b"")
    with pytest.raises(UserError, match="empty"):
        read_audio(tmp_path / "empty.wav")
    (tmp_path / "notes.wav").write_text("this is text, not sound\n" * 20)
    with pytest.raises(UserError, match="not"):
        read_audio(tmp_path / "notes.wav")
    _raw_wav(tmp_path / "odd.wav", b"\0" * 100, 2, 1, 16000, 4)  # ADPCM: unsupported
    with pytest.raises(UserError, match="unsupported WAV sample format"):
        read_audio(tmp_path / "odd.wav")
    with pytest.raises(UserError, match="directory"):
        read_audio(tmp_path)
