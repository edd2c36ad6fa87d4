"""Install a model: download, verify, unpack into a hidden temporary folder, rename into place.

Layout inside ``models_dir``::

    <name>/               an installed model (am/, conf/, graph/, ...), only ever renamed in whole
    <name>.part           the archive being downloaded; kept after a network failure or Ctrl-C
    .<name>.tmp-XXXX/     unpacking in progress; removed on success, failure and Ctrl-C
    .<name>.lock          held while a pull of <name> runs
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import shutil
import tempfile
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from voice_guide.errors import UserError
from voice_guide.models_store.download import DownloadError, DownloadReport, StartCallback, download
from voice_guide.models_store.extract import (
    ArchiveError,
    UnsafeArchive,
    extract_archive,
    unpacked_size,
)
from voice_guide.models_store.manifest import ModelEntry
from voice_guide.models_store.progress import ProgressCallback, human_size
from voice_guide.text_safety import printable

URL_BASE_ENV = "VOICE_GUIDE_MODEL_URL_BASE"
MODEL_PARTS = frozenset({"am", "conf", "graph", "ivector", "rescore", "rnnlm"})


@dataclass(frozen=True)
class PullOutcome:
    path: Path
    already_installed: bool
    download: DownloadReport | None = None


def part_path(models_dir: Path, name: str) -> Path:
    return models_dir / f"{name}.part"


def installed_dirs(models_dir: Path) -> list[Path]:
    """Every model-looking folder in ``models_dir`` (hidden work folders left out)."""
    if not models_dir.is_dir():
        return []
    return sorted(
        p for p in models_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
    )


def source_url(entry: ModelEntry, override: str | None = None) -> str:
    """``--url`` if given, else the manifest URL re-based on ``VOICE_GUIDE_MODEL_URL_BASE``."""
    if override:
        return override
    base = os.environ.get(URL_BASE_ENV)
    if base:
        return base.rstrip("/") + "/" + entry.url.rsplit("/", 1)[-1]
    return entry.url


def pull(
    entry: ModelEntry,
    models_dir: Path,
    *,
    url: str | None = None,
    verify: bool = True,
    on_start: StartCallback | None = None,
    on_progress: ProgressCallback | None = None,
    on_stage: Callable[[str], None] | None = None,
    timeout: float = 30.0,
) -> PullOutcome:
    """Download and install ``entry`` as ``models_dir/<name>/``. Raises ``UserError``."""
    name = entry.name
    target = models_dir / name
    if target.is_dir():
        return PullOutcome(path=target, already_installed=True)
    if target.exists():
        raise UserError(f"{target} exists but is not a folder; move it away and pull again.")
    if verify and entry.sha256 is None:
        raise UserError(
            f"{name} has no published SHA-256 in the manifest, so it cannot be verified; "
            "pass --no-verify to install it anyway."
        )
    source = source_url(entry, url)
    check_url(source)
    stage = on_stage or (lambda _message: None)

    with _friendly_os_errors(models_dir), _exclusive(models_dir, name):
        _remove_stale_work(models_dir, name)
        part = part_path(models_dir, name)
        try:
            report = download(
                source,
                part,
                expected_size=entry.size,
                on_start=on_start,
                on_progress=on_progress,
                timeout=timeout,
            )
        except DownloadError as err:
            raise UserError(_download_failure(name, source, part, err)) from None

        # A checksum the manifest has is always checked: --no-verify (verify=False) only
        # lets a model without one be installed.
        if entry.sha256 is not None:
            stage("checking the SHA-256 checksum")
            digest = _sha256(part)
            if digest != entry.sha256:
                part.unlink(missing_ok=True)
                raise UserError(
                    f"the download of {name} is corrupt: its SHA-256 is {digest}, not "
                    f"{entry.sha256}; it was deleted and nothing was installed, so pull again."
                )
        _install_archive(part, target, models_dir, stage)
        part.unlink(missing_ok=True)
    return PullOutcome(path=target, already_installed=False, download=report)


def _install_archive(
    part: Path, target: Path, models_dir: Path, stage: Callable[[str], None]
) -> None:
    name = target.name
    try:
        needed = unpacked_size(part)
    except ArchiveError as err:
        part.unlink(missing_ok=True)
        raise UserError(
            f"cannot unpack {name}: {err}; the download was deleted, so pull again."
        ) from None
    free = shutil.disk_usage(models_dir).free
    if needed > free:
        raise UserError(
            f"unpacking {name} needs {human_size(needed)} but only {human_size(free)} is free "
            f"in {models_dir}; free some space and pull again (the download is kept)."
        )
    stage(f"unpacking {human_size(needed)}")
    work = Path(tempfile.mkdtemp(prefix=f".{name}.tmp-", dir=models_dir))
    try:
        extract_archive(part, work)
        root = _model_root(work, name)
        if not any(root.iterdir()):
            raise ArchiveError("the archive is empty")
        os.rename(root, target)
    except UnsafeArchive as err:
        part.unlink(missing_ok=True)
        raise UserError(
            f"refusing to install {name}: the archive is unsafe ({err}); "
            "nothing was installed and the download was deleted."
        ) from None
    except ArchiveError as err:
        part.unlink(missing_ok=True)
        raise UserError(
            f"cannot unpack {name}: {err}; the download was deleted, so pull again."
        ) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def check_url(url: str) -> None:
    """Refuse a URL that cannot be fetched (bad IPv6 address, port, or scheme)."""
    shown = printable(url)
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port  # raises ValueError for a port that is not a number
        del port
    except ValueError as err:
        raise UserError(
            f"the URL '{shown}' is not valid ({err}); give an http://, https:// or file:// URL."
        ) from None
    if parts.scheme not in ("http", "https", "file"):
        raise UserError(
            f"the URL '{shown}' is not an http://, https:// or file:// URL; give one of those."
        )
    if parts.scheme != "file" and not parts.hostname:
        raise UserError(f"the URL '{shown}' names no host; give e.g. https://host/model.zip.")


def _model_root(work: Path, name: str) -> Path:
    """Unwrap an archive whose only top-level entry is a folder holding the model."""
    entries = list(work.iterdir())
    if len(entries) != 1:
        return work
    (only,) = entries
    plain_dir = only.is_dir() and not only.is_symlink() and only.name not in MODEL_PARTS
    holds_model = only.name == name or any((only / part).is_dir() for part in MODEL_PARTS)
    return only if plain_dir and holds_model else work


def _download_failure(name: str, source: str, part: Path, err: DownloadError) -> str:
    if not err.keep_part:
        part.unlink(missing_ok=True)
        return (
            f"could not download {name} from {source}: {err}; the partial download was "
            "deleted, so the next pull starts over."
        )
    kept = part.stat().st_size if part.exists() else 0
    if not kept:
        return (
            f"could not download {name} from {source}: {err}; nothing was downloaded, "
            f"so {err.advice or 'check the network'} and run 'voice-guide models pull {name}' "
            "again."
        )
    return (
        f"could not download {name} from {source}: {err}; the {human_size(kept)} received so "
        f"far are kept in {part}, so run 'voice-guide models pull {name}' again to resume."
    )


def _sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _remove_stale_work(models_dir: Path, name: str) -> None:
    """Unpack folders left by a pull that was killed outright (SIGKILL, power loss)."""
    for stale in models_dir.glob(f".{name}.tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)


@contextlib.contextmanager
def _exclusive(models_dir: Path, name: str) -> Iterator[None]:
    with (models_dir / f".{name}.lock").open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UserError(
                f"another 'voice-guide models pull {name}' is already running; wait for it."
            ) from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextlib.contextmanager
def _friendly_os_errors(models_dir: Path) -> Iterator[None]:
    """Turn disk-full and permission errors into one sentence."""
    try:
        models_dir.mkdir(parents=True, exist_ok=True)
        yield
    except OSError as err:
        where = err.filename or models_dir
        if err.errno in (errno.ENOSPC, errno.EDQUOT):
            raise UserError(
                f"the disk holding {models_dir} is full; free some space and pull again "
                "(what was downloaded so far is kept)."
            ) from None
        if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise UserError(
                f"permission denied writing {where}; make it writable or set "
                "VOICE_GUIDE_MODELS_DIR to a folder you own."
            ) from None
        raise UserError(f"cannot write {where}: {err.strerror or err}.") from None
