"""A recognizer (or a whole hearing: front end plus recognizer) in its own process, so a native crash in an engine (Kaldi/Vosk segfaulting
on a bad model or a bug) ends only that process: the session hears about it as an
exception from ``accept`` (``RecognizerDied``) and carries on with typed commands.

The child builds the recognizer with the same factory as everywhere else
(``voice_guide.asr.factory.make_recognizer``) and serves ``accept``/``flush``/``reset`` over
a pipe; a UserError while building it is raised again here with the same sentence. The
child ignores Ctrl-C (the parent stops it) and ends when the pipe closes.
"""

from __future__ import annotations

import builtins
import contextlib
import importlib
import multiprocessing
import signal
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from voice_guide.errors import MissingDependency, UserError
from voice_guide.frontend.settings import FrontEndSettings
from voice_guide.intents import PhraseTable
from voice_guide.ports import Heard, Rejected

DEFAULT_FACTORY = "voice_guide.asr.factory:make_recognizer"
HEARING_FACTORY = "voice_guide.frontend.factory:make_hearing"
START_TIMEOUT_S = 300.0  # loading a large model on a Raspberry Pi
CLOSE_TIMEOUT_S = 3.0


class RecognizerDied(RuntimeError):
    """The recognizer's process ended while the session still needed it."""


def _serve(conn: Connection, factory: str, engine: str, table: PhraseTable | None,
           model_dir: Path | None, front_end: FrontEndSettings | None = None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    module, _, attr = factory.partition(":")
    try:
        make = getattr(importlib.import_module(module), attr)
        if front_end is None:
            recognizer, sentence = make(engine, table=table, model_dir=model_dir)
        else:
            recognizer, sentence = make(engine, table=table, model_dir=model_dir,
                                        front_end=front_end)
    except UserError as err:
        conn.send(("error", type(err).__name__, str(err), err.exit_code))
        return
    conn.send(("ready", recognizer.name, sentence,
               list(getattr(recognizer, "unknown_words", None) or [])))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        verb = request[0]
        if verb not in ("accept", "flush", "reset", "stats"):
            return
        try:
            if verb == "accept" and len(request) > 2:
                result: Any = recognizer.accept(request[1], request[2])
            elif verb == "accept":
                result = recognizer.accept(request[1])
            elif verb == "stats":
                result = dict(getattr(recognizer, "stage_cpu_s", {}))
            elif verb == "flush":
                result = recognizer.flush()
            else:
                result = recognizer.reset()
        except Exception as err:  # handed to the parent, which raises it there
            conn.send(("raised", type(err).__name__, str(err)))
        else:
            take = getattr(recognizer, "take_rejected", None)
            conn.send(("ok", result, take() if take is not None else []))


class ProcessRecognizer:
    """A :class:`voice_guide.ports.Recognizer` whose engine runs in a child process."""

    def __init__(self, engine: str, *, table: PhraseTable | None = None,
                 model_dir: Path | None = None, factory: str | None = None,
                 front_end: FrontEndSettings | None = None) -> None:
        context = multiprocessing.get_context("spawn")  # no copy of this process's threads
        self._conn, child = context.Pipe()
        self._proc = context.Process(
            target=_serve,
            args=(child, factory or DEFAULT_FACTORY, engine, table, model_dir, front_end),
            name="recognizer", daemon=True,
        )
        self._proc.start()
        child.close()
        if not self._conn.poll(START_TIMEOUT_S):
            self.close()
            raise UserError(f"the speech recognizer did not start within "
                            f"{START_TIMEOUT_S:.0f} s.")
        reply = self._receive()
        if reply[0] == "error":
            self.close()
            _, kind, message, code = reply
            err = (MissingDependency.__new__(MissingDependency) if kind == "MissingDependency"
                   else UserError.__new__(UserError))
            UserError.__init__(err, message, code)
            raise err
        _, self.name, self.sentence, self.unknown_words = reply
        self._rejected: list[Rejected] = []

    def accept(self, pcm: bytes) -> list[Heard]:
        return self._call(("accept", pcm))  # type: ignore[no-any-return]

    def flush(self) -> list[Heard]:
        return self._call(("flush",))  # type: ignore[no-any-return]

    def reset(self) -> None:
        self._call(("reset",))

    def take_rejected(self) -> list[Rejected]:
        """What the engine heard and did not take since the last call."""
        out, self._rejected = self._rejected, []
        return out

    def close(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self._conn.send(("close",))
        self._proc.join(CLOSE_TIMEOUT_S)
        if self._proc.is_alive():
            self._proc.kill()
            self._proc.join(CLOSE_TIMEOUT_S)
        self._conn.close()

    def _call(self, request: tuple[Any, ...]) -> Any:
        try:
            self._conn.send(request)
        except (OSError, ValueError):
            raise self._died() from None
        reply = self._receive()
        if reply[0] == "raised":
            _, kind, message = reply
            found = getattr(builtins, kind, None)
            cls = found if isinstance(found, type) and issubclass(found, Exception) else (
                RuntimeError)
            raise cls(message if cls is not RuntimeError or kind == "RuntimeError"
                      else f"{kind}: {message}")
        if len(reply) > 2:
            self._rejected = [*self._rejected, *reply[2]][-10:]
        return reply[1]

    def _receive(self) -> Any:
        try:
            return self._conn.recv()
        except (EOFError, OSError):
            raise self._died() from None

    def _died(self) -> RecognizerDied:
        self._proc.join(CLOSE_TIMEOUT_S)
        code = self._proc.exitcode
        if code is not None and code < 0:
            try:
                how = f"killed by {signal.Signals(-code).name}"
            except ValueError:
                how = f"killed by signal {-code}"
        else:
            how = f"exit status {code}" if code is not None else "it stopped answering"
        return RecognizerDied(f"the recognizer process ended ({how})")


class ProcessHearing(ProcessRecognizer):
    """A :class:`voice_guide.ports.Hearing` (front end plus recognizer) in a child process.

    ``accept`` carries the reference (what the speaker played) along with the microphone.
    """

    def __init__(self, engine: str, *, table: PhraseTable | None = None,
                 model_dir: Path | None = None, front_end: FrontEndSettings,
                 factory: str | None = None) -> None:
        super().__init__(engine, table=table, model_dir=model_dir,
                         factory=factory or HEARING_FACTORY, front_end=front_end)

    def accept(self, pcm: bytes, reference: bytes | None = None) -> list[Heard]:
        return self._call(("accept", pcm, reference))  # type: ignore[no-any-return]

    @property
    def stage_cpu_s(self) -> dict[str, float]:
        """CPU seconds per stage in the child so far."""
        return self._call(("stats",))  # type: ignore[no-any-return]


def make_isolated_recognizer(engine: str = "auto", *, table: PhraseTable | None = None,
                             model_dir: Path | None = None) -> tuple[ProcessRecognizer, str]:
    """Like ``make_recognizer``, with the engine in a child process."""
    recognizer = ProcessRecognizer(engine, table=table, model_dir=model_dir)
    return recognizer, recognizer.sentence
