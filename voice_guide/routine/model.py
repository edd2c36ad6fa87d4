"""The routine schema (pydantic v2). Unknown keys are errors everywhere."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

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


class Duration(_Strict):
    """How long a timed step lasts. The timer runs to ``max_s``; ``min_s`` is when it may end."""

    min_s: float = Field(gt=0, description="Shortest time the step should take, in seconds.")
    max_s: float = Field(gt=0, description="Longest time; the step timer runs to this.")

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
    steps: list[Step | SideBlock] = Field(min_length=1)


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
