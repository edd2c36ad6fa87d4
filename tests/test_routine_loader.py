"""The loader turns every kind of bad routine file into exact FILE:LINE: PATH: message lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from voice_guide.errors import UserError
from voice_guide.routine.loader import RoutineError, load_flat, load_routine
from voice_guide.routine.model import Side, SideBlock

DATA = Path(__file__).parent / "data" / "routines"

GOOD = """\
id: tiny
title: Tiny
description: A tiny routine for tests.
introduction:
  - Hello there, this is a tiny routine.
steps:
  - id: one
    title: One
    instructions:
      - Say one thing here please.
    duration: {min_s: 10, max_s: 20}
    pressure: light
    area: back
    technique: strokes
"""


def problems(path: Path) -> list[str]:
    with pytest.raises(RoutineError) as caught:
        load_routine(path)
    err = caught.value
    assert isinstance(err, UserError)
    assert err.exit_code == 1
    assert str(err) == "\n".join(err.lines)
    return err.lines


def write(tmp_path: Path, text: str, name: str = "r.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file_loads(tmp_path: Path) -> None:
    routine = load_routine(write(tmp_path, GOOD))
    assert routine.id == "tiny"
    assert routine.steps[0].id == "one"  # type: ignore[union-attr]


def test_syntax_error_names_the_line_and_the_opening_bracket() -> None:
    path = DATA / "syntax-error.yaml"
    assert problems(path) == [
        f"{path}:10: YAML syntax error, column 13: expected ',' or ']', but got ':' "
        "(in the [ ] list that starts on line 9)"
    ]


def test_unknown_key_lists_allowed_keys_and_suggests_one() -> None:
    path = DATA / "unknown-key.yaml"
    assert problems(path) == [
        f"{path}:11: steps[0]: unknown key 'duraton' (allowed: id, title, instructions, "
        "duration, repetitions, pressure, area, technique, cautions, tip); "
        "did you mean 'duration'?"
    ]


def test_unknown_top_level_key(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + "author: me\n")
    assert problems(path) == [
        f"{path}:15: unknown key 'author' (allowed: schema_version, id, title, description, "
        "introduction, safety, closing, sides_of, steps)"
    ]


def test_wrong_types_say_what_was_expected() -> None:
    path = DATA / "wrong-types.yaml"
    assert problems(path) == [
        f"{path}:4: introduction: expected a list (one '- ' item per line), "
        "got the text 'Hello there, this is a test routine.'",
        f"{path}:10: steps[0].instructions[1]: expected text, got a mapping of keys; "
        "if this sentence contains ': ', put the whole sentence in quotes",
        f"{path}:11: steps[0].duration.min_s: expected a number of seconds, got the text 'ten'",
        f"{path}:12: steps[0].pressure: 'hard' is not allowed here; "
        "use one of 'light', 'medium' or 'deep'",
        f"{path}:19: steps[1].repetitions.min: expected a whole number, got the number 2.5",
    ]


def test_negative_and_inverted_ranges_inside_and_outside_per_side() -> None:
    path = DATA / "bad-ranges.yaml"
    assert problems(path) == [
        f"{path}:11: steps[0].duration: max_s (120) is less than min_s (180)",
        f"{path}:23: steps[1].per_side.steps[0].repetitions.min: must be more than 0, got -1",
        f"{path}:33: steps[1].per_side.steps[1].repetitions: max (3) is less than min (4)",
    ]


def test_duplicate_ids_are_reported_against_source_lines() -> None:
    path = DATA / "duplicate-ids.yaml"
    assert problems(path) == [
        f"{path}:14: steps[1].id: duplicate step id 'one' (first used on line 7); "
        "give each step its own id",
        f"{path}:30: steps[3].id: the running step id 'neck-left' is also made by the step "
        "on line 23 (per-side steps run as <id>-<side>); give each step its own id",
    ]


def test_same_id_twice_inside_one_per_side_block_is_reported_once(tmp_path: Path) -> None:
    step = """\
        - id: neck
          title: Neck
          instructions: [Work on the neck gently now.]
          pressure: light
          area: neck
          technique: kneading
"""
    text = GOOD.replace("steps:\n", "steps:\n  - per_side:\n      steps:\n" + step + step, 1)
    path = write(tmp_path, text)
    assert problems(path) == [
        f"{path}:15: steps[0].per_side.steps[1].id: the running step id 'neck-left' is also "
        "made by the step on line 9 (per-side steps run as <id>-<side>); "
        "give each step its own id"
    ]


def test_empty_instructions_in_three_spellings() -> None:
    path = DATA / "empty-instructions.yaml"
    assert problems(path) == [
        f"{path}:9: steps[0].instructions: is empty; give at least one sentence",
        f"{path}:15: steps[1].instructions: expected a list (one '- ' item per line), "
        "got nothing (the value is empty)",
        f"{path}:22: steps[2].instructions[0]: is empty; write some text here",
    ]


def test_missing_keys_point_at_the_parent() -> None:
    path = DATA / "missing-keys.yaml"
    assert problems(path) == [
        f"{path}:1: missing required key 'description'",
        f"{path}:6: steps[0]: missing required key 'pressure'",
    ]


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("plain-list.yaml", "a list"),
        ("plain-string.yaml", "the text 'Just rub the back for a while.'"),
    ],
)
def test_not_a_routine_at_all(name: str, what: str) -> None:
    path = DATA / name
    assert problems(path) == [
        f"{path}:1: is not a routine file: the top level must be a mapping with keys such as "
        f"id, title, description, introduction, steps, but it is {what}"
    ]


def test_file_of_another_format() -> None:
    path = DATA / "other-format.json"
    assert problems(path) == [
        f"{path}:1: does not look like a routine: none of its top-level keys "
        "(dependencies, name, version) is a routine key such as "
        "id, title, description, introduction, steps"
    ]


def test_empty_file_and_comment_only_file(tmp_path: Path) -> None:
    path = DATA / "empty.yaml"
    message = (
        "the file is empty; a routine needs at least id, title, description, introduction and steps"
    )
    assert problems(path) == [f"{path}:1: {message}"]
    comments = write(tmp_path, "# nothing here yet\n\n")
    assert problems(comments) == [f"{comments}:1: {message}"]


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    assert problems(path) == [f"{path}: no such file; check the path"]


def test_directory_instead_of_file(tmp_path: Path) -> None:
    assert problems(tmp_path) == [
        f"{tmp_path}: is a directory, not a routine file; give a .yaml file"
    ]


def test_not_utf8() -> None:
    path = DATA / "not-utf8.yaml"
    assert problems(path) == [
        f"{path}:2: is not UTF-8 text (byte 0xe9 at column 11); "
        "a routine must be a YAML text file saved as UTF-8"
    ]


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "picture.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert problems(path) == [
        f"{path}:1: is not UTF-8 text (byte 0x89 at column 1); "
        "a routine must be a YAML text file saved as UTF-8"
    ]


def test_control_character(tmp_path: Path) -> None:
    path = write(tmp_path, "id: x\ntitle: a\x07b\n")
    assert problems(path) == [
        f"{path}:2: contains the control character #x0007; is this really a YAML routine file?"
    ]


def test_tab_indentation(tmp_path: Path) -> None:
    path = write(tmp_path, "id: x\nsteps:\n\t- id: one\n")
    assert problems(path) == [
        f"{path}:3: a tab character is used for indentation; indent with spaces only"
    ]


def test_two_documents(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + "---\n" + GOOD)
    assert problems(path) == [
        f"{path}:15: has more than one YAML document (a '---' line); keep one routine per file"
    ]


def test_unquoted_colon_in_a_value(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("title: Tiny", "title: Tiny: the sequel"))
    assert problems(path) == [
        f"{path}:2: YAML syntax error, column 12: mapping values are not allowed here; "
        "if a sentence contains ': ', put the whole sentence in quotes"
    ]


def test_duplicate_yaml_key(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("title: Tiny\n", "title: Tiny\ntitle: Tiny again\n"))
    assert problems(path) == [
        f"{path}:3: title: duplicate key 'title' (also on line 2); keep only one"
    ]


def test_yes_is_not_a_number(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("min_s: 10", "min_s: yes"))
    assert problems(path) == [f"{path}:11: steps[0].duration.min_s: expected a number, got true"]


def test_bad_id(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("  - id: one", "  - id: Step One"))
    assert problems(path) == [
        f"{path}:7: steps[0].id: 'Step One' is not a valid id; use lowercase letters, digits "
        "and dashes, starting with a letter or digit (for example 'warm-oil')",
    ]


def test_both_duration_and_repetitions(tmp_path: Path) -> None:
    reps = "    repetitions: {min: 1, max: 2, seconds_each: 5}\n"
    path = write(tmp_path, GOOD.replace("    pressure: light", reps + "    pressure: light"))
    assert problems(path) == [
        f"{path}:7: steps[0]: give either duration or repetitions, not both",
    ]


def test_step_that_is_not_a_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + "  - just a sentence\n")
    assert problems(path) == [
        f"{path}:15: steps[1]: expected a mapping with keys such as id, title, instructions, "
        "pressure, area, technique, got the text 'just a sentence'"
    ]


def test_bad_side_and_repeated_side(tmp_path: Path) -> None:
    text = GOOD.replace("steps:\n", "steps:\n  - per_side: {sides: [left, up], steps: []}\n", 1)
    path = write(tmp_path, text)
    assert problems(path) == [
        f"{path}:7: steps[0].per_side.sides[1]: 'up' is not allowed here; "
        "use one of 'left' or 'right'",
        f"{path}:7: steps[0].per_side.steps: is empty; give at least one step",
    ]
    block = (
        "  - per_side: {sides: [left, left], steps: [{id: a, title: A, "
        "instructions: [Do the thing now.], pressure: light, area: b, technique: c}]}\n"
    )
    twice = write(tmp_path, GOOD.replace("steps:\n", "steps:\n" + block, 1), "twice.yaml")
    assert problems(twice) == [
        f"{twice}:7: steps[0].per_side.sides: each side may appear only once"
    ]


def test_load_flat_expands_and_keeps_order(tmp_path: Path) -> None:
    text = GOOD.replace(
        "steps:\n",
        "steps:\n  - per_side:\n      sides: [right, left]\n      steps:\n"
        "        - {id: a, title: A, instructions: [Do the first thing.], pressure: light,"
        " area: b, technique: c, repetitions: {min: 2, max: 3, seconds_each: 10}}\n"
        "        - {id: b, title: B, instructions: [Do the second thing.], pressure: deep,"
        " area: b, technique: c}\n",
        1,
    )
    routine = load_routine(write(tmp_path, text))
    assert isinstance(routine.steps[0], SideBlock)
    flat = load_flat(tmp_path / "r.yaml")
    assert [s.id for s in flat.steps] == ["a-right", "b-right", "a-left", "b-left", "one"]
    assert [s.side for s in flat.steps] == [Side.RIGHT, Side.RIGHT, Side.LEFT, Side.LEFT, None]
    assert [s.source_id for s in flat.steps] == ["a", "b", "a", "b", "one"]
    assert [s.nominal_seconds for s in flat.steps] == [30, None, 30, None, 20]


def test_number_as_a_key(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + "1: one\n")
    assert problems(path) == [
        f"{path}:15: the key 1 is not a name; keys are words such as id or title"
    ]


def test_misaligned_indentation(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("    title: One", "   title: One"))
    assert problems(path) == [
        f"{path}:8: YAML syntax error, column 4: this line is not indented in line with the "
        "lines above it (in the list that starts on line 7)"
    ]


def test_key_without_colon(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("title: Tiny\n", "title\n"))
    assert problems(path) == [
        f"{path}:3: YAML syntax error, column 1: a key is missing its ':' (or a line is "
        "indented too far) (in the key that starts on line 2)"
    ]


def test_sides_of_self_is_kept_in_running_order_and_partner_is_the_default(tmp_path: Path) -> None:
    from voice_guide.routine.loader import load_flat
    from voice_guide.routine.model import SidesOf

    assert load_flat(write(tmp_path, GOOD)).sides_of is SidesOf.PARTNER
    mine = GOOD.replace("steps:\n", "sides_of: self\nsteps:\n", 1)
    assert load_flat(write(tmp_path, mine, "s.yaml")).sides_of is SidesOf.SELF


def test_bad_sides_of_names_the_line_and_the_choices(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("steps:\n", "sides_of: me\nsteps:\n", 1))
    assert problems(path) == [
        f"{path}:6: sides_of: 'me' is not allowed here; use one of 'partner' or 'self'"
    ]
