"""Unpack a zip or tar archive without letting any member land outside the target directory.

Every member is checked before anything is written: absolute paths, ``..`` components,
links of any kind (Vosk models contain none, and a chain of links that each look
internal can still resolve outside), and device, FIFO or socket entries are refused.
While writing, the real (symlink-resolved) parent of every file is checked again and files
are opened with ``O_NOFOLLOW``, so a link created earlier cannot redirect a later write.
"""

from __future__ import annotations

import errno
import gzip
import lzma
import os
import posixpath
import re
import stat
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_DRIVE = re.compile(r"^[A-Za-z]:")
_COPY_CHUNK = 1024 * 1024

#: Most members and most bytes a model archive may unpack to (the largest Vosk models
#: are a few GiB and a few hundred files).
MAX_MEMBERS = 20_000
MAX_UNPACKED_BYTES = 16 * 1024**3

# Errors from writing a member whose name clashes with another (a file where a folder is).
_CLASHES = frozenset({errno.EISDIR, errno.ENOTDIR, errno.EEXIST, errno.ENAMETOOLONG})

# What the zip and tar readers raise for a damaged or hostile archive.
_CORRUPT = (
    zipfile.BadZipFile, zipfile.LargeZipFile, tarfile.TarError, EOFError, zlib.error,
    lzma.LZMAError, gzip.BadGzipFile, struct.error, NotImplementedError, RuntimeError,
    ValueError,
)


class ArchiveError(Exception):
    """The archive cannot be unpacked (corrupt or not an archive)."""


class UnsafeArchive(ArchiveError):
    """A member would be written outside the target, or is a device file."""


@contextmanager
def _reading(kind: str) -> Iterator[None]:
    """Turn the archive readers' many exceptions into ArchiveError. An OSError with an
    errno (disk full, permission) is about the disk, not the archive, and passes through."""
    try:
        yield
    except UnsafeArchive:
        raise
    except ArchiveError:
        raise
    except tarfile.FilterError as err:
        raise UnsafeArchive(str(err)) from None
    except _CORRUPT as err:
        raise ArchiveError(f"the {kind} archive is damaged ({err or type(err).__name__})") from None
    except OSError as err:
        if err.errno in _CLASHES:
            raise ArchiveError(f"the {kind} archive has members that clash ({err.strerror})"
                               ) from None
        if err.errno is not None:
            raise
        raise ArchiveError(f"the {kind} archive is damaged ({err})") from None


def _bounded(count: int, total: int) -> None:
    if count > MAX_MEMBERS:
        raise ArchiveError(f"it has more than {MAX_MEMBERS} members, more than any speech model")
    if total > MAX_UNPACKED_BYTES:
        raise ArchiveError(
            f"it claims to unpack to {total} bytes, more than any speech model"
        )


def unpacked_size(archive: Path) -> int:
    """Sum of the regular files' sizes, as the archive declares them."""
    if zipfile.is_zipfile(archive):
        with _reading("zip"), zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            total = sum(info.file_size for info in infos if not info.is_dir())
            _bounded(len(infos), total)
            return total
    try:
        is_tar = tarfile.is_tarfile(archive)
    except (OSError, *_CORRUPT):
        is_tar = False
    if not is_tar:
        raise ArchiveError("not a zip or tar archive")
    with _reading("tar"), tarfile.open(archive) as tf:
        total = 0
        for count, member in enumerate(tf, start=1):
            total += member.size if member.isfile() else 0
            _bounded(count, total)
        return total


def extract_archive(archive: Path, dest: Path) -> None:
    """Unpack ``archive`` into the existing directory ``dest``."""
    if zipfile.is_zipfile(archive):
        with _reading("zip"):
            _extract_zip(archive, dest)
        return
    try:
        is_tar = tarfile.is_tarfile(archive)
    except (OSError, *_CORRUPT):
        is_tar = False
    if not is_tar:
        raise ArchiveError("the file is neither a zip nor a tar archive")
    with _reading("tar"):
        _extract_tar(archive, dest)


def checked_name(name: str) -> str:
    """The member's normalized relative path, or ``UnsafeArchive`` if it could escape."""
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        raise UnsafeArchive(f"member {name!r} has an absolute path")
    if ".." in re.split(r"[/\\]", name):
        raise UnsafeArchive(f"member {name!r} climbs out with '..'")
    return posixpath.normpath(name)


def _refuse_link(name: str) -> None:
    raise UnsafeArchive(
        f"member {name!r} is a link; a speech model archive holds only files and folders"
    )


def _inside(root: Path, path: Path) -> bool:
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    return real == real_root or real.startswith(real_root + os.sep)


def _zip_mode(info: zipfile.ZipInfo) -> int:
    return (info.external_attr >> 16) & 0xFFFF


def _extract_zip(archive: Path, dest: Path) -> None:
    with zipfile.ZipFile(archive) as zf:
        plan: list[tuple[zipfile.ZipInfo, str]] = []
        for info in zf.infolist():
            name = checked_name(info.filename)
            kind = stat.S_IFMT(_zip_mode(info))
            if kind in (stat.S_IFCHR, stat.S_IFBLK, stat.S_IFIFO, stat.S_IFSOCK):
                raise UnsafeArchive(f"member {info.filename!r} is a device or special file")
            if kind == stat.S_IFLNK:
                _refuse_link(info.filename)
            plan.append((info, name))

        for info, name in plan:
            if name == ".":
                continue
            target = dest / name
            if not _inside(dest, target.parent):
                raise UnsafeArchive(f"member {info.filename!r} would be written through a link")
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                if not _inside(dest, target):
                    raise UnsafeArchive(f"member {info.filename!r} resolves outside the archive")
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if not _inside(dest, target.parent):
                raise UnsafeArchive(f"member {info.filename!r} would be written through a link")
            mode = 0o755 if _zip_mode(info) & 0o111 else 0o644
            try:
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, mode)
            except OSError as err:
                if err.errno == errno.ELOOP:  # the name is an existing symlink
                    raise UnsafeArchive(
                        f"member {info.filename!r} would overwrite a link"
                    ) from None
                raise
            with os.fdopen(fd, "wb") as out:
                try:
                    src = zf.open(info)
                except OSError as err:  # a member offset past the end: seek fails (EINVAL)
                    raise ArchiveError(f"the zip archive is damaged ({err.strerror or err})"
                                       ) from None
                with src:
                    while chunk := src.read(_COPY_CHUNK):
                        out.write(chunk)


def _extract_tar(archive: Path, dest: Path) -> None:
    with tarfile.open(archive) as tf:
        members = tf.getmembers()
        for member in members:
            checked_name(member.name)
            if member.ischr() or member.isblk() or member.isfifo() or member.isdev():
                raise UnsafeArchive(f"member {member.name!r} is a device or special file")
            if member.issym() or member.islnk():
                _refuse_link(member.name)
            elif not (member.isfile() or member.isdir()):
                raise UnsafeArchive(f"member {member.name!r} is not a plain file or folder")
        # The standard library's "data" filter repeats these checks while extracting.
        tf.extractall(dest, members=members, filter="data")
