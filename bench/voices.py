"""A synthetic voice: espeak-ng voice name plus speaking rate."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Voice:
    """An espeak-ng voice name and a speaking rate in words per minute."""

    name: str
    rate: int

    @property
    def label(self) -> str:
        return f"{self.name}@{self.rate}"
