"""The guide's outgoing actions and the utterances it said that have not finished yet."""

from __future__ import annotations

from dataclasses import dataclass

from voice_guide.dialog.actions import Action, Listen, Say, StopSpeech
from voice_guide.dialog.modes import Kind

RECENT_S = 10.0
"""An answer or a cue ended less than this long ago is what "say that again" asks for."""
REPEAT_GRACE_S = 1.2
""""say that again" heard this soon after a sentence began at the natural end of the one
before means that one: the person started asking while it was still being said."""


@dataclass(frozen=True)
class Utterance:
    """One sentence handed to the shell: what kind of thing it is, its agenda line (or -1)
    and its text as the guide wrote it."""

    kind: Kind
    line: int
    text: str


class Talk:
    """Collects actions for one event; knows what is being said (and what kind of thing),
    which sentence the person is hearing now and which they last heard to its end.

    Utterances play one after another in the order said, so the oldest one not finished
    is the one playing; it began when the one before it finished (or when it was said, if
    nothing was playing)."""

    def __init__(self) -> None:
        self.out: list[Action] = []
        self.inflight: dict[int, Utterance] = {}  # said, not yet finished, oldest first
        self._next_uid = 1
        self._began = 0.0  # when the utterance playing now began
        self._follows: Utterance | None = None  # what ended just as it began (None: a cut)
        self.last_done: Utterance | None = None  # the last utterance heard to its end
        self.last_done_at = 0.0

    def take(self) -> list[Action]:
        out, self.out = self.out, []
        return out

    def emit(self, action: Action) -> None:
        self.out.append(action)

    @property
    def busy(self) -> bool:
        return bool(self.inflight)

    def talking_besides_counts(self) -> bool:
        return any(u.kind != "count" for u in self.inflight.values())

    def say(self, t: float, text: str, wpm: int, kind: Kind, line: int = -1,
            source: str | None = None) -> None:
        """Say ``text``; the microphone's command path goes off first when all was quiet.
        ``source`` is the sentence as written (before numbers were spelled), if different."""
        if not self.inflight:
            self.emit(Listen(t, False))
            if t > self._began:  # after a silence; said as another ended, it follows that one
                self._follows = None
            self._began = t
        uid = self._next_uid
        self._next_uid += 1
        self.inflight[uid] = Utterance(kind, line, text if source is None else source)
        self.emit(Say(t, text, uid, wpm))

    def interrupt(self, t: float) -> None:
        """Cut off anything being said; its SpeechFinished will be ignored."""
        if self.inflight:
            self.emit(StopSpeech(t))
            self.inflight.clear()
            self._follows = None

    def finished(self, t: float, uid: int) -> Utterance | None:
        """What the finished utterance was, or None when it was cut off earlier or unknown."""
        done = self.inflight.pop(uid, None)
        if done is not None:
            self.last_done = done
            self.last_done_at = t
            self._follows = done
            self._began = t
        return done

    def recent(self, t: float) -> bool:
        """Something is being said now, or the last sentence ended less than RECENT_S ago."""
        return self.busy or t - self.last_done_at < RECENT_S

    def last_heard(self, t: float) -> Utterance | None:
        """The sentence the person last heard, as of ``t``: the one playing now (whole, though
        it is cut), or the one before it when it began less than :data:`REPEAT_GRACE_S` ago
        at that one's natural end; with nothing playing, the last one heard to its end."""
        if not self.inflight:
            return self.last_done
        playing = self.inflight[min(self.inflight)]
        if self._follows is not None and t - self._began < REPEAT_GRACE_S:
            return self._follows
        return playing
