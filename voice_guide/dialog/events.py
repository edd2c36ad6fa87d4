"""Events the dialog manager takes. Every event carries the time ``t`` (seconds) it happened."""

from __future__ import annotations

from dataclasses import dataclass

from voice_guide.intents import Command


@dataclass(frozen=True)
class Start:
    t: float


@dataclass(frozen=True)
class Tick:
    t: float


@dataclass(frozen=True)
class CommandHeard:
    t: float
    command: Command


@dataclass(frozen=True)
class SpeechFinished:
    """The shell finished (or cut short) the utterance with this id."""

    t: float
    utterance_id: int


Event = Start | Tick | CommandHeard | SpeechFinished
