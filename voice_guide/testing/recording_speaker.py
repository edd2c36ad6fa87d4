"""A Synthesizer and AudioOut that records what it was asked to say and play."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RecordingSpeaker:
    said: list[tuple[str, int, float]] = field(default_factory=list)
    cues: list[tuple[str, float]] = field(default_factory=list)
    stops: int = 0

    def say(self, text: str, words_per_minute: int, volume: float) -> None:
        self.said.append((text, words_per_minute, volume))

    def stop(self) -> None:
        self.stops += 1

    def play_cue(self, kind: str, volume: float) -> None:
        self.cues.append((kind, volume))

    @property
    def texts(self) -> list[str]:
        return [t for t, _, _ in self.said]
