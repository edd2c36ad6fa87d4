"""The front end: 10 ms frames through the switched-on stages, with CPU time per stage.

Two outputs: ``plain`` (echo cancelled, gain controlled) and, when a denoiser is on,
``denoised`` (echo cancelled, denoised, gain controlled). Which one the recognizer
hears is the hearing's business (``hearing.py``): with ``denoise=auto`` both are heard.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from voice_guide.frontend.echo_gate import level_db
from voice_guide.frontend.gain import Gain
from voice_guide.frontend.pcm import Framer, Int16, to_bytes
from voice_guide.frontend.stage import Stage


def _vad() -> Stage:
    from voice_guide.frontend.vad import VadGate

    return VadGate()


@dataclass(frozen=True)
class Processed:
    plain: bytes
    denoised: bytes | None
    speech_probability: list[float]  # the denoiser's, one per 10 ms frame (empty: none)
    levels: list[float]  # dBFS of each 10 ms frame after echo cancellation


class FrontEnd:
    def __init__(self, echo: Stage | None, denoiser: Stage | None, gain: bool,
                 keep_plain: bool = True, vad: bool = False) -> None:
        self.echo = echo
        self.denoiser = denoiser
        self.vad = _vad() if vad else None
        self._plain_gain: Stage | None = Gain() if gain and keep_plain else None
        self._clean_gain: Stage | None = Gain() if gain and denoiser is not None else None
        self.keep_plain = keep_plain or denoiser is None
        self._framer = Framer()
        self.stage_cpu_s: dict[str, float] = {}
        for stage in (echo, denoiser, self.vad, self._plain_gain or self._clean_gain):
            if stage is not None:
                self.stage_cpu_s[stage.name] = 0.0

    def labels(self) -> list[str]:
        stages = [self.echo, self.denoiser, self.vad, self._plain_gain or self._clean_gain]
        return [s.label for s in stages if s is not None]

    def _run(self, stage: Stage, frame: Int16, ref: Int16) -> Int16:
        t0 = time.process_time()
        out = stage.process(frame, ref)
        self.stage_cpu_s[stage.name] += time.process_time() - t0
        return out

    def process(self, pcm: bytes, reference: bytes | None = None) -> Processed:
        plain: list[bytes] = []
        clean: list[bytes] = []
        probs: list[float] = []
        levels: list[float] = []
        for mic, ref in self._framer.push(pcm, reference):
            frame = self._run(self.echo, mic, ref) if self.echo is not None else mic
            levels.append(level_db(frame))
            if self.vad is not None:
                frame = self._run(self.vad, frame, ref)
            if self.denoiser is not None:
                denoised = self._run(self.denoiser, frame, ref)
                probs.append(float(getattr(self.denoiser, "speech_probability", 0.0)))
                if self._clean_gain is not None:
                    denoised = self._run(self._clean_gain, denoised, ref)
                clean.append(to_bytes(denoised))
            if self.keep_plain:
                if self._plain_gain is not None:
                    frame = self._run(self._plain_gain, frame, ref)
                plain.append(to_bytes(frame))
        return Processed(b"".join(plain), b"".join(clean) if self.denoiser is not None else None,
                         probs, levels)

    def finish(self) -> bytes:
        """The last part frame, unprocessed (so no sample of a recording is lost)."""
        return self._framer.rest()

    def reset(self) -> None:
        self._framer.reset()
        for stage in (self.echo, self.denoiser, self.vad, self._plain_gain, self._clean_gain):
            if stage is not None:
                stage.reset()
