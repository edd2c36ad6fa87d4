"""Finding and checking a Vosk model directory; loading it once per path."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from voice_guide.errors import MissingDependency, UserError
from voice_guide.paths import models_dir

PREFERRED = "vosk-model-small-en-us-0.15"
_FST_MAGIC = (2125659606).to_bytes(4, "little")
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
    _check_files(path)
    load_vosk_model(path)


def _check_files(path: Path) -> None:
    if not path.exists():
        raise UserError(f"{path}: no such model directory; pass a Vosk model directory with "
                        f"--model or run 'voice-guide models pull {PREFERRED}'.")
    if not path.is_dir():
        raise UserError(f"{path}: a Vosk model is a directory, not a file; pass the unpacked "
                        "model directory.")
    mdl = path / "am" / "final.mdl"
    if not mdl.is_file() or not (path / "conf").is_dir():
        raise UserError(f"{path}: not a Vosk model (am/final.mdl or conf/ is missing); pass "
                        "the directory that holds am/, conf/ and graph/.")
    graph = path / "graph"
    fsts = [graph / "HCLG.fst"] if (graph / "HCLG.fst").exists() else [
        graph / "HCLr.fst", graph / "Gr.fst"]
    for fst in fsts:
        if not fst.is_file():
            raise UserError(f"{path}: the Vosk model is incomplete ({fst.relative_to(path)} is "
                            f"missing); {_again(path)}")
        with fst.open("rb") as f:
            if f.read(4) != _FST_MAGIC:
                raise UserError(f"{path}: {fst.relative_to(path)} is damaged (not an OpenFst "
                                f"file); {_again(path)}")
    with mdl.open("rb") as f:
        head = f.read(64)
    if b"TransitionModel" not in head:
        raise UserError(f"{path}: am/final.mdl is damaged (not a Kaldi acoustic model); "
                        f"{_again(path)}")


def _again(path: Path) -> str:
    return f"get it again with 'voice-guide models pull {path.name}'."


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
        _check_files(path)
        vosk = vosk_module()
        try:
            model = vosk.Model(str(key))
        except Exception as err:
            raise UserError(f"{path}: the Vosk model could not be loaded (damaged or for another "
                            f"Vosk version); {_again(path)}") from err
        _models[key] = model
        return model
