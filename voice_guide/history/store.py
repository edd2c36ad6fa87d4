"""Opening the session database: WAL mode, a busy timeout, the schema, in-place migration,
and one clear sentence for each way it can fail."""

from __future__ import annotations

import sqlite3
from pathlib import Path

SCHEMA_VERSION = 2

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

#: Columns added after the first schema (version 0): added in place to old databases.
ADDED_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "sessions": [
        ("end_reason", "TEXT"),
        ("start_position", "INTEGER NOT NULL DEFAULT 1"),
        ("resumed_from", "INTEGER"),
        ("total_steps", "INTEGER"),
    ],
    "steps": [
        ("side", "TEXT"),
        ("target_min_s", "REAL"),
        ("target_max_s", "REAL"),
        ("reps_min", "INTEGER"),
        ("reps_max", "INTEGER"),
        ("timed_from_t", "REAL"),
        ("pauses", "INTEGER NOT NULL DEFAULT 0"),
        ("repeats", "INTEGER NOT NULL DEFAULT 0"),
        ("commands", "TEXT NOT NULL DEFAULT ''"),
    ],
}

#: Columns the first schema had: a table of ours without them was made by something else.
BASE_COLUMNS = {
    "sessions": {"id", "routine_id", "routine_title", "mode", "started_at", "finished",
                 "completed", "duration_s"},
    "steps": {"session_id", "seq", "position", "step_id", "title", "planned_s", "started_t",
              "ended_t", "paused_s"},
    "events": {"session_id", "t", "type", "data"},
}

BUSY_TIMEOUT_S = 5.0


class LogProblem(Exception):
    """The session log cannot be used. ``str()`` is the reason, worded to follow the path
    ("is locked by another program"); ``permanent`` when retrying cannot help."""

    def __init__(self, reason: str, permanent: bool) -> None:
        super().__init__(reason)
        self.permanent = permanent


def reason_for(err: BaseException) -> LogProblem:
    """What a sqlite3 or OS error means for the log, in words, and whether it can pass."""
    if isinstance(err, LogProblem):
        return err
    name = str(getattr(err, "sqlite_errorname", "") or "")
    text = str(err)
    low = text.lower()
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in low \
            or "not a database" in low:
        return LogProblem("is damaged (it is not a readable SQLite database)", permanent=True)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in low:
        return LogProblem("is locked by another program", permanent=False)
    if name.startswith("SQLITE_FULL") or "full" in low:
        return LogProblem("cannot grow: the disk is full", permanent=False)
    if name.startswith("SQLITE_READONLY") or "readonly" in low or "read-only" in low:
        return LogProblem("is read-only", permanent=False)
    if name.startswith("SQLITE_IOERR") or "i/o" in low:
        return LogProblem(f"cannot be written ({text}: is the disk full or failing?)",
                          permanent=False)
    if isinstance(err, OSError):
        return LogProblem(f"cannot be opened ({err.strerror or err})", permanent=False)
    if name.startswith("SQLITE_CANTOPEN") or "unable to open" in low:
        return LogProblem("cannot be opened (check that its folder exists and is writable)",
                          permanent=False)
    return LogProblem(f"cannot be used ({text})", permanent=False)


def open_db(path: Path, timeout_s: float = BUSY_TIMEOUT_S, *, create: bool = True,
            check: bool = True) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), WAL journal, busy
    timeout, schema created or migrated. Raises :class:`LogProblem`."""
    if path.exists() and not path.is_file():
        raise LogProblem("is not a regular file; point VOICE_GUIDE_DB or --db at a file",
                         permanent=True)
    db: sqlite3.Connection | None = None
    try:
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=timeout_s, isolation_level=None,
                             check_same_thread=False)
        db.execute(f"PRAGMA busy_timeout={int(timeout_s * 1000)}")
        if check:
            row = db.execute("PRAGMA quick_check").fetchone()
            if row is None or row[0] != "ok":
                raise LogProblem("is damaged (its SQLite pages do not check out)", True)
        _check_schema(db)
        if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        _create_or_migrate(db)
        return db
    except (sqlite3.Error, OSError, LogProblem) as err:
        if db is not None:
            db.close()
        raise reason_for(err) from None


def _tables(db: sqlite3.Connection) -> set[str]:
    rows = db.execute("SELECT name FROM sqlite_master WHERE type='table' "
                      "AND name NOT LIKE 'sqlite_%'").fetchall()
    return {r[0] for r in rows}


def _columns(db: sqlite3.Connection, table: str) -> set[str]:
    return {r[1] for r in db.execute(f"PRAGMA table_info({table})").fetchall()}


def _check_schema(db: sqlite3.Connection) -> None:
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise LogProblem(f"was written by a newer voice-guide (schema {version}); "
                         "update voice-guide or use another --db file", permanent=True)
    tables = _tables(db)
    foreign = sorted(tables - set(BASE_COLUMNS))
    if foreign:
        raise LogProblem(f"holds tables voice-guide did not make ({', '.join(foreign[:3])}); "
                         "it is not a session log: use another --db file", permanent=True)
    for table in tables:
        missing = BASE_COLUMNS[table] - _columns(db, table)
        if missing:
            raise LogProblem(f"has a '{table}' table voice-guide did not make (no "
                             f"{', '.join(sorted(missing))}); use another --db file",
                             permanent=True)


def _create_or_migrate(db: sqlite3.Connection) -> None:
    if int(db.execute("PRAGMA user_version").fetchone()[0]) == SCHEMA_VERSION:
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        if int(db.execute("PRAGMA user_version").fetchone()[0]) != SCHEMA_VERSION:
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            for table, columns in ADDED_COLUMNS.items():
                have = _columns(db, table)
                for name, decl in columns:
                    if name not in have:
                        db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {decl}")
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
