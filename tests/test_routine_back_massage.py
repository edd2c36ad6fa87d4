"""The default routine: valid, 17 steps in running order, and faithful to the seed text."""

from __future__ import annotations

import re

import pytest

from voice_guide.paths import PROJECT_ROOT
from voice_guide.routine.catalog import DEFAULT_ROUTINE, resolve
from voice_guide.routine.loader import load_flat, load_routine
from voice_guide.routine.model import FlatRoutine, Pressure, RunStep, Side, SideBlock

PATH = PROJECT_ROOT / "routines" / "back-massage.yaml"
SIDE_BLOCK = [
    "upper-back-sweeps",
    "thumb-presses",
    "fingertip-runs",
    "forearm-glides",
    "low-back-circles",
    "upper-buttocks",
]


@pytest.fixture(scope="module")
def flat() -> FlatRoutine:
    return load_flat(PATH)


def by_id(flat: FlatRoutine, step_id: str) -> RunStep:
    return next(s for s in flat.steps if s.id == step_id)


def text_of(step: RunStep) -> str:
    return " ".join([*step.instructions, *step.cautions, step.tip or ""]).lower()


def test_it_is_the_default_and_resolves_by_id() -> None:
    assert DEFAULT_ROUTINE == "back-massage"
    assert resolve(DEFAULT_ROUTINE) == PATH


def test_running_order_has_17_steps_left_block_before_right(flat: FlatRoutine) -> None:
    expected = [
        "warm-oil",
        "light-massage",
        *(f"{s}-left" for s in SIDE_BLOCK),
        *(f"{s}-right" for s in SIDE_BLOCK),
        "neck",
        "closing-sweeps",
        "scalp-massage",
    ]
    assert [s.id for s in flat.steps] == expected
    assert [s.side for s in flat.steps[2:8]] == [Side.LEFT] * 6
    assert [s.side for s in flat.steps[8:14]] == [Side.RIGHT] * 6
    routine = load_routine(PATH)
    blocks = [item for item in routine.steps if isinstance(item, SideBlock)]
    assert len(blocks) == 1  # written once, not copied
    assert blocks[0].per_side.sides == [Side.LEFT, Side.RIGHT]


def test_every_step_is_timed_or_counted(flat: FlatRoutine) -> None:
    for step in flat.steps:
        assert step.nominal_seconds is not None, step.id
        if step.repetitions is not None:
            assert 10 <= step.repetitions.seconds_each <= 20, step.id
    total_minutes = sum(s.nominal_seconds or 0 for s in flat.steps) / 60
    assert 25 <= total_minutes <= 45


def test_seed_durations_and_counts(flat: FlatRoutine) -> None:
    def duration(step_id: str) -> tuple[float, float]:
        d = by_id(flat, step_id).duration
        assert d is not None, step_id
        return (d.min_s, d.max_s)

    def reps(step_id: str) -> tuple[int, int]:
        r = by_id(flat, step_id).repetitions
        assert r is not None, step_id
        return (r.min, r.max)

    assert duration("light-massage") == (300, 360)  # 5-6 minutes
    for side in ("left", "right"):
        assert reps(f"upper-back-sweeps-{side}") == (3, 4)
        assert reps(f"fingertip-runs-{side}") == (3, 4)
        assert reps(f"forearm-glides-{side}") == (3, 4)
        assert by_id(flat, f"forearm-glides-{side}").pressure is Pressure.LIGHT
        assert duration(f"low-back-circles-{side}") == (120, 180)  # 2-3 minutes
        assert by_id(flat, f"upper-buttocks-{side}").pressure is Pressure.LIGHT
    assert duration("scalp-massage") == (60, 120)  # 1-2 minutes
    assert duration("closing-sweeps") == (120, 180)  # a few more minutes of low back


def test_seed_cautions_and_tips(flat: FlatRoutine) -> None:
    for step_id in ("upper-back-sweeps-left", "fingertip-runs-left", "closing-sweeps"):
        assert "never press directly on the spine" in text_of(by_id(flat, step_id))
    assert any("never press directly on the spine" in s.lower() for s in flat.safety)
    low_back = text_of(by_id(flat, "low-back-circles-left"))
    assert "circular motions only" in low_back
    assert "above the sacrum" in low_back
    assert "massage stones" in (by_id(flat, "low-back-circles-left").tip or "").lower()
    buttocks = text_of(by_id(flat, "upper-buttocks-right"))
    assert "1 to 2 inches below the waist" in buttocks
    assert "circular motions" in buttocks
    neck = text_of(by_id(flat, "neck"))
    assert "base of the skull" in neck
    assert "slightly more pressure" in neck
    assert "stand to one side" in neck
    closing = text_of(by_id(flat, "closing-sweeps"))
    assert "entire back" in closing and "low back" in closing
    assert "around the neck to the base of the skull" in closing
    assert "extra attention" in closing  # the seed's "a few minutes more of low back massage"
    assert "scalp" in text_of(by_id(flat, "scalp-massage"))


def test_no_step_sentence_promises_a_length_the_measure_line_does_not(flat: FlatRoutine) -> None:
    # the guide says each step's own length ("Keep this going for two to three minutes");
    # "a few more minutes" inside a two-to-three minute step would promise more than it has
    for step in flat.steps:
        for sentence in [*step.instructions, *step.cautions, *([step.tip] if step.tip else [])]:
            assert not re.search(r"\b(minutes?|seconds?|hours?)\b", sentence, re.I), sentence


def test_spoken_sentences_are_short(flat: FlatRoutine) -> None:
    spoken = [*flat.introduction, *flat.safety, *flat.closing]
    for step in flat.steps:
        spoken += [*step.instructions, *step.cautions, *([step.tip] if step.tip else [])]
    for sentence in spoken:
        words = len(re.findall(r"[\w'-]+", sentence))
        assert 6 <= words <= 15, sentence
