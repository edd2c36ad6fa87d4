"""The live view's snapshot builder over a simulated session, and its renderer on a
recording rich console (no terminal needed)."""

from __future__ import annotations

import argparse
import math
import sys

import numpy as np
import pytest
from rich.console import Console

from tests.guide_helpers import routine, script, step
from voice_guide.cli.run_cmd import live_view_wanted
from voice_guide.dialog.actions import Action, Say, StepStarted
from voice_guide.dialog.events import Start
from voice_guide.dialog.guide import Guide
from voice_guide.routine.catalog import resolve
from voice_guide.routine.loader import load_flat
from voice_guide.settings import GuideSettings
from voice_guide.shell import snapshot as S
from voice_guide.shell.live_view import render
from voice_guide.simulation import simulate


class Recorder:
    """Feeds a simulated session through the builder as the voice shell would: each action,
    then the guide's values copied after it; ``Say`` also as the sentence being spoken."""

    def __init__(self, guide: Guide) -> None:
        self.guide = guide
        r = guide.routine
        self.snap = S.first(r.title, len(r.steps), guide.settings.volume)
        self.history: list[tuple[Action, S.Snapshot]] = []

    def __call__(self, action: Action) -> None:
        self.snap = S.update(self.snap, action)
        if isinstance(action, Say):
            self.snap = S.update(self.snap, S.Speaking(action.t, action.text))
        self.snap = S.update(self.snap, S.facts(self.guide, action.t))
        self.history.append((action, self.snap))

    def after(self, pred: type) -> S.Snapshot:
        return next(s for a, s in self.history if isinstance(a, pred))


def back_massage_session() -> Recorder:
    guide = Guide(load_flat(resolve("back-massage")), GuideSettings())
    rec = Recorder(guide)
    simulate(guide, script((5, "louder"), (12, "pause"), (20, "resume"), (30, "slower"),
                           (40, "go to step 5")), on_action=rec)
    return rec


def render_text(snap: S.Snapshot, now: float) -> str:
    console = Console(record=True, width=80, color_system=None)
    console.print(render(snap, now))
    return console.export_text()


def test_snapshot_follows_a_simulated_session() -> None:
    rec = back_massage_session()
    intro = rec.after(Say)
    assert intro.position == 0 and intro.total == 17 and intro.routine_title == "Back massage"
    assert intro.speaking and not intro.listening
    louder = next(s for a, s in rec.history if a.t >= 5 and s.volume > 0.6)
    assert louder.volume == pytest.approx(0.708)  # one 3 dB step up from the default 0.5
    paused = next(s for a, s in rec.history if a.t >= 12 and s.paused)
    assert paused.paused
    assert not rec.history[-1][1].paused
    slower = next(s for a, s in rec.history if a.t >= 30 and s.pace != 1.0)
    assert slower.pace == pytest.approx(1.25)
    fifth = next(s for a, s in rec.history if isinstance(a, StepStarted) and a.position == 5)
    assert (fifth.position, fifth.side, fifth.step_title) == (5, "left", "Fingertip runs")
    assert fifth.repetitions == 4 and fifth.seconds_each == 12
    counting = next(s for a, s in rec.history
                    if s.position == 5 and s.timer is not None and s.timer.running
                    and s.listening)
    assert counting.repetition_at(counting.timer.t) == 1  # type: ignore[union-attr]
    assert counting.repetition_at(counting.timer.t + 13 * 1.25) == 2  # type: ignore[union-attr]
    # Session time left only goes down from one step to the next (pace held).
    starts = [s.session_remaining for a, s in rec.history
              if isinstance(a, StepStarted) and a.position >= 5]
    assert starts == sorted(starts, reverse=True) and starts[0] > starts[-1] > 0
    end = rec.history[-1][1]
    assert end.finished is True and not end.listening and end.speaking == ""


def test_timer_keeps_running_between_snapshots() -> None:
    guide = Guide(routine(step("hold", duration=(60, 60))), GuideSettings())
    rec = Recorder(guide)
    simulate(guide, on_action=rec)
    running = next(s for _, s in rec.history if s.timer is not None and s.timer.running)
    t0 = running.session_at
    assert running.timer is not None
    assert running.timer.remaining_at(t0) == pytest.approx(60)
    assert running.timer.remaining_at(t0 + 15) == pytest.approx(45)
    assert running.session_remaining_at(t0 + 15) == pytest.approx(45)
    assert running.timer.remaining_at(t0 + 600) == 0


def test_heard_and_mic_level_events() -> None:
    snap = S.first("R", 3, 0.8)
    snap = S.update(snap, S.HeardNote(1.0, "next step", "next", True, 0.9))
    snap = S.update(snap, S.MicLevel(1.1, 2.0))
    assert snap.last_heard is not None and snap.last_heard.intent == "next"
    assert snap.mic_level == 1.0
    assert S.mic_level(b"") == 0.0
    assert S.mic_level(np.zeros(1600, dtype="<i2").tobytes()) == 0.0
    tone = (np.sin(np.arange(1600) * 2 * math.pi / 32) * 32767).astype("<i2").tobytes()
    assert S.mic_level(tone) > 0.9
    quiet = (np.sin(np.arange(1600) * 2 * math.pi / 32) * 66).astype("<i2").tobytes()
    assert 0.0 < S.mic_level(quiet) < 0.1


def test_render_shows_step_sentence_progress_and_listening() -> None:
    rec = back_massage_session()
    counting = next(s for a, s in rec.history
                    if s.position == 5 and s.timer is not None and s.timer.running
                    and s.listening)
    snap = S.update(counting, S.HeardNote(counting.session_at, "go to step five", "goto", True,
                                          0.87))
    snap = S.update(snap, S.MicLevel(snap.session_at, 0.5))
    text = render_text(snap, snap.session_at + 15)
    assert "Back massage" in text
    assert "Step 5 of 17 · left side · Fingertip runs" in text
    assert f"“{snap.speaking}”" in text
    assert "repetition 2 of 4" in text
    assert "pace ×1.25 · volume 71%" in text
    assert "● listening" in text and "██████████░░░░░░░░░░" in text
    assert "“go to step five” → goto (0.87)" in text
    assert "Session about" in text and " left" in text
    assert all(len(line) <= 80 for line in text.splitlines())


def test_render_of_intro_pause_rejection_and_end() -> None:
    snap = S.first("Back massage", 17, 0.8)
    assert "Introduction · 17 steps" in render_text(snap, 0.0)
    assert "○ guide talking" in render_text(snap, 0.0)
    snap = S.update(snap, S.HeardNote(1.0, "nest", None, False))
    snap = S.update(snap, S.GuideFacts(1.0, 1.0, 0.8, True, 600.0, None, None, None))
    text = render_text(snap, 1.0)
    assert "“nest” ✗ not taken" in text and "PAUSED (say resume)" in text
    done = render_text(S.update(snap, Say(2.0, "x", 1, 150)), 2.0)
    assert "○ guide talking" in done
    from voice_guide.dialog.actions import Finished

    assert "Session completed" in render_text(S.update(snap, Finished(3.0, True)), 3.0)
    assert "Session ended early" in render_text(S.update(snap, Finished(3.0, False)), 3.0)


def test_text_from_files_is_made_safe() -> None:
    snap = S.first("Evil\x1b]0;title\x07 routine", 2, 0.8)
    snap = S.update(snap, StepStarted(0.0, 1, 2, "a", "Warm\x1b[2J up", None))
    snap = S.update(snap, S.Speaking(0.0, "Say \x1b]52;c;aGk=\x07this."))
    snap = S.update(snap, S.HeardNote(0.0, "[bold]next[/bold]\x07", "next", True, 0.5))
    console = Console(record=True, width=80, color_system=None)
    console.print(render(snap, 0.0))
    text = console.export_text()
    assert "\x1b" not in text and "\x07" not in text
    assert "Evil routine" in text and "Warm up" in text and "“Say this.”" in text
    assert "[bold]next[/bold]?" in text  # shown as typed, never as markup


def test_live_view_only_on_a_terminal_and_not_with_plain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm")
    plain = argparse.Namespace(plain=True)
    live = argparse.Namespace(plain=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False)
    assert not live_view_wanted(live) and not live_view_wanted(plain)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert live_view_wanted(live) and not live_view_wanted(plain)
    monkeypatch.setenv("TERM", "dumb")
    assert not live_view_wanted(live)


def test_view_feed_publishes_what_the_shell_reports() -> None:
    from voice_guide.intents import Command, Intent
    from voice_guide.ports import Heard
    from voice_guide.shell.live_view import ViewFeed
    from voice_guide.testing import FakeClock

    guide = Guide(routine(step("hold", duration=(60, 60))), GuideSettings())
    clock = FakeClock()
    feed = ViewFeed(S.SnapshotBox(S.first("Test routine", 1, 0.8)), guide, clock)
    for action in guide.handle(Start(clock.now())):
        feed.action(action)
    assert feed.box.current.speaking == ""  # the speech worker has not started it yet
    assert feed.box.current.session_remaining == 60
    feed.speaking(Say(0.0, "Hello.", 1, 150))
    feed.heard(Heard(Command(Intent.NEXT, "next"), "next", 0.8, 0.0, 0.5, 0.6, "pocketsphinx"))
    feed.block(np.full(1600, 16000, dtype="<i2").tobytes())
    snap = feed.box.current
    assert snap.speaking == "Hello." and snap.mic_level > 0.8
    assert snap.last_heard == S.HeardNote(0.0, "next", "next", True, 0.8)
    feed.rejected("nest", None)
    assert feed.box.current.last_heard == S.HeardNote(0.0, "nest", None, False)
