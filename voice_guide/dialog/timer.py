"""A step timer that runs in "routine seconds": pace stretches it, pause holds it. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mark:
    """Something due when the timer reaches ``at`` routine seconds."""

    at: float
    kind: str  # "cue:<name>", "count:<n>", "end"


@dataclass
class StepTimer:
    """Progress of one step in nominal (routine) seconds.

    Real time advances progress by ``dt / pace``: at pace 1.25 a 60-second step
    lasts 75 real seconds. ``running_since`` is the real time progress was last
    brought up to date while running, or None while held (not started, paused,
    waiting for an answer).
    """

    target: float
    marks: list[Mark] = field(default_factory=list)
    progress: float = 0.0
    running_since: float | None = None
    pace: float = 1.0
    fired: int = 0  # marks[:fired] are done

    @property
    def started(self) -> bool:
        return self.running_since is not None or self.progress > 0

    @property
    def running(self) -> bool:
        return self.running_since is not None

    def advance(self, t: float) -> None:
        if self.running_since is not None and t > self.running_since:
            self.progress = min(self.target, self.progress + (t - self.running_since) / self.pace)
            self.running_since = t

    def run(self, t: float) -> None:
        if self.running_since is None:
            self.running_since = t

    def hold(self, t: float) -> None:
        self.advance(t)
        self.running_since = None

    def set_pace(self, t: float, pace: float) -> None:
        self.advance(t)
        self.pace = pace

    def move_mark(self, kind: str, at: float) -> None:
        """Re-time a mark that has not fired yet (e.g. "one minute left" after a pace change)."""
        todo = [m if m.kind != kind else Mark(max(0.0, at), kind) for m in self.marks[self.fired :]]
        self.marks[self.fired :] = sorted(todo, key=lambda m: (m.at, m.kind == "end"))

    def drop(self, kind: str) -> None:
        """Forget a mark that has not fired yet."""
        self.marks[self.fired :] = [m for m in self.marks[self.fired :] if m.kind != kind]

    def due(self) -> list[Mark]:
        """Marks reached and not yet fired; they are marked fired."""
        out = []
        while self.fired < len(self.marks) and self.marks[self.fired].at <= self.progress + 1e-9:
            out.append(self.marks[self.fired])
            self.fired += 1
        return out

    def next_due_time(self) -> float | None:
        """Real time the next mark falls due, if the timer is running."""
        if self.running_since is None or self.fired >= len(self.marks):
            return None
        return self.running_since + (self.marks[self.fired].at - self.progress) * self.pace

    def take_cues_until(self, at: float) -> list[Mark]:
        """Fire the next ``cue:`` marks due by ``at`` routine seconds (cues that fall together)."""
        out = []
        while (self.fired < len(self.marks) and self.marks[self.fired].kind.startswith("cue:")
               and self.marks[self.fired].at <= at + 1e-9):
            out.append(self.marks[self.fired])
            self.fired += 1
        return out

    def progress_at(self, t: float) -> float:
        """Progress at real time ``t`` without changing the timer."""
        if self.running_since is None or t <= self.running_since:
            return self.progress
        return min(self.target, self.progress + (t - self.running_since) / self.pace)

    def remaining(self, t: float | None = None) -> float:
        """Real seconds left at the current pace (as of time ``t`` when given)."""
        done = self.progress if t is None else self.progress_at(t)
        return max(0.0, self.target - done) * self.pace

    @property
    def done(self) -> bool:
        return self.progress >= self.target - 1e-9
