"""``voice-guide service install [--dry-run] | uninstall | status``: a systemd user service
that starts ``voice-guide run`` at boot and restarts it when it fails."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from voice_guide.errors import UserError


def register(sub: Any, name: str, help_text: str) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        name, help=help_text,
        description="Install a systemd user service that starts a voice session at boot "
        "(lingering is enabled so no login is needed) and restarts it when it fails. It "
        "uses the devices in the settings file unless given here.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))
    install = actions.add_parser("install", help="write and enable the unit")
    install.add_argument("routine", nargs="?", default="back-massage",
                         help="routine id or file (default: back-massage)")
    install.add_argument("--input-device", metavar="NAME", help="microphone for the service")
    install.add_argument("--output-device", metavar="NAME", help="speaker for the service")
    install.add_argument("--dry-run", action="store_true",
                         help="print the unit instead of installing it")
    install.add_argument("--now", action="store_true", help="also start it now")
    install.set_defaults(func=_install)
    actions.add_parser("uninstall", help="stop, disable and remove the unit").set_defaults(
        func=_uninstall)
    actions.add_parser("status", help="whether it is enabled and running").set_defaults(
        func=_status)
    parser.set_defaults(func=lambda args: _no_action(parser))


def _no_action(parser: argparse.ArgumentParser) -> int:
    raise UserError(f"choose an action: install, uninstall or status (see '{parser.prog} --help')",
                    2)


def _routine(value: str) -> str:
    """A routine id as is; a routine file as its absolute path (the unit runs in ~). A wrong
    id or path, or a routine that does not load, fails now (FILE:LINE and why), not at boot."""
    from voice_guide.routine.catalog import resolve
    from voice_guide.routine.loader import load_flat

    path = resolve(value)
    load_flat(path)  # the loader 'run' uses: the same sentence the service would log
    return str(path.resolve()) if ("/" in value or value.endswith((".yaml", ".yml"))) else value


def _install(args: argparse.Namespace) -> int:
    from voice_guide.config.location import settings_path
    from voice_guide.config.read import load_settings
    from voice_guide.service import systemd
    from voice_guide.service.unit import UNIT_NAME, UnitSpec, render, unit_dir

    settings_file = settings_path().expanduser().resolve()
    load_settings(settings_file)  # a broken settings file would fail at every boot
    spec = UnitSpec(python=Path(sys.executable), routine=_routine(args.routine),
                    settings_file=settings_file, input_device=args.input_device,
                    output_device=args.output_device)
    text = render(spec)
    if args.dry_run:
        sys.stdout.write(text)
        return 0
    systemd.require_user_manager("installed")
    target = unit_dir(systemd.config_home()) / UNIT_NAME
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{UNIT_NAME}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
    except OSError as err:
        raise UserError(f"{target}: cannot write the unit ({err.strerror or err})") from None
    systemd.systemctl("daemon-reload")
    systemd.systemctl("enable", UNIT_NAME)
    warning = systemd.enable_linger()
    if args.now:
        systemd.systemctl("restart", UNIT_NAME)
    print(f"installed {target}; voice-guide starts at boot"
          + (" and is starting now." if args.now else
             " (start it now with 'systemctl --user start voice-guide')."))
    if warning:
        print(f"voice-guide: {warning}", file=sys.stderr)
    return 0


def _uninstall(args: argparse.Namespace) -> int:
    from voice_guide.service import systemd
    from voice_guide.service.unit import UNIT_NAME, unit_dir

    systemd.require_user_manager("uninstalled")
    target = unit_dir(systemd.config_home()) / UNIT_NAME
    if not target.exists():
        print(f"voice-guide is not installed as a service ({target} is not there).")
        return 0
    systemd.systemctl("disable", "--now", UNIT_NAME)
    target.unlink()
    systemd.systemctl("daemon-reload")
    print(f"removed {target} (lingering is left on; 'loginctl disable-linger' turns it off).")
    return 0


def _status(args: argparse.Namespace) -> int:
    from voice_guide.service import systemd

    systemd.require_user_manager("asked about")
    for line in systemd.status_lines():
        print(line)
    return 0
