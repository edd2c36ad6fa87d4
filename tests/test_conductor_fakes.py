"""The conductor and the listen worker, driven by the shipped test helpers (FakeClock,
ScriptedRecognizer, RecordingSpeaker, BlockFeed): fast, no audio device, no engine."""

from __future__ import annotations

import queue
import threading

from tests.guide_helpers import routine, step
from voice_guide.dialog.actions import Action, Say
from voice_guide.dialog.events import CommandHeard, Event, SpeechFinished, Start
from voice_guide.dialog.guide import Guide
from voice_guide.intents import Intent, parse_command
from voice_guide.shell.coalesce import coalesce
from voice_guide.shell.conductor import Conductor
from voice_guide.shell.listen_worker import ListenWorker
from voice_guide.shell.voice_performer import VoicePerformer
from voice_guide.testing import BlockFeed, FakeClock, RecordingSpeaker, ScriptedRecognizer

HANG_S = 30.0


class InstantSpeech:
    """Speaks into a RecordingSpeaker and reports each utterance finished at once."""

    def __init__(self, speaker: RecordingSpeaker, inbox: queue.Queue[Event | None],
                 clock: FakeClock) -> None:
        self.speaker, self.inbox, self.clock = speaker, inbox, clock
        self.volume = 0.8

    def say(self, action: Say) -> None:
        self.speaker.say(action.text, action.words_per_minute, self.volume)
        self.inbox.put(SpeechFinished(self.clock.now(), action.utterance_id))

    def stop_speech(self) -> None:
        self.speaker.stop()

    def set_volume(self, level: float) -> None:
        self.volume = level


class NoGate:
    def set_listening(self, on: bool) -> None:
        pass


def heard(text: str, t: float = 0.0) -> CommandHeard:
    command = parse_command(text)
    assert command is not None
    return CommandHeard(t, command)


def test_conductor_runs_a_timed_routine_on_a_fake_clock() -> None:
    clock = FakeClock()
    inbox: queue.Queue[Event | None] = queue.Queue()
    speaker = RecordingSpeaker()
    seen: list[Action] = []
    performer = VoicePerformer(InstantSpeech(speaker, inbox, clock), speaker, NoGate(),
                               volume=0.8, echo=lambda s: None)
    r = routine(step("a", duration=(60, 60)), step("b", reps=(2, 3, 10)))
    conductor = Conductor(Guide(r), clock, inbox, performer, [seen.append],
                          wait=clock.waiter(inbox))
    assert conductor.run() is True
    assert clock.now() >= 60 + 30  # the step timers ran on the fake clock, in no real time
    texts = speaker.texts
    assert "Hello." in texts[:3]
    assert any("Do the a thing." in t for t in texts) and "Three." in texts
    assert "All done." in texts and "Every step kept to its time." in texts  # closing, summary
    assert [kind for kind, _ in speaker.cues].count("step_end") == 2
    assert seen[-1].__class__.__name__ == "Finished"


def test_conductor_coalesces_a_command_flood_so_quit_is_heard() -> None:
    clock = FakeClock()
    inbox: queue.Queue[Event | None] = queue.Queue()
    speaker = RecordingSpeaker()
    performer = VoicePerformer(InstantSpeech(speaker, inbox, clock), speaker, NoGate(),
                               volume=0.8, echo=lambda s: None)
    for _ in range(20_000):
        inbox.put(heard("where am i"))
    inbox.put(heard("quit"))
    inbox.put(heard("yes"))
    r = routine(step("a", duration=(600, 600)))
    conductor = Conductor(Guide(r), clock, inbox, performer, wait=clock.waiter(inbox))
    assert conductor.run() is False  # ended early, on the user's word
    assert conductor.coalesced >= 19_999
    assert "End the session? Say yes or no." in speaker.texts
    assert speaker.texts.count("We are at the introduction. The routine has 1 steps.") <= 2


def test_coalesce_keeps_the_answers_and_the_latest_other_command() -> None:
    batch: list[Event] = [heard("next"), SpeechFinished(0, 1), heard("repeat"), heard("quit"),
                          heard("quit"), heard("back"), heard("yes")]
    kept = coalesce(batch)
    intents = [e.command.intent for e in kept if isinstance(e, CommandHeard)]
    assert intents == [Intent.QUIT, Intent.BACK, Intent.YES]
    assert SpeechFinished(0, 1) in kept
    assert coalesce([Start(0), heard("next")]) == [Start(0), heard("next")]


def test_listen_worker_hears_only_while_listening() -> None:
    clock = FakeClock(100.0)
    inbox: queue.Queue[Event | None] = queue.Queue()
    feed = BlockFeed()
    recognizer = ScriptedRecognizer([(1.0, "pause"), (2.0, "okay resume please")])
    shown: list[str] = []
    worker = ListenWorker(feed, recognizer, inbox, clock, guard_s=0.0,
                          on_heard=lambda h: shown.append(h.text))
    worker.start()
    try:
        feed.feed(3.0)  # the guide is talking: all of this is dropped, unheard
        feed.wait_taken()
        assert inbox.empty() and recognizer.consumed == 0 and worker.dropped_blocks == 30
        worker.set_listening(True)
        feed.feed(1.5)
        feed.wait_taken()
        event = inbox.get(timeout=HANG_S)
        assert isinstance(event, CommandHeard) and event.command.intent is Intent.PAUSE
        assert event.t == 100.0 and shown == ["pause"]
        worker.set_listening(False)  # the guide answers: reset, drop
        feed.feed(1.0)
        feed.wait_taken()
        assert recognizer.resets == 1 and inbox.empty()
        worker.set_listening(True)
        feed.feed(1.0)
        feed.wait_taken()
        event = inbox.get(timeout=HANG_S)
        assert isinstance(event, CommandHeard) and event.command.intent is Intent.RESUME
    finally:
        worker.close()
    assert worker.error is None


def test_listen_worker_guard_drops_the_tail_of_the_guides_voice() -> None:
    inbox: queue.Queue[Event | None] = queue.Queue()
    feed = BlockFeed()
    recognizer = ScriptedRecognizer([(0.5, "next")])
    worker = ListenWorker(feed, recognizer, inbox, FakeClock(), guard_s=3600.0)
    worker.start()
    try:
        worker.set_listening(True)
        feed.feed(2.0)  # all inside the guard: the recognizer never gets it
        feed.wait_taken()
        assert recognizer.consumed == 0 and inbox.empty() and worker.dropped_blocks == 20
    finally:
        worker.close()


def test_listen_worker_ends_the_session_when_the_microphone_breaks() -> None:
    inbox: queue.Queue[Event | None] = queue.Queue()
    feed = BlockFeed()
    warnings: list[str] = []
    worker = ListenWorker(feed, ScriptedRecognizer([]), inbox, FakeClock(), listening=True,
                          guard_s=0.0, warn=warnings.append)
    worker.start()
    feed.feed(0.5)
    feed.fail(OSError("device unplugged"))
    assert inbox.get(timeout=HANG_S) is None
    worker.close()
    assert isinstance(worker.error, OSError)
    assert warnings == ["the microphone stopped (OSError: device unplugged)"]


def test_conductor_with_listen_worker_and_scripted_recognizer() -> None:
    """The whole shell minus the engines: commands 'heard' in fed audio move the guide."""
    clock = FakeClock()
    inbox: queue.Queue[Event | None] = queue.Queue()
    speaker = RecordingSpeaker()
    feed = BlockFeed()
    recognizer = ScriptedRecognizer([(1.0, "next"), (3.0, "next")])
    worker = ListenWorker(feed, recognizer, inbox, clock, guard_s=0.0)
    performer = VoicePerformer(InstantSpeech(speaker, inbox, clock), speaker, worker,
                               volume=0.8, echo=lambda s: None)
    r = routine(step("a"), step("b"))  # untimed steps: only "next" moves on
    conductor = Conductor(Guide(r), clock, inbox, performer, wait=clock.waiter(inbox, 0.01))
    done: list[bool] = []
    runner = threading.Thread(target=lambda: done.append(conductor.run()), daemon=True)
    worker.start()
    runner.start()
    try:
        for _ in range(200):  # hang guard: at most 100 s of fed audio
            if done:
                break
            feed.feed(0.5)
            feed.wait_taken()
            runner.join(0.05)
        runner.join(HANG_S)
    finally:
        worker.close()
    assert done == [True]
    assert any("Do the a thing." in t for t in speaker.texts)
    assert any("Do the b thing." in t for t in speaker.texts)
    assert "All done." in speaker.texts[-3:]  # the closing, then the spoken summary
    assert [h.command.intent for h in worker.heard] == [Intent.NEXT, Intent.NEXT]
    assert recognizer.resets >= 1  # the guide's talk reset the recognizer each time


def test_listen_worker_reports_rejections_from_recognizers_that_keep_them() -> None:
    from voice_guide.intents import Intent
    from voice_guide.ports import Rejected

    class Rejecting(ScriptedRecognizer):
        def take_rejected(self) -> list[Rejected]:
            return [Rejected("go back next week", Intent.BACK, "not a whole command")]

    inbox: queue.Queue[Event | None] = queue.Queue()
    feed = BlockFeed()
    seen: list[Rejected] = []
    worker = ListenWorker(feed, Rejecting([]), inbox, FakeClock(), listening=True, guard_s=0.0,
                          on_rejected=seen.append)
    worker.start()
    try:
        feed.feed(0.5)
        feed.wait_taken()
    finally:
        worker.close()
    assert seen and seen[0] == Rejected("go back next week", Intent.BACK, "not a whole command")
