"""A Recognizer that "hears" scripted phrases at given seconds of audio consumed."""

from __future__ import annotations

from voice_guide.intents import DEFAULT_TABLE, PhraseTable
from voice_guide.ports import SAMPLE_RATE, Heard


class ScriptedRecognizer:
    name = "scripted"

    def __init__(self, script: list[tuple[float, str]], table: PhraseTable = DEFAULT_TABLE) -> None:
        self.script = sorted(script)
        self.table = table
        self.consumed = 0.0
        self.resets = 0

    def accept(self, pcm: bytes) -> list[Heard]:
        self.consumed += len(pcm) / 2 / SAMPLE_RATE
        out = []
        while self.script and self.script[0][0] <= self.consumed:
            at, text = self.script.pop(0)
            command = self.table.parse(text)
            if command is not None:
                out.append(Heard(command, text, 1.0, max(0.0, at - 0.5), at, self.consumed,
                                 self.name))
        return out

    def flush(self) -> list[Heard]:
        return self.accept(b"\0\0" * int(SAMPLE_RATE * 3600))

    def reset(self) -> None:
        self.resets += 1
