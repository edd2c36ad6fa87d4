"""Writing the systemd user unit.

The unit runs ``python -m voice_guide run ROUTINE`` with the Python voice-guide is installed
in, so it works from a virtual environment without activating it. It reads the same
settings file as the user (``VOICE_GUIDE_CONFIG`` is set to it), so the devices chosen with
``voice-guide config set input_device ...`` are the ones the service uses; devices given to
``service install`` are written into the command line instead. ``XDG_RUNTIME_DIR`` (``%t``)
lets it reach the user's PulseAudio or PipeWire server, which lives in that folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

UNIT_NAME = "voice-guide.service"


@dataclass(frozen=True)
class UnitSpec:
    python: Path
    routine: str
    settings_file: Path
    input_device: str | None = None
    output_device: str | None = None
    extra_args: Sequence[str] = ()


def quote(arg: str) -> str:
    """One ExecStart argument in systemd's syntax: double-quoted, with backslash, quote,
    percent (specifiers) and dollar (variables) escaped."""
    escaped = (arg.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%")
               .replace("$", "$$").replace("\n", "\\n"))
    return f'"{escaped}"'


def _env(name: str, value: str) -> str:
    return quote(f"{name}={value}")


def command(spec: UnitSpec) -> list[str]:
    args = [str(spec.python), "-m", "voice_guide", "run", spec.routine]
    if spec.input_device:
        args += ["--input-device", spec.input_device]
    if spec.output_device:
        args += ["--output-device", spec.output_device]
    return [*args, *spec.extra_args]


def render(spec: UnitSpec) -> str:
    """The unit file's text."""
    exec_start = " ".join(quote(a) for a in command(spec))
    return "\n".join([
        "# Written by 'voice-guide service install'; remove with 'voice-guide service uninstall'.",
        "[Unit]",
        "Description=voice-guide: spoken guide for a hands-on routine",
        "After=pipewire.service pipewire-pulse.service pulseaudio.service sound.target",
        "StartLimitIntervalSec=600",
        "StartLimitBurst=10",
        "",
        "[Service]",
        "Type=simple",
        f"ExecStart={exec_start}",
        "WorkingDirectory=%h",
        # The sound server's socket lives in the user's runtime folder.
        "Environment=XDG_RUNTIME_DIR=%t",
        "Environment=PYTHONUNBUFFERED=1",
        f"Environment={_env('VOICE_GUIDE_CONFIG', str(spec.settings_file))}",
        "StandardInput=null",
        "Restart=on-failure",
        "RestartSec=15",
        "",
        "[Install]",
        "WantedBy=default.target",
        "",
    ])


def unit_dir(config_home: Path) -> Path:
    return config_home / "systemd" / "user"
