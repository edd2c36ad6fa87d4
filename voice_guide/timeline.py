"""Actions as timeline records: JSON objects for ``--json`` and lines for people."""

from __future__ import annotations

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


def record(action: Action) -> dict[str, Any]:
    """One JSON-ready object with ``t`` and ``type``."""
    t = round(action.t, 3)
    match action:
        case StepStarted():
            return {"t": t, "type": "step_started", "step": action.position, "total": action.total,
                    "id": action.step_id, "title": action.title, "side": action.side}
        case Say():
            return {"t": t, "type": "say", "text": action.text, "wpm": action.words_per_minute}
        case Cue():
            return {"t": t, "type": "cue", "kind": action.kind}
        case CommandTaken():
            rec: dict[str, Any] = {"t": t, "type": "command", "intent": action.intent.value,
                                   "phrase": action.phrase}
            if action.step is not None:
                rec["step"] = action.step
            return rec
        case Paused():
            return {"t": t, "type": "paused"}
        case Resumed():
            return {"t": t, "type": "resumed"}
        case PaceChanged():
            return {"t": t, "type": "pace", "factor": action.factor}
        case VolumeChanged():
            return {"t": t, "type": "volume", "level": action.level}
        case Finished():
            return {"t": t, "type": "finished", "completed": action.completed}
        case Listen():
            return {"t": t, "type": "listen", "on": action.on}
        case StopSpeech():
            return {"t": t, "type": "stop_speech"}
    raise TypeError(f"unknown action {action!r}")  # pragma: no cover


def clock_text(seconds: float) -> str:
    total = int(seconds)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


def line(action: Action) -> str | None:
    """A readable timeline line, or None for actions people need not see."""
    stamp = clock_text(action.t)
    match action:
        case StepStarted():
            side = f" ({action.side} side)" if action.side else ""
            return f"{stamp}  == step {action.position}/{action.total}: {action.title}{side}"
        case Say():
            return f"{stamp}  guide: {action.text}"
        case Cue():
            return f"{stamp}  (cue: {action.kind.replace('_', ' ')})"
        case CommandTaken():
            return f"{stamp}  you: \"{action.phrase}\" -> {action.intent.value}"
        case Paused():
            return f"{stamp}  [paused]"
        case Resumed():
            return f"{stamp}  [resumed]"
        case PaceChanged():
            return f"{stamp}  [pace x{action.factor:g}]"
        case VolumeChanged():
            return f"{stamp}  [volume {round(action.level * 100)}%]"
        case Finished():
            how = "completed" if action.completed else "ended early"
            return f"{stamp}  == session {how}"
    return None
