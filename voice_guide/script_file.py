"""Simulation scripts: one ``SECONDS PHRASE`` per line, parsed like spoken phrases."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from voice_guide.errors import UserError
from voice_guide.intents import Command, PhraseTable
from voice_guide.safe_files import read_text_file
from voice_guide.text_safety import has_control, printable

#: Largest script read, in bytes, and the latest time a line may give (one day).
MAX_SCRIPT_BYTES = 256_000
MAX_SCRIPT_SECONDS = 86_400.0


@dataclass(frozen=True)
class ScriptLine:
    t: float
    phrase: str
    command: Command
    line: int


def read_script(path: Path, table: PhraseTable) -> list[ScriptLine]:
    """Read a script; a bad line raises one sentence naming the file and line."""
    if not path.exists():
        raise UserError(f"{path}: no such script file; check the path")
    text = read_text_file(path, "a script file", MAX_SCRIPT_BYTES)
    out: list[ScriptLine] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{path}:{number}"
        if has_control(line):
            raise UserError(f"{where}: contains a control character; a script holds only "
                            "'SECONDS PHRASE' lines of plain text")
        shown = printable(line if len(line) <= 60 else line[:57] + "...")
        seconds, _, phrase = line.partition(" ")
        try:
            t = float(seconds)
        except ValueError:
            raise UserError(
                f"{where}: expected 'SECONDS PHRASE' (e.g. '95 say that again'), got '{shown}'"
            ) from None
        if not 0 <= t <= MAX_SCRIPT_SECONDS:  # also refuses nan and inf
            raise UserError(f"{where}: the time must be zero or more seconds (at most "
                            f"{MAX_SCRIPT_SECONDS:g}), got {printable(seconds[:30])}")
        phrase = phrase.strip()
        if not phrase:
            raise UserError(f"{where}: a phrase must follow the time, e.g. '{t:g} next'")
        command = table.parse(phrase)
        if command is None:
            raise UserError(
                f"{where}: '{printable(phrase[:60])}' is not a command the guide knows; "
                f"use a phrase such as {_examples(table)} (all of them: the README's "
                "'What you can say')"
            )
        out.append(ScriptLine(t, phrase, command, number))
    return sorted(out, key=lambda s: (s.t, s.line))


def _examples(table: PhraseTable, count: int = 6) -> str:
    """A few phrases of ``table``, quoted: the first one of each command."""
    firsts = [phrases[0] for phrases in table.phrases.values() if phrases][:count]
    return ", ".join(f"'{printable(p)}'" for p in firsts)
