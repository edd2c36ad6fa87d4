"""Where voice-guide looks for routines and speech models."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def routine_dirs() -> list[Path]:
    """``VOICE_GUIDE_ROUTINES`` (os.pathsep-separated) first, then the project's ``routines/``."""
    extra = [Path(p) for p in os.environ.get("VOICE_GUIDE_ROUTINES", "").split(os.pathsep) if p]
    return [*extra, PROJECT_ROOT / "routines"]


def models_dir() -> Path:
    """Where downloaded models live: ``VOICE_GUIDE_MODELS_DIR`` or the project's ``models/``."""
    env = os.environ.get("VOICE_GUIDE_MODELS_DIR")
    return Path(env) if env else PROJECT_ROOT / "models"
