"""Options and loading shared by the commands that run a routine."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from voice_guide.dialog.actions import Action
from voice_guide.intents import DEFAULT_TABLE, PhraseTable
from voice_guide.routine.model import FlatRoutine
from voice_guide.settings import GuideSettings


def add_routine_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "routine", nargs="?", default=None,
        help="routine id (see 'voice-guide routines list') or path to a routine file; "
        "default: back-massage",
    )


def add_guide_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--wpm", type=int, default=None, metavar="N",
                        help="speech rate in words per minute at normal pace (default 150)")
    parser.add_argument("--no-auto-advance", action="store_true",
                        help="wait for 'next' when a step's timer ends")
    parser.add_argument("--phrases", type=Path, default=None, metavar="FILE",
                        help="YAML phrase file that adds or replaces command phrases")


def load_routine_arg(value: str | None) -> FlatRoutine:
    from voice_guide.routine.catalog import DEFAULT_ROUTINE, resolve
    from voice_guide.routine.loader import load_flat

    return load_flat(resolve(value or DEFAULT_ROUTINE))


def settings_from(args: argparse.Namespace) -> GuideSettings:
    from pydantic import ValidationError

    from voice_guide.errors import UserError

    values: dict[str, object] = {}
    if getattr(args, "wpm", None) is not None:
        values["words_per_minute"] = args.wpm
    if getattr(args, "no_auto_advance", False):
        values["auto_advance"] = False
    try:
        return GuideSettings.model_validate(values)
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        option = {"words_per_minute": "--wpm"}.get(field, field)
        raise UserError(f"{option}: {first['msg'].lower()}", exit_code=2) from None


def phrase_table_from(args: argparse.Namespace) -> PhraseTable:
    path = getattr(args, "phrases", None)
    if path is None:
        return DEFAULT_TABLE
    from voice_guide.phrase_file import load_phrase_table

    table: PhraseTable = load_phrase_table(path)
    return table


def add_log_options(parser: argparse.ArgumentParser, default_on: bool) -> None:
    if default_on:
        parser.add_argument("--no-log", action="store_true",
                            help="do not record this session in the session log")
    else:
        parser.add_argument("--log", action="store_true",
                            help="record this session in the session log (see 'voice-guide history')")
    parser.add_argument("--db", type=Path, metavar="FILE", help="session log file")


def session_listener(args: argparse.Namespace, routine: FlatRoutine, mode: str,
                     ) -> Callable[[Action], None] | None:
    """The session log for this run, or None when logging is off."""
    wanted = getattr(args, "log", False) or not getattr(args, "no_log", True)
    if not wanted:
        return None
    from datetime import datetime

    from voice_guide import session_log

    path = args.db or session_log.default_db_path()
    session_log.connect(path).close()  # a log that cannot be opened is said at once
    return session_log.SessionLog(path, routine, mode, datetime.now().isoformat(timespec="seconds"))
