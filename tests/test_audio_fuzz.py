"""Fuzzing the audio file reader: random bytes, real recordings cut short or with bytes
changed, and headers that claim absurd sizes, rates and channel counts. Whatever the file,
``read_audio`` returns audio or raises UserError (one line naming the file); nothing else
escapes, nothing hangs, and memory stays bounded. The cases run in a child process so its
peak memory can be measured and a hang cannot stall the test run."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SEED = 20261124
CASES_PER_KIND = 60
MAX_PEAK_KB = 400_000  # the child's peak RSS; measured ~110 MB
HANG_GUARD_S = 300.0
MAX_ADDRESS_SPACE = 3 << 30  # the child cannot grow past 3 GiB (a reader of /dev/zero would)


def _riff(chunks: list[tuple[bytes, bytes]], riff_size: int | None = None) -> bytes:
    body = b"WAVE" + b"".join(cid + struct.pack("<I", len(data)) + data + b"\0" * (len(data) & 1)
                              for cid, data in chunks)
    return b"RIFF" + struct.pack("<I", len(body) if riff_size is None else riff_size) + body


def _fmt(tag: int, channels: int, rate: int, bits: int, block: int | None = None) -> bytes:
    align = block if block is not None else max(1, channels * bits // 8) & 0xFFFF
    return struct.pack("<HHIIHH", tag, channels & 0xFFFF, rate & 0xFFFFFFFF,
                       (rate * align) & 0xFFFFFFFF, align, bits & 0xFFFF)


def _real_files(root: Path) -> list[bytes]:
    import soundfile

    t = np.arange(8000) / 16000
    tone = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    out = []
    for i, (subtype, fmt, channels, rate) in enumerate([
        ("PCM_16", "WAV", 1, 16000), ("PCM_24", "WAV", 2, 44100), ("FLOAT", "WAV", 1, 22050),
        ("PCM_U8", "WAV", 1, 8000), ("PCM_16", "WAVEX", 2, 48000), ("PCM_16", "FLAC", 1, 16000),
    ]):
        path = root / f"real{i}.{'flac' if fmt == 'FLAC' else 'wav'}"
        soundfile.write(path, np.repeat(tone[:, None], channels, axis=1), rate, subtype, format=fmt)
        out.append(path.read_bytes())
    return out


def _huge_headers() -> list[bytes]:
    pcm = b"\x01\x00" * 400
    return [
        _riff([(b"fmt ", _fmt(1, 65535, 16000, 16)), (b"data", pcm)]),
        _riff([(b"fmt ", _fmt(1, 1, 0xFFFFFFFF, 16)), (b"data", pcm)]),
        _riff([(b"fmt ", _fmt(1, 1, 16000, 0xFFFF)), (b"data", pcm)]),
        _riff([(b"fmt ", _fmt(3, 1, 16000, 64)), (b"data", b"\xff" * 800)]),  # all NaN
        _riff([(b"fmt ", _fmt(1, 1, 1, 16)), (b"data", pcm)]),
        _riff([(b"fmt ", _fmt(1, 0, 16000, 16)), (b"data", pcm)]),
        _riff([(b"fmt ", _fmt(1, 1, 16000, 16, block=0)), (b"data", pcm)]),
        _riff([(b"fmt ", _fmt(0xFFFE, 8, 16000, 16))]),
        _riff([(b"fmt ", _fmt(1, 1, 16000, 16))], riff_size=0xFFFFFFFF)
        + b"data" + struct.pack("<I", 0xFFFFFFF0) + pcm,  # claims 4 GB of samples
        b"RIFF" + struct.pack("<I", 36) + b"WAVE" + b"fmt " + struct.pack("<I", 0xFFFFFFF0)
        + _fmt(1, 1, 16000, 16),
        _riff([(b"LIST", b"x" * 4)] * 5000 + [(b"fmt ", _fmt(1, 1, 16000, 16)),
                                              (b"data", pcm)]),
        b"RIFF\xff\xff\xff\xffWAVE",
        b"RF64" + b"\xff" * 4 + b"WAVEds64" + struct.pack("<I", 28) + b"\xff" * 28,
        b"fLaC" + b"\0" * 60,
        b"OggS" + b"\0" * 60,
        b"ID3" + b"\xff" * 60,
    ]


def fuzz(root: str) -> dict[str, object]:
    """Run every case; returns counts and anything that escaped other than UserError."""
    from voice_guide.audio.wav_input import decode_wav_bytes, read_audio
    from voice_guide.errors import UserError

    base = Path(root)
    rng = np.random.default_rng(SEED)
    cases: list[bytes] = []
    for _ in range(CASES_PER_KIND):
        cases.append(rng.bytes(int(rng.integers(0, 4096))))
        cases.append(b"RIFF" + rng.bytes(4) + b"WAVE" + rng.bytes(int(rng.integers(0, 512))))
    for data in _real_files(base):
        for _ in range(CASES_PER_KIND // 3):
            cases.append(data[: int(rng.integers(0, len(data)))])  # cut anywhere
            changed = bytearray(data)
            for _ in range(int(rng.integers(1, 9))):  # a few bytes changed, mostly the header
                at = int(rng.integers(0, 80 if rng.random() < 0.7 else len(data)))
                changed[at] = int(rng.integers(0, 256))
            cases.append(bytes(changed))
    cases += _huge_headers()
    escaped: list[str] = []
    counts = {"audio": 0, "refused": 0}
    path = base / "case.wav"
    for i, data in enumerate(cases):
        path.write_bytes(data)
        try:
            read_audio(path)
            counts["audio"] += 1
        except UserError as err:
            text = str(err)
            if not text.startswith(f"{path}: ") or "\n" in text:
                escaped.append(f"case {i}: badly worded: {text!r}")
            counts["refused"] += 1
        except Exception as err:  # noqa: BLE001 - what the test looks for
            escaped.append(f"case {i}: {type(err).__name__}: {err}")
        try:
            decode_wav_bytes(data)
        except ValueError:
            pass
        except Exception as err:  # noqa: BLE001
            escaped.append(f"case {i} (in memory): {type(err).__name__}: {err}")
    os.mkfifo(base / "pipe.wav")  # no writer: opening it would block for ever
    (base / "zero.wav").symlink_to("/dev/zero")
    for special in (Path("/dev/zero"), base / "pipe.wav", base / "zero.wav", base):
        try:
            read_audio(special)
            escaped.append(f"{special}: read as audio")
        except UserError:
            counts["refused"] += 1
        except Exception as err:  # noqa: BLE001
            escaped.append(f"{special}: {type(err).__name__}: {err}")
    # VmHWM, not ru_maxrss: after fork and exec, ru_maxrss still counts the parent's size.
    status = Path("/proc/self/status").read_text()
    peak = int(status.split("VmHWM:")[1].split()[0])
    return {"cases": len(cases), **counts, "escaped": escaped, "peak_kb": peak}


def test_reader_fuzz_only_user_errors(tmp_path: Path) -> None:
    code = ("import json, resource, sys\n"
            f"resource.setrlimit(resource.RLIMIT_AS, ({MAX_ADDRESS_SPACE}, {MAX_ADDRESS_SPACE}))\n"
            "from tests.test_audio_fuzz import fuzz\n"
            "print(json.dumps(fuzz(sys.argv[1])))\n")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=REPO,
                          capture_output=True, text=True, timeout=HANG_GUARD_S)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["escaped"] == [], result["escaped"][:20]
    assert result["refused"] > 100 and result["audio"] > 10, result
    assert result["peak_kb"] < MAX_PEAK_KB, result
