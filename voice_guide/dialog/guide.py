"""The dialog manager: a pure state machine. Events in, actions out.

It never sleeps, reads a clock or touches audio: every event carries its time,
and :meth:`Guide.next_wakeup` tells the shell when the next timer mark or
reminder falls due, so a test can drive hours of routine in milliseconds.

Rules kept here: safety sentences (and a step's cautions) are said in full
before the first step (or the step's timer) starts, whatever replies cut in;
a counted step's counting holds while anything else is said; cues that fall
together are said as one; a session nobody answers ends by itself.
"""

from __future__ import annotations

from voice_guide.dialog import answers, commands, volume
from voice_guide.dialog import narration as N
from voice_guide.dialog.actions import (
    Action,
    Cue,
    Finished,
    Listen,
    Resumed,
    StepStarted,
    VolumeChanged,
)
from voice_guide.dialog.agenda import Agenda
from voice_guide.dialog.events import CommandHeard, Event, SpeechFinished, Start, Tick
from voice_guide.dialog.marks import MERGE_S, marks_for, merged_cue
from voice_guide.dialog.modes import QUIET, Kind, Mode
from voice_guide.dialog.summary import WorkLedger, summary_sentences
from voice_guide.dialog.talk import Talk
from voice_guide.dialog.timer import StepTimer
from voice_guide.intents import DEFAULT_TABLE, PhraseTable
from voice_guide.lang import load_pack
from voice_guide.routine.model import FlatRoutine, RunStep
from voice_guide.settings import GuideSettings


class Guide:
    """Walks a :class:`FlatRoutine`, one step at a time."""

    def __init__(self, routine: FlatRoutine, settings: GuideSettings | None = None, *,
                 start_at: int = 0, resumed: bool = False,
                 phrases: PhraseTable | None = None) -> None:
        """``start_at`` is the 0-based step to begin with after the introduction (for
        ``--from-step`` and ``--resume``); ``resumed`` says so aloud ("Welcome back...").
        ``phrases`` is the phrase table the recognizer uses: help lists its phrases."""
        if not 0 <= start_at < max(1, len(routine.steps)):
            raise ValueError(f"start_at {start_at} is outside the routine's steps")
        self.routine = routine
        self.start_at = start_at
        self.resumed = resumed
        self.settings = settings or GuideSettings()
        self.phrases = phrases or DEFAULT_TABLE
        self.lang = load_pack(self.settings.language).for_table(self.phrases)
        self.mode = Mode.NOT_STARTED
        self._below: list[Mode] = []  # what PAUSED / ASKING_QUIT return to, innermost last
        self.index = -1  # current step, 0-based; -1 during the introduction
        self._first = start_at  # the step the introduction leads to
        self.pace = self.settings.pace
        self.volume_levels = volume.ladder(self.settings.volume_step_db)
        self.volume_step = volume.nearest(self.volume_levels, self.settings.volume)
        self.volume = self.volume_levels[self.volume_step]
        self.completed: bool | None = None
        self.timer: StepTimer | None = None
        self.agenda: Agenda | None = None
        self._now = 0.0
        self._began = 0.0
        self._talk = Talk()
        self._quiet_since = 0.0  # when the user or the guide (not a reminder) last spoke
        self._reminders = 0
        self._reminding = False
        self._mode_since = 0.0
        self._overtime = 0.0  # real seconds waiting for "next" after the step's time was up
        self._ledger = WorkLedger()
        self._recap: list[str] = []  # the step's sentences as last said again on request

    # ----------------------------------------------------------------- queries
    @property
    def total(self) -> int:
        return len(self.routine.steps)

    @property
    def step(self) -> RunStep | None:
        return self.routine.steps[self.index] if 0 <= self.index < self.total else None

    @property
    def finished(self) -> bool:
        return self.mode is Mode.FINISHED

    @property
    def paused(self) -> bool:
        return self.mode is Mode.PAUSED or Mode.PAUSED in self._below

    @property
    def confirming_quit(self) -> bool:
        return self.mode is Mode.ASKING_QUIT

    @property
    def words_per_minute(self) -> int:
        return max(60, min(400, round(self.settings.words_per_minute / self.pace)))

    def next_wakeup(self) -> float | None:
        """The time the guide next needs a :class:`Tick`, or None if only events can move it."""
        if self.mode is Mode.TIMING and self.timer is not None:
            return self.timer.next_due_time()
        if self.mode in QUIET and not self._talk.busy:
            return self._quiet_due()[0]
        return None

    def session_remaining(self, t: float | None = None) -> float:
        """Real seconds of timing left in the session at the current pace (narration not
        counted), as of time ``t`` when given (the timer is not changed)."""
        here = self.timer.remaining(t) if self.timer is not None else 0.0
        later = sum(s.nominal_seconds or 0.0 for s in self.routine.steps[self.index + 1 :])
        return here + later * self.pace

    # ------------------------------------------------------------------ events
    def handle(self, event: Event) -> list[Action]:
        self._now = max(self._now, event.t)
        if self.mode is Mode.FINISHED or (self.mode is Mode.NOT_STARTED
                                          and not isinstance(event, Start)):
            return []
        match event:
            case Start():
                self._start()
            case Tick():
                self._tick()
            case SpeechFinished():
                self._tick()  # bring the timer up to this moment first
                self._speech_finished(event.utterance_id)
            case CommandHeard():
                self._tick()  # answers are about now, not about the last tick
                commands.take(self, event.command)
        self._sync_timer()
        return self._talk.take()

    def _start(self) -> None:
        self._began = self._now
        self._set_mode(Mode.INTRO)
        if abs(self.volume - self.settings.volume) > 0.01:  # the player starts on the step
            self._emit(VolumeChanged(self._now, self.volume))
        if self.start_at == 0 and not self.resumed:
            lines = N.intro_lines(self.routine, self.lang, self.words_per_minute, self.pace)
        else:
            lines = N.late_start_lines(self.routine, self.start_at + 1, self.resumed, self.lang)
        self.agenda = Agenda(lines)
        self._say_agenda()

    def _tick(self) -> None:
        if self.mode is Mode.TIMING and self.timer is not None:
            self.timer.advance(self._now)
            self._fire_due()
        elif self.mode in QUIET and not self._talk.busy:
            due, what = self._quiet_due()
            if self._now >= due - 1e-9:
                self._on_quiet(what)

    def _fire_due(self) -> None:
        timer = self.timer
        assert timer is not None
        due = timer.due()
        cues = [m for m in due if m.kind.startswith("cue:")]
        if cues:  # cues that fall together, or within a few seconds, are said as one
            cues += timer.take_cues_until(cues[0].at + MERGE_S)
            kinds = {m.kind[4:] for m in cues}
            if "one_minute" in kinds:  # after "one minute left", halfway would only confuse
                timer.drop("cue:halfway")
            kind, text = merged_cue(kinds, timer.remaining(), self.lang)
            self._emit(Cue(self._now, kind))
            self._say(text, "cue")
        for mark in due:
            if mark.kind.startswith("count:"):
                self._say(self.lang.count(int(mark.kind[6:])), "count")
            elif mark.kind == "end":
                self._emit(Cue(self._now, "step_end"))
                if self.settings.auto_advance:
                    self._enter(self.index + 1, lead=self.lang.t("lead_good"))
                else:
                    self._set_mode(Mode.WAITING)
                    self._say(self.lang.t("time_up"), "reply")
                return

    def _quiet_due(self) -> tuple[float, str]:
        return answers.quiet_due(self.settings, self.mode, self._quiet_since, self._reminders)

    def _on_quiet(self, what: str) -> None:
        if what == "no_answer":
            self._set_mode(self._below.pop())
            self._reply(self.lang.t("no_answer_paused" if self.paused else "no_answer"))
        elif what == "remind":
            self._reminders += 1
            which = "paused" if self.mode is Mode.PAUSED else "waiting"
            self._emit(Cue(self._now, "reminder"))
            self._say(self.lang.t(f"reminder_{which}_{2 - self._reminders % 2}"), "reminder")
            self._reminding = True
        else:
            self._close([self.lang.t("inactive_end")], completed=False, summary=False)

    def _speech_finished(self, uid: int) -> None:
        done = self._talk.finished(self._now, uid)
        if done is None:
            return  # cut off earlier, or unknown: nothing waits for it
        if done.kind == "line" and self.agenda is not None and done.line == self.agenda.done:
            self.agenda.done += 1
        if not self._talk.busy:
            self._on_idle()

    def _on_idle(self) -> None:
        """Everything said has been heard to its end: go on with what the mode needs."""
        if not self._reminding:
            self._quiet_since = self._now
        self._reminding = False
        if self.mode is Mode.CLOSING:
            self._finish()
            return
        if self.mode in (Mode.INTRO, Mode.NARRATING) and self.agenda is not None:
            if self.agenda.rest:  # a reply cut the narration: go on from the cut sentence
                self._say_agenda()
            elif self.mode is Mode.INTRO:
                self._enter(self._first)
            else:
                self._begin_work()
        if not self._talk.busy:
            self._emit(Listen(self._now, True))

    def _begin_work(self) -> None:
        """The step's narration was said in full: its timer starts (or it waits for next)."""
        if self.timer is None:
            self._set_mode(Mode.WAITING)
            return
        self._set_mode(Mode.TIMING)
        self._fire_due()

    def _sync_timer(self) -> None:
        """The timer runs only while timing, and a count holds while anything else is said."""
        if self.timer is None:
            return
        talking = self._talk.talking_besides_counts()
        counted = self.step is not None and self.step.repetitions is not None
        if self.mode is Mode.TIMING and not (counted and talking):
            self.timer.run(self._now)
        else:
            self.timer.hold(self._now)

    # ------------------------------------------------------------------- modes
    def _set_mode(self, mode: Mode) -> None:
        if self.mode is Mode.WAITING and self.timer is not None and self.timer.done:
            self._overtime += self._now - self._mode_since
        if mode in QUIET and mode is not self.mode:
            self._reminders = 0
        self.mode = mode
        self._mode_since = self._now

    def _base(self) -> Mode:
        return self._below[0] if self._below else self.mode

    def _hold(self, mode: Mode) -> None:
        self._below.append(self.mode)
        self._set_mode(mode)

    def _leave_holds(self) -> None:
        """Moving on implies going on: a pause or a pending question ends."""
        if self.paused:
            self._emit(Resumed(self._now))
        if self._below:
            self._set_mode(self._below[0])
            self._below.clear()

    def _move(self, index: int) -> None:
        """Go to step ``index``; from the introduction only after its safety sentences."""
        self._leave_holds()
        if self.mode is Mode.INTRO and self.agenda is not None:
            self._first = index
            self.agenda.keep_musts()
            if self.agenda.rest:  # a safety point is still unsaid
                some_said = any(line.must for line in self.agenda.lines[: self.agenda.done])
                self._interrupt()
                self._say(self.lang.t("safety_first_rest" if some_said else "safety_first"),
                          "lead")
                self._say_agenda()
                return
        self._enter(index)

    def _enter(self, index: int, lead: str | None = None) -> None:
        """Start step ``index`` (or close the routine past the last step)."""
        if index >= self.total:
            self._close(list(self.routine.closing), completed=True)
            return
        self._interrupt()
        self._leave_holds()
        self._account_step()
        self.index = index
        step = self.routine.steps[index]
        target = step.nominal_seconds
        self.timer = None
        if target:
            self.timer = StepTimer(target, marks_for(step, self.settings), pace=self.pace)
            self.timer.move_mark("cue:one_minute", target - 60 / self.pace)
        self.agenda = Agenda(N.step_lines(step, index + 1, self.total, self.lang,
                                          self.routine.sides_of))
        self._set_mode(Mode.NARRATING)
        self._emit(StepStarted(self._now, index + 1, self.total, step.id, step.title,
                               step.side.value if step.side else None))
        if lead:
            self._say(lead, "lead")
        self._say_agenda()

    def _account_step(self) -> None:
        """Note how long the step being left was worked on, for the summary."""
        if self.step is None or self.mode in (Mode.CLOSING, Mode.FINISHED):
            return
        self._set_mode(self.mode)  # brings the overtime up to now
        progress = 0.0
        if self.timer is not None:
            self.timer.advance(self._now)
            progress = self.timer.progress
        self._ledger.add(self.index, progress + self._overtime / self.pace)
        self._overtime = 0.0

    def _close(self, sentences: list[str], completed: bool, summary: bool = True) -> None:
        self._interrupt()
        self._leave_holds()
        self._account_step()
        if summary and self._ledger.worked:
            sentences += summary_sentences(self._ledger, self.routine.steps,
                                           self._now - self._began, self.lang)
        self._set_mode(Mode.CLOSING)
        self.completed = completed
        for text in sentences:
            self._say(text, "reply")

    def _finish(self) -> None:
        self._set_mode(Mode.FINISHED)
        self._emit(Listen(self._now, False))
        self._emit(Finished(self._now, bool(self.completed)))

    # ----------------------------------------------------------------- output
    def _emit(self, action: Action) -> None:
        self._talk.emit(action)

    def _interrupt(self) -> None:
        self._talk.interrupt(self._now)
        self._reminding = False

    def _reply(self, text: str) -> None:
        """A short spoken answer: it cuts off other talk; a cut narration goes on afterwards."""
        self._interrupt()
        self._say(text, "reply")

    def _say_agenda(self) -> None:
        assert self.agenda is not None
        for i in range(self.agenda.done, len(self.agenda.lines)):
            self._say(self.agenda.lines[i].text, "line", i)

    def _say(self, text: str, kind: Kind, line: int = -1) -> None:
        self._talk.say(self._now, self.lang.spell(text), self.words_per_minute, kind, line, text)
