"""Rendered speech: trimmed, checked for completeness, and played with a short even gap.

Both synthesizers render a whole sentence to samples first and then play them through
:class:`~voice_guide.audio.playback.PcmPlayer`. This module holds what they share:

- ``trim``: espeak-ng starts a sentence with ~0.1 s and ends it with ~0.3-0.4 s of silence
  (its end-of-clause pause); cut both down to a few milliseconds, so the pause between
  sentences is ours (``GAP_S``), not an accident of the engine.
- ``incomplete``: pyttsx3 2.99 can cancel the sentence it was asked for (its
  ``runAndWait`` calls the driver's ``stop()``, which cancels the new synthesis while
  espeak still reports the old one), and ``save_to_file`` then leaves no file, an empty
  one or a cut one. Such a rendering is told apart by its length against the length the
  words need.
- :class:`Pacer`: plays one rendering after another with ``GAP_S`` of silence between
  sentences that follow each other, and renders the next sentence while this one plays.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from voice_guide.audio.playback import PcmPlayer
from voice_guide.speech.duration import speaking_s

FloatArray = npt.NDArray[np.float32]

GAP_S = 0.28  # silence between two sentences said one after the other
FOLLOW_S = 1.0  # a sentence starting later than this after the last one needs no gap
KEEP_S = 0.015  # silence kept at either end when trimming
SILENT_PEAK = 0.01  # (about -40 dBFS) quieter than this at the ends counts as silence
MIN_FRACTION = 0.35  # a rendering shorter than this part of the expected time is incomplete
MIN_SPEECH_S = 0.05  # "two" at 420 words a minute is 0.09 s: correct, and short
HEADROOM_PEAK = 0.89  # rendered speech is scaled to at most this peak (-1 dBFS)


@dataclass(frozen=True)
class Rendered:
    """A sentence as samples (mono float32 in [-1, 1]) at ``rate``."""

    text: str
    words_per_minute: int
    samples: FloatArray
    rate: int

    @property
    def seconds(self) -> float:
        return self.samples.size / self.rate if self.rate else 0.0


def trim(samples: FloatArray, rate: int) -> FloatArray:
    """``samples`` without the silence at both ends (KEEP_S of it is kept)."""
    loud = np.flatnonzero(np.abs(samples) > SILENT_PEAK)
    if loud.size == 0:
        return samples[:0]
    keep = int(KEEP_S * rate)
    return samples[max(0, int(loud[0]) - keep) : int(loud[-1]) + 1 + keep]


def finish(text: str, words_per_minute: int, samples: FloatArray, rate: int) -> Rendered:
    """Trim and cap the peak (headroom for the top volume step)."""
    cut = trim(samples.astype(np.float32), rate)
    peak = float(np.max(np.abs(cut))) if cut.size else 0.0
    if peak > HEADROOM_PEAK:
        cut = (cut * (HEADROOM_PEAK / peak)).astype(np.float32)
    return Rendered(text, words_per_minute, cut, rate)


def incomplete(rendered: Rendered | None, text: str, words_per_minute: int) -> str | None:
    """Why ``rendered`` cannot be the whole of ``text`` (None when it can)."""
    expected = speaking_s(text, words_per_minute)
    if rendered is None:
        return "no audio was made"
    if rendered.samples.size == 0:
        return "the audio was silent"
    if rendered.seconds < max(MIN_SPEECH_S, MIN_FRACTION * expected):
        return f"{rendered.seconds:.2f} s of audio for about {expected:.1f} s of words"
    return None


RenderFn = Callable[[str, int], Rendered]


class Pacer:
    """Plays renderings on the player, evenly spaced, and renders ahead while one plays.

    ``prepare`` may be called from any thread; the rendering itself happens inside
    :meth:`say` on the thread that owns the synthesizer (pyttsx3 must stay on one thread)."""

    def __init__(self, player: PcmPlayer, render: RenderFn, limit: int = 4) -> None:
        self._player = player
        self._render = render
        self._limit = limit
        self._wanted: queue.Queue[tuple[str, int]] = queue.Queue()
        self._ready: dict[tuple[str, int], Rendered] = {}
        self._last_end: float | None = None  # when the last sentence was heard to its end
        self.rendered_ahead = 0  # how many sentences were ready before their turn
        #: Told the seconds a sentence will take to sound (gap included) as it is queued.
        self.on_play: Callable[[float], None] | None = None

    def prepare(self, text: str, words_per_minute: int) -> None:
        """Render ``text`` while the current sentence plays (a hint; it may be ignored)."""
        self._wanted.put((text, words_per_minute))

    def forget(self) -> None:
        """Drop what was rendered ahead and the pacing (after a stop: answer at once)."""
        self._ready.clear()
        while True:
            try:
                self._wanted.get_nowait()
            except queue.Empty:
                break
        self._last_end = None

    def rendering(self, text: str, words_per_minute: int) -> Rendered:
        """The rendering of ``text``: ready-made when it was prepared, else made now."""
        ready = self._ready.pop((text, words_per_minute), None)
        if ready is not None:
            self.rendered_ahead += 1
            return ready
        return self._render(text, words_per_minute)

    def play(self, rendered: Rendered, volume: float, stop: threading.Event) -> bool:
        """Play ``rendered`` after the gap; render prepared sentences meanwhile. False: cut."""
        now = time.monotonic()
        not_before = None
        if self._last_end is not None and now - self._last_end < FOLLOW_S:
            not_before = self._last_end + GAP_S
        playing = self._player.start(rendered.samples, rendered.rate, volume, kind="speech",
                                     stop=stop, not_before=not_before)
        if self.on_play is not None:
            self.on_play(rendered.seconds + GAP_S + self._player.latency)
        while not playing.consumed.wait(0.02):
            if stop.is_set():
                break
            self._render_one()
        done = playing.wait(stop)
        if done:
            self._last_end = playing.end_dac or time.monotonic()
        else:
            self._last_end = None
        return done

    def _render_one(self) -> None:
        try:
            key = self._wanted.get_nowait()
        except queue.Empty:
            return
        if key in self._ready or len(self._ready) >= self._limit:
            return
        try:
            self._ready[key] = self._render(*key)
        except Exception:  # rendering ahead is only a head start; the turn renders again
            return
