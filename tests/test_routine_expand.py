"""Per-side expansion: order, ids, sides, plain titles; FlatRoutine refuses duplicate ids."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from voice_guide.routine.expand import duplicate_ids, flatten, run_step
from voice_guide.routine.model import FlatRoutine, Routine, Side


def _step(step_id: str, **extra: object) -> dict[str, object]:
    return {
        "id": step_id,
        "title": step_id.title(),
        "instructions": [f"Do the {step_id} part now."],
        "pressure": "medium",
        "area": "back",
        "technique": "strokes",
        **extra,
    }


def _routine(*steps: object) -> Routine:
    return Routine.model_validate(
        {
            "id": "r",
            "title": "R",
            "description": "A test routine.",
            "introduction": ["Hello there, this is a test."],
            "steps": list(steps),
        }
    )


def test_block_runs_all_steps_for_left_then_all_for_right() -> None:
    routine = _routine(
        _step("first", duration={"min_s": 5, "max_s": 10}),
        {"per_side": {"steps": [_step("a"), _step("b", cautions=["Be gentle here please."])]}},
        _step("last"),
    )
    flat = flatten(routine)
    assert [s.id for s in flat.steps] == ["first", "a-left", "b-left", "a-right", "b-right", "last"]
    assert [s.source_id for s in flat.steps] == ["first", "a", "b", "a", "b", "last"]
    assert [s.side for s in flat.steps] == [
        None,
        Side.LEFT,
        Side.LEFT,
        Side.RIGHT,
        Side.RIGHT,
        None,
    ]
    assert flat.steps[1].title == "A"  # the narration adds the side, not the title
    assert flat.steps[4].cautions == ["Be gentle here please."]
    assert flat.steps[0].duration is not None and flat.steps[0].duration.max_s == 10
    assert flat.closing == ["That is the whole routine. Well done."]


def test_run_step_copies_every_field() -> None:
    routine = _routine(
        _step("x", repetitions={"min": 2, "max": 3, "seconds_each": 12}, tip="Go slow.")
    )
    source = routine.steps[0]
    step = run_step(source, Side.RIGHT)  # type: ignore[arg-type]
    assert step.model_dump(exclude={"id", "source_id", "side"}) == source.model_dump(exclude={"id"})
    assert (step.id, step.source_id, step.side) == ("x-right", "x", Side.RIGHT)
    assert step.nominal_seconds == 36


def test_duplicate_ids_found_once_per_source_step() -> None:
    routine = _routine(
        {"per_side": {"steps": [_step("a")]}},
        {"per_side": {"steps": [_step("a")]}},
        _step("a-right"),
    )
    dups = duplicate_ids(routine)
    assert [(d.run_id, d.path, d.first) for d in dups] == [
        ("a-left", ("steps", 1, "per_side", "steps", 0), ("steps", 0, "per_side", "steps", 0)),
        ("a-right", ("steps", 2), ("steps", 0, "per_side", "steps", 0)),
    ]
    with pytest.raises(ValidationError, match="step id 'a-left' is used more than once"):
        flatten(routine)


def test_flat_routine_rejects_duplicate_ids_directly() -> None:
    flat = flatten(_routine(_step("a"), _step("b")))
    data = flat.model_dump()
    data["steps"][1]["id"] = "a"
    with pytest.raises(ValidationError, match="used more than once"):
        FlatRoutine.model_validate(data)
