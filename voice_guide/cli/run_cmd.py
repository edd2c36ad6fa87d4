"""``voice-guide run``: a real-time session, by voice or (``--text``) typed in the terminal."""

from __future__ import annotations

import argparse
import math
import sys
from typing import Any

from voice_guide.cli.common import (
    add_audio_options,
    add_guide_options,
    add_log_options,
    add_routine_argument,
    load_routine_arg,
    phrase_table_from,
    settings_from,
)
from voice_guide.errors import DeviceUnavailable, MissingDependency, UserError

#: Why a voice run without audio stops instead of reading typed commands (as under systemd,
#: whose standard input is /dev/null): a non-zero exit lets Restart=on-failure try again.
NO_ONE_TO_TYPE = ("standard input is not a terminal, so there is no one to type commands in "
                  "text mode; connect a speaker and microphone, or use 'voice-guide run --text' "
                  "in a terminal")


def register(sub: Any, name: str, help_text: str) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        name, help=help_text,
        description="Talk through a routine in real time. Speak commands, or type them with --text.",
    )
    add_routine_argument(parser)
    parser.add_argument("--text", action="store_true",
                        help="print the narration and read typed commands (no audio)")
    parser.add_argument("--plain", action="store_true",
                        help="print a running transcript instead of the live view "
                             "(always so when the output is not a terminal)")
    add_audio_options(parser)
    start = parser.add_mutually_exclusive_group()
    start.add_argument("--resume", action="store_true",
                       help="carry on the routine's last unfinished session where it stopped")
    start.add_argument("--from-step", type=int, metavar="N", help="start at step N")
    parser.add_argument("--half-duplex", action="store_true",
                        help="listen only while the guide is quiet (no barge-in); for rooms "
                             "where it hears itself (settings key barge_in)")
    parser.add_argument("--no-front-end", dest="front_end", action="store_false", default=None,
                        help="recognize the bare microphone: no echo cancellation, noise "
                             "suppression or gain (also turns barge-in off; settings key "
                             "front_end)")
    parser.add_argument("--time-scale", type=float, default=1.0, help=argparse.SUPPRESS)
    add_guide_options(parser)
    add_log_options(parser, default_on=True)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from voice_guide.shell.clock import ScaledClock
    from voice_guide.shell.run_session import RunSession, start_point

    if not (math.isfinite(args.time_scale) and args.time_scale > 0):
        raise UserError(f"--time-scale {args.time_scale}: give a finite number more than 0 "
                        "(1 is real time, 60 runs a minute a second)", exit_code=2)
    settings = settings_from(args)
    table = phrase_table_from(args)
    routine = load_routine_arg(args.routine)
    start = start_point(args, routine)
    barge_in, front_end = listening_mode(args)
    clock = ScaledClock(args.time_scale)
    session = RunSession(args, routine, start, mode="text" if args.text else "voice")
    with session:
        if not args.text:
            try:
                from voice_guide.shell.voice_run import run_voice

                return session.ended_by(int(run_voice(
                    routine, settings, engine=args.engine, model_dir=args.model, table=table,
                    input_device=args.input_device, output_device=args.output_device,
                    listeners=session.listeners, start_at=start.index, resumed=start.resumed,
                    live=live_view_wanted(args), voice=args.voice, earcons=args.earcons,
                    barge_in=barge_in, front_end=front_end,
                )))
            except DeviceUnavailable as err:
                if args.input_device or args.output_device:
                    raise  # the device the user named is wrong: say so, do not guess
                reason = str(err.__cause__ or err).split(";")[0].rstrip(".")
                if not stdin_is_terminal():
                    raise DeviceUnavailable(f"{reason}; {NO_ONE_TO_TYPE}") from None
                print(f"voice-guide: {reason}; carrying on in text mode (type the commands).",
                      file=sys.stderr)
            except MissingDependency as err:
                if not stdin_is_terminal():
                    raise UserError(f"{str(err).rstrip('.')}; {NO_ONE_TO_TYPE}",
                                    err.exit_code) from None
                print(f"voice-guide: {err}; carrying on in text mode.", file=sys.stderr)
            session.set_mode("text")
        from voice_guide.shell.text_run import run_text

        code = session.ended_by(run_text(routine, settings, table, clock,
                                         listeners=session.listeners, start_at=start.index,
                                         resumed=start.resumed))
    return code


def listening_mode(args: argparse.Namespace) -> tuple[bool, bool]:
    """(barge-in, front end): the command line wins over the settings file."""
    from voice_guide.cli.common import user_settings

    front_end = args.front_end if args.front_end is not None else user_settings().front_end
    barge_in = bool(getattr(args, "barge_in", True)) and not args.half_duplex
    return barge_in, bool(front_end)


def live_view_wanted(args: argparse.Namespace) -> bool:
    """The live view needs a terminal that can redraw; otherwise the plain transcript."""
    import os

    return not args.plain and sys.stdout.isatty() and os.environ.get("TERM", "") != "dumb"


def stdin_is_terminal() -> bool:
    """Someone can type commands: standard input is open and is a terminal."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):  # closed
        return False
