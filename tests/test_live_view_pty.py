"""``voice-guide run`` by voice in a real pseudo-terminal shows the live view; with its
output going to a pipe it prints the plain transcript. Audio runs on a private
PulseAudio server (null sinks), speech is espeak-ng, recognition pocketsphinx."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from voice_guide.testing.pulse import private_pulse

REPO = Path(__file__).resolve().parent.parent
HANG_GUARD_S = 90.0

ROUTINE = """\
schema_version: 1
id: live-test
title: Live test
description: A one-step routine for the live view tests.
introduction:
  - Hello.
safety:
  - Be gentle.
closing:
  - Done.
steps:
  - id: warm-up
    title: Warm up
    instructions:
      - Rest your hands.
    duration: {min_s: %(seconds)d, max_s: %(seconds)d}
    pressure: light
    area: back
    technique: resting
"""

ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b.")


def write_routine(tmp_path: Path, seconds: int) -> Path:
    path = tmp_path / "live-test.yaml"
    path.write_text(ROUTINE % {"seconds": seconds}, encoding="utf-8")
    return path


def command(routine: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "voice_guide", "run", str(routine), "--engine", "pocketsphinx",
            "--no-log", *extra]


def screen_text(raw: bytes) -> str:
    return ESCAPES.sub("", raw.decode("utf-8", "replace"))


def test_voice_run_in_a_terminal_shows_the_live_view(tmp_path: Path) -> None:
    routine = write_routine(tmp_path, seconds=60)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 80, 0, 0))
    with private_pulse() as pulse:
        env = dict(pulse.env, TERM="xterm-256color", COLUMNS="80", LINES="30")
        proc = subprocess.Popen(command(routine), stdin=subprocess.DEVNULL, stdout=slave,
                                stderr=slave, env=env, cwd=REPO, start_new_session=True)
        os.close(slave)
        raw = b""
        deadline = time.monotonic() + HANG_GUARD_S
        try:
            while time.monotonic() < deadline:
                ready, _, _ = select.select([master], [], [], 1.0)
                if ready:
                    try:
                        raw += os.read(master, 65536)
                    except OSError:  # the child closed the terminal
                        break
                screen = screen_text(raw)
                if "Step 1 of 1 · Warm up" in screen and "● listening" in screen:
                    break
                if proc.poll() is not None:
                    break
            proc.send_signal(signal.SIGINT)
            code = proc.wait(HANG_GUARD_S)
            while True:
                ready, _, _ = select.select([master], [], [], 0.5)
                if not ready:
                    break
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                raw += chunk
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            os.close(master)
    screen = screen_text(raw)
    assert "Step 1 of 1 · Warm up" in screen, screen
    assert "● listening" in screen, screen
    assert "Live test" in screen and "Session" in screen and "Mic" in screen, screen
    assert "== step 1/1" not in screen, "the plain transcript was printed under the live view"
    assert code == 130, screen
    assert "\x1b[?25h" in raw.decode("utf-8", "replace"), "the cursor was not shown again"


def test_voice_run_into_a_pipe_prints_the_plain_transcript(tmp_path: Path) -> None:
    routine = write_routine(tmp_path, seconds=2)
    with private_pulse() as pulse:
        done = subprocess.run(command(routine), stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=HANG_GUARD_S, cwd=REPO,
                              env=dict(pulse.env, TERM="xterm-256color"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "== step 1/1: Warm up" in done.stdout, done.stdout
    assert "guide: Rest your hands." in done.stdout, done.stdout
    assert "== session completed" in done.stdout, done.stdout
    assert "\x1b" not in done.stdout
    assert "● listening" not in done.stdout
