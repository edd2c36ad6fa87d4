"""The end-of-session summary, reminders that back off, the inactivity limit, the quit timeout."""

from __future__ import annotations

import pytest

from tests.guide_helpers import cues, routine, said_after, says, script, starts, step
from voice_guide.dialog.actions import Finished, Paused, Resumed, Say
from voice_guide.dialog.guide import Guide
from voice_guide.settings import GuideSettings
from voice_guide.simulation import simulate, speech_seconds


def reminders(log: list) -> list[float]:
    return [t for t, kind in cues(log) if kind == "reminder"]


def test_paused_session_reminds_backs_off_and_ends_politely() -> None:
    r = routine(step("a", duration=(600, 600)))
    log = simulate(Guide(r), script((30, "pause")))
    paused_said = [a for a in log if isinstance(a, Say) and a.t == 30]
    quiet = 30 + sum(speech_seconds(a.text, 150) for a in paused_said)
    assert [t - quiet for t in reminders(log)] == pytest.approx([60, 180, 420, 900])
    end = log[-1]
    assert isinstance(end, Finished) and end.completed is False
    assert said_after(log, quiet + 1800, "I will end the session here") == pytest.approx(
        quiet + 1800)
    texts = [text for t, text in says(log) if t > 30]
    assert not any("session took" in text for text in texts)  # nobody is there to hear it
    assert all(a != b for a, b in zip(texts, texts[1:], strict=False))  # no reminder twice running


def test_waiting_for_next_also_ends_after_the_limit_and_settings_change_it() -> None:
    settings = GuideSettings(auto_advance=False, reminder_after_s=30, reminder_backoff=3,
                             inactivity_limit_s=600)
    r = routine(step("a", duration=(20, 20)))
    log = simulate(Guide(r, settings))
    up = said_after(log, 0, "Time is up for this step")
    quiet = up + speech_seconds("Time is up for this step. Say next when you are ready.", 150)
    assert [t - quiet for t in reminders(log)] == pytest.approx([30, 120, 390])
    assert isinstance(log[-1], Finished) and log[-1].completed is False
    assert log[-1].t < quiet + 700


def test_a_command_resets_the_quiet_time() -> None:
    r = routine(step("chat"))
    log = simulate(Guide(r), script((1000, "where am i"), (1500, "next")))
    assert isinstance(log[-1], Finished) and log[-1].completed is True
    after = [t for t in reminders(log) if t > 1000]
    assert after and after[0] > 1060


def test_the_quit_question_times_out_to_carrying_on() -> None:
    r = routine(step("a", duration=(300, 300)))
    plain = simulate(Guide(r))
    log = simulate(Guide(r), script((50, "quit")))
    question = [a for a in log if isinstance(a, Say) and a.t == 50]
    asked = 50 + sum(speech_seconds(a.text, 150) for a in question)
    assert said_after(log, 51, "so we will carry on") == pytest.approx(asked + 20)
    assert isinstance(log[-1], Finished) and log[-1].completed is True
    # the timer held while the question waited
    assert cues(log)[-1][0] - cues(plain)[-1][0] == pytest.approx(asked + 20 - 50)


def test_quit_question_while_paused_returns_to_the_pause() -> None:
    r = routine(step("a", duration=(300, 300)))
    log = simulate(Guide(r), script((50, "pause"), (60, "quit"), (100, "resume")))
    assert said_after(log, 61, "so we stay paused") > 60
    assert [type(a) for a in log if isinstance(a, Paused | Resumed)] == [Paused, Resumed]


def test_summary_names_the_steps_that_ran_short_or_long_and_skipped() -> None:
    r = routine(step("warm", duration=(60, 90)), step("sweep", reps=(3, 4, 10)),
                step("rest", duration=(30, 30)), step("last", duration=(30, 30)))
    settings = GuideSettings(auto_advance=False)
    plain = simulate(Guide(r, settings), script((300, "next"), (600, "next"), (900, "next"),
                                                (1200, "next")))
    starts_at = [t for t, _ in starts(plain)]
    log = simulate(Guide(r, settings), script(
        (starts_at[0] + 30, "next"),  # warm: about twenty seconds of work, short
        (starts_at[0] + 31, "next"),  # sweep: skipped during its narration
        (starts_at[0] + 400, "next"),  # rest: waited long after its thirty seconds
        (starts_at[0] + 900, "next")))
    texts = [text for _, text in says(log)]
    closing = texts[texts.index("All done.") + 1 :]
    assert closing[0].startswith("The session took")
    assert any(t.startswith("Step one, Warm, ran short:") and "instead of one minute to one "
               "minute thirty seconds" in t for t in closing), closing
    assert any(t.startswith("Step three, Rest, ran long:") for t in closing), closing
    assert "You skipped step two." in closing


def test_summary_after_quitting_and_on_time_when_all_ran_to_time() -> None:
    r = routine(step("a", duration=(60, 60)), step("b", duration=(60, 60)))
    log = simulate(Guide(r))
    texts = [text for _, text in says(log)]
    assert texts[-2].startswith("The session took") and texts[-1] == "Every step kept to its time."
    quit_log = simulate(Guide(r), script((40, "quit"), (42, "yes")))
    quit_texts = [text for t, text in says(quit_log) if t >= 42]
    assert quit_texts[0] == "Ending the session now. Thank you."
    assert quit_texts[1].startswith("The session took")


@pytest.mark.parametrize("bad", [{"reminder_backoff": 0.5}, {"inactivity_limit_s": 10},
                                 {"quit_answer_s": 1}, {"reminder_after_s": 0}])
def test_idle_settings_are_bounded(bad: dict[str, float]) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        GuideSettings.model_validate(bad)
