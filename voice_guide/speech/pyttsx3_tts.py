"""Speech through pyttsx3 (its espeak-ng driver), played by our own player.

pyttsx3 2.9x on Linux synthesizes into memory and then shells out to ``aplay``,
which can neither pick the output device nor be stopped. So this adapter asks
pyttsx3 for a WAV file (``save_to_file``) and plays that with :class:`PcmPlayer`:
the device, the volume and :meth:`stop` then work. Create it on the thread that
will use it (pyttsx3 engines are not thread safe); ``stop`` may come from any thread.

The voice is espeak's American English by default, the same voice as the espeak-ng
fallback (pyttsx3 would otherwise pick British English), so the guide sounds the
same whichever engine speaks.

libespeak-ng has one global state per process, and pyttsx3's driver swaps its one
synthesis callback: two threads inside it at once (a new engine made while an engine
abandoned as stuck is still rendering) hang, fail with EE_INTERNAL_ERROR, or crash the
process (6 of 6 six-second trials without the lock). So every use of the library here holds
:data:`LIBESPEAK`; a synthesizer that cannot get it within :data:`BUSY_WAIT_S` does not
start (the speech worker falls back to the espeak-ng program), and a sentence that cannot
get it is rendered by the espeak-ng program.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from voice_guide.audio.playback import PcmPlayer
from voice_guide.audio.wav_input import decode_wav_bytes
from voice_guide.errors import MissingDependency
from voice_guide.speech.espeak_tts import render_with_cli
from voice_guide.speech.rendering import Pacer, Rendered, finish, incomplete
from voice_guide.text_safety import printable

ESPEAK_HINT = "sudo apt install espeak-ng"
BUSY_WAIT_S = 1.0
IDLE_WAIT_S = 0.5

#: Held by whichever thread is inside libespeak-ng (making an engine, rendering).
LIBESPEAK = threading.Lock()

#: Every pyttsx3 engine and every synthesis callback (a ctypes thunk) ever handed to
#: libespeak-ng, alive for the life of the process. espeak calls the callback from its own
#: thread, which can still be returning through the old one when the next is set; a freed
#: thunk there, or an engine collected under its driver, crashes the process.
_KEPT: list[Any] = []


class LibraryBusy(RuntimeError):
    """libespeak-ng is in use by another thread (an engine abandoned as stuck)."""


def _quiet(*_args: object, **_kwargs: object) -> None:
    """Stands in for ``print`` inside pyttsx3's espeak driver ("Audio saved to ...")."""


class Pyttsx3Synthesizer:
    """A :class:`voice_guide.ports.Synthesizer` on pyttsx3's espeak driver.

    A sentence pyttsx3 renders incompletely (see :mod:`voice_guide.speech.rendering`) is
    rendered again by a fresh engine, then by the espeak-ng program; each failure is kept
    for :meth:`take_failures` (the speech worker reports them)."""

    name = "pyttsx3"

    def __init__(self, player: PcmPlayer, voice: str = "en-us") -> None:
        self._stop = threading.Event()
        self._voice = voice
        if not LIBESPEAK.acquire(timeout=BUSY_WAIT_S):
            raise LibraryBusy("libespeak-ng is still busy in a speech engine that stopped "
                              "answering")
        try:
            self._new_engine()
        finally:
            LIBESPEAK.release()
        self._dir = Path(tempfile.mkdtemp(prefix="voice-guide-tts-"))
        self._count = 0
        self._failures: list[str] = []
        self._failures_lock = threading.Lock()
        self._pacer = Pacer(player, self.render)

    def say(self, text: str, words_per_minute: int, volume: float) -> None:
        self._stop.clear()
        rendered = self._pacer.rendering(text, words_per_minute)
        if self._stop.is_set():
            return
        self._pacer.play(rendered, volume, self._stop)

    def prepare(self, text: str, words_per_minute: int) -> None:
        """Render ``text`` while the current sentence plays."""
        self._pacer.prepare(text, words_per_minute)

    def report_playing(self, callback: Callable[[float], None]) -> None:
        """``callback(seconds)`` as each sentence starts to play (the speech worker's hang
        guard then waits for the sound, not for a guess from the word count)."""
        self._pacer.on_play = callback

    def stop(self) -> None:
        self._stop.set()
        self._pacer.forget()

    def take_failures(self) -> list[str]:
        """Renderings that failed since the last call, one sentence each."""
        with self._failures_lock:
            out, self._failures = self._failures, []
        return out

    def close(self) -> None:
        self._stop.set()
        shutil.rmtree(self._dir, ignore_errors=True)

    def render(self, text: str, words_per_minute: int) -> Rendered:
        """``text`` as sound: pyttsx3, again with a fresh engine, then the espeak-ng program."""
        shown = printable(text if len(text) <= 60 else text[:57] + "...")
        best: Rendered | None = None
        if LIBESPEAK.acquire(timeout=BUSY_WAIT_S):
            try:
                got, why = self._render_in_library(text, words_per_minute, shown)
            finally:
                LIBESPEAK.release()
            if why is None and got is not None:
                return got
            self._note(f"pyttsx3 lost the sentence '{shown}' again ({why}); "
                       "using the espeak-ng program for it")
            best = got if got is not None and got.samples.size else None
        else:
            self._note(f"libespeak-ng was busy in another thread; the espeak-ng program "
                       f"renders '{shown}'")
        got = render_with_cli(text, words_per_minute, self._voice)
        why = incomplete(got, text, words_per_minute)
        if why is None and got is not None:
            return got
        if got is not None and got.samples.size and (best is None or got.seconds > best.seconds):
            best = got
        if best is None:
            raise RuntimeError(f"no engine could render '{shown}' ({why})")
        self._note(f"the sentence '{shown}' still looks short ({why}); saying what there is")
        return best

    def _render_in_library(self, text: str, words_per_minute: int,
                           shown: str) -> tuple[Rendered | None, str | None]:
        """pyttsx3, then once more with a fresh engine (LIBESPEAK held); why it looks short
        (None: complete)."""
        got = self._render_pyttsx3(text, words_per_minute)
        why = incomplete(got, text, words_per_minute)
        if why is None:
            return got, None
        self._note(f"pyttsx3 lost the sentence '{shown}' ({why}); "
                   "rendering it again with a fresh engine")
        self._new_engine()
        got = self._render_pyttsx3(text, words_per_minute)
        return got, incomplete(got, text, words_per_minute)

    def _new_engine(self) -> None:
        """A fresh pyttsx3 engine with our voice (LIBESPEAK held)."""
        self._engine = _make_engine()  # a strong reference: the driver holds a weak one
        _choose_voice(self._engine, self._voice)
        self._thunk: Any = None  # its synthesis callback for libespeak-ng, made on first use

    def _render_pyttsx3(self, text: str, words_per_minute: int) -> Rendered | None:
        self._count += 1
        path = self._dir / f"utterance-{self._count}.wav"
        try:
            _wait_until_idle()
            self._claim_callback()
            self._engine.setProperty("rate", int(words_per_minute))
            self._engine.setProperty("volume", 1.0)  # volume is applied when playing
            self._engine.save_to_file(text, str(path))
            self._engine.runAndWait()
            _wait_until_idle()  # espeak's thread is done before the lock is let go
            if not path.exists():
                return None
            data = path.read_bytes()
        finally:
            path.unlink(missing_ok=True)
        if len(data) <= 44:
            return None
        samples, rate = decode_wav_bytes(data)
        return finish(text, words_per_minute, samples, rate)

    def _note(self, failure: str) -> None:
        with self._failures_lock:
            self._failures.append(failure)

    def _claim_callback(self) -> None:
        """Point libespeak-ng's one process-wide synthesis callback at this engine's driver
        (another engine made since then took it), through a thunk made once and kept."""
        from pyttsx3.drivers import _espeak

        if self._thunk is None:
            driver = getattr(getattr(self._engine, "proxy", None), "_driver", None)
            on_synth = getattr(driver, "_onSynth", None)
            if on_synth is None:
                return
            self._thunk = _espeak.t_espeak_callback(_never_raising(on_synth))
            _KEPT.append(self._thunk)
        if _espeak.SynthCallback is not self._thunk:
            _espeak.SynthCallback = self._thunk
            _espeak.cSetSynthCallback(self._thunk)


def _never_raising(on_synth: Callable[[Any, int, Any], int]) -> Callable[[Any, int, Any], int]:
    """The driver's callback, made safe for espeak's thread: an exception there (its file
    gone after ``close``, say) would be "unraisable" on a thread Python did not start,
    which crashed the process once. It ends that synthesis instead (the sentence comes out
    short, and is rendered again)."""

    def call(wav: Any, numsamples: int, events: Any) -> int:
        try:
            return int(on_synth(wav, numsamples, events) or 0)
        except Exception:
            return 1  # espeak: stop synthesizing this text

    return call


def _wait_until_idle(limit_s: float = IDLE_WAIT_S) -> None:
    """Wait (briefly) until libespeak-ng's own synthesis thread has finished the last
    sentence: pyttsx3's ``runAndWait`` cancels whatever espeak still reports as playing,
    and that would be the sentence it is about to start."""
    from pyttsx3.drivers import _espeak

    deadline = time.monotonic() + limit_s
    while _espeak.IsPlaying() and time.monotonic() < deadline:
        time.sleep(0.005)


def _choose_voice(engine: Any, wanted: str) -> None:
    """Use the espeak voice named ``wanted`` (e.g. ``en-us``, listed as ``gmw/en-us``) if
    there is one; otherwise keep pyttsx3's default."""
    try:
        voices = engine.getProperty("voices") or []
    except (RuntimeError, AttributeError):
        return
    for voice in voices:
        voice_id = str(getattr(voice, "id", ""))
        if voice_id == wanted or voice_id.rsplit("/", 1)[-1] == wanted:
            engine.setProperty("voice", voice_id)
            return


def _make_engine() -> Any:
    try:
        import pyttsx3
        import pyttsx3.drivers.espeak as espeak_driver
    except (ImportError, OSError, RuntimeError) as err:
        raise MissingDependency("pyttsx3 speech (espeak-ng)", ESPEAK_HINT) from err
    espeak_driver.print = _quiet
    from pyttsx3.drivers import _espeak

    _KEPT.append(_espeak.SynthCallback)  # the new driver replaces it
    try:
        # Engine(), not pyttsx3.init(): init() hands back a cached engine, and after a hang
        # the caller wants a fresh one.
        engine = pyttsx3.Engine("espeak")
    except (ImportError, OSError, RuntimeError, AttributeError) as err:
        raise MissingDependency("pyttsx3 speech (espeak-ng)", ESPEAK_HINT) from err
    _KEPT.extend((engine, _espeak.SynthCallback))
    return engine
