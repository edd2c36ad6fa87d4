"""Speech segmentation by energy against a tracked noise floor, with two pause lengths.

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
    threshold_db: float = 9.0  # frame energy above the noise floor that counts as speech
    floor_rise_db: float = 0.02  # per frame: how fast the noise floor may rise
    min_level_db: float = -62.0  # below this a frame is silence whatever the floor


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
        self._floor: float | None = None
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
        level = 10 * math.log10(float(np.mean(samples**2)) + 1e-12)
        cfg = self.config
        if self._floor is None:
            self._floor = level
        speech = level > max(self._floor + cfg.threshold_db, cfg.min_level_db)
        if level < self._floor:
            self._floor = 0.7 * self._floor + 0.3 * level
        elif not speech:
            self._floor += min(level - self._floor, 0.2)
        elif self._in_speech and self._speech_frames * FRAME_S > cfg.max_speech:
            self._floor += 5 * cfg.floor_rise_db  # a lasting loud noise: adapt faster
        else:
            self._floor += cfg.floor_rise_db
        return speech

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
