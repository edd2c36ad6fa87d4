"""A ``Hearing``: the front end and the recognizer(s) behind it, owned by one thread.

denoise=off: one recognizer hears the plain output. denoise=on: one recognizer hears
the denoised output. denoise=auto: two recognizers, one on each output, and a command
is taken from the one that suits the background measured when it was said (see
``background.py``): the plain path in a room of talkers, the denoised path otherwise.
"""

from __future__ import annotations

import time

from voice_guide.frontend.background import Background
from voice_guide.frontend.chain import FrontEnd
from voice_guide.ports import Heard, Recognizer, Rejected


class ChainHearing:
    def __init__(self, name: str, front: FrontEnd | None, plain: Recognizer | None,
                 denoised: Recognizer | None, background: Background | None = None) -> None:
        if plain is None and denoised is None:
            raise ValueError("a hearing needs a recognizer")
        self.name = name
        self._front = front
        self._plain = plain
        self._denoised = denoised
        self._background = background if plain is not None and denoised is not None else None
        self._recognizer_cpu = 0.0
        self.unknown_words = list(getattr(plain or denoised, "unknown_words", None) or [])

    @property
    def stage_cpu_s(self) -> dict[str, float]:
        stages = dict(self._front.stage_cpu_s) if self._front is not None else {}
        stages["recognizer"] = self._recognizer_cpu
        return stages

    @property
    def background_talk(self) -> bool | None:
        """auto only: is the background judged to be other people talking?"""
        return self._background.talk() if self._background is not None else None

    def accept(self, pcm: bytes, reference: bytes | None = None) -> list[Heard]:
        if self._front is None:
            return self._hear(pcm, None)
        out = self._front.process(pcm, reference)
        if self._background is not None:
            self._background.push(out.speech_probability, out.levels)
        return self._hear(out.plain, out.denoised)

    def flush(self) -> list[Heard]:
        rest = self._front.finish() if self._front is not None else b""
        found = self._hear(rest, rest) if rest else []
        t0 = time.process_time()
        plain = self._plain.flush() if self._plain is not None else []
        denoised = self._denoised.flush() if self._denoised is not None else []
        self._recognizer_cpu += time.process_time() - t0
        return found + self._choose(plain, denoised)

    def reset(self) -> None:
        """Drop the recognizers' partial utterances; the front end keeps what it adapted to."""
        for recognizer in (self._plain, self._denoised):
            if recognizer is not None:
                recognizer.reset()

    def take_rejected(self) -> list[Rejected]:
        out: list[Rejected] = []
        for recognizer in (self._plain, self._denoised):
            take = getattr(recognizer, "take_rejected", None)
            if take is not None:
                out.extend(take())
        return out[-10:]

    def close(self) -> None:
        for recognizer in (self._plain, self._denoised):
            close = getattr(recognizer, "close", None)
            if close is not None:
                close()

    def _hear(self, plain: bytes, denoised: bytes | None) -> list[Heard]:
        t0 = time.process_time()
        from_plain = self._plain.accept(plain) if self._plain is not None and plain else []
        from_clean: list[Heard] = []
        if self._denoised is not None:
            audio = denoised if denoised is not None else plain
            from_clean = self._denoised.accept(audio) if audio else []
        self._recognizer_cpu += time.process_time() - t0
        return self._choose(from_plain, from_clean)

    def _choose(self, plain: list[Heard], denoised: list[Heard]) -> list[Heard]:
        if self._background is None:
            return plain + denoised  # only one of them has a recognizer
        background = self._background
        return ([h for h in plain if background.talk_at(h.start)]
                + [h for h in denoised if not background.talk_at(h.start)])
