"""The routine schema (pydantic v2). Unknown keys are errors everywhere."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)

NonEmptyText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Identifier = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Pressure(StrEnum):
    LIGHT = "light"
    MEDIUM = "medium"
    DEEP = "deep"


class Side(StrEnum):
    LEFT = "left"
    RIGHT = "right"


def _no_booleans(value: Any) -> Any:
    """YAML reads ``yes``/``no``/``on``/``off`` as booleans; never let them pass as 1 or 0."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {str(value).lower()}")
    return value


class Duration(_Strict):
    """How long a timed step lasts. The timer runs to ``max_s``; ``min_s`` is when it may end."""

    min_s: float = Field(gt=0, description="Shortest time the step should take, in seconds.")
    max_s: float = Field(gt=0, description="Longest time; the step timer runs to this.")

    _numbers = field_validator("min_s", "max_s", mode="before")(_no_booleans)

    @model_validator(mode="after")
    def _ordered(self) -> Duration:
        if self.max_s < self.min_s:
            raise ValueError(f"max_s ({self.max_s:g}) is less than min_s ({self.min_s:g})")
        return self


class Repetitions(_Strict):
    """How many times a counted step repeats, and how long one repetition takes."""

    min: int = Field(gt=0, description="Fewest repetitions.")
    max: int = Field(gt=0, description="Most repetitions; the guide counts to this.")
    seconds_each: float = Field(gt=0, description="Seconds one repetition takes at normal pace.")

    _numbers = field_validator("min", "max", "seconds_each", mode="before")(_no_booleans)

    @model_validator(mode="after")
    def _ordered(self) -> Repetitions:
        if self.max < self.min:
            raise ValueError(f"max ({self.max}) is less than min ({self.min})")
        return self


class Step(_Strict):
    """One step as written in a routine file."""

    id: Identifier
    title: NonEmptyText
    instructions: list[NonEmptyText] = Field(
        min_length=1, description="What the guide says, one short spoken sentence per item."
    )
    duration: Duration | None = None
    repetitions: Repetitions | None = None
    pressure: Pressure
    area: NonEmptyText
    technique: NonEmptyText
    cautions: list[NonEmptyText] = Field(default_factory=list)
    tip: NonEmptyText | None = None

    @model_validator(mode="after")
    def _one_measure(self) -> Step:
        if self.duration is not None and self.repetitions is not None:
            raise ValueError("give either duration or repetitions, not both")
        return self


class PerSide(_Strict):
    """A block of steps run once per side, in the order of ``sides``."""

    sides: list[Side] = Field(default_factory=lambda: [Side.LEFT, Side.RIGHT], min_length=1)
    steps: list[Step] = Field(min_length=1)

    @field_validator("sides")
    @classmethod
    def _distinct(cls, sides: list[Side]) -> list[Side]:
        if len(set(sides)) != len(sides):
            raise ValueError("each side may appear only once")
        return sides


class SideBlock(_Strict):
    """``- per_side: {sides: [left, right], steps: [...]}`` inside ``steps``."""

    per_side: PerSide


def step_kind(value: Any) -> str:
    """Which model a ``steps`` item is: a per-side block if it has ``per_side``, else a step."""
    if isinstance(value, dict) and "per_side" in value:
        return "SideBlock"
    if isinstance(value, SideBlock):
        return "SideBlock"
    return "Step"


StepItem = Annotated[
    Annotated[Step, Tag("Step")] | Annotated[SideBlock, Tag("SideBlock")],
    Discriminator(step_kind),
]
"""One item of ``Routine.steps``; error locations carry the tag ``Step`` or ``SideBlock``."""


class Routine(_Strict):
    """A routine file."""

    schema_version: Literal[1] = 1
    id: Identifier
    title: NonEmptyText
    description: NonEmptyText
    introduction: list[NonEmptyText] = Field(min_length=1)
    safety: list[NonEmptyText] = Field(default_factory=list)
    closing: list[NonEmptyText] = Field(
        default_factory=lambda: ["That is the whole routine. Well done."]
    )
    steps: list[StepItem] = Field(
        min_length=1,
        description="Steps in order; a ``per_side`` item runs its steps once for each side.",
    )


class RunStep(_Strict):
    """A step in running order, after per-side expansion (what ``routines show --json`` lists)."""

    id: str
    source_id: str
    side: Side | None = None
    title: str
    instructions: list[str]
    duration: Duration | None = None
    repetitions: Repetitions | None = None
    pressure: Pressure
    area: str
    technique: str
    cautions: list[str] = Field(default_factory=list)
    tip: str | None = None

    @property
    def nominal_seconds(self) -> float | None:
        """Seconds of timing at normal pace, or None for a step that waits for "next"."""
        if self.duration is not None:
            return self.duration.max_s
        if self.repetitions is not None:
            return self.repetitions.max * self.repetitions.seconds_each
        return None


class FlatRoutine(_Strict):
    """A routine with its steps in running order."""

    id: str
    title: str
    description: str
    introduction: list[str]
    safety: list[str]
    closing: list[str]
    steps: list[RunStep]

    @model_validator(mode="after")
    def _unique_ids(self) -> FlatRoutine:
        seen: set[str] = set()
        for step in self.steps:
            if step.id in seen:
                raise ValueError(f"step id {step.id!r} is used more than once")
            seen.add(step.id)
        return self
