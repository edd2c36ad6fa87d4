"""Finding a Vosk model directory; loading it once per path, after ``model_check``."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from voice_guide.asr.model_check import check_model_files, damaged, verify_in_child
from voice_guide.errors import MissingDependency
from voice_guide.paths import models_dir

PREFERRED = "vosk-model-small-en-us-0.15"
_lock = threading.Lock()
_models: dict[Path, Any] = {}


def looks_like_vosk_model(path: Path) -> bool:
    return (path / "am" / "final.mdl").is_file() and (path / "conf").is_dir()


def find_vosk_model(explicit: Path | None = None) -> Path | None:
    """``--model DIR``, else ``VOICE_GUIDE_MODEL``, else a model under ``models_dir()``."""
    if explicit is not None:
        return explicit
    env = os.environ.get("VOICE_GUIDE_MODEL")
    if env:
        return Path(env)
    root = models_dir()
    if not root.is_dir():
        return None
    if looks_like_vosk_model(root / PREFERRED):
        return root / PREFERRED
    # Hidden directories are unfinished pulls ('.<name>.tmp-*'), never a model to use.
    found = sorted(p for p in root.iterdir()
                   if not p.name.startswith(".") and p.is_dir() and looks_like_vosk_model(p))
    return found[0] if found else None


def check_vosk_model(path: Path) -> None:
    """UserError (one sentence) unless ``path`` is a Vosk model that loads."""
    load_vosk_model(path)


def vosk_module() -> Any:
    try:
        import vosk
    except ImportError as err:  # pragma: no cover - vosk is a declared dependency
        raise MissingDependency("Vosk", "install it with 'pip install vosk'") from err
    vosk.SetLogLevel(-3)
    return vosk


def load_vosk_model(path: Path) -> Any:
    """The ``vosk.Model`` for ``path``, loaded once and shared (models are read-only)."""
    key = path.resolve()
    with _lock:
        if key in _models:
            return _models[key]
        if not check_model_files(path):
            verify_in_child(path)  # a damaged model crashes a child, not this process
        vosk = vosk_module()
        try:
            model = vosk.Model(str(key))
        except Exception as err:
            raise damaged(path, f"Vosk could not load it: {err}") from err
        _models[key] = model
        return model
