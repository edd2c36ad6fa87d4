"""How a `run --text` session starts and ends, with real processes and real signals:
bad bytes on stdin, a command flood, end of input, Ctrl-C, SIGTERM, SIGKILL, then
`--resume` and `--from-step`; and bad start options."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from voice_guide.cli.main import main
from voice_guide.history import query

ROOT = Path(__file__).resolve().parent.parent
HANG_S = 120


def start(db: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "VOICE_GUIDE_DB": str(db), "PYTHONUNBUFFERED": "1",
           "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8",
           # as under a desktop UTF-8 locale (en_US.UTF-8): stdin decodes strictly
           "PYTHONIOENCODING": "utf-8:strict", "PYTHONUTF8": "0"}
    return subprocess.Popen([sys.executable, "-m", "voice_guide", "run", "--text", *args],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=ROOT, env=env)


def wait_for(proc: subprocess.Popen[bytes], text: str) -> list[str]:
    """Read the output until a line holds ``text``; the lines read."""
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + HANG_S
    while time.monotonic() < deadline:
        line = proc.stdout.readline().decode("utf-8", "replace")
        if not line:
            break
        lines.append(line)
        if text in line:
            return lines
    raise AssertionError(f"never saw {text!r}:\n{''.join(lines)}")


def type_line(proc: subprocess.Popen[bytes], data: bytes) -> None:
    assert proc.stdin is not None
    proc.stdin.write(data)
    proc.stdin.flush()


def last_session(db: Path) -> query.SessionRow:
    with sqlite3.connect(db) as raw:
        return query.sessions(raw)[-1]


def test_a_non_utf8_byte_does_not_stop_typed_commands(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite"
    proc = start(db)
    wait_for(proc, "== step 1/17")
    type_line(proc, b"\xff\xfe bad\n")
    assert "not a command: '\ufffd\ufffd bad'" in wait_for(proc, "not a command")[-1]
    type_line(proc, b"where am i\n")
    wait_for(proc, "you: \"where am i\"")
    type_line(proc, b"quit\n")
    wait_for(proc, "End the session?")
    type_line(proc, b"yes\n")
    out, err = proc.communicate(timeout=HANG_S)
    assert proc.returncode == 0, err
    assert b"== session ended early" in out and b"Traceback" not in err
    assert last_session(db).status == "ended early"


def test_a_flood_of_typed_commands_does_not_hold_up_quit(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite"
    proc = start(db, "--time-scale", "50")
    flood = b"where am i\n" * 100_000 + b"quit\nyes\n"
    out, err = proc.communicate(flood, timeout=HANG_S)  # the hang guard, not a timing test
    assert proc.returncode == 0, err
    assert b"== session ended early" in out
    assert out.count(b"you: \"where am i\"") < 100_000  # coalesced, not queued
    assert last_session(db).status == "ended early"


def test_end_of_input_ends_the_session_early(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite"
    proc = start(db)
    out, err = proc.communicate(b"", timeout=HANG_S)
    assert proc.returncode == 0 and b"Input closed" in out
    row = last_session(db)
    assert row.status == "ended early" and row.end_reason == "input closed"


@pytest.mark.parametrize(("sig", "code", "reason"), [
    (signal.SIGINT, 130, "stopped with Ctrl-C"),
    (signal.SIGTERM, 143, "stopped by a signal (SIGTERM)"),
])
def test_ctrl_c_and_sigterm_end_the_session_early(tmp_path: Path, sig: signal.Signals,
                                                  code: int, reason: str) -> None:
    db = tmp_path / "log.sqlite"
    proc = start(db)
    wait_for(proc, "== step 1/17")
    type_line(proc, b"step 2\n")
    wait_for(proc, "== step 2/17")
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=HANG_S)
    assert proc.returncode == code, err
    assert b"stopped." in err and b"Traceback" not in err
    assert b"Light massage" in out  # the step table, printed on the way out
    row = last_session(db)
    assert row.status == "ended early" and row.end_reason == reason
    assert row.last_position == 2


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGHUP])  # power cut; closed terminal
def test_a_killed_session_is_interrupted_and_resumes_where_it_stopped(
        tmp_path: Path, sig: signal.Signals) -> None:
    db = tmp_path / "log.sqlite"
    proc = start(db)
    wait_for(proc, "== step 1/17")
    type_line(proc, b"step 3\n")
    wait_for(proc, "== step 3/17")
    proc.send_signal(sig)  # no chance to say goodbye
    proc.communicate(timeout=HANG_S)
    assert proc.returncode == -sig
    killed = last_session(db)
    assert killed.status == "interrupted" and killed.last_position == 3

    again = start(db, "--resume")
    out, err = again.communicate(b"", timeout=HANG_S)  # input ends at once: just the start
    assert again.returncode == 0, err
    text = out.decode()
    assert "Welcome back" in text
    steps = [line for line in text.splitlines() if "== step " in line]
    assert steps and "== step 3/17" in steps[0]  # nothing before it was run again
    resumed = last_session(db)
    assert resumed.resumed_from == killed.id and resumed.start_position == 3


def test_history_lists_each_way_a_session_can_end(capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite"
    assert main(["simulate", "--log", "--db", str(db)]) == 0  # completed
    proc = start(db)
    wait_for(proc, "== step 1/17")
    proc.kill()  # interrupted
    proc.communicate(timeout=HANG_S)
    proc = start(db, "--resume")
    proc.communicate(b"", timeout=HANG_S)  # ended early (input closed), resumed from 2
    capsys.readouterr()
    assert main(["history", "--db", str(db)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].endswith("completed") and lines[2].endswith("interrupted")
    assert lines[3].endswith("ended early (resumed 2)")


def test_from_step_starts_anywhere(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite"
    proc = start(db, "--from-step", "5")
    out, err = proc.communicate(b"", timeout=HANG_S)
    assert proc.returncode == 0, err
    steps = [line for line in out.decode().splitlines() if "== step " in line]
    assert "== step 5/17" in steps[0] and b"Welcome back" not in out
    assert last_session(db).start_position == 5


@pytest.mark.parametrize(("args", "message"), [
    (["--from-step", "18"], "--from-step 18: 'back-massage' has steps 1 to 17"),
    (["--from-step", "0"], "--from-step 0: 'back-massage' has steps 1 to 17"),
    (["--time-scale", "inf"], "--time-scale inf: give a finite number more than 0"),
    (["--time-scale", "nan"], "--time-scale nan: give a finite number more than 0"),
    (["--time-scale", "-2"], "--time-scale -2.0: give a finite number more than 0"),
    (["--time-scale", "0"], "--time-scale 0.0: give a finite number more than 0"),
    (["--resume", "--from-step", "2"], "not allowed with argument"),
])
def test_bad_start_options_are_one_sentence(capsys: pytest.CaptureFixture[str],
                                            args: list[str], message: str) -> None:
    assert main(["run", "--text", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert err.count("voice-guide:") == 1


def test_resume_with_nothing_to_resume(capsys: pytest.CaptureFixture[str],
                                       tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite"
    assert main(["run", "--text", "--resume", "--db", str(db)]) == 1
    assert "no session log yet" in capsys.readouterr().err
    assert main(["simulate", "--log", "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["run", "--text", "--resume", "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "the last session of 'back-massage' (session 1) was completed" in err
    assert err.count("\n") == 1


def test_no_log_writes_nothing_but_still_prints_the_table(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite"
    proc = start(db, "--no-log", "--from-step", "2")
    out, err = proc.communicate(b"", timeout=HANG_S)
    assert proc.returncode == 0, err
    assert b"Light massage of the whole back" in out.split(b"Input closed")[-1]
    assert b"timed steps on target" in out and b"history show" not in out
    assert not db.exists()


def test_a_failed_start_leaves_no_session_and_resume_passes_over_empty_ones(
        tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite"
    proc = start(db, "--from-step", "2")
    wait_for(proc, "== step 2/17")
    proc.kill()  # a real session, interrupted at step 2
    proc.communicate(timeout=HANG_S)
    real = last_session(db)
    assert real.status == "interrupted" and real.last_position == 2

    env = {**os.environ, "VOICE_GUIDE_DB": str(db), "LC_ALL": "C.UTF-8"}
    with open("/dev/full", "wb") as full:  # fails before its first step: output cannot be written
        failed = subprocess.run([sys.executable, "-m", "voice_guide", "run", "--text"],
                                stdin=subprocess.DEVNULL, stdout=full, stderr=subprocess.PIPE,
                                cwd=ROOT, env=env, timeout=HANG_S, check=False)
    assert failed.returncode == 1 and b"cannot write the output" in failed.stderr
    with sqlite3.connect(db) as raw:
        assert [r.id for r in query.sessions(raw)] == [real.id]  # no row for the failed start
        # a failed start logged by an older voice-guide: a session row without steps
        raw.execute("INSERT INTO sessions (routine_id, routine_title, mode, started_at) "
                    "VALUES ('back-massage', 'Back massage', 'voice', '2026-01-01T00:00:00')")

    again = start(db, "--resume")
    out, err = again.communicate(b"", timeout=HANG_S)
    assert again.returncode == 0, err
    steps = [line for line in out.decode().splitlines() if "== step " in line]
    assert steps and "== step 2/17" in steps[0]
    resumed = last_session(db)
    assert resumed.resumed_from == real.id and resumed.start_position == 2
