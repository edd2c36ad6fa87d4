"""What an engine hands back for one utterance, before rejection decides."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Word:
    text: str
    start: float  # seconds from the start of the audio fed for this utterance
    end: float
    conf: float  # 0..1; 1.0 when the engine gives no word confidence


@dataclass(frozen=True)
class Decoded:
    words: tuple[Word, ...]
    score: float | None = None  # engine-specific evidence (higher is better); None: not measured

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


class UtteranceDecoder(Protocol):
    """One engine decoding one utterance at a time, fed in pieces."""

    def begin(self) -> None: ...

    def feed(self, pcm: bytes) -> None: ...

    def partial(self) -> str: ...

    def finish(self) -> Decoded: ...
