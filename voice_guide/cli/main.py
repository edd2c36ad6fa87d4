"""``voice-guide``: entry point. Sub-commands live in their own modules."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any, TextIO, cast

from voice_guide import __version__
from voice_guide.errors import UserError
from voice_guide.text_safety import printable

# Sub-command modules, imported lazily so `voice-guide routines list` never loads an engine.
_COMMANDS = {
    "routines": ("voice_guide.cli.routines_cmd", "list, show, validate routine files; print the schema"),
    "simulate": ("voice_guide.cli.simulate_cmd", "run a routine on a virtual clock, at once"),
    "run": ("voice_guide.cli.run_cmd", "run a routine in real time"),
    "listen": ("voice_guide.cli.listen_cmd", "print the commands heard in a recording or live"),
    "models": ("voice_guide.cli.models_cmd", "list and download speech models"),
    "history": ("voice_guide.cli.history_cmd", "past sessions and how their timing went"),
    "config": ("voice_guide.cli.config_cmd", "show or change the settings file"),
    "devices": ("voice_guide.cli.devices_cmd", "list microphones and speakers"),
    "doctor": ("voice_guide.cli.doctor_cmd", "check that a voice session can run, and say what to fix"),
    "service": ("voice_guide.cli.service_cmd", "start voice-guide at boot (systemd user service)"),
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise UserError(f"{message} (see '{self.prog} --help')", exit_code=2)


def build_parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    parser = _Parser(prog="voice-guide", description="An offline voice guide for hands-on routines.")
    parser.add_argument("--version", action="version", version=f"voice-guide {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    wanted = next((a for a in argv if a in _COMMANDS), None)
    for name, (module, help_text) in _COMMANDS.items():
        if wanted is None or wanted == name:
            importlib.import_module(module).register(sub, name, help_text)
        else:
            sub.add_parser(name, help=help_text)
    return parser


class _OutputFailed(Exception):
    """Writing to standard output failed (disk full, I/O error); not a broken pipe."""

    def __init__(self, err: OSError) -> None:
        super().__init__(err.strerror or str(err))


class _GuardedOutput:
    """``sys.stdout`` while a command runs: a failed write becomes :class:`_OutputFailed`,
    so it is told apart from the command's own file errors."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as err:
            raise _OutputFailed(err) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as err:
            raise _OutputFailed(err) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _tolerant_encoding() -> None:
    """On a terminal that cannot show some characters (LANG=C, PYTHONIOENCODING=latin-1)
    print ``?`` for them instead of failing."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="replace")


def _silence(stream: TextIO) -> None:
    """Point the real standard output at /dev/null, so the flush at exit cannot fail again."""
    if stream is not sys.__stdout__:
        return
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)


def _error(line: str) -> None:
    with contextlib.suppress(OSError):
        print(f"voice-guide: {printable(line)}", file=sys.stderr)


def _run(args_list: list[str]) -> int:
    try:
        parser = build_parser(args_list)
        args = parser.parse_args(args_list)
        if getattr(args, "func", None) is None:
            parser.print_help()
            return 2
        return int(args.func(args) or 0)
    except UserError as err:
        for line in str(err).splitlines() or [""]:
            _error(line)
        return err.exit_code
    except KeyboardInterrupt:
        _error("stopped.")
        return 130


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    _tolerant_encoding()
    real = sys.stdout
    sys.stdout = cast(TextIO, _GuardedOutput(real))
    try:
        try:
            code = _run(args_list)
        except SystemExit:  # --help and --version print, then exit
            sys.stdout.flush()
            raise
        sys.stdout.flush()
        return code
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly
        _silence(real)
        return 0
    except _OutputFailed as err:
        _error(f"cannot write the output ({err}); nothing more was written.")
        _silence(real)
        return 1
    finally:
        sys.stdout = real


if __name__ == "__main__":
    raise SystemExit(main())
