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


def summary_sentences(ledger: WorkLedger, steps: list[RunStep], total_s: float,
                      lang: LanguagePack) -> list[str]:
    out = [lang.t("summary_total", amount=lang.rough(total_s))]
    skipped: list[int] = []
    off: list[str] = []
    for index in sorted(ledger.worked):
        step, took = steps[index], ledger.worked[index]
        span = target_range(step)
        if span is None:
            continue
        lo, hi = span
        title = lang.spell(step.title)
        if took <= 0:
            skipped.append(index + 1)
        elif took < lo - 1.0:
            off.append(lang.t("summary_short", n=index + 1, title=title, took=lang.estimate(took),
                              target=lang.span(lo, hi)))
        elif took > hi + _slack(hi):
            off.append(lang.t("summary_long", n=index + 1, title=title, took=lang.estimate(took),
                              target=lang.span(lo, hi)))
    if not off and not skipped:
        out.append(lang.t("summary_on_time"))
        return out
    out += off[:MAX_NAMED]
    if len(off) > MAX_NAMED:
        out.append(lang.t("summary_more", n=len(off) - MAX_NAMED))
    if len(skipped) == 1:
        out.append(lang.t("summary_skipped_one", n=skipped[0]))
    elif skipped:
        out.append(lang.t("summary_skipped", steps=lang.join([lang.number(n) for n in skipped])))
    return out
