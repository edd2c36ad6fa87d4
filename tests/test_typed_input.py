"""Typed input (`run --text`) read as bytes: bad bytes, over-long lines and floods of
non-commands never stop it, and never flood the screen."""

from __future__ import annotations

import io
import queue

from voice_guide.dialog.events import CommandHeard, Event
from voice_guide.intents import DEFAULT_TABLE, Intent
from voice_guide.shell.text_run import MAX_LINE_BYTES, read_commands
from voice_guide.testing import FakeClock


def read(data: bytes) -> tuple[list[Event | None], list[str]]:
    inbox: queue.Queue[Event | None] = queue.Queue()
    shown: list[str] = []
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")  # strict, like a tty
    read_commands(stream, DEFAULT_TABLE, inbox, FakeClock(), shown.append)
    events = []
    while not inbox.empty():
        events.append(inbox.get_nowait())
    return events, shown


def intents(events: list[Event | None]) -> list[Intent]:
    return [e.command.intent for e in events if isinstance(e, CommandHeard)]


def test_bad_bytes_are_replaced_and_reading_goes_on() -> None:
    events, shown = read(b"next\n\xff\xfe\x80\n caf\xc3\xa9 \nquit\nyes\n")
    assert intents(events) == [Intent.NEXT, Intent.QUIT, Intent.YES]
    assert events[-1] is None  # end of input ends the session
    assert "not a command: '\ufffd\ufffd\ufffd'" in shown[0]
    assert "not a command: 'café'" in shown[1]


def test_an_over_long_line_is_skipped_whole() -> None:
    events, shown = read(b"x" * (3 * MAX_LINE_BYTES) + b"next\nquit\n")
    assert intents(events) == [Intent.QUIT]  # the 'next' was the tail of the long line
    assert shown == ["         (not a command: a line too long to be a command; "
                     "type 'help' for what you can say)"]


def test_a_flood_of_non_commands_is_summarized() -> None:
    events, shown = read(b"blah\n" * 50_000 + b"quit\n")
    assert intents(events) == [Intent.QUIT]
    assert len(shown) < 100  # a handful of notes and a count, not 50,000 lines
    assert shown[-1].endswith("more lines were not commands)")
    hidden = sum(int(line.split("(")[1].split()[0]) for line in shown if "more lines" in line)
    assert hidden + sum(1 for line in shown if "not a command:" in line) == 50_000


def test_escape_sequences_in_typed_text_are_not_echoed_raw() -> None:
    _, shown = read(b"\x1b[2Jhello\x07\n")
    assert "\x1b" not in shown[0] and "\x07" not in shown[0]
