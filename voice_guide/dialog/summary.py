"""The spoken summary at the end of a session: total time, and steps off their target."""

from __future__ import annotations

from dataclasses import dataclass, field

from voice_guide.lang import LanguagePack
from voice_guide.routine.model import RunStep

MAX_NAMED = 3  # steps named one by one; the rest are counted


@dataclass
class WorkLedger:
    """Routine seconds of work per step index (summed over visits) for the steps entered."""

    worked: dict[int, float] = field(default_factory=dict)

    def add(self, index: int, seconds: float) -> None:
        self.worked[index] = self.worked.get(index, 0.0) + max(0.0, seconds)


def target_range(step: RunStep) -> tuple[float, float] | None:
    if step.duration is not None:
        return step.duration.min_s, step.duration.max_s
    if step.repetitions is not None:
        r = step.repetitions
        return r.min * r.seconds_each, r.max * r.seconds_each
    return None


def _slack(hi: float) -> float:
    return max(15.0, 0.1 * hi)


def said_seconds(seconds: float) -> float:
    """A step's time as the summary says it: whole seconds (as the history table shows them)
    under two minutes, else to ten seconds. Short and long are judged on this value, so
    what is said is true ("forty-five seconds" is never called short of forty-five)."""
    if seconds < 120:
        return float(round(seconds))
    return float(round(seconds / 10) * 10)


def summary_sentences(ledger: WorkLedger, steps: list[RunStep], total_s: float,
                      lang: LanguagePack) -> list[str]:
    # whole seconds dropped, as the timeline's clock shows them (00:07 is "seven seconds")
    out = [lang.t("summary_total", amount=lang.rough(float(int(total_s))))]
    skipped: list[int] = []
    off: list[str] = []
    for index in sorted(ledger.worked):
        step, took = steps[index], ledger.worked[index]
        span = target_range(step)
        if span is None:
            continue
        lo, hi = span
        title = lang.spell(step.title)
        said = said_seconds(took)
        if said <= 0:  # not even a second (the table shows 0:00): skipped
            skipped.append(index + 1)
        elif said < lo:
            off.append(lang.t("summary_short", n=index + 1, title=title, took=lang.amount(said),
                              target=lang.span(lo, hi)))
        elif said > hi + _slack(hi):
            off.append(lang.t("summary_long", n=index + 1, title=title, took=lang.amount(said),
                              target=lang.span(lo, hi)))
    if not off and not skipped:
        out.append(lang.t("summary_on_time"))
        return out
    out += off[:MAX_NAMED]
    more = len(off) - MAX_NAMED
    if more == 1:
        out.append(lang.t("summary_more_one"))
    elif more > 1:
        out.append(lang.t("summary_more", n=lang.how_many(more)))
    if len(skipped) == 1:
        out.append(lang.t("summary_skipped_one", n=skipped[0]))
    elif skipped:
        out.append(lang.t("summary_skipped", steps=lang.join([lang.number(n) for n in skipped],
                                                               "list_last_and")))
    return out
