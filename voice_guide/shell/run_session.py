"""What wraps a live run: where it starts (``--from-step``, ``--resume``), its session log,
how it ended (the routine's end, "quit", end of input, Ctrl-C, SIGTERM), and the table
printed at the end.

Ending by the user (quit, end of input, Ctrl-C, SIGTERM) marks the session "ended early";
a process killed outright (SIGKILL, power cut, closed terminal) never gets here, so its
session stays "interrupted" and ``run --resume`` picks it up.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

from voice_guide.dialog.actions import Action
from voice_guide.errors import UserError
from voice_guide.routine.model import FlatRoutine

SIGTERM_EXIT = 143


@dataclass(frozen=True)
class StartPoint:
    index: int = 0  # 0-based step to begin with after the introduction
    resumed: bool = False
    resumed_from: int | None = None  # the session carried on


def db_path(args: argparse.Namespace) -> Path:
    from voice_guide.session_log import default_db_path

    path: Path = getattr(args, "db", None) or default_db_path()
    return path


def start_point(args: argparse.Namespace, routine: FlatRoutine) -> StartPoint:
    """Where ``--from-step N`` or ``--resume`` start; one sentence when they cannot."""
    total = len(routine.steps)
    if getattr(args, "from_step", None) is not None:
        n = int(args.from_step)
        if not 1 <= n <= total:
            raise UserError(f"--from-step {n}: '{routine.id}' has steps 1 to {total}; "
                            "give one of those", exit_code=2)
        return StartPoint(n - 1)
    if not getattr(args, "resume", False):
        return StartPoint()
    from voice_guide import session_log
    from voice_guide.history import query

    path = db_path(args)
    if not path.exists():
        raise UserError(f"--resume: there is no session log yet ({path}), so nothing to "
                        f"resume; start with 'voice-guide run {routine.id}'")
    db = session_log.connect(path)
    try:
        point = query.resume_point(db, routine.id)
    finally:
        db.close()
    if point is None:
        raise UserError(f"--resume: '{routine.id}' has no session in {path} to resume; start "
                        f"with 'voice-guide run {routine.id}'")
    if isinstance(point, query.SessionRow):
        raise UserError(f"--resume: the last session of '{routine.id}' (session {point.id}) "
                        f"was completed; start a new one with 'voice-guide run {routine.id}' "
                        "or pick a step with --from-step N")
    if not 1 <= point.position <= total:
        raise UserError(f"--resume: session {point.session.id} stopped at step "
                        f"{point.position}, but '{routine.id}' now has steps 1 to {total}; "
                        "use --from-step N")
    return StartPoint(point.position - 1, True, point.session.id)


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so every layer unwinds the same way."""


class RunSession:
    """Context for one run: the log (in memory only with ``--no-log``), SIGTERM handled like Ctrl-C,
    the session marked as it ended, and the step table printed."""

    def __init__(self, args: argparse.Namespace, routine: FlatRoutine, start: StartPoint,
                 mode: str, echo: Callable[[str], None] | None = None) -> None:
        self.echo = echo or (lambda s: print(s, flush=True))
        self.terminated = False
        self._old_term: Any = None
        from voice_guide.history.recorder import SessionLog

        saving = not getattr(args, "no_log", False)  # --no-log: kept in memory for the table
        self.log: SessionLog | None = SessionLog(
            db_path(args), routine, mode, datetime.now().isoformat(timespec="seconds"),
            start_position=start.index + 1, resumed_from=start.resumed_from, save=saving)
        if saving:
            self.log.open()  # a damaged or foreign log is said now; the run goes on

    @property
    def listeners(self) -> list[Callable[[Action], None]]:
        return [self.log] if self.log is not None else []

    def set_mode(self, mode: str) -> None:
        if self.log is not None:
            self.log.mode = mode

    def ended_by(self, code: int) -> int:
        """The exit code of the run; a run that returned without the guide finishing ended
        by the user (end of input, or Ctrl-C in a voice run, which returns 130)."""
        if self.terminated:
            self._end("stopped by a signal (SIGTERM)")
            print("voice-guide: stopped.", file=sys.stderr)
            return SIGTERM_EXIT
        self._end("stopped with Ctrl-C" if code == 130 else "input closed")
        return code

    def _end(self, reason: str) -> None:
        log = self.log
        if log is None or log.closed:
            return
        log.close(reason)
        if log.steps:
            from voice_guide.history import report

            rows = log.step_rows()
            self.echo("")
            if log.session_id:
                self.echo(f"Session {log.session_id} ('voice-guide history show "
                          f"{log.session_id}' shows it again):")
            self.echo("\n".join(report.step_table(rows)))

    def __enter__(self) -> RunSession:
        def on_term(signum: int, frame: FrameType | None) -> None:
            self.terminated = True
            raise _Terminated()

        try:
            self._old_term = signal.signal(signal.SIGTERM, on_term)
        except ValueError:  # not the main thread: leave SIGTERM alone
            self._old_term = None
        return self

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._old_term is not None:
            signal.signal(signal.SIGTERM, self._old_term)
        if isinstance(err, KeyboardInterrupt):
            if self.terminated or isinstance(err, _Terminated):
                self.terminated = True
                self.ended_by(SIGTERM_EXIT)
                raise SystemExit(SIGTERM_EXIT) from None
            self._end("stopped with Ctrl-C")
            return  # main() says "stopped." and exits 130
        if err is not None and self.log is not None:
            self.log.close(None)  # an error is not the user's doing: it stays "interrupted"

