"""Where the settings file, user data and the user's routines live (platformdirs)."""

from __future__ import annotations

import os
from pathlib import Path

APP = "voice-guide"
CONFIG_ENV = "VOICE_GUIDE_CONFIG"
FILE_NAME = "settings.toml"


def config_dir() -> Path:
    from platformdirs import user_config_path

    return Path(user_config_path(APP, appauthor=False))


def settings_path() -> Path:
    """``VOICE_GUIDE_CONFIG`` if set, else ``settings.toml`` in the user's config folder
    (``~/.config/voice-guide/settings.toml`` on Linux)."""
    env = os.environ.get(CONFIG_ENV)
    return Path(env).expanduser() if env else config_dir() / FILE_NAME
