"""`voice-guide models list|pull`: show known and installed speech models; download one."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from voice_guide.cli.safe_output import out
from voice_guide.errors import UserError
from voice_guide.paths import models_dir
from voice_guide.text_safety import printable


def register(sub: Any, name: str, help_text: str) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(name, help=help_text, description=help_text)
    actions = parser.add_subparsers(dest="models_action", metavar="ACTION")

    list_parser = actions.add_parser("list", help="known models and which are installed")
    list_parser.set_defaults(func=_list)

    pull = actions.add_parser(
        "pull",
        help="download, verify and install a model",
        description="Download a model from the manifest, check its size and SHA-256, and "
        "install it in the models folder. An interrupted download resumes on the next pull.",
    )
    pull.add_argument("name", metavar="NAME", help="a model name from 'voice-guide models list'")
    pull.add_argument(
        "--url",
        help="fetch the archive from this URL instead of the manifest's (a mirror or a "
        "file:// path); the manifest's size and checksum still apply",
    )
    pull.add_argument(
        "--no-verify",
        action="store_true",
        help="install even when the manifest has no SHA-256 for the model (not recommended); "
        "a checksum the manifest has is always checked",
    )
    pull.set_defaults(func=_pull)
    parser.set_defaults(func=lambda args: _no_action(parser))


def _no_action(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _list(args: argparse.Namespace) -> int:
    from voice_guide.models_store.install import installed_dirs, part_path
    from voice_guide.models_store.manifest import load_manifest
    from voice_guide.models_store.progress import human_size

    manifest = load_manifest()
    where = models_dir()
    rows = [("NAME", "LANGUAGE", "SIZE", "STATUS")]
    for entry in manifest.models:
        target = where / entry.name
        part = part_path(where, entry.name)
        if target.is_dir():
            status = f"installed in {target}"
        elif part.is_file():
            status = f"partly downloaded ({human_size(part.stat().st_size)}), pull to resume"
        else:
            status = "not installed"
        rows.append((entry.name, entry.language, human_size(entry.size), status))
    rows = [(printable(a), printable(b), c, printable(d)) for a, b, c, d in rows]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        out("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + "  " + row[3])
    for entry in manifest.models:
        out(f"  {entry.name}: {entry.description}" + (f" {entry.note}" if entry.note else ""))

    known = set(manifest.names())
    others = [p for p in installed_dirs(where) if p.name not in known]
    if others:
        print(f"other model folders in {where}:")
        for path in others:
            out(f"  {path.name}")
    return 0


def _pull(args: argparse.Namespace) -> int:
    from voice_guide.models_store.install import part_path, pull, source_url
    from voice_guide.models_store.manifest import load_manifest
    from voice_guide.models_store.progress import TerminalProgress, human_size

    manifest = load_manifest()
    entry = manifest.get(args.name)
    if entry is None:
        raise UserError(
            f"no model called {args.name!r} in the manifest; known models: "
            + ", ".join(manifest.names())
            + "."
        )
    where = models_dir()
    if (where / entry.name).is_dir():
        print(f"{entry.name} is already installed in {where / entry.name}.")
        return 0
    bar = TerminalProgress(sys.stderr, entry.name)
    url = source_url(entry, args.url)
    if args.no_verify and entry.sha256 is None:
        print(f"warning: installing {entry.name} without a checksum to verify it", file=sys.stderr)
    try:
        outcome = pull(
            entry,
            where,
            url=url,
            verify=not args.no_verify,
            on_start=bar.start,
            on_progress=bar.update,
            on_stage=lambda message: print(message, file=sys.stderr),
        )
    except KeyboardInterrupt:
        bar.abandon()
        part = part_path(where, entry.name)
        kept = part.stat().st_size if part.is_file() else 0
        detail = (
            f"{human_size(kept)} kept in {part}; run 'voice-guide models pull {entry.name}' "
            "again to resume"
            if kept
            else "nothing was installed"
        )
        print(f"voice-guide: stopped; {detail}.", file=sys.stderr)
        return 130
    except UserError:
        bar.abandon()
        raise
    if outcome.already_installed:
        print(f"{entry.name} is already installed in {outcome.path}.")
        return 0
    print(f"installed {entry.name} in {outcome.path}")
    return 0
