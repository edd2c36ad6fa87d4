"""Load a routine file: YAML with line numbers, schema validation, per-side expansion.

Every problem becomes one ``FILE:LINE: FIELD.PATH: message`` line inside a
:class:`RoutineError`, so the user sees where to look and what to change.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from voice_guide.routine.expand import duplicate_ids, flatten, placed_steps
from voice_guide.routine.explain import explain, not_a_routine
from voice_guide.routine.model import MAX_ROUTINE_SECONDS, FlatRoutine, Routine, Step
from voice_guide.routine.problems import Problem, RoutineError, format_path
from voice_guide.routine.yaml_source import YamlSource, parse_yaml, read_text

__all__ = ["RoutineError", "flatten", "load_flat", "load_routine", "routine_from_text"]


def routine_from_text(text: str, shown: str) -> Routine:
    """Validate YAML ``text``; ``shown`` is the file name used in problem lines."""
    source = parse_yaml(text, shown)
    wrong = not_a_routine(source.data)
    if wrong is not None:
        raise RoutineError.from_problems(shown, [wrong])
    problems = list(source.problems)
    try:
        routine = Routine.model_validate(source.data)
    except ValidationError as err:
        raise RoutineError.from_problems(shown, [*problems, *explain(err, source)]) from None
    problems += _duplicate_problems(routine, source)
    problems += _length_problems(routine, source)
    if problems:
        raise RoutineError.from_problems(shown, problems)
    return routine


def _duplicate_problems(routine: Routine, source: YamlSource) -> list[Problem]:
    out = []
    for dup in duplicate_ids(routine):
        id_path = (*dup.path, "id")
        first_line = source.line_of((*dup.first, "id"))
        if dup.per_side:
            message = (
                f"the running step id '{dup.run_id}' is also made by the step on line "
                f"{first_line} (per-side steps run as <id>-<side>); give each step its own id"
            )
        else:
            message = (
                f"duplicate step id '{dup.run_id}' (first used on line {first_line}); "
                "give each step its own id"
            )
        out.append(Problem(source.line_of(id_path), format_path(id_path), message))
    return out


def _length_problems(routine: Routine, source: YamlSource) -> list[Problem]:
    """The whole routine, sides expanded, must fit :data:`MAX_ROUTINE_SECONDS`."""
    seconds = sum(flatten_seconds(p.step) for p in placed_steps(routine))
    if seconds <= MAX_ROUTINE_SECONDS:
        return []
    return [Problem(
        source.line_of(("steps",)), "steps",
        f"the routine lasts {seconds / 3600:.1f} hours at normal pace, more than the "
        f"{MAX_ROUTINE_SECONDS // 3600} hours allowed; shorten steps or split the routine",
    )]


def flatten_seconds(step: Step) -> float:
    """Nominal seconds of one step (0 for a step that waits for "next")."""
    if step.duration is not None:
        return step.duration.max_s
    if step.repetitions is not None:
        return step.repetitions.max * step.repetitions.seconds_each
    return 0.0


def load_routine(path: str | Path) -> Routine:
    """Read and validate one routine file. Raises RoutineError listing every problem found."""
    shown = str(path)
    return routine_from_text(read_text(Path(path), shown), shown)


def load_flat(path: str | Path) -> FlatRoutine:
    """Load a routine file and expand it into running order."""
    return flatten(load_routine(path))
