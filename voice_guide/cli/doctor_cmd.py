"""``voice-guide doctor``: check what a voice session needs and say what to do about each
problem. Exit status 0 only when a session can run."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from voice_guide.cli.common import add_audio_options


def register(sub: Any, name: str, help_text: str) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        name, help=help_text,
        description="Check Python and the packages, the settings file, disk space, the "
        "recognizer and its model, the microphone (it listens for a few seconds: speak), the "
        "speaker (it plays a tone) and the voice (it speaks a sentence). Exit status 0 only "
        "when a session can run.",
    )
    add_audio_options(parser)
    parser.add_argument("--seconds", type=float, default=3.0, metavar="S",
                        help="how long to measure the microphone (default 3)")
    parser.add_argument("--phrases", type=Path, default=None, metavar="FILE",
                        help="phrase file to check the recognizer's vocabulary against "
                        "(default: the settings file's phrase_file)")
    parser.set_defaults(func=run)


MARK = {"ok": "ok  ", "warn": "warn", "fail": "FAIL"}


def run(args: argparse.Namespace) -> int:
    from voice_guide.cli.common import phrase_table_from, settings_from
    from voice_guide.config.location import settings_path
    from voice_guide.doctor.audio import (
        check_microphone,
        check_recognizer,
        check_voice,
        open_speaker,
    )
    from voice_guide.doctor.result import Check
    from voice_guide.doctor.system import (
        check_disk,
        check_packages,
        check_portaudio,
        check_python,
        check_settings,
    )
    from voice_guide.errors import UserError
    from voice_guide.intents import DEFAULT_TABLE
    from voice_guide.paths import models_dir
    from voice_guide.text_safety import printable

    if not 0.5 <= args.seconds <= 60:
        raise UserError("--seconds must be from 0.5 to 60", exit_code=2)
    checks: list[Check] = []

    def report(check: Check) -> None:
        checks.append(check)
        print(f"{MARK[check.status]}  {check.name}: {printable(check.detail)}", flush=True)
        if check.fix and check.status != "ok":
            print(f"      -> {printable(check.fix)}", flush=True)

    report(check_python())
    report(check_packages())
    settings_check, user = check_settings(settings_path())
    report(settings_check)
    if user is not None:
        guide = settings_from(args)
        wpm, volume, voice = guide.words_per_minute, guide.volume, args.voice
    else:  # the file is broken: check the rest with the defaults and the options given
        args.engine = args.engine or "auto"
        wpm, volume, voice = 150, 0.8, args.voice or "en-us"
    report(check_disk(models_dir()))
    try:
        table = phrase_table_from(args)
    except UserError as err:
        report(Check("phrases", "fail", str(err), "fix the phrase file or unset phrase_file"))
        table = DEFAULT_TABLE
    report(check_recognizer(args.engine, args.model, table))
    portaudio = check_portaudio()
    if portaudio.status != "ok":
        report(portaudio)
    else:
        report(check_microphone(args.input_device, args.seconds))
        speaker, player = open_speaker(args.output_device)
        report(speaker)
        try:
            report(check_voice(voice, player, wpm, volume))
        finally:
            if player is not None:
                player.close()
    failed = [c.name for c in checks if c.status == "fail"]
    if failed:
        print(f"A session cannot run yet: fix {', '.join(failed)} (see the -> lines above).")
        return 1
    warned = [c.name for c in checks if c.status == "warn"]
    extra = f" (worth a look: {', '.join(warned)})" if warned else ""
    print(f"A voice session can run{extra}.")
    return 0
