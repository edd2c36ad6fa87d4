"""A recognizer that fails mid-session is reported in one sentence, and the session goes on
with typed commands: a typed "next" moves the guide to step 2 and the routine completes.

Two ways to fail, both with the real pocketsphinx recognizer (wrapped), in the child process
the voice session runs its recognizer in: it raises inside ``accept`` after a number of
audio blocks, or its process dies (SIGSEGV, as a crashing native engine would).
Real PulseAudio (private server), real speech output."""

from __future__ import annotations

import _thread
import os
import signal
import threading
from pathlib import Path

import pytest

from tests.test_voice_run_pulse import two_steps
from voice_guide.asr import process_recognizer
from voice_guide.dialog.actions import Action, CommandTaken, Finished, StepStarted
from voice_guide.frontend import FrontEndSettings, make_hearing
from voice_guide.intents import DEFAULT_TABLE, Intent, PhraseTable
from voice_guide.ports import Heard, Recognizer
from voice_guide.settings import GuideSettings
from voice_guide.shell.voice_run import run_voice
from voice_guide.testing.pulse import private_pulse

SESSION_LIMIT_S = 90.0  # hang guard only
FAIL_AFTER = 20  # blocks of audio heard (about a second) before the recognizer breaks
HERE = "tests.test_voice_recognizer_failure"


class BreaksAfter:
    """A real recognizer that raises (or kills its own process) after ``count`` blocks."""

    def __init__(self, inner: Recognizer, count: int, crash: bool) -> None:
        self.name = inner.name
        self.inner = inner
        self.left = count
        self.crash = crash

    def accept(self, pcm: bytes, reference: bytes | None = None) -> list[Heard]:
        self.left -= 1
        if self.left < 0:
            if self.crash:
                os.kill(os.getpid(), signal.SIGSEGV)
            raise RuntimeError("decoder state lost")
        return self.inner.accept(pcm, reference)  # type: ignore[call-arg]

    def flush(self) -> list[Heard]:
        return self.inner.flush()

    def reset(self) -> None:
        self.inner.reset()


def raising(engine: str, *, table: PhraseTable | None, model_dir: Path | None,
            front_end: FrontEndSettings | None = None) -> tuple[Recognizer, str]:
    """The session's hearing (front end and recognizer), breaking after FAIL_AFTER blocks."""
    hearing, why = make_hearing(engine, table=table, model_dir=model_dir, front_end=front_end)
    return BreaksAfter(hearing, FAIL_AFTER, crash=False), why  # type: ignore[arg-type]


def crashing(engine: str, *, table: PhraseTable | None, model_dir: Path | None,
             front_end: FrontEndSettings | None = None) -> tuple[Recognizer, str]:
    hearing, why = make_hearing(engine, table=table, model_dir=model_dir, front_end=front_end)
    return BreaksAfter(hearing, FAIL_AFTER, crash=True), why  # type: ignore[arg-type]


@pytest.mark.parametrize("factory,reason", [
    ("raising", "RuntimeError: decoder state lost"),
    ("crashing", "RecognizerDied: the recognizer process ended (killed by SIGSEGV)"),
])
def test_recognizer_failure_is_one_sentence_and_typing_carries_on(
    factory: str, reason: str, monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(process_recognizer, "HEARING_FACTORY", f"{HERE}:{factory}")
    read_end, write_end = os.pipe()
    typed = os.fdopen(read_end, "r", encoding="utf-8")
    writer = os.fdopen(write_end, "w", encoding="utf-8")
    lines: list[str] = []
    actions: list[Action] = []

    def echo(line: str) -> None:
        lines.append(line)
        if "speech recognition stopped" in line:  # the user reads it and types
            writer.write("next\n")
            writer.flush()

    watchdog = threading.Timer(SESSION_LIMIT_S, _thread.interrupt_main)
    with private_pulse():
        watchdog.start()
        try:
            code = run_voice(
                two_steps(), GuideSettings(), engine="pocketsphinx", model_dir=None,
                table=DEFAULT_TABLE, input_device=None, output_device=None, echo=echo,
                listeners=[actions.append], typed=typed,
                barge_in=False,  # it breaks once listening starts: on step 1
            )
        finally:
            watchdog.cancel()
            writer.close()
            typed.close()
    transcript = "\n".join(lines)
    assert code == 0, transcript
    failures = [line for line in lines if "stopped" in line]
    assert failures == [f"voice-guide: speech recognition stopped ({reason}); carrying on "
                        "with typed commands: type one and press Enter (e.g. next, help, "
                        "quit)."], transcript
    assert [a.intent for a in actions if isinstance(a, CommandTaken)] == [Intent.NEXT]
    assert [a.position for a in actions if isinstance(a, StepStarted)] == [1, 2]
    finished = [a for a in actions if isinstance(a, Finished)]
    assert len(finished) == 1 and finished[0].completed, transcript
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Exception in thread" not in err, err


def test_without_a_terminal_the_session_ends_with_a_failure_status(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Started by a service (standard input is not a terminal), nobody can type: the session
    ends, and the non-zero status makes the service manager start it again."""
    import io

    monkeypatch.setattr(process_recognizer, "HEARING_FACTORY", f"{HERE}:raising")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    lines: list[str] = []
    actions: list[Action] = []
    watchdog = threading.Timer(SESSION_LIMIT_S, _thread.interrupt_main)
    with private_pulse():
        watchdog.start()
        try:
            code = run_voice(
                two_steps(), GuideSettings(), engine="pocketsphinx", model_dir=None,
                table=DEFAULT_TABLE, input_device=None, output_device=None, echo=lines.append,
                listeners=[actions.append], barge_in=False,
            )
        finally:
            watchdog.cancel()
    transcript = "\n".join(lines)
    assert code == 1, transcript
    assert [line for line in lines if "stopped" in line] == [
        "voice-guide: speech recognition stopped (RuntimeError: decoder state lost); standard "
        "input is not a terminal, so the session ends (a service is restarted)."], transcript
    assert not [a for a in actions if isinstance(a, Finished) and a.completed]
