"""Options and loading shared by the commands that run a routine."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from voice_guide.asr.names import ENGINES
from voice_guide.config.model import UserSettings
from voice_guide.dialog.actions import Action
from voice_guide.intents import DEFAULT_TABLE, PhraseTable
from voice_guide.routine.model import FlatRoutine
from voice_guide.settings import GuideSettings


def add_routine_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "routine", nargs="?", default=None,
        help="routine id (see 'voice-guide routines list') or path to a routine file; "
        "default: back-massage",
    )


def add_guide_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--wpm", type=int, default=None, metavar="N",
                        help="speech rate in words per minute at normal pace "
                        "(default: the settings file's words_per_minute, else 150)")
    parser.add_argument("--no-auto-advance", action="store_true",
                        help="wait for 'next' when a step's timer ends")
    parser.add_argument("--language", choices=["en", "ko"], default=None,
                        help="language of the guide's own sentences (default: the settings "
                        "file's language, else en)")
    parser.add_argument("--phrases", type=Path, default=None, metavar="FILE",
                        help="YAML phrase file that adds or replaces command phrases")


def load_routine_arg(value: str | None) -> FlatRoutine:
    from voice_guide.routine.catalog import DEFAULT_ROUTINE, resolve
    from voice_guide.routine.loader import load_flat

    return load_flat(resolve(value or DEFAULT_ROUTINE))


def add_audio_options(parser: argparse.ArgumentParser) -> None:
    """--engine, --model, --input-device, --output-device; unset ones come from the settings
    file (see :func:`settings_from`)."""
    parser.add_argument("--engine", choices=ENGINES, default=None,
                        help="speech recognizer (default: the settings file's engine, else "
                        "Vosk if a model is installed)")
    parser.add_argument("--model", type=Path, metavar="DIR", help="Vosk model directory")
    parser.add_argument("--input-device", metavar="NAME", help="microphone (name or index)")
    parser.add_argument("--output-device", metavar="NAME", help="speaker (name or index)")
    parser.add_argument("--voice", metavar="NAME",
                        help="espeak-ng voice (see 'espeak-ng --voices'; default: the settings "
                        "file's voice, or the language's own)")


#: Options whose default comes from the settings file: option dest -> settings key.
FROM_FILE = {
    "engine": "engine",
    "model": "model",
    "input_device": "input_device",
    "output_device": "output_device",
    "phrases": "phrase_file",
}


def user_settings() -> UserSettings:
    """The settings file (``voice-guide config path``), or the defaults when there is none."""
    from voice_guide.config.read import load_settings

    return load_settings()


def settings_from(args: argparse.Namespace) -> GuideSettings:
    """The one place the settings file and the command-line options meet.

    Reads the settings file, fills the options the user did not give on the command line
    (``FROM_FILE``: engine, model, devices, phrase file) into ``args``, and builds the
    GuideSettings: an option given on the command line wins over the file, the file over
    the defaults. Keys GuideSettings does not have (voice, pace, earcons, barge_in) stay in
    the settings model until the code can use them.
    """
    from pydantic import ValidationError

    from voice_guide.errors import UserError

    user = user_settings()
    for dest, key in FROM_FILE.items():
        if hasattr(args, dest) and getattr(args, dest) is None:
            value = getattr(user, key)
            if value is not None and dest in ("model", "phrases"):
                value = Path(value).expanduser()
            setattr(args, dest, value)
    if hasattr(args, "engine") and args.engine is None:
        args.engine = "auto"
    values: dict[str, object] = {
        "words_per_minute": user.words_per_minute,
        "volume": user.volume,
        "auto_advance": user.auto_advance,
        "language": user.language,
        "pace": user.pace,
        "reminder_after_s": user.reminder_after_s,
        "inactivity_limit_s": user.inactivity_limit_s,
        "quit_answer_s": user.quit_answer_s,
    }
    if getattr(args, "wpm", None) is not None:
        values["words_per_minute"] = args.wpm
    if getattr(args, "no_auto_advance", False):
        values["auto_advance"] = False
    if getattr(args, "language", None) is not None:
        values["language"] = args.language
    # What the shell needs beyond the guide: the voice, the tones, barge-in.
    language = str(values["language"])
    if hasattr(args, "phrases") and args.phrases is None:
        args.phrases = default_phrase_file(language)
    if hasattr(args, "voice"):
        args.voice = args.voice or voice_for(user.voice, language)
    args.earcons = user.earcons
    args.barge_in = user.barge_in
    try:
        return GuideSettings.model_validate(values)
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        option = {"words_per_minute": "--wpm"}.get(field, field)
        raise UserError(f"{option}: {first['msg'].lower()}", exit_code=2) from None


#: The espeak-ng voice for each language of the guide, when the settings name none of their own.
LANGUAGE_VOICES = {"en": "en-us", "ko": "ko"}


def voice_for(voice: str, language: str) -> str:
    """The voice to speak ``language`` with: the settings' voice, except that the default
    English voice gives way to the language's own voice (an English voice cannot read Korean)."""
    if voice == LANGUAGE_VOICES["en"] and language != "en":
        return LANGUAGE_VOICES.get(language, voice)
    return voice


def default_phrase_file(language: str) -> Path | None:
    """The phrase file shipped for ``language`` when the user gives none: Korean commands
    for ``ko``; None for English (the built-in table)."""
    return korean_phrase_file() if language == "ko" else None


def korean_phrase_file() -> Path:
    """The Korean command phrases shipped inside the package (``voice_guide/lang``)."""
    from importlib import resources

    return Path(str(resources.files("voice_guide.lang") / "ko-phrases.yaml"))


def phrase_table_from(args: argparse.Namespace) -> PhraseTable:
    path = getattr(args, "phrases", None)
    if path is None:
        return DEFAULT_TABLE
    from voice_guide.phrase_file import load_phrase_table

    table: PhraseTable = load_phrase_table(path)
    return table


def add_log_options(parser: argparse.ArgumentParser, default_on: bool) -> None:
    if default_on:
        parser.add_argument("--no-log", action="store_true",
                            help="do not record this session in the session log")
    else:
        parser.add_argument("--log", action="store_true",
                            help="record this session in the session log (see 'voice-guide history')")
    parser.add_argument("--db", type=Path, metavar="FILE", help="session log file")


def session_listener(args: argparse.Namespace, routine: FlatRoutine, mode: str,
                     ) -> Callable[[Action], None] | None:
    """The session log for this run, or None when logging is off."""
    wanted = getattr(args, "log", False) or not getattr(args, "no_log", True)
    if not wanted:
        return None
    from datetime import datetime

    from voice_guide import session_log

    path = args.db or session_log.default_db_path()
    session_log.connect(path).close()  # a log that cannot be opened is said at once
    return session_log.SessionLog(path, routine, mode, datetime.now().isoformat(timespec="seconds"))
