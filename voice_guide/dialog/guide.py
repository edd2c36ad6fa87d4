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

from typing import assert_never

from voice_guide.dialog import narration as N
from voice_guide.dialog.actions import (
    Action,
    CommandTaken,
    Cue,
    Finished,
    Listen,
    PaceChanged,
    Paused,
    Resumed,
    Say,
    StepStarted,
    StopSpeech,
    VolumeChanged,
)
from voice_guide.dialog.agenda import Agenda
from voice_guide.dialog.events import CommandHeard, Event, SpeechFinished, Start, Tick
from voice_guide.dialog.marks import MERGE_S, marks_for, merged_cue
from voice_guide.dialog.modes import QUIET, Kind, Mode
from voice_guide.dialog.summary import WorkLedger, summary_sentences
from voice_guide.dialog.timer import StepTimer
from voice_guide.intents import DEFAULT_TABLE, Command, Intent, PhraseTable
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
        self.lang = load_pack(self.settings.language)
        self.phrases = phrases or DEFAULT_TABLE
        self.mode = Mode.NOT_STARTED
        self._below: list[Mode] = []  # what PAUSED / ASKING_QUIT return to, innermost last
        self.index = -1  # current step, 0-based; -1 during the introduction
        self._first = start_at  # the step the introduction leads to
        self.pace = 1.0
        self.volume = self.settings.volume
        self.completed: bool | None = None
        self.timer: StepTimer | None = None
        self.agenda: Agenda | None = None
        self._now = 0.0
        self._began = 0.0
        self._next_uid = 1
        self._inflight: dict[int, tuple[Kind, int]] = {}  # said, not yet finished
        self._quiet_since = 0.0  # when the user or the guide (not a reminder) last spoke
        self._reminders = 0
        self._reminding = False
        self._mode_since = 0.0
        self._overtime = 0.0  # real seconds waiting for "next" after the step's time was up
        self._ledger = WorkLedger()
        self._out: list[Action] = []

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
        if self.mode in QUIET and not self._inflight:
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
        self._out = []
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
                self._command(event.command)
        self._sync_timer()
        out, self._out = self._out, []
        return out

    def _start(self) -> None:
        self._began = self._now
        self._set_mode(Mode.INTRO)
        if self.start_at == 0 and not self.resumed:
            lines = N.intro_lines(self.routine, self.lang)
        else:
            lines = N.late_start_lines(self.routine, self.start_at + 1, self.resumed, self.lang)
        self.agenda = Agenda(lines)
        self._say_agenda()

    def _tick(self) -> None:
        if self.mode is Mode.TIMING and self.timer is not None:
            self.timer.advance(self._now)
            self._fire_due()
        elif self.mode in QUIET and not self._inflight:
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
            kind, text = merged_cue({m.kind[4:] for m in cues}, timer.remaining(), self.lang)
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
        s = self.settings
        if self.mode is Mode.ASKING_QUIT:
            return self._quiet_since + s.quit_answer_s, "no_answer"
        gap = sum(s.reminder_after_s * s.reminder_backoff**k for k in range(self._reminders + 1))
        limit = self._quiet_since + s.inactivity_limit_s
        remind = self._quiet_since + gap
        return (remind, "remind") if remind < limit else (limit, "give_up")

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
        kind = self._inflight.pop(uid, None)
        if kind is None:
            return  # cut off earlier, or unknown: nothing waits for it
        if kind[0] == "line" and self.agenda is not None and kind[1] == self.agenda.done:
            self.agenda.done += 1
        if not self._inflight:
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
        if not self._inflight:
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
        talking = any(kind != "count" for kind, _ in self._inflight.values())
        counted = self.step is not None and self.step.repetitions is not None
        if self.mode is Mode.TIMING and not (counted and talking):
            self.timer.run(self._now)
        else:
            self.timer.hold(self._now)

    # ---------------------------------------------------------------- commands
    def _command(self, cmd: Command) -> None:
        self._emit(CommandTaken(self._now, cmd.intent, cmd.phrase, cmd.step))
        self._quiet_since = self._now
        self._reminders = 0
        if self.mode is Mode.CLOSING:
            return  # the closing words and the summary go on
        if self.mode is Mode.ASKING_QUIT:
            if cmd.intent is Intent.YES:
                self._close([self.lang.t("quit_yes")], completed=False)
                return
            self._set_mode(self._below.pop())
            if cmd.intent in (Intent.NO, Intent.QUIT):
                self._reply(self.lang.t("carry_on_paused" if self.paused else "carry_on"))
                return
        self._dispatch(cmd)

    def _dispatch(self, cmd: Command) -> None:
        intro = self._base() is Mode.INTRO
        match cmd.intent:
            case Intent.NEXT:
                self._move(self._first if intro else self.index + 1)
            case Intent.BACK:
                if intro or self.index <= 0:
                    self._reply(self.lang.t("not_started" if intro else "first_step"))
                else:
                    self._move(self.index - 1)
            case Intent.GOTO:
                n = cmd.step or 0
                if 1 <= n <= self.total:
                    self._move(n - 1)
                else:
                    self._reply(self.lang.t("no_such_step", n=n, total=self.total))
            case Intent.RESTART:
                if intro:
                    self._reply(self.lang.t("not_started"))
                else:
                    self._move(self.index)
            case Intent.REPEAT:
                self._repeat()
            case Intent.SLOWER:
                self._change_pace(+self.settings.pace_step)
            case Intent.FASTER:
                self._change_pace(-self.settings.pace_step)
            case Intent.PAUSE:
                self._pause()
            case Intent.RESUME:
                self._resume()
            case Intent.TIME_LEFT:
                self._time_left()
            case Intent.WHERE:
                self._where()
            case Intent.HELP:
                self._reply(N.help_sentence(self.phrases, self.lang))
            case Intent.LOUDER:
                self._change_volume(+self.settings.volume_step)
            case Intent.QUIETER:
                self._change_volume(-self.settings.volume_step)
            case Intent.QUIT:
                self._hold(Mode.ASKING_QUIT)
                self._reply(self.lang.t("quit_question"))
            case Intent.YES:
                self._reply(self.lang.t("nothing_yes"))
            case Intent.NO:
                self._reply(self.lang.t("nothing_no"))
            case _:
                assert_never(cmd.intent)

    def _repeat(self) -> None:
        if self.mode in (Mode.INTRO, Mode.NARRATING) and self.agenda is not None:
            self._interrupt()
            self.agenda.restart()
            self._say_agenda()
            return
        step = self.step
        lines = (N.step_lines(step, self.index + 1, self.total, self.lang) if step is not None
                 else self.agenda.lines if self.agenda is not None else [])
        self._interrupt()
        for line in lines:  # on a counted step the count holds meanwhile
            self._say(line.text, "reply")

    def _change_pace(self, delta: float) -> None:
        new = round(min(self.settings.pace_max, max(self.settings.pace_min, self.pace + delta)), 4)
        if new == self.pace:
            self._reply(self.lang.t("slowest" if delta > 0 else "fastest"))
            return
        if self.timer is not None:
            self.timer.set_pace(self._now, new)
            self.timer.move_mark("cue:one_minute", self.timer.target - 60 / new)
        self.pace = new
        self._emit(PaceChanged(self._now, new))
        word = self.lang.t("slower" if delta > 0 else "faster")
        rest = (self.lang.t("pace_normal") if abs(new - 1.0) < 1e-6
                else self.lang.t("pace_percent", percent=round(new * 100)))
        self._reply(f"{word} {rest}")

    def _pause(self) -> None:
        if self.mode is Mode.PAUSED:
            self._reply(self.lang.t("already_paused"))
            return
        self._hold(Mode.PAUSED)
        self._emit(Paused(self._now))
        self._reply(self.lang.t("paused"))

    def _resume(self) -> None:
        if self.mode is not Mode.PAUSED:
            self._reply(self.lang.t("not_paused"))
            return
        self._set_mode(self._below.pop())
        self._emit(Resumed(self._now))
        self._reply(self.lang.t("resuming"))  # then the narration goes on where it was cut

    def _time_left(self) -> None:
        session = self.lang.estimate(self.session_remaining())
        last = self.index + 1 >= self.total
        if self._base() is Mode.INTRO:
            self._reply(self.lang.t("time_left_intro", session=session))
        elif self.timer is None:
            self._reply(self.lang.t("no_timer_last" if last else "no_timer", session=session))
        else:
            here = self.lang.estimate(self.timer.remaining())
            if last:
                self._reply(self.lang.t("time_left_last", here=here))
            else:
                self._reply(self.lang.t("time_left", here=here, session=session))

    def _where(self) -> None:
        step = self.step
        if step is None:
            self._reply(self.lang.t("where_intro", total=self.total))
            return
        text = N.heading(step, self.index + 1, self.total, self.lang)
        reps = step.repetitions
        if self.timer is not None and reps is not None and self.timer.started:
            done = min(reps.max, int(self.timer.progress // reps.seconds_each) + 1)
            text += " " + self.lang.t("where_rep", n=done, total=reps.max)
        self._reply(text)

    def _change_volume(self, delta: float) -> None:
        new = round(min(1.0, max(0.1, self.volume + delta)), 3)
        if new == self.volume:
            self._reply(self.lang.t("loudest" if delta > 0 else "quietest"))
            return
        self.volume = new
        self._emit(VolumeChanged(self._now, new))
        self._reply(self.lang.t("louder" if delta > 0 else "quieter"))

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
            if self.agenda.rest:
                self._interrupt()
                self._say(self.lang.t("safety_first"), "lead")
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
        self.agenda = Agenda(N.step_lines(step, index + 1, self.total, self.lang))
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
        self._out.append(action)

    def _interrupt(self) -> None:
        """Cut off anything being said; its SpeechFinished will be ignored."""
        if self._inflight:
            self._emit(StopSpeech(self._now))
            self._inflight.clear()
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
        if not self._inflight:
            self._emit(Listen(self._now, False))
        uid = self._next_uid
        self._next_uid += 1
        self._inflight[uid] = (kind, line)
        self._emit(Say(self._now, self.lang.spell(text), uid, self.words_per_minute))
