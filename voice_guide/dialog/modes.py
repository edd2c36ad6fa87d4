"""The guide's mode: one explicit state instead of flags checked together."""

from __future__ import annotations

from enum import Enum
from typing import Literal


class Mode(Enum):
    NOT_STARTED = "not_started"
    INTRO = "intro"  # the introduction; its safety sentences are said in full before any step
    NARRATING = "narrating"  # a step's sentences; its timer waits until they are said
    TIMING = "timing"  # a timed or counted step's timer runs
    WAITING = "waiting"  # waiting for "next": an untimed step, or time up without auto-advance
    PAUSED = "paused"  # held over another mode until "resume"
    ASKING_QUIT = "asking_quit"  # "End the session?" held over another mode until yes or no
    CLOSING = "closing"  # the closing sentences and the summary
    FINISHED = "finished"


QUIET = frozenset({Mode.WAITING, Mode.PAUSED, Mode.ASKING_QUIT})
"""Modes that wait for the user: reminders, the answer timeout and the inactivity limit apply."""

Kind = Literal["line", "lead", "reply", "cue", "count", "reminder", "recap"]
"""What an utterance is: a narration line, a lead-in, an answer, a cue sentence, a count, a
reminder, or a line of the step said again after its narration ("say that again")."""
