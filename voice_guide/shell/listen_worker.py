"""The thread that owns the hearing (front end + recognizer): microphone blocks in,
``CommandHeard`` events out.

Two ways of listening:

- **Barge-in** (``barge_in=True``): every microphone block goes to the hearing together
  with what the speaker played over the same instants (``tap.read``), so the echo
  canceller can take the guide's own voice out and a command said over the narration is
  heard. ``Listen(False)`` from the core changes nothing: no audio is dropped, nothing is
  reset. The session wraps the hearing in ``echo_veto.EchoVeto``, which drops what is
  left of the guide's own voice; ``said()`` tells it each sentence the guide says.
- **Half-duplex** (``barge_in=False``): ``Listen(on=False)`` (the guide is about to talk)
  drops audio and resets the recognizer. ``Listen(on=True)`` resumes. With a playback tap
  the gate is exact: blocks are taken again from the first one in which (and a short tail
  before which) the speaker was silent, and the last ``PREROLL_S`` of audio recorded
  before ``Listen(on=True)`` arrived is looked at too, so a command said right after the
  guide stops is not lost. Without a tap (tests with fakes), a fixed guard after
  ``Listen(on=True)`` as before.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from typing import Protocol

import numpy as np

from voice_guide.dialog.events import CommandHeard, Event
from voice_guide.ports import SAMPLE_RATE, AudioIn, Clock, Heard, Rejected

log = logging.getLogger(__name__)

GUARD_S = 0.4  # without a tap: audio ignored after Listen(True) (the guide's tail)
TAIL_S = 0.25  # with a tap: the room's echo after the speaker went quiet
PREROLL_S = 1.5  # with a tap: audio kept while not listening, looked at on Listen(True)
SOUND_LEVEL = 8  # int16 peak above which the reference counts as sound


class Reference(Protocol):
    """What the speaker played (``voice_guide.audio.reference.PlaybackTap``)."""

    def read(self, start: float, n: int) -> bytes: ...


class Hears(Protocol):
    """A :class:`voice_guide.ports.Hearing` (or a plain Recognizer when there is no tap)."""

    name: str

    def accept(self, pcm: bytes) -> list[Heard]: ...

    def reset(self) -> None: ...


class ListenWorker:
    """Reads ``audio_in`` on its own thread and feeds ``recognizer`` while listening is on."""

    def __init__(
        self,
        audio_in: AudioIn,
        recognizer: object,
        inbox: queue.Queue[Event | None],
        clock: Clock,
        *,
        guard_s: float = GUARD_S,
        listening: bool = False,
        barge_in: bool = False,
        tap: Reference | None = None,
        on_heard: Callable[[Heard], None] | None = None,
        on_block: Callable[[bytes], None] | None = None,
        warn: Callable[[str], None] | None = None,
        on_failure: Callable[[str], None] | None = None,
        on_rejected: Callable[[Rejected], None] | None = None,
    ) -> None:
        """``recognizer``: a Hearing (``accept(pcm, reference)``) when ``tap`` is given,
        else anything with ``accept(pcm)`` and ``reset()``."""
        self._audio_in = audio_in
        self._recognizer = recognizer
        self._inbox = inbox
        self._clock = clock
        self._guard_s = guard_s
        self._barge_in = barge_in
        self._tap = tap
        self._on_heard = on_heard
        self._on_block = on_block  # every microphone block, listening or not (the level meter)
        self._warn = warn or log.warning
        self._on_failure = on_failure
        self._on_rejected = on_rejected  # words heard and not taken (recognizers that say so)
        self._lock = threading.Lock()
        self._listening = listening or barge_in
        self._resume_at = 0.0  # no tap: time.monotonic() from which audio counts again
        self._waiting_for_quiet = False  # tap, half-duplex: Listen(True) came, echo not gone
        self._reset_pending = False
        self._quiet_reset = False  # barge-in: the guide fell quiet; reset unless a person talks
        self._preroll: deque[tuple[bytes, float]] = deque()
        self._closing = threading.Event()
        self.dropped_blocks = 0  # audio thrown away while the guide talked (for tests and logs)
        self.heard: list[Heard] = []
        self.error: Exception | None = None
        self._thread = threading.Thread(target=self._run, name="listen", daemon=True)

    @property
    def barge_in(self) -> bool:
        return self._barge_in

    def start(self) -> None:
        self._thread.start()

    def set_listening(self, on: bool) -> None:
        """The core's Listen action. With barge-in, listening never stops; when the guide
        falls quiet (``on``) the recognizer's partial utterance is dropped, unless a person
        was talking over the end of the sentence: what the recognizer gathered while only
        the guide spoke is what is left of its echo, and would run into the next command."""
        if self._barge_in:
            if on:
                with self._lock:
                    self._quiet_reset = True
            return
        with self._lock:
            if on and not self._listening:
                self._resume_at = time.monotonic() + self._guard_s
                self._waiting_for_quiet = True
            if not on and self._listening:
                self._reset_pending = True
                self._preroll.clear()
            self._listening = on

    def said(self, text: str, at: float | None = None) -> None:
        """The guide is about to say ``text``: handed to a hearing that wants to know
        (``EchoVeto``); ``at``: monotonic time, default now."""
        tell = getattr(self._recognizer, "said", None)
        if self._barge_in and tell is not None:
            tell(text, at)

    def close(self, timeout_s: float = 5.0) -> None:
        self._closing.set()
        self._audio_in.close()
        if self._thread.is_alive():
            self._thread.join(timeout_s)

    def _blocks(self) -> Iterator[tuple[bytes, float]]:
        timed = getattr(self._audio_in, "timed_blocks", None)
        if callable(timed):
            yield from timed()
            return
        for block in self._audio_in.blocks():  # stamped on arrival
            yield block, time.monotonic() - len(block) / 2 / SAMPLE_RATE

    def _run(self) -> None:
        try:
            for block, at in self._blocks():
                if self._closing.is_set():
                    break
                try:
                    self._feed(block, at)
                except Exception as err:  # the recognizer, not the microphone
                    self._fail("speech recognition", err)
                    return
        except Exception as err:
            self._fail("the microphone", err)

    def _fail(self, what: str, err: Exception) -> None:
        """Nothing more can be heard: ``on_failure`` gets one sentence (the session may go on
        with typed commands); without it the session ends."""
        if self._closing.is_set():
            return
        self.error = err
        reason = f"{what} stopped ({type(err).__name__}: {err})" if str(err) else (
            f"{what} stopped ({type(err).__name__})")
        if self._on_failure is not None:
            self._on_failure(reason)
        else:
            self._warn(reason)
            self._inbox.put(None)  # nothing more can be heard; end the session
        if what == "speech recognition":
            self._audio_in.close()  # let the microphone go

    def _feed(self, block: bytes, at: float) -> None:
        if self._on_block is not None:
            self._on_block(block)
        with self._lock:
            listening = self._listening
            waiting = self._waiting_for_quiet
            resume_at = self._resume_at
            reset = self._reset_pending
            self._reset_pending = False
            if not listening and self._tap is not None:
                self._preroll.append((block, at))
                while self._preroll and self._preroll[0][1] < at - PREROLL_S:
                    self._preroll.popleft()
        if reset:
            self._recognizer.reset()  # type: ignore[attr-defined]
        if not listening:
            self.dropped_blocks += 1
            return
        if self._barge_in:
            with self._lock:
                quiet_reset, self._quiet_reset = self._quiet_reset, False
            if quiet_reset:
                talking = getattr(self._recognizer, "person_talking", None)
                if talking is None or not talking():
                    self._recognizer.reset()  # type: ignore[attr-defined]
            self._hear(block, at)
            return
        if self._tap is None:  # no knowledge of the speaker: the fixed guard
            if time.monotonic() < resume_at:
                self.dropped_blocks += 1
                return
            self._hear(block, at)
            return
        if waiting:
            with self._lock:
                pending = [*self._preroll, (block, at)]
                self._preroll.clear()
            start = self._first_quiet(pending)
            self.dropped_blocks += start
            if start == len(pending):
                return  # the guide's voice is still in the room; look again next block
            with self._lock:
                self._waiting_for_quiet = False
            for old, old_at in pending[start:]:
                self._hear(old, old_at)
            return
        self._hear(block, at)

    def _first_quiet(self, pending: list[tuple[bytes, float]]) -> int:
        """Index of the first block after the last one the speaker (or its tail) was in."""
        start = 0
        for i, (block, at) in enumerate(pending):
            if self._echoey(at, len(block) // 2):
                start = i + 1
        return start

    def _echoey(self, at: float, n: int) -> bool:
        assert self._tap is not None
        tail = int(TAIL_S * SAMPLE_RATE)
        ref = np.frombuffer(self._tap.read(at - TAIL_S, tail + n), dtype="<i2")
        return bool(ref.size) and int(np.max(np.abs(ref.astype(np.int32)))) > SOUND_LEVEL

    def _hear(self, block: bytes, at: float) -> None:
        if self._tap is not None:
            reference = self._tap.read(at, len(block) // 2)
            found: list[Heard] = self._recognizer.accept(block, reference)  # type: ignore[attr-defined]
        else:
            found = self._recognizer.accept(block)  # type: ignore[attr-defined]
        for heard in found:
            self.heard.append(heard)
            if self._on_heard is not None:  # first, so the transcript shows it before the answer
                self._on_heard(heard)
            self._inbox.put(CommandHeard(self._clock.now(), heard.command))
        take = getattr(self._recognizer, "take_rejected", None)
        if take is not None:
            for rejected in take():
                if self._on_rejected is not None:
                    self._on_rejected(rejected)
