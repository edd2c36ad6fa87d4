"""Small protocols the shell's engines implement. One adapter module per engine.

The pure core (``voice_guide.dialog``) uses none of these: it only sees events
and returns actions. The shell wires these ports to it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from voice_guide.intents import Command, Intent

SAMPLE_RATE = 16_000  # every recognizer takes 16 kHz, mono, signed 16-bit little-endian PCM


class Clock(Protocol):
    def now(self) -> float:
        """Seconds, monotonic."""
        ...


@dataclass(frozen=True)
class Rejected:
    """Words a recognizer heard and did not take as a command, and why (for the live view)."""

    text: str
    intent: Intent | None  # what the words would have meant, had they been taken
    reason: str


@dataclass(frozen=True)
class Heard:
    """A command a recognizer is sure of, with where it was in the audio."""

    command: Command
    text: str
    confidence: float
    start: float  # seconds of audio where the phrase began
    end: float  # seconds of audio where the phrase ended
    emitted_at: float  # seconds of audio consumed when the command was emitted
    engine: str


class Recognizer(Protocol):
    """A streaming command recognizer. Owned by one thread; never shared."""

    name: str

    def accept(self, pcm: bytes) -> list[Heard]:
        """Feed 16 kHz mono int16 PCM; return commands that became certain."""
        ...

    def flush(self) -> list[Heard]:
        """End of audio: return whatever is still pending."""
        ...

    def reset(self) -> None:
        """Drop partial state (e.g. after the guide spoke)."""
        ...


class Hearing(Protocol):
    """Front end plus recognizer (``voice_guide.frontend``), owned by one thread."""

    name: str

    def accept(self, pcm: bytes, reference: bytes | None = None) -> list[Heard]:
        """Feed a 16 kHz mono int16 microphone block and, when known, the same number of
        samples of what the speaker played over the same instants (None: silence)."""
        ...

    def flush(self) -> list[Heard]: ...

    def reset(self) -> None: ...

    def take_rejected(self) -> list[Rejected]: ...

    def close(self) -> None: ...


class Synthesizer(Protocol):
    """Speech output. ``say`` blocks until the text has been spoken or ``stop`` is called."""

    def say(self, text: str, words_per_minute: int, volume: float) -> None: ...

    def stop(self) -> None: ...


class AudioIn(Protocol):
    """A source of 16 kHz mono int16 PCM blocks (microphone or file)."""

    def blocks(self) -> Iterator[bytes]: ...

    def close(self) -> None: ...


class AudioOut(Protocol):
    """Plays short cue sounds."""

    def play_cue(self, kind: str, volume: float) -> None: ...
