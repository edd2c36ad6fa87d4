"""A live voice session: microphone -> listen worker -> inbox; TTS worker; cue player;
the conductor in the calling thread. Ctrl-C ends everything cleanly: the workers are
stopped and joined, the audio streams closed, and the caller gets 130."""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeVar

from voice_guide import timeline
from voice_guide.dialog.actions import Action, Say
from voice_guide.dialog.events import Event
from voice_guide.errors import DeviceUnavailable, MissingDependency, UserError
from voice_guide.intents import PhraseTable
from voice_guide.ports import Heard
from voice_guide.routine.model import FlatRoutine
from voice_guide.settings import GuideSettings

if TYPE_CHECKING:
    from voice_guide.shell.listen_worker import ListenWorker
    from voice_guide.shell.live_view import LiveView, ViewFeed

T = TypeVar("T")

TEXT_HINT = "use 'voice-guide run --text' to type the commands instead"
TYPE_INSTEAD = "carrying on with typed commands: type one and press Enter (e.g. next, help, quit)."


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
    listeners: Sequence[Callable[[Action], None]] = (),
    live: bool = False,
    start_at: int = 0,
    resumed: bool = False,
    typed: TextIO | None = None,
    voice: str | None = None,
    earcons: bool = True,
    barge_in: bool = True,
    front_end: bool = True,
) -> int:
    """Run ``routine`` by voice; 0 when the session ends, 130 on Ctrl-C.

    ``barge_in``: listen while the guide talks (echo cancellation against what the speaker
    played); False keeps listening off while it talks (``--half-duplex``). ``front_end``
    False runs the recognizer on the bare microphone (``--no-front-end``); barge-in needs the
    echo canceller, so it is then half-duplex too.

    ``listeners`` see every action the guide takes (the session log is one). ``live`` shows
    the live terminal view instead of the running transcript (set-up notes and warnings
    still go to ``echo`` before the view starts, above it after). When the microphone or the
    recognizer fails mid-session, that is said in one sentence and the session goes on with
    commands typed on ``typed`` (default: standard input).
    """
    try:
        return _run_voice(
            routine, settings, engine=engine, model_dir=model_dir, table=table,
            input_device=input_device, output_device=output_device, echo=echo,
            listen_guard_s=listen_guard_s, listeners=listeners, live=live, voice=voice, earcons=earcons,
            start_at=start_at, resumed=resumed, typed=typed, barge_in=barge_in,
            front_end=front_end,
        )
    except KeyboardInterrupt:  # also when it comes while starting up or shutting down
        echo("stopped.")
        return 130


def _run_voice(
    routine: FlatRoutine,
    settings: GuideSettings,
    *,
    engine: str,
    model_dir: Path | None,
    table: PhraseTable,
    input_device: str | None,
    output_device: str | None,
    echo: Callable[[str], None],
    listen_guard_s: float | None,
    listeners: Sequence[Callable[[Action], None]],
    live: bool,
    start_at: int = 0,
    resumed: bool = False,
    typed: TextIO | None,
    voice: str | None = None,
    earcons: bool = True,
    barge_in: bool = True,
    front_end: bool = True,
) -> int:
    from voice_guide.asr.vocabulary import warning_line
    from voice_guide.audio.cues import CuePlayer
    from voice_guide.audio.mic import Microphone
    from voice_guide.audio.playback import PcmPlayer
    from voice_guide.audio.reference import PlaybackTap
    from voice_guide.dialog.guide import Guide
    from voice_guide.frontend import FrontEndSettings, make_isolated_hearing
    from voice_guide.shell.clock import MonotonicClock
    from voice_guide.shell.conductor import Conductor
    from voice_guide.shell.echo_veto import EchoVeto
    from voice_guide.shell.listen_worker import GUARD_S, ListenWorker
    from voice_guide.shell.live_view import LiveView, ViewFeed
    from voice_guide.shell.snapshot import SnapshotBox, first
    from voice_guide.shell.text_run import read_commands
    from voice_guide.shell.voice_performer import VoicePerformer
    from voice_guide.speech.espeak_tts import EspeakCliSynthesizer
    from voice_guide.speech.pyttsx3_tts import Pyttsx3Synthesizer
    from voice_guide.speech.tts_worker import SilentSynthesizer, SynthOption, TtsWorker

    view: LiveView | None = None
    guide = Guide(routine, settings, start_at=start_at, resumed=resumed, phrases=table)
    clock = MonotonicClock()
    feed = ViewFeed(SnapshotBox(first(routine.title, len(routine.steps), settings.volume)),
                    guide, clock) if live else None

    def note(line: str) -> None:
        """Set-up lines and warnings: above the live view while it runs."""
        if view is not None and view.active:
            view.print(line)
        else:
            echo(line)

    def transcript(line: str) -> None:
        if feed is None:
            echo(line)

    def warn(message: str) -> None:
        note(f"   (warning: {message})")

    try:
        # In a child process: an engine that crashes ends only that (see listen_worker).
        recognizer, sentence = make_isolated_hearing(
            engine, table=table, model_dir=model_dir,
            front_end=FrontEndSettings(enabled=front_end))
    except MissingDependency as err:
        raise MissingDependency("speech recognition", f"{err}; or {TEXT_HINT}") from err
    echo(sentence)
    barge_in = barge_in and front_end
    echo(listening_line(barge_in, front_end))
    unknown = warning_line(recognizer.name, getattr(recognizer, "unknown_words", None) or [])
    if unknown is not None:
        echo(unknown)
    inbox: queue.Queue[Event | None] = queue.Queue()
    tap = PlaybackTap()
    player: PcmPlayer | None = None
    cues: CuePlayer | None = None
    tts: TtsWorker | None = None
    mic: Microphone | None = None
    listener: ListenWorker | None = None
    try:
        player = _with_hint(lambda: PcmPlayer(output_device, tap=tap))
        speaker = player
        cues = CuePlayer(speaker, warn=warn)
        tts = TtsWorker(
            [SynthOption("pyttsx3", lambda: Pyttsx3Synthesizer(speaker, voice or "en-us")),
             SynthOption("espeak-ng", lambda: EspeakCliSynthesizer(speaker, voice or "en-us")),
             SynthOption(SilentSynthesizer.name, SilentSynthesizer)],
            inbox, clock, volume=settings.volume, warn=warn,
            on_speak=lambda say: _speaking(say, transcript, feed, listener),
        )
        for problem in tts.start():
            warn(problem)
        echo(f"speech: {tts.engine_name}")
        mic = _with_hint(lambda: Microphone(input_device))
        echo(f"microphone: {mic.device_name}")

        def heard(h: Heard) -> None:
            # The transcript shows the command once, when the guide takes it (timeline line).
            if feed is not None:
                feed.heard(h)

        voice_lost: list[str] = []

        def lost_voice(reason: str) -> None:
            stream = typed or sys.stdin
            if typed is None and not stream.isatty():
                # Nobody can type (a service started at boot): end the session with a failure
                # status, so the service manager starts it again.
                note(f"voice-guide: {reason}; standard input is not a terminal, so the session "
                     "ends (a service is restarted).")
                voice_lost.append(reason)
                inbox.put(None)
                return
            note(f"voice-guide: {reason}; {TYPE_INSTEAD}")
            threading.Thread(
                target=read_commands, args=(stream, table, inbox, clock, note),
                name="typed-commands", daemon=True,
            ).start()

        hearing = EchoVeto(recognizer, glitches=lambda: player.underruns if player else 0) if (
            barge_in) else recognizer
        listener = ListenWorker(
            mic, hearing, inbox, clock, on_heard=heard, warn=warn, on_failure=lost_voice,
            on_block=feed.block if feed is not None else None,
            on_rejected=(lambda r: feed.rejected(r.text, r.intent)) if feed is not None else None,
            guard_s=GUARD_S if listen_guard_s is None else listen_guard_s,
            barge_in=barge_in, tap=tap,
        )
        listener.start()
        performer = VoicePerformer(
            tts, cues, listener, volume=settings.volume, echo=transcript, echo_speech=False,
            earcons=earcons,
        )
        watchers = [*listeners, feed.action] if feed is not None else listeners
        conductor = Conductor(guide, clock, inbox, performer, watchers)
        if feed is not None:
            view = LiveView(feed.box, clock)
            view.start()
        conductor.run()
        return 1 if voice_lost else 0
    finally:
        if view is not None:
            view.close()
        if listener is not None:
            listener.close()
        elif mic is not None:
            mic.close()
        if tts is not None:
            tts.close()
        if cues is not None:
            cues.close()
        if player is not None:
            player.close()
        recognizer.close()


def listening_line(barge_in: bool, front_end: bool) -> str:
    """The start-up line that says when the guide listens."""
    if barge_in:
        return ("listening: while speaking (barge-in): say a command over the guide to cut it "
                "short; 'voice-guide run --half-duplex' if it hears itself.")
    if not front_end:
        return ("listening: only when the guide is quiet (barge-in needs the front end's echo "
                "canceller, which --no-front-end / front_end = false turns off).")
    return "listening: only when the guide is quiet (half-duplex)."


def _speaking(say: Say, transcript: Callable[[str], None], feed: ViewFeed | None,
              listener: ListenWorker | None) -> None:
    """The speech worker started ``say`` (on its thread); the echo veto learns its words."""
    if listener is not None:
        listener.said(say.text)
    transcript(timeline.text(say) or "")
    if feed is not None:
        feed.speaking(say)


def _with_hint(make: Callable[[], T]) -> T:
    """Build an audio device; a UserError from it gets the 'use --text' hint added."""
    try:
        return make()
    except MissingDependency:
        raise
    except UserError as err:
        text = str(err).rstrip(".")
        if "--text" not in text:
            text = f"{text}; or {TEXT_HINT}"
        raise DeviceUnavailable(f"{text}.", err.exit_code) from err
