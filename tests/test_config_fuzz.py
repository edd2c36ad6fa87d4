"""Fuzz-style test of the settings reader: random and hostile TOML gives UserError or valid
settings, nothing else, without hanging and with bounded memory."""

from __future__ import annotations

import random
import time
import tracemalloc
from pathlib import Path

from voice_guide.config.model import KEYS, UserSettings
from voice_guide.config.read import MAX_BYTES, load_settings
from voice_guide.errors import UserError

TOKENS = [*KEYS, "volum", "=", " ", "\n", "#", '"', "'", "'''", '"""', "[", "]", "[[", "]]",
          "{", "}", ",", ".", "0.5", "150", "-1", "1e400", "nan", "inf", "true", "false",
          "0x1F", "1979-05-27T07:32:00Z", "\\u0000", "\\", "\x1b[2J", "\t", "\r\n", "é", "\u202e",
          "a.b.c", "𝄞", "\x00", "\x7f"]

HOSTILE = [
    "volume = " + "[" * 20_000,
    "x = " + "{a = " * 5_000,
    "words_per_minute = " + "9" * 30_000,
    'voice = "' + "a" * 60_000 + '"',
    "[" * 30_000,
    "a." * 20_000 + "b = 1",
    "volume = 0.5\n" * 4_000,
    'engine = """' + "\n" * 50_000,
    "\ufeffvolume = 0.5\n",
    "earcons = true\nearcons = false\n",
]


def _check(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    try:
        result = load_settings(path)
    except UserError as err:
        assert str(err).startswith(str(path)), str(err)[:200]
        assert "\x1b" not in str(err) and "\x00" not in str(err)
        return
    assert isinstance(result, UserSettings)


def test_random_and_hostile_settings_files(tmp_path: Path) -> None:
    rng = random.Random(20261124)
    path = tmp_path / "settings.toml"
    cases: list[bytes] = [text.encode("utf-8") for text in HOSTILE]
    for _ in range(1500):
        cases.append("".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 40))).encode(
            "utf-8", "surrogatepass"))
    for _ in range(300):
        cases.append(rng.randbytes(rng.randint(0, 300)))
    for _ in range(300):  # valid lines with one token changed
        key = rng.choice(KEYS)
        value = rng.choice(["0.5", "150", "true", '"auto"', '"USB"', "[1]", "{}", '""', "-0"])
        cases.append(f"{key} = {value}\n".encode())
    tracemalloc.start()
    started = time.monotonic()
    try:
        for data in cases:
            _check(path, data[: MAX_BYTES * 2])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 120  # a hang guard, not a timing assertion
    assert peak < 64 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
