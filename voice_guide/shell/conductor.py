"""The loop that feeds the guide events and hands its actions to the performer and listeners."""

from __future__ import annotations

import queue
from collections.abc import Callable, Sequence
from typing import Protocol

from voice_guide.dialog.actions import Action, Finished
from voice_guide.dialog.events import Event, Start, Tick
from voice_guide.dialog.guide import Guide
from voice_guide.ports import Clock

POLL_S = 0.25  # longest wait between looks at the inbox when nothing is due


class Performer(Protocol):
    def perform(self, action: Action) -> None:
        """Carry out an action without blocking; results come back as events on the inbox."""
        ...

    def close(self) -> None: ...


class Conductor:
    """Owns the guide. Workers put events (or ``None`` to stop) on ``inbox``."""

    def __init__(
        self,
        guide: Guide,
        clock: Clock,
        inbox: queue.Queue[Event | None],
        performer: Performer,
        listeners: Sequence[Callable[[Action], None]] = (),
    ) -> None:
        self.guide = guide
        self.clock = clock
        self.inbox = inbox
        self.performer = performer
        self.listeners = list(listeners)
        self.completed: bool | None = None

    def run(self) -> bool:
        """Run until the guide finishes or ``None`` arrives; True when the routine was completed."""
        try:
            self._dispatch(self.guide.handle(Start(self.clock.now())))
            while self.completed is None:
                wake = self.guide.next_wakeup()
                wait = POLL_S if wake is None else min(POLL_S, max(0.0, wake - self.clock.now()))
                try:
                    event = self.inbox.get(timeout=wait)
                except queue.Empty:
                    event = Tick(self.clock.now())
                if event is None:
                    self._drain()
                    break
                self._dispatch(self.guide.handle(event))
        finally:
            self.performer.close()
        return bool(self.completed)

    def _drain(self) -> None:
        """Before stopping, handle what is already waiting (and what that brings at once)."""
        while self.completed is None:
            try:
                event = self.inbox.get_nowait()
            except queue.Empty:
                return
            if event is not None:
                self._dispatch(self.guide.handle(event))

    def _dispatch(self, actions: Sequence[Action]) -> None:
        for action in actions:
            self.performer.perform(action)
            for listener in self.listeners:
                listener(action)
            if isinstance(action, Finished):
                self.completed = action.completed
