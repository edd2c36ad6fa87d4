"""A synthetic voice: synthesizer, voice name and speaking rate."""

from __future__ import annotations

from dataclasses import dataclass

SYNTHESIZERS = ("espeak-ng", "flite")


@dataclass(frozen=True)
class Voice:
    """A voice of one synthesizer and a speaking rate.

    espeak-ng: ``rate`` in words per minute. flite (held-out voices kal16, awb, rms,
    slt): ``rate`` in percent of the voice's normal speed.
    """

    name: str
    rate: int
    synth: str = "espeak-ng"

    @property
    def label(self) -> str:
        if self.synth == "espeak-ng":
            return f"{self.name}@{self.rate}"
        return f"{self.synth}:{self.name}@{self.rate}%"
