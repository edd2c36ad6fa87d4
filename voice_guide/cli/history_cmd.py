"""``voice-guide history``: past sessions, one session's steps, exports and a plot.

  voice-guide history                      list sessions with their status
  voice-guide history show ID [--json|--csv]
  voice-guide history plot [ID] -o FILE.png
"""

from __future__ import annotations

import argparse
import json
import sqlite3
from pathlib import Path
from typing import Any

from voice_guide.errors import UserError

EPILOG = """\
A session is 'completed', 'ended early' (you said quit, pressed Ctrl-C, closed the input or
the program was asked to stop) or 'interrupted' (killed, power cut, terminal closed).
'voice-guide run --resume' carries on from where the last unfinished session stopped.
"""

PLOT_SUFFIXES = (".png", ".svg", ".pdf")


def register(sub: Any, name: str, help_text: str) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        name, help=help_text, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="List logged sessions; 'show ID' prints one session's steps; "
        "'plot [ID] -o FILE.png' draws them.",
    )
    parser.add_argument("words", nargs="*", metavar="COMMAND",
                        help="'show ID' or 'plot [ID]' (default: list the sessions)")
    parser.add_argument("--db", type=Path, metavar="FILE", help="session log file (default: VOICE_GUIDE_DB or "
                        "~/.local/share/voice-guide/sessions.sqlite)")
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print JSON")
    form.add_argument("--csv", action="store_true", help="print CSV (with 'show')")
    parser.add_argument("-o", "--output", type=Path, metavar="FILE",
                        help="image file for 'plot' (.png, .svg or .pdf)")
    parser.set_defaults(func=run)


def _session_id(word: str) -> int:
    try:
        value = int(word)
    except ValueError:
        raise UserError(f"'{word}' is not a session number; run 'voice-guide history' to "
                        "list them", exit_code=2) from None
    return value


def _parse(args: argparse.Namespace) -> tuple[str, int | None]:
    words: list[str] = list(args.words)
    if not words:
        return "list", None
    verb = words[0]
    if verb.isdigit():  # 'history 3' is 'history show 3'
        words = ["show", *words]
        verb = "show"
    if verb not in ("show", "plot"):
        raise UserError(f"'{verb}' is not a history command; use 'history', 'history show ID' "
                        "or 'history plot [ID] -o FILE.png'", exit_code=2)
    if len(words) > 2:
        raise UserError(f"'history {verb}' takes one session number, not "
                        f"'{' '.join(words[1:])}'", exit_code=2)
    if verb == "show" and len(words) < 2:
        raise UserError("'history show' needs a session number, e.g. 'voice-guide history "
                        "show 3' (run 'voice-guide history' to list them)", exit_code=2)
    return verb, _session_id(words[1]) if len(words) == 2 else None


def _open(args: argparse.Namespace) -> tuple[Path, sqlite3.Connection]:
    from voice_guide import session_log

    path: Path = args.db or session_log.default_db_path()
    if not path.exists():
        raise UserError(f"{path}: no session log yet; run a routine first "
                        "('voice-guide run --text' or 'voice-guide simulate --log')")
    return path, session_log.connect(path)


def run(args: argparse.Namespace) -> int:
    verb, wanted = _parse(args)
    if args.output is not None and verb != "plot":
        raise UserError("-o is for 'history plot'; 'history show ID --csv > FILE' saves a "
                        "table", exit_code=2)
    if args.csv and verb != "show":
        raise UserError("--csv is for 'history show ID'", exit_code=2)
    if verb == "plot":
        _check_output(args.output)
    from voice_guide.history import query, report

    path, db = _open(args)
    try:
        rows = query.sessions(db)
        if verb == "list":
            if args.json:
                for row in rows:
                    print(json.dumps(report.session_record(row), ensure_ascii=False))
            elif not rows:
                print(f"No sessions logged yet in {path}.")
            else:
                print("\n".join(report.list_lines(rows)))
            return 0
        if not rows:
            raise UserError(f"{path}: no sessions logged yet; run a routine first")
        known = {row.id: row for row in rows}
        if wanted is None:  # 'plot': the last session that has steps to draw
            session_id = next((r.id for r in reversed(rows) if query.steps(db, r.id)),
                              rows[-1].id)
        else:
            session_id = wanted
        if session_id not in known:
            raise UserError(f"there is no session {session_id} in {path} (sessions "
                            f"{rows[0].id} to {rows[-1].id}); run 'voice-guide history' "
                            "to list them")
        row = known[session_id]
        steps = query.steps(db, session_id)
        if verb == "show":
            if args.json:
                print(json.dumps({"session": report.session_record(row),
                                  "steps": [report.step_record(s) for s in steps]},
                                 ensure_ascii=False, indent=1))
            elif args.csv:
                print(report.steps_csv(steps), end="")
            else:
                print("\n".join(report.session_table(row, steps)))
            return 0
        trend = None
        if wanted is None:
            same = [r for r in rows if r.routine_id == row.routine_id]
            trend = [(r, st) for r in same if (st := query.steps(db, r.id))]  # no steps: no trend
        return _plot(row, steps, trend, args.output)
    finally:
        db.close()


def _check_output(output: Path | None) -> None:
    if output is None:
        raise UserError("'history plot' needs an image file: add -o FILE.png", exit_code=2)
    if output.suffix.lower() not in PLOT_SUFFIXES:
        raise UserError(f"{output}: the image file must end in .png, .svg or .pdf", exit_code=2)
    if output.is_dir():
        raise UserError(f"{output}: is a folder; give a file name such as {output}/plot.png")
    if not output.parent.is_dir():
        raise UserError(f"{output}: the folder {output.parent} does not exist; create it or "
                        "pick another place")


def _plot(row: Any, steps: Any, trend: Any, output: Path) -> int:
    if not steps:
        raise UserError(f"session {row.id} has no steps to plot (it ended before the first "
                        "step)")
    try:
        from voice_guide.history.plot import make_figure
    except ImportError as err:  # pragma: no cover - matplotlib is a dependency
        raise UserError(f"'history plot' needs matplotlib ({err}); "
                        "install it with: pip install matplotlib") from None
    fig = make_figure(row, steps, trend)
    try:
        fig.savefig(output)
    except OSError as err:
        raise UserError(f"{output}: cannot write the image ({err.strerror or err}); "
                        "pick another place with -o") from None
    print(f"Wrote {output}: session {row.id}, {len(steps)} steps"
          + (f", trend over {len(trend)} sessions" if trend and len(trend) >= 2 else "") + ".")
    return 0
