"""Reading audio files and converting them to what every recognizer takes.

Files are decoded by libsndfile (``soundfile``: WAV of any sample format, also
WAVE_FORMAT_EXTENSIBLE and RF64, FLAC, Ogg/Opus, MP3, AIFF, ...), a block at a time,
mixed to mono and converted to 16 kHz by libsoxr, so memory stays flat however long
the recording is. ``AudioFile`` is an :class:`voice_guide.ports.AudioIn` over a file;
``read_audio`` reads a short file whole. ``decode_wav_bytes`` decodes the WAV a speech
synthesizer hands back in memory, with the same decoder.

Only regular files are opened (not FIFOs, devices or folders) and none larger than
``MAX_AUDIO_BYTES``; a file that is not audio, is cut short, or is damaged gives one
sentence naming it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
import numpy.typing as npt
import soundfile

from voice_guide.audio.convert import Resampler, resample, to_pcm16
from voice_guide.errors import UserError
from voice_guide.ports import SAMPLE_RATE
from voice_guide.safe_files import check_regular_file

__all__ = ["MAX_AUDIO_BYTES", "AudioFile", "Resampler", "decode_wav_bytes", "read_audio",
           "resample", "to_pcm16"]

FloatArray = npt.NDArray[np.float32]

#: Largest audio file read: 4 GB, the most a plain WAV can hold (a 24-bit 96 kHz stereo
#: recording of three hours).
MAX_AUDIO_BYTES = 4_000_000_000
MIN_RATE = 1_000
MAX_RATE = 768_000
MAX_CHANNELS = 64
BLOCK_BYTES = 3_200  # 0.1 s of 16 kHz int16 PCM: the size of every block handed out
_READ_S = 0.1  # input read per step
_WHAT = "an audio file"
_HINT = "give a WAV (or FLAC, MP3, Ogg) recording"
# libsndfile's header log says "data : 64000 (should be 31978)" when the file ends early.
_CUT = re.compile(r"^data\s*:\s*(\d+)\s*\(should be (\d+)\)", re.MULTILINE)
_STREAMED = 0x7FFF0000  # sizes from here up are "unknown length" placeholders (streamed WAV)


def _mono(frames: npt.NDArray[Any]) -> FloatArray:
    """2-D float frames (n, channels) to mono float32, NaN/inf made silent."""
    mono = frames.mean(axis=1) if frames.shape[1] > 1 else frames[:, 0]
    out: FloatArray = np.nan_to_num(mono.astype(np.float32, copy=False), nan=0.0,
                                    posinf=0.0, neginf=0.0)
    return np.clip(out, -1.0, 1.0)


def _cut_short(info: str) -> tuple[int, int] | None:
    """(promised, present) data bytes when the header promises more than the file holds."""
    found = _CUT.search(info)
    if found is None:
        return None
    promised, present = int(found.group(1)), int(found.group(2))
    if promised == 0 or promised >= _STREAMED or present >= promised:
        return None
    return promised, present


class AudioFile:
    """A recording read block by block as 16 kHz mono int16 PCM (``BLOCK_BYTES`` a block)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        size = check_regular_file(path, _WHAT, MAX_AUDIO_BYTES)
        if size == 0:
            raise UserError(f"{path}: the file is empty; record or pick a recording with "
                            "sound in it")
        try:
            self._file = soundfile.SoundFile(str(path))
        except (soundfile.SoundFileError, RuntimeError, ValueError, TypeError) as err:
            raise UserError(f"{path}: not an audio file this program can read "
                            f"({_reason(err)}); {_HINT}") from None
        except OSError as err:
            raise UserError(f"{path}: cannot be read ({err.strerror or err}); {_HINT}") from None
        try:
            self._check()
        except UserError:
            self._file.close()
            raise
        self.rate = int(self._file.samplerate)
        self.channels = int(self._file.channels)
        self._closed = False

    def _check(self) -> None:
        f, path = self._file, self.path
        if not MIN_RATE <= f.samplerate <= MAX_RATE or not 1 <= f.channels <= MAX_CHANNELS:
            raise UserError(f"{path}: the audio header is damaged ({f.channels} channels at "
                            f"{f.samplerate} Hz); {_HINT}")
        cut = _cut_short(str(getattr(f, "extra_info", "")))
        if cut is not None:
            promised, present = cut
            raise UserError(f"{path}: the recording is cut short (the header promises "
                            f"{promised} bytes of sound, the file holds {present}); "
                            "copy or export it again")
        if f.frames == 0:
            raise UserError(f"{path}: the recording holds no samples; {_HINT} with sound in it")

    def blocks(self) -> Iterator[bytes]:
        """16 kHz mono int16 PCM, ``BLOCK_BYTES`` at a time (the last block may be shorter)."""
        resampler = Resampler(self.rate, SAMPLE_RATE)
        step = max(1, int(self.rate * _READ_S))
        pending = b""
        while not self._closed:
            try:
                frames = self._file.read(step, dtype="float32", always_2d=True)
            except (soundfile.SoundFileError, RuntimeError, ValueError) as err:
                raise UserError(f"{self.path}: the recording is damaged part way through "
                                f"({_reason(err)}); copy or export it again") from None
            last = frames.shape[0] < step
            pending += to_pcm16(resampler.process(_mono(frames), final=last))
            while len(pending) >= BLOCK_BYTES:
                yield pending[:BLOCK_BYTES]
                pending = pending[BLOCK_BYTES:]
            if last:
                break
        if pending and not self._closed:
            yield pending

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._file.close()

    def __enter__(self) -> AudioFile:
        return self

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def read_audio(path: Path) -> bytes:
    """The whole of a (short) recording as 16 kHz mono int16 PCM; UserError when unreadable."""
    with AudioFile(path) as audio:
        return b"".join(audio.blocks())


def decode_wav_bytes(data: bytes) -> tuple[FloatArray, int]:
    """Mono float samples and the rate of a WAV held in memory (a synthesizer's output).

    Tolerates the "unknown length" sizes ``espeak-ng --stdout`` writes when it streams.
    ValueError when ``data`` is not a WAV stream.
    """
    try:
        with soundfile.SoundFile(io.BytesIO(data)) as f:
            if f.format not in ("WAV", "WAVEX", "RF64"):
                raise ValueError(f"not a WAV stream ({f.format})")
            frames = f.read(dtype="float32", always_2d=True)
            return _mono(frames), int(f.samplerate)
    except (soundfile.SoundFileError, RuntimeError) as err:
        raise ValueError(f"not a usable WAV stream ({_reason(err)})") from None


def _reason(err: BaseException) -> str:
    text = str(err)
    for prefix in ("Error opening ", "Internal format error"):
        if text.startswith(prefix):
            text = text.split(": ", 1)[-1] if ": " in text else text
    return text.strip().rstrip(".") or type(err).__name__
