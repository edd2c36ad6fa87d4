"""Residual-echo gate after the echo canceller.

AEC3 removes most of the guide's voice (measured on the simulated room: 25-35 dB) but
leaves short bursts 5-15 dB above the room's floor; the recognizer's energy segmenter
takes those for speech, so a command said over the narration lands in one segment with
them and is rejected as part of a sentence. While the speaker is playing (and for its
reverberation tail), each frame's echo loss (microphone level minus the canceller's
output level) is compared with its median over the last two seconds. A frame that lost
far less than the echo usually loses, and stands above the loud end of the recent
residual echo, holds the person's voice; the gate opens when most of the last few
frames do (the canceller's own leaks last a frame or two). Other frames are brought down to the floor
measured while the speaker was silent. Voice frames open the gate a little before them
(a fixed look-ahead of ``LOOKAHEAD`` frames, so a command's first consonant is kept) and
keep it open a little after. Without a real echo path (headphones, a far speaker) the
typical loss is small and nothing is gated.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np

from voice_guide.frontend.pcm import FRAME, Int16, clip16

_FULL = 32768.0
ACTIVE_DBFS = -55.0  # reference frames louder than this are the guide playing
TAIL_FRAMES = 40  # 400 ms of reverberation after the reference falls silent
MARGIN_DB = 15.0  # a frame losing this much less than the median echo loss holds a voice
HANGOVER_FRAMES = 5
LOOKAHEAD = 8  # frames (80 ms): the gate's fixed delay
SUSTAIN, SUSTAIN_WINDOW = 4, 6  # voice frames among the last frames that open the gate
HISTORY_FRAMES = 200  # 2 s of echo-loss history
RESIDUAL_PERCENTILE = 90.0  # of the canceller's output over echo-only frames
ABOVE_RESIDUAL_DB = 6.0  # a voice must also stand this far above the residual echo


def level_db(frame: Int16) -> float:
    values = frame.astype(np.float64) / _FULL
    return 10 * math.log10(float(np.mean(values**2)) + 1e-12)


class EchoGate:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._since_active = TAIL_FRAMES + 1
        self._losses: deque[float] = deque(maxlen=HISTORY_FRAMES)
        self._residual: deque[float] = deque(maxlen=HISTORY_FRAMES)
        self._floor = -70.0
        self._hang = 0
        # frames waiting for the look-ahead: (audio, level, gate it?)
        self._queue: deque[tuple[Int16, float, bool]] = deque(
            (np.zeros(FRAME, np.int16), -120.0, False) for _ in range(LOOKAHEAD))
        self._recent: deque[bool] = deque(maxlen=SUSTAIN_WINDOW)
        self.gated_frames = 0

    def process(self, mic: Int16, out: Int16, reference: Int16) -> Int16:
        out_db = level_db(out)
        voice_frame, echo = self._judge(level_db(mic), out_db, level_db(reference))
        self._recent.append(voice_frame)
        voice = sum(self._recent) >= SUSTAIN  # a leak of the canceller lasts a frame or two
        if voice:
            self._hang = HANGOVER_FRAMES + LOOKAHEAD
            self._queue = deque((a, lv, False) for a, lv, _ in self._queue)
        gate = echo and not voice and self._hang == 0
        self._hang = max(0, self._hang - 1)
        self._queue.append((out, out_db, gate))
        audio, level, gated = self._queue.popleft()
        if not gated or level <= self._floor:
            return audio
        self.gated_frames += 1
        return clip16(audio.astype(np.float64) * 10 ** ((self._floor - level) / 20))

    def _judge(self, mic_db: float, out_db: float, ref_db: float) -> tuple[bool, bool]:
        """(this frame holds a voice over the echo, this frame is within echo time)."""
        self._since_active = 0 if ref_db > ACTIVE_DBFS else self._since_active + 1
        if self._since_active > TAIL_FRAMES:
            # the speaker is silent: track the room's floor (drops at once, rises slowly)
            self._floor = out_db if out_db < self._floor else self._floor + 0.02
            return False, False
        loss = mic_db - out_db
        self._losses.append(loss)
        if len(self._losses) < 10:
            return False, False
        typical = float(np.median(np.fromiter(self._losses, dtype=np.float64)))
        if typical < MARGIN_DB:
            return False, False  # hardly any echo reaches the microphone
        residual = (float(np.percentile(np.fromiter(self._residual, dtype=np.float64),
                                        RESIDUAL_PERCENTILE))
                    if len(self._residual) >= 10 else self._floor)
        voice = loss < typical - MARGIN_DB and out_db > residual + ABOVE_RESIDUAL_DB
        if not voice:
            self._residual.append(out_db)
        return voice, True
