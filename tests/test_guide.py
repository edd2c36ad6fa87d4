"""The dialog manager, driven in virtual time (no clock, no audio)."""

from __future__ import annotations

import math
import time

import pytest

from tests.guide_helpers import (
    cues,
    narration_end,
    routine,
    said_after,
    says,
    script,
    starts,
    step,
)
from voice_guide.dialog.actions import (
    CommandTaken,
    Finished,
    Listen,
    PaceChanged,
    Paused,
    Resumed,
    Say,
    StepStarted,
    StopSpeech,
    VolumeChanged,
)
from voice_guide.dialog.events import CommandHeard, SpeechFinished, Start, Tick
from voice_guide.dialog.guide import Guide
from voice_guide.intents import parse_command
from voice_guide.settings import GuideSettings
from voice_guide.simulation import simulate


def test_intro_then_first_step_with_heading_side_and_cautions() -> None:
    r = routine(step("warm", duration=(30, 45)), step("sweep", reps=(3, 4, 10), side="left"))
    log = simulate(Guide(r))
    texts = [t for _, t in says(log)]
    assert texts[0] == "Test routine."
    assert "Step one of two: Warm." in texts
    assert "Step two of two, your partner's left side: Sweep." in texts
    assert "Mind the spine." in texts
    assert [p for _, p in starts(log)] == [1, 2]
    assert isinstance(log[-1], Finished) and log[-1].completed


def test_timer_starts_when_narration_ends_and_cues_fall_on_time() -> None:
    r = routine(step("light", duration=(300, 360)), step("after", duration=(10, 10)))
    log = simulate(Guide(r))
    t0 = narration_end(log, 1)
    got: dict[str, float] = {}
    for t, kind in cues(log):
        got.setdefault(kind, t)
    assert got["halfway"] == pytest.approx(t0 + 180)
    assert got["one_minute"] == pytest.approx(t0 + 300)
    assert "min_reached" not in got  # it falls with "one minute left": said once
    assert got["step_end"] == pytest.approx(t0 + 360)
    assert starts(log)[1][0] == pytest.approx(t0 + 360)  # auto-advance
    assert said_after(log, t0 + 180, "Halfway there. About three minutes to go.") == pytest.approx(t0 + 180)


def test_short_steps_get_no_halfway_cue() -> None:
    r = routine(step("short", duration=(60, 90)))
    kinds = [k for _, k in cues(simulate(Guide(r)))]
    assert kinds == ["min_reached", "step_end"]


def test_counted_step_counts_aloud_at_its_pace() -> None:
    r = routine(step("sweep", reps=(3, 4, 12)))
    log = simulate(Guide(r))
    t0 = narration_end(log, 1)
    counts = [(t, text) for t, text in says(log) if text in ("One.", "Two.", "Three.", "Four.")]
    assert [text for _, text in counts] == ["One.", "Two.", "Three.", "Four."]
    assert [t - t0 for t, _ in counts] == pytest.approx([0, 12, 24, 36])
    assert cues(log)[-1] == (pytest.approx(t0 + 48), "step_end")


def test_untimed_step_waits_for_next_and_reminds_after_a_quiet_minute() -> None:
    untimed = step("chat")
    r = routine(untimed, step("end", duration=(5, 5)))
    log = simulate(Guide(r), script((200, "next")))
    t0 = narration_end(log, 1)
    reminders = [t for t, kind in cues(log) if kind == "reminder"]
    assert reminders[0] == pytest.approx(t0 + 60)
    assert len(reminders) >= 2
    assert starts(log)[1][0] == pytest.approx(200)


def test_auto_advance_off_waits_for_next() -> None:
    r = routine(step("a", duration=(10, 10)), step("b", duration=(10, 10)))
    log = simulate(Guide(r, GuideSettings(auto_advance=False)), script((100, "next")))
    assert any("Time is up" in text for _, text in says(log))
    assert starts(log)[1][0] == pytest.approx(100)


def test_pause_holds_the_timer_and_resume_continues_it() -> None:
    r = routine(step("light", duration=(300, 360)))
    plain = simulate(Guide(r))
    paused = simulate(Guide(r), script((100, "pause"), (400, "time left"), (700, "resume")))
    assert [type(a) for a in paused if isinstance(a, Paused | Resumed)] == [Paused, Resumed]
    end_plain = cues(plain)[-1][0]
    end_paused = cues(paused)[-1][0]
    assert end_paused - end_plain == pytest.approx(600)
    # while paused the answer to "time left" does not change with time
    answer = said_after(paused, 400, "left in this step")
    assert answer == 400
    text = next(t for when, t in says(paused) if when == 400)
    t0 = narration_end(paused, 1)
    remaining = 360 - (100 - t0)
    words = {4: "four", 5: "five", 6: "six"}[round(remaining / 10) * 10 // 60]
    assert f"About {words} minutes" in text


def test_slower_stretches_timers_and_speech_and_is_bounded() -> None:
    r = routine(step("light", duration=(300, 360)))
    settings = GuideSettings(pace_step=0.25, pace_max=1.5)
    log = simulate(Guide(r, settings), script((50, "slower"), (51, "slower"), (52, "slow down")))
    paces = [a.factor for a in log if isinstance(a, PaceChanged)]
    assert paces == [1.25, 1.5]
    assert said_after(log, 52, "already the slowest pace") == 52
    t0 = narration_end(log, 1)
    # 50 - t0 seconds at pace 1, then the rest at pace 1.25 then 1.5
    done_at_50 = 50 - t0
    done_at_51 = done_at_50 + 1 / 1.25
    end = 51 + (360 - done_at_51) * 1.5
    assert cues(log)[-1][0] == pytest.approx(end)
    one_minute = next(t for t, kind in cues(log) if kind == "one_minute")
    assert end - one_minute == pytest.approx(60)  # "one minute left" stays a real minute
    wpm = [a.words_per_minute for a in log if isinstance(a, Say) and a.t >= 52]
    assert wpm[0] == 100  # 150 / 1.5


def test_faster_speeds_counts() -> None:
    r = routine(step("sweep", reps=(3, 4, 20)))
    log = simulate(Guide(r), script((1, "faster")))
    t0 = narration_end(log, 1)
    counts = [t for t, text in says(log) if text in ("Two.", "Three.")]
    assert counts[1] - counts[0] == pytest.approx(15)  # 20 s at pace 0.75
    assert counts[0] > t0


def test_repeat_says_the_step_again_and_the_timer_keeps_running() -> None:
    r = routine(step("light", duration=(300, 360)))
    plain = simulate(Guide(r))
    again = simulate(Guide(r), script((100, "say that again")))
    assert cues(plain)[-1][0] == pytest.approx(cues(again)[-1][0])
    assert said_after(again, 100, "Step one of one: Light.") == 100


def test_repeat_during_narration_says_the_cut_sentence_again_and_the_timer_waits() -> None:
    r = routine(step("light", duration=(60, 60)))
    at = starts(simulate(Guide(r)))[0][0] + 1  # one second into the step's heading
    log = simulate(Guide(r), script((at, "repeat")))
    assert any(isinstance(a, StopSpeech) and a.t == at for a in log)
    assert said_after(log, at, "Step one of one") == at
    after = [text for t, text in says(log) if t >= at]
    assert after[:4] == ["Step one of one: Light.", "Do the light thing.", "Mind the spine.",
                         "Keep this going for one minute."]
    assert cues(log)[-1][0] == pytest.approx(narration_end(log, 1) + 60)


def test_back_at_first_step_and_goto_out_of_range_answer_briefly() -> None:
    r = routine(step("a", duration=(60, 60)), step("b", duration=(60, 60)))
    log = simulate(Guide(r), script((25, "back"), (35, "step nine"), (45, "go to step two"),
                                    (55, "previous step")))
    assert said_after(log, 25, "This is the first step.") == 25
    assert said_after(log, 35, "There is no step nine") == 35
    assert [p for _, p in starts(log)][:3] == [1, 2, 1]
    assert starts(log)[1][0] == 45 and starts(log)[2][0] == 55


def test_restart_restarts_the_current_step_timer() -> None:
    r = routine(step("a", duration=(100, 100)))
    log = simulate(Guide(r), script((60, "start over")))
    t1 = narration_end(log, 1)
    restart = [a for a in log if isinstance(a, StepStarted)]
    assert [a.t for a in restart] == [pytest.approx(t1 - (t1 - restart[0].t)), 60]
    end = cues(log)[-1][0]
    assert end == pytest.approx(narration_end(log, 1, nth=1) + 100)


def test_quit_asks_first_no_carries_on_yes_ends() -> None:
    r = routine(step("a", duration=(300, 300)))
    log = simulate(Guide(r), script((50, "quit"), (60, "no"), (100, "end session"), (110, "yes")))
    assert said_after(log, 50, "End the session? Say yes or no.") == 50
    assert said_after(log, 60, "carry on") == 60
    finished = log[-1]
    assert isinstance(finished, Finished) and finished.completed is False
    assert finished.t > 110


def test_yes_without_a_question_and_resume_without_pause_get_an_answer() -> None:
    r = routine(step("a", duration=(60, 60)))
    log = simulate(Guide(r), script((20, "yes"), (30, "resume")))
    assert said_after(log, 20, "nothing to answer") == 20
    assert said_after(log, 30, "not paused") == 30


def test_volume_moves_in_even_three_decibel_steps_and_says_so_at_the_ends() -> None:
    r = routine(step("a", duration=(60, 60)))
    log = simulate(Guide(r),  # the default volume is two steps below the loudest
                   script((10, "louder"), (11, "speak up"), (12, "louder"), (13, "quieter")))
    levels = [a.level for a in log if isinstance(a, VolumeChanged)]
    assert levels == [0.708, 1.0, 0.708]
    steps = [20 * math.log10(b / a) for a, b in zip([0.5, *levels], levels, strict=False)]
    assert steps == [pytest.approx(3.0, abs=0.05), pytest.approx(3.0, abs=0.05),
                     pytest.approx(-3.0, abs=0.05)]
    assert said_after(log, 12, "as loud as I go") == 12
    down = simulate(Guide(r), script(*[(10 + k, "quieter") for k in range(7)]))
    assert [a.level for a in down if isinstance(a, VolumeChanged)] == [
        0.355, 0.251, 0.178, 0.126, 0.089]
    assert said_after(down, 15, "as quiet as I go") == 15


@pytest.mark.parametrize(("setting", "start"), [(1.0, 1.0), (0.8, 0.708), (0.4, 0.355),
                                                (0.1, 0.089)])
def test_the_volume_setting_starts_on_the_nearest_step(setting: float, start: float) -> None:
    g = Guide(routine(step("a", duration=(60, 60))), GuideSettings(volume=setting))
    out = g.handle(Start(0.0))
    assert g.volume == start
    told = [a.level for a in out if isinstance(a, VolumeChanged)]
    assert told == ([] if setting == start else [start])  # the player starts on the step


def test_help_where_and_time_left_answer() -> None:
    r = routine(step("a", reps=(3, 4, 10), side="left"), step("b", duration=(120, 180)))
    log = simulate(Guide(r), script((30, "what can i say"), (31, "where am i"), (32, "how long")))
    assert "You can say: next, back" in next(t for when, t in says(log) if when == 30)
    assert "Step one of two, your partner's left side: A. Repetition" in next(t for when, t in says(log) if when == 31)
    assert "in the session" in next(t for when, t in says(log) if when == 32)


def test_commands_are_logged_and_listening_is_off_while_talking() -> None:
    r = routine(step("a", duration=(30, 30)))
    log = simulate(Guide(r), script((20, "okay next please")))
    taken = [a for a in log if isinstance(a, CommandTaken)]
    assert [(c.intent.value, c.phrase) for c in taken] == [("next", "next")]
    # every Say is preceded, since the last Listen(True), by a Listen(False)
    listening = True
    for a in log:
        if isinstance(a, Listen):
            listening = a.on
        if isinstance(a, Say):
            assert not listening, a
    assert isinstance(log[-1], Finished)


def test_speech_finished_for_cut_utterances_is_ignored() -> None:
    g = Guide(routine(step("a", duration=(30, 30))))
    first = g.handle(Start(0.0))
    said = [a for a in first if isinstance(a, Say)]
    assert g.handle(CommandHeard(1.0, parse_command("next")))  # cuts the intro
    assert g.handle(SpeechFinished(1.5, said[0].utterance_id)) == []
    assert g.handle(Tick(2.0)) == []


def test_events_out_of_order_do_not_move_time_backwards() -> None:
    g = Guide(routine(step("a", duration=(30, 30))))
    for a in g.handle(Start(10.0)):
        assert a.t == 10.0
    out = g.handle(CommandHeard(5.0, parse_command("help")))
    assert all(a.t == 10.0 for a in out)


def test_hours_of_routine_run_without_reading_a_clock_or_sleeping(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def forbidden(*_: object) -> float:
        raise AssertionError("the core must not read a clock or sleep")

    for name in ("sleep", "time", "monotonic", "perf_counter"):
        monkeypatch.setattr(time, name, forbidden)
    long_steps = [step(f"s{i}", duration=(600, 900)) for i in range(20)]
    log = simulate(Guide(routine(*long_steps)))
    assert log[-1].t > 5 * 3600
    assert isinstance(log[-1], Finished) and log[-1].completed


def test_start_at_a_later_step_says_safety_first_then_where_we_are() -> None:
    from voice_guide.dialog.actions import Say, StepStarted
    from voice_guide.dialog.events import SpeechFinished, Start
    from voice_guide.dialog.guide import Guide
    from voice_guide.routine.catalog import resolve
    from voice_guide.routine.loader import load_flat

    routine = load_flat(resolve("back-massage"))
    guide = Guide(routine, start_at=6, resumed=True)
    said = [a for a in guide.handle(Start(0.0)) if isinstance(a, Say)]
    texts = [a.text for a in said]
    assert all(s in texts for s in routine.safety)
    assert texts[:3] == ["Back massage.", "Welcome back.", "First, the safety points."]
    assert texts[-1] == "We were at step seven, so we carry on from there."
    out: list[object] = []
    for a in said:
        out += guide.handle(SpeechFinished(1.0, a.utterance_id))
    started = [a for a in out if isinstance(a, StepStarted)]
    assert [s.position for s in started] == [7]
