"""Small routines built in code, and helpers to read an action log."""

from __future__ import annotations

from voice_guide.dialog.actions import Action, Cue, Say, StepStarted, StopSpeech
from voice_guide.intents import parse_command
from voice_guide.routine.model import Duration, FlatRoutine, Repetitions, RunStep
from voice_guide.script_file import ScriptLine
from voice_guide.simulation import speech_seconds


def step(id: str, *, duration: tuple[float, float] | None = None,
         reps: tuple[int, int, float] | None = None, side: str | None = None) -> RunStep:
    return RunStep(
        id=f"{id}-{side}" if side else id, source_id=id, side=side, title=id.replace("-", " ").title(),
        instructions=[f"Do the {id} thing."],
        duration=Duration(min_s=duration[0], max_s=duration[1]) if duration else None,
        repetitions=Repetitions(min=reps[0], max=reps[1], seconds_each=reps[2]) if reps else None,
        pressure="light", area="back", technique="stroke", cautions=["Mind the spine."],
    )


def routine(*steps: RunStep, safety: list[str] | None = None) -> FlatRoutine:
    return FlatRoutine(id="t", title="Test routine", description="d", introduction=["Hello."],
                       safety=safety or [], closing=["All done."], steps=list(steps))


def said_in_full(log: list[Action]) -> list[tuple[float, float, str]]:
    """(start, end, text) of every Say heard to its end, replaying the log the way the
    simulation's speaker plays it: one after another, a StopSpeech cuts all not yet ended."""
    queue: list[Say] = []
    out: list[tuple[float, float, str]] = []
    free_at = 0.0
    for action in [*log, StopSpeech(float("inf"))]:
        if not isinstance(action, Say | StopSpeech):
            continue
        # play what is queued up to this action's time
        while queue:
            say = queue[0]
            begin = max(free_at, say.t)
            end = begin + speech_seconds(say.text, say.words_per_minute)
            if end > action.t:
                break
            out.append((begin, end, say.text))
            free_at = end
            queue.pop(0)
        if isinstance(action, StopSpeech):
            queue.clear()
            free_at = action.t
        else:
            queue.append(action)
    return out


MEASURES = ("Keep this going for", "Do this ", "Say next when you are ready to move on")
"""How a step's narration ends (its last sentence, in English)."""


def narration_end(log: list[Action], position: int, nth: int = 0) -> float:
    """When the narration of step ``position`` (the ``nth`` time it started) was said to its
    end: the simulation stamps each sentence when it is spoken, so this is the end of the
    first measure sentence after the step started."""
    begun = [k for k, a in enumerate(log) if isinstance(a, StepStarted) and a.position == position]
    for a in log[begun[nth]:]:
        if isinstance(a, Say) and a.text.startswith(MEASURES):
            return a.t + speech_seconds(a.text, a.words_per_minute)
    raise AssertionError(f"step {position} has no measure sentence: {says(log)}")


def script(*lines: tuple[float, str]) -> list[ScriptLine]:
    out = []
    for n, (t, phrase) in enumerate(lines, start=1):
        command = parse_command(phrase)
        assert command is not None, phrase
        out.append(ScriptLine(t, phrase, command, n))
    return out


def says(log: list[Action]) -> list[tuple[float, str]]:
    return [(a.t, a.text) for a in log if isinstance(a, Say)]


def said_after(log: list[Action], t: float, text: str) -> float:
    """Time of the first Say at or after ``t`` containing ``text``."""
    for a in log:
        if isinstance(a, Say) and a.t >= t and text in a.text:
            return a.t
    raise AssertionError(f"nobody said {text!r} after {t}: {says(log)}")


def cues(log: list[Action]) -> list[tuple[float, str]]:
    return [(a.t, a.kind) for a in log if isinstance(a, Cue)]


def starts(log: list[Action]) -> list[tuple[float, int]]:
    return [(a.t, a.position) for a in log if isinstance(a, StepStarted)]
