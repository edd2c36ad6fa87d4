"""Closing the speech worker while its synthesizer is stuck: the stuck engine is left
behind and no fresh one is made (a fresh pyttsx3 engine would enter libespeak-ng beside
the stuck one). Pure: a fake synthesizer, no audio."""

from __future__ import annotations

import queue
import threading

from voice_guide.dialog.actions import Say
from voice_guide.dialog.events import Event
from voice_guide.shell.clock import MonotonicClock
from voice_guide.speech.tts_worker import SynthOption, TtsWorker

GUARD_S = 30.0


class StuckSynth:
    name = "stuck"

    def __init__(self, release: threading.Event) -> None:
        self.entered = threading.Event()
        self._release = release

    def say(self, text: str, words_per_minute: int, volume: float) -> None:
        self.entered.set()
        self._release.wait(GUARD_S)  # stop() does not end it: it is stuck

    def stop(self) -> None:
        pass


def test_close_does_not_replace_a_stuck_engine() -> None:
    release = threading.Event()
    made: list[StuckSynth] = []

    def factory() -> StuckSynth:
        made.append(StuckSynth(release))
        return made[-1]

    inbox: queue.Queue[Event | None] = queue.Queue()
    clock = MonotonicClock()
    warnings: list[str] = []
    worker = TtsWorker([SynthOption("stuck", factory)], inbox, clock, slack_s=GUARD_S,
                       warn=warnings.append)
    worker.start()
    try:
        worker.say(Say(clock.now(), "one two three", 1, 150))
        assert made[0].entered.wait(GUARD_S)
        closing = threading.Thread(target=worker.close, kwargs={"timeout_s": 3.0})
        closing.start()
        closing.join(GUARD_S)
        # close returned (it waits three seconds for each thread) though the engine never did
        assert not closing.is_alive()
    finally:
        release.set()
    assert len(made) == 1 and worker.hangs == 0, (len(made), warnings)
    assert warnings == []
