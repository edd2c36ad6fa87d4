"""A live voice session: microphone -> listen worker -> inbox; TTS worker; cue player;
the conductor in the calling thread. Ctrl-C ends everything cleanly."""

from __future__ import annotations

import queue
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from voice_guide.dialog.events import Event
from voice_guide.errors import MissingDependency, UserError
from voice_guide.intents import PhraseTable
from voice_guide.ports import Heard
from voice_guide.routine.model import FlatRoutine
from voice_guide.settings import GuideSettings

T = TypeVar("T")

TEXT_HINT = "use 'voice-guide run --text' to type the commands instead"


def run_voice(
    routine: FlatRoutine,
    settings: GuideSettings,
    *,
    engine: str,
    model_dir: Path | None,
    table: PhraseTable,
    input_device: str | None,
    output_device: str | None,
    echo: Callable[[str], None] = print,
    listen_guard_s: float | None = None,
) -> int:
    """Run ``routine`` by voice; 0 when the session ends, 130 on Ctrl-C."""
    from voice_guide.asr.factory import make_recognizer
    from voice_guide.audio.cues import CuePlayer
    from voice_guide.audio.mic import Microphone
    from voice_guide.audio.playback import PcmPlayer
    from voice_guide.dialog.guide import Guide
    from voice_guide.shell.clock import MonotonicClock
    from voice_guide.shell.conductor import Conductor
    from voice_guide.shell.listen_worker import GUARD_S, ListenWorker
    from voice_guide.shell.voice_performer import VoicePerformer
    from voice_guide.speech.espeak_tts import EspeakCliSynthesizer
    from voice_guide.speech.pyttsx3_tts import Pyttsx3Synthesizer
    from voice_guide.speech.tts_worker import SilentSynthesizer, SynthOption, TtsWorker

    def warn(message: str) -> None:
        echo(f"   (warning: {message})")

    try:
        recognizer, sentence = make_recognizer(engine, table=table, model_dir=model_dir)
    except MissingDependency as err:
        raise MissingDependency("speech recognition", f"{err}; or {TEXT_HINT}") from err
    echo(sentence)
    clock = MonotonicClock()
    inbox: queue.Queue[Event | None] = queue.Queue()
    player = _with_hint(lambda: PcmPlayer(output_device))
    cues = CuePlayer(player, warn=warn)
    tts = TtsWorker(
        [SynthOption("pyttsx3", lambda: Pyttsx3Synthesizer(player)),
         SynthOption("espeak-ng", lambda: EspeakCliSynthesizer(player)),
         SynthOption(SilentSynthesizer.name, SilentSynthesizer)],
        inbox, clock, volume=settings.volume, warn=warn,
    )
    mic = None
    listener = None
    try:
        for note in tts.start():
            warn(note)
        echo(f"speech: {tts.engine_name}")
        mic = _with_hint(lambda: Microphone(input_device))
        echo(f"microphone: {mic.device_name}")

        def heard(h: Heard) -> None:
            echo(f"you: {h.text} ({h.confidence:.2f})")

        listener = ListenWorker(
            mic, recognizer, inbox, clock, on_heard=heard, warn=warn,
            guard_s=GUARD_S if listen_guard_s is None else listen_guard_s,
        )
        listener.start()
        performer = VoicePerformer(tts, cues, listener, volume=settings.volume, echo=echo)
        conductor = Conductor(Guide(routine, settings), clock, inbox, performer)
        try:
            conductor.run()
        except KeyboardInterrupt:
            echo("stopped.")
            return 130
        if listener.error is not None:
            raise UserError(f"the microphone stopped ({listener.error}); {TEXT_HINT}.")
        return 0
    finally:
        if listener is not None:
            listener.close()
        elif mic is not None:
            mic.close()
        tts.close()
        cues.close()
        player.close()


def _with_hint(make: Callable[[], T]) -> T:
    """Build an audio device; a UserError from it gets the 'use --text' hint added."""
    try:
        return make()
    except MissingDependency:
        raise
    except UserError as err:
        raise UserError(f"{str(err).rstrip('.')}; or {TEXT_HINT}.", err.exit_code) from err
