"""Actions the dialog manager returns. The shell performs some (say, cue, listen, stop speech);
all of them are also notifications a listener such as the session log can record."""

from __future__ import annotations

from dataclasses import dataclass

from voice_guide.intents import Intent


@dataclass(frozen=True)
class Say:
    """Speak ``text``; report ``SpeechFinished(utterance_id)`` when done."""

    t: float
    text: str
    utterance_id: int
    words_per_minute: int


@dataclass(frozen=True)
class StopSpeech:
    """Cut off whatever is being said now (a newer command overrides it)."""

    t: float


@dataclass(frozen=True)
class Cue:
    """A short sound: ``halfway``, ``one_minute``, ``min_reached``, ``step_end``, ``reminder``."""

    t: float
    kind: str


@dataclass(frozen=True)
class Listen:
    """Turn the microphone's command path on or off (off while the guide talks)."""

    t: float
    on: bool


@dataclass(frozen=True)
class StepStarted:
    t: float
    position: int  # 1-based
    total: int
    step_id: str
    title: str
    side: str | None


@dataclass(frozen=True)
class CommandTaken:
    t: float
    intent: Intent
    phrase: str
    step: int | None = None


@dataclass(frozen=True)
class Paused:
    t: float


@dataclass(frozen=True)
class Resumed:
    t: float


@dataclass(frozen=True)
class PaceChanged:
    t: float
    factor: float


@dataclass(frozen=True)
class VolumeChanged:
    t: float
    level: float


@dataclass(frozen=True)
class Finished:
    t: float
    completed: bool


Action = (
    Say | StopSpeech | Cue | Listen | StepStarted | CommandTaken | Paused | Resumed | PaceChanged
    | VolumeChanged | Finished
)
