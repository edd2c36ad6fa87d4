"""A real HTTP server on 127.0.0.1 for download tests, with knobs for misbehaving.

``ModelServer`` serves in-memory files from a background thread. Per file it can honour or
ignore Range requests, and cut the body short (announce the full Content-Length, send only
the first N bytes, then close the connection) for the first few requests. Every request is
recorded with its Range header and how many body bytes were sent.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import random
import re
import socket
import stat
import threading
import time
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class ServedFile:
    body: bytes
    ranges: bool = True
    cut_after: int | None = None  # send only this many body bytes ...
    cut_times: int = 0  # ... on this many requests, then behave
    stall: float = 0.0  # seconds to go silent after the cut, before closing


@dataclass(frozen=True)
class Hit:
    path: str
    range: str | None
    status: int
    sent: int


@dataclass
class ModelServer:
    files: dict[str, ServedFile] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    port: int = 0
    # Requests being answered: a hit is recorded after its body is sent, so the client can
    # be done before the server thread records it. hits_for() waits for these to finish.
    in_flight: int = 0
    changed: threading.Condition = field(default_factory=threading.Condition)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add(
        self,
        path: str,
        body: bytes,
        *,
        ranges: bool = True,
        cut_after: int | None = None,
        cut_times: int = 0,
        stall: float = 0.0,
    ) -> str:
        """Serve ``body`` at ``path``; returns its URL."""
        self.files["/" + path.lstrip("/")] = ServedFile(body, ranges, cut_after, cut_times, stall)
        return self.url(path)

    def hits_for(self, path: str, settle_s: float = 30.0) -> list[Hit]:
        """The requests for ``path`` so far, once every request under way is recorded."""
        with self.changed:
            self.changed.wait_for(lambda: self.in_flight == 0, settle_s)
            return [hit for hit in self.hits if hit.path == "/" + path.lstrip("/")]


def _handler(server_state: ModelServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

        def do_GET(self) -> None:  # noqa: N802
            with server_state.changed:
                server_state.in_flight += 1
            try:
                self._answer()
            finally:
                with server_state.changed:
                    server_state.in_flight -= 1
                    server_state.changed.notify_all()

        def _answer(self) -> None:
            served = server_state.files.get(self.path)
            range_header = self.headers.get("Range")
            if served is None:
                self._reply(404, b"not found\n", range_header)
                return
            body = served.body
            start = 0
            status = 200
            headers: dict[str, str] = {"Content-Type": "application/zip"}
            match = re.fullmatch(r"bytes=(\d+)-", range_header or "")
            if served.ranges:
                headers["Accept-Ranges"] = "bytes"
                if match:
                    start = int(match.group(1))
                    if start >= len(body):
                        headers["Content-Range"] = f"bytes */{len(body)}"
                        self._reply(416, b"", range_header, headers)
                        return
                    status = 206
                    headers["Content-Range"] = f"bytes {start}-{len(body) - 1}/{len(body)}"
            payload = body[start:]
            limit = len(payload)
            if served.cut_after is not None and served.cut_times > 0:
                served.cut_times -= 1
                limit = min(limit, served.cut_after)
            self._reply(status, payload, range_header, headers, limit=limit, stall=served.stall)

        def _reply(
            self,
            status: int,
            payload: bytes,
            range_header: str | None,
            headers: dict[str, str] | None = None,
            *,
            limit: int | None = None,
            stall: float = 0.0,
        ) -> None:
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            cut = limit is not None and limit < len(payload)
            if cut:
                self.send_header("Connection", "close")
            self.end_headers()
            sent = len(payload) if limit is None else limit
            self.wfile.write(payload[:sent])
            self.wfile.flush()
            server_state.hits.append(Hit(self.path, range_header, status, sent))
            if cut:
                time.sleep(stall)
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)

    return Handler


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up mid-body (the Ctrl-C tests) is expected, not news."""


@contextlib.contextmanager
def running_server() -> Iterator[ModelServer]:
    """Start a server on a free loopback port; stop it on exit."""
    state = ModelServer()
    httpd = _QuietServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    thread = threading.Thread(
        target=httpd.serve_forever, args=(0.02,), name="model-server", daemon=True
    )
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- archives for the server to hand out -------------------------------------------------

MODEL_FILES = (
    "am/final.mdl",
    "conf/model.conf",
    "conf/mfcc.conf",
    "graph/HCLr.fst",
    "graph/Gr.fst",
    "ivector/final.ie",
    "README",
)


def model_zip(
    top: str | None,
    *,
    big: int = 300_000,
    extra: dict[str, bytes] | None = None,
    symlinks: dict[str, str] | None = None,
) -> bytes:
    """A zip laid out like a Vosk model, under folder ``top`` (or at the root if None).

    ``am/final.mdl`` gets ``big`` pseudo-random (incompressible, reproducible) bytes so a
    download takes several chunks. ``extra`` members are added verbatim (names untouched),
    ``symlinks`` maps member name -> link target.
    """
    rng = random.Random(1234)
    prefix = f"{top}/" if top else ""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        for rel in MODEL_FILES:
            size = big if rel == "am/final.mdl" else 512
            zf.writestr(prefix + rel, rng.randbytes(size))
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, target)
        with warnings.catch_warnings():  # a duplicate name is sometimes the point
            warnings.simplefilter("ignore", UserWarning)
            for name, data in (extra or {}).items():
                zf.writestr(zipfile.ZipInfo(name), data)
    return buf.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
