"""``voice-guide``: entry point. Sub-commands live in their own modules."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from voice_guide import __version__
from voice_guide.errors import UserError

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


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser(args_list)
        args = parser.parse_args(args_list)
        if getattr(args, "func", None) is None:
            parser.print_help()
            return 2
        return int(args.func(args) or 0)
    except UserError as err:
        for line in str(err).splitlines() or [""]:
            print(f"voice-guide: {line}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("voice-guide: stopped.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
