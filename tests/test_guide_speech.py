"""Speech written for the ear, merged cues, and the whole back massage simulated."""

from __future__ import annotations

import re

import pytest

from tests.guide_helpers import cues, routine, said_in_full, says, script, starts, step
from voice_guide.dialog.actions import Listen, Say, StopSpeech
from voice_guide.dialog.guide import Guide
from voice_guide.dialog.narration import Line, without_repeats
from voice_guide.lang import load_pack
from voice_guide.routine.catalog import resolve
from voice_guide.routine.loader import load_flat
from voice_guide.routine.model import FlatRoutine
from voice_guide.simulation import simulate, speech_seconds


def test_cues_that_fall_together_are_one_cue_and_one_sentence() -> None:
    r = routine(step("two", duration=(90, 120)))  # halfway and one minute left both at 60 s
    log = simulate(Guide(r))
    t0 = cues(log)[-1][0] - 120
    assert [(t - t0, kind) for t, kind in cues(log)] == [
        (pytest.approx(60), "one_minute"), (pytest.approx(90), "min_reached"),
        (pytest.approx(120), "step_end"),
    ]
    at_60 = [text for t, text in says(log) if t == pytest.approx(t0 + 60)]
    assert at_60 == ["Halfway there, with one minute to go."]


def test_halfway_and_shortest_time_together_are_said_once() -> None:
    r = routine(step("long", duration=(150, 300)))  # halfway and min_reached both at 150 s
    log = simulate(Guide(r))
    t0 = cues(log)[-1][0] - 300
    assert [(round(t - t0), kind) for t, kind in cues(log)] == [
        (150, "halfway"), (240, "one_minute"), (300, "step_end")]
    assert [text for t, text in says(log) if t == pytest.approx(t0 + 150)] == [
        "Halfway there. You may move on now, or carry on."]


def test_no_halfway_after_one_minute_left_at_a_fast_pace() -> None:
    r = routine(step("two", duration=(120, 120)))
    log = simulate(Guide(r), script((1, "faster")))
    assert [kind for _, kind in cues(log)] == ["one_minute", "step_end"]


def test_numbers_in_the_routine_text_are_spoken_as_words() -> None:
    s = step("edge", duration=(60, 90))
    s = s.model_copy(update={"instructions": ["Work only 1 to 2 inches below the waist."],
                             "tip": "Use 30-45 seconds per side, about 50% pressure."})
    log = simulate(Guide(routine(s)))
    texts = [text for _, text in says(log)]
    assert "Work only one to two inches below the waist." in texts
    assert "Use thirty to forty-five seconds per side, about fifty percent pressure." in texts
    assert "Keep this going for one minute to one minute thirty seconds." in texts


def test_a_sentence_equal_to_the_one_before_is_dropped() -> None:
    lines = [Line("Keep it light."), Line("keep it light"), Line("Press gently.", must=True),
             Line("Press gently.")]
    assert without_repeats(lines) == [Line("Keep it light."), Line("Press gently.", must=True)]


@pytest.fixture(scope="module")
def massage() -> FlatRoutine:
    return load_flat(resolve("back-massage"))


def _check_spoken(log: list, r: FlatRoutine) -> None:
    assert all(a.t <= b.t for a, b in zip(log, log[1:], strict=False))  # in time order
    said = [a for a in log if isinstance(a, Say)]
    for a, b in zip(said, said[1:], strict=False):  # each sentence is stamped when spoken
        assert b.t >= a.t + speech_seconds(a.text, a.words_per_minute) - 1e-6 or any(
            isinstance(x, StopSpeech) and a.t <= x.t <= b.t for x in log), (a, b)
    texts = [a.text for a in log if isinstance(a, Say)]
    listening = True
    for a in log:  # the microphone's command path is off whenever the guide talks
        if isinstance(a, Listen):
            listening = a.on
        assert not (isinstance(a, Say) and listening), a
    for text in texts:
        assert not re.search(r"\d", text), text
        assert "Tip:" not in text and "tip:" not in text.lower(), text
    for before, after in zip(texts, texts[1:], strict=False):
        assert before != after, before
    heard = [text for _, _, text in said_in_full(log)]
    lang = load_pack("en")
    musts = [*r.safety, *(c for s in r.steps for c in s.cautions)]
    for sentence in musts:
        assert lang.spell(sentence) in heard, sentence


def test_whole_back_massage_is_written_for_the_ear(massage: FlatRoutine) -> None:
    log = simulate(Guide(massage))
    _check_spoken(log, massage)
    texts = [text for _, text in says(log)]
    assert "Step three of seventeen, your partner's left side: Sweeps beside the spine." in texts
    assert "Work only one to two inches below the waist." in texts
    assert "Keep this going for thirty to forty-five seconds." in texts
    assert "Keep this going for five to six minutes." in texts
    assert any(t.startswith("There are seventeen steps") for t in texts)
    assert "seventeen steps" in massage.description  # the description agrees with the guide
    assert texts[-2].startswith("The session took") and texts[-1] == "Every step kept to its time."


def test_whole_back_massage_with_commands_keeps_every_safety_sentence(
    massage: FlatRoutine,
) -> None:
    lines = [(4, "next"), (6, "help"), (9, "louder"), (30, "pause"), (40, "resume"),
             (70, "how much time is left"), (200, "say that again"), (330, "where am i"),
             (420, "slower"), (700, "quit"), (703, "no"), (1500, "faster")]
    log = simulate(Guide(massage), script(*lines))
    _check_spoken(log, massage)
    assert [p for _, p in starts(log)] == list(range(1, 18))
