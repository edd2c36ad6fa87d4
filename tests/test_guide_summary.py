"""What the guide says about lengths and sides: the overview's estimate, the end-of-session
summary (grammar and rounding), whose side a per-side step names, and the lead-in to the
safety points when "next" cuts the introduction. Pure core, driven in virtual time."""

from __future__ import annotations

import re

import pytest

from tests.guide_helpers import routine, says, script, starts, step
from voice_guide.dialog.actions import Finished, Say
from voice_guide.dialog.events import CommandHeard, SpeechFinished, Start
from voice_guide.dialog.guide import Guide
from voice_guide.dialog.summary import WorkLedger, summary_sentences
from voice_guide.intents import parse_command
from voice_guide.lang import load_pack
from voice_guide.routine.catalog import resolve
from voice_guide.routine.loader import load_flat
from voice_guide.settings import GuideSettings
from voice_guide.simulation import simulate

NAMES = ("warm", "rub", "knead", "sweep", "press", "rest")
EN = load_pack("en")
KO = load_pack("ko")


def summary(worked: dict[int, float], steps: int = 6, total_s: float = 600.0,
            duration: tuple[float, float] = (45, 60), lang: str = "en") -> list[str]:
    r = routine(*(step(NAMES[i], duration=duration) for i in range(steps)))
    return summary_sentences(WorkLedger(dict(worked)), r.steps, total_s, load_pack(lang))


# ------------------------------------------------------------------ overview
def test_the_overview_counts_the_narration_as_the_simulation_does() -> None:
    flat = load_flat(resolve("back-massage"))
    log = simulate(Guide(flat))
    overview = [text for _, text in says(log)][1]
    assert overview == "There are seventeen steps, about forty minutes in all."
    end = log[-1]
    assert isinstance(end, Finished) and round(end.t / 60) == 40  # what it says is what it takes


def test_slower_speech_makes_the_overview_longer() -> None:
    flat = load_flat(resolve("back-massage"))
    slow = simulate(Guide(flat, GuideSettings(words_per_minute=60)))
    overview = [text for _, text in says(slow)][1]
    minutes = round(slow[-1].t / 60)
    assert minutes > 40
    assert overview == f"There are seventeen steps, about {EN.amount(minutes * 60)} in all."


# ------------------------------------------------------------------- summary
def test_one_more_step_off_is_singular_and_more_are_plural() -> None:
    four = summary({i: 10.0 for i in range(4)})
    assert four[-1] == "And one more step was off its time."
    five = summary({i: 10.0 for i in range(5)})
    assert five[-1] == "And two more steps were off their time."


def test_korean_counts_more_steps_with_native_numbers() -> None:
    assert summary({i: 10.0 for i in range(4)}, lang="ko")[-1] == \
        "그 밖에 한 단계가 더 시간에 맞지 않았어요."
    assert summary({i: 10.0 for i in range(5)}, lang="ko")[-1] == \
        "그 밖에 두 단계가 더 시간에 맞지 않았어요."


def test_skipped_steps_are_listed_with_and() -> None:
    said = summary({0: 0.0, 2: 0.0, 3: 0.0, 4: 0.0, 5: 0.0, 1: 50.0})
    assert said[-1] == "You skipped steps one, three, four, five, and six."
    assert summary({0: 0.0, 1: 0.0}, lang="ko")[-1] == "일, 이 단계를 건너뛰었어요."


@pytest.mark.parametrize("took", [43.0, 43.6, 44.0, 44.4, 44.5, 44.6, 44.99, 45.0, 45.4])
def test_a_step_is_never_called_short_of_the_time_it_is_said_to_have_taken(took: float) -> None:
    said = summary({0: took}, steps=1)
    short = [s for s in said if "ran short" in s]
    for sentence in short:
        took_words = re.search(r"ran short: (.*) instead of", sentence)
        assert took_words is not None
        assert not sentence.endswith(f"instead of {took_words.group(1)} to one minute."), said
        assert took_words.group(1) in {EN.amount(s) for s in range(1, 45)}, said
    assert bool(short) == (round(took) < 45), said


@pytest.mark.parametrize("took", [1.0, 2.2, 3.0, 4.4])
def test_a_few_seconds_are_said_as_they_are_shown(took: float) -> None:
    said = summary({0: took}, steps=1)
    assert said[1] == (f"Step one, Warm, ran short: {EN.amount(round(took))} instead of "
                       "forty-five seconds to one minute.")


def test_less_than_half_a_second_counts_as_skipped() -> None:
    assert summary({0: 0.3}, steps=1)[-1] == "You skipped step one."


def test_the_session_length_drops_part_seconds_as_the_clock_shows_them() -> None:
    assert summary({0: 50.0}, steps=1, total_s=7.8)[0] == "The session took seven seconds."


def test_jumping_through_with_next_speaks_seconds_as_the_timeline_shows_them() -> None:
    r = routine(*(step(NAMES[i], duration=(30, 45)) for i in range(4)))
    plain = simulate(Guide(r))
    narrated = starts(plain)[1][0] - starts(plain)[0][0] - 45  # first step's narration
    first = starts(plain)[0][0]
    at = first + narrated + 3.0  # three seconds into the first step's timer
    log = simulate(Guide(r), script((at, "next"), (at + 1, "next"), (at + 2, "next"),
                                     (at + 3, "next")))
    texts = [text for _, text in says(log)]
    closing = texts[texts.index("All done.") + 1:]
    assert closing[1] == ("Step one, Warm, ran short: three seconds instead of thirty to "
                          "forty-five seconds.")
    assert closing[2] == "You skipped steps two, three, and four."


# --------------------------------------------------------------------- sides
def test_a_routine_done_on_oneself_says_your_left_side() -> None:
    r = routine(step("warm", duration=(10, 10)), step("stretch", duration=(10, 10), side="left"))
    mine = type(r).model_validate({**r.model_dump(), "sides_of": "self"})
    texts = [text for _, text in says(simulate(Guide(mine)))]
    assert "Step two of two, your left side: Stretch." in texts
    assert not any("partner" in t for t in texts)
    ko = [text for _, text in says(simulate(Guide(mine, GuideSettings(language="ko"))))]
    assert "이 단계 중 이 단계, 왼쪽: Stretch." in ko
    partner = [text for _, text in says(simulate(Guide(r)))]
    assert "Step two of two, your partner's left side: Stretch." in partner


def test_where_am_i_names_ones_own_side_too() -> None:
    r = routine(step("stretch", duration=(300, 300), side="right"))
    mine = type(r).model_validate({**r.model_dump(), "sides_of": "self"})
    begin = starts(simulate(Guide(mine)))[0][0]
    log = simulate(Guide(mine), script((begin + 60, "where am I")))
    assert "Step one of one, your right side: Stretch." in [t for w, t in says(log) if w > begin]


# ---------------------------------------------------------- safety lead-in
SAFETY = ["Skip any spot that hurts.", "Never press directly on the spine itself."]


def _intro_cut_after(heard: int) -> list[str]:
    """Say "next" once the first ``heard`` sentences of the introduction were heard."""
    g = Guide(routine(step("a", duration=(30, 30)), safety=SAFETY))
    said = [a for a in g.handle(Start(0.0)) if isinstance(a, Say)]
    for a in said[:heard]:
        g.handle(SpeechFinished(1.0, a.utterance_id))
    out = g.handle(CommandHeard(2.0, parse_command("next")))
    return [a.text for a in out if isinstance(a, Say)]


def test_next_before_the_safety_points_leads_in_to_them() -> None:
    texts = [a.text for a in Guide(routine(step("a"), safety=SAFETY)).handle(Start(0.0))
             if isinstance(a, Say)]
    first_safety = texts.index(SAFETY[0])
    assert _intro_cut_after(first_safety)[:3] == ["First, the safety points.", *SAFETY]


def test_next_after_some_safety_points_leads_in_to_the_rest() -> None:
    texts = [a.text for a in Guide(routine(step("a"), safety=SAFETY)).handle(Start(0.0))
             if isinstance(a, Say)]
    after_first = texts.index(SAFETY[0]) + 1
    assert _intro_cut_after(after_first)[:2] == ["First, the rest of the safety points.",
                                                 SAFETY[1]]


def test_next_after_every_safety_point_has_no_lead_in() -> None:
    texts = [a.text for a in Guide(routine(step("a"), safety=SAFETY)).handle(Start(0.0))
             if isinstance(a, Say)]
    after_all = texts.index(SAFETY[1]) + 1
    said = _intro_cut_after(after_all)
    assert not any("safety points" in t for t in said), said
    assert said[0] == "Step one of one: A."
