"""Barge-in end to end on a private PulseAudio server, the speaker looped into the mic.

(a) A whole short routine whose narration is full of command words ("Say next to move on.
If you need a break, say pause.") runs to its end with the guide's own voice looped into
the microphone, and the guide takes no command: it never hears itself. The mic is recorded
too, and pocketsphinx must find command words in it: proof the voice did reach the mic.

(b) "pause" (espeak-ng, another voice than the guide's) is played into the mic while the
guide is in the middle of a long sentence. The guide takes it, the sentence is cut (the end
of the sentence is NOT in the speaker's recording, its beginning is), and the step's timer
holds while paused (the step ends no sooner than its length plus the time spent paused).

Nothing here asserts how fast: only what was heard and done; the limits are hang guards.
"""

from __future__ import annotations

import _thread
import subprocess
import threading
import time
from pathlib import Path

import numpy as np

from tests.audio_synth import silence, speak, write_wav
from voice_guide.asr.factory import make_recognizer
from voice_guide.audio.wav_input import decode_wav_bytes, to_pcm16
from voice_guide.dialog.actions import (
    Action,
    CommandTaken,
    Finished,
    Paused,
    Resumed,
    Say,
    StepStarted,
    StopSpeech,
)
from voice_guide.intents import DEFAULT_TABLE, Intent
from voice_guide.routine.loader import load_flat
from voice_guide.settings import GuideSettings
from voice_guide.shell.voice_run import run_voice
from voice_guide.testing.pulse import RATE, match_recording, private_pulse

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

LONG = ("Now let your open hands glide slowly from the lower back up along both sides of the "
        "spine to the shoulders, fan them out over the shoulder blades, and bring them back "
        "down the sides of the ribs with the same slow and even pressure, breathing calmly "
        "all the while, until the skin feels warm and soft under your fingers")

PAUSE_TEST = f"""\
schema_version: 1
id: long-talk
title: Long talk
description: One step with a long sentence.
introduction:
  - Hello.
safety:
  - Stop if it hurts.
closing:
  - All done.
steps:
  - id: glide
    title: Glide
    instructions:
      - {LONG}.
    duration: {{min_s: 20, max_s: 20}}
    pressure: light
    area: whole back
    technique: gliding
"""


def heard_intents(samples: np.ndarray) -> list[Intent]:
    recognizer, _ = make_recognizer("pocketsphinx")
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


def render(text: str, words_per_minute: int) -> np.ndarray:
    """``text`` as both speech engines render it (espeak-ng, American English)."""
    done = subprocess.run(["espeak-ng", "-v", "en-us", "-s", str(words_per_minute), "--stdout",
                           text], capture_output=True, check=True, timeout=60)
    samples, rate = decode_wav_bytes(done.stdout)
    from voice_guide.audio.wav_input import resample

    out: np.ndarray = resample(samples, rate, RATE)
    return out


class PauseInTheMiddle:
    """Plays "pause" into the mic a few seconds after the long sentence starts."""

    def __init__(self, play: object) -> None:
        self.play = play
        self.lines: list[str] = []
        self.started = threading.Event()

    def line(self, text: str) -> None:
        self.lines.append(text)
        if text.startswith("guide: Now let your open hands") and not self.started.is_set():
            self.started.set()
            threading.Thread(target=self._speak, daemon=True).start()

    def _speak(self) -> None:
        time.sleep(3.0)  # well inside a sentence of more than twenty seconds
        self.play()  # type: ignore[operator]


def test_pause_said_over_a_long_sentence_cuts_it_and_holds_the_timer(tmp_path: Path) -> None:
    path = tmp_path / "long.yaml"
    path.write_text(PAUSE_TEST, encoding="utf-8")
    command = write_wav(tmp_path / "pause.wav", np.concatenate(
        [silence(0.3), speak("pause", "en-gb", 150, 35), silence(0.6)]))
    assert heard_intents(speak("pause", "en-gb", 150, 35)) == [Intent.PAUSE]
    actions: list[Action] = []
    with private_pulse() as pulse:
        pulse.loopback(pulse.speaker_monitor, pulse.mic_sink)
        said_pause = threading.Event()

        def play_pause() -> None:
            pulse.play_and_wait(command)
            said_pause.set()

        watcher = PauseInTheMiddle(play_pause)
        resumer = threading.Thread(target=_resume_after_pause,
                                   args=(actions, pulse, tmp_path), daemon=True)
        resumer.start()
        at_speaker = pulse.record(pulse.speaker_monitor)
        try:
            watchdog = threading.Timer(SESSION_LIMIT_S, _thread.interrupt_main)
            watchdog.start()
            try:
                code = run_voice(
                    load_flat(path), GuideSettings(), engine="pocketsphinx", model_dir=None,
                    table=DEFAULT_TABLE, input_device=None, output_device=None,
                    echo=watcher.line, listeners=[actions.append], barge_in=True,
                )
            finally:
                watchdog.cancel()
        finally:
            speaker = at_speaker.stop()
    transcript = "\n".join(watcher.lines)
    assert code == 0, transcript
    assert said_pause.is_set(), transcript
    intents = [a.intent for a in actions if isinstance(a, CommandTaken)]
    assert intents[:1] == [Intent.PAUSE], transcript
    kinds = [a for a in actions if isinstance(a, Paused | Resumed)]
    assert [type(a) for a in kinds][:2] == [Paused, Resumed], transcript
    paused_for = kinds[1].t - kinds[0].t
    # The long sentence was cut: StopSpeech after the pause was taken.
    taken_at = next(i for i, a in enumerate(actions) if isinstance(a, CommandTaken))
    assert any(isinstance(a, StopSpeech) for a in actions[taken_at:]), transcript
    # ... and it is cut in the recording: its start is there, its end is not.
    say = next(a for a in actions if isinstance(a, Say) and a.text.startswith("Now let"))
    full = render(say.text, say.words_per_minute)
    head = match_recording(full[: 2 * RATE], RATE, speaker)
    tail = match_recording(full[-4 * RATE :], RATE, speaker)
    assert head.correlation > 0.6, f"the sentence's start is not in the recording ({head})"
    assert tail.correlation < 0.3, f"the end of the cut sentence was played ({tail})"
    # The timer held while paused: the step ended no sooner than 20 s plus the pause.
    started = next(a for a in actions if isinstance(a, StepStarted))
    finished = next(a for a in actions if isinstance(a, Finished))
    assert finished.t - started.t >= 20.0 + paused_for - 0.5, transcript


def _resume_after_pause(actions: list[Action], pulse: object, tmp: Path) -> None:
    """Once the guide has paused, wait a while (the timer must hold), then say "resume"."""
    wav = write_wav(tmp / "resume.wav", np.concatenate(
        [silence(0.3), speak("resume", "en-gb", 150, 35), silence(0.6)]))
    deadline = time.monotonic() + SESSION_LIMIT_S
    while not any(isinstance(a, Paused) for a in list(actions)):
        if time.monotonic() > deadline:
            return
        time.sleep(0.1)
    time.sleep(6.0)  # paused: the step's time must not run
    for _ in range(3):  # said again if not taken (a hang guard, not a timing test)
        pulse.play_and_wait(wav)  # type: ignore[attr-defined]
        for _ in range(50):
            if any(isinstance(a, Resumed) for a in list(actions)):
                return
            time.sleep(0.1)
