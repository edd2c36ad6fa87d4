"""The guide's outgoing actions and the utterances it said that have not finished yet."""

from __future__ import annotations

from voice_guide.dialog.actions import Action, Listen, Say, StopSpeech
from voice_guide.dialog.modes import Kind


class Talk:
    """Collects actions for one event; knows what is being said (and what kind of thing)."""

    def __init__(self) -> None:
        self.out: list[Action] = []
        self.inflight: dict[int, tuple[Kind, int]] = {}  # said, not yet finished
        self._next_uid = 1

    def take(self) -> list[Action]:
        out, self.out = self.out, []
        return out

    def emit(self, action: Action) -> None:
        self.out.append(action)

    @property
    def busy(self) -> bool:
        return bool(self.inflight)

    def talking_besides_counts(self) -> bool:
        return any(kind != "count" for kind, _ in self.inflight.values())

    def say(self, t: float, text: str, wpm: int, kind: Kind, line: int = -1) -> None:
        """Say ``text``; the microphone's command path goes off first when all was quiet."""
        if not self.inflight:
            self.emit(Listen(t, False))
        uid = self._next_uid
        self._next_uid += 1
        self.inflight[uid] = (kind, line)
        self.emit(Say(t, text, uid, wpm))

    def interrupt(self, t: float) -> None:
        """Cut off anything being said; its SpeechFinished will be ignored."""
        if self.inflight:
            self.emit(StopSpeech(t))
            self.inflight.clear()

    def finished(self, uid: int) -> tuple[Kind, int] | None:
        """What the finished utterance was, or None when it was cut off earlier or unknown."""
        return self.inflight.pop(uid, None)
