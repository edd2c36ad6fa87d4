"""The live terminal view of a voice session (rich ``Live``), drawn from a :class:`Snapshot`.

:func:`render` is a pure function of a snapshot and the time. :class:`LiveView` redraws
the box's current snapshot a few times a second on its own thread; it never touches the
guide, the audio or the recognizer, so a slow terminal cannot hold them up. Text from
files (routine, recognizer) goes through :func:`voice_guide.text_safety.printable` and is
put in ``Text`` objects, never parsed as markup.
"""

from __future__ import annotations

import logging
import threading

from rich.console import Console, RenderableType
from rich.live import Live
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from voice_guide.dialog.actions import Action, Say
from voice_guide.dialog.guide import Guide
from voice_guide.intents import Intent
from voice_guide.ports import Clock, Heard
from voice_guide.shell.snapshot import (
    HeardNote,
    MicLevel,
    Snapshot,
    SnapshotBox,
    Speaking,
    facts,
    mic_level,
)
from voice_guide.text_safety import printable
from voice_guide.timeline import clock_text

log = logging.getLogger(__name__)

REFRESH_S = 0.25
METER_CELLS = 20
BAR_WIDTH = 30


def _safe(text: str) -> str:
    return printable(text).replace("\n", " ").replace("\t", " ")


def heading(snap: Snapshot) -> str:
    """"Step 5 of 17 · left side · Fingertip runs" (or the introduction / the end)."""
    if snap.finished is not None:
        return "Session completed" if snap.finished else "Session ended early"
    if snap.position == 0:
        return f"Introduction · {snap.total} steps"
    side = f" · {snap.side} side" if snap.side else ""
    return f"Step {snap.position} of {snap.total}{side} · {_safe(snap.step_title)}"


def _step_progress(snap: Snapshot, now: float) -> tuple[float, float, str]:
    """(done, total, label) for the step bar."""
    timer = snap.timer
    if timer is None:
        return 0.0, 1.0, "no timer · say next when ready"
    progress = timer.progress_at(now)
    left = timer.remaining_at(now)
    started = timer.running or progress > 0
    label = f"{clock_text(left)} left" if started else f"{clock_text(left)} after the instructions"
    rep = snap.repetition_at(now)
    if snap.repetitions is not None:
        label = (f"repetition {rep} of {snap.repetitions} · {label}" if rep is not None
                 else f"{snap.repetitions} repetitions · {label}")
    return progress, timer.target, label


def meter(level: float, cells: int = METER_CELLS) -> Text:
    """A bar of ``cells`` blocks, lit in proportion to ``level`` (0..1)."""
    lit = round(max(0.0, min(1.0, level)) * cells)
    bar = Text("█" * lit, style="green" if level < 0.85 else "red")
    bar.append("░" * (cells - lit), style="dim")
    return bar


def render(snap: Snapshot, now: float) -> RenderableType:
    """The view of ``snap`` at time ``now``."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    grid.add_row("", Text(heading(snap), style="bold cyan"))
    said = Text(f"“{_safe(snap.speaking)}”" if snap.speaking else "…",
                style="dim italic" if snap.listening else "italic")
    grid.add_row("Guide", said)
    done, total, label = _step_progress(snap, now)
    step_row = Table.grid(padding=(0, 1))
    step_row.add_row(ProgressBar(total=total, completed=done, width=BAR_WIDTH), Text(label))
    grid.add_row("Step", step_row)
    grid.add_row("Session", Text(f"about {clock_text(snap.session_remaining_at(now))} left"))
    state = f"pace ×{snap.pace:g} · volume {round(snap.volume * 100)}%"
    if snap.paused:
        state += " · PAUSED (say resume)"
    grid.add_row("", Text(state))
    listen = Text()
    if snap.finished is not None:
        listen.append("○ not listening", style="dim")
    elif snap.listening:
        listen.append("● listening    ", style="bold green")
    else:
        listen.append("○ guide talking", style="yellow")
    listen.append("  ")
    listen.append_text(meter(snap.mic_level))
    grid.add_row("Mic", listen)
    grid.add_row("Heard", _heard(snap))
    title = Text(_safe(snap.routine_title), style="bold")
    return Panel(grid, title=title, title_align="left",
                 subtitle=Text("say 'help' for commands", style="dim"), subtitle_align="right")


def _heard(snap: Snapshot) -> Text:
    heard = snap.last_heard
    if heard is None:
        return Text("nothing yet", style="dim")
    out = Text(f"“{_safe(heard.text)}”")
    if heard.accepted:
        out.append(f" → {heard.intent}", style="bold green")
        if heard.confidence is not None:
            out.append(f" ({heard.confidence:.2f})", style="dim")
    else:
        meant = f" (meant {heard.intent})" if heard.intent else ""
        out.append(f" ✗ not taken{meant}", style="red")
    return out


class LiveView:
    """Shows ``box.current`` on ``console`` until :meth:`close`; notes print above it."""

    def __init__(self, box: SnapshotBox, clock: Clock, console: Console | None = None,
                 refresh_s: float = REFRESH_S) -> None:
        self.box = box
        self._clock = clock
        self._console = console or Console()
        self._refresh_s = refresh_s
        self._live: Live | None = None
        self.error: Exception | None = None
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._run, name="live-view", daemon=True)

    @property
    def active(self) -> bool:
        return self._live is not None and not self._closing.is_set()

    def start(self) -> None:
        self._live = Live(self._frame(), console=self._console, auto_refresh=False,
                          redirect_stdout=False, redirect_stderr=False)
        self._live.start(refresh=True)
        self._thread.start()

    def print(self, line: str) -> None:
        """A note (a warning, a set-up line) above the view."""
        self._console.print(Text(_safe(line)), soft_wrap=True)

    def close(self) -> None:
        """Stop redrawing; the last frame stays on the screen."""
        self._closing.set()
        if self._thread.is_alive():
            self._thread.join(5.0)
        if self._live is not None:
            self._live.update(self._frame(), refresh=True)
            self._live.stop()
            self._live = None

    def _frame(self) -> RenderableType:
        return render(self.box.current, self._clock.now())

    def _run(self) -> None:
        try:
            while not self._closing.wait(self._refresh_s):
                live = self._live
                if live is not None:
                    live.update(self._frame(), refresh=True)
        except Exception as err:  # a drawing problem must never stop the session
            self.error = err
            log.warning("the live view stopped redrawing: %s", err)


class ViewFeed:
    """The shell's hooks that publish to a :class:`SnapshotBox`, each called on the thread
    that owns what it reports: ``action`` on the conductor's (it reads the guide there)."""

    def __init__(self, box: SnapshotBox, guide: Guide, clock: Clock) -> None:
        self.box = box
        self._guide = guide
        self._clock = clock

    def action(self, action: Action) -> None:
        self.box.publish(action)
        self.box.publish(facts(self._guide, self._clock.now()))

    def speaking(self, say: Say) -> None:
        self.box.publish(Speaking(self._clock.now(), say.text))

    def heard(self, heard: Heard) -> None:
        self.box.publish(HeardNote(self._clock.now(), heard.text, heard.command.intent.value,
                                   accepted=True, confidence=heard.confidence))

    def block(self, pcm: bytes) -> None:
        self.box.publish(MicLevel(self._clock.now(), mic_level(pcm)))

    def rejected(self, text: str, intent: Intent | None) -> None:
        """Something heard and not taken as a command (for a recognizer that reports these)."""
        self.box.publish(HeardNote(self._clock.now(), text, intent.value if intent else None,
                                   accepted=False))
