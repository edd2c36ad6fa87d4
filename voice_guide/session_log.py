"""The session log: a listener on the guide's actions that keeps each session in SQLite.

It is handed every action the guide returns (see ``Conductor(listeners=...)``) and
records sessions, steps (when each started and ended, what was planned) and
commands, so someone practising alone can see later how their timing went.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from voice_guide import timeline
from voice_guide.dialog.actions import Action, CommandTaken, Finished, Paused, Resumed, StepStarted
from voice_guide.errors import UserError
from voice_guide.routine.model import FlatRoutine

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY,
    routine_id TEXT NOT NULL,
    routine_title TEXT NOT NULL,
    mode TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished INTEGER NOT NULL DEFAULT 0,
    completed INTEGER,
    duration_s REAL
);
CREATE TABLE IF NOT EXISTS steps (
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    seq INTEGER NOT NULL,
    position INTEGER NOT NULL,
    step_id TEXT NOT NULL,
    title TEXT NOT NULL,
    planned_s REAL,
    started_t REAL NOT NULL,
    ended_t REAL,
    paused_s REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, seq)
);
CREATE TABLE IF NOT EXISTS events (
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    t REAL NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL
);
"""

_KEPT = (StepStarted, CommandTaken, Paused, Resumed, Finished)


def default_db_path() -> Path:
    """``VOICE_GUIDE_DB``, else ``$XDG_DATA_HOME/voice-guide/sessions.sqlite``."""
    env = os.environ.get("VOICE_GUIDE_DB")
    if env:
        return Path(env)
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "voice-guide" / "sessions.sqlite"


def connect(path: Path) -> sqlite3.Connection:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path)
        db.executescript(SCHEMA)
    except (OSError, sqlite3.Error) as err:
        raise UserError(f"{path}: cannot open the session log ({err}); "
                        "pass --no-log or point VOICE_GUIDE_DB at a writable file") from None
    return db


class SessionLog:
    """Records one session. Call it with each action; every write is committed at once,
    so a session cut short by Ctrl-C or a crash keeps what happened up to then."""

    def __init__(self, db: sqlite3.Connection, routine: FlatRoutine, mode: str,
                 started_at: str) -> None:
        self.db = db
        self.routine = routine
        self.mode = mode
        self.started_at = started_at
        self.planned = {s.id: s.nominal_seconds for s in routine.steps}
        self.session_id = 0  # the session row is written with the first action
        self.seq = 0
        self.paused_at: float | None = None

    def _open_session(self) -> None:
        cur = self.db.execute(
            "INSERT INTO sessions (routine_id, routine_title, mode, started_at) VALUES (?,?,?,?)",
            (self.routine.id, self.routine.title, self.mode, self.started_at),
        )
        self.session_id = int(cur.lastrowid or 0)

    def __call__(self, action: Action) -> None:
        if not isinstance(action, _KEPT):
            return
        rec = timeline.record(action)
        with self.db:
            if not self.session_id:
                self._open_session()
            self.db.execute("INSERT INTO events VALUES (?,?,?,?)",
                            (self.session_id, action.t, rec["type"], json.dumps(rec)))
            if isinstance(action, StepStarted):
                self._end_step(action.t)
                self.seq += 1
                self.db.execute(
                    "INSERT INTO steps (session_id, seq, position, step_id, title, planned_s, "
                    "started_t) VALUES (?,?,?,?,?,?,?)",
                    (self.session_id, self.seq, action.position, action.step_id, action.title,
                     self.planned.get(action.step_id), action.t),
                )
            elif isinstance(action, Paused):
                self.paused_at = action.t
            elif isinstance(action, Resumed) and self.paused_at is not None:
                self._add_pause(action.t - self.paused_at)
                self.paused_at = None
            elif isinstance(action, Finished):
                self._end_step(action.t)
                self.db.execute(
                    "UPDATE sessions SET finished=1, completed=?, duration_s=? WHERE id=?",
                    (int(action.completed), action.t, self.session_id),
                )

    def _end_step(self, t: float) -> None:
        if self.seq:
            if self.paused_at is not None:
                self._add_pause(t - self.paused_at)
                self.paused_at = None
            self.db.execute("UPDATE steps SET ended_t=? WHERE session_id=? AND seq=?",
                            (t, self.session_id, self.seq))

    def _add_pause(self, seconds: float) -> None:
        self.db.execute("UPDATE steps SET paused_s = paused_s + ? WHERE session_id=? AND seq=?",
                        (seconds, self.session_id, self.seq))


@dataclass(frozen=True)
class StepRow:
    position: int
    step_id: str
    title: str
    planned_s: float | None
    took_s: float | None
    paused_s: float


@dataclass(frozen=True)
class SessionRow:
    id: int
    routine_id: str
    mode: str
    started_at: str
    finished: bool
    completed: bool | None
    duration_s: float | None


def sessions(db: sqlite3.Connection) -> list[SessionRow]:
    rows = db.execute("SELECT id, routine_id, mode, started_at, finished, completed, duration_s "
                      "FROM sessions ORDER BY id").fetchall()
    return [SessionRow(r[0], r[1], r[2], r[3], bool(r[4]), None if r[5] is None else bool(r[5]),
                       r[6]) for r in rows]


def steps(db: sqlite3.Connection, session_id: int) -> list[StepRow]:
    rows = db.execute(
        "SELECT position, step_id, title, planned_s, ended_t - started_t, paused_s FROM steps "
        "WHERE session_id=? ORDER BY seq", (session_id,),
    ).fetchall()
    return [StepRow(*r) for r in rows]
