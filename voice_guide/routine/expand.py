"""Per-side expansion: a routine as written -> its steps in running order."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from voice_guide.routine.model import FlatRoutine, Routine, RunStep, Side, SideBlock, Step
from voice_guide.routine.problems import YamlPath


@dataclass(frozen=True)
class Placed:
    """A step as it will run, with the YAML path of the step it came from."""

    step: Step
    side: Side | None
    path: YamlPath

    @property
    def run_id(self) -> str:
        return f"{self.step.id}-{self.side.value}" if self.side is not None else self.step.id


def placed_steps(routine: Routine) -> Iterator[Placed]:
    """Every step in running order; a per-side block runs all its steps per side, side by side."""
    for index, item in enumerate(routine.steps):
        if isinstance(item, SideBlock):
            for side in item.per_side.sides:
                for inner, step in enumerate(item.per_side.steps):
                    yield Placed(step, side, ("steps", index, "per_side", "steps", inner))
        else:
            yield Placed(item, None, ("steps", index))


@dataclass(frozen=True)
class DuplicateId:
    """``path`` gives a step whose running id ``run_id`` was already given by ``first``."""

    run_id: str
    path: YamlPath
    first: YamlPath
    per_side: bool


def duplicate_ids(routine: Routine) -> list[DuplicateId]:
    """Running ids that occur twice, one entry per offending source step."""
    first_of: dict[str, YamlPath] = {}
    found: dict[YamlPath, DuplicateId] = {}
    for placed in placed_steps(routine):
        first = first_of.setdefault(placed.run_id, placed.path)
        if first != placed.path and placed.path not in found:
            per_side = placed.side is not None or "per_side" in first
            found[placed.path] = DuplicateId(placed.run_id, placed.path, first, per_side)
    return list(found.values())


def run_step(step: Step, side: Side | None) -> RunStep:
    """One running step; the title stays plain (the narration adds the side)."""
    fields = step.model_dump(exclude={"id"})
    fields["duration"] = step.duration
    fields["repetitions"] = step.repetitions
    run_id = f"{step.id}-{side.value}" if side is not None else step.id
    return RunStep(id=run_id, source_id=step.id, side=side, **fields)


def flatten(routine: Routine) -> FlatRoutine:
    """The routine with per-side blocks expanded into running order."""
    return FlatRoutine(
        id=routine.id,
        title=routine.title,
        description=routine.description,
        introduction=list(routine.introduction),
        safety=list(routine.safety),
        closing=list(routine.closing),
        steps=[run_step(p.step, p.side) for p in placed_steps(routine)],
        sides_of=routine.sides_of,
    )
