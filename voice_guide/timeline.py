"""Actions as timeline records: JSON objects for ``--json`` and lines for people.

:func:`show` is the one place an action's look is decided: its record type and fields,
and the line a person reads. ``record`` and ``line`` (simulate, text runs, the session
log) and the voice transcript all go through it, so a new action type is added here once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from voice_guide.dialog.actions import (
    Action,
    CommandTaken,
    Cue,
    Finished,
    Listen,
    PaceChanged,
    Paused,
    Resumed,
    Say,
    StepStarted,
    StopSpeech,
    VolumeChanged,
)
from voice_guide.text_safety import printable


@dataclass(frozen=True)
class Shown:
    """How one action is shown: record ``type`` and fields (besides ``t``), and the text for
    people (no time stamp; None for actions people need not see)."""

    type: str
    fields: dict[str, Any]
    text: str | None


def show(action: Action) -> Shown:
    match action:
        case StepStarted():
            side = f" ({action.side} side)" if action.side else ""
            return Shown("step_started",
                         {"step": action.position, "total": action.total, "id": action.step_id,
                          "title": action.title, "side": action.side},
                         f"== step {action.position}/{action.total}: {action.title}{side}")
        case Say():
            return Shown("say", {"text": action.text, "wpm": action.words_per_minute},
                         f"guide: {action.text}")
        case Cue():
            return Shown("cue", {"kind": action.kind}, f"(cue: {action.kind.replace('_', ' ')})")
        case CommandTaken():
            fields: dict[str, Any] = {"intent": action.intent.value, "phrase": action.phrase}
            if action.step is not None:
                fields["step"] = action.step
            return Shown("command", fields, f"you: \"{action.phrase}\" -> {action.intent.value}")
        case Paused():
            return Shown("paused", {}, "[paused]")
        case Resumed():
            return Shown("resumed", {}, "[resumed]")
        case PaceChanged():
            return Shown("pace", {"factor": action.factor}, f"[pace x{action.factor:g}]")
        case VolumeChanged():
            return Shown("volume", {"level": action.level},
                         f"[volume {round(action.level * 100)}%]")
        case Finished():
            how = "completed" if action.completed else "ended early"
            return Shown("finished", {"completed": action.completed}, f"== session {how}")
        case Listen():
            return Shown("listen", {"on": action.on}, None)
        case StopSpeech():
            return Shown("stop_speech", {}, None)
    raise TypeError(f"unknown action {action!r}")  # pragma: no cover


def record(action: Action) -> dict[str, Any]:
    """One JSON-ready object with ``t`` and ``type``."""
    shown = show(action)
    return {"t": round(action.t, 3), "type": shown.type, **shown.fields}


def clock_text(seconds: float) -> str:
    total = int(seconds)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


def text(action: Action) -> str | None:
    """The line for people without a time stamp, safe to print; None when not shown."""
    shown = show(action).text
    return None if shown is None else printable(shown)


def line(action: Action) -> str | None:
    """A readable timeline line, or None for actions people need not see."""
    body = text(action)
    return None if body is None else f"{clock_text(action.t)}  {body}"
