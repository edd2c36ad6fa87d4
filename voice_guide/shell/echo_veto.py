"""The last line against the guide hearing itself during barge-in.

The echo canceller removes most of the guide's voice from the microphone, but a sentence
such as "Say next to move on." carries a command word, and what little echo is left could
still be taken for "next". The veto drops a command when both hold:

- the speaker was playing over most of the stretch where the command was said (the tap
  knows), and
- every word of the command's phrase is in a sentence the guide started saying shortly
  before (it knows what it said).

A person who says "next" over "say next to move on" is vetoed too (the phrase is in the
sentence): they repeat it once the sentence ends, or say another phrase for the same thing.
Any other command over the guide's voice goes through.
"""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Callable

import numpy as np

#: How long after a sentence starts its words count (a long sentence plus the room's tail).
SAID_WINDOW_S = 60.0
#: int16 level above which the reference counts as sound.
SOUND_LEVEL = 8
#: Share of the command's stretch the speaker must have been playing for the veto.
PLAYING_SHARE = 0.3

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


class EchoVeto:
    """Remembers what the guide said; judges commands heard while it was playing."""

    def __init__(self, read_reference: Callable[[float, int], bytes], rate: int = 16_000,
                 window_s: float = SAID_WINDOW_S) -> None:
        self._read = read_reference
        self._rate = rate
        self._window_s = window_s
        self._lock = threading.Lock()
        self._said: deque[tuple[float, frozenset[str]]] = deque()
        self.vetoed = 0

    def said(self, text: str, at: float) -> None:
        """The guide is about to say ``text`` (``at``: time.monotonic())."""
        with self._lock:
            self._said.append((at, frozenset(words(text))))
            while self._said and self._said[0][0] < at - self._window_s:
                self._said.popleft()

    def playing_share(self, start: float, end: float) -> float:
        """Share of [start, end) (monotonic) in which the speaker made sound."""
        n = int((end - start) * self._rate)
        if n <= 0:
            return 0.0
        ref = np.frombuffer(self._read(start, n), dtype="<i2")
        if ref.size == 0:
            return 0.0
        hop = self._rate // 50  # 20 ms frames
        frames = ref[: ref.size // hop * hop].reshape(-1, hop) if ref.size >= hop else (
            ref.reshape(1, -1))
        loud = np.max(np.abs(frames.astype(np.int32)), axis=1) > SOUND_LEVEL
        return float(np.mean(loud))

    def is_echo(self, phrase: str, start: float, end: float) -> bool:
        """True when ``phrase`` heard over [start, end) is most likely the guide's own voice."""
        said = set(words(phrase))
        if not said:
            return False
        with self._lock:
            sentences = [w for at, w in self._said if at <= end and at >= end - self._window_s]
        if not any(said <= sentence for sentence in sentences):
            return False
        if self.playing_share(start, end) < PLAYING_SHARE:
            return False
        self.vetoed += 1
        return True
