"""Installing, removing and asking about the unit through ``systemctl --user``."""

from __future__ import annotations

import getpass
import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from voice_guide.errors import UserError
from voice_guide.service.unit import UNIT_NAME

NO_USER_MANAGER = ("systemctl --user is not available here (no systemd user session is "
                   "running), so the service cannot be {what}; "
                   "'voice-guide service install --dry-run' prints the unit to install by hand")
TIMEOUT_S = 30


def config_home() -> Path:
    env = os.environ.get("XDG_CONFIG_HOME")
    return Path(env) if env else Path.home() / ".config"


def _run(args: Sequence[str]) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(list(args), capture_output=True, text=True, timeout=TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as err:
        return subprocess.CompletedProcess(list(args), 1, "", str(err))


def user_manager_available() -> bool:
    if shutil.which("systemctl") is None:
        return False
    return _run(["systemctl", "--user", "show-environment"]).returncode == 0


def require_user_manager(what: str) -> None:
    if not user_manager_available():
        raise UserError(NO_USER_MANAGER.format(what=what))


def systemctl(*args: str) -> None:
    done = _run(["systemctl", "--user", *args])
    if done.returncode != 0:
        reason = (done.stderr or done.stdout).strip().splitlines()[:1]
        raise UserError(f"'systemctl --user {' '.join(args)}' failed"
                        + (f" ({reason[0]})" if reason else ""))


def enable_linger() -> str | None:
    """Let the user's services start at boot without a login; a warning when it fails."""
    user = getpass.getuser()
    if shutil.which("loginctl") is None:
        return "loginctl is missing, so the service starts only once you log in"
    done = _run(["loginctl", "enable-linger", user])
    if done.returncode != 0:
        return (f"could not enable lingering, so the service starts only once you log in; "
                f"run 'sudo loginctl enable-linger {user}'")
    return None


def status_lines() -> list[str]:
    enabled = _run(["systemctl", "--user", "is-enabled", UNIT_NAME]).stdout.strip() or "not installed"
    active = _run(["systemctl", "--user", "is-active", UNIT_NAME]).stdout.strip() or "unknown"
    return [f"{UNIT_NAME}: {enabled}, {active}",
            "log: journalctl --user -u voice-guide -e"]
