"""What the speaker played, and when: the echo canceller's reference signal.

:class:`PcmPlayer` hands every callback's mix (silence too) to a :class:`PlaybackTap`
together with the ``time.monotonic()`` instant at which its first sample reaches the
speaker. The listening thread then asks for "what was playing from instant ``t`` for
``n`` samples" as 16 kHz int16 PCM, the same format as the microphone blocks, so both can
be lined up sample by sample.

Timing. PortAudio reports, per callback, how far ahead of the speaker the buffer is
(``outputBufferDacTime - currentTime``). One callback's figure can be off: through
PulseAudio the first few buffers of a stream are reported as due at once and then sit
behind a stall of one to two seconds (measured on the test server). The stream itself is
continuous, so the tap places samples by their running index plus the *median* offset
(DAC time minus index/rate) of the callbacks around the requested stretch; a single wrong
report does not move anything, and a real jump (an underrun) moves the timeline once
the reports after it outnumber those before.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from voice_guide.audio.convert import resample, to_pcm16

FloatArray = npt.NDArray[np.float32]

RATE = 16_000  # what read() returns
KEEP_S = 10.0  # history kept
SILENT = 2.0 / 32768  # peak at or below this is silence (one int16 step, dithering aside)
NEIGHBOURS = 8  # callbacks either side of a stretch whose offsets are pooled
PAD_S = 0.012  # stream-rate context kept around a stretch for the rate converter


@dataclass(frozen=True)
class _Chunk:
    index: int  # running index of samples[0] in the stream
    dac_time: float  # reported monotonic time samples[0] reaches the speaker
    samples: FloatArray


class PlaybackTap:
    """What the output stream handed to the device, stamped on ``time.monotonic()``.

    ``write`` runs in the PortAudio output callback and only appends a copy; ``read`` and
    ``playing_at`` run on the listening thread."""

    def __init__(self, keep_s: float = KEEP_S) -> None:
        self._keep_s = keep_s
        self._lock = threading.Lock()
        self._chunks: deque[_Chunk] = deque()
        self._rate = 0
        self._count = 0  # samples written at the current rate

    # -- output callback side ----------------------------------------------------------

    def write(self, samples: FloatArray, rate: int, dac_time: float) -> None:
        """``samples``: float32 mono exactly as sent to the device (after volume); ``rate``:
        the stream's rate; ``dac_time``: monotonic time at which samples[0] is heard."""
        copy = np.array(samples, dtype=np.float32, copy=True).reshape(-1)
        with self._lock:
            if rate != self._rate:  # a new stream: the old timeline means nothing now
                self._chunks.clear()
                self._rate = rate
                self._count = 0
            self._chunks.append(_Chunk(self._count, float(dac_time), copy))
            self._count += copy.size
            horizon = dac_time - self._keep_s
            while len(self._chunks) > 1 and self._chunks[1].dac_time < horizon:
                self._chunks.popleft()

    # -- listening side ----------------------------------------------------------------

    def read(self, start: float, n: int) -> bytes:
        """16 kHz mono int16 PCM of what the speaker played from monotonic ``start`` for
        ``n`` samples; zeros where nothing was playing (or nothing is known)."""
        return to_pcm16(self.read_float(start, n))

    def read_float(self, start: float, n: int) -> FloatArray:
        """The same as :meth:`read`, as float32 in [-1, 1]."""
        out = np.zeros(max(0, n), dtype=np.float32)
        if n <= 0:
            return out
        end = start + n / RATE
        with self._lock:
            rate = self._rate
            picked = self._around(start, end)
        if not picked or rate <= 0:
            return out
        offset = float(np.median([c.dac_time - c.index / rate for c in picked]))
        # The stretch in stream samples, with context for the rate converter.
        pad = int(PAD_S * rate) + 2
        first = int(np.floor((start - offset) * rate)) - pad
        last = int(np.ceil((end - offset) * rate)) + pad
        buf = np.zeros(last - first, dtype=np.float32)
        for chunk in picked:
            lo = max(chunk.index, first)
            hi = min(chunk.index + chunk.samples.size, last)
            if hi > lo:
                buf[lo - first : hi - first] = chunk.samples[lo - chunk.index : hi - chunk.index]
        if not np.any(buf):
            return out
        conv = resample(buf, rate, RATE) if rate != RATE else buf
        # conv[k] is the sound at offset + first/rate + k/RATE; the stretch wanted begins
        # ``at + frac`` samples in, so shift by the fraction (band-limited, via the FFT; the
        # wrap-around lands in the padding).
        exact = (start - offset - first / rate) * RATE
        at = int(np.floor(exact))
        frac = exact - at
        if frac > 1e-6:
            bins = np.fft.rfftfreq(conv.size)
            conv = np.fft.irfft(np.fft.rfft(conv) * np.exp(2j * np.pi * bins * frac),
                                conv.size).astype(np.float32)
        piece = conv[max(0, at) : max(0, at) + n]
        out[: piece.size] = piece
        return out

    def playing_at(self, t: float) -> bool:
        """True when the speaker was (or will be, for buffered output) making sound at ``t``."""
        window = 0.005
        return bool(np.max(np.abs(self.read_float(t - window, int(2 * window * RATE)))) > SILENT)

    def latest_time(self) -> float | None:
        """The monotonic time up to which output is known (end of the last buffer written)."""
        with self._lock:
            if not self._chunks or self._rate <= 0:
                return None
            last = self._chunks[-1]
            return last.dac_time + last.samples.size / self._rate

    def _around(self, start: float, end: float) -> list[_Chunk]:
        """The chunks that may overlap [start, end) plus NEIGHBOURS either side (lock held).

        Chunks are in stream order; the search walks back from the newest, which is where
        the listening thread reads."""
        chunks = self._chunks
        if not chunks:
            return []
        rate = self._rate
        slack = 0.5  # seconds: reported times may be off by this much and still be found
        hi = len(chunks) - 1
        while hi > 0 and chunks[hi].dac_time > end + slack:
            hi -= 1
        lo = hi
        while lo > 0 and chunks[lo].dac_time + chunks[lo].samples.size / rate > start - slack:
            lo -= 1
        lo = max(0, lo - NEIGHBOURS)
        hi = min(len(chunks) - 1, hi + NEIGHBOURS)
        return [chunks[i] for i in range(lo, hi + 1)]
