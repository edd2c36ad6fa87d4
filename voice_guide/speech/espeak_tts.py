"""Fallback speech: the ``espeak-ng`` command, its WAV output piped into our player.

Used when pyttsx3 cannot start. :meth:`stop` (from any thread) kills the
synthesis process if it is still running and cuts playback short.
"""

from __future__ import annotations

import shutil
import subprocess
import threading

from voice_guide.audio.playback import PcmPlayer
from voice_guide.audio.wav_input import decode_wav_bytes
from voice_guide.errors import MissingDependency

ESPEAK_HINT = "sudo apt install espeak-ng"
SYNTH_TIMEOUT_S = 30.0


class EspeakCliSynthesizer:
    """A :class:`voice_guide.ports.Synthesizer` running ``espeak-ng --stdout`` per utterance."""

    name = "espeak-ng"

    def __init__(self, player: PcmPlayer, voice: str = "en-us") -> None:
        exe = shutil.which("espeak-ng")
        if exe is None:
            raise MissingDependency("the espeak-ng program", ESPEAK_HINT)
        self._exe = exe
        self._voice = voice
        self._player = player
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None

    def say(self, text: str, words_per_minute: int, volume: float) -> None:
        self._stop.clear()
        cmd = [self._exe, "-v", self._voice, "-s", str(int(words_per_minute)), "--stdout"]
        with self._lock:
            proc = subprocess.Popen(
                cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
            )
            self._proc = proc
        try:
            wav, _ = proc.communicate(text.encode("utf-8"), timeout=SYNTH_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise
        finally:
            with self._lock:
                self._proc = None
        if self._stop.is_set() or proc.returncode != 0 or not wav:
            return
        samples, rate = decode_wav_bytes(wav)
        self._player.play(samples, rate, volume, self._stop)

    def stop(self) -> None:
        self._stop.set()
        with self._lock:
            if self._proc is not None and self._proc.poll() is None:
                self._proc.kill()

    def close(self) -> None:
        self.stop()
