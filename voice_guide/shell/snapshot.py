"""What the live terminal view shows, as one immutable value.

The shell's threads publish what happens (the guide's actions, the sentence now being
spoken, what the recognizer heard, the microphone level, values copied from the guide);
:func:`update` folds each into a new :class:`Snapshot`. It is pure, so a whole session
can be replayed through it in a test. :class:`SnapshotBox` holds the current snapshot:
writers replace it under a lock, the view thread only reads the reference.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from voice_guide.dialog.actions import (
    Action,
    Finished,
    Listen,
    Paused,
    Resumed,
    StepStarted,
    StopSpeech,
)

if TYPE_CHECKING:
    from voice_guide.dialog.guide import Guide

QUIETEST_DB = -60.0  # a microphone level at or below this shows as an empty meter


@dataclass(frozen=True)
class Speaking:
    """The speech worker started saying ``text``."""

    t: float
    text: str


@dataclass(frozen=True)
class HeardNote:
    """Something the recognizer heard; ``intent`` is None when it meant no command."""

    t: float
    text: str
    intent: str | None
    accepted: bool
    confidence: float | None = None


@dataclass(frozen=True)
class MicLevel:
    """Loudness of the latest microphone block, 0 (silence) to 1 (full scale)."""

    t: float
    level: float


@dataclass(frozen=True)
class TimerState:
    """A step timer at time ``t``: ``progress`` of ``target`` routine seconds."""

    t: float
    target: float
    progress: float
    running: bool
    pace: float

    def progress_at(self, now: float) -> float:
        """Routine seconds done at ``now`` (the timer keeps running between updates)."""
        if not self.running:
            return self.progress
        return min(self.target, self.progress + max(0.0, now - self.t) / self.pace)

    def remaining_at(self, now: float) -> float:
        """Real seconds left at ``now``."""
        return max(0.0, self.target - self.progress_at(now)) * self.pace


@dataclass(frozen=True)
class GuideFacts:
    """Values copied from the :class:`Guide` on the thread that owns it (see :func:`facts`)."""

    t: float
    pace: float
    volume: float
    paused: bool
    session_remaining: float  # real seconds, at ``t``
    timer: TimerState | None
    repetitions: int | None  # how many, on a counted step
    seconds_each: float | None


ViewEvent = Speaking | HeardNote | MicLevel | GuideFacts


@dataclass(frozen=True)
class Snapshot:
    """Everything the live view draws. ``position`` 0 is the introduction."""

    routine_title: str
    total: int
    position: int = 0
    step_title: str = ""
    side: str | None = None
    speaking: str = ""  # the sentence being spoken (the last one said, once listening again)
    listening: bool = False
    mic_level: float = 0.0
    last_heard: HeardNote | None = None
    paused: bool = False
    pace: float = 1.0
    volume: float = 1.0
    timer: TimerState | None = None
    repetitions: int | None = None
    seconds_each: float | None = None
    session_remaining: float = 0.0
    session_at: float = 0.0  # when session_remaining was true
    finished: bool | None = None  # None while running; then whether it was completed

    def session_remaining_at(self, now: float) -> float:
        """Session time left at ``now``: counts down while the step timer runs."""
        if self.timer is None or not self.timer.running:
            return self.session_remaining
        spent = self.timer.remaining_at(self.session_at) - self.timer.remaining_at(now)
        return max(0.0, self.session_remaining - spent)

    def repetition_at(self, now: float) -> int | None:
        """The repetition under way at ``now`` (1-based), on a counted step whose count began."""
        if self.repetitions is None or not self.seconds_each or self.timer is None:
            return None
        done = self.timer.progress_at(now)
        if done <= 0 and not self.timer.running:
            return None
        return min(self.repetitions, int(done // self.seconds_each) + 1)


def first(routine_title: str, total: int, volume: float) -> Snapshot:
    return Snapshot(routine_title=routine_title, total=total, volume=volume)


def update(snap: Snapshot, item: Action | ViewEvent) -> Snapshot:
    """The snapshot after ``item``; actions that change nothing shown return ``snap``."""
    match item:
        case StepStarted():
            return replace(snap, position=item.position, total=item.total, step_title=item.title,
                           side=item.side, paused=False)
        case Listen():
            return replace(snap, listening=item.on)
        case StopSpeech():
            return replace(snap, speaking="")
        case Paused():
            return replace(snap, paused=True)
        case Resumed():
            return replace(snap, paused=False)
        case Finished():
            return replace(snap, finished=item.completed, listening=False, speaking="")
        case Speaking():
            return replace(snap, speaking=item.text)
        case HeardNote():
            return replace(snap, last_heard=item)
        case MicLevel():
            return replace(snap, mic_level=min(1.0, max(0.0, item.level)))
        case GuideFacts():
            return replace(snap, pace=item.pace, volume=item.volume, paused=item.paused,
                           timer=item.timer, repetitions=item.repetitions,
                           seconds_each=item.seconds_each,
                           session_remaining=item.session_remaining, session_at=item.t)
    return snap  # Say, Cue, CommandTaken, PaceChanged, VolumeChanged: GuideFacts carry them


def facts(guide: Guide, t: float) -> GuideFacts:
    """Copy what the view needs from ``guide`` at time ``t``. Call it only on the thread that
    owns the guide (the conductor's), right after it handled an event; it changes nothing."""
    timer_state: TimerState | None = None
    timer = guide.timer
    if timer is not None:
        state = TimerState(t=timer.running_since or t, target=timer.target,
                           progress=timer.progress, running=timer.running, pace=timer.pace)
        timer_state = replace(state, t=t, progress=state.progress_at(t))
    step = guide.step
    reps = step.repetitions if step is not None else None
    here_then = timer.remaining() if timer is not None else 0.0
    here_now = timer_state.remaining_at(t) if timer_state is not None else 0.0
    return GuideFacts(
        t=t, pace=guide.pace, volume=guide.volume, paused=guide.paused,
        session_remaining=max(0.0, guide.session_remaining() - (here_then - here_now)),
        timer=timer_state, repetitions=reps.max if reps else None,
        seconds_each=reps.seconds_each if reps else None,
    )


def mic_level(pcm: bytes) -> float:
    """Loudness of 16-bit PCM as 0..1 on a decibel scale (-60 dBFS and below is 0)."""
    samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.float32)
    if samples.size == 0:
        return 0.0
    rms = float(np.sqrt(np.mean(np.square(samples)))) / 32768.0
    if rms <= 0.0:
        return 0.0
    db = 20.0 * math.log10(rms)
    return min(1.0, max(0.0, (db - QUIETEST_DB) / -QUIETEST_DB))


class SnapshotBox:
    """The current snapshot, shared between threads. ``publish`` may be called from any
    thread; ``current`` is a plain reference read (never blocks the reader)."""

    def __init__(self, snap: Snapshot) -> None:
        self._lock = threading.Lock()
        self.current = snap

    def publish(self, item: Action | ViewEvent) -> None:
        with self._lock:
            self.current = update(self.current, item)
