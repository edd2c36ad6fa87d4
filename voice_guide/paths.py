"""Where voice-guide keeps and finds things.

- user data (``user_data_dir("voice-guide")``, ``~/.local/share/voice-guide`` on Linux):
  the session log, downloaded speech models (``models/``) and the user's own routines
  (``routines/``);
- files that ship with the package (the routines and the model manifest): read from the
  installed package (``voice_guide/bundled/``, see pyproject.toml), which in a source
  checkout are links to the project's top-level ``routines/`` and ``models/`` folders.

Environment overrides: ``VOICE_GUIDE_DB`` (session log file), ``VOICE_GUIDE_MODELS_DIR``
(models folder), ``VOICE_GUIDE_ROUTINES`` (extra routine folders, searched first) and
``VOICE_GUIDE_DATA_DIR`` (the whole user data folder).
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

APP = "voice-guide"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def user_data_dir() -> Path:
    """``VOICE_GUIDE_DATA_DIR``, else the platform's user data folder for voice-guide."""
    env = os.environ.get("VOICE_GUIDE_DATA_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return Path(user_data_path(APP, appauthor=False))


def bundled_dir(name: str) -> Path:
    """A folder of files shipped inside the package (``routines`` or ``models``), resolved
    (in a source checkout: the project's own folder of that name)."""
    return Path(str(resources.files("voice_guide").joinpath("bundled", name))).resolve()


def user_routines_dir() -> Path:
    return user_data_dir() / "routines"


def routine_dirs() -> list[Path]:
    """``VOICE_GUIDE_ROUTINES`` (os.pathsep-separated) first, then the user's routines folder,
    then the routines that ship with voice-guide."""
    extra = [Path(p) for p in os.environ.get("VOICE_GUIDE_ROUTINES", "").split(os.pathsep) if p]
    return [*extra, user_routines_dir(), bundled_dir("routines")]


def models_dir() -> Path:
    """Where downloaded models live: ``VOICE_GUIDE_MODELS_DIR`` or ``models/`` in user data."""
    env = os.environ.get("VOICE_GUIDE_MODELS_DIR")
    return Path(env).expanduser() if env else user_data_dir() / "models"


def manifest_file() -> Path:
    """The model manifest that ships with voice-guide."""
    return bundled_dir("models") / "manifest.json"


def session_db_file() -> Path:
    """``VOICE_GUIDE_DB``, else ``sessions.sqlite`` in the user data folder."""
    env = os.environ.get("VOICE_GUIDE_DB")
    return Path(env).expanduser() if env else user_data_dir() / "sessions.sqlite"
