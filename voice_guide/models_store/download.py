"""Fetch one file over HTTP into a ``.part`` file, resuming with a Range request when possible."""

from __future__ import annotations

import http.client
import re
import socket
import stat
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from voice_guide import __version__
from voice_guide.models_store.progress import ProgressCallback

CHUNK = 64 * 1024
#: Most bytes fetched when neither the server nor the manifest says how many to expect.
MAX_DOWNLOAD_BYTES = 16 * 1024**3
_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)")

StartCallback = Callable[[int | None, int], None]
"""Called once as ``on_start(total_bytes_or_None, resuming_from_byte)`` before the body."""


class DownloadError(Exception):
    """The transfer failed. ``str()`` says why in a few words; ``keep_part`` says whether the
    bytes already on disk are still a valid prefix worth resuming from; ``advice`` (when
    given) is what to do instead of checking the network."""

    def __init__(self, reason: str, *, keep_part: bool = True, advice: str | None = None
                 ) -> None:
        super().__init__(reason)
        self.keep_part = keep_part
        self.advice = advice


@dataclass(frozen=True)
class DownloadReport:
    size: int  # bytes in the .part file at the end
    fetched: int  # bytes received by this call
    resumed_from: int  # byte offset this call continued from (0: from the start)
    restarted: bool  # a previous partial file was discarded (server ignored Range)


def download(
    url: str,
    part: Path,
    *,
    expected_size: int | None = None,
    on_start: StartCallback | None = None,
    on_progress: ProgressCallback | None = None,
    timeout: float = 30.0,
) -> DownloadReport:
    """Make ``part`` hold the whole file at ``url``.

    Keeps whatever is already in ``part`` and asks only for the rest. A server that ignores
    the Range header (answers 200) gets the file rewritten from the start. Raises
    ``DownloadError`` for network and HTTP failures; ``OSError`` from writing the file and
    ``KeyboardInterrupt`` pass through with the bytes so far left in ``part``.
    """
    have = part.stat().st_size if part.exists() else 0
    if expected_size is not None and have > expected_size:
        part.unlink()
        have = 0
    if expected_size is not None and have == expected_size:
        return DownloadReport(size=have, fetched=0, resumed_from=have, restarted=False)

    headers = {"User-Agent": f"voice-guide/{__version__}", "Accept-Encoding": "identity"}
    if have:
        headers["Range"] = f"bytes={have}-"
    try:
        request = urllib.request.Request(url, headers=headers)
    except ValueError as err:
        raise DownloadError(f"the URL is not valid ({err})") from None
    _check_local(url)
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as err:
        err.close()
        if err.code == 416 and have:
            if expected_size is None:  # nothing left to send: what we have is the whole file
                return DownloadReport(size=have, fetched=0, resumed_from=have, restarted=False)
            raise DownloadError(
                f"the server refused to resume at byte {have} (HTTP 416)", keep_part=False
            ) from None
        raise DownloadError(f"the server answered HTTP {err.code} {err.reason}") from None
    except urllib.error.URLError as err:
        raise DownloadError(_describe(err.reason)) from None
    except (OSError, http.client.HTTPException, ValueError) as err:
        raise DownloadError(_describe(err)) from None

    with response:
        status = response.status if response.status is not None else 200  # file:// has none
        length_header = response.headers.get("Content-Length")
        body_length = int(length_header) if length_header and length_header.isdigit() else None
        if status == 206 and have:
            match = _CONTENT_RANGE.match(response.headers.get("Content-Range", ""))
            if not match or int(match.group(1)) != have:
                raise DownloadError(
                    "the server sent a different part of the file than was asked for",
                    keep_part=False,
                )
            offset, mode, restarted = have, "ab", False
            if match.group(3) != "*":
                total: int | None = int(match.group(3))
            else:
                total = have + body_length if body_length is not None else expected_size
        elif status in (200, 206):
            offset, mode, restarted = 0, "wb", have > 0
            total = body_length if body_length is not None else expected_size
        else:
            raise DownloadError(f"the server answered HTTP {status} {response.reason}")

        if expected_size is not None and total is not None and total != expected_size:
            raise DownloadError(
                f"the server offers {total} bytes but the manifest expects {expected_size}",
                keep_part=False,
            )
        if on_start is not None:
            on_start(total, offset)
        done = offset
        with part.open(mode) as out:
            while True:
                try:
                    chunk = response.read(CHUNK)
                except (OSError, http.client.HTTPException) as err:
                    raise DownloadError(
                        f"the connection broke after {done} bytes ({_describe(err)})"
                    ) from None
                if not chunk:
                    break
                out.write(chunk)
                done += len(chunk)
                limit = total if total is not None else MAX_DOWNLOAD_BYTES
                if done > limit:
                    raise DownloadError(
                        f"the server sent {done} bytes, more than the {limit} it announced"
                        if total is not None else f"the server sent more than {limit} bytes",
                        keep_part=False,
                    )
                if on_progress is not None:
                    on_progress(done, total)

    if total is not None and done < total:
        raise DownloadError(f"the server closed the connection after {done} of {total} bytes")
    if total is not None and done > total:
        raise DownloadError(
            f"the server sent {done} bytes, more than the {total} it announced", keep_part=False
        )
    return DownloadReport(
        size=done, fetched=done - offset, resumed_from=offset, restarted=restarted
    )


def _check_local(url: str) -> None:
    """A ``file://`` URL must name a regular file (not /dev/zero or a FIFO, which never end)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "file":
        return
    path = Path(urllib.request.url2pathname(parts.path))
    try:
        st = path.stat()
    except FileNotFoundError:
        raise DownloadError(f"the file {path} does not exist", keep_part=True,
                            advice="check the path given with --url") from None
    except OSError:
        return  # urlopen reports what else went wrong
    if not stat.S_ISREG(st.st_mode):
        raise DownloadError(f"{path} is not a regular file", keep_part=True)


def _describe(reason: object) -> str:
    """A few plain words for a socket-level failure."""
    if isinstance(reason, ConnectionRefusedError):
        return "the connection was refused (is the server up?)"
    if isinstance(reason, socket.gaierror):
        return "the host name could not be resolved (no network?)"
    if isinstance(reason, TimeoutError):
        return "the connection timed out"
    if isinstance(reason, ConnectionResetError):
        return "the connection was reset"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror.lower() if reason.strerror[:1].isupper() else reason.strerror
    return str(reason) or type(reason).__name__
