"""``voice-guide simulate``: run a routine on a virtual clock and print its timeline at once."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from voice_guide.cli.common import (
    add_guide_options,
    add_log_options,
    add_routine_argument,
    load_routine_arg,
    phrase_table_from,
    session_listener,
    settings_from,
)
from voice_guide.cli.safe_output import json_text, out

EPILOG = """\
A script has one 'SECONDS PHRASE' per line, e.g.
  95 say that again
  200 pause
  260 resume
Blank lines and lines starting with # are ignored. Phrases are parsed exactly as spoken ones.
"""


def register(sub: Any, name: str, help_text: str) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        name, help=help_text, description="Run a routine on a virtual clock; it finishes at once.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_routine_argument(parser)
    parser.add_argument("--script", type=Path, metavar="FILE",
                        help="commands to 'say' at given seconds of virtual time")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    add_guide_options(parser)
    add_log_options(parser, default_on=False)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from voice_guide import timeline
    from voice_guide.dialog.actions import Action
    from voice_guide.dialog.guide import Guide
    from voice_guide.script_file import read_script
    from voice_guide.simulation import simulate

    settings = settings_from(args)
    table = phrase_table_from(args)
    routine = load_routine_arg(args.routine)
    script = read_script(args.script, table) if args.script else []
    log = session_listener(args, routine, "simulate")

    def emit(action: Action) -> None:
        if args.json:
            print(json_text(timeline.record(action)))
        else:
            text = timeline.line(action)
            if text:
                out(text)
        if log is not None:
            log(action)

    simulate(Guide(routine, settings), script, on_action=emit)
    sys.stdout.flush()
    return 0
