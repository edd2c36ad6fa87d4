"""``voice-guide listen``: print the commands heard in a recording, or live.

The recording goes through the same hearing as a live session (front end, then the
recognizer); ``--reference`` gives the echo canceller what the speaker played.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voice_guide.asr.names import ENGINES
from voice_guide.frontend.settings import FrontEndSettings
from voice_guide.ports import Heard

if TYPE_CHECKING:
    from voice_guide.audio.wav_input import AudioFile

_LENGTH_SLACK_S = 0.05  # resampling rounds lengths; more than this is another recording


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
    parser.add_argument("--reference", type=Path, metavar="SPEAKER.wav",
                        help="with --file: what the speaker played over the same time (same "
                        "start, same length), for the echo canceller")
    parser.add_argument("--no-front-end", dest="front_end", action="store_false", default=None,
                        help="no echo cancellation, noise suppression or gain control: the "
                        "recognizer hears the recording as it is")
    parser.add_argument("--denoise", choices=("auto", "on", "off"), default="auto",
                        help="noise suppression: auto (chosen from the background; default), "
                        "on or off")
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


def _front_end(args: argparse.Namespace) -> FrontEndSettings:
    from voice_guide.cli.common import user_settings

    wanted = args.front_end
    if wanted is None:  # the settings file's front_end key, when there is one
        wanted = bool(getattr(user_settings(), "front_end", True))
    return FrontEndSettings(enabled=wanted, denoise=args.denoise)


def _seconds(audio: AudioFile) -> float:
    import soundfile

    info = soundfile.info(str(audio.path))
    return float(info.frames) / float(info.samplerate)


def _open_reference(args: argparse.Namespace, audio: AudioFile | None) -> AudioFile | None:
    """The speaker recording for --reference, checked against the microphone recording."""
    from voice_guide.audio.wav_input import AudioFile
    from voice_guide.errors import UserError
    from voice_guide.text_safety import printable

    if args.reference is None:
        return None
    if audio is None:
        raise UserError("--reference needs --file: it is what the speaker played during that "
                        "recording.")
    reference = AudioFile(args.reference)
    mic_s, ref_s = _seconds(audio), _seconds(reference)
    if abs(mic_s - ref_s) > _LENGTH_SLACK_S:
        reference.close()
        raise UserError(f"{printable(str(args.reference))}: lasts {ref_s:.2f} s but "
                        f"{printable(str(args.file))} lasts {mic_s:.2f} s; the reference must "
                        "be what the speaker played over the same time (same start, same "
                        "length).")
    return reference


def _blocks_with_reference(audio: AudioFile, reference: AudioFile | None
                           ) -> Iterator[tuple[bytes, bytes | None]]:
    if reference is None:
        for block in audio.blocks():
            yield block, None
        return
    ref_blocks = reference.blocks()
    for block in audio.blocks():
        ref = next(ref_blocks, b"")
        yield block, ref[: len(block)] + bytes(max(0, len(block) - len(ref)))


def run(args: argparse.Namespace) -> int:
    from voice_guide.asr.vocabulary import warning_line
    from voice_guide.audio.wav_input import AudioFile
    from voice_guide.cli.common import phrase_table_from, settings_from
    from voice_guide.frontend import make_hearing

    settings_from(args)  # the settings file fills what the command line left out
    table = phrase_table_from(args)
    audio = AudioFile(args.file) if args.file is not None else None  # bad files fail first
    reference: AudioFile | None = None
    try:
        reference = _open_reference(args, audio)
        recognizer, why = make_hearing(args.engine, table=table, model_dir=args.model,
                                       front_end=_front_end(args))
    except BaseException:
        for opened in (audio, reference):
            if opened is not None:
                opened.close()
        raise
    print(why, file=sys.stderr)
    warning = warning_line(recognizer.name, getattr(recognizer, "unknown_words", []))
    if warning:
        print(warning, file=sys.stderr)
    if audio is not None:
        heard = 0
        try:
            with audio:  # read block by block: memory stays flat however long the recording
                for block, ref in _blocks_with_reference(audio, reference):
                    heard += _print_all(recognizer.accept(block, ref), args.json)
        finally:
            if reference is not None:
                reference.close()
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
