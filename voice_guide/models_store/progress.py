"""Download progress on stderr: a one-line ``\\r`` bar on a terminal, start/finish lines otherwise."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

ProgressCallback = Callable[[int, int | None], None]
"""Called as ``callback(bytes_done, bytes_total_or_None)`` after every chunk."""


def human_size(n: int | None) -> str:
    """``41205931`` -> ``39.3 MiB``; ``None`` -> ``unknown size``."""
    if n is None:
        return "unknown size"
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"  # pragma: no cover - the loop always returns


class TerminalProgress:
    """Draws progress for one download. ``update`` is the download's progress callback."""

    WIDTH = 30

    def __init__(self, stream: TextIO, label: str, *, min_interval: float = 0.1) -> None:
        self._stream = stream
        self._label = label
        self._tty = bool(getattr(stream, "isatty", lambda: False)())
        self._min_interval = min_interval
        self._last_draw = 0.0
        self._drawn = False
        self._finished = False
        self._started = time.monotonic()

    def start(self, total: int | None, resume_from: int) -> None:
        self._started = time.monotonic()
        self._finished = False
        what = f"{self._label} ({human_size(total)})"
        if resume_from:
            print(f"resuming {what} from {human_size(resume_from)}", file=self._stream)
        else:
            print(f"downloading {what}", file=self._stream)

    def update(self, done: int, total: int | None) -> None:
        if total is not None and done >= total:
            self.finish(done)
            return
        if not self._tty:
            return
        now = time.monotonic()
        if self._drawn and now - self._last_draw < self._min_interval and done != total:
            return
        self._last_draw = now
        self._drawn = True
        self._stream.write("\r" + self._line(done, total))
        self._stream.flush()

    def finish(self, done: int) -> None:
        """Print the closing line (once), after drawing the full bar on a terminal."""
        if self._finished:
            return
        self._finished = True
        if self._tty:
            self._stream.write("\r" + self._line(done, done) + "\n")
        seconds = max(time.monotonic() - self._started, 1e-6)
        print(f"downloaded {self._label}: {human_size(done)} in {seconds:.1f} s", file=self._stream)

    def abandon(self) -> None:
        """End the bar line so an error message starts on a fresh line."""
        if self._drawn:
            self._stream.write("\n")
            self._stream.flush()
            self._drawn = False

    def _line(self, done: int, total: int | None) -> str:
        if not total:
            return f"{self._label}: {human_size(done)}"
        frac = min(done / total, 1.0)
        filled = int(frac * self.WIDTH)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        return f"[{bar}] {frac * 100:5.1f}% {human_size(done)} / {human_size(total)}"
