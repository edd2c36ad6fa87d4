"""The session log under real trouble, with real SQLite: another program holding the lock,
several processes writing at once, a damaged file, a foreign database, a full disk (a real
file-size limit set on the process), an old schema. The run always carries on."""

from __future__ import annotations

import os
import re
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.guide_helpers import routine, script, step
from voice_guide.cli.main import main
from voice_guide.dialog.guide import Guide
from voice_guide.history import query
from voice_guide.history.recorder import SessionLog
from voice_guide.history.store import SCHEMA_VERSION, open_db
from voice_guide.simulation import simulate

ROOT = Path(__file__).resolve().parent.parent
HANG_S = 120


def _env(db: Path) -> dict[str, str]:
    return {**os.environ, "VOICE_GUIDE_DB": str(db), "PYTHONUNBUFFERED": "1"}


def run_text(db: Path, *args: str, stdin: int | None = subprocess.DEVNULL,
             preexec: object = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "voice_guide", "run", "--text", *args], stdin=stdin,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=_env(db),
        preexec_fn=preexec,  # type: ignore[arg-type]
    )


def run_to_end(db: Path, *args: str, preexec: object = None) -> subprocess.Popen[str]:
    """``run --text`` with an input that stays open: only the routine's end stops it."""
    read, write = os.pipe()
    proc = run_text(db, *args, stdin=read, preexec=preexec)
    os.close(read)
    proc._keep_open = write  # type: ignore[attr-defined]  # closed with the process
    return proc


def finish(proc: subprocess.Popen[str]) -> tuple[str, str]:
    try:
        out, err = proc.communicate(timeout=HANG_S)
    finally:
        os.close(proc._keep_open)  # type: ignore[attr-defined]
    return out, err


def sessions(db: Path) -> list[query.SessionRow]:
    with sqlite3.connect(db) as raw:
        return query.sessions(raw)


def test_log_keeps_the_session_while_another_connection_holds_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    open_db(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # a real lock, held by another connection
    warnings: list[str] = []
    now = [0.0]
    r = routine(step("a", duration=(60, 60)), step("b", reps=(2, 3, 10)))
    log = SessionLog(path, r, "text", "2026-11-24T09:00:00", warn=warnings.append,
                     monotonic=lambda: now[0])

    def feed(action: object) -> None:
        now[0] += 1.0  # each action a second later: the lock outlasts the warning delay
        log(action)  # type: ignore[arg-type]

    simulate(Guide(r), script((20, "pause"), (50, "resume")), on_action=feed)
    assert not log.saved and log.finished  # the guide went on to the end regardless
    assert len(warnings) == 1 and "not being saved" in warnings[0]
    assert "locked by another program" in warnings[0]
    other.execute("COMMIT")
    other.close()
    assert log.close()
    assert "being saved again" in warnings[-1]
    (row,) = sessions(path)
    assert row.status == "completed"
    with sqlite3.connect(path) as raw:
        steps = query.steps(raw, row.id)
    assert [(s.step_id, s.pauses, s.commands) for s in steps] == [
        ("a", 1, ("pause", "resume")), ("b", 0, ())]


def test_a_run_carries_on_while_the_log_is_locked_and_saves_it_after(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite"
    open_db(db).close()
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    proc = run_to_end(db, "--time-scale", "150")  # the routine takes about 16 s
    try:
        assert proc.stdout is not None
        first = ""
        while "== step 1/17" not in first:  # the first write is due now, and fails
            first = proc.stdout.readline()
            assert first, "the run ended before its first step"
        time.sleep(6.5)  # longer than the few seconds a lock may last unremarked
    finally:
        other.execute("COMMIT")
        other.close()
    out, err = finish(proc)
    assert proc.returncode == 0, err
    assert out.count("== session completed") == 1
    assert err.count("not being saved") == 1 and "locked by another program" in err
    assert "being saved again" in err and "Traceback" not in err
    (row,) = sessions(db)
    assert row.status == "completed" and row.last_position == 17


def test_several_processes_write_one_log_at_once(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite"
    procs = [subprocess.Popen([sys.executable, "-m", "voice_guide", "simulate", "--log"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              cwd=ROOT, env=_env(db)) for _ in range(6)]
    runs = [run_to_end(db, "--time-scale", "5000") for _ in range(2)]
    for p in procs + runs:
        _, err = finish(p) if p in runs else p.communicate(timeout=HANG_S)
        assert p.returncode == 0, err
        assert "Traceback" not in err
    rows = sessions(db)
    assert len(rows) == 8
    assert {r.mode for r in rows} == {"simulate", "text"}
    with sqlite3.connect(db) as raw:
        for r in rows:
            assert r.status == "completed"
            assert len(query.steps(raw, r.id)) == 17
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def _damage(db: Path) -> None:
    assert not Path(f"{db}-wal").exists()  # every write is in the file itself
    data = bytearray(db.read_bytes())
    assert len(data) >= 4 * 4096
    data[2 * 4096 : 3 * 4096] = b"\xa5" * 4096  # one whole b-tree page of garbage
    db.write_bytes(bytes(data))


def test_a_damaged_log_is_one_sentence_and_the_run_goes_on(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "log.sqlite"
    for _ in range(3):
        assert main(["simulate", "--log", "--db", str(db)]) == 0
    _damage(db)
    before = db.read_bytes()
    capsys.readouterr()
    assert main(["history", "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is damaged" in err and "Traceback" not in err
    proc = run_text(db)
    out, err = proc.communicate(timeout=HANG_S)
    assert proc.returncode == 0
    assert err.count("\n") == 1 and "is damaged" in err and "without a log" in err
    assert "Input closed; the session ended." in out
    assert db.read_bytes() == before  # nothing written over what may still be rescued


def test_a_foreign_database_is_one_sentence_and_left_alone(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "contacts.sqlite"
    with sqlite3.connect(db) as raw:
        raw.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
        raw.execute("INSERT INTO contacts VALUES ('Ann', '123')")
    assert main(["history", "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "tables voice-guide did not make (contacts)" in err
    proc = run_text(db)
    out, err = proc.communicate(timeout=HANG_S)
    assert proc.returncode == 0 and "Input closed" in out
    assert err.count("\n") == 1 and "did not make" in err and "without a log" in err
    with sqlite3.connect(db) as raw:
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master")}
    assert tables == {"contacts"}
    # a 'sessions' table of someone else's making is not taken for ours either
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as raw:
        raw.execute("CREATE TABLE sessions (id INTEGER, user TEXT)")
    assert main(["history", "--db", str(other)]) == 1
    assert "'sessions' table voice-guide did not make" in capsys.readouterr().err


def _small_disk(limit: int) -> None:
    """In the child: files may not grow past ``limit`` bytes (the kernel refuses the write,
    as on a full disk); SIGXFSZ ignored so the write fails instead of killing the process."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_a_full_disk_does_not_stop_the_run(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite"
    open_db(db).close()
    limit = db.stat().st_size + 3 * 4096
    proc = run_to_end(db, "--time-scale", "3000", preexec=lambda: _small_disk(limit))
    out, err = finish(proc)
    assert proc.returncode == 0, err
    assert out.count("== session completed") == 1  # the guide talked to the end
    # how many were on target depends on how busy the machine was: only the table is checked
    assert re.search(r"\b\d+ of 17 timed steps on target", out)
    assert err.count("not being saved") == 1 and "Traceback" not in err
    # what could not be written was set aside next to the log, and goes in at the next opening
    assert "this session is kept in" in err and "goes into the log when it next opens" in err
    assert len(list(tmp_path.glob("log.sqlite.unsaved-*.json"))) == 1
    assert main(["history", "--db", str(db)]) == 0
    assert not list(tmp_path.glob("log.sqlite.unsaved-*.json"))
    (row,) = sessions(db)
    assert row.status == "completed" and row.last_position == 17
    with sqlite3.connect(db) as raw:
        assert len(query.steps(raw, row.id)) == 17
        (finished,) = raw.execute("SELECT count(*) FROM events WHERE type='finished'").fetchone()
    assert finished == 1


OLD_SCHEMA = """
CREATE TABLE sessions (id INTEGER PRIMARY KEY, routine_id TEXT NOT NULL,
    routine_title TEXT NOT NULL, mode TEXT NOT NULL, started_at TEXT NOT NULL,
    finished INTEGER NOT NULL DEFAULT 0, completed INTEGER, duration_s REAL);
CREATE TABLE steps (session_id INTEGER NOT NULL REFERENCES sessions(id), seq INTEGER NOT NULL,
    position INTEGER NOT NULL, step_id TEXT NOT NULL, title TEXT NOT NULL, planned_s REAL,
    started_t REAL NOT NULL, ended_t REAL, paused_s REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, seq));
CREATE TABLE events (session_id INTEGER NOT NULL REFERENCES sessions(id), t REAL NOT NULL,
    type TEXT NOT NULL, data TEXT NOT NULL);
INSERT INTO sessions VALUES (1, 'back-massage', 'Back massage', 'text', '2026-11-20T10:00:00',
    1, 1, 2500.0);
INSERT INTO sessions VALUES (2, 'back-massage', 'Back massage', 'voice', '2026-11-21T10:00:00',
    0, NULL, NULL);
INSERT INTO steps VALUES (1, 1, 1, 'warm-oil', 'Warm the oil', 45, 5, 60, 0);
INSERT INTO steps VALUES (1, 2, 2, 'light', 'Light massage', 360, 60, 430, 10);
INSERT INTO steps VALUES (2, 1, 1, 'warm-oil', 'Warm the oil', 45, 5, 55, 0);
"""


def test_an_old_log_is_migrated_in_place_and_keeps_its_sessions(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "old.sqlite"
    with sqlite3.connect(db) as raw:
        raw.executescript(OLD_SCHEMA)
    assert main(["history", "--db", str(db)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "completed" in lines[1] and "interrupted" in lines[2]
    assert main(["history", "show", "1", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "Warm the oil" in out and "Light massage" in out
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        cols = {r[1] for r in raw.execute("PRAGMA table_info(steps)")}
        assert {"side", "target_min_s", "commands"} <= cols
        steps = query.steps(raw, 1)
    assert [(s.step_id, s.took_s, s.paused_s) for s in steps] == [
        ("warm-oil", 55, 0), ("light", 370, 10)]
    assert main(["simulate", "--log", "--db", str(db)]) == 0  # new sessions go on after
    assert [r.id for r in sessions(db)] == [1, 2, 3]
