"""Reading the settings file: TOML syntax errors name the line, bad values the key and what
is allowed, unknown keys get a suggestion. Every problem is one UserError sentence."""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from voice_guide.config.describe import allowed
from voice_guide.config.location import settings_path
from voice_guide.config.model import KEYS, UserSettings
from voice_guide.errors import UserError
from voice_guide.safe_files import read_text_file
from voice_guide.text_safety import printable

WHAT = "the settings file"
#: A settings file is a dozen lines; anything bigger is not one.
MAX_BYTES = 64_000
#: Longest line; a path value is at most 1000 characters.
MAX_LINE = 1100
_WHERE = re.compile(r"\(at line (\d+), column \d+\)")


def load_settings(path: Path | None = None) -> UserSettings:
    """The settings in ``path`` (default: :func:`settings_path`); defaults when it is missing."""
    path = settings_path() if path is None else path
    if not path.exists() and not path.is_symlink():
        return UserSettings()
    return parse_settings(read_text_file(path, WHAT, MAX_BYTES), path)


def parse_settings(text: str, path: Path) -> UserSettings:
    """Validate settings ``text`` read from ``path`` (named in every message)."""
    return validate_table(parse_toml(text, path), text, path)


def parse_toml(text: str, path: Path) -> dict[str, Any]:
    _check_lines(text, path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        found = _WHERE.search(message)
        line = int(found.group(1)) if found else text.count("\n") + 1
        reason = _WHERE.sub("", message).replace("(at end of document)", "").strip()
        raise UserError(f"{path}:{line}: not valid TOML ({reason.lower() or 'syntax error'}); "
                        "fix that line (lines look like 'volume = 0.8'; 'voice-guide config "
                        "show' lists every key and its allowed values)") from None
    except ValueError:  # e.g. an integer of thousands of digits (Python's int size limit)
        raise UserError(f"{path}: holds a number too long to read; "
                        "values are short, like 'volume = 0.8'") from None
    except RecursionError:
        raise UserError(f"{path}: is nested too deeply to be a settings file; "
                        "it should hold lines like 'volume = 0.8'") from None


def _check_lines(text: str, path: Path) -> None:
    """Refuse over-long lines before parsing: a line of thousands of dotted keys
    ('a.a.a...') costs the TOML parser memory that grows with the square of its length."""
    for number, line in enumerate(text.splitlines(), 1):
        if len(line) > MAX_LINE:
            raise UserError(f"{path}:{number}: the line is {len(line)} characters long, more "
                            f"than the {MAX_LINE} a settings line may have; shorten it")


def key_line(text: str, key: str) -> int | None:
    """The line where ``key`` is set in ``text`` (a best guess for messages), or None."""
    name = rf"[\"']?{re.escape(key)}[\"']?"
    pattern = re.compile(rf"^\s*(?:{name}\s*=|\[+\s*{name}\s*\])")
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.match(line):
            return number
    return None


def _at(path: Path, text: str, key: str) -> str:
    line = key_line(text, key)
    return f"{path}:{line}" if line else f"{path}"


def unknown_key_message(key: str) -> str:
    shown = printable(key)[:80]
    close = difflib.get_close_matches(key, KEYS, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(KEYS)}"
    return f"unknown key '{shown}'; {hint}"


def validate_table(table: dict[str, Any], text: str, path: Path) -> UserSettings:
    for key, value in table.items():
        if isinstance(value, dict):
            raise UserError(f"{_at(path, text, key)}: '{printable(key)[:80]}' is a section; "
                            "the settings file has no sections, only lines like 'volume = 0.8'")
        if key not in KEYS:
            raise UserError(f"{_at(path, text, key)}: {unknown_key_message(key)}")
    try:
        return UserSettings.model_validate(table)
    except ValidationError as err:
        first = err.errors()[0]
        key = str(first["loc"][0]) if first["loc"] else ""
        raise UserError(f"{_at(path, text, key)}: {bad_value_message(key, table.get(key))}"
                        ) from None


def bad_value_message(key: str, value: object) -> str:
    shown = printable(repr(value))
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"{key} = {shown} is not allowed; {key} must be {allowed(key)}"
