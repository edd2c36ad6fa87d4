"""Checks of the sound devices and the voice: the recognizer, the microphone's level,
a tone on the speaker, and the TTS voice speaking a sentence."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from voice_guide.doctor.level import judge
from voice_guide.doctor.result import Check
from voice_guide.errors import UserError
from voice_guide.intents import PhraseTable

DEVICE_HINT = ("see 'voice-guide devices', then 'voice-guide config set {key} NAME' "
               "(or pass --{option} NAME)")
TEST_SENTENCE = "This is voice guide. I can speak."


def check_recognizer(engine: str, model: Path | None, table: PhraseTable) -> Check:
    from voice_guide.asr.factory import make_recognizer

    try:
        recognizer, sentence = make_recognizer(engine, table=table, model_dir=model)
    except UserError as err:
        return Check("recognizer", "fail", str(err),
                     "pull a model ('voice-guide models pull'), or set engine to pocketsphinx")
    unknown = list(getattr(recognizer, "unknown_words", None) or [])
    detail = sentence.removeprefix("engine: ").rstrip(".")
    if unknown:
        return Check("recognizer", "warn",
                     f"{detail}; the model does not know these phrase words: "
                     f"{', '.join(unknown)}",
                     "use a model for the phrases' language, or change the phrase file")
    words = {w for phrase in table.all_phrases() for w in phrase.split()}
    return Check("recognizer", "ok", f"{detail}; it knows all {len(words)} phrase words")


def _pcm_samples(blocks: list[bytes]) -> np.ndarray[Any, np.dtype[np.float32]]:
    raw = b"".join(blocks)
    return (np.frombuffer(raw[: len(raw) // 2 * 2], dtype="<i2").astype(np.float32) / 32768.0)


def check_microphone(device: str | None, seconds: float,
                     echo: Callable[[str], None] = print) -> Check:
    """Open the microphone, listen for ``seconds`` of audio and judge its level."""
    from voice_guide.audio.mic import Microphone
    from voice_guide.ports import SAMPLE_RATE

    fix_device = DEVICE_HINT.format(key="input_device", option="input-device")
    try:
        mic = Microphone(device)
    except UserError as err:
        return Check("microphone", "fail", str(err).rstrip("."), fix_device)
    name = mic.device_name
    echo(f"   listening to '{name}' for {seconds:g} seconds: say 'next step' a few times now")
    blocks: list[bytes] = []
    wanted = int(seconds * SAMPLE_RATE * 2)
    deadline = time.monotonic() + seconds + 10.0  # a stalled device must not hang the check
    try:
        for block in mic.blocks():
            blocks.append(block)
            if sum(map(len, blocks)) >= wanted or time.monotonic() > deadline:
                break
    finally:
        mic.close()
    samples = _pcm_samples(blocks)
    if samples.size == 0:
        return Check("microphone", "fail", f"'{name}' opened but delivered no sound",
                     f"check the cable and that no other program holds it; {fix_device}")
    level = judge(samples, SAMPLE_RATE)
    detail = f"'{name}': {level.describe()}"
    if level.verdict == "too quiet":
        return Check("microphone", "fail", detail,
                     "speak during the check, move the microphone closer, unmute it or raise "
                     f"its input volume (alsamixer or pavucontrol); or {fix_device}")
    if level.verdict == "clipping":
        return Check("microphone", "warn", detail,
                     "lower the microphone's input volume (alsamixer or pavucontrol) or move it "
                     "further away")
    return Check("microphone", "ok", detail)


def open_speaker(device: str | None) -> tuple[Check, Any]:
    """Open the output and play a short tone; the check and the player (None on failure)."""
    from voice_guide.audio.cues import CUE_RATE, cue_samples
    from voice_guide.audio.playback import PcmPlayer
    from voice_guide.audio.portaudio import load_sounddevice, parse_device

    fix_device = DEVICE_HINT.format(key="output_device", option="output-device")
    try:
        player = PcmPlayer(device)
        name = str(load_sounddevice().query_devices(parse_device(device), "output")["name"])
        player.play(cue_samples("min_reached"), CUE_RATE, 0.5)
    except UserError as err:
        return Check("speaker", "fail", str(err).rstrip("."), fix_device), None
    except Exception as err:  # PortAudio errors while playing
        return Check("speaker", "fail", f"cannot play on the speaker ({err})", fix_device), None
    return Check("speaker", "ok", f"'{name}': played a tone (if you heard nothing, turn the "
                 "speaker up or choose another)"), player


def check_voice(voice: str, player: Any, words_per_minute: int, volume: float) -> Check:
    """Synthesize a sentence with espeak-ng in ``voice`` and play it when there is a player."""
    from voice_guide.audio.wav_input import decode_wav_bytes

    exe = shutil.which("espeak-ng")
    if exe is None:
        return Check("voice", "fail", "the espeak-ng program is not installed",
                     "sudo apt install espeak-ng")
    try:
        done = subprocess.run([exe, "-v", voice, "-s", str(words_per_minute), "--stdout",
                               TEST_SENTENCE], capture_output=True, timeout=30)
    except subprocess.TimeoutExpired:
        return Check("voice", "fail", "espeak-ng did not finish a short sentence in 30 s",
                     "reinstall espeak-ng (sudo apt install --reinstall espeak-ng)")
    if done.returncode != 0 or not done.stdout:
        said = done.stderr.decode(errors="replace").strip().splitlines()[:1]
        return Check("voice", "fail", f"espeak-ng cannot speak with voice '{voice}'"
                     + (f" ({said[0]})" if said else ""),
                     "list the voices with 'espeak-ng --voices', then "
                     "'voice-guide config set voice NAME'")
    if player is None:
        return Check("voice", "warn", f"'{voice}' speaks, but there is no speaker to play it",
                     "fix the speaker first")
    samples, rate = decode_wav_bytes(done.stdout)
    player.play(samples, rate, volume)
    return Check("voice", "ok", f"'{voice}' said \"{TEST_SENTENCE}\"")
