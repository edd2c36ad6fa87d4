"""A session that could not be written by the end of its run is set aside as a JSON file
next to the log (``sessions.sqlite.unsaved-…json``); the next time the log opens, it is
written in and the file removed. So a lock or a full disk at the wrong moment loses nothing."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from voice_guide.history.writer import Snapshot, StepRecord, write

MAX_ASIDE_BYTES = 20_000_000


def aside_files(db_path: Path) -> list[Path]:
    return sorted(db_path.parent.glob(f"{db_path.name}.unsaved-*.json"))


def set_aside(db_path: Path, snap: Snapshot) -> Path | None:
    """Write ``snap`` (every step, the events not yet in the log) next to the log, else in
    the temporary folder; where it went, or None when no place would take it."""
    data = json.dumps(asdict(snap), ensure_ascii=False)
    stamp = snap.started_at.replace(":", "").replace("-", "")
    name = f"{db_path.name}.unsaved-{stamp}-{os.getpid()}.json"
    for folder in (db_path.parent, Path(tempfile.gettempdir())):
        target = folder / name
        tmp = folder / f".{name}.tmp"
        try:
            tmp.write_text(data, encoding="utf-8")
            os.replace(tmp, target)
            return target
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink()
    return None


def _snapshot(data: dict[str, Any]) -> Snapshot:
    steps = [StepRecord(**s) for s in data.pop("steps")]
    events = [(float(t), str(k), str(d)) for t, k, d in data.pop("events")]
    return Snapshot(**data, steps=steps, events=events)


def bring_in(db: sqlite3.Connection, db_path: Path) -> int:
    """Write every set-aside session next to ``db_path`` into ``db``; how many. A file that
    cannot be read back is left where it is (it may still be rescued by hand)."""
    done = 0
    for path in aside_files(db_path):
        try:
            if path.stat().st_size > MAX_ASIDE_BYTES:
                continue
            snap = _snapshot(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError, KeyError):
            continue
        write(db, snap)
        path.unlink()
        done += 1
    return done
