"""Building a ``Hearing`` from the front-end settings: the one entry point for the CLI,
voice sessions (in a child process, ``isolated.py``) and the benchmark."""

from __future__ import annotations

import logging
from pathlib import Path

from voice_guide.errors import MissingDependency
from voice_guide.frontend.background import Background
from voice_guide.frontend.chain import FrontEnd
from voice_guide.frontend.hearing import ChainHearing
from voice_guide.frontend.settings import FrontEndSettings
from voice_guide.frontend.stage import Stage
from voice_guide.intents import PhraseTable

log = logging.getLogger(__name__)


def make_denoiser() -> Stage:
    """RNNoise; WebRTC noise suppression when RNNoise's library does not load here."""
    try:
        from voice_guide.frontend.rnnoise import Rnnoise

        return Rnnoise()
    except (MissingDependency, OSError, AttributeError) as err:
        log.warning("RNNoise unavailable (%s); using WebRTC noise suppression", err)
        from voice_guide.frontend.webrtc_ns import WebrtcDenoiser

        return WebrtcDenoiser()


def make_echo_canceller() -> Stage:
    """libspeexdsp's MDF filter; WebRTC AEC3 (livekit) when libspeexdsp does not load."""
    try:
        from voice_guide.frontend.speex_echo import SpeexEcho

        return SpeexEcho()
    except (MissingDependency, OSError, AttributeError) as err:
        log.warning("libspeexdsp unavailable (%s); using WebRTC AEC3", err)
        from voice_guide.frontend.echo import EchoCanceller

        return EchoCanceller()


def make_front_end(settings: FrontEndSettings) -> FrontEnd | None:
    if not settings.enabled:
        return None
    echo = make_echo_canceller() if settings.echo_cancel else None
    denoiser = make_denoiser() if settings.denoise != "off" else None
    return FrontEnd(echo, denoiser, settings.gain, keep_plain=settings.denoise != "on",
                    vad=settings.vad)


def describe(front: FrontEnd | None, settings: FrontEndSettings) -> str:
    if front is None:
        return "front end: off."
    parts = front.labels()
    if settings.denoise == "auto" and front.denoiser is not None:
        i = parts.index(front.denoiser.label)
        parts[i] = (f"{parts[i]} chosen from the background (plain path when other people "
                    "are talking)")
    return "front end: " + (", ".join(parts) if parts else "no stage switched on") + "."


def make_hearing(engine: str = "auto", *, table: PhraseTable | None = None,
                 model_dir: Path | None = None,
                 front_end: FrontEndSettings | None = None,
                 naive: bool = False) -> tuple[ChainHearing, str]:
    """In-process hearing and the line printed at start (engine, then front end)."""
    from voice_guide.asr.factory import make_recognizer

    settings = front_end or FrontEndSettings()
    front = make_front_end(settings)
    recognizer, sentence = make_recognizer(engine, table=table, model_dir=model_dir,
                                           naive=naive)
    plain = denoised = None
    background = None
    if front is None or front.denoiser is None:
        plain = recognizer
    elif settings.denoise == "on":
        denoised = recognizer
    else:
        plain = recognizer
        denoised, _ = make_recognizer(engine, table=table, model_dir=model_dir, naive=naive)
        background = Background()
    hearing = ChainHearing(recognizer.name, front, plain, denoised, background)
    return hearing, f"{sentence} {describe(front, settings)}"
