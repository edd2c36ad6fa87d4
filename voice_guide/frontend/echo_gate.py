"""Residual-echo gate after the echo canceller.

The canceller removes most of the guide's voice (speexdsp on the simulated room: about
26 dB once adapted) but leaves short bursts 5-15 dB above the room's floor; the
recognizer's energy segmenter takes those for speech, so a command said over the
narration would land in one segment with them and be rejected as part of a sentence.

While the speaker plays (and for its reverberation tail), each frame's echo loss
(microphone level minus the canceller's output level) is compared with its median over
the last two seconds. A frame that lost far less than the echo usually loses, and stands
above the loud end of the recent residual echo, holds the person's voice; the gate opens
when most of the last few frames do (the canceller's own leaks last a frame or two).
Other frames are brought down to the floor measured while the speaker was silent. Voice
opens the gate ``LOOKAHEAD`` frames before it (a fixed delay, so a command's first
consonant is kept) and keeps it open a little after. Until the canceller has adapted,
every frame is gated: the guide's own voice never passes, and a command said in the
first seconds of narration may be lost.

Without a real echo path (headphones, a far speaker: the microphone's level while the
guide plays stays near the floor) nothing is gated. While the speaker has long been
silent the microphone passes as it is (the canceller's fixed filters alone cost commands
in babble on the dev set: 27 against 32 of 118), and the look-ahead delay is dropped at
a quiet moment so answers are not late; it comes back when the speaker plays again.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np

from voice_guide.frontend.pcm import FRAME, Int16, clip16

_FULL = 32768.0
ACTIVE_DBFS = -55.0  # reference frames louder than this are the guide playing
TAIL_FRAMES = 40  # 400 ms of reverberation after the reference falls silent
BYPASS_FRAMES = TAIL_FRAMES + 30  # later than this the canceller's output is not used
QUIET_DB = 10.0  # look-ahead frames this close to the floor may be dropped
MARGIN_DB = 15.0  # a frame losing this much less than the median echo loss holds a voice
HANGOVER_FRAMES = 5
LOOKAHEAD = 8  # frames (80 ms): the gate's fixed delay
SUSTAIN, SUSTAIN_WINDOW = 4, 6  # voice frames among the last frames that open the gate
HISTORY_FRAMES = 200  # 2 s of echo-loss history
MIN_PLAYING_FRAMES = 50  # frames of the guide playing before the gate judges at all
ECHO_DB = 10.0  # the microphone's median level over the floor that means echo reaches it
RESIDUAL_PERCENTILE = 90.0  # of the canceller's output over echo-only frames
ABOVE_RESIDUAL_DB = 6.0  # a voice must also stand this far above the residual echo
# A frame whose microphone level stands this far above what the echo alone gives (the
# reference's loudest frame over the echo's reach, plus the loud end of the coupling learned
# while only the guide played) holds a voice even when the canceller has not adapted (a
# live path through a sound server that resamples; a speaker moved): the person talks over
# the guide. Measured on a capture of a live run (tests' PulseAudio loopback, echo 12 dB
# under the person): 90th percentile + 8 dB marks 81 frames inside the three commands and
# none outside them once 0.5 s of playing is learned.
COUPLING_PERCENTILE = 90.0
COUPLING_MARGIN_DB = 8.0
REACH_FRAMES = 20  # 200 ms: the echo's delay plus the start of the room's tail


def _silence() -> list[tuple[Int16, float, bool]]:
    return [(np.zeros(FRAME, np.int16), -120.0, False) for _ in range(LOOKAHEAD)]


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
        self._mic: deque[float] = deque(maxlen=HISTORY_FRAMES)
        self._coupling: deque[float] = deque(maxlen=HISTORY_FRAMES)
        self._recent_ref: deque[float] = deque(maxlen=REACH_FRAMES)
        self._floor = -70.0
        self._hang = 0
        # frames waiting for the look-ahead: (audio, level, gate it?)
        self._queue: deque[tuple[Int16, float, bool]] = deque(_silence())
        self._recent: deque[bool] = deque(maxlen=SUSTAIN_WINDOW)
        self.gated_frames = 0

    def process(self, mic: Int16, out: Int16, reference: Int16) -> Int16:
        out_db = level_db(out)
        voice_frame, echo = self._judge(level_db(mic), out_db, level_db(reference))
        self._recent.append(voice_frame)
        voice = sum(self._recent) >= SUSTAIN  # a leak of the canceller lasts a frame or two
        if self._since_active > BYPASS_FRAMES:
            # the speaker has long been silent: the microphone as it is, and without the
            # look-ahead delay once what waits in it is quiet (so answers are not late)
            if not self._queue:
                return mic
            if all(level <= self._floor + QUIET_DB for _, level, _ in self._queue):
                self._queue.clear()
                self._hang = 0
                return mic
            out, out_db = mic, level_db(mic)
        elif not self._queue:  # the guide plays again: the look-ahead delay comes back
            self._queue.extend(_silence())
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
        self._recent_ref.append(ref_db)
        if self._since_active > TAIL_FRAMES:
            # the speaker is silent: track the room's floor (drops at once, rises slowly)
            self._floor = out_db if out_db < self._floor else self._floor + 0.02
            return False, False
        loss = mic_db - out_db
        self._losses.append(loss)
        self._mic.append(mic_db)
        if len(self._mic) < MIN_PLAYING_FRAMES:
            return False, False
        if float(np.median(np.fromiter(self._mic, dtype=np.float64))) < self._floor + ECHO_DB:
            return False, False  # hardly any echo reaches the microphone
        # Before the canceller has adapted the typical loss is small and every frame is
        # gated: commands said in the first seconds may be lost, the guide's own voice
        # never passes.
        typical = float(np.median(np.fromiter(self._losses, dtype=np.float64)))
        residual = (float(np.percentile(np.fromiter(self._residual, dtype=np.float64),
                                        RESIDUAL_PERCENTILE))
                    if len(self._residual) >= 10 else self._floor)
        voice = loss < typical - MARGIN_DB and out_db > residual + ABOVE_RESIDUAL_DB
        coupling = mic_db - max(self._recent_ref)
        if len(self._coupling) >= MIN_PLAYING_FRAMES:
            loud_end = float(np.percentile(np.fromiter(self._coupling, dtype=np.float64),
                                           COUPLING_PERCENTILE))
            voice = voice or coupling > loud_end + COUPLING_MARGIN_DB
        if not voice:
            self._residual.append(out_db)
            self._coupling.append(coupling)
        return voice, True
