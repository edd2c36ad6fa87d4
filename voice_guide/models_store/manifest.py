"""The list of known speech models (``models/manifest.json``), validated with pydantic."""

from __future__ import annotations

import json
import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from voice_guide.errors import UserError
from voice_guide.paths import PROJECT_ROOT, manifest_file
from voice_guide.safe_files import read_text_file

MANIFEST_ENV = "VOICE_GUIDE_MODEL_MANIFEST"
#: Largest manifest read, in bytes.
MAX_MANIFEST_BYTES = 1_000_000
_SAFE_NAME = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


class ModelEntry(BaseModel):
    """One downloadable model archive."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=_SAFE_NAME, max_length=120)
    language: str = Field(min_length=1)
    url: str = Field(pattern=r"^https?://")
    size: int | None = Field(default=None, gt=0, description="archive size in bytes")
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    description: str = Field(min_length=1)
    note: str | None = None

    @field_validator("sha256", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value


class Manifest(BaseModel):
    """Every known model, in the order the manifest lists them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    models: list[ModelEntry]

    @field_validator("models")
    @classmethod
    def _unique(cls, models: list[ModelEntry]) -> list[ModelEntry]:
        seen: set[str] = set()
        for entry in models:
            if entry.name in seen:
                raise ValueError(f"model {entry.name!r} is listed twice")
            seen.add(entry.name)
        return models

    def names(self) -> list[str]:
        return [entry.name for entry in self.models]

    def get(self, name: str) -> ModelEntry | None:
        return next((entry for entry in self.models if entry.name == name), None)


def manifest_path() -> Path:
    """``VOICE_GUIDE_MODEL_MANIFEST`` if set, else the project's ``models/manifest.json``."""
    env = os.environ.get(MANIFEST_ENV)
    return Path(env) if env else manifest_file()


def display_path(path: Path) -> str:
    """The path relative to the project when it lies inside it, so messages stay short."""
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def load_manifest(path: Path | None = None) -> Manifest:
    """Read and validate the manifest; any problem is one ``UserError`` sentence naming the file."""
    path = manifest_path() if path is None else path
    shown = display_path(path)
    if not path.exists():
        raise UserError(f"{shown}: the model manifest is missing; restore it from git.")
    text = read_text_file(path, "the model manifest", MAX_MANIFEST_BYTES)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise UserError(
            f"{shown}: line {err.lineno} column {err.colno}: not valid JSON ({err.msg})."
        ) from None
    except RecursionError:
        raise UserError(f"{shown}: is nested too deeply to be a model manifest.") from None
    try:
        return Manifest.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = _where(data, first["loc"])
        raise UserError(f"{shown}: {where}{first['msg']}; fix that entry.") from None


def _where(data: object, loc: tuple[int | str, ...]) -> str:
    """``models[1] (vosk-model-x).sha256: `` for a validation error location."""
    if not loc:
        return ""
    parts: list[str] = []
    node: object = data
    for key in loc:
        if isinstance(key, int):
            label = f"[{key}]"
            if isinstance(node, list) and 0 <= key < len(node):
                node = node[key]
                if isinstance(node, dict) and isinstance(node.get("name"), str):
                    label += f" ({node['name']})"
            parts.append(label)
        else:
            parts.append(("." if parts else "") + key)
            node = node.get(key) if isinstance(node, dict) else None
    return "".join(parts) + ": "
