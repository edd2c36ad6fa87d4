"""``run_voice`` end to end on a private PulseAudio server.

The guide speaks into the "speaker" sink, which is looped back into the "mic" sink, as a
speaker across the room would be picked up by the microphone. The routine's first step
says "Go back." on its own, a phrase pocketsphinx hears reliably in this voice: if the
listen gate let the guide's own voice through, the guide would take that command. A
command ("next step", espeak-ng) is played into the mic sink once the guide listens on
the untimed first step; the guide must move to step 2 (timed, a few seconds) and finish.

The mic sink is also recorded for the whole session, and it must hold seconds of sound,
where the person said one short command: proof that the guide's voice did reach the
microphone, so only the gate kept it out.

This is the half-duplex session (``barge_in=False``, ``--half-duplex``): the gate is the
playback tap's (audio counts again from the first block after the speaker and its tail
went quiet). Barge-in's own end-to-end test is ``test_bargein_pulse.py``.
"""

from __future__ import annotations

import _thread
import threading
import time
from pathlib import Path

import numpy as np

from tests.audio_synth import silence, speak, write_wav
from tests.guide_helpers import routine
from voice_guide.asr.factory import make_recognizer
from voice_guide.audio.wav_input import to_pcm16
from voice_guide.dialog.actions import Action, CommandTaken, Finished, Listen, StepStarted
from voice_guide.intents import DEFAULT_TABLE, Intent
from voice_guide.routine.model import Duration, FlatRoutine, RunStep
from voice_guide.settings import GuideSettings
from voice_guide.shell.voice_run import run_voice
from voice_guide.testing.pulse import PulseServer, private_pulse

SESSION_LIMIT_S = 50.0


def two_steps() -> FlatRoutine:
    first = RunStep(
        id="first", source_id="first", side=None, title="Warm up",
        instructions=["Go back."], duration=None, repetitions=None,
        pressure="light", area="back", technique="stroke", cautions=[],
    )
    second = RunStep(
        id="second", source_id="second", side=None, title="Finish",
        instructions=["Rest."], duration=Duration(min_s=2, max_s=2), repetitions=None,
        pressure="light", area="back", technique="stroke", cautions=[],
    )
    return routine(first, second)


def heard_intents(samples: np.ndarray) -> list[Intent]:
    recognizer, _ = make_recognizer("pocketsphinx")
    pcm = to_pcm16(np.concatenate([samples, silence(1.0)]).astype(np.float32))
    found = []
    for at in range(0, len(pcm), 3200):
        found += recognizer.accept(pcm[at : at + 3200])
    found += recognizer.flush()
    return [h.command.intent for h in found]


class Session:
    """Watches the guide's actions; plays the command once step 1 is listening."""

    def __init__(self, pulse: PulseServer, command_wav: Path) -> None:
        self.pulse = pulse
        self.command_wav = command_wav
        self.actions: list[Action] = []
        self.lines: list[str] = []
        self.played_at: float | None = None
        self._step = 0
        self._feeder: threading.Thread | None = None

    def listen(self, action: Action) -> None:
        self.actions.append(action)
        if isinstance(action, StepStarted):
            self._step = action.position
        if isinstance(action, Listen) and action.on and self._step == 1 and self._feeder is None:
            self._feeder = threading.Thread(target=self._play, daemon=True)
            self._feeder.start()

    def _play(self) -> None:
        time.sleep(1.0)  # well after the guide's last word
        self.played_at = time.monotonic()
        self.pulse.play_and_wait(self.command_wav)


def test_voice_session_advances_on_a_spoken_command_and_ignores_its_own_voice(
    tmp_path: Path,
) -> None:
    command = write_wav(
        tmp_path / "next.wav", np.concatenate([silence(0.3), speak("next step"), silence(0.5)])
    )
    assert heard_intents(speak("next step")) == [Intent.NEXT]  # the clean command is heard
    with private_pulse() as pulse:
        pulse.loopback(pulse.speaker_monitor, pulse.mic_sink)
        session = Session(pulse, command)
        mic_recording = pulse.record(pulse.mic_source)
        watchdog = threading.Timer(SESSION_LIMIT_S, _thread.interrupt_main)
        watchdog.start()
        started = time.monotonic()
        try:
            code = run_voice(
                two_steps(), GuideSettings(), engine="pocketsphinx", model_dir=None,
                table=DEFAULT_TABLE, input_device=None, output_device=None,
                echo=session.lines.append, listeners=[session.listen], barge_in=False,
            )
        finally:
            watchdog.cancel()
            took = time.monotonic() - started
            at_mic = mic_recording.stop()
    transcript = "\n".join(session.lines)
    assert code == 0, f"run_voice returned {code} after {took:.1f} s:\n{transcript}"
    taken = [a.intent for a in session.actions if isinstance(a, CommandTaken)]
    assert taken == [Intent.NEXT], transcript
    assert [a.position for a in session.actions if isinstance(a, StepStarted)] == [1, 2]
    finished = [a for a in session.actions if isinstance(a, Finished)]
    assert len(finished) == 1 and finished[0].completed, transcript
    assert "guide: Go back." in session.lines
    assert any(line.startswith('you: "next step"') for line in session.lines), transcript
    # The guide's own voice did reach the microphone (seconds of sound, where the person
    # said one short command); only the gate kept it out.
    assert voiced_seconds(at_mic) > 3.0, "the loopback did not carry the guide's voice"


def voiced_seconds(samples: np.ndarray) -> float:
    frames = samples[: samples.size // 320 * 320].reshape(-1, 320).astype(np.float64)
    return float(np.sum(np.sqrt(np.mean(frames**2, axis=1)) > 0.01)) * 0.02
