"""Answers to questions and the times the guide acts on its own while nobody speaks. Pure."""

from __future__ import annotations

from voice_guide.dialog import narration as N
from voice_guide.dialog.modes import Mode
from voice_guide.dialog.timer import StepTimer
from voice_guide.lang import LanguagePack
from voice_guide.routine.model import RunStep, SidesOf
from voice_guide.settings import GuideSettings


def time_left(lang: LanguagePack, *, intro: bool, timer: StepTimer | None, session_s: float,
              last: bool) -> str:
    session = lang.estimate(session_s)
    if intro:
        return lang.t("time_left_intro", session=session)
    if timer is None:
        return lang.t("no_timer_last" if last else "no_timer", session=session)
    here = lang.estimate(timer.remaining())
    if last:
        return lang.t("time_left_last", here=here)
    return lang.t("time_left", here=here, session=session)


def where(lang: LanguagePack, step: RunStep | None, position: int, total: int,
          timer: StepTimer | None, sides_of: SidesOf = SidesOf.PARTNER) -> str:
    if step is None:
        return lang.t("where_intro", total=total)
    text = N.heading(step, position, total, lang, sides_of)
    reps = step.repetitions
    if timer is not None and reps is not None and timer.started:
        done = min(reps.max, int(timer.progress // reps.seconds_each) + 1)
        text += " " + lang.t("where_rep", n=done, total=reps.max)
    return text


def pace(lang: LanguagePack, factor: float, slower: bool) -> str:
    word = lang.t("slower" if slower else "faster")
    if abs(factor - 1.0) < 1e-6:
        return f"{word} {lang.t('pace_normal')}"
    return f"{word} {lang.t('pace_percent', percent=round(factor * 100))}"


def quiet_due(settings: GuideSettings, mode: Mode, quiet_since: float,
              reminders: int) -> tuple[float, str]:
    """When the guide acts next while nobody speaks, and how: ``no_answer`` (the quit
    question times out), ``remind`` (each reminder waits ``reminder_backoff`` times longer
    than the one before) or ``give_up`` (the inactivity limit ends the session)."""
    if mode is Mode.ASKING_QUIT:
        return quiet_since + settings.quit_answer_s, "no_answer"
    gap = sum(settings.reminder_after_s * settings.reminder_backoff**k
              for k in range(reminders + 1))
    limit = quiet_since + settings.inactivity_limit_s
    remind = quiet_since + gap
    return (remind, "remind") if remind < limit else (limit, "give_up")
