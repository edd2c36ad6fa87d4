"""Words for the user about each settings key: its allowed values and its default."""

from __future__ import annotations

import typing
from typing import Any

from annotated_types import Ge, Le, MaxLen, MinLen

from voice_guide.config.model import UserSettings


def _bounds(key: str) -> tuple[Any, Any]:
    low = high = None
    for item in UserSettings.model_fields[key].metadata:
        if isinstance(item, Ge):
            low = item.ge
        elif isinstance(item, Le):
            high = item.le
    return low, high


def _base_type(key: str) -> Any:
    annotation = UserSettings.model_fields[key].annotation
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) is typing.Union and len(args) == 1:
        return args[0]
    return annotation


_TEXT = {
    "model": "the path of a Vosk model folder",
    "input_device": "a part of a device name, or a device number from 'voice-guide devices'",
    "output_device": "a part of a device name, or a device number from 'voice-guide devices'",
    "voice": "an espeak-ng voice name such as en-us (letters, digits, - + _ .)",
    "phrase_file": "the path of a YAML phrase file",
}


def optional(key: str) -> bool:
    """True when the key may be left unset (the program then chooses)."""
    return type(None) in typing.get_args(UserSettings.model_fields[key].annotation)


def choices(key: str) -> tuple[str, ...] | None:
    base = _base_type(key)
    if typing.get_origin(base) is typing.Literal:
        return tuple(str(v) for v in typing.get_args(base))
    return None


def kind(key: str) -> str:
    """bool, int, float, choice or text."""
    base = _base_type(key)
    if choices(key) is not None:
        return "choice"
    if base is bool:
        return "bool"
    if base is int:
        return "int"
    if base is float:
        return "float"
    return "text"


def allowed(key: str) -> str:
    """The allowed values of ``key`` in a few words, e.g. 'a whole number from 60 to 400'."""
    found = choices(key)
    if found is not None:
        return "one of " + ", ".join(found)
    k = kind(key)
    if k == "bool":
        return "true or false"
    if k in ("int", "float"):
        low, high = _bounds(key)
        what = "a whole number" if k == "int" else "a number"
        return f"{what} from {low:g} to {high:g}"
    limit = next((m.max_length for m in UserSettings.model_fields[key].metadata
                  if isinstance(m, MaxLen)), None)
    shortest = next((m.min_length for m in UserSettings.model_fields[key].metadata
                     if isinstance(m, MinLen)), 1)
    text = _TEXT.get(key) or (f"text of {shortest} to {limit} characters" if limit else "text")
    return text


def default_text(key: str) -> str:
    value = UserSettings.model_fields[key].default
    return "unset" if value is None else toml_text(value)


def toml_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        import json

        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "unset"
    return str(value)


def help_text(key: str) -> str:
    return UserSettings.model_fields[key].description or ""
