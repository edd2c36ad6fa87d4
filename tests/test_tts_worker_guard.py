"""The speech worker's hang guard, with fake synthesizers (no audio):

- a sentence whose sound lasts far longer than its word count suggests (Korean takes about
  twice the English-based guess) is not taken for a hang once it reports that it plays;
- closing the worker while its synthesizer is stuck leaves the stuck engine behind and
  makes no fresh one (a fresh pyttsx3 engine would enter libespeak-ng beside the stuck one).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

from voice_guide.dialog.actions import Say
from voice_guide.dialog.events import Event, SpeechFinished
from voice_guide.shell.clock import MonotonicClock
from voice_guide.speech.tts_worker import SynthOption, TtsWorker, hang_limit_s

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


class LongSoundSynth:
    """Says its sentence in SOUND_S seconds, reporting that as it starts to play."""

    name = "long"
    SOUND_S = 6.0

    def __init__(self) -> None:
        self._report: Callable[[float], None] | None = None
        self._stop = threading.Event()

    def report_playing(self, callback: Callable[[float], None]) -> None:
        self._report = callback

    def say(self, text: str, words_per_minute: int, volume: float) -> None:
        if self._report is not None:
            self._report(self.SOUND_S)
        self._stop.wait(self.SOUND_S)

    def stop(self) -> None:
        self._stop.set()


def test_a_long_sound_that_reports_itself_is_not_a_hang() -> None:
    made: list[LongSoundSynth] = []

    def factory() -> LongSoundSynth:
        made.append(LongSoundSynth())
        return made[-1]

    inbox: queue.Queue[Event | None] = queue.Queue()
    clock = MonotonicClock()
    warnings: list[str] = []
    slack_s = 3.0
    worker = TtsWorker([SynthOption("long", factory)], inbox, clock, slack_s=slack_s,
                       warn=warnings.append)
    worker.start()
    say = Say(clock.now(), "one", 1, 600)
    assert hang_limit_s(say.text, say.words_per_minute, slack_s) < LongSoundSynth.SOUND_S
    try:
        worker.say(say)
        finished = inbox.get(timeout=GUARD_S)
    finally:
        worker.close()
    assert isinstance(finished, SpeechFinished) and finished.utterance_id == 1
    assert worker.hangs == 0 and len(made) == 1, warnings
    assert warnings == []
