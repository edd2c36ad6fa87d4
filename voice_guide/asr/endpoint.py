"""Speech segmentation by energy against the running background level, with two pause lengths.

The background level is a low percentile of the frame levels of the last few seconds
(speech included). Against music or a room of talkers a floor tracked from the
quietest frames sits far below the typical background, so loud moments of the
background count as speech and an utterance never ends; a percentile sits at the
background's typical level, so the utterance ends when its speech stops. Commands are
short, so they never fill enough of the window to lift the percentile.

A recognizer decodes only inside speech segments. ``short_pause`` after speech lets
it act early on a phrase that cannot grow into a longer one; ``end_pause`` closes the
segment. Segments longer than ``max_speech`` are marked too long (a sentence, not a
command).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from voice_guide.ports import SAMPLE_RATE

FRAME = 320  # 20 ms
FRAME_BYTES = FRAME * 2
FRAME_S = FRAME / SAMPLE_RATE


@dataclass(frozen=True)
class EndpointConfig:
    short_pause: float = 0.24  # seconds of silence before a non-growable phrase is acted on
    end_pause: float = 0.56  # seconds of silence that end an utterance
    pre_roll: float = 0.3  # audio kept before the detected speech start
    max_speech: float = 4.0  # longer than this: not a command
    threshold_db: float = 7.0  # frame energy above the background level that counts as speech
    background_s: float = 3.0  # seconds of frame levels the background level is taken from
    background_percentile: float = 30.0
    min_level_db: float = -62.0  # below this a frame is silence whatever the background


@dataclass(frozen=True)
class Start:
    at: float  # seconds of audio where the segment (including pre-roll) begins
    audio: bytes  # pre-roll plus the first speech frames


@dataclass(frozen=True)
class Audio:
    audio: bytes
    silence: float  # seconds of silence since the last speech frame (0 while speaking)
    now: float  # seconds of audio consumed up to the end of this frame


@dataclass(frozen=True)
class End:
    at: float
    too_long: bool


Event = Start | Audio | End


class Segmenter:
    """Feeds 16 kHz int16 PCM, yields Start / Audio / End events frame by frame."""

    def __init__(self, config: EndpointConfig | None = None) -> None:
        self.config = config or EndpointConfig()
        self._buf = b""
        self._frames = 0  # frames consumed
        self._levels = np.full(max(1, int(self.config.background_s / FRAME_S)), np.nan)
        self._filled = 0
        self._smooth: deque[float] = deque(maxlen=3)
        self._history: deque[tuple[bytes, bool]] = deque(
            maxlen=max(1, int(self.config.pre_roll / FRAME_S))
        )
        self._in_speech = False
        self._silent_frames = 0
        self._speech_frames = 0
        self._too_long = False

    @property
    def consumed(self) -> float:
        return self._frames * FRAME_S

    @property
    def in_speech(self) -> bool:
        return self._in_speech

    def reset(self) -> None:
        self._buf = b""
        self._history.clear()
        self._in_speech = False
        self._silent_frames = 0
        self._speech_frames = 0

    def push(self, pcm: bytes) -> list[Event]:
        self._buf += pcm
        events: list[Event] = []
        while len(self._buf) >= FRAME_BYTES:
            frame, self._buf = self._buf[:FRAME_BYTES], self._buf[FRAME_BYTES:]
            self._frames += 1
            events.extend(self._frame(frame))
        return events

    def finish(self) -> list[Event]:
        if self._in_speech:
            self._in_speech = False
            return [End(self.consumed, self._too_long)]
        return []

    def _is_speech(self, frame: bytes) -> bool:
        samples = np.frombuffer(frame, dtype="<i2").astype(np.float64) / 32768.0
        raw = 10 * math.log10(float(np.mean(samples**2)) + 1e-12)
        self._smooth.append(raw)
        level = sum(self._smooth) / len(self._smooth)  # 60 ms: steadier across plosives
        cfg = self.config
        if self._filled == 0:
            background = level
        else:
            known = self._levels[: min(self._filled, self._levels.size)]
            background = float(np.percentile(known, cfg.background_percentile))
        self._levels[self._filled % self._levels.size] = level
        self._filled += 1
        return level > max(background + cfg.threshold_db, cfg.min_level_db)

    def _frame(self, frame: bytes) -> list[Event]:
        speech = self._is_speech(frame)
        cfg = self.config
        if not self._in_speech:
            self._history.append((frame, speech))
            recent = list(self._history)[-4:]
            if sum(1 for _, s in recent) >= 3 and sum(1 for _, s in recent if s) >= 3:
                self._in_speech = True
                self._silent_frames = 0
                self._speech_frames = 3
                self._too_long = False
                audio = b"".join(f for f, _ in self._history)
                start = self.consumed - len(self._history) * FRAME_S
                self._history.clear()
                return [Start(max(0.0, start), audio)]
            return []
        if speech:
            self._silent_frames = 0
            self._speech_frames += 1
        else:
            self._silent_frames += 1
        if self._speech_frames * FRAME_S > cfg.max_speech:
            self._too_long = True
        silence = self._silent_frames * FRAME_S
        events: list[Event] = [Audio(frame, silence, self.consumed)]
        if silence >= cfg.end_pause - 1e-9:
            self._in_speech = False
            events.append(End(self.consumed, self._too_long))
        return events
