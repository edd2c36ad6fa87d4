"""What the guide says: sentences built from the routine and the language pack. Pure text.

Every sentence is written for the ear: numbers as words (also those in the routine's own
text), left and right said as the partner's (or the user's own, ``sides_of: self``), no labels such as "Tip:" read aloud, and never
the same sentence twice in a row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from voice_guide.intents import Intent, PhraseTable, normalize
from voice_guide.lang import LanguagePack
from voice_guide.routine.model import FlatRoutine, RunStep, SidesOf


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


def side_words(step: RunStep, lang: LanguagePack,
               sides_of: SidesOf = SidesOf.PARTNER) -> str | None:
    """"your partner's left side", or "your left side" for a routine done on oneself."""
    if not step.side:
        return None
    whose = "self_" if sides_of is SidesOf.SELF else ""
    return lang.t(f"side_{whose}{step.side.value}")


def heading(step: RunStep, position: int, total: int, lang: LanguagePack,
            sides_of: SidesOf = SidesOf.PARTNER) -> str:
    side = side_words(step, lang, sides_of)
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


def step_lines(step: RunStep, position: int, total: int, lang: LanguagePack,
               sides_of: SidesOf = SidesOf.PARTNER) -> list[Line]:
    """The full narration of a step: heading, instructions, cautions (musts), tip, measure."""
    lines = [Line(heading(step, position, total, lang, sides_of))]
    lines += [Line(lang.spell(s)) for s in step.instructions]
    lines += [Line(lang.spell(s), must=True) for s in step.cautions]
    if step.tip:
        lines.append(Line(lang.spell(step.tip)))
    lines.append(Line(measure(step, lang)))
    return without_repeats(lines)


def _total_seconds(routine: FlatRoutine) -> float:
    return sum(s.nominal_seconds or 0.0 for s in routine.steps)


def narration_seconds(lines: Iterable[Line], lang: LanguagePack, words_per_minute: int) -> float:
    """How long saying ``lines`` takes, estimated as the simulation does (word count at the
    rate, plus its short gap between sentences)."""
    from voice_guide.simulation import speech_seconds  # it imports the guide, which imports us

    return sum(speech_seconds(lang.spell(line.text), words_per_minute) for line in lines)


def session_seconds(routine: FlatRoutine, lang: LanguagePack, words_per_minute: int,
                    pace: float = 1.0, intro: Iterable[Line] = ()) -> float:
    """A whole session with nobody cutting in: ``intro``, every step's narration and timing,
    and the closing sentences."""
    total = len(routine.steps)
    spoken = [*intro, *(Line(s) for s in routine.closing)]
    for position, step in enumerate(routine.steps, 1):
        spoken += step_lines(step, position, total, lang, routine.sides_of)
    return _total_seconds(routine) * pace + narration_seconds(spoken, lang, words_per_minute)


def _intro_parts(routine: FlatRoutine, lang: LanguagePack) -> tuple[Line, list[Line]]:
    """The title, and the introduction's sentences after the overview."""
    rest = [Line(lang.spell(s)) for s in routine.introduction]
    rest += [Line(lang.spell(s), must=True) for s in routine.safety]
    rest.append(Line(lang.t("help_hint")))
    return Line(lang.t("title", title=lang.spell(routine.title))), rest


def estimated_seconds(routine: FlatRoutine, lang: LanguagePack, words_per_minute: int = 150,
                      pace: float = 1.0) -> float:
    """What a session takes with nobody cutting in (the overview's "about ... in all"):
    the steps' timing at ``pace`` and every sentence of the narration at ``words_per_minute``.
    ``lang`` must name its commands (:meth:`LanguagePack.for_table`)."""
    title, rest = _intro_parts(routine, lang)
    overview = Line(lang.t("overview", steps=len(routine.steps), amount=""))
    return session_seconds(routine, lang, words_per_minute, pace, [title, overview, *rest])


def intro_lines(routine: FlatRoutine, lang: LanguagePack, words_per_minute: int = 150,
                pace: float = 1.0) -> list[Line]:
    """Title, overview, introduction, the safety sentences (musts), and how to get help.

    The overview's length counts the narration at ``words_per_minute`` as well as the
    steps' timing (at ``pace``), so it is about what a session takes."""
    title, rest = _intro_parts(routine, lang)
    if _total_seconds(routine) > 0:
        amount = lang.rough(estimated_seconds(routine, lang, words_per_minute, pace))
        overview = Line(lang.t("overview", steps=len(routine.steps), amount=amount))
    else:  # no step is timed: "about zero seconds" would be nonsense
        overview = Line(lang.t("overview_untimed", steps=len(routine.steps)))
    return without_repeats([title, overview, *rest])


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
