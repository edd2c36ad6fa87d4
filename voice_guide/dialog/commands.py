"""What each command does. Intents are dispatched through one ``match`` that mypy checks
for exhaustiveness (``assert_never``): a new intent without a handler fails type checking."""

from __future__ import annotations

from typing import TYPE_CHECKING, assert_never

from voice_guide.dialog import answers
from voice_guide.dialog import narration as N
from voice_guide.dialog.actions import CommandTaken, PaceChanged, Paused, Resumed, VolumeChanged
from voice_guide.dialog.modes import Mode
from voice_guide.intents import Command, Intent

if TYPE_CHECKING:
    from voice_guide.dialog.guide import Guide


def take(g: Guide, cmd: Command) -> None:
    """Answer a command heard; yes and no first answer a pending question."""
    g._emit(CommandTaken(g._now, cmd.intent, cmd.phrase, cmd.step))
    g._quiet_since = g._now
    g._reminders = 0
    if g.mode is Mode.CLOSING:
        return  # the closing words and the summary go on
    if g.mode is Mode.ASKING_QUIT:
        if cmd.intent is Intent.REPEAT:  # the question again; it still waits for yes or no
            g._reply(g.lang.t("quit_question"))
            return
        if cmd.intent is Intent.YES:
            g._close([g.lang.t("quit_yes")], completed=False)
            return
        g._set_mode(g._below.pop())
        if cmd.intent in (Intent.NO, Intent.QUIT):
            g._reply(g.lang.t("carry_on_paused" if g.paused else "carry_on"))
            return
    _dispatch(g, cmd)


def _dispatch(g: Guide, cmd: Command) -> None:
    intro = g._base() is Mode.INTRO
    match cmd.intent:
        case Intent.NEXT:
            g._move(g._first if intro else g.index + 1)
        case Intent.BACK:
            if intro or g.index <= 0:
                g._reply(g.lang.t("not_started" if intro else "first_step"))
            else:
                g._move(g.index - 1)
        case Intent.GOTO:
            n = cmd.step or 0
            if 1 <= n <= g.total:
                g._move(n - 1)
            else:
                g._reply(g.lang.t("no_such_step", n=n, total=g.total))
        case Intent.RESTART:
            if intro:
                g._reply(g.lang.t("not_started"))
            else:
                g._move(g.index)
        case Intent.REPEAT:
            _repeat(g)
        case Intent.SLOWER:
            _change_pace(g, +g.settings.pace_step)
        case Intent.FASTER:
            _change_pace(g, -g.settings.pace_step)
        case Intent.PAUSE:
            _pause(g)
        case Intent.RESUME:
            _resume(g)
        case Intent.TIME_LEFT:
            g._reply(answers.time_left(
                g.lang, intro=intro, timer=g.timer, last=g.index + 1 >= g.total,
                session_s=g.session_remaining()))
        case Intent.WHERE:
            g._reply(answers.where(g.lang, g.step, g.index + 1, g.total,
                                      g.timer, g.routine.sides_of))
        case Intent.HELP:
            g._reply(N.help_sentence(g.phrases, g.lang))
        case Intent.LOUDER:
            _change_volume(g, louder=True)
        case Intent.QUIETER:
            _change_volume(g, louder=False)
        case Intent.QUIT:
            g._hold(Mode.ASKING_QUIT)
            g._reply(g.lang.t("quit_question"))
        case Intent.YES:
            g._reply(g.lang.t("nothing_yes"))
        case Intent.NO:
            g._reply(g.lang.t("nothing_no"))
        case _:
            assert_never(cmd.intent)


def _repeat(g: Guide) -> None:
    """Say again what the person last heard (a sentence cut off: all of it).

    In a narration (the introduction or a step's sentences) it goes on from that sentence.
    An answer or a cue being said or just said is said again. Otherwise (after the step's
    narration, a count or a reminder, or long after an answer) the whole step is said again,
    its timer running (a count holds meanwhile)."""
    heard = g._talk.last_heard(g._now)
    again = heard is not None and heard.kind in ("reply", "cue") and g._talk.recent(g._now)
    agenda = g.agenda
    if g.mode in (Mode.INTRO, Mode.NARRATING) and agenda is not None:
        g._interrupt()
        if heard is not None and heard.kind == "line" and heard.line < len(agenda.lines) \
                and agenda.lines[heard.line].text == heard.text:
            agenda.done = min(agenda.done, heard.line)
        elif again and heard is not None:
            g._say(heard.text, "reply")
        g._say_agenda()
        return
    if again and heard is not None:
        g._reply(heard.text)
        return
    g._interrupt()
    if heard is not None and heard.kind == "recap" and heard.line < len(g._recap) \
            and g._recap[heard.line] == heard.text:  # cut while saying the step again
        first = heard.line
    else:
        step = g.step
        lines = (N.step_lines(step, g.index + 1, g.total, g.lang, g.routine.sides_of)
                 if step is not None else agenda.lines if agenda is not None else [])
        g._recap = [line.text for line in lines]
        first = 0
    for i in range(first, len(g._recap)):  # on a counted step the count holds meanwhile
        g._say(g._recap[i], "recap", i)


def _change_pace(g: Guide, delta: float) -> None:
    new = round(min(g.settings.pace_max, max(g.settings.pace_min, g.pace + delta)), 4)
    if new == g.pace:
        g._reply(g.lang.t("slowest" if delta > 0 else "fastest"))
        return
    if g.timer is not None:
        g.timer.set_pace(g._now, new)
        g.timer.move_mark("cue:one_minute", g.timer.target - 60 / new)
    g.pace = new
    g._emit(PaceChanged(g._now, new))
    g._reply(answers.pace(g.lang, new, slower=delta > 0))


def _pause(g: Guide) -> None:
    if g.mode is Mode.PAUSED:
        g._reply(g.lang.t("already_paused"))
        return
    g._hold(Mode.PAUSED)
    g._emit(Paused(g._now))
    g._reply(g.lang.t("paused"))


def _resume(g: Guide) -> None:
    if g.mode is not Mode.PAUSED:
        g._reply(g.lang.t("not_paused"))
        return
    g._set_mode(g._below.pop())
    g._emit(Resumed(g._now))
    g._reply(g.lang.t("resuming"))  # then the narration goes on where it was cut


def _change_volume(g: Guide, *, louder: bool) -> None:
    """One step along the volume ladder (index 0 is the loudest); at either end, say so."""
    new = min(len(g.volume_levels) - 1, max(0, g.volume_step + (-1 if louder else 1)))
    if new == g.volume_step:
        g._reply(g.lang.t("loudest" if louder else "quietest"))
        return
    g.volume_step = new
    g.volume = g.volume_levels[new]
    g._emit(VolumeChanged(g._now, g.volume))
    g._reply(g.lang.t("louder" if louder else "quieter"))
