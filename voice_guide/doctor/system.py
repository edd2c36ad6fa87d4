"""Checks of the installation: Python, packages, the settings file, disk space."""

from __future__ import annotations

import re
import shutil
import sys
from importlib import metadata
from pathlib import Path

from voice_guide.config.model import UserSettings
from voice_guide.doctor.result import Check
from voice_guide.errors import UserError

SETUP_HINT = "run 'bash scripts/setup.sh' in the voice-guide folder (or 'pip install voice-guide')"
MIN_PYTHON = (3, 11)
MIN_FREE_BYTES = 50_000_000  # the session log and a little room
MODEL_FREE_BYTES = 500_000_000  # room to pull a bigger Vosk model


def check_python() -> Check:
    version = ".".join(str(p) for p in sys.version_info[:3])
    if tuple(sys.version_info[:2]) < MIN_PYTHON:
        return Check("python", "fail", f"Python {version} is too old",
                     "install Python 3.11 or newer and set up again")
    return Check("python", "ok", f"Python {version}")


def _requirement_names() -> list[str]:
    names = []
    for req in metadata.requires("voice-guide") or []:
        if "extra ==" in req:
            continue
        found = re.match(r"[A-Za-z0-9_.-]+", req)
        if found:
            names.append(found.group(0))
    return names


def check_packages() -> Check:
    try:
        own = metadata.version("voice-guide")
        names = _requirement_names()
    except metadata.PackageNotFoundError:
        return Check("packages", "warn", "voice-guide is not installed as a package "
                     "(running from the source folder)", SETUP_HINT)
    found, missing = [], []
    for name in names:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            missing.append(name)
    if missing:
        return Check("packages", "fail", f"missing: {', '.join(missing)}", SETUP_HINT)
    return Check("packages", "ok", f"voice-guide {own}; {', '.join(found)}")


def check_portaudio() -> Check:
    from voice_guide.audio.portaudio import load_sounddevice

    try:
        sd = load_sounddevice()
    except UserError as err:
        return Check("portaudio", "fail", str(err), "sudo apt install libportaudio2")
    return Check("portaudio", "ok", str(sd.get_portaudio_version()[1]))


def check_settings(path: Path) -> tuple[Check, UserSettings | None]:
    from voice_guide.config.read import load_settings

    try:
        settings = load_settings(path)
    except UserError as err:
        return (Check("settings", "fail", str(err),
                      "fix the file, or 'voice-guide config set KEY VALUE' after removing it"),
                None)
    there = "" if path.exists() else " (not there yet: every setting has its default)"
    return Check("settings", "ok", f"{path}{there}"), settings


def _existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_disk(models: Path) -> Check:
    try:
        free = shutil.disk_usage(_existing(models)).free
    except OSError as err:
        return Check("disk", "warn", f"cannot tell the free space at {models} ({err})")
    shown = f"{free / 1e9:.1f} GB free at {_existing(models)}"
    if free < MIN_FREE_BYTES:
        return Check("disk", "fail", f"only {shown}",
                     "free some disk space: the session log needs room to grow")
    if free < MODEL_FREE_BYTES:
        return Check("disk", "warn", f"{shown}: too little to download a bigger speech model",
                     "free some disk space before 'voice-guide models pull'")
    return Check("disk", "ok", f"{shown} (models go to {models})")
