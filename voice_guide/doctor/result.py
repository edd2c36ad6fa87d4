"""One check's outcome."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Status = Literal["ok", "warn", "fail"]


@dataclass(frozen=True)
class Check:
    """``fail`` stops a session; ``warn`` is worth fixing but a session can run."""

    name: str
    status: Status
    detail: str
    fix: str = ""
