"""``voice-guide listen``: print the commands heard in a recording, or live."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from voice_guide.asr.names import ENGINES
from voice_guide.ports import Heard


def register(sub: Any, name: str, help_text: str) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(name, help=help_text)
    parser.add_argument("--file", type=Path, help="a recording (WAV, any rate and channels); "
                        "without it, listen to the microphone until Ctrl-C")
    parser.add_argument("--engine", default=None, choices=ENGINES,
                        help="speech recognizer (default: the settings file's engine, else "
                        "Vosk if a model is installed)")
    parser.add_argument("--model", type=Path, help="Vosk model directory (default: the "
                        "settings file's model)")
    parser.add_argument("--phrases", type=Path, help="YAML phrase file adding or replacing "
                        "phrases (default: the settings file's phrase_file)")
    parser.add_argument("--device", dest="input_device", help="input device name or index "
                        "(live input; default: the settings file's input_device)")
    parser.add_argument("--json", action="store_true", help="one JSON object per command")
    parser.set_defaults(func=run)


def _line(heard: Heard, as_json: bool) -> str:
    if as_json:
        data: dict[str, object] = {
            "intent": heard.command.intent.value, "text": heard.text,
            "confidence": heard.confidence, "start": heard.start, "end": heard.end,
            "emitted_at": heard.emitted_at, "engine": heard.engine,
        }
        if heard.command.step is not None:
            data["step"] = heard.command.step
        return json.dumps(data, ensure_ascii=False)
    step = f" {heard.command.step}" if heard.command.step is not None else ""
    return (f"{heard.start:7.2f}-{heard.end:7.2f}s  {heard.command.intent.value}{step}  "
            f"\"{heard.text}\"  ({heard.confidence:.2f})")


def _print_all(found: Iterable[Heard], as_json: bool) -> int:
    """Print each command heard; how many there were."""
    count = 0
    for heard in found:
        print(_line(heard, as_json), flush=True)
        count += 1
    return count


def run(args: argparse.Namespace) -> int:
    from voice_guide.asr.factory import make_recognizer
    from voice_guide.asr.vocabulary import warning_line
    from voice_guide.audio.wav_input import AudioFile
    from voice_guide.cli.common import phrase_table_from, settings_from

    settings_from(args)  # the settings file fills what the command line left out
    table = phrase_table_from(args)
    audio = AudioFile(args.file) if args.file is not None else None  # bad files fail first
    try:
        recognizer, why = make_recognizer(args.engine, table=table, model_dir=args.model)
    except BaseException:
        if audio is not None:
            audio.close()
        raise
    print(why, file=sys.stderr)
    warning = warning_line(recognizer.name, getattr(recognizer, "unknown_words", []))
    if warning:
        print(warning, file=sys.stderr)
    if audio is not None:
        heard = 0
        with audio:  # read block by block: memory stays flat however long the recording
            for block in audio.blocks():
                heard += _print_all(recognizer.accept(block), args.json)
        heard += _print_all(recognizer.flush(), args.json)
        if heard == 0:
            from voice_guide.text_safety import printable

            print(f"no command heard in {printable(str(args.file))}", file=sys.stderr)
        return 0
    from voice_guide.audio.mic import Microphone

    mic = Microphone(args.input_device)
    print(f"listening on {mic.device_name!r}; press Ctrl-C to stop.", file=sys.stderr)
    try:
        for block in mic.blocks():
            _print_all(recognizer.accept(block), args.json)
    except KeyboardInterrupt:
        pass
    finally:
        mic.close()
        _print_all(recognizer.flush(), args.json)
    if mic.overflows:
        print(f"note: {mic.overflows} audio blocks were dropped (the computer fell behind).",
              file=sys.stderr)
    return 0
