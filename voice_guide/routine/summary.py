"""A readable, plain-text summary of a routine (what `voice-guide routines show` prints)."""

from __future__ import annotations

from pathlib import Path

from voice_guide.dialog.narration import estimated_seconds
from voice_guide.intents import DEFAULT_TABLE
from voice_guide.lang import load_pack
from voice_guide.routine.model import FlatRoutine, RunStep


def _number(value: float) -> str:
    return f"{value:g}"


def measure(step: RunStep) -> str:
    """``30-45 s``, ``3-4 x 15 s`` or ``until "next"``."""
    if step.duration is not None:
        d = step.duration
        span = _number(d.min_s) if d.min_s == d.max_s else f"{_number(d.min_s)}-{_number(d.max_s)}"
        return f"{span} s"
    if step.repetitions is not None:
        r = step.repetitions
        span = str(r.min) if r.min == r.max else f"{r.min}-{r.max}"
        return f"{span} x {_number(r.seconds_each)} s"
    return 'until "next"'


def total_minutes(flat: FlatRoutine) -> float:
    """About how long a session takes at normal pace, narration included: what the guide's
    overview says (English at the default 150 words per minute)."""
    if not any(s.nominal_seconds for s in flat.steps):
        return 0.0
    return estimated_seconds(flat, load_pack("en").for_table(DEFAULT_TABLE)) / 60.0


def summary_lines(flat: FlatRoutine, path: Path | None = None) -> list[str]:
    lines = [f"{flat.title} ({flat.id})"]
    if path is not None:
        lines.append(f"File: {path}")
    lines.append(flat.description)
    lines.append(
        f"{len(flat.steps)} steps in running order, "
        f"about {total_minutes(flat):.0f} minutes at normal pace."
    )
    lines += ["", "Introduction:", *(f"  {s}" for s in flat.introduction)]
    if flat.safety:
        lines += ["", "Safety:", *(f"  - {s}" for s in flat.safety)]
    lines += ["", "Steps:"]
    titles = [s.title + (f" ({s.side.value})" if s.side is not None else "") for s in flat.steps]
    width = max(len(t) for t in titles)
    measures = [measure(s) for s in flat.steps]
    mwidth = max(len(m) for m in measures)
    for number, (step, title, how) in enumerate(zip(flat.steps, titles, measures, strict=True), 1):
        lines.append(
            f"  {number:>2}. {title.ljust(width)}  {how.ljust(mwidth)}  "
            f"{step.pressure.value:<6}  {step.area}"
        )
        lines += [f"        caution: {c}" for c in step.cautions]
        if step.tip:
            lines.append(f"        tip: {step.tip}")
    lines += ["", "Closing:", *(f"  {s}" for s in flat.closing)]
    return lines
