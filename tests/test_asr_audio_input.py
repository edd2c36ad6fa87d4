"""read_audio: any WAV layout to 16 kHz mono int16; clear errors for bad files."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import numpy as np
import pytest
from audio_synth import RATE, write_wav

from voice_guide.audio.wav_input import BLOCK_BYTES, MAX_AUDIO_BYTES, AudioFile, read_audio
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


def _message(path: Path) -> str:
    with pytest.raises(UserError) as caught:
        read_audio(path)
    text = str(caught.value)
    assert text.startswith(f"{path}: ") and "\n" not in text, text
    return text


def test_missing_empty_and_not_audio(tmp_path: Path) -> None:
    assert "no such file" in _message(tmp_path / "nope.wav")
    (tmp_path / "empty.wav").write_bytes(b"")
    assert "empty" in _message(tmp_path / "empty.wav")
    (tmp_path / "notes.wav").write_text("this is text, not sound\n" * 20)
    assert "not an audio file" in _message(tmp_path / "notes.wav")
    _raw_wav(tmp_path / "odd.wav", b"\0" * 100, 0x55, 1, 16000, 4)  # an unknown format tag
    assert "not an audio file" in _message(tmp_path / "odd.wav")
    assert "folder" in _message(tmp_path)


def test_refuses_devices_fifos_and_huge_files(tmp_path: Path) -> None:
    assert "not a regular file" in _message(Path("/dev/zero"))
    fifo = tmp_path / "pipe.wav"
    os.mkfifo(fifo)
    assert "not a regular file" in _message(fifo)  # refused without opening: no hang
    huge = tmp_path / "huge.wav"
    with huge.open("wb") as f:  # sparse: takes no disk space
        f.truncate(MAX_AUDIO_BYTES + 1)
    assert "more than" in _message(huge)


def test_cut_short_and_header_only(tmp_path: Path) -> None:
    whole = write_wav(tmp_path / "whole.wav", _tone(1.0)).read_bytes()
    (tmp_path / "cut.wav").write_bytes(whole[: len(whole) // 2])
    assert "cut short" in _message(tmp_path / "cut.wav")
    (tmp_path / "head.wav").write_bytes(whole[:44])
    assert "cut short" in _message(tmp_path / "head.wav")
    _raw_wav(tmp_path / "none.wav", b"", 1, 1, 16000, 16)
    assert "no samples" in _message(tmp_path / "none.wav")
    (tmp_path / "part.wav").write_bytes(whole[:30])
    assert "not an audio file" in _message(tmp_path / "part.wav")


def test_reads_flac_too(tmp_path: Path) -> None:
    import soundfile

    soundfile.write(tmp_path / "t.flac", _tone(1.0, 48000), 48000)
    out = _pcm_to_float(read_audio(tmp_path / "t.flac"))
    assert abs(out.size - RATE) <= 40 and 0.4 < np.max(np.abs(out)) < 0.6


def test_blocks_are_fixed_size(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "t.wav", _tone(1.05), rate=44100, channels=2)
    with AudioFile(path) as audio:
        sizes = [len(b) for b in audio.blocks()]
    assert set(sizes[:-1]) == {BLOCK_BYTES} and 0 < sizes[-1] <= BLOCK_BYTES
    assert abs(sum(sizes) // 2 - int(1.05 * RATE)) <= 40
