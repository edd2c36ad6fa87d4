"""``listen --file`` reads a recording block by block: peak memory does not grow with its
length (before, a one-hour 44.1 kHz stereo file took 8.4 GB)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import soundfile

RATE = 44_100
# Measured peak RSS of the whole `listen` process with pocketsphinx: ~150 MB either way.
MAX_PEAK_KB = 400_000
MAX_GROWTH_KB = 25_000
_PEAK = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
    "assert done.returncode == 0, done.stderr.decode()\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def _write_long(path: Path, seconds: int) -> Path:
    """Silence with a faint noise floor and a louder noise burst every 30 s, written a
    second at a time (44.1 kHz stereo, 16-bit)."""
    rng = np.random.default_rng(1)
    with soundfile.SoundFile(path, "w", RATE, 2, "PCM_16") as out:
        for second in range(seconds):
            block = rng.normal(0, 0.0005, (RATE, 2))
            if second % 30 == 5:
                block += rng.normal(0, 0.05, (RATE, 2))
            out.write(block.astype(np.float32))
    return path


def _peak_kb(wav: Path) -> int:
    cmd = [sys.executable, "-m", "voice_guide", "listen", "--file", str(wav),
           "--engine", "pocketsphinx"]
    done = subprocess.run([sys.executable, "-c", _PEAK, *cmd], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip())


def test_listen_file_memory_stays_flat(tmp_path: Path) -> None:
    short = _peak_kb(_write_long(tmp_path / "short.wav", 20))
    long = _peak_kb(_write_long(tmp_path / "long.wav", 600))  # 10 minutes, 106 MB
    assert long < MAX_PEAK_KB, f"peak {long} kB for 10 minutes"
    assert long - short < MAX_GROWTH_KB, f"20 s: {short} kB, 10 min: {long} kB"
