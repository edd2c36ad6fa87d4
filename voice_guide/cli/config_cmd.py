"""``voice-guide config``: show the settings, say where the file is, change one key."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from voice_guide.errors import UserError

FORMAT_NOTE = """\
The settings file is TOML, one 'key = value' per line, for example:
  input_device = "USB"
  words_per_minute = 140
  earcons = false
Command-line options override it for one run.
"""


def register(sub: Any, name: str, help_text: str) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        name, help=help_text, description="Show or change the settings file.",
        epilog=FORMAT_NOTE, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))
    show = actions.add_parser("show", help="every key with its value, default and allowed values")
    show.add_argument("--json", action="store_true", help="the values as one JSON object")
    show.set_defaults(func=_show)
    path = actions.add_parser("path", help="print where the settings file is")
    path.set_defaults(func=_path)
    change = actions.add_parser("set", help="check a value and write it into the settings file")
    change.add_argument("key", metavar="KEY")
    change.add_argument("value", metavar="VALUE")
    change.set_defaults(func=_set)
    unset = actions.add_parser("unset", help="remove a key, so its default applies")
    unset.add_argument("key", metavar="KEY")
    unset.set_defaults(func=_unset)
    parser.set_defaults(func=lambda args: _no_action(parser))


def _no_action(parser: argparse.ArgumentParser) -> int:
    raise UserError(f"choose an action: show, path, set or unset (see '{parser.prog} --help')", 2)


def _show(args: argparse.Namespace) -> int:
    from voice_guide.config.describe import allowed, default_text, help_text, toml_text
    from voice_guide.config.location import settings_path
    from voice_guide.config.model import KEYS, UserSettings
    from voice_guide.config.read import load_settings
    from voice_guide.text_safety import printable

    path = settings_path()
    problem: UserError | None = None
    try:
        settings = load_settings(path)
    except UserError as err:
        if args.json:
            raise
        # Still show every key and its default, so the file can be fixed from this list.
        problem, settings = err, UserSettings()
        print(f"voice-guide: {err}", file=sys.stderr)
    if args.json:
        print(json.dumps(settings.model_dump(), ensure_ascii=False))
        return 0
    exists = path.exists()
    if problem is not None:
        print(f"# {path} (cannot be read, see the message above: the defaults are shown)")
    else:
        print(f"# {path}" + ("" if exists else " (not there yet: every key has its default)"))
    for key in KEYS:
        value = getattr(settings, key)
        mark = "" if key in settings.model_fields_set else "  (default)"
        if value is None:
            print(f"# {key} is unset{mark}")
        else:
            print(f"{key} = {printable(toml_text(value))}{mark}")
        print(f"    # {help_text(key)}; {allowed(key)}; default {default_text(key)}")
    return 1 if problem is not None else 0


def _path(args: argparse.Namespace) -> int:
    from voice_guide.config.location import settings_path

    print(settings_path())
    return 0


def _set(args: argparse.Namespace) -> int:
    from voice_guide.config.describe import toml_text
    from voice_guide.config.edit import set_value
    from voice_guide.config.location import settings_path
    from voice_guide.text_safety import printable

    path = settings_path()
    settings = set_value(path, args.key, args.value)
    print(f"{args.key} = {printable(toml_text(getattr(settings, args.key)))}  (in {path})")
    return 0


def _unset(args: argparse.Namespace) -> int:
    from voice_guide.config.describe import default_text
    from voice_guide.config.edit import unset_value
    from voice_guide.config.location import settings_path

    path = settings_path()
    unset_value(path, args.key)
    print(f"{args.key} is back to its default, {default_text(args.key)}  (in {path})")
    return 0
