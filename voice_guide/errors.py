"""Errors meant for the user: one clear sentence and a non-zero exit, never a traceback."""

from __future__ import annotations


class UserError(Exception):
    """Something the user can fix. ``str(err)`` is the whole message; ``exit_code`` the status."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class MissingDependency(UserError):
    """An optional engine or system library is not installed; the message says how to get it."""

    def __init__(self, what: str, hint: str) -> None:
        super().__init__(f"{what} is not available: {hint}", exit_code=3)


class DeviceUnavailable(UserError):
    """A microphone or speaker could not be opened (none there, busy, or refused)."""
