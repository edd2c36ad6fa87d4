"""A real-time run in the terminal: narration printed, commands typed."""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TextIO

from voice_guide import timeline
from voice_guide.dialog.actions import Action, Say
from voice_guide.dialog.events import CommandHeard, Event, SpeechFinished
from voice_guide.dialog.guide import Guide
from voice_guide.intents import PhraseTable
from voice_guide.ports import Clock
from voice_guide.routine.model import FlatRoutine
from voice_guide.settings import GuideSettings
from voice_guide.shell.conductor import Conductor


class TextPerformer:
    """Prints what the guide does; narration counts as spoken once printed."""

    def __init__(self, inbox: queue.Queue[Event | None], clock: Clock,
                 echo: Callable[[str], None]) -> None:
        self.inbox = inbox
        self.clock = clock
        self.echo = echo

    def perform(self, action: Action) -> None:
        text = timeline.line(action)
        if text:
            self.echo(text)
        if isinstance(action, Say):
            self.inbox.put(SpeechFinished(self.clock.now(), action.utterance_id))

    def close(self) -> None:
        pass


def read_commands(stream: TextIO, table: PhraseTable, inbox: queue.Queue[Event | None],
                  clock: Clock, echo: Callable[[str], None]) -> None:
    """Typed lines become commands; end of input ends the session."""
    for raw in stream:
        text = raw.strip()
        if not text:
            continue
        command = table.parse(text)
        if command is None:
            echo(f"         (not a command: {text!r}; type 'help' for what you can say)")
            continue
        inbox.put(CommandHeard(clock.now(), command))
    inbox.put(None)


def run_text(routine: FlatRoutine, settings: GuideSettings, table: PhraseTable, clock: Clock,
             stream: TextIO | None = None, echo: Callable[[str], None] | None = None,
             listeners: Sequence[Callable[[Action], None]] = ()) -> int:
    """Run until the routine ends, the user ends the session, or input closes; 0 in each case
    (ending early is the user's choice, not an error; the session log records which it was)."""
    out = echo or (lambda s: print(s, flush=True))
    inbox: queue.Queue[Event | None] = queue.Queue()
    reader = threading.Thread(
        target=read_commands, args=(stream or sys.stdin, table, inbox, clock, out),
        name="typed-commands", daemon=True,
    )
    out("Type a command and press Enter (for example: next, repeat, pause, help, quit).")
    conductor = Conductor(Guide(routine, settings), clock, inbox, TextPerformer(inbox, clock, out),
                          listeners)
    reader.start()
    conductor.run()
    if conductor.completed is None:
        out("Input closed; the session ended.")
    return 0
