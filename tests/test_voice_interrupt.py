"""Ctrl-C (or SIGTERM) during a live voice session (``voice-guide run``, pocketsphinx, private
PulseAudio): the process ends within a few seconds with exit code 130 (143), says it stopped,
prints no traceback, and the session log marks the session "ended early". A process that hung while joining a worker thread or closing an audio stream would
not exit in time."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from voice_guide.history import query
from voice_guide.testing.pulse import private_pulse

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("sig", "code", "reason"), [
    (signal.SIGINT, 130, "stopped with Ctrl-C"),
    (signal.SIGTERM, 143, "stopped by a signal (SIGTERM)"),
])
def test_ctrl_c_ends_a_voice_session_cleanly(tmp_path: Path, sig: signal.Signals, code: int,
                                             reason: str) -> None:
    with private_pulse() as pulse:
        env = dict(pulse.env, PYTHONUNBUFFERED="1", VOICE_GUIDE_DB=str(tmp_path / "log.sqlite"))
        proc = subprocess.Popen(
            [sys.executable, "-m", "voice_guide", "run", "back-massage", "--engine",
             "pocketsphinx"],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            assert proc.stdout is not None
            lines: list[str] = []
            deadline = time.monotonic() + 40.0
            while time.monotonic() < deadline:  # wait until the guide is talking
                line = proc.stdout.readline()
                if not line:
                    break
                lines.append(line.rstrip("\n"))
                if line.startswith("guide: "):
                    break
            assert any(line.startswith("guide: ") for line in lines), "\n".join(lines)
            time.sleep(1.0)  # mid-sentence, with every worker running
            interrupted = time.monotonic()
            proc.send_signal(sig)
            out, err = proc.communicate(timeout=15)
            took = time.monotonic() - interrupted
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    transcript = "\n".join([*lines, out])
    assert proc.returncode == code, f"exit {proc.returncode}\n{transcript}\n{err}"
    assert "Traceback" not in err and "Traceback" not in out, err
    assert "stopped." in out + err
    assert took < 8.0, f"took {took:.1f} s to stop"
    with sqlite3.connect(tmp_path / "log.sqlite") as raw:  # the user ended it: not cut off
        (row,) = query.sessions(raw)
    assert row.status == "ended early" and row.end_reason == reason
    assert row.mode == "voice"
    print(transcript, err, sep="\n")
