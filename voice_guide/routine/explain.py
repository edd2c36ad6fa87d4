"""Turn pydantic validation errors into plain sentences at the right line of the YAML file."""

from __future__ import annotations

import datetime
import difflib
import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from voice_guide.routine.model import Routine, step_kind
from voice_guide.routine.problems import Problem, YamlPath, format_path
from voice_guide.routine.yaml_source import YamlSource

# What one item of a list field is, for "give at least one ...".
_ITEM_WORDS = {
    "instructions": "sentence",
    "introduction": "sentence",
    "safety": "sentence",
    "closing": "sentence",
    "cautions": "sentence",
    "steps": "step",
    "sides": "side (left or right)",
}

# Union tags that pydantic puts into error locations; they are not part of the YAML path.
_TAGS = frozenset({"Step", "SideBlock"})


def describe(value: Any) -> str:
    """A short phrase for what the file actually holds at a place."""
    if value is None:
        return "nothing (the value is empty)"
    if isinstance(value, bool):
        word = "true" if value else "false"
        return f"{word} (YAML reads yes/no/on/off as true/false; quote text like 'yes')"
    if isinstance(value, int | float):
        return f"the number {value:g}" if isinstance(value, float) else f"the number {value}"
    if isinstance(value, str):
        short = value if len(value) <= 40 else value[:37] + "..."
        return f"the text '{short}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping of keys"
    if isinstance(value, datetime.date | datetime.datetime):
        return f"the date {value.isoformat()} (quote it to make it text)"
    return f"a {type(value).__name__}"


def _strip(annotation: Any) -> Any:
    """Remove ``Annotated`` and ``| None`` wrappers."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _models_in(arg)]


def _pick(annotation: Any, value: Any) -> type[BaseModel] | None:
    annotation = _strip(annotation)
    if get_origin(annotation) is list:
        return None
    models = _models_in(annotation)
    if len(models) > 1:
        wanted = step_kind(value)
        return next((m for m in models if m.__name__ == wanted), models[0])
    return models[0] if models else None


def model_at(path: YamlPath, data: Any) -> type[BaseModel] | None:
    """The schema model that describes the mapping at ``path`` in ``data``, if any."""
    annotation: Any = Routine
    value = data
    for part in path:
        if isinstance(part, str):
            model = _pick(annotation, value)
            if model is None or part not in model.model_fields:
                return None
            annotation = model.model_fields[part].annotation
            value = value.get(part) if isinstance(value, dict) else None
        else:
            stripped = _strip(annotation)
            if get_origin(stripped) is not list:
                return None
            annotation = get_args(stripped)[0]
            value = value[part] if isinstance(value, list) and 0 <= part < len(value) else None
    return _pick(annotation, value)


def _keys(model: type[BaseModel] | None) -> list[str]:
    return list(model.model_fields) if model is not None else []


def _required(model: type[BaseModel] | None) -> list[str]:
    if model is None:
        return []
    return [name for name, info in model.model_fields.items() if info.is_required()]


def _quote_hint(value: Any) -> str:
    if isinstance(value, dict) and len(value) == 1:
        return "; if this sentence contains ': ', put the whole sentence in quotes"
    return ""


def _message(error: ErrorDetails, path: YamlPath, data: Any) -> tuple[YamlPath, str]:
    """(path to show, plain message) for one pydantic error."""
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    value = error.get("input")
    name = path[-1] if path else ""
    got = describe(value)

    if kind == "missing":
        parent = path[:-1]
        return parent, f"missing required key '{name}'"
    if kind == "extra_forbidden":
        parent = path[:-1]
        allowed = _keys(model_at(parent, data))
        text = f"unknown key '{name}'"
        if allowed:
            close = difflib.get_close_matches(str(name), allowed, n=1)
            text += f" (allowed: {', '.join(allowed)})"
            if close:
                text += f"; did you mean '{close[0]}'?"
        return parent, text
    if kind == "invalid_key":
        return path[:-1], f"the key {name} is not a name; keys are words such as id or title"
    if kind == "string_type":
        return path, f"expected text, got {got}{_quote_hint(value)}"
    if kind == "string_too_short":
        return path, "is empty; write some text here"
    if kind == "string_too_long":
        return path, f"is too long (at most {ctx.get('max_length')} characters)"
    if kind == "string_pattern_mismatch":
        return path, (
            f"'{value}' is not a valid id; use lowercase letters, digits and dashes, "
            "starting with a letter or digit (for example 'warm-oil')"
        )
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return path, f"expected a whole number, got {got}"
    if kind in ("float_type", "float_parsing"):
        unit = " of seconds" if str(name).endswith("_s") or name == "seconds_each" else ""
        return path, f"expected a number{unit}, got {got}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        words = {
            "greater_than": "more than",
            "greater_than_equal": "at least",
            "less_than": "less than",
            "less_than_equal": "at most",
        }[kind]
        limit = next(iter(ctx.values()), "")
        return path, f"must be {words} {limit}, got {value}"
    if kind == "list_type":
        return path, f"expected a list (one '- ' item per line), got {got}"
    if kind == "too_long":
        fix = "split the routine" if name == "steps" else "keep only what is needed"
        return path, f"has too many items (at most {ctx.get('max_length')}); {fix}"
    if kind == "finite_number":
        return path, f"must be an ordinary finite number, got {got}"
    if kind == "too_short":
        item = _ITEM_WORDS.get(str(name), "item")
        return path, f"is empty; give at least one {item}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        model = model_at(path, data)
        need = _required(model)
        what = f"a mapping with keys such as {', '.join(need)}" if need else "a mapping of keys"
        return path, f"expected {what}, got {got}"
    if kind == "enum":
        return path, f"'{value}' is not allowed here; use one of {ctx.get('expected')}"
    if kind == "literal_error":
        return path, f"must be {ctx.get('expected')}, got {got}"
    if kind in ("value_error", "assertion_error"):
        return path, str(ctx.get("error", error["msg"]))
    if kind == "bool_type":
        return path, f"expected true or false, got {got}"
    message = error["msg"]
    return path, f"{message[:1].lower()}{message[1:]} (got {got})"


def not_a_routine(data: Any) -> Problem | None:
    """A single problem when the top level is not a routine at all, else None."""
    keys = ", ".join(_required(Routine))
    if not isinstance(data, dict):
        return Problem(
            1,
            "",
            f"is not a routine file: the top level must be a mapping with keys such as {keys}, "
            f"but it is {describe(data)}",
        )
    if data and not set(map(str, data)) & set(Routine.model_fields):
        found = ", ".join(sorted(map(str, data))[:6])
        return Problem(
            1,
            "",
            f"does not look like a routine: none of its top-level keys ({found}) is a routine "
            f"key such as {keys}",
        )
    return None


def _yaml_path(loc: tuple[str | int, ...], data: Any) -> YamlPath:
    """Pydantic's location as a YAML path: drop union tags; a mapping key is always text."""
    out: list[str | int] = []
    for part in loc:
        if part in _TAGS:
            continue
        if isinstance(data, dict):
            out.append(str(part))
            data = data.get(part)
        else:
            out.append(part)
            ok = isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
            data = data[part] if ok else None
    return tuple(out)


def explain(err: ValidationError, source: YamlSource) -> list[Problem]:
    """One plain :class:`Problem` per pydantic error, placed at the YAML line it is about."""
    problems = []
    for error in err.errors():
        loc = _yaml_path(error["loc"], source.data)
        shown, message = _message(error, loc, source.data)
        line_path = loc if error["type"] != "missing" else shown
        problems.append(Problem(source.line_of(line_path), format_path(shown), message))
    return problems

