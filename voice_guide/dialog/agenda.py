"""A narration in progress: its sentences and how many of them were said in full."""

from __future__ import annotations

from dataclasses import dataclass

from voice_guide.dialog.narration import Line


@dataclass
class Agenda:
    """Lines are said in order; ``done`` counts those said to their end. A reply may cut the
    narration; it then goes on from the first line not said in full (a cut line from its start)."""

    lines: list[Line]
    done: int = 0

    @property
    def rest(self) -> list[Line]:
        return self.lines[self.done :]

    def keep_musts(self) -> None:
        """Skip what is left except the lines that must be said (safety, cautions)."""
        self.lines = self.lines[: self.done] + [line for line in self.rest if line.must]

    def restart(self) -> None:
        self.done = 0
