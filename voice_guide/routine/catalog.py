"""Find routines by id or path, and list the routines the user has."""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from voice_guide.errors import UserError
from voice_guide.paths import routine_dirs
from voice_guide.routine.loader import load_flat
from voice_guide.routine.problems import RoutineError
from voice_guide.routine.summary import total_minutes

DEFAULT_ROUTINE = "back-massage"
SUFFIXES = (".yaml", ".yml")


class CatalogEntry(NamedTuple):
    """One routine file. For an invalid file ``error`` says what to do and the counts are 0.

    ``note`` flags a valid file whose ``id`` differs from its file name (it resolves by name).
    """

    id: str
    title: str
    step_count: int
    minutes: float
    path: Path
    error: str | None = None
    note: str | None = None


def _looks_like_path(text: str) -> bool:
    return "/" in text or "\\" in text or text.endswith(SUFFIXES) or text.startswith(".")


def folders() -> list[Path]:
    """The folders searched for routines, in order (see :func:`voice_guide.paths.routine_dirs`)."""
    return routine_dirs()


def routine_files() -> list[Path]:
    """Every routine file in the routine folders; an earlier folder hides a later one's same id."""
    seen: dict[str, Path] = {}
    for folder in folders():
        try:
            if not folder.is_dir():
                continue
            names = sorted(folder.iterdir())
        except OSError:  # an unreadable folder hides nothing and breaks nothing
            continue
        for path in names:
            # Any kind of entry: a FIFO or a dangling link named *.yaml is listed as broken.
            if path.suffix in SUFFIXES:
                seen.setdefault(path.stem, path)
    return sorted(seen.values(), key=lambda p: p.stem)


def known_ids() -> list[str]:
    return [p.stem for p in routine_files()]


def resolve(id_or_path: str | Path) -> Path:
    """An existing path as given, or ``<id>.yaml`` from the routine folders."""
    text = str(id_or_path)
    path = Path(text).expanduser()
    if path.exists():
        return path
    if isinstance(id_or_path, Path) or _looks_like_path(text):
        raise UserError(f"{text}: no such file; check the path")
    for folder in folders():
        for suffix in SUFFIXES:
            candidate = folder / f"{text}{suffix}"
            if candidate.exists() or candidate.is_symlink():
                return candidate  # the loader says what is wrong with a non-regular one
    ids = known_ids()
    known = ", ".join(ids) if ids else "none"
    raise UserError(
        f"unknown routine '{text}'; known routines: {known} "
        "(or give the path of a routine .yaml file)"
    )


def entry_for(path: Path) -> CatalogEntry:
    """Summary of one file; never raises for a bad routine file."""
    try:
        flat = load_flat(path)
    except UserError as err:
        return CatalogEntry(path.stem, "", 0, 0.0, path, broken_reason(err, path))
    note = None
    if flat.id != path.stem:
        note = f"its id is '{flat.id}' but it is found by its file name '{path.stem}'"
    return CatalogEntry(flat.id, flat.title, len(flat.steps), total_minutes(flat), path, None,
                        note)


def broken_reason(err: UserError, path: Path) -> str:
    """``broken: line 3: <first problem>`` for a file that cannot be loaded (the listing
    shows the file itself), and how to see every problem."""
    lines = err.lines if isinstance(err, RoutineError) else str(err).splitlines()
    first = lines[0] if lines else "cannot be loaded"
    if first.startswith(f"{path}"):
        first = first[len(str(path)):]
        match = re.match(r":(\d+):\s*", first)
        first = f"line {match.group(1)}: {first[match.end():]}" if match else first.lstrip(": ")
    extra = len(lines) - 1
    more = f"{extra} more problem{'s' if extra != 1 else ''}; " if extra else ""
    return f"broken: {first} ({more}see `voice-guide routines validate {path}`)"


def list_routines() -> list[CatalogEntry]:
    """Every routine file in the routine folders, valid or not, sorted by file name."""
    return [entry_for(path) for path in routine_files()]
