"""`voice-guide routines`: list, show and validate routine files; print the schema."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from voice_guide.cli.safe_output import json_text, out
from voice_guide.errors import UserError
from voice_guide.text_safety import printable


def register(sub: Any, name: str, help_text: str) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        name, help=help_text, description="Work with routine files (YAML)."
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))

    listing = actions.add_parser("list", help="list the routines in the routine folders")
    listing.set_defaults(func=_list)

    show = actions.add_parser("show", help="summarize one routine, or dump it as JSON")
    show.add_argument("routine", metavar="ID_OR_PATH", help="a routine id or a .yaml file")
    show.add_argument(
        "--json", action="store_true", help="print the routine as JSON, steps in running order"
    )
    show.set_defaults(func=_show)

    validate = actions.add_parser("validate", help="check routine files and report every problem")
    validate.add_argument("paths", metavar="PATH", nargs="+", help="routine files (or ids)")
    validate.set_defaults(func=_validate)

    schema = actions.add_parser("schema", help="print the JSON Schema of a routine file")
    schema.set_defaults(func=_schema)

    parser.set_defaults(func=lambda args: _no_action(parser))


def _no_action(parser: argparse.ArgumentParser) -> int:
    raise UserError(
        f"choose an action: list, show, validate or schema (see '{parser.prog} --help')", 2
    )


def _shown(path: Path) -> str:
    """The path relative to the current folder when it is inside it, else as is."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def _minutes(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def _list(args: argparse.Namespace) -> int:
    from voice_guide.routine.catalog import folders, list_routines

    entries = list_routines()
    if not entries:
        searched = ", ".join(str(d) for d in folders())
        out(f"No routine files (*.yaml) found in: {searched}")
        return 0
    rows = [("ID", "STEPS", "MINUTES", "TITLE", "FILE")]
    notes = []
    for e in entries:
        shown = printable(_shown(e.path))
        if e.error is not None:
            rows.append((printable(e.id), "-", "-", printable(e.error), shown))
        else:
            rows.append((e.id, str(e.step_count), _minutes(e.minutes), printable(e.title), shown))
            if e.note:
                notes.append(f"note: {shown}: {e.note}")
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        cells = [row[i].ljust(widths[i]) if i not in (1, 2) else row[i].rjust(widths[i])
                 for i in range(4)]
        out("  ".join([*cells, row[4]]).rstrip())
    for note in notes:
        out(note)
    return 0


def _show(args: argparse.Namespace) -> int:
    from voice_guide.routine.catalog import resolve
    from voice_guide.routine.loader import load_flat

    path = resolve(args.routine)
    flat = load_flat(path)
    if args.json:
        print(json_text(flat.model_dump(mode="json"), indent=2))
        return 0
    from voice_guide.routine.summary import summary_lines

    for line in summary_lines(flat, path):
        out(line)
    return 0


def _validate(args: argparse.Namespace) -> int:
    from voice_guide.routine.catalog import resolve
    from voice_guide.routine.loader import load_flat
    from voice_guide.routine.problems import RoutineError

    bad = 0
    for given in args.paths:
        try:
            path = resolve(given)
            flat = load_flat(path)
        except RoutineError as err:
            bad += 1
            for line in err.lines:
                out(line, sys.stderr)
            continue
        except UserError as err:
            bad += 1
            out(str(err), sys.stderr)
            continue
        out(f"{path}: ok ({flat.id}, {len(flat.steps)} steps in running order)")
    if bad:
        files = "file has" if bad == 1 else "files have"
        print(f"voice-guide: {bad} {files} problems (see above)", file=sys.stderr)
        return 1
    return 0


def _schema(args: argparse.Namespace) -> int:
    from voice_guide.routine.model import Routine

    schema = Routine.model_json_schema()
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
    print(json.dumps(schema, indent=2))
    return 0
