"""Speech through pyttsx3 (its espeak-ng driver), played by our own player.

pyttsx3 2.9x on Linux synthesizes into memory and then shells out to ``aplay``,
which can neither pick the output device nor be stopped. So this adapter asks
pyttsx3 for a WAV file (``save_to_file``) and plays that with :class:`PcmPlayer`:
the device, the volume and :meth:`stop` then work. Create it on the thread that
will use it (pyttsx3 engines are not thread safe); ``stop`` may come from any thread.

The voice is espeak's American English by default, the same voice as the espeak-ng
fallback (pyttsx3 would otherwise pick British English), so the guide sounds the
same whichever engine speaks.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from voice_guide.audio.playback import PcmPlayer
from voice_guide.audio.wav_input import decode_wav_bytes
from voice_guide.errors import MissingDependency

ESPEAK_HINT = "sudo apt install espeak-ng"


def _quiet(*_args: object, **_kwargs: object) -> None:
    """Stands in for ``print`` inside pyttsx3's espeak driver ("Audio saved to ...")."""


class Pyttsx3Synthesizer:
    """A :class:`voice_guide.ports.Synthesizer` on pyttsx3's espeak driver."""

    name = "pyttsx3"

    def __init__(self, player: PcmPlayer, voice: str = "en-us") -> None:
        self._player = player
        self._stop = threading.Event()
        self._engine = _make_engine()  # a strong reference: the driver only holds a weak one
        _choose_voice(self._engine, voice)
        self._dir = Path(tempfile.mkdtemp(prefix="voice-guide-tts-"))
        self._count = 0

    def say(self, text: str, words_per_minute: int, volume: float) -> None:
        self._stop.clear()
        self._count += 1
        path = self._dir / f"utterance-{self._count}.wav"
        self._claim_callback()
        self._engine.setProperty("rate", int(words_per_minute))
        self._engine.setProperty("volume", 1.0)  # volume is applied when playing
        self._engine.save_to_file(text, str(path))
        self._engine.runAndWait()
        if self._stop.is_set() or not path.exists():
            path.unlink(missing_ok=True)
            return
        samples, rate = decode_wav_bytes(path.read_bytes())
        path.unlink(missing_ok=True)
        self._player.play(samples, rate, volume, self._stop)

    def stop(self) -> None:
        self._stop.set()

    def _claim_callback(self) -> None:
        """Point libespeak-ng's one process-wide synthesis callback at this engine's driver.

        When any other pyttsx3 engine is garbage collected (say, one abandoned after a
        hang), its driver clears that callback, and this engine would synthesize nothing.
        """
        driver = getattr(getattr(self._engine, "proxy", None), "_driver", None)
        on_synth = getattr(driver, "_onSynth", None)
        if on_synth is not None:
            from pyttsx3.drivers import _espeak

            _espeak.SetSynthCallback(on_synth)

    def close(self) -> None:
        self._stop.set()
        shutil.rmtree(self._dir, ignore_errors=True)


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
    try:
        # Engine(), not pyttsx3.init(): init() hands back a cached engine, and after a hang
        # the caller wants a fresh one.
        return pyttsx3.Engine("espeak")
    except (ImportError, OSError, RuntimeError, AttributeError) as err:
        raise MissingDependency("pyttsx3 speech (espeak-ng)", ESPEAK_HINT) from err
