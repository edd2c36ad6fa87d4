"""Every key of the settings file reaches the part of the program that uses it."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from tests.guide_helpers import routine, step
from voice_guide.cli.common import add_audio_options, add_guide_options, settings_from, voice_for
from voice_guide.dialog.actions import Cue
from voice_guide.dialog.guide import Guide
from voice_guide.shell.voice_performer import VoicePerformer
from voice_guide.testing.recording_speaker import RecordingSpeaker

ROOT = Path(__file__).resolve().parent.parent


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_audio_options(parser)
    add_guide_options(parser)
    return parser.parse_args(list(argv))


def _write_settings(text: str) -> None:
    Path(os.environ["VOICE_GUIDE_CONFIG"]).write_text(text, encoding="utf-8")


def test_settings_file_reaches_the_guide_and_the_shell() -> None:
    _write_settings('pace = 1.5\nreminder_after_s = 30.0\ninactivity_limit_s = 600.0\n'
                    'quit_answer_s = 10.0\nlanguage = "ko"\nearcons = false\nbarge_in = true\n')
    args = _args()
    settings = settings_from(args)
    assert settings.pace == 1.5 and settings.language == "ko"
    assert (settings.reminder_after_s, settings.inactivity_limit_s, settings.quit_answer_s) == (
        30.0, 600.0, 10.0)
    assert args.voice == "ko"  # the default English voice gives way to the language's own
    assert args.earcons is False and args.barge_in is True
    guide = Guide(routine(step("a", duration=(60, 60))), settings)
    assert guide.pace == 1.5 and guide.words_per_minute == 100  # 150 wpm at normal pace


def test_command_line_wins_over_the_file() -> None:
    _write_settings('voice = "en-gb"\nlanguage = "ko"\n')
    args = _args("--voice", "en-us", "--language", "en")
    settings = settings_from(args)
    assert settings.language == "en" and args.voice == "en-us"
    assert voice_for("en-gb", "ko") == "en-gb"  # a voice the user chose is kept


def test_earcons_off_keeps_the_tones_quiet() -> None:
    speaker = RecordingSpeaker()

    class Nothing:
        def say(self, *_: object) -> None: ...
        def stop_speech(self) -> None: ...
        def set_volume(self, level: float) -> None: ...
        def set_listening(self, on: bool) -> None: ...

    quiet = VoicePerformer(Nothing(), speaker, Nothing(), volume=0.8, echo=lambda s: None,  # type: ignore[arg-type]
                           earcons=False)
    quiet.perform(Cue(1.0, "halfway"))
    assert speaker.cues == []
    loud = VoicePerformer(Nothing(), speaker, Nothing(), volume=0.8, echo=lambda s: None)  # type: ignore[arg-type]
    loud.perform(Cue(1.0, "halfway"))
    assert speaker.cues == [("halfway", 0.8)]


def test_barge_in_setting_and_half_duplex_flag_choose_the_listening_mode(tmp_path: Path) -> None:
    def voice_run(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "voice_guide", "run", "--no-log", "--plain",
             "--engine", "pocketsphinx", "--input-device", "nosuch-device", *extra],
            input="", capture_output=True, text=True, cwd=ROOT, timeout=120,
            env=os.environ.copy(),
        )

    _write_settings("barge_in = true\n")
    proc = subprocess.run(
        [sys.executable, "-m", "voice_guide", "run", "--text", "--no-log"],
        input="", capture_output=True, text=True, cwd=ROOT, timeout=120, env=os.environ.copy(),
    )
    assert proc.returncode == 0, proc.stderr
    assert "barge-in" not in proc.stderr + proc.stdout  # typed commands: nothing to say
    proc = voice_run()
    assert "listening: while speaking (barge-in)" in proc.stdout, proc.stdout + proc.stderr
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    proc = voice_run("--half-duplex")
    assert "listening: only when the guide is quiet" in proc.stdout, proc.stdout + proc.stderr
    _write_settings("barge_in = false\n")
    proc = voice_run()
    assert "listening: only when the guide is quiet" in proc.stdout, proc.stdout + proc.stderr
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
