"""The routine schema (pydantic v2). Unknown keys are errors everywhere."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)

from voice_guide.text_safety import has_control

#: Limits on what a routine may ask for: the guide speaks every sentence and counts
#: every repetition, so a value beyond these is a mistake (or an attack), never a routine.
MAX_TEXT_CHARS = 500
MAX_STEP_SECONDS = 4 * 3600
MAX_REPETITIONS = 300
MIN_SECONDS_EACH = 0.5
MAX_SECONDS_EACH = 600.0
MAX_ROUTINE_SECONDS = 8 * 3600
MAX_STEPS = 100
MAX_SENTENCES = 30


def _speakable(text: str) -> str:
    if has_control(text):
        raise ValueError(
            "contains a control character or terminal escape sequence; "
            "a routine holds only text that can be spoken"
        )
    return text


NonEmptyText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT_CHARS),
    AfterValidator(_speakable),
]
Sentences = Annotated[list[NonEmptyText], Field(max_length=MAX_SENTENCES)]
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


class SidesOf(StrEnum):
    """Whose left and right a ``per_side`` step means."""

    PARTNER = "partner"
    SELF = "self"


def _no_booleans(value: Any) -> Any:
    """YAML reads ``yes``/``no``/``on``/``off`` as booleans; never let them pass as 1 or 0."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {str(value).lower()}")
    return value


class Duration(_Strict):
    """How long a timed step lasts. The timer runs to ``max_s``; ``min_s`` is when it may end."""

    min_s: float = Field(
        gt=0, le=MAX_STEP_SECONDS, allow_inf_nan=False,
        description="Shortest time the step should take, in seconds.",
    )
    max_s: float = Field(
        gt=0, le=MAX_STEP_SECONDS, allow_inf_nan=False,
        description=f"Longest time; the step timer runs to this (at most {MAX_STEP_SECONDS} s).",
    )

    _numbers = field_validator("min_s", "max_s", mode="before")(_no_booleans)

    @model_validator(mode="after")
    def _ordered(self) -> Duration:
        if self.max_s < self.min_s:
            raise ValueError(f"max_s ({self.max_s:g}) is less than min_s ({self.min_s:g})")
        return self


class Repetitions(_Strict):
    """How many times a counted step repeats, and how long one repetition takes."""

    min: int = Field(gt=0, le=MAX_REPETITIONS, description="Fewest repetitions.")
    max: int = Field(
        gt=0, le=MAX_REPETITIONS,
        description="Most repetitions; the guide counts to this. max x seconds_each is at "
        f"most {MAX_STEP_SECONDS} s.",
    )
    seconds_each: float = Field(
        ge=MIN_SECONDS_EACH, le=MAX_SECONDS_EACH, allow_inf_nan=False,
        description="Seconds one repetition takes at normal pace.",
    )

    _numbers = field_validator("min", "max", "seconds_each", mode="before")(_no_booleans)

    @model_validator(mode="after")
    def _ordered(self) -> Repetitions:
        if self.max < self.min:
            raise ValueError(f"max ({self.max}) is less than min ({self.min})")
        if self.max * self.seconds_each > MAX_STEP_SECONDS:
            raise ValueError(
                f"{self.max} repetitions of {self.seconds_each:g} s last longer than the "
                f"{MAX_STEP_SECONDS} s a step may take"
            )
        return self


class Step(_Strict):
    """One step as written in a routine file."""

    id: Identifier
    title: NonEmptyText
    instructions: list[NonEmptyText] = Field(
        min_length=1, max_length=MAX_SENTENCES,
        description="What the guide says, one short spoken sentence per item.",
    )
    duration: Duration | None = None
    repetitions: Repetitions | None = None
    pressure: Pressure
    area: NonEmptyText
    technique: NonEmptyText
    cautions: Sentences = Field(default_factory=list)
    tip: NonEmptyText | None = None

    @model_validator(mode="after")
    def _one_measure(self) -> Step:
        if self.duration is not None and self.repetitions is not None:
            raise ValueError("give either duration or repetitions, not both")
        return self


class PerSide(_Strict):
    """A block of steps run once per side, in the order of ``sides``."""

    sides: list[Side] = Field(default_factory=lambda: [Side.LEFT, Side.RIGHT], min_length=1)
    steps: list[Step] = Field(min_length=1, max_length=MAX_STEPS)

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
    introduction: list[NonEmptyText] = Field(min_length=1, max_length=MAX_SENTENCES)
    safety: Sentences = Field(default_factory=list)
    closing: list[NonEmptyText] = Field(
        default_factory=lambda: ["That is the whole routine. Well done."],
        max_length=MAX_SENTENCES,
    )
    sides_of: SidesOf = Field(
        SidesOf.PARTNER,
        description="Whose left and right side a ``per_side`` step names: ``partner`` (the "
        "default; \"your partner's left side\", for a routine done on someone else) or "
        "``self`` (\"your left side\", for a routine done on oneself, such as a stretch).",
    )
    steps: list[StepItem] = Field(
        min_length=1,
        max_length=MAX_STEPS,
        description="Steps in order; a ``per_side`` item runs its steps once for each side. "
        f"The whole routine, sides expanded, may last at most {MAX_ROUTINE_SECONDS} s "
        f"({MAX_ROUTINE_SECONDS // 3600} hours) at normal pace.",
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
    sides_of: SidesOf = SidesOf.PARTNER

    @model_validator(mode="after")
    def _unique_ids(self) -> FlatRoutine:
        seen: set[str] = set()
        for step in self.steps:
            if step.id in seen:
                raise ValueError(f"step id {step.id!r} is used more than once")
            seen.add(step.id)
        return self
