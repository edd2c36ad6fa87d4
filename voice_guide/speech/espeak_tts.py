"""Fallback speech: the ``espeak-ng`` command, its WAV output played by our player.

Used when pyttsx3 cannot start, and by pyttsx3 itself for a sentence it failed to render
twice. :meth:`EspeakCliSynthesizer.stop` (from any thread) kills the synthesis process if
it is still running and cuts playback short.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Callable

import numpy as np

from voice_guide.audio.playback import PcmPlayer
from voice_guide.audio.wav_input import decode_wav_bytes
from voice_guide.errors import MissingDependency
from voice_guide.speech.rendering import Pacer, Rendered, finish

ESPEAK_HINT = "sudo apt install espeak-ng"
SYNTH_TIMEOUT_S = 30.0


def espeak_exe() -> str:
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise MissingDependency("the espeak-ng program", ESPEAK_HINT)
    return exe


def render_with_cli(
    text: str, words_per_minute: int, voice: str, exe: str | None = None,
    on_start: Callable[[subprocess.Popen[bytes] | None], None] | None = None,
) -> Rendered | None:
    """``text`` rendered by ``espeak-ng --stdout`` (None when it failed or was killed)."""
    cmd = [exe or espeak_exe(), "-v", voice, "-s", str(int(words_per_minute)), "--stdout"]
    proc = subprocess.Popen(
        cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    if on_start is not None:
        on_start(proc)
    try:
        wav, _ = proc.communicate(text.encode("utf-8"), timeout=SYNTH_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise
    finally:
        if on_start is not None:
            on_start(None)
    if proc.returncode != 0 or not wav:
        return None
    samples, rate = decode_wav_bytes(wav)
    return finish(text, words_per_minute, samples, rate)


class EspeakCliSynthesizer:
    """A :class:`voice_guide.ports.Synthesizer` running ``espeak-ng --stdout`` per utterance."""

    name = "espeak-ng"

    def __init__(self, player: PcmPlayer, voice: str = "en-us") -> None:
        self._exe = espeak_exe()
        self._voice = voice
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._pacer = Pacer(player, self._render)

    def say(self, text: str, words_per_minute: int, volume: float) -> None:
        self._stop.clear()
        rendered = self._pacer.rendering(text, words_per_minute)
        if self._stop.is_set() or rendered.samples.size == 0:
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
        with self._lock:
            if self._proc is not None and self._proc.poll() is None:
                self._proc.kill()

    def close(self) -> None:
        self.stop()

    def _render(self, text: str, words_per_minute: int) -> Rendered:
        got = render_with_cli(text, words_per_minute, self._voice, self._exe, self._track)
        if got is None:
            if self._stop.is_set():
                return finish(text, words_per_minute, np.zeros(0, dtype=np.float32), 22_050)
            raise RuntimeError("espeak-ng made no audio")
        return got

    def _track(self, proc: subprocess.Popen[bytes] | None) -> None:
        with self._lock:
            self._proc = proc
