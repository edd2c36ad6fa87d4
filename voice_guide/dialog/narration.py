"""What the guide says: sentences built from the routine. Pure text, no state."""

from __future__ import annotations

from voice_guide.intents import Intent
from voice_guide.routine.model import FlatRoutine, RunStep

_HELP_ORDER = (
    ("next", Intent.NEXT), ("back", Intent.BACK), ("repeat", Intent.REPEAT),
    ("slower", Intent.SLOWER), ("faster", Intent.FASTER), ("pause", Intent.PAUSE),
    ("resume", Intent.RESUME), ("how much time is left", Intent.TIME_LEFT),
    ("where am I", Intent.WHERE), ("go to step five", Intent.GOTO), ("start over", Intent.RESTART),
    ("louder", Intent.LOUDER), ("quieter", Intent.QUIETER), ("quit", Intent.QUIT),
)

HELP_TEXT = "You can say: " + ", ".join(p for p, _ in _HELP_ORDER[:-1]) + ", or quit."


def spoken_amount(seconds: float) -> str:
    """'2 minutes', '45 seconds', '1 minute 30 seconds'."""
    total = int(round(seconds))
    minutes, secs = divmod(total, 60)
    parts = []
    if minutes:
        parts.append(f"{minutes} minute" + ("s" if minutes != 1 else ""))
    if secs or not minutes:
        parts.append(f"{secs} second" + ("s" if secs != 1 else ""))
    return " ".join(parts)


def spoken_estimate(seconds: float) -> str:
    """A rounded amount for answers: to 10 seconds past two minutes, else to 5 seconds."""
    step = 10 if seconds >= 120 else 5
    return spoken_amount(max(step, round(seconds / step) * step)) if seconds > 0 else "no time"


def pace_sentence(factor: float, slower: bool) -> str:
    word = "Slower." if slower else "Faster."
    if abs(factor - 1.0) < 1e-6:
        return f"{word} Back to the normal pace."
    return f"{word} Steps now take {round(factor * 100)} percent of their normal time."


def spoken_range(lo: float, hi: float) -> str:
    """'5 to 6 minutes', '30 to 45 seconds', '2 minutes'."""
    if lo == hi:
        return spoken_amount(lo)
    if lo % 60 == 0 and hi % 60 == 0:
        return f"{int(lo // 60)} to {int(hi // 60)} minutes"
    if hi < 60:
        return f"{int(lo)} to {int(hi)} seconds"
    return f"{spoken_amount(lo)} to {spoken_amount(hi)}"


def step_heading(step: RunStep, position: int, total: int) -> str:
    side = f", {step.side.value} side" if step.side else ""
    return f"Step {position} of {total}{side}: {step.title}."


def measure_sentence(step: RunStep) -> str:
    if step.duration is not None:
        return f"Keep this going for {spoken_range(step.duration.min_s, step.duration.max_s)}."
    if step.repetitions is not None:
        reps = step.repetitions
        times = f"{reps.min} to {reps.max}" if reps.min != reps.max else f"{reps.max}"
        return f"Do this {times} times. I will count for you."
    return "Say next when you are ready to move on."


def step_sentences(step: RunStep, position: int, total: int) -> list[str]:
    """The full narration of a step, one short sentence per item."""
    lines = [step_heading(step, position, total), *step.instructions, *step.cautions]
    if step.tip:
        lines.append(f"Tip: {step.tip}")
    lines.append(measure_sentence(step))
    return lines


def intro_sentences(routine: FlatRoutine) -> list[str]:
    return [
        f"{routine.title}.",
        *routine.introduction,
        *routine.safety,
        "Say help at any time to hear what you can say.",
    ]


def late_start_sentences(routine: FlatRoutine, step: RunStep, position: int, total: int,
                         resumed: bool) -> list[str]:
    """The introduction when starting part-way: the safety sentences in full, then where we are."""
    side = f", {step.side.value} side" if step.side else ""
    where = f"step {position}{side}, {step.title[:1].lower()}{step.title[1:]}."
    opening = f"Welcome back. We were at {where}" if resumed else f"Starting at {where}"
    return [f"{routine.title}.", *routine.safety, opening]


COUNT_WORDS = ["One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven", "Twelve", "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen", "Twenty"]


def count_word(n: int) -> str:
    return COUNT_WORDS[n - 1] + "." if 1 <= n <= len(COUNT_WORDS) else f"{n}."
