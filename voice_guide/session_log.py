"""The session log (kept for existing imports): see :mod:`voice_guide.history`.

``connect`` opens the log for reading or writing and turns every failure into one
sentence; ``SessionLog`` records a run; ``sessions`` and ``steps`` read them back.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from voice_guide.errors import UserError
from voice_guide.history.aside import bring_in
from voice_guide.history.query import SessionRow, StepRow, sessions, steps
from voice_guide.history.recorder import SessionLog
from voice_guide.history.store import LogProblem, open_db, reason_for

__all__ = ["SessionLog", "SessionRow", "StepRow", "connect", "default_db_path", "sessions",
           "steps"]


def default_db_path() -> Path:
    """``VOICE_GUIDE_DB``, else ``sessions.sqlite`` in the user data folder (platformdirs)."""
    from voice_guide.paths import session_db_file

    return session_db_file()


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating and migrating) the log at ``path``, or one sentence saying why not."""
    try:
        db = open_db(path)
    except (LogProblem, sqlite3.Error) as err:
        problem = reason_for(err)
        raise UserError(f"cannot open the session log {path}: it {problem}; pass --no-log, or "
                        "point VOICE_GUIDE_DB or --db at another file") from None
    with contextlib.suppress(sqlite3.Error):  # if locked now, the next opening brings them in
        bring_in(db, path)  # sessions set aside when the log could not be written
    return db
