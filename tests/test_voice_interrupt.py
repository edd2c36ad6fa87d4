"""Ctrl-C during a live voice session (``voice-guide run``, pocketsphinx, private PulseAudio):
the process ends within a few seconds with exit code 130, says it stopped, and prints no
traceback. A process that hung while joining a worker thread or closing an audio stream would
not exit in time."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from voice_guide.testing.pulse import private_pulse

REPO = Path(__file__).resolve().parent.parent


def test_ctrl_c_ends_a_voice_session_cleanly(tmp_path: Path) -> None:
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
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=15)
            took = time.monotonic() - interrupted
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    transcript = "\n".join([*lines, out])
    assert proc.returncode == 130, f"exit {proc.returncode}\n{transcript}\n{err}"
    assert "Traceback" not in err and "Traceback" not in out, err
    assert "stopped." in out + err
    assert took < 8.0, f"took {took:.1f} s to stop"
    print(transcript, err, sep="\n")
