"""Barge-in in the pure core: commands heard while the guide is talking (issue 8).

With barge-in the shell keeps listening while the guide talks, so a command can arrive in
the middle of any sentence. The core cuts the sentence (StopSpeech) and answers; a safety
sentence or a caution that was cut is said again from its start before the first step (or
the step's timer) begins. "say that again" repeats the sentence last heard, whole.
Driven in virtual time: the simulation stamps each sentence when it is spoken.
"""

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
from voice_guide.dialog.actions import Action, Say, StopSpeech
from voice_guide.dialog.events import CommandHeard, SpeechFinished, Start
from voice_guide.dialog.guide import Guide
from voice_guide.intents import parse_command
from voice_guide.routine.model import FlatRoutine
from voice_guide.simulation import simulate, speech_seconds

SAFETY = ["Skip any spot that hurts.", "Never press directly on the spine itself, ever."]
CAUTION = "Mind the spine and never press on the bones."
INSTRUCTION = "Do the light thing with both hands, slowly and evenly."


def two_steps() -> FlatRoutine:
    light = step("light", duration=(150, 300)).model_copy(
        update={"instructions": [INSTRUCTION], "cautions": [CAUTION]})
    return routine(light, step("b", reps=(2, 2, 10)), safety=SAFETY)


def spoken(log: list[Action], text: str, nth: int = 0) -> tuple[float, float]:
    """(start, end) of the ``nth`` time ``text`` began to be said."""
    found = [a for a in log if isinstance(a, Say) and a.text == text]
    say = found[nth]
    return say.t, say.t + speech_seconds(say.text, say.words_per_minute)


def middle(log: list[Action], text: str) -> float:
    start, end = spoken(log, text)
    return round((start + end) / 2, 2)


def full_after(log: list[Action], t: float) -> list[str]:
    return [text for start, _, text in said_in_full(log) if start >= t]


def no_sentence_twice_in_a_row(log: list[Action], requested: set[float]) -> None:
    """Consecutive sentences differ, except an answer to a command heard at ``requested``
    ("say that again", or "slower" twice at the slowest pace)."""
    said = [(a.t, a.text) for a in log if isinstance(a, Say)]
    for (_, before), (t, after) in zip(said, said[1:], strict=False):
        assert before != after or t in requested, (t, before)


COMMANDS = [["pause", "resume"], ["stop", "resume"], ["louder"], ["slower"], ["help"],
            ["how much time is left"], ["where am i"], ["quit", "no"], ["say that again"]]


@pytest.mark.parametrize("commands", COMMANDS)
@pytest.mark.parametrize("target", [SAFETY[1], CAUTION, INSTRUCTION])
def test_a_command_mid_sentence_cuts_it_and_a_cut_must_is_said_again_in_full(
    target: str, commands: list[str],
) -> None:
    r = two_steps()
    plain = simulate(Guide(r))
    at = middle(plain, target)
    lines = [(at + 3.0 * i, c) for i, c in enumerate(commands)]
    log = simulate(Guide(r), script(*lines))
    assert any(isinstance(a, StopSpeech) and a.t == at for a in log), "the sentence was cut"
    assert next(a.t for a in log if isinstance(a, Say) and a.t >= at) == at  # answered at once
    heard = full_after(log, at)
    assert target in heard  # a cut sentence is said again from its start
    if target in SAFETY:
        first_step = starts(log)[0][0]
        assert all(text in [t for s, e, t in said_in_full(log) if e <= first_step]
                   for text in SAFETY)
    else:  # the timer starts only after the whole narration, cautions included
        begin = narration_end(log, 1)
        again = [e for s, e, t in said_in_full(log) if t == CAUTION and s >= at]
        assert again and again[0] <= begin
        halfway = next(t for t, kind in cues(log) if kind == "halfway")
        assert halfway > begin
    repeat_times = {t for t, c in lines if c == "say that again"}
    no_sentence_twice_in_a_row(log, repeat_times)


@pytest.mark.parametrize("target", [SAFETY[1], CAUTION, INSTRUCTION])
def test_say_that_again_mid_sentence_says_that_sentence_whole_then_goes_on(target: str) -> None:
    r = two_steps()
    plain = simulate(Guide(r))
    at = middle(plain, target)
    log = simulate(Guide(r), script((at, "say that again")))
    after = [text for t, text in says(log) if t >= at]
    rest = [text for t, text in says(plain) if t > spoken(plain, target)[0]]
    assert after[0] == target  # the cut sentence, from its start, not the whole narration
    assert after[1 : 1 + len(rest)][:3] == rest[:3]  # then on as before


def test_rapid_repeated_say_that_again_settles_on_the_same_sentence() -> None:
    r = two_steps()
    plain = simulate(Guide(r))
    at = middle(plain, INSTRUCTION)
    times = [at, at + 0.4, at + 0.8, at + 1.2]
    log = simulate(Guide(r), script(*[(t, "say that again") for t in times]))
    after = full_after(log, times[-1])
    assert after[:3] == [INSTRUCTION, CAUTION, "Keep this going for two minutes thirty seconds "
                         "to five minutes."]
    cut = [a.t for a in log if isinstance(a, StopSpeech)]
    assert cut == times
    assert [text for t, text in says(log) if at <= t <= times[-1]] == [INSTRUCTION] * 4


def test_say_that_again_just_after_a_sentence_ended_means_that_sentence() -> None:
    r = two_steps()
    plain = simulate(Guide(r))
    start, _ = spoken(plain, CAUTION)  # the instruction ended as the caution began
    log = simulate(Guide(r), script((start + 0.5, "say that again")))
    assert [text for t, text in says(log) if t >= start + 0.5][:2] == [INSTRUCTION, CAUTION]


def test_say_that_again_during_a_cue_says_the_cue_and_later_the_step() -> None:
    r = two_steps()
    plain = simulate(Guide(r))
    text = "Halfway there. You may move on now, or carry on."
    at = middle(plain, text)
    log = simulate(Guide(r), script((at, "say that again"), (at + 60, "say that again")))
    assert [t for t, x in says(log) if x == text] == [spoken(plain, text)[0], at]
    later = [x for t, x in says(log) if t >= at + 60]
    assert later[0] == "Step one of two: Light."  # long after the cue: the step again
    assert CAUTION in later


def test_say_that_again_repeats_an_answer_and_the_quit_question() -> None:
    r = two_steps()
    t0 = narration_end(simulate(Guide(r)), 1)
    log = simulate(Guide(r), script((t0 + 10, "where am i"), (t0 + 13, "say that again"),
                                    (t0 + 20, "quit"), (t0 + 21, "say that again"),
                                    (t0 + 25, "yes")))
    answers = [x for t, x in says(log) if t >= t0 + 10]
    assert answers[:4] == ["Step one of two: Light.", "Step one of two: Light.",
                           "End the session? Say yes or no.", "End the session? Say yes or no."]
    assert answers[4] == "Ending the session now. Thank you."


def test_say_that_again_while_the_step_is_said_again_goes_on_from_the_cut_line() -> None:
    r = two_steps()
    t0 = narration_end(simulate(Guide(r)), 1)
    log = simulate(Guide(r), script((t0 + 10, "say that again")))
    recap_caution = spoken(log, CAUTION, nth=1)
    at = round((recap_caution[0] + recap_caution[1]) / 2, 2)
    log = simulate(Guide(r), script((t0 + 10, "say that again"), (at, "say that again")))
    after = [x for t, x in says(log) if t >= at]
    assert after[:2] == [CAUTION, "Keep this going for two minutes thirty seconds to five "
                         "minutes."]


def test_next_mid_caution_moves_on_and_the_next_step_keeps_its_own_caution() -> None:
    r = two_steps()
    plain = simulate(Guide(r))
    at = middle(plain, CAUTION)
    log = simulate(Guide(r), script((at, "next")))
    assert [p for t, p in starts(log)] == [1, 2] and starts(log)[1][0] == at
    heard = full_after(log, at)
    assert heard[0] == "Step two of two: B." and "Mind the spine." in heard  # its own caution


def test_a_command_mid_sentence_driven_by_hand_cuts_and_resays() -> None:
    """The shell's view: Say, StopSpeech and SpeechFinished of a cut utterance (ignored)."""
    g = Guide(routine(step("a", duration=(60, 60)), safety=SAFETY))
    said = [a for a in g.handle(Start(0.0)) if isinstance(a, Say)]
    spine = next(a for a in said if a.text == SAFETY[1])
    for a in said[: said.index(spine)]:
        g.handle(SpeechFinished(5.0, a.utterance_id))
    out = g.handle(CommandHeard(6.0, parse_command("pause")))  # barge-in mid-sentence
    assert any(isinstance(a, StopSpeech) for a in out)
    reply = [a for a in out if isinstance(a, Say)]
    assert [a.text for a in reply] == ["Paused. Say resume when you are ready."]
    assert g.handle(SpeechFinished(6.1, spine.utterance_id)) == []  # the cut one: ignored
    g.handle(SpeechFinished(8.0, reply[0].utterance_id))
    out = g.handle(CommandHeard(20.0, parse_command("resume")))
    resumed = [a for a in out if isinstance(a, Say)]
    assert [a.text for a in resumed] == ["Resuming."]
    out = g.handle(SpeechFinished(21.0, resumed[0].utterance_id))
    assert [a.text for a in out if isinstance(a, Say)][0] == SAFETY[1]


@pytest.fixture(scope="module")
def massage() -> FlatRoutine:
    from voice_guide.routine.catalog import resolve
    from voice_guide.routine.loader import load_flat

    return load_flat(resolve("back-massage"))


@pytest.mark.parametrize("command", ["pause", "say that again", "louder", "help", "slower"])
def test_commands_all_through_the_back_massage_keep_every_must_and_no_repeats(
    massage: FlatRoutine, command: str,
) -> None:
    """A command every 37 seconds, wherever it falls (mid-sentence, mid-cue, mid-count):
    every safety sentence and caution is still heard in full, nothing is said twice in a row
    unless asked for, and the session ends."""
    from voice_guide.lang import load_pack

    lang = load_pack("en")
    times = [7.0 + 37 * k for k in range(60)]
    lines = [(t, command) for t in times]
    if command == "pause":  # each pause resumed five seconds later
        lines = sorted(lines + [(t + 5, "resume") for t in times])
    log = simulate(Guide(massage), script(*lines))
    heard = [text for _, _, text in said_in_full(log)]
    for sentence in [*massage.safety, *(c for s in massage.steps for c in s.cautions)]:
        assert lang.spell(sentence) in heard, sentence
    no_sentence_twice_in_a_row(log, {t for t, _ in lines})  # only as an answer, when asked
    assert [p for _, p in starts(log)] == list(range(1, 18))
