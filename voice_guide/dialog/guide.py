"""The dialog manager: a pure state machine. Events in, actions out.

It never sleeps, reads a clock or touches audio: every event carries its time,
and :meth:`Guide.next_wakeup` tells the shell when the next timer mark falls
due, so a test can drive hours of routine in milliseconds.
"""

from __future__ import annotations

from enum import Enum

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
from voice_guide.dialog.events import CommandHeard, Event, SpeechFinished, Start, Tick
from voice_guide.dialog.timer import Mark, StepTimer
from voice_guide.intents import Command, Intent
from voice_guide.routine.model import FlatRoutine, RunStep
from voice_guide.settings import GuideSettings


class Phase(Enum):
    NOT_STARTED = "not_started"
    INTRO = "intro"
    STEP = "step"
    CLOSING = "closing"
    FINISHED = "finished"


def _marks_for(step: RunStep, settings: GuideSettings) -> list[Mark]:
    marks: list[Mark] = []
    if step.repetitions is not None:
        reps = step.repetitions
        marks += [Mark((n - 1) * reps.seconds_each, f"count:{n}") for n in range(1, reps.max + 1)]
    elif step.duration is not None:
        d = step.duration
        if d.max_s >= settings.halfway_cue_min_s:
            marks.append(Mark(d.max_s / 2, "cue:halfway"))
        one_minute = d.max_s > settings.one_minute_cue_min_s
        if one_minute:
            marks.append(Mark(d.max_s - 60, "cue:one_minute"))
        worth_saying = d.max_s - d.min_s >= 30
        if worth_saying and not (one_minute and abs(d.min_s - (d.max_s - 60)) < 5):
            marks.append(Mark(d.min_s, "cue:min_reached"))
    target = step.nominal_seconds
    if target is not None:
        marks.append(Mark(target, "end"))
    return sorted(marks, key=lambda m: (m.at, m.kind == "end"))


class Guide:
    """Walks a :class:`FlatRoutine`, one step at a time."""

    def __init__(self, routine: FlatRoutine, settings: GuideSettings | None = None, *,
                 start_at: int = 0, resumed: bool = False) -> None:
        """``start_at`` is the 0-based step to begin with after the introduction (for
        ``--from-step`` and ``--resume``); ``resumed`` says so aloud ("Welcome back...")."""
        if not 0 <= start_at < max(1, len(routine.steps)):
            raise ValueError(f"start_at {start_at} is outside the routine's steps")
        self.routine = routine
        self.start_at = start_at
        self.resumed = resumed
        self.settings = settings or GuideSettings()
        self.phase = Phase.NOT_STARTED
        self.index = -1  # current step, 0-based; -1 during the introduction
        self.pace = 1.0
        self.volume = self.settings.volume
        self.paused = False
        self.confirming_quit = False
        self.completed: bool | None = None
        self.timer: StepTimer | None = None
        self._now = 0.0
        self._next_uid = 1
        self._speaking: set[int] = set()  # utterances said and not yet finished
        self._narration: set[int] = set()  # the current step's narration, still being spoken
        self._quiet_since = 0.0  # for reminders on untimed steps
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
        return self.phase is Phase.FINISHED

    @property
    def words_per_minute(self) -> int:
        return max(60, min(400, round(self.settings.words_per_minute / self.pace)))

    def next_wakeup(self) -> float | None:
        """The time the guide next needs a :class:`Tick`, or None if only events can move it."""
        if self.phase is not Phase.STEP or self.paused or self.confirming_quit:
            return None
        if self.timer is not None:
            return self.timer.next_due_time()
        if not self._speaking:
            return self._quiet_since + self.settings.reminder_after_s
        return None

    def session_remaining(self) -> float:
        """Real seconds of timing left in the session at the current pace (narration not counted)."""
        here = self.timer.remaining() if self.timer is not None else 0.0
        later = sum(s.nominal_seconds or 0.0 for s in self.routine.steps[self.index + 1 :])
        return here + later * self.pace

    # ------------------------------------------------------------------ events
    def handle(self, event: Event) -> list[Action]:
        self._now = max(self._now, event.t)
        self._out = []
        if self.phase is Phase.FINISHED:
            return []
        if isinstance(event, Start):
            self._start()
        elif isinstance(event, Tick):
            self._tick()
        elif isinstance(event, SpeechFinished):
            self._speech_finished(event.utterance_id)
        elif isinstance(event, CommandHeard):
            self._command(event.command)
        out, self._out = self._out, []
        return out

    def _start(self) -> None:
        if self.phase is not Phase.NOT_STARTED:
            return
        self.phase = Phase.INTRO
        self._say(*self._intro(), narration=True)

    def _tick(self) -> None:
        if self.phase is not Phase.STEP or self.paused or self.confirming_quit:
            return
        if self.timer is None:
            if not self._speaking and self._now >= self._quiet_since + self.settings.reminder_after_s:
                self._emit(Cue(self._now, "reminder"))
                self._say("Take your time. Say next when you are ready.")
            return
        self.timer.advance(self._now)
        for mark in self.timer.due():
            if self._fire(mark):
                return

    def _fire(self, mark: Mark) -> bool:
        """Act on a timer mark; True when the step ended."""
        kind, _, arg = mark.kind.partition(":")
        if kind == "count":
            self._say(N.count_word(int(arg)))
        elif kind == "cue":
            self._emit(Cue(self._now, arg))
            left = self.timer.remaining() if self.timer else 0.0
            text = {
                "halfway": f"Halfway there. About {N.spoken_estimate(left)} to go.",
                "min_reached": "That is the shortest time for this step. Carry on, or say next.",
                "one_minute": "One minute left.",
            }.get(arg)
            if text:
                self._say(text)
        elif kind == "end":
            self._emit(Cue(self._now, "step_end"))
            self._step_done()
            return True
        return False

    def _step_done(self) -> None:
        if self.settings.auto_advance:
            self._enter(self.index + 1, lead_in="Good.")
        else:
            self.timer = None
            self._quiet_since = self._now
            self._say("Time is up for this step. Say next when you are ready.")

    def _speech_finished(self, uid: int) -> None:
        if uid not in self._speaking:
            return  # cut off earlier, or unknown: nothing waits for it
        self._speaking.discard(uid)
        self._narration.discard(uid)
        if self._speaking:
            return
        self._quiet_since = self._now
        if self.phase is Phase.CLOSING:
            self._finish()
            return
        self._emit(Listen(self._now, True))
        if self.phase is Phase.INTRO:
            if not self.paused and not self.confirming_quit:
                self._enter(self.start_at)
        elif (self.phase is Phase.STEP and self.timer is not None and not self._narration
              and not self.paused and not self.confirming_quit):
            self.timer.run(self._now)
            self._tick()

    # ---------------------------------------------------------------- commands
    def _command(self, cmd: Command) -> None:
        self._emit(CommandTaken(self._now, cmd.intent, cmd.phrase, cmd.step))
        self._quiet_since = self._now
        if self.phase is Phase.CLOSING:
            self._say("We are just finishing.")
            return
        if self.confirming_quit and self._answer_quit(cmd):
            return
        handler = getattr(self, f"_on_{cmd.intent.value}")
        handler(cmd)

    def _answer_quit(self, cmd: Command) -> bool:
        """Handle yes/no while asking to end; True when the command was consumed."""
        if cmd.intent is Intent.YES:
            self.confirming_quit = False
            self._close(["Ending the session now. Thank you."], completed=False)
            return True
        self.confirming_quit = False
        if cmd.intent in (Intent.NO, Intent.QUIT):
            self._interrupt()
            self._say("Okay, we will carry on.")
            self._hold_or_run()
            return True
        self._hold_or_run()
        return False

    def _on_next(self, cmd: Command) -> None:
        self._enter(self.index + 1)

    def _on_back(self, cmd: Command) -> None:
        if self.index <= 0:
            self._reply("This is the first step.")
        else:
            self._enter(self.index - 1)

    def _on_goto(self, cmd: Command) -> None:
        n = cmd.step or 0
        if not 1 <= n <= self.total:
            self._reply(f"There is no step {n}. This routine has steps 1 to {self.total}.")
        else:
            self._enter(n - 1)

    def _on_restart(self, cmd: Command) -> None:
        if self.phase is Phase.INTRO:
            self._reply("We have not started the first step yet.")
        else:
            self._enter(self.index)

    def _on_repeat(self, cmd: Command) -> None:
        self._interrupt()
        if self.phase is Phase.INTRO:
            self._say(*self._intro(), narration=True)
            return
        step = self.step
        assert step is not None
        narration = self.timer is None or not self.timer.started
        self._say(*N.step_sentences(step, self.index + 1, self.total), narration=narration)

    def _on_slower(self, cmd: Command) -> None:
        self._change_pace(+self.settings.pace_step)

    def _on_faster(self, cmd: Command) -> None:
        self._change_pace(-self.settings.pace_step)

    def _change_pace(self, delta: float) -> None:
        new = round(min(self.settings.pace_max, max(self.settings.pace_min, self.pace + delta)), 4)
        if new == self.pace:
            edge = "slowest" if delta > 0 else "fastest"
            self._reply(f"This is already the {edge} pace.")
            return
        if self.timer is not None:
            self.timer.set_pace(self._now, new)
            self.timer.move_mark("cue:one_minute", self.timer.target - 60 / new)
        self.pace = new
        self._emit(PaceChanged(self._now, new))
        self._reply(N.pace_sentence(new, slower=delta > 0))

    def _on_pause(self, cmd: Command) -> None:
        if self.paused:
            self._reply("We are already paused. Say resume to go on.")
            return
        self.paused = True
        if self.timer is not None:
            self.timer.hold(self._now)
        self._emit(Paused(self._now))
        self._reply("Paused. Say resume when you are ready.")

    def _on_resume(self, cmd: Command) -> None:
        if not self.paused:
            self._reply("We are not paused.")
            return
        self.paused = False
        self._emit(Resumed(self._now))
        step = self.step
        if self.phase is Phase.STEP and step is not None and self._narration_was_cut():
            self._interrupt()
            self._say("Resuming.", *N.step_sentences(step, self.index + 1, self.total)[1:],
                      narration=True)
            return
        self._reply("Resuming.")
        self._hold_or_run()

    def _on_time_left(self, cmd: Command) -> None:
        session = N.spoken_estimate(self.session_remaining())
        last = self.index + 1 >= self.total
        if self.timer is None:
            rest = "This is the last step." if last else f"About {session} left in the session."
            self._reply(f"This step has no timer. {rest}")
        else:
            here = N.spoken_estimate(self.timer.remaining())
            rest = "This is the last step." if last else f"and {session} in the session."
            sep = ". " if last else ", "
            self._reply(f"About {here} left in this step{sep}{rest}")

    def _on_where(self, cmd: Command) -> None:
        step = self.step
        if step is None:
            self._reply(f"We are at the introduction. The routine has {self.total} steps.")
            return
        text = N.step_heading(step, self.index + 1, self.total)
        if self.timer is not None and step.repetitions is not None and self.timer.started:
            done = min(step.repetitions.max, int(self.timer.progress // step.repetitions.seconds_each) + 1)
            text += f" Repetition {done} of {step.repetitions.max}."
        self._reply(text)

    def _on_help(self, cmd: Command) -> None:
        self._reply(N.HELP_TEXT)

    def _on_louder(self, cmd: Command) -> None:
        self._change_volume(+self.settings.volume_step)

    def _on_quieter(self, cmd: Command) -> None:
        self._change_volume(-self.settings.volume_step)

    def _change_volume(self, delta: float) -> None:
        new = round(min(1.0, max(0.1, self.volume + delta)), 3)
        if new == self.volume:
            self._reply("That is as loud as I go." if delta > 0 else "That is as quiet as I go.")
            return
        self.volume = new
        self._emit(VolumeChanged(self._now, new))
        self._reply("Louder." if delta > 0 else "Quieter.")

    def _on_quit(self, cmd: Command) -> None:
        self.confirming_quit = True
        if self.timer is not None:
            self.timer.hold(self._now)
        self._reply("End the session? Say yes or no.")

    def _on_yes(self, cmd: Command) -> None:
        self._reply("There is nothing to answer yes to right now.")

    def _on_no(self, cmd: Command) -> None:
        self._reply("There is nothing to answer no to right now.")

    # --------------------------------------------------------------- movement
    def _enter(self, index: int, lead_in: str | None = None) -> None:
        """Start step ``index`` (or close the routine past the last step)."""
        self._interrupt()
        self.paused = False  # moving on implies going on
        if index >= self.total:
            self._close(list(self.routine.closing), completed=True)
            return
        self.phase = Phase.STEP
        self.index = index
        step = self.routine.steps[index]
        target = step.nominal_seconds
        self.timer = None
        if target:
            self.timer = StepTimer(target, _marks_for(step, self.settings), pace=self.pace)
            self.timer.move_mark("cue:one_minute", target - 60 / self.pace)
        self._emit(StepStarted(self._now, index + 1, self.total, step.id, step.title,
                               step.side.value if step.side else None))
        sentences = N.step_sentences(step, index + 1, self.total)
        self._say(*([lead_in] if lead_in else []), *sentences, narration=True)

    def _close(self, sentences: list[str], completed: bool) -> None:
        self._interrupt()
        if self.timer is not None:
            self.timer.hold(self._now)
        self.phase = Phase.CLOSING
        self.completed = completed
        self._say(*sentences)

    def _finish(self) -> None:
        self.phase = Phase.FINISHED
        self._emit(Listen(self._now, False))
        self._emit(Finished(self._now, bool(self.completed)))

    def _hold_or_run(self) -> None:
        if self.timer is None or self.paused or self.confirming_quit:
            return
        if self.timer.started or not self._narration:
            self.timer.run(self._now)

    def _narration_was_cut(self) -> bool:
        return self.timer is not None and not self.timer.started and not self._narration

    def _intro(self) -> list[str]:
        if self.start_at == 0 and not self.resumed:
            return N.intro_sentences(self.routine)
        step = self.routine.steps[self.start_at]
        return N.late_start_sentences(self.routine, step, self.start_at + 1, self.total,
                                      resumed=self.resumed)

    # ----------------------------------------------------------------- output
    def _emit(self, action: Action) -> None:
        self._out.append(action)

    def _interrupt(self) -> None:
        """Cut off anything being said; its SpeechFinished will be ignored."""
        if self._speaking:
            self._emit(StopSpeech(self._now))
            self._speaking.clear()
        self._narration.clear()

    def _reply(self, text: str) -> None:
        """A short spoken answer to a command; it cuts off other talk but keeps timers as they are."""
        cut_narration = bool(self._narration)
        self._interrupt()
        self._say(text)
        if cut_narration and self.timer is not None and not self.timer.started:
            # The answer cut the step's narration short: the timer starts once the answer ends.
            self._narration = set(self._speaking)

    def _say(self, *sentences: str, narration: bool = False) -> None:
        if not self._speaking:
            self._emit(Listen(self._now, False))
        for text in sentences:
            uid = self._next_uid
            self._next_uid += 1
            self._speaking.add(uid)
            if narration:
                self._narration.add(uid)
            self._emit(Say(self._now, text, uid, self.words_per_minute))

