"""Safety first, exact answers and counting after narration: driven in virtual time."""

from __future__ import annotations

import pytest

from tests.guide_helpers import (
    cues,
    narration_end,
    routine,
    said_in_full,
    says,
    script,
    starts,
    step,
)
from voice_guide.dialog.actions import Say, StepStarted
from voice_guide.dialog.events import CommandHeard, SpeechFinished, Start
from voice_guide.dialog.guide import Guide
from voice_guide.dialog.modes import Mode
from voice_guide.intents import parse_command
from voice_guide.simulation import simulate, speech_seconds

SAFETY = ["Skip any spot that hurts.", "Never press directly on the spine itself."]
MEASURE = "Do this three to four times. I will count for you."


def intro_end() -> float:
    """When the introduction of the safety routine ends with nobody talking."""
    log = simulate(Guide(routine(step("a", reps=(3, 4, 10)), safety=SAFETY)))
    return starts(log)[0][0]


def first_start(log: list) -> float:
    return next(a.t for a in log if isinstance(a, StepStarted))


@pytest.mark.parametrize("commands", [
    ["help"], ["louder"], ["next"], ["go to step two"], ["pause", "resume"], ["say that again"],
    ["quit", "no"], ["how much time is left"], ["next", "next"], ["pause", "next"],
])
def test_safety_is_said_in_full_before_the_first_step_whatever_is_said(commands: list[str]) -> None:
    r = routine(step("a", reps=(3, 4, 10)), step("b", duration=(30, 30)), safety=SAFETY)
    end = intro_end()
    for k in range(int(end / 0.5)):  # every half second of the introduction
        at = k * 0.5 + 0.1
        log = simulate(Guide(r), script(*[(at + 0.7 * i, c) for i, c in enumerate(commands)]))
        begin = first_start(log)
        full = [text for _, stop, text in said_in_full(log) if stop <= begin]
        for sentence in SAFETY:
            assert sentence in full, (commands, at, says(log))


def test_a_cut_safety_sentence_is_said_again_from_its_start() -> None:
    r = routine(step("a", duration=(30, 30)), safety=SAFETY)
    g = Guide(r)
    said = [a for a in g.handle(Start(0.0)) if isinstance(a, Say)]
    spine = next(a for a in said if a.text == SAFETY[1])
    for a in said[: said.index(spine)]:  # all up to the spine sentence are heard
        g.handle(SpeechFinished(5.0, a.utterance_id))
    out = g.handle(CommandHeard(6.0, parse_command("louder")))  # cuts the spine sentence
    reply = [a for a in out if isinstance(a, Say)]
    assert [a.text for a in reply] == ["Louder."]
    out = g.handle(SpeechFinished(7.0, reply[0].utterance_id))
    again = [a.text for a in out if isinstance(a, Say)]
    assert again[0] == SAFETY[1]
    assert not any(isinstance(a, StepStarted) for a in out)


@pytest.mark.parametrize("commands", [
    ["louder"], ["help"], ["where am i"], ["pause", "resume"], ["quit", "no"], ["slower"],
])
def test_cautions_are_said_in_full_before_the_count_starts(commands: list[str]) -> None:
    r = routine(step("a", reps=(3, 4, 10)))
    plain = simulate(Guide(r))
    begin = starts(plain)[0][0]
    length = narration_end(plain, 1) - begin
    for k in range(int(length / 0.5)):
        at = begin + k * 0.5 + 0.1
        log = simulate(Guide(r), script(*[(at + 0.7 * i, c) for i, c in enumerate(commands)]))
        one = next(start for start, _, text in said_in_full(log) if text == "One.")
        full = [text for _, stop, text in said_in_full(log) if stop <= one]
        assert "Mind the spine." in full, (commands, at)
        assert MEASURE in full, (commands, at)  # counting starts after the narration ended


def test_time_left_is_exact_between_ticks() -> None:
    r = routine(step("light", duration=(300, 360)), step("b", duration=(60, 60)))
    plain = simulate(Guide(r))
    t0 = next(t for t, kind in cues(plain) if kind == "halfway") - 180  # the timer's start
    log = simulate(Guide(r), script((t0 + 270, "how much time is left")))
    answer = next(text for t, text in says(log) if t == t0 + 270)
    assert answer.startswith("About one minute thirty seconds left in this step"), answer


def test_session_remaining_at_a_time_does_not_need_a_tick() -> None:
    r = routine(step("light", duration=(300, 360)))
    g = Guide(r)
    pending = [a for a in g.handle(Start(0.0)) if isinstance(a, Say)]
    t = 0.0
    while pending:  # hear everything said, until the timer runs
        t += 1.0
        out = g.handle(SpeechFinished(t, pending.pop(0).utterance_id))
        pending += [a for a in out if isinstance(a, Say)]
    assert g.mode is Mode.TIMING
    assert g.session_remaining(t + 100) == pytest.approx(260)
    assert g.session_remaining(t) == pytest.approx(360)


def test_a_repeat_holds_the_count_and_it_goes_on_from_where_it_was() -> None:
    r = routine(step("sweep", reps=(3, 4, 12)))
    plain = simulate(Guide(r))
    one = next(t for t, text in says(plain) if text == "One.")
    at = one + 13  # just after "Two."
    log = simulate(Guide(r), script((at, "say that again")))
    counts = [(t, text) for t, text in says(log) if text in ("One.", "Two.", "Three.", "Four.")]
    repeat = [a for a in log if isinstance(a, Say) and at <= a.t < counts[2][0]]
    assert repeat[0].text.startswith("Step one of one")  # "Two." was a count: the step again
    took = sum(speech_seconds(a.text, a.words_per_minute) for a in repeat)
    assert [text for _, text in counts] == ["One.", "Two.", "Three.", "Four."]
    assert counts[2][0] == pytest.approx(at + took + (24 - 13))  # 11 s of the count were left
    assert counts[3][0] - counts[2][0] == pytest.approx(12)
    heard = said_in_full(log)
    three = next(start for start, _, text in heard if text == "Three.")
    assert all(stop <= three for start, stop, text in heard if start >= at and text != "Three."
               and start < three)


def test_the_mode_is_one_explicit_state() -> None:
    r = routine(step("a", duration=(60, 60)))
    g = Guide(r)
    seen = []

    def note(_: object) -> None:
        if not seen or seen[-1] is not g.mode:
            seen.append(g.mode)

    simulate(g, script((30, "pause"), (40, "quit"), (45, "no"), (50, "resume")), on_action=note)
    assert seen == [Mode.INTRO, Mode.NARRATING, Mode.TIMING, Mode.PAUSED, Mode.ASKING_QUIT,
                    Mode.PAUSED, Mode.TIMING, Mode.CLOSING, Mode.FINISHED]
