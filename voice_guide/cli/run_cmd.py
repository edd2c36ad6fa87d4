"""``voice-guide run``: a real-time session, by voice or (``--text``) typed in the terminal."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from voice_guide.cli.common import (
    add_audio_options,
    add_guide_options,
    add_log_options,
    add_routine_argument,
    load_routine_arg,
    phrase_table_from,
    session_listener,
    settings_from,
)
from voice_guide.errors import DeviceUnavailable, MissingDependency, UserError


def register(sub: Any, name: str, help_text: str) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        name, help=help_text,
        description="Talk through a routine in real time. Speak commands, or type them with --text.",
    )
    add_routine_argument(parser)
    parser.add_argument("--text", action="store_true",
                        help="print the narration and read typed commands (no audio)")
    add_audio_options(parser)
    parser.add_argument("--time-scale", type=float, default=1.0, help=argparse.SUPPRESS)
    add_guide_options(parser)
    add_log_options(parser, default_on=True)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from voice_guide.shell.clock import ScaledClock

    if not args.time_scale > 0:
        raise UserError("--time-scale must be more than 0", exit_code=2)
    settings = settings_from(args)
    table = phrase_table_from(args)
    routine = load_routine_arg(args.routine)
    clock = ScaledClock(args.time_scale)
    if not args.text:
        try:
            from voice_guide.shell.voice_run import run_voice

            log = session_listener(args, routine, "voice")
            return int(run_voice(
                routine, settings, engine=args.engine, model_dir=args.model, table=table,
                input_device=args.input_device, output_device=args.output_device,
                listeners=[log] if log else [],
            ))
        except DeviceUnavailable as err:
            if args.input_device or args.output_device:
                raise  # the device the user named is wrong: say so, do not guess
            reason = str(err.__cause__ or err).split(";")[0].rstrip(".")
            print(f"voice-guide: {reason}; carrying on in text mode (type the commands).",
                  file=sys.stderr)
        except MissingDependency as err:
            print(f"voice-guide: {err}; carrying on in text mode.", file=sys.stderr)
    from voice_guide.shell.text_run import run_text

    log = session_listener(args, routine, "text")
    return run_text(routine, settings, table, clock, listeners=[log] if log else [])
