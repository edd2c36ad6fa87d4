"""``config set`` / ``config unset``: change one key, validated first, written atomically.

The file is edited with tomlkit, so comments, blank lines and the order of the other keys
are kept. The new text is written to a temporary file next to the settings file and moved
over it in one step, so a crash never leaves half a file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from voice_guide.config.describe import allowed, kind
from voice_guide.config.model import KEYS, UserSettings
from voice_guide.config.read import (
    MAX_BYTES,
    WHAT,
    bad_value_message,
    parse_settings,
    unknown_key_message,
)
from voice_guide.errors import UserError
from voice_guide.safe_files import read_text_file
from voice_guide.text_safety import printable

#: Keys holding a path: checked to exist, stored absolute (a service runs in another folder).
PATH_KEYS = {"model": "a Vosk model folder", "phrase_file": "a phrase file"}
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def convert(key: str, raw: str) -> object:
    """The typed value of ``raw`` (as typed on the command line) for ``key``."""
    if key not in KEYS:
        raise UserError(unknown_key_message(key), exit_code=2)
    k = kind(key)
    text = raw.strip()
    try:
        if k == "bool":
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            raise ValueError
        if k == "int":
            return int(text)
        if k == "float":
            value = float(text)
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError
            return value
    except ValueError:
        raise UserError(f"{bad_value_message(key, raw)}", exit_code=2) from None
    if key in PATH_KEYS and raw:
        path = Path(raw).expanduser()
        if not path.exists():
            raise UserError(f"{key}: {raw} does not exist; give the path of "
                            f"{PATH_KEYS[key]} (nothing was changed)", exit_code=2)
        _check_path(key, path)
        return str(path.resolve())
    if key == "voice":
        _check_voice(raw)
    return raw


def _check_path(key: str, path: Path) -> None:
    """The checks a run makes, made now: a phrase file must load, a model folder must hold
    a whole Vosk model; their one sentence is the refusal."""
    try:
        if key == "phrase_file":
            from voice_guide.phrase_file import load_phrase_table

            load_phrase_table(path)
        elif key == "model":
            from voice_guide.asr.model_check import check_model_files

            check_model_files(path)
    except UserError as err:
        raise UserError(f"{str(err).rstrip('.')} (nothing was changed)", exit_code=2) from None


def _check_voice(name: str) -> None:
    """When espeak-ng is installed, the voice must be one it has (else doctor reports it)."""
    import shutil
    import subprocess

    exe = shutil.which("espeak-ng")
    if exe is None or not name or name.startswith("-"):
        return
    try:
        done = subprocess.run([exe, "-v", name, "--stdout", "a"], capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return
    if done.returncode != 0:
        raise UserError(f"voice: espeak-ng has no voice '{printable(name)[:60]}'; list them with "
                        "'espeak-ng --voices' (nothing was changed)", exit_code=2)


def _read_existing(path: Path) -> str:
    if not path.exists() and not path.is_symlink():
        return ""
    text = read_text_file(path, WHAT, MAX_BYTES)
    parse_settings(text, path)  # never rewrite a file we cannot read: fix it first
    return text


def set_value(path: Path, key: str, raw: str) -> UserSettings:
    """Set ``key`` to ``raw`` in the file at ``path`` (made if missing); the new settings."""
    value = convert(key, raw)
    return _change(path, key, value)


def unset_value(path: Path, key: str) -> UserSettings:
    """Remove ``key`` from the file, so its default applies again."""
    if key not in KEYS:
        raise UserError(unknown_key_message(key), exit_code=2)
    return _change(path, key, None)


def _change(path: Path, key: str, value: object) -> UserSettings:
    import tomlkit

    old = _read_existing(path)
    doc = tomlkit.parse(old)
    if value is None:
        if key in doc:
            del doc[key]
    else:
        doc[key] = value
    new = tomlkit.dumps(doc)
    try:
        settings = parse_settings(new, path)
    except UserError:
        raise UserError(f"{bad_value_message(key, value)}; {path} was not changed",
                        exit_code=2) from None
    _write_atomic(path, new)
    return settings


def _write_atomic(path: Path, text: str) -> None:
    data = text.encode("utf-8")
    if len(data) > MAX_BYTES:
        raise UserError(f"{path}: the settings would grow past {MAX_BYTES} bytes; not written")
    target = path.resolve() if path.is_symlink() else path
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as err:
        raise UserError(f"{path}: cannot write the settings file ({err.strerror or err}); "
                        "check the folder's permissions or set VOICE_GUIDE_CONFIG") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        with contextlib.suppress(OSError):
            os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else 0o644)
        os.replace(tmp, target)
    except OSError as err:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise UserError(f"{path}: cannot write the settings file ({err.strerror or err}); "
                        "it was left as it was") from None


__all__ = ["allowed", "convert", "set_value", "unset_value"]
