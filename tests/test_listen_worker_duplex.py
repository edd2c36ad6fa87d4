"""The listen worker with a playback tap: barge-in (always listening, the reference goes
with every block, the echo veto) and half-duplex (the exact gate that keeps a command said
right after the guide stops). Pure: timed blocks and the tap are fakes, no clock is read
for any assertion."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator

import numpy as np

from voice_guide.dialog.events import CommandHeard, Event
from voice_guide.intents import Intent
from voice_guide.ports import SAMPLE_RATE, Heard
from voice_guide.shell.echo_veto import EchoVeto
from voice_guide.shell.listen_worker import PREROLL_S, TAIL_S, ListenWorker
from voice_guide.testing import FakeClock, ScriptedRecognizer

BLOCK_S = 0.1
BLOCK_N = int(SAMPLE_RATE * BLOCK_S)
HANG_S = 30.0


ECHO = 300  # the microphone level of the guide's echo (the reference plays at 1000)
PERSON = 5000  # the microphone level while a person talks


class TimedFeed:
    """Timed microphone blocks pushed by hand; block k starts at ``t0 + k * BLOCK_S``.
    The mic carries the echo level, and a person's level inside the ``talk`` intervals
    (seconds from t0)."""

    def __init__(self, t0: float, talk: tuple[tuple[float, float], ...] = ()) -> None:
        self.t0 = t0
        self.talk = talk
        self.count = 0
        self._blocks: queue.Queue[tuple[bytes, float] | None] = queue.Queue()

    def feed(self, seconds: float) -> None:
        for _ in range(round(seconds / BLOCK_S)):
            a = self.count * BLOCK_S
            level = PERSON if any(x < a + BLOCK_S and a < y for x, y in self.talk) else ECHO
            block = np.full(BLOCK_N, level, dtype="<i2").tobytes()
            self._blocks.put((block, self.t0 + a))
            self.count += 1

    def wait_taken(self) -> None:
        self._blocks.join()

    def timed_blocks(self) -> Iterator[tuple[bytes, float]]:
        while True:
            item = self._blocks.get()
            try:
                if item is None:
                    return
                yield item
            finally:
                self._blocks.task_done()

    def blocks(self) -> Iterator[bytes]:
        for block, _ in self.timed_blocks():
            yield block

    def close(self) -> None:
        self._blocks.put(None)


class FakeTap:
    """The speaker played a constant tone over the given monotonic intervals."""

    def __init__(self, playing: list[tuple[float, float]]) -> None:
        self.playing = playing
        self.reads: list[tuple[float, int]] = []

    def read(self, start: float, n: int) -> bytes:
        self.reads.append((start, n))
        t = start + np.arange(n) / SAMPLE_RATE
        out = np.zeros(n, dtype="<i2")
        for a, b in self.playing:
            out[(t >= a) & (t < b)] = 1000
        return out.tobytes()


class HearingFake:
    """A Hearing: a scripted recognizer that records every block and its reference."""

    name = "fake-hearing"

    def __init__(self, script: list[tuple[float, str]]) -> None:
        self.inner = ScriptedRecognizer(script)
        self.references: list[bytes | None] = []
        self.lock = threading.Lock()

    def accept(self, pcm: bytes, reference: bytes | None = None) -> list[Heard]:
        with self.lock:
            self.references.append(reference)
        return self.inner.accept(pcm)

    def flush(self) -> list[Heard]:
        return self.inner.flush()

    def reset(self) -> None:
        self.inner.reset()


def intents(inbox: queue.Queue[Event | None]) -> list[Intent]:
    out = []
    while not inbox.empty():
        event = inbox.get_nowait()
        assert isinstance(event, CommandHeard)
        out.append(event.command.intent)
    return out


def test_barge_in_listens_through_listen_off_and_sends_the_reference() -> None:
    t0 = time.monotonic() + 100.0
    feed = TimedFeed(t0, talk=((0.4, 1.1), (2.4, 3.1)))
    tap = FakeTap([(t0, t0 + 5.0)])  # the guide talks for the first five seconds
    # "pause" at 1 s comes before the echo's level is learned (two seconds of the guide
    # talking): vetoed. "slower" at 3 s, a person louder than the echo: heard.
    hearing = HearingFake([(1.0, "pause"), (3.0, "slower")])
    veto = EchoVeto(hearing)
    inbox: queue.Queue[Event | None] = queue.Queue()
    worker = ListenWorker(feed, veto, inbox, FakeClock(), barge_in=True, tap=tap)
    worker.start()
    try:
        worker.set_listening(False)  # the core says the guide is about to talk: ignored
        worker.said("Warm the oil in your hands first.")
        feed.feed(3.5)
        feed.wait_taken()
    finally:
        worker.close(HANG_S)
    assert intents(inbox) == [Intent.SLOWER]  # said over the guide's voice, and heard
    assert [h.command.intent for h in veto.vetoed] == [Intent.PAUSE]
    assert hearing.inner.resets == 0 and worker.dropped_blocks == 0
    assert len(hearing.references) == 35
    # Each block came with what the speaker played over the same instants.
    assert tap.reads[:3] == [(t0, BLOCK_N), (t0 + BLOCK_S, BLOCK_N), (t0 + 2 * BLOCK_S, BLOCK_N)]
    assert all(ref is not None and np.frombuffer(ref, "<i2").max() == 1000
               for ref in hearing.references)


def test_barge_in_vetoes_a_command_word_the_guide_itself_was_saying() -> None:
    t0 = time.monotonic() + 100.0
    feed = TimedFeed(t0)
    tap = FakeTap([(t0, t0 + 3.0)])  # playing for three seconds, then quiet
    hearing = HearingFake([(1.0, "next"), (2.0, "pause"), (4.0, "next")])
    inbox: queue.Queue[Event | None] = queue.Queue()
    rejected: list[str] = []
    veto = EchoVeto(hearing)
    worker = ListenWorker(feed, veto, inbox, FakeClock(), barge_in=True, tap=tap,
                          on_rejected=lambda r: rejected.append(r.reason))
    worker.start()
    try:
        worker.said("Say next to move on. If you need a break, say pause.")
        feed.feed(5.0)
        feed.wait_taken()
    finally:
        worker.close(HANG_S)
    # "next" over "say next to move on" is the guide's own voice; "pause" is in the same
    # sentence and also vetoed; "next" after the speaker went quiet is the person's.
    assert intents(inbox) == [Intent.NEXT]
    assert [h.command.intent for h in veto.vetoed] == [Intent.NEXT, Intent.PAUSE]
    assert rejected == ["the guide's own voice"] * 2


def test_barge_in_takes_a_person_over_the_guide_and_vetoes_the_echo_alone() -> None:
    t0 = time.monotonic() + 100.0
    feed = TimedFeed(t0, talk=((2.4, 3.1), (3.9, 4.6)))
    tap = FakeTap([(t0, t0 + 10.0)])
    # "faster" at 5.9 s comes with no more sound than the echo: what is left of the guide's
    # own voice, made into a word by the recognizer.
    hearing = HearingFake([(3.0, "stop"), (4.5, "slower"), (5.9, "faster")])
    inbox: queue.Queue[Event | None] = queue.Queue()
    veto = EchoVeto(hearing)
    worker = ListenWorker(feed, veto, inbox, FakeClock(), barge_in=True, tap=tap)
    worker.start()
    try:
        worker.said("Say next to move on.")
        feed.feed(6.0)
        feed.wait_taken()
    finally:
        worker.close(HANG_S)
    assert intents(inbox) == [Intent.PAUSE, Intent.SLOWER]
    assert [h.command.intent for h in veto.vetoed] == [Intent.FASTER]
    assert veto.echo_gain is not None and abs(veto.echo_gain - ECHO / 1000) < 0.01


def test_half_duplex_keeps_a_command_said_right_after_the_guide_stops() -> None:
    """The guide stops at 2.0 s; the person says "pause" from 2.3 s (heard by 2.8 s); the
    core's Listen(True) only arrives after the blocks up to 3.0 s were read. Today's fixed
    guard lost it; the tap-based gate keeps every block after the echo's tail."""
    t0 = time.monotonic() + 100.0
    feed = TimedFeed(t0)
    tap = FakeTap([(t0, t0 + 2.0)])
    # Seconds of audio the recognizer consumed: counted from the first block fed to it.
    hearing = HearingFake([(0.6, "pause")])
    inbox: queue.Queue[Event | None] = queue.Queue()
    worker = ListenWorker(feed, hearing, inbox, FakeClock(), barge_in=False, tap=tap)
    worker.start()
    try:
        worker.set_listening(True)
        worker.set_listening(False)  # the guide talks
        feed.feed(3.0)
        feed.wait_taken()
        assert inbox.empty() and hearing.references == []
        worker.set_listening(True)  # SpeechFinished came through the core, late
        feed.feed(0.2)
        feed.wait_taken()
    finally:
        worker.close(HANG_S)
    assert intents(inbox) == [Intent.PAUSE]
    fed_from = tap.reads[-1][0]  # the last block fed
    assert fed_from == t0 + 3.1
    # Fed: from the first block whose tail window is clear of the speaker, nothing earlier.
    first_clear = 2.0 + TAIL_S
    expected = round((3.2 - np.ceil(first_clear / BLOCK_S - 1e-9) * BLOCK_S) / BLOCK_S)
    assert len(hearing.references) == expected
    assert hearing.inner.resets == 1


def test_half_duplex_never_feeds_the_guides_voice_or_its_tail() -> None:
    t0 = time.monotonic() + 100.0
    feed = TimedFeed(t0)
    tap = FakeTap([(t0, t0 + 4.0)])  # still talking when Listen(True) arrives
    hearing = HearingFake([(0.05, "next")])  # anything fed would be "next" at once
    inbox: queue.Queue[Event | None] = queue.Queue()
    worker = ListenWorker(feed, hearing, inbox, FakeClock(), barge_in=False, tap=tap)
    worker.start()
    try:
        feed.feed(2.0)
        feed.wait_taken()
        worker.set_listening(True)  # e.g. the core's Listen(True) ahead of the device buffer
        feed.feed(2.0)
        feed.wait_taken()
        assert inbox.empty() and hearing.references == []
        feed.feed(0.2 + TAIL_S)
        feed.wait_taken()
    finally:
        worker.close(HANG_S)
    assert intents(inbox) == [Intent.NEXT]
    assert PREROLL_S > 1.0  # the pre-roll covers the core's round trip after the last word


def test_barge_in_distrusts_commands_over_the_guide_after_an_output_underrun() -> None:
    t0 = time.monotonic() + 100.0
    feed = TimedFeed(t0, talk=((3.4, 4.1), (9.4, 10.1)))
    tap = FakeTap([(t0, t0 + 20.0)])
    hearing = HearingFake([(4.0, "slower"), (10.0, "faster")])
    underruns = [0]
    veto = EchoVeto(hearing, glitches=lambda: underruns[0])
    inbox: queue.Queue[Event | None] = queue.Queue()
    worker = ListenWorker(feed, veto, inbox, FakeClock(), barge_in=True, tap=tap)
    worker.start()
    try:
        feed.feed(2.0)
        feed.wait_taken()
        underruns[0] = 1  # the output ran dry at 2 s: the reference is off for a while
        feed.feed(8.5)
        feed.wait_taken()
    finally:
        worker.close(HANG_S)
    # "slower" (3.5-4 s), a person louder than the echo, still comes too soon after the
    # underrun; "faster" (9.5-10 s) is well past it.
    assert [h.command.intent for h in veto.vetoed] == [Intent.SLOWER]
    assert intents(inbox) == [Intent.FASTER]
