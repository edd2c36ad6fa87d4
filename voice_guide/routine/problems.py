"""Problems found in a routine file, and the error that carries them to the user."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from voice_guide.errors import UserError

#: Most problems listed for one file; a file with more is usually not a routine at all.
MAX_SHOWN = 40

# A place inside the YAML document: mapping keys and list indices, outermost first.
YamlPath = tuple[str | int, ...]


def format_path(path: YamlPath) -> str:
    """``('steps', 2, 'per_side', 'steps', 1)`` -> ``steps[2].per_side.steps[1]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a file. ``line`` is 1-based; None when the file could not be read."""

    line: int | None
    path: str
    message: str

    def render(self, file: str) -> str:
        where = file if self.line is None else f"{file}:{self.line}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class RoutineError(UserError):
    """A routine file is unusable. ``lines`` holds one ``FILE:LINE: PATH: message`` per problem."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines: list[str] = list(lines)
        super().__init__("\n".join(self.lines), exit_code=1)

    @classmethod
    def from_problems(cls, file: str, problems: Iterable[Problem]) -> RoutineError:
        ordered = sorted(set(problems), key=lambda p: (p.line or 0, p.path, p.message))
        lines = [p.render(file) for p in ordered[:MAX_SHOWN]]
        if len(ordered) > MAX_SHOWN:
            lines.append(f"{file}: ... and {len(ordered) - MAX_SHOWN} more problems; "
                         "fix these first")
        return cls(lines)

    @classmethod
    def single(cls, file: str, message: str, line: int | None = None) -> RoutineError:
        return cls([Problem(line, "", message).render(file)])
