"""A real-time run in the terminal: narration printed, commands typed."""

from __future__ import annotations

import queue
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any

from voice_guide import timeline
from voice_guide.dialog.actions import Action, Say
from voice_guide.dialog.events import CommandHeard, Event, SpeechFinished
from voice_guide.dialog.guide import Guide
from voice_guide.intents import PhraseTable
from voice_guide.ports import Clock
from voice_guide.routine.model import FlatRoutine
from voice_guide.settings import GuideSettings
from voice_guide.shell.conductor import Conductor
from voice_guide.text_safety import printable

MAX_LINE_BYTES = 4096  # a longer typed line is not a command; it is skipped
NOTICES_PER_S = 5  # "not a command" notes shown per second; the rest are counted


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


def typed_lines(stream: IO[Any]) -> Iterator[str]:
    """Lines from ``stream`` as text, whatever bytes arrive: the bytes are read and decoded
    with replacement, so a stray non-UTF-8 byte never stops the input. Over-long lines
    come back as one marker line ("\\0") and are skipped by the reader."""
    binary = getattr(stream, "buffer", None)
    encoding = getattr(stream, "encoding", None) or "utf-8"
    source = binary if binary is not None else stream
    skipping = False
    while True:
        chunk = source.readline(MAX_LINE_BYTES)
        if not chunk:
            return
        if isinstance(chunk, bytes):
            ended = chunk.endswith(b"\n")
            text = chunk.decode(encoding, errors="replace")
        else:
            ended = chunk.endswith("\n")
            text = chunk
        if skipping:
            skipping = not ended
            continue
        if not ended and len(chunk) >= MAX_LINE_BYTES:
            skipping = True
            yield "\0"
            continue
        yield text


def read_commands(stream: IO[Any], table: PhraseTable, inbox: queue.Queue[Event | None],
                  clock: Clock, echo: Callable[[str], None]) -> None:
    """Typed lines become commands; end of input ends the session. Input errors never stop
    the reading: bad bytes are replaced, over-long lines skipped, floods of non-commands
    summarized."""
    shown: deque[float] = deque()
    hidden = 0
    try:
        for raw in typed_lines(stream):
            text = raw.strip()
            if not text:
                continue
            command = None if text == "\0" else table.parse(text)
            if command is not None:
                inbox.put(CommandHeard(clock.now(), command))
                continue
            now = time.monotonic()
            while shown and now - shown[0] > 1.0:
                shown.popleft()
            if len(shown) >= NOTICES_PER_S:
                hidden += 1
                continue
            shown.append(now)
            if hidden:
                echo(f"         ({hidden} more lines were not commands)")
                hidden = 0
            what = "a line too long to be a command" if text == "\0" else repr(printable(text))
            echo(f"         (not a command: {what}; type 'help' for what you can say)")
    except (OSError, ValueError) as err:
        echo(f"         (typed input stopped: {err})")
    finally:
        if hidden:
            echo(f"         ({hidden} more lines were not commands)")
        inbox.put(None)


def run_text(routine: FlatRoutine, settings: GuideSettings, table: PhraseTable, clock: Clock,
             stream: IO[Any] | None = None, echo: Callable[[str], None] | None = None,
             listeners: Sequence[Callable[[Action], None]] = (), *, start_at: int = 0,
             resumed: bool = False) -> int:
    """Run until the routine ends, the user ends the session, or input closes; 0 in each case
    (ending early is the user's choice, not an error; the session log records which it was)."""
    out = echo or (lambda s: print(s, flush=True))
    inbox: queue.Queue[Event | None] = queue.Queue()
    reader = threading.Thread(
        target=read_commands, args=(stream or sys.stdin, table, inbox, clock, out),
        name="typed-commands", daemon=True,
    )
    out("Type a command and press Enter (for example: next, repeat, pause, help, quit).")
    guide = Guide(routine, settings, start_at=start_at, resumed=resumed)
    conductor = Conductor(guide, clock, inbox, TextPerformer(inbox, clock, out), listeners)
    reader.start()
    conductor.run()
    if conductor.completed is None:
        out("Input closed; the session ended.")
    return 0
