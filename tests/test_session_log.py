"""The session log: a listener writing real SQLite, and `voice-guide history`."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.guide_helpers import routine, script, step
from voice_guide import session_log
from voice_guide.cli.main import main
from voice_guide.dialog.actions import Finished
from voice_guide.dialog.guide import Guide
from voice_guide.simulation import simulate


def test_log_records_steps_pauses_and_commands(tmp_path: Path) -> None:
    r = routine(step("a", duration=(60, 60)), step("b", reps=(2, 3, 10)))
    log = session_log.SessionLog(tmp_path / "log.sqlite", r, "simulate", "2026-11-23T10:00:00")
    actions = simulate(Guide(r), script((20, "pause"), (50, "resume"), (60, "how long")),
                       on_action=log)
    assert log.close()
    raw = sqlite3.connect(tmp_path / "log.sqlite")  # read back through a fresh connection
    (sid, completed, duration) = raw.execute(
        "SELECT id, completed, duration_s FROM sessions").fetchone()
    assert completed == 1 and duration == pytest.approx(actions[-1].t)
    rows = session_log.steps(raw, sid)
    assert [(s.step_id, s.planned_s) for s in rows] == [("a", 60), ("b", 30)]
    assert rows[0].paused_s == pytest.approx(30)
    assert rows[0].took_s is not None and rows[0].took_s > 60 + 30
    types = [t for (t,) in raw.execute("SELECT type FROM events ORDER BY rowid")]
    assert types.count("command") == 3 and types[-1] == "finished"


def test_a_session_cut_off_keeps_what_happened(tmp_path: Path) -> None:
    r = routine(step("a", duration=(60, 60)))
    log = session_log.SessionLog(tmp_path / "log.sqlite", r, "text", "2026-11-23T10:00:00")
    for action in simulate(Guide(r)):
        if isinstance(action, Finished):
            break  # the process died here
        log(action)
    assert log.saved  # each action was written as it came
    row = session_log.sessions(sqlite3.connect(tmp_path / "log.sqlite"))[0]
    assert not row.finished and row.completed is None


def test_history_cli(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    s = tmp_path / "s.txt"
    s.write_text("100 quit\n101 yes\n")
    assert main(["simulate", "--log", "--db", str(db)]) == 0
    assert main(["simulate", "--log", "--db", str(db), "--script", str(s)]) == 0
    capsys.readouterr()
    assert main(["history", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert "completed" in lines[1] and "ended early" in lines[2]
    assert main(["history", "1", "--db", str(db), "--json"]) == 0
    steps = json.loads(capsys.readouterr().out)["steps"]
    assert len(steps) == 17 and steps[1]["planned_s"] == 360


def test_history_bad_input(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["history", "--db", str(tmp_path / "none.sqlite")]) == 1
    assert "no session log yet" in capsys.readouterr().err
    db = tmp_path / "h.sqlite"
    assert main(["simulate", "--log", "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["history", "9", "--db", str(db)]) == 1
    assert "there is no session 9" in capsys.readouterr().err
    notdb = tmp_path / "junk.sqlite"
    notdb.write_text("this is not a database" * 100)
    assert main(["history", "--db", str(notdb)]) == 1
    err = capsys.readouterr().err
    assert "cannot open the session log" in err and "Traceback" not in err


def test_unwritable_log_location_is_one_sentence(capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["simulate", "--log", "--db", str(blocker / "sub" / "log.sqlite")]) == 1
    err = capsys.readouterr().err
    assert "cannot open the session log" in err and err.count("\n") == 1
