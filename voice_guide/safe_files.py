"""Reading files the user hands us, without letting one of them hang or exhaust the program.

Every reader of a user-supplied file (routine, phrase file, script, settings, WAV,
model archive) goes through :func:`check_regular_file` or :func:`read_text_file`:
only regular files are opened (a FIFO, ``/dev/zero`` or a directory is refused before
anything is read), and no more than a stated number of bytes is ever read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from voice_guide.errors import UserError

#: Largest text file (routine, phrase file, script, settings) read, in bytes.
MAX_TEXT_BYTES = 1_000_000


def _size_text(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:g} MB"
    if n >= 1_000:
        return f"{n / 1_000:g} kB"
    return f"{n} bytes"


def check_regular_file(path: Path, what: str, limit: int | None = None) -> int:
    """The size of ``path`` if it is a regular file no larger than ``limit``; else a UserError
    naming the file, what it should have been (``what``, e.g. "a routine file") and the fix."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise UserError(f"{path}: no such file; check the path of {what}") from None
    except PermissionError:
        raise UserError(f"{path}: permission denied; make {what} readable") from None
    except OSError as err:
        raise UserError(f"{path}: cannot be read ({err.strerror or err}); "
                        f"give the path of {what}") from None
    if stat.S_ISDIR(st.st_mode):
        raise UserError(f"{path}: is a folder, not {what}; give the path of the file itself")
    if not stat.S_ISREG(st.st_mode):
        raise UserError(f"{path}: is not a regular file (a pipe, device or socket); "
                        f"{what} must be an ordinary file")
    if limit is not None and st.st_size > limit:
        raise UserError(f"{path}: is {_size_text(st.st_size)}, more than the "
                        f"{_size_text(limit)} allowed for {what}; is this the right file?")
    return st.st_size


def read_bytes_limited(path: Path, what: str, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (checked again while reading,
    for files that grow or report no size)."""
    check_regular_file(path, what, limit)
    try:
        # Opened without blocking and checked again on the open file, so a file swapped for a
        # FIFO or device between the check and the open is still refused, never waited on.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
        with open(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise UserError(f"{path}: is not a regular file (a pipe, device or socket); "
                                f"{what} must be an ordinary file")
            data = f.read(limit + 1)
    except OSError as err:
        raise UserError(f"{path}: cannot be read ({err.strerror or err}); "
                        f"give the path of {what}") from None
    if len(data) > limit:
        raise UserError(f"{path}: is more than the {_size_text(limit)} allowed for {what}; "
                        "is this the right file?")
    return data


def read_text_file(path: Path, what: str, limit: int = MAX_TEXT_BYTES) -> str:
    """A UTF-8 text file of at most ``limit`` bytes, or a UserError that says what is wrong."""
    data = read_bytes_limited(path, what, limit)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise UserError(f"{path}:{line}: is not UTF-8 text (byte {err.start}); "
                        f"save {what} as UTF-8") from None
