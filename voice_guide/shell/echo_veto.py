"""The last line against the guide hearing itself during barge-in: a Hearing wrapper.

The echo canceller removes most of the guide's voice from the microphone, but not all of
it: what is left still reaches the recognizer, which now and then makes a word of it (on
the test server, "pause" and "hold" out of the guide's own sentences). And a sentence
such as "Say next to move on." carries a command word itself. ``EchoVeto`` sits in front of
any :class:`voice_guide.ports.Hearing`, sees the same microphone and reference blocks, and
drops a command heard while the speaker was playing (over at least ``PLAYING_SHARE`` of
the phrase) when either holds:

- every word of its phrase is in one of the last ``SAID_KEPT`` sentences the guide started
  speaking (``said()``, called when the speech worker starts a sentence), or
- the microphone was not louder than the guide's echo alone would make it: the echo's
  level is learned all the time while the speaker plays (a low percentile of the ratio of
  microphone to reference level over quarter-second windows, so the windows where a
  person talked do not count), and a person talking over the guide adds to it
  (``NEAR_END_MARGIN``).

- or the output stream ran dry (an underrun, ``glitches``) in the last ``GLITCH_HOLD_S``:
  the sound that left the speaker then no longer lines up with the tap's reference, so the
  echo canceller and the level test above cannot be trusted (seen on a busy machine).

Until the echo's level is learned (the first ``MIN_LEARNED`` quarter seconds of the guide
talking), every command over its voice is vetoed.

A command said while the speaker is quiet is never touched. A person who says "next" over
"say next to move on", or who speaks more softly than the guide's echo, is vetoed: they say
it again once the sentence ends. Works on the blocks alone, so ``listen --file --reference``
and the benchmark can wrap their hearing the same way.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Callable

import numpy as np

from voice_guide.ports import SAMPLE_RATE, Heard, Rejected

SAID_WINDOW_S = 60.0  # the longest sentence, plus the room's tail
SAID_KEPT = 2  # the sentence being spoken and the one before it (its tail in the room)
SOUND_RMS = 60.0  # int16 RMS of a 20 ms reference frame that counts as the speaker playing
PLAYING_SHARE = 0.3  # share of the phrase's frames with the speaker playing for a veto
NEAR_END_MARGIN = 2.0  # mic level over the learned echo level that means a person talks
HISTORY_S = 8.0  # audio kept to judge a phrase (phrases are short; recognizers lag a little)
WINDOW_S = 0.25  # windows over which the echo's level is learned
LEARN_WINDOWS = 40  # windows pooled (the last ten seconds of playing)
MIN_LEARNED = 8  # windows needed before the level test is used (two seconds of playing)
LEARN_PERCENTILE = 20  # low: windows where a person talked over the guide only raise it
FRAME = SAMPLE_RATE // 50  # 20 ms
MARGIN_S = 0.15  # the span judged is widened by this on both sides (alignment, reverb)
#: The reference level judged is the highest over shifts of up to this much: the output's
#: timeline can slip against the tap's (an underrun on a busy machine).
SLIP_S = 0.3
GLITCH_HOLD_S = 5.0  # after an output underrun, commands over the guide are not trusted
VETO_REASON = "the guide's own voice"

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if x.size else 0.0


class EchoVeto:
    """A Hearing in front of another: the same calls, with the guide's own voice vetoed."""

    def __init__(self, inner: object, glitches: Callable[[], int] | None = None) -> None:
        """``glitches``: a running count of output underruns (``PcmPlayer.underruns``)."""
        self._inner = inner
        self._glitches = glitches
        self._glitch_count = glitches() if glitches is not None else 0
        self._glitch_at = -1e9  # samples fed when the count last went up
        self.name = str(getattr(inner, "name", "hearing"))
        self.unknown_words = list(getattr(inner, "unknown_words", None) or [])
        self._lock = threading.Lock()
        self._said: deque[tuple[float, frozenset[str]]] = deque()
        keep = int(HISTORY_S * SAMPLE_RATE)
        self._mic: deque[np.ndarray] = deque()
        self._ref: deque[np.ndarray] = deque()
        self._kept = 0
        self._keep = keep
        self._fed = 0  # samples fed so far
        self._ratios: deque[float] = deque(maxlen=LEARN_WINDOWS)
        self._window_mic: list[np.ndarray] = []
        self._window_ref: list[np.ndarray] = []
        self._window_n = 0
        self._rejected: list[Rejected] = []
        self.vetoed: list[Heard] = []

    # -- what the live session tells it ------------------------------------------------

    def said(self, text: str, at: float | None = None) -> None:
        """The guide is about to say ``text`` (``at``: time.monotonic(), default now)."""
        now = time.monotonic() if at is None else at
        with self._lock:
            self._said.append((now, frozenset(words(text))))
            while self._said and (self._said[0][0] < now - SAID_WINDOW_S
                                  or len(self._said) > SAID_KEPT):
                self._said.popleft()

    @property
    def echo_gain(self) -> float | None:
        """Learned microphone level over reference level while the speaker plays (None until
        MIN_LEARNED windows)."""
        if len(self._ratios) < MIN_LEARNED:
            return None
        return float(np.percentile(list(self._ratios), LEARN_PERCENTILE))

    def person_talking(self, back_s: float = 1.0) -> bool:
        """Did the microphone carry more than the guide's echo in the last ``back_s``?
        (Unknown echo level: True, so nothing is thrown away on a guess.)"""
        mic, ref = self._span(back_s - MARGIN_S, MARGIN_S)
        if mic.size == 0:
            return False
        gain = self.echo_gain
        if gain is None:
            return True
        frames = mic.size // FRAME
        if frames == 0:
            return False
        m = np.sqrt(np.mean(mic[: frames * FRAME].reshape(frames, FRAME).astype(np.float64) ** 2,
                            axis=1))
        r = np.sqrt(np.mean(ref[: frames * FRAME].reshape(frames, FRAME).astype(np.float64) ** 2,
                            axis=1))
        # A person: several 20 ms frames well above both the echo and the room's floor.
        loud = m > np.maximum(NEAR_END_MARGIN * gain * r, SOUND_RMS * 2)
        return int(np.sum(loud)) >= 5

    # -- the Hearing calls -------------------------------------------------------------

    def accept(self, pcm: bytes, reference: bytes | None = None) -> list[Heard]:
        mic = np.frombuffer(pcm, dtype="<i2").astype(np.float32)
        ref = (np.frombuffer(reference, dtype="<i2").astype(np.float32)
               if reference is not None else np.zeros_like(mic))
        if ref.size != mic.size:
            ref = np.resize(ref, mic.size) if ref.size else np.zeros_like(mic)
        self._remember(mic, ref)
        if self._glitches is not None:
            count = self._glitches()
            if count != self._glitch_count:
                self._glitch_count = count
                self._glitch_at = self._fed
        found: list[Heard] = self._inner.accept(pcm, reference)  # type: ignore[attr-defined]
        return self._judge(found)

    def flush(self) -> list[Heard]:
        return self._judge(self._inner.flush())  # type: ignore[attr-defined]

    def reset(self) -> None:
        self._inner.reset()  # type: ignore[attr-defined]

    def take_rejected(self) -> list[Rejected]:
        take = getattr(self._inner, "take_rejected", None)
        inner: list[Rejected] = take() if take is not None else []
        out, self._rejected = [*self._rejected, *inner], []
        return out[-10:]

    def close(self) -> None:
        close = getattr(self._inner, "close", None)
        if close is not None:
            close()

    def __getattr__(self, name: str) -> object:  # stage_cpu_s, sentence, ...
        return getattr(self._inner, name)

    # -- inside ------------------------------------------------------------------------

    def _remember(self, mic: np.ndarray, ref: np.ndarray) -> None:
        self._mic.append(mic)
        self._ref.append(ref)
        self._kept += mic.size
        self._fed += mic.size
        while self._mic and self._kept - self._mic[0].size >= self._keep:
            self._kept -= self._mic.popleft().size
            self._ref.popleft()
        self._window_mic.append(mic)
        self._window_ref.append(ref)
        self._window_n += mic.size
        if self._window_n >= WINDOW_S * SAMPLE_RATE:
            m = np.concatenate(self._window_mic)
            r = np.concatenate(self._window_ref)
            self._window_mic, self._window_ref, self._window_n = [], [], 0
            if self._playing_share(r) > 0.8:
                self._ratios.append(_rms(m) / max(_rms(r), 1.0))

    def _span(self, back_start: float, back_end: float) -> tuple[np.ndarray, np.ndarray]:
        """Mic and reference from ``back_start`` to ``back_end`` seconds before the newest
        sample (widened by MARGIN_S)."""
        mic = np.concatenate(list(self._mic)) if self._mic else np.zeros(0, np.float32)
        ref = np.concatenate(list(self._ref)) if self._ref else np.zeros(0, np.float32)
        a = max(0, mic.size - int((back_start + MARGIN_S) * SAMPLE_RATE))
        b = max(a, mic.size - max(0, int((back_end - MARGIN_S) * SAMPLE_RATE)))
        return mic[a:b], ref[a:b]

    @staticmethod
    def _playing_share(ref: np.ndarray) -> float:
        n = ref.size // FRAME
        if n == 0:
            return 0.0
        frames = ref[: n * FRAME].reshape(n, FRAME).astype(np.float64)
        return float(np.mean(np.sqrt(np.mean(frames**2, axis=1)) > SOUND_RMS))

    def _judge(self, found: list[Heard]) -> list[Heard]:
        kept: list[Heard] = []
        for heard in found:
            if self._is_echo(heard):
                self.vetoed.append(heard)
                self._rejected.append(Rejected(heard.text, heard.command.intent, VETO_REASON))
            else:
                kept.append(heard)
        return kept

    def _is_echo(self, heard: Heard) -> bool:
        # Where the phrase was, counted back from the newest sample fed: the recognizer
        # emitted it ``emitted_at - start`` seconds of audio after it began.
        back_start = max(0.0, heard.emitted_at - heard.start)
        back_end = max(0.0, heard.emitted_at - heard.end)
        mic, ref = self._span(back_start, back_end)
        if self._playing_share(ref) < PLAYING_SHARE:
            return False  # said while the speaker was quiet: a person
        if (self._fed - self._glitch_at) / SAMPLE_RATE < GLITCH_HOLD_S + back_start:
            return True
        phrase = set(words(heard.command.phrase))
        now = time.monotonic()
        with self._lock:
            sentences = [w for at, w in self._said if at >= now - SAID_WINDOW_S]
        if phrase and any(phrase <= sentence for sentence in sentences):
            return True
        gain = self.echo_gain
        if gain is None:
            # Nothing learned yet (the first two seconds the guide talks): a command over
            # its voice cannot be told from its echo; it is said again once it is quiet.
            return True
        return _rms(mic) < NEAR_END_MARGIN * gain * max(self._slipped_ref_rms(back_start,
                                                                               back_end), 1.0)

    def _slipped_ref_rms(self, back_start: float, back_end: float) -> float:
        """The reference's level over the span, the highest over small shifts of it."""
        best = 0.0
        steps = 6
        for k in range(-steps, steps + 1):
            shift = SLIP_S * k / steps
            _, ref = self._span(back_start + shift, max(0.0, back_end + shift))
            best = max(best, _rms(ref))
        return best
