"""Run a routine on a virtual clock: narration takes time from its word count, nothing waits.

The guide hands over its sentences at once (a step's narration in one go); the virtual
speaker says them one after another, and each ``Say`` goes into the log stamped with the
time it is spoken, after the one before has ended. A sentence cut off before it began was
never said, so it is not in the log.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Callable, Iterable

from voice_guide.dialog.actions import Action, Finished, Say, StopSpeech
from voice_guide.dialog.events import CommandHeard, Event, SpeechFinished, Start, Tick
from voice_guide.dialog.guide import Guide
from voice_guide.script_file import ScriptLine
from voice_guide.speech.duration import speaking_s

SENTENCE_GAP_S = 0.28
"""The pause between two sentences, from the end of one sentence's audio to the start of the
next. The guide adds none of its own: this is the player's (speech/tts_worker spaces them so)."""
DEFAULT_LIMIT_S = 6 * 3600.0


def speech_seconds(text: str, words_per_minute: int) -> float:
    """How long saying ``text`` takes at ``words_per_minute``, plus a short pause."""
    return speaking_s(text, words_per_minute) + SENTENCE_GAP_S


class VirtualSpeaker:
    """Plays ``Say`` actions one after another in virtual time; ``started`` collects each
    one as it begins, stamped with that time."""

    def __init__(self) -> None:
        self.queue: deque[Say] = deque()
        self.current: tuple[int, float] | None = None  # (utterance id, end time)
        self.started: list[Say] = []

    def perform(self, action: Action) -> list[Event]:
        """Take an action; return events that happen at once (cut-off utterances)."""
        if isinstance(action, Say):
            self.queue.append(action)
            if self.current is None:
                self._start_next(action.t)
        elif isinstance(action, StopSpeech):
            cut = [self.current[0]] if self.current else []
            cut += [s.utterance_id for s in self.queue]
            self.queue.clear()
            self.current = None
            return [SpeechFinished(action.t, uid) for uid in cut]
        return []

    def _start_next(self, t: float) -> None:
        if self.queue:
            say = self.queue.popleft()
            self.current = (say.utterance_id, t + speech_seconds(say.text, say.words_per_minute))
            self.started.append(dataclasses.replace(say, t=t))
        else:
            self.current = None

    def next_time(self) -> float | None:
        return self.current[1] if self.current else None

    def finish_current(self) -> Event:
        assert self.current is not None
        uid, end = self.current
        self._start_next(end)
        return SpeechFinished(end, uid)


def simulate(
    guide: Guide,
    script: Iterable[ScriptLine] = (),
    on_action: Callable[[Action], None] | None = None,
    limit_s: float = DEFAULT_LIMIT_S,
) -> list[Action]:
    """Drive ``guide`` to the end in virtual time; return every action (each also to
    on_action), sentences at the time they are spoken."""
    pending = deque(script)
    speaker = VirtualSpeaker()
    log: list[Action] = []

    def note(action: Action) -> None:
        log.append(action)
        if on_action:
            on_action(action)

    def note_started() -> None:
        for say in speaker.started:
            note(say)
        speaker.started.clear()

    inbox: deque[Event] = deque([Start(0.0)])
    finished = False
    t = 0.0
    while not finished:
        while inbox and not finished:
            for action in guide.handle(inbox.popleft()):
                if not isinstance(action, Say):
                    note(action)
                inbox.extend(speaker.perform(action))
                note_started()
                finished = finished or isinstance(action, Finished)
        if finished:
            break
        times = [x for x in (speaker.next_time(), guide.next_wakeup(),
                             pending[0].t if pending else None) if x is not None]
        if not times or min(times) > limit_s:
            note(Finished(max(t, min(times, default=t)) if times else t, False))
            break
        t = max(t, min(times))
        speech_end = speaker.next_time()
        if speech_end is not None and speech_end <= t:
            inbox.append(speaker.finish_current())
            note_started()
        elif pending and pending[0].t <= t:
            line = pending.popleft()
            inbox.append(CommandHeard(t, line.command))
        else:
            inbox.append(Tick(t))
    return log
