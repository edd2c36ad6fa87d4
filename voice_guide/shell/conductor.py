"""The loop that feeds the guide events and hands its actions to the performer and listeners."""

from __future__ import annotations

import queue
from collections.abc import Callable, Sequence
from typing import Protocol

from voice_guide.dialog.actions import Action, Finished
from voice_guide.dialog.events import Event, Start, Tick
from voice_guide.dialog.guide import Guide
from voice_guide.ports import Clock
from voice_guide.shell.coalesce import coalesce

POLL_S = 0.25  # longest wait between looks at the inbox when nothing is due

#: Waits up to the given seconds for the next inbox item; raises ``queue.Empty`` on time-out.
Waiter = Callable[[float], "Event | None"]


class Performer(Protocol):
    def perform(self, action: Action) -> None:
        """Carry out an action without blocking; results come back as events on the inbox."""
        ...

    def close(self) -> None: ...


class Conductor:
    """Owns the guide. Workers put events (or ``None`` to stop) on ``inbox``.

    Everything waiting in the inbox is taken at once and coalesced (see
    :mod:`voice_guide.shell.coalesce`), so a flood of commands never delays "quit".
    ``wait`` replaces the blocking read of the inbox (tests pass a fake clock's waiter)."""

    def __init__(
        self,
        guide: Guide,
        clock: Clock,
        inbox: queue.Queue[Event | None],
        performer: Performer,
        listeners: Sequence[Callable[[Action], None]] = (),
        wait: Waiter | None = None,
    ) -> None:
        self.guide = guide
        self.clock = clock
        self.inbox = inbox
        self.performer = performer
        self.listeners = list(listeners)
        self.completed: bool | None = None
        self.coalesced = 0  # commands left out because newer ones replaced them
        self._scale = float(getattr(clock, "scale", 1.0)) or 1.0  # clock seconds per second
        self._wait: Waiter = wait or (lambda timeout: inbox.get(timeout=timeout))

    def run(self) -> bool:
        """Run until the guide finishes or ``None`` arrives; True when the routine was completed."""
        try:
            self._dispatch(self.guide.handle(Start(self.clock.now())))
            while self.completed is None:
                wake = self.guide.next_wakeup()
                wait = POLL_S if wake is None else min(
                    POLL_S, max(0.0, wake - self.clock.now()) / self._scale)
                try:
                    first = self._wait(wait)
                except queue.Empty:
                    first = Tick(self.clock.now())
                if first is None:
                    self._drain()
                    break
                batch, stop = self._take([first])
                self._handle(batch)
                if stop:
                    self._drain()
                    break
        finally:
            self.performer.close()
        return bool(self.completed)

    def _take(self, batch: list[Event]) -> tuple[list[Event], bool]:
        """``batch`` plus whatever else is waiting, coalesced; True when ``None`` came too."""
        stop = False
        while True:
            try:
                event = self.inbox.get_nowait()
            except queue.Empty:
                break
            if event is None:
                stop = True
                break
            batch.append(event)
        kept = coalesce(batch)
        self.coalesced += len(batch) - len(kept)
        return kept, stop

    def _handle(self, batch: Sequence[Event]) -> None:
        for event in batch:
            if self.completed is not None:
                return
            self._dispatch(self.guide.handle(event))

    def _drain(self) -> None:
        """Before stopping, handle what is already waiting (and what that brings at once)."""
        while self.completed is None:
            batch, _ = self._take([])
            if not batch:
                return
            self._handle(batch)

    def _dispatch(self, actions: Sequence[Action]) -> None:
        for action in actions:
            for listener in self.listeners:  # first: a step is logged before it is shown
                listener(action)
            self.performer.perform(action)
            if isinstance(action, Finished):
                self.completed = action.completed
