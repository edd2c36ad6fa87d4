"""What every front-end stage is: one 10 ms frame in, one out, with its own switch."""

from __future__ import annotations

from typing import Protocol

from voice_guide.frontend.pcm import Int16


class Stage(Protocol):
    name: str  # "echo", "denoise", "vad", "gain": the key of its CPU time
    label: str  # what the start-up line says about it

    def process(self, frame: Int16, reference: Int16) -> Int16:
        """One 10 ms frame of microphone (and what the speaker played over it)."""
        ...

    def reset(self) -> None: ...
