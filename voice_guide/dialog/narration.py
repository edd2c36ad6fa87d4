"""What the guide says: sentences built from the routine and the language pack. Pure text.

Every sentence is written for the ear: numbers as words (also those in the routine's own
text), left and right said as the partner's, no labels such as "Tip:" read aloud, and never
the same sentence twice in a row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from voice_guide.intents import Intent, PhraseTable, normalize
from voice_guide.lang import LanguagePack
from voice_guide.routine.model import FlatRoutine, RunStep


@dataclass(frozen=True)
class Line:
    """One spoken sentence; ``must`` lines (safety, cautions) are always said in full."""

    text: str
    must: bool = False


def without_repeats(lines: Iterable[Line]) -> list[Line]:
    """Drop a sentence equal to the one before it (a must line is kept over its twin)."""
    out: list[Line] = []
    for line in lines:
        if out and normalize(out[-1].text) == normalize(line.text):
            out[-1] = Line(out[-1].text, out[-1].must or line.must)
            continue
        out.append(line)
    return out


def side_words(step: RunStep, lang: LanguagePack) -> str | None:
    return lang.t(f"side_{step.side.value}") if step.side else None


def heading(step: RunStep, position: int, total: int, lang: LanguagePack) -> str:
    side = side_words(step, lang)
    title = lang.spell(step.title)
    if side:
        return lang.t("heading_side", n=position, total=total, side=side, title=title)
    return lang.t("heading", n=position, total=total, title=title)


def measure(step: RunStep, lang: LanguagePack) -> str:
    if step.duration is not None:
        return lang.t("measure_duration", amount=lang.span(step.duration.min_s, step.duration.max_s))
    if step.repetitions is not None:
        reps = step.repetitions
        if reps.min == reps.max:
            return lang.t("measure_reps_exact", times=reps.max)
        return lang.t("measure_reps", lo=reps.min, hi=reps.max)
    return lang.t("measure_untimed")


def step_lines(step: RunStep, position: int, total: int, lang: LanguagePack) -> list[Line]:
    """The full narration of a step: heading, instructions, cautions (musts), tip, measure."""
    lines = [Line(heading(step, position, total, lang))]
    lines += [Line(lang.spell(s)) for s in step.instructions]
    lines += [Line(lang.spell(s), must=True) for s in step.cautions]
    if step.tip:
        lines.append(Line(lang.spell(step.tip)))
    lines.append(Line(measure(step, lang)))
    return without_repeats(lines)


def _total_seconds(routine: FlatRoutine) -> float:
    return sum(s.nominal_seconds or 0.0 for s in routine.steps)


def intro_lines(routine: FlatRoutine, lang: LanguagePack) -> list[Line]:
    """Title, overview, introduction, the safety sentences (musts), and how to get help."""
    lines = [Line(lang.t("title", title=lang.spell(routine.title)))]
    lines.append(Line(lang.t("overview", steps=len(routine.steps),
                             amount=lang.rough(_total_seconds(routine)))))
    lines += [Line(lang.spell(s)) for s in routine.introduction]
    lines += [Line(lang.spell(s), must=True) for s in routine.safety]
    lines.append(Line(lang.t("help_hint")))
    return without_repeats(lines)


def late_start_lines(routine: FlatRoutine, position: int, resumed: bool,
                     lang: LanguagePack) -> list[Line]:
    """Starting part-way: the title, the safety sentences in full, then where we are."""
    lines = [Line(lang.t("title", title=lang.spell(routine.title)))]
    if resumed:
        lines.append(Line(lang.t("welcome_back")))
    if routine.safety:
        lines.append(Line(lang.t("safety_first")))
    lines += [Line(lang.spell(s), must=True) for s in routine.safety]
    lines.append(Line(lang.t("resumed_at" if resumed else "starting_at", n=position)))
    return without_repeats(lines)


HELP_ORDER: tuple[Intent, ...] = (
    Intent.NEXT, Intent.BACK, Intent.REPEAT, Intent.SLOWER, Intent.FASTER, Intent.PAUSE,
    Intent.RESUME, Intent.TIME_LEFT, Intent.WHERE, Intent.GOTO, Intent.RESTART, Intent.LOUDER,
    Intent.QUIETER, Intent.QUIT,
)


def help_sentence(table: PhraseTable, lang: LanguagePack) -> str:
    """"You can say: ..." with one phrase per command the recognizer can hear."""
    examples = []
    for intent in HELP_ORDER:
        phrase = _example(table, intent, lang)
        if phrase:
            examples.append(phrase)
    return lang.t("help", phrases=lang.join(examples))


def _example(table: PhraseTable, intent: Intent, lang: LanguagePack) -> str | None:
    known = table.phrases_for(intent)
    if not known:
        return None
    preferred = lang.texts.get(f"help_phrase_{intent.value}")
    if preferred and normalize(preferred) in known:
        return preferred
    if intent is Intent.GOTO:
        return min(known, key=lambda p: (table.lookup[p].step != 5, len(p)))
    return table.phrases.get(intent, known)[0] if table.phrases.get(intent) else known[0]
