"""Reading sessions back: the list, one session's steps, and where a session can resume."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

COMPLETED = "completed"
ENDED_EARLY = "ended early"
INTERRUPTED = "interrupted"

#: Seconds either side of the target range that still count as on target.
ON_TARGET_SLACK_S = 2.0


@dataclass(frozen=True)
class SessionRow:
    id: int
    routine_id: str
    routine_title: str
    mode: str
    started_at: str
    finished: bool
    completed: bool | None
    duration_s: float | None
    end_reason: str | None
    start_position: int
    resumed_from: int | None
    total_steps: int | None
    last_position: int | None  # the step it was at when it ended (None: none started)

    @property
    def status(self) -> str:
        """``completed``, ``ended early`` (the user stopped it) or ``interrupted`` (the
        process was killed, the power went, the terminal closed)."""
        if not self.finished:
            return INTERRUPTED
        return COMPLETED if self.completed else ENDED_EARLY


@dataclass(frozen=True)
class StepRow:
    position: int
    step_id: str
    title: str
    side: str | None
    planned_s: float | None
    target_min_s: float | None
    target_max_s: float | None
    reps_min: int | None
    reps_max: int | None
    took_s: float | None  # from the step's start (narration included) to its end
    actual_s: float | None  # the step's own time: after its narration, pauses left out
    paused_s: float
    pauses: int
    repeats: int
    commands: tuple[str, ...]

    @property
    def on_target(self) -> bool | None:
        """The actual time falls in the target range (None when either is unknown)."""
        if self.actual_s is None or self.target_min_s is None or self.target_max_s is None:
            return None
        return (self.target_min_s - ON_TARGET_SLACK_S <= self.actual_s
                <= self.target_max_s + ON_TARGET_SLACK_S)


_SESSION_COLUMNS = ("id, routine_id, routine_title, mode, started_at, finished, completed, "
                    "duration_s, end_reason, start_position, resumed_from, total_steps, "
                    "(SELECT position FROM steps WHERE steps.session_id = sessions.id "
                    "ORDER BY seq DESC LIMIT 1)")


def _opt_float(v: object) -> float | None:
    return None if v is None else float(v)  # type: ignore[arg-type]


def _opt_int(v: object) -> int | None:
    return None if v is None else int(v)  # type: ignore[call-overload]


def _session(r: tuple[object, ...]) -> SessionRow:
    return SessionRow(int(_opt_int(r[0]) or 0), str(r[1]), str(r[2]), str(r[3]), str(r[4]),
                      bool(r[5]), None if r[6] is None else bool(r[6]), _opt_float(r[7]),
                      None if r[8] is None else str(r[8]), _opt_int(r[9]) or 1,
                      _opt_int(r[10]), _opt_int(r[11]), _opt_int(r[12]))


def sessions(db: sqlite3.Connection) -> list[SessionRow]:
    rows = db.execute(f"SELECT {_SESSION_COLUMNS} FROM sessions ORDER BY id").fetchall()
    return [_session(r) for r in rows]


def session(db: sqlite3.Connection, session_id: int) -> SessionRow | None:
    row = db.execute(f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE id=?",
                     (session_id,)).fetchone()
    return None if row is None else _session(row)


def steps(db: sqlite3.Connection, session_id: int) -> list[StepRow]:
    rows = db.execute(
        "SELECT position, step_id, title, side, planned_s, target_min_s, target_max_s, "
        "reps_min, reps_max, ended_t - started_t, "
        "ended_t - COALESCE(timed_from_t, started_t) - paused_s, paused_s, pauses, repeats, "
        "commands FROM steps WHERE session_id=? ORDER BY seq", (session_id,),
    ).fetchall()
    return [StepRow(int(r[0]), str(r[1]), str(r[2]), r[3], _opt_float(r[4]), _opt_float(r[5]),
                    _opt_float(r[6]), _opt_int(r[7]), _opt_int(r[8]), _opt_float(r[9]),
                    _opt_float(r[10]), float(r[11] or 0.0), int(r[12] or 0), int(r[13] or 0),
                    tuple(c for c in str(r[14] or "").split(",") if c)) for r in rows]


@dataclass(frozen=True)
class ResumePoint:
    session: SessionRow
    position: int  # 1-based step to start at


def resume_point(db: sqlite3.Connection, routine_id: str) -> ResumePoint | SessionRow | None:
    """Where the last session of ``routine_id`` stopped; that session itself when it was
    completed (nothing to resume); None when the routine was never run. A session that
    never started a step (a failed start, logged by an older voice-guide) is passed over."""
    row = db.execute(f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE routine_id=? AND EXISTS "
                     "(SELECT 1 FROM steps WHERE steps.session_id = sessions.id) "
                     "ORDER BY id DESC LIMIT 1", (routine_id,)).fetchone()
    if row is None:
        return None
    last = _session(row)
    if last.status == COMPLETED:
        return last
    return ResumePoint(last, last.last_position or last.start_position)
