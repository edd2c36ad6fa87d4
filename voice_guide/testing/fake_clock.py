"""A clock that moves only when told to."""

from __future__ import annotations

import queue
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class FakeClock:
    def __init__(self, start: float = 0.0) -> None:
        self.t = start

    def now(self) -> float:
        return self.t

    def advance(self, seconds: float) -> float:
        self.t += seconds
        return self.t

    def waiter(self, inbox: queue.Queue[T], real_s: float = 0.0) -> Callable[[float], T]:
        """A ``Conductor(wait=...)`` for this clock: takes what is in ``inbox`` (waiting at
        most ``real_s`` real seconds for worker threads); when nothing came, the time the
        conductor meant to wait passes at once on this clock and ``queue.Empty`` is raised."""

        def wait(timeout: float) -> T:
            try:
                return inbox.get(timeout=real_s) if real_s > 0 else inbox.get_nowait()
            except queue.Empty:
                self.advance(timeout)
                raise

        return wait
