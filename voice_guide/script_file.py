"""Simulation scripts: one ``SECONDS PHRASE`` per line, parsed like spoken phrases."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from voice_guide.errors import UserError
from voice_guide.intents import Command, PhraseTable


@dataclass(frozen=True)
class ScriptLine:
    t: float
    phrase: str
    command: Command
    line: int


def read_script(path: Path, table: PhraseTable) -> list[ScriptLine]:
    """Read a script; a bad line raises one sentence naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{path}: no such script file") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a directory, not a script file") from None
    except UnicodeDecodeError:
        raise UserError(f"{path}: is not a UTF-8 text file") from None
    except OSError as err:
        raise UserError(f"{path}: cannot read the script ({err.strerror})") from None
    out: list[ScriptLine] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{path}:{number}"
        seconds, _, phrase = line.partition(" ")
        try:
            t = float(seconds)
        except ValueError:
            raise UserError(
                f"{where}: expected 'SECONDS PHRASE' (e.g. '95 say that again'), got {line!r}"
            ) from None
        if t < 0 or t != t or t == float("inf"):
            raise UserError(f"{where}: the time must be zero or more seconds, got {seconds}")
        phrase = phrase.strip()
        if not phrase:
            raise UserError(f"{where}: a phrase must follow the time, e.g. '{seconds} next'")
        command = table.parse(phrase)
        if command is None:
            raise UserError(
                f"{where}: {phrase!r} is not a command the guide knows; "
                "see 'voice-guide simulate --help' for the phrases"
            )
        out.append(ScriptLine(t, phrase, command, number))
    return sorted(out, key=lambda s: (s.t, s.line))
