"""The timer marks of a step (counts, cues, end) and what merged cues say."""

from __future__ import annotations

from voice_guide.dialog.timer import Mark
from voice_guide.lang import LanguagePack
from voice_guide.routine.model import RunStep
from voice_guide.settings import GuideSettings

MERGE_S = 5.0  # cues this close (routine seconds) are said as one


def marks_for(step: RunStep, settings: GuideSettings) -> list[Mark]:
    marks: list[Mark] = []
    if step.repetitions is not None:
        reps = step.repetitions
        marks += [Mark((n - 1) * reps.seconds_each, f"count:{n}") for n in range(1, reps.max + 1)]
    elif step.duration is not None:
        d = step.duration
        if d.max_s >= settings.halfway_cue_min_s:
            marks.append(Mark(d.max_s / 2, "cue:halfway"))
        if d.max_s > settings.one_minute_cue_min_s:
            marks.append(Mark(d.max_s - 60, "cue:one_minute"))
        if d.max_s - d.min_s >= 30:
            marks.append(Mark(d.min_s, "cue:min_reached"))
    target = step.nominal_seconds
    if target is not None:
        marks.append(Mark(target, "end"))
    return sorted(marks, key=lambda m: (m.at, m.kind == "end"))


def merged_cue(kinds: set[str], left: float, lang: LanguagePack) -> tuple[str, str]:
    """One cue sound and one sentence for cues that fall together."""
    if "halfway" in kinds and "one_minute" in kinds:
        return "one_minute", lang.t("cue_halfway_one_minute")
    if "one_minute" in kinds:  # "one minute left" also says the step may end soon
        return "one_minute", lang.t("cue_one_minute")
    if "halfway" in kinds and "min_reached" in kinds:
        return "halfway", lang.t("cue_halfway_min_reached")
    if "halfway" in kinds:
        return "halfway", lang.t("cue_halfway", left=lang.estimate(left))
    return "min_reached", lang.t("cue_min_reached")
