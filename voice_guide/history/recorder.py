"""Writes one session to the log as it happens, and never lets the log stop the session.

The session lives in memory (the session row, each step's row, the events); every action
marks what changed, and a flush writes the changes in one transaction. When the database
cannot be written (locked by another program for more than a few seconds, disk full,
damaged) the run carries on: the guide keeps talking and listening, one sentence says the
log is not being saved and why, the changes stay in memory, and they are written at the
next attempt that works (at the latest when the session closes).
"""

from __future__ import annotations

import atexit
import json
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from voice_guide import timeline
from voice_guide.dialog.actions import (
    Action,
    CommandTaken,
    Finished,
    Listen,
    Paused,
    Resumed,
    Say,
    StepStarted,
)
from voice_guide.history.aside import bring_in, set_aside
from voice_guide.history.query import StepRow
from voice_guide.history.store import LogProblem, open_db, reason_for
from voice_guide.history.writer import Snapshot, StepRecord, write
from voice_guide.routine.model import FlatRoutine, RunStep

_KEPT = (StepStarted, CommandTaken, Paused, Resumed, Finished)

RUN_TIMEOUT_S = 0.25  # longest a write may hold up the guide while a session runs
RETRY_AFTER_S = 2.0  # after a failed write, wait this long before trying again
WARN_AFTER_S = 3.0  # a lock shorter than this is ordinary sharing, not worth a word
CLOSE_TIMEOUT_S = 10.0  # at the end, wait this long for a lock to go before giving up


def target_range(step: RunStep | None) -> tuple[float | None, float | None, int | None, int | None]:
    """(shortest, longest seconds, fewest, most repetitions) the step's timing aims at."""
    if step is None:
        return None, None, None, None
    if step.duration is not None:
        return step.duration.min_s, step.duration.max_s, None, None
    if step.repetitions is not None:
        r = step.repetitions
        return r.min * r.seconds_each, r.max * r.seconds_each, r.min, r.max
    return None, None, None, None


def _stderr(message: str) -> None:
    import sys

    print(f"voice-guide: {message}", file=sys.stderr, flush=True)


class SessionLog:
    """Call it with each action the guide takes; :meth:`close` when the run ends."""

    def __init__(self, path: Path, routine: FlatRoutine, mode: str, started_at: str, *,
                 start_position: int = 1, resumed_from: int | None = None,
                 warn: Callable[[str], None] | None = None,
                 monotonic: Callable[[], float] = time.monotonic, save: bool = True) -> None:
        """``save=False`` keeps the session in memory only (``--no-log``: for the table)."""
        self.path = path
        self.save = save
        self.routine = routine
        self.mode = mode
        self.started_at = started_at
        self.start_position = start_position
        self.resumed_from = resumed_from
        self.warn = warn or _stderr
        self._monotonic = monotonic
        self._by_id = {s.id: s for s in routine.steps}
        self.session_id = 0
        self.steps: list[StepRecord] = []
        self.finished = False
        self.completed: bool | None = None
        self.end_reason: str | None = None
        self.last_t = 0.0
        self._paused_at: float | None = None
        self._acted_t: float | None = None
        self._dirty_steps: set[int] = set()
        self._events: list[tuple[float, str, str]] = []
        self._session_dirty = True
        self._db: sqlite3.Connection | None = None
        self._problem: LogProblem | None = None
        self._failing_since: float | None = None
        self._next_try = 0.0
        self._warned = False
        self._closed = False
        self._brought_in = False
        if save:
            atexit.register(self._at_exit)

    # ------------------------------------------------------------------ status
    @property
    def saved(self) -> bool:
        """Everything so far is in the database."""
        return not self._pending()

    @property
    def problem(self) -> LogProblem | None:
        """Why the last write failed (None when it worked)."""
        return self._problem

    @property
    def closed(self) -> bool:
        return self._closed

    def step_rows(self) -> list[StepRow]:
        """The steps so far as :class:`StepRow` (as ``history show`` would read them back)."""
        rows = []
        for s in self.steps:
            took = actual = None
            if s.ended_t is not None:
                took = s.ended_t - s.started_t
                begun = s.timed_from_t if s.timed_from_t is not None else s.started_t
                actual = s.ended_t - begun - s.paused_s
            rows.append(StepRow(s.position, s.step_id, s.title, s.side, s.planned_s,
                                s.target_min_s, s.target_max_s, s.reps_min, s.reps_max, took,
                                actual, s.paused_s, s.pauses, s.repeats, tuple(s.commands)))
        return rows

    def open(self, timeout_s: float = 2.0) -> LogProblem | None:
        """Open the database now (the session row is written with the first step, or when
        the user ends the session before it; never for a run that fails before it); the
        problem if that failed, said once. The session runs either way."""
        if self._db is None:
            try:
                self._db = open_db(self.path, timeout_s)
            except LogProblem as err:
                self._failed(err)
        return self._problem

    # ----------------------------------------------------------------- actions
    def __call__(self, action: Action) -> None:
        self.last_t = max(self.last_t, action.t)
        step = self.steps[-1] if self.steps else None
        if not isinstance(action, Say | Listen | Finished):
            self._acted_t = action.t  # the closing words do not count in the last step
        if isinstance(action, Listen):
            if action.on and step is not None and step.timed_from_t is None:
                step.timed_from_t = action.t  # narration over: the step's own time begins
                self._dirty_steps.add(step.seq)
                self._try_flush()
            return
        if not isinstance(action, _KEPT) or self.finished:
            return
        rec = timeline.record(action)
        self._events.append((action.t, rec["type"], json.dumps(rec, ensure_ascii=False)))
        if isinstance(action, StepStarted):
            self._end_step(action.t)
            lo, hi, rmin, rmax = target_range(self._by_id.get(action.step_id))
            run_step = self._by_id.get(action.step_id)
            self.steps.append(StepRecord(
                len(self.steps) + 1, action.position, action.step_id, action.title, action.side,
                run_step.nominal_seconds if run_step else None, lo, hi, rmin, rmax, action.t))
            self._dirty_steps.add(len(self.steps))
        elif isinstance(action, CommandTaken) and step is not None:
            step.commands.append(action.intent.value)
            if action.intent.value == "repeat":
                step.repeats += 1
            self._dirty_steps.add(step.seq)
        elif isinstance(action, Paused):
            self._paused_at = action.t
            if step is not None:
                step.pauses += 1
                self._dirty_steps.add(step.seq)
        elif isinstance(action, Resumed) and self._paused_at is not None:
            self._add_pause(action.t - self._paused_at)
            self._paused_at = None
        elif isinstance(action, Finished):
            self._end_step(self._acted_t if self._acted_t is not None else action.t)
            self._end(action.completed, "completed" if action.completed else "quit")
        self._session_dirty = True
        self._try_flush()
        if self.finished and self.saved:
            self._release()  # the session is over and written: let the file go

    def _try_flush(self) -> None:
        if self._monotonic() >= self._next_try:
            self._flush(RUN_TIMEOUT_S)

    def close(self, end_reason: str | None = None) -> bool:
        """End the session (a run stopped without the guide finishing is marked "ended
        early" with ``end_reason``; None leaves it unfinished) and write what is left.
        True when everything is saved."""
        if self._closed:
            return self.saved
        self._closed = True
        if not self.finished and end_reason is not None:
            self._end_step(self.last_t)
            self._end(False, end_reason)
            rec = {"t": round(self.last_t, 3), "type": "ended", "reason": end_reason}
            self._events.append((self.last_t, "ended", json.dumps(rec)))
        deadline = self._monotonic() + CLOSE_TIMEOUT_S
        while self.save and not self._flush(2.0):
            if self._problem is not None and self._problem.permanent:
                break  # already said: the session went on without a log
            if self._monotonic() >= deadline or "locked" not in str(self._problem):
                kept = set_aside(self.path, self._snapshot(every_step=True))
                if kept is None:
                    self.warn(f"the session log {self.path} {self._problem}; this session "
                              "could not be saved")
                elif kept.parent == self.path.parent:
                    self.warn(f"the session log {self.path} {self._problem}; this session is "
                              f"kept in {kept} and goes into the log when it next opens")
                else:
                    self.warn(f"the session log {self.path} {self._problem}; this session is "
                              f"kept in {kept}")
                break
            time.sleep(0.2)
        self._release()
        return self.saved

    def _release(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        atexit.unregister(self._at_exit)

    def _at_exit(self) -> None:
        if not self._closed:
            self.close(None)

    # ----------------------------------------------------------------- changes
    def _end(self, completed: bool, reason: str) -> None:
        self.finished = True
        self.completed = completed
        self.end_reason = reason
        self._session_dirty = True

    def _end_step(self, t: float) -> None:
        if not self.steps:
            return
        step = self.steps[-1]
        if self._paused_at is not None:
            self._add_pause(t - self._paused_at)
            self._paused_at = None
        if step.ended_t is None:
            step.ended_t = t
            self._dirty_steps.add(step.seq)

    def _add_pause(self, seconds: float) -> None:
        if self.steps:
            self.steps[-1].paused_s += max(0.0, seconds)
            self._dirty_steps.add(self.steps[-1].seq)

    # ----------------------------------------------------------------- writing
    def _pending(self) -> bool:
        if not self.steps and not self.finished:
            return False  # a run that fails before its first step leaves no session behind
        return bool(self._session_dirty or self._dirty_steps or self._events
                    or not self.session_id)

    def _flush(self, timeout_s: float) -> bool:
        """Write what changed in one transaction; False (and the reason kept) if it failed."""
        if not self.save or (self._problem is not None and self._problem.permanent):
            return False
        if not self._pending():
            return True
        try:
            if self._db is None:
                self._db = open_db(self.path, timeout_s)
            self._db.execute(f"PRAGMA busy_timeout={int(timeout_s * 1000)}")
            self._write(self._db)
        except (sqlite3.Error, OSError, LogProblem) as err:
            self._failed(reason_for(err))
            return False
        self._worked()
        return True

    def _snapshot(self, every_step: bool = False) -> Snapshot:
        seqs = range(1, len(self.steps) + 1) if every_step else sorted(self._dirty_steps)
        return Snapshot(
            self.session_id, self.routine.id, self.routine.title, self.mode, self.started_at,
            self.start_position, self.resumed_from, len(self.routine.steps), self.finished,
            self.completed, self.last_t if self.finished else None, self.end_reason,
            [self.steps[seq - 1] for seq in seqs], list(self._events))

    def _write(self, db: sqlite3.Connection) -> None:
        if not self._brought_in:
            self._brought_in = True
            bring_in(db, self.path)
        self.session_id = write(db, self._snapshot())
        self._session_dirty = False
        self._dirty_steps.clear()
        self._events.clear()

    def _failed(self, problem: LogProblem) -> None:
        now = self._monotonic()
        self._problem = problem
        if self._failing_since is None:
            self._failing_since = now
        self._next_try = now + RETRY_AFTER_S
        if problem.permanent and self._db is not None:
            self._db.close()
            self._db = None
        if self._warned:
            return
        locked = "locked" in str(problem)
        if problem.permanent:
            self.warn(f"the session log {self.path} {problem}; the session carries on "
                      "without a log")
            self._warned = True
        elif not locked or now - self._failing_since >= WARN_AFTER_S:
            self.warn(f"the session log is not being saved: {self.path} {problem}; the "
                      "session carries on and keeps its record to save when it can")
            self._warned = True

    def _worked(self) -> None:
        if self._warned and self._problem is not None:
            self.warn(f"the session log is being saved again ({self.path}).")
            self._warned = False
        self._problem = None
        self._failing_since = None
        self._next_try = 0.0
