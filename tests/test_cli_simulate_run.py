"""`voice-guide simulate` and `voice-guide run --text`, used as a user would."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from voice_guide.cli.main import main
from voice_guide.routine.catalog import resolve
from voice_guide.routine.loader import load_flat
from voice_guide.simulation import speech_seconds

ROOT = Path(__file__).resolve().parent.parent


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def records(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


def test_simulate_back_massage_json_runs_to_completion_with_consistent_time(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run_cli(capsys, "simulate", "back-massage", "--json")
    assert code == 0, err
    recs = records(out)
    assert recs[-1]["type"] == "finished" and recs[-1]["completed"] is True
    for rec in recs:
        assert isinstance(rec["t"], int | float) and isinstance(rec["type"], str)
    starts = [r for r in recs if r["type"] == "step_started"]
    routine = load_flat(resolve("back-massage"))
    assert [s["step"] for s in starts] == list(range(1, len(routine.steps) + 1))
    assert [s["id"] for s in starts] == [s.id for s in routine.steps]
    # each step lasts its narration plus its timed or counted seconds
    ends = [s["t"] for s in starts[1:]]
    closing_start = ends[-1] if ends else 0
    for begin, end, step in zip(starts, [*ends, None], routine.steps, strict=True):
        narration = next(  # sentences are stamped when spoken: the measure sentence ends it
            r["t"] + speech_seconds(r["text"], r["wpm"]) for r in recs
            if r["type"] == "say" and r["t"] >= begin["t"]
            and r["text"].startswith(("Keep this going for", "Do this "))
        ) - begin["t"]
        nominal = step.nominal_seconds
        assert nominal is not None, f"{step.id} is neither timed nor counted"
        if end is not None:
            assert end - begin["t"] == pytest.approx(narration + nominal, abs=0.01), step.id
        else:
            closing_start = begin["t"] + narration + nominal
    total_timing = sum(s.nominal_seconds or 0 for s in routine.steps)
    assert recs[-1]["t"] > total_timing
    assert recs[-1]["t"] >= closing_start
    minutes = recs[-1]["t"] / 60
    assert 30 < minutes < 60, minutes  # the seed's steps add up to roughly a 40-minute massage


def test_simulate_with_script_takes_commands_at_their_time(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    script = tmp_path / "s.txt"
    script.write_text("# a short session\n95 say that again\n\n200 pause\n260 how much time is left\n"
                      "300 resume\n310 slower\n400 step twelve\n500 quit\n505 yes\n")
    code, out, err = run_cli(capsys, "simulate", "--script", str(script), "--json")
    assert code == 0, err
    recs = records(out)
    commands = [(r["t"], r["intent"]) for r in recs if r["type"] == "command"]
    assert commands == [(95, "repeat"), (200, "pause"), (260, "time_left"), (300, "resume"),
                        (310, "slower"), (400, "goto"), (500, "quit"), (505, "yes")]
    types = [r["type"] for r in recs]
    assert "paused" in types and "resumed" in types
    assert [r["factor"] for r in recs if r["type"] == "pace"] == [1.25]
    assert any(r["type"] == "step_started" and r["step"] == 12 and r["t"] == 400 for r in recs)
    assert recs[-1] == {"t": recs[-1]["t"], "type": "finished", "completed": False}


def test_simulate_readable_timeline(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "simulate")
    assert code == 0
    assert "== step 1/17: " in out and "(left side)" in out and "(right side)" in out
    assert out.rstrip().endswith("== session completed")
    left = out.index("(left side)")
    right = out.index("(right side)")
    assert left < right


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("95 say that again\nabc next\n", "s.txt:2: expected 'SECONDS PHRASE'"),
        ("10\n", "s.txt:1: a phrase must follow the time"),
        ("-5 next\n", "s.txt:1: the time must be zero or more seconds"),
        ("10 make me a sandwich\n", "s.txt:1: 'make me a sandwich' is not a command"),
    ],
)
def test_simulate_bad_script_lines_name_the_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str, message: str
) -> None:
    script = tmp_path / "s.txt"
    script.write_text(content)
    code, out, err = run_cli(capsys, "simulate", "--script", str(script))
    assert code == 1
    assert out == ""
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_simulate_missing_script_and_unknown_routine(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run_cli(capsys, "simulate", "--script", str(tmp_path / "nope.txt"))
    assert code == 1 and "nope.txt: no such script file" in err
    code, _, err = run_cli(capsys, "simulate", "no-such-routine")
    assert code != 0 and "no-such-routine" in err and "Traceback" not in err


def test_simulate_bad_option_value(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "simulate", "--wpm", "5")
    assert code == 2 and "--wpm" in err


def _run_text(stdin_lines: list[tuple[float, str]], scale: float, timeout: float = 60
              ) -> subprocess.CompletedProcess[str]:
    """Start `voice-guide run --text` as a real process and type lines at given times."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "voice_guide", "run", "--text", "--time-scale", str(scale)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdin is not None
    started = time.monotonic()
    for at, line in stdin_lines:
        time.sleep(max(0.0, at - (time.monotonic() - started)))
        proc.stdin.write(line + "\n")
        proc.stdin.flush()
    out, err = proc.communicate(timeout=timeout)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def test_run_text_takes_typed_commands_and_ends_on_quit() -> None:
    done = _run_text([(0.5, "next"), (1.0, "what is this"), (1.5, "where am i"),
                      (2.0, "quit"), (2.5, "yes")], scale=1.0)
    assert done.returncode == 0, done.stderr  # ended early on purpose: not an error
    out = done.stdout
    assert "Type a command" in out
    assert "== step 1/17" in out
    assert "not a command: 'what is this'" in out
    assert "you: \"where am i\" -> where" in out
    assert "End the session? Say yes or no." in out
    assert "== session ended early" in out
    assert done.stderr == ""


def test_run_text_completes_the_routine_on_a_fast_clock() -> None:
    # 200x real time: the timed part of the routine passes in seconds of wall time
    proc = subprocess.Popen(
        [sys.executable, "-m", "voice_guide", "run", "--text", "--time-scale", "200"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )
    code = proc.wait(timeout=120)  # stdin stays open: only the routine's end stops it
    out = proc.stdout.read() if proc.stdout else ""
    assert code == 0, proc.stderr.read() if proc.stderr else ""
    assert "== step 17/17" in out and "(cue: halfway)" in out and "One." in out
    # the last timeline line says so; the step table is printed after it
    assert [x for x in out.splitlines() if "== " in x][-1].endswith("== session completed")
    # how many were on target depends on how busy the machine was: only the table is checked
    assert re.search(r"\b\d+ of 17 timed steps on target", out)
    assert proc.stdin is not None
    proc.stdin.close()


def test_run_text_ends_cleanly_when_input_closes() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "voice_guide", "run", "--text"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, cwd=ROOT, timeout=60,
    )
    assert proc.returncode == 0
    assert "Input closed; the session ended." in proc.stdout
    assert proc.stderr == ""
