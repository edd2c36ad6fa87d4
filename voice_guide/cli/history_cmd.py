"""``voice-guide history``: past sessions from the session log, and how each step's timing went."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from voice_guide.errors import UserError


def register(sub: Any, name: str, help_text: str) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        name, help=help_text,
        description="List logged sessions, or show one session's steps: planned and actual time.",
    )
    parser.add_argument("session", nargs="?", type=int, help="session number to show in detail")
    parser.add_argument("--db", type=Path, help="session log file (default: VOICE_GUIDE_DB or "
                        "~/.local/share/voice-guide/sessions.sqlite)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run)


def _mmss(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    sign = "-" if seconds < 0 else ""
    m, s = divmod(int(round(abs(seconds))), 60)
    return f"{sign}{m}:{s:02d}"


def run(args: argparse.Namespace) -> int:
    from voice_guide import session_log

    path: Path = args.db or session_log.default_db_path()
    if not path.exists():
        raise UserError(f"{path}: no session log yet; run a routine first "
                        "('voice-guide run --text' or 'voice-guide simulate --log')")
    db = session_log.connect(path)
    rows = session_log.sessions(db)
    if args.session is None:
        if args.json:
            for row in rows:
                print(json.dumps(asdict(row)))
            return 0
        if not rows:
            print("No sessions logged yet.")
            return 0
        print(f"{'#':>4}  {'started':<20} {'routine':<16} {'mode':<9} {'length':>7}  result")
        for row in rows:
            result = ("completed" if row.completed else "ended early") if row.finished else "cut off"
            print(f"{row.id:>4}  {row.started_at[:19]:<20} {row.routine_id:<16} {row.mode:<9} "
                  f"{_mmss(row.duration_s):>7}  {result}")
        return 0
    known = {row.id: row for row in rows}
    if args.session not in known:
        raise UserError(f"there is no session {args.session} in {path}; "
                        "run 'voice-guide history' to list them")
    step_rows = session_log.steps(db, args.session)
    if args.json:
        for step in step_rows:
            print(json.dumps(asdict(step)))
        return 0
    print(f"Session {args.session}: {known[args.session].routine_id}, "
          f"started {known[args.session].started_at[:19]}")
    print(f"{'step':>4}  {'title':<40} {'timer':>6} {'took':>6} {'paused':>6}")
    for step in step_rows:
        print(f"{step.position:>4}  {step.title[:40]:<40} {_mmss(step.planned_s):>6} "
              f"{_mmss(step.took_s):>6} {_mmss(step.paused_s):>6}")
    print("'timer' is the step's timed or counted part at normal pace; 'took' includes narration.")
    return 0
