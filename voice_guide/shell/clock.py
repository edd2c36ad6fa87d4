"""Real clocks for the shell (the core never reads one)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field


class MonotonicClock:
    def now(self) -> float:
        return time.monotonic()


@dataclass
class ScaledClock:
    """Real time sped up ``scale`` times (for demos and quick manual tests)."""

    scale: float = 1.0
    _origin: float = field(default_factory=time.monotonic)

    def now(self) -> float:
        return (time.monotonic() - self._origin) * self.scale
