"""Barge-in end to end on a private PulseAudio server, the speaker looped into the mic.

(a) A whole short routine whose narration is full of command words ("Say next to move on.
If you need a break, say pause.") runs to its end with the guide's own voice looped into
the microphone, and the guide takes no command: it never hears itself. The mic is recorded
too, and pocketsphinx without rejection (the benchmark's naive baseline) must find
command words in it: proof the voice did reach the mic with words a careless listener would
take. (The guide's own recognizer rejects most of them even without the echo canceller,
because they continue other speech; the naive one does not.)

"pause" said over a long sentence is in test_bargein_pause_pulse.py.

Nothing here asserts how fast: only what was heard and done; the limits are hang guards.
"""

from __future__ import annotations

import _thread
import threading
from pathlib import Path

import numpy as np

from tests.audio_synth import silence
from voice_guide.asr.factory import make_recognizer
from voice_guide.audio.wav_input import to_pcm16
from voice_guide.dialog.actions import (
    Action,
    CommandTaken,
    Finished,
    Say,
)
from voice_guide.intents import DEFAULT_TABLE, Intent
from voice_guide.routine.loader import load_flat
from voice_guide.settings import GuideSettings
from voice_guide.shell.voice_run import run_voice
from voice_guide.testing.pulse import private_pulse

SESSION_LIMIT_S = 240.0  # hang guard only
SELF_TALK = """\
schema_version: 1
id: self-talk
title: Self talk
description: A short routine whose narration is full of command words.
introduction:
  - Say next to move on.
  - If you need a break, say pause.
safety:
  - Stop if your partner feels pain.
closing:
  - Say quit when you are done. Well done.
steps:
  - id: press
    title: Press gently
    instructions:
      - Press gently, then go back to the start and repeat that slowly.
      - Say again to hear this step, or say help.
    duration: {min_s: 4, max_s: 4}
    pressure: light
    area: upper back
    technique: pressing
  - id: stroke
    title: Stroke
    instructions:
      - Stroke the back. Say louder or quieter to change my voice.
    duration: {min_s: 4, max_s: 4}
    pressure: light
    area: whole back
    technique: stroking
"""

def heard_intents(samples: np.ndarray) -> list[Intent]:
    """What pocketsphinx with no rejection and no front end hears in ``samples``."""
    recognizer, _ = make_recognizer("pocketsphinx", naive=True)
    pcm = to_pcm16(np.concatenate([samples, silence(1.0)]).astype(np.float32))
    found = []
    for at in range(0, len(pcm), 3200):
        found += recognizer.accept(pcm[at : at + 3200])
    found += recognizer.flush()
    return [h.command.intent for h in found]


def run(routine_path: Path, lines: list[str], actions: list[Action]) -> int:
    watchdog = threading.Timer(SESSION_LIMIT_S, _thread.interrupt_main)
    watchdog.start()
    try:
        return run_voice(
            load_flat(routine_path), GuideSettings(), engine="pocketsphinx", model_dir=None,
            table=DEFAULT_TABLE, input_device=None, output_device=None, echo=lines.append,
            listeners=[actions.append], barge_in=True,
        )
    finally:
        watchdog.cancel()


def test_a_whole_routine_with_its_voice_in_the_mic_takes_no_command(tmp_path: Path) -> None:
    path = tmp_path / "self-talk.yaml"
    path.write_text(SELF_TALK, encoding="utf-8")
    lines: list[str] = []
    actions: list[Action] = []
    with private_pulse() as pulse:
        pulse.loopback(pulse.speaker_monitor, pulse.mic_sink)
        at_mic = pulse.record(pulse.mic_source)
        try:
            code = run(path, lines, actions)
        finally:
            mic = at_mic.stop()
    transcript = "\n".join(lines)
    assert code == 0, transcript
    assert "listening: while speaking (barge-in)" in transcript
    taken = [a for a in actions if isinstance(a, CommandTaken)]
    assert taken == [], transcript
    finished = [a for a in actions if isinstance(a, Finished)]
    assert len(finished) == 1 and finished[0].completed, transcript
    said = " ".join(a.text for a in actions if isinstance(a, Say))
    assert "Say next to move on." in said and "say pause" in said, said
    # The guide's voice with its command words did reach the microphone.
    assert heard_intents(mic), "the loopback did not carry the guide's voice"
