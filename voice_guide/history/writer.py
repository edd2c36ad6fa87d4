"""One transaction that writes a session's changes: its row, the steps that changed, new
events. Used while a session runs and when a record set aside earlier is brought in."""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass, field


@dataclass
class StepRecord:
    seq: int
    position: int
    step_id: str
    title: str
    side: str | None
    planned_s: float | None
    target_min_s: float | None
    target_max_s: float | None
    reps_min: int | None
    reps_max: int | None
    started_t: float
    ended_t: float | None = None
    timed_from_t: float | None = None
    paused_s: float = 0.0
    pauses: int = 0
    repeats: int = 0
    commands: list[str] = field(default_factory=list)


@dataclass
class Snapshot:
    """What to write: ``session_id`` 0 means the session row is new."""

    session_id: int
    routine_id: str
    routine_title: str
    mode: str
    started_at: str
    start_position: int
    resumed_from: int | None
    total_steps: int
    finished: bool
    completed: bool | None
    duration_s: float | None
    end_reason: str | None
    steps: list[StepRecord]
    events: list[tuple[float, str, str]]


def write(db: sqlite3.Connection, snap: Snapshot) -> int:
    """Write ``snap`` in one transaction (all or nothing); the session's id."""
    db.execute("BEGIN IMMEDIATE")
    session_id = snap.session_id
    try:
        if not session_id:
            cur = db.execute(
                "INSERT INTO sessions (routine_id, routine_title, mode, started_at, "
                "start_position, resumed_from, total_steps) VALUES (?,?,?,?,?,?,?)",
                (snap.routine_id, snap.routine_title, snap.mode, snap.started_at,
                 snap.start_position, snap.resumed_from, snap.total_steps))
            session_id = int(cur.lastrowid or 0)
        db.execute(
            "UPDATE sessions SET mode=?, finished=?, completed=?, duration_s=?, end_reason=? "
            "WHERE id=?",
            (snap.mode, int(snap.finished),
             None if snap.completed is None else int(snap.completed), snap.duration_s,
             snap.end_reason, session_id))
        for s in snap.steps:
            db.execute(
                "INSERT OR REPLACE INTO steps (session_id, seq, position, step_id, title, "
                "planned_s, started_t, ended_t, paused_s, side, target_min_s, target_max_s, "
                "reps_min, reps_max, timed_from_t, pauses, repeats, commands) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (session_id, s.seq, s.position, s.step_id, s.title, s.planned_s,
                 s.started_t, s.ended_t, s.paused_s, s.side, s.target_min_s,
                 s.target_max_s, s.reps_min, s.reps_max, s.timed_from_t, s.pauses,
                 s.repeats, ",".join(s.commands)))
        db.executemany("INSERT INTO events VALUES (?,?,?,?)",
                       [(session_id, t, kind, data) for t, kind, data in snap.events])
        db.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            db.execute("ROLLBACK")
        raise
    return session_id
