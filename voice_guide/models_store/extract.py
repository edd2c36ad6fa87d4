"""Unpack a zip or tar archive without letting any member land outside the target directory.

Every member is checked before anything is written: absolute paths, ``..`` components,
links whose target leaves the archive, and device, FIFO or socket entries are refused.
While writing, the real (symlink-resolved) parent of every file is checked again and files
are opened with ``O_NOFOLLOW``, so a link created earlier cannot redirect a later write.
"""

from __future__ import annotations

import errno
import os
import posixpath
import re
import stat
import tarfile
import zipfile
from pathlib import Path

_DRIVE = re.compile(r"^[A-Za-z]:")
_COPY_CHUNK = 1024 * 1024


class ArchiveError(Exception):
    """The archive cannot be unpacked (corrupt or not an archive)."""


class UnsafeArchive(ArchiveError):
    """A member would be written outside the target, or is a device file."""


def unpacked_size(archive: Path) -> int:
    """Sum of the regular files' sizes, as the archive declares them."""
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zf:
            return sum(info.file_size for info in zf.infolist() if not info.is_dir())
    try:
        with tarfile.open(archive) as tf:
            return sum(member.size for member in tf.getmembers() if member.isfile())
    except (tarfile.TarError, OSError) as err:
        raise ArchiveError(f"not a zip or tar archive ({err})") from None


def extract_archive(archive: Path, dest: Path) -> None:
    """Unpack ``archive`` into the existing directory ``dest``."""
    if zipfile.is_zipfile(archive):
        try:
            _extract_zip(archive, dest)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as err:
            raise ArchiveError(f"the zip archive is damaged ({err})") from None
        return
    try:
        is_tar = tarfile.is_tarfile(archive)
    except OSError:
        is_tar = False
    if not is_tar:
        raise ArchiveError("the file is neither a zip nor a tar archive")
    try:
        _extract_tar(archive, dest)
    except tarfile.FilterError as err:
        raise UnsafeArchive(str(err)) from None
    except (tarfile.TarError, EOFError) as err:
        raise ArchiveError(f"the tar archive is damaged ({err})") from None


def checked_name(name: str) -> str:
    """The member's normalized relative path, or ``UnsafeArchive`` if it could escape."""
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        raise UnsafeArchive(f"member {name!r} has an absolute path")
    if ".." in re.split(r"[/\\]", name):
        raise UnsafeArchive(f"member {name!r} climbs out with '..'")
    return posixpath.normpath(name)


def _check_link(name: str, target: str, *, relative_to_member: bool) -> None:
    """Refuse a link whose target is absolute or resolves outside the archive root."""
    if not target or target.startswith(("/", "\\")) or _DRIVE.match(target):
        raise UnsafeArchive(f"link {name!r} points to the absolute path {target!r}")
    base = posixpath.dirname(name) if relative_to_member else ""
    resolved = posixpath.normpath(posixpath.join(base, target))
    if resolved == ".." or resolved.startswith("../"):
        raise UnsafeArchive(f"link {name!r} points outside the archive ({target!r})")


def _inside(root: Path, path: Path) -> bool:
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    return real == real_root or real.startswith(real_root + os.sep)


def _zip_mode(info: zipfile.ZipInfo) -> int:
    return (info.external_attr >> 16) & 0xFFFF


def _extract_zip(archive: Path, dest: Path) -> None:
    with zipfile.ZipFile(archive) as zf:
        plan: list[tuple[zipfile.ZipInfo, str, str | None]] = []
        for info in zf.infolist():
            name = checked_name(info.filename)
            mode = _zip_mode(info)
            kind = stat.S_IFMT(mode)
            link: str | None = None
            if kind in (stat.S_IFCHR, stat.S_IFBLK, stat.S_IFIFO, stat.S_IFSOCK):
                raise UnsafeArchive(f"member {info.filename!r} is a device or special file")
            if kind == stat.S_IFLNK:
                link = zf.read(info).decode("utf-8", "replace")
                _check_link(name, link, relative_to_member=True)
            plan.append((info, name, link))

        for info, name, link in plan:
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
            if link is not None:
                os.symlink(link, target)
                continue
            mode = 0o755 if _zip_mode(info) & 0o111 else 0o644
            try:
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, mode)
            except OSError as err:
                if err.errno == errno.ELOOP:  # the name is an existing symlink
                    raise UnsafeArchive(
                        f"member {info.filename!r} would overwrite a link"
                    ) from None
                raise
            with os.fdopen(fd, "wb") as out, zf.open(info) as src:
                while chunk := src.read(_COPY_CHUNK):
                    out.write(chunk)


def _extract_tar(archive: Path, dest: Path) -> None:
    with tarfile.open(archive) as tf:
        members = tf.getmembers()
        for member in members:
            name = checked_name(member.name)
            if member.ischr() or member.isblk() or member.isfifo() or member.isdev():
                raise UnsafeArchive(f"member {member.name!r} is a device or special file")
            if member.issym():
                _check_link(name, member.linkname, relative_to_member=True)
            elif member.islnk():
                checked_name(member.linkname)
                _check_link(name, member.linkname, relative_to_member=False)
        # The standard library's "data" filter repeats these checks while extracting.
        tf.extractall(dest, members=members, filter="data")
