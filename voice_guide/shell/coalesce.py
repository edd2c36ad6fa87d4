"""Commands that pile up faster than the guide can act on them are coalesced.

A flood of typed lines (a paste, a stuck key, ``yes next | voice-guide run --text``) must
not make "quit" wait behind thousands of commands. Of the events waiting at once, every
non-command event is kept in order; of the commands, the answers that end a session
(quit, yes, no) are kept, each run of the same one once, and of the others only the latest.
"""

from __future__ import annotations

from collections.abc import Sequence

from voice_guide.dialog.events import CommandHeard, Event
from voice_guide.intents import Intent

KEPT_INTENTS = frozenset({Intent.QUIT, Intent.YES, Intent.NO})


def coalesce(batch: Sequence[Event]) -> list[Event]:
    """``batch`` with the commands nobody could act on left out (see the module text)."""
    commands = [i for i, e in enumerate(batch) if isinstance(e, CommandHeard)]
    if len(commands) <= 1:
        return list(batch)
    last_other = max((i for i in commands
                      if isinstance(e := batch[i], CommandHeard)
                      and e.command.intent not in KEPT_INTENTS), default=-1)
    out: list[Event] = []
    previous: Intent | None = None
    for i, event in enumerate(batch):
        if not isinstance(event, CommandHeard):
            out.append(event)
            continue
        intent = event.command.intent
        if intent in KEPT_INTENTS:
            if intent is not previous:
                out.append(event)
            previous = intent
        elif i == last_other:
            out.append(event)
            previous = intent
    return out
