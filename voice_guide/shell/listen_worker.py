"""The thread that owns the recognizer: microphone blocks in, ``CommandHeard`` events out.

``Listen(on=False)`` (the guide is about to talk) makes it drop audio and reset the
recognizer; ``Listen(on=True)`` resumes after a short guard, so the tail of the
guide's own voice (still in the room, in the speaker's buffers, in the mic's
queue) is never taken for a command.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable

from voice_guide.dialog.events import CommandHeard, Event
from voice_guide.ports import AudioIn, Clock, Heard, Recognizer, Rejected

log = logging.getLogger(__name__)

GUARD_S = 0.4


class ListenWorker:
    """Reads ``audio_in`` on its own thread and feeds ``recognizer`` while listening is on."""

    def __init__(
        self,
        audio_in: AudioIn,
        recognizer: Recognizer,
        inbox: queue.Queue[Event | None],
        clock: Clock,
        *,
        guard_s: float = GUARD_S,
        listening: bool = False,
        on_heard: Callable[[Heard], None] | None = None,
        on_block: Callable[[bytes], None] | None = None,
        warn: Callable[[str], None] | None = None,
        on_failure: Callable[[str], None] | None = None,
        on_rejected: Callable[[Rejected], None] | None = None,
    ) -> None:
        self._audio_in = audio_in
        self._recognizer = recognizer
        self._inbox = inbox
        self._clock = clock
        self._guard_s = guard_s
        self._on_heard = on_heard
        self._on_block = on_block  # every microphone block, listening or not (the level meter)
        self._warn = warn or log.warning
        self._on_failure = on_failure
        self._on_rejected = on_rejected  # words heard and not taken (recognizers that say so)
        self._lock = threading.Lock()
        self._listening = listening
        self._resume_at = 0.0  # time.monotonic() from which audio counts again
        self._reset_pending = False
        self._closing = threading.Event()
        self.dropped_blocks = 0  # audio thrown away while the guide talked (for tests and logs)
        self.heard: list[Heard] = []
        self.error: Exception | None = None
        self._thread = threading.Thread(target=self._run, name="listen", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def set_listening(self, on: bool) -> None:
        with self._lock:
            if on and not self._listening:
                self._resume_at = time.monotonic() + self._guard_s
            if not on:
                self._reset_pending = True
            self._listening = on

    def close(self, timeout_s: float = 5.0) -> None:
        self._closing.set()
        self._audio_in.close()
        if self._thread.is_alive():
            self._thread.join(timeout_s)

    def _run(self) -> None:
        try:
            for block in self._audio_in.blocks():
                if self._closing.is_set():
                    break
                try:
                    self._feed(block)
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

    def _feed(self, block: bytes) -> None:
        if self._on_block is not None:
            self._on_block(block)
        with self._lock:
            live = self._listening and time.monotonic() >= self._resume_at
            reset = self._reset_pending
            self._reset_pending = False
        if reset:
            self._recognizer.reset()
        if not live:
            self.dropped_blocks += 1
            return
        for heard in self._recognizer.accept(block):
            self.heard.append(heard)
            if self._on_heard is not None:  # first, so the transcript shows it before the answer
                self._on_heard(heard)
            self._inbox.put(CommandHeard(self._clock.now(), heard.command))
        take = getattr(self._recognizer, "take_rejected", None)
        if take is not None:
            for rejected in take():
                if self._on_rejected is not None:
                    self._on_rejected(rejected)
