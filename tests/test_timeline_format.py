"""One formatting home per action: the JSON record, the timeline line and the voice
transcript all come from ``timeline.show``."""

from __future__ import annotations

from voice_guide import timeline
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
from voice_guide.intents import Intent
from voice_guide.shell.voice_performer import VoicePerformer

EVERY_ACTION: list[tuple[Action, dict[str, object], str | None]] = [
    (StepStarted(65.0, 5, 17, "runs-left", "Fingertip runs", "left"),
     {"t": 65.0, "type": "step_started", "step": 5, "total": 17, "id": "runs-left",
      "title": "Fingertip runs", "side": "left"},
     "01:05  == step 5/17: Fingertip runs (left side)"),
    (Say(1.2345, "Rest your hands.", 3, 150),
     {"t": 1.234, "type": "say", "text": "Rest your hands.", "wpm": 150}, "00:01  guide: Rest your hands."),
    (Cue(2.0, "one_minute"), {"t": 2.0, "type": "cue", "kind": "one_minute"},
     "00:02  (cue: one minute)"),
    (CommandTaken(3.0, Intent.GOTO, "go to step 3", 3),
     {"t": 3.0, "type": "command", "intent": "goto", "phrase": "go to step 3", "step": 3},
     "00:03  you: \"go to step 3\" -> goto"),
    (CommandTaken(3.0, Intent.NEXT, "next"),
     {"t": 3.0, "type": "command", "intent": "next", "phrase": "next"},
     "00:03  you: \"next\" -> next"),
    (Paused(4.0), {"t": 4.0, "type": "paused"}, "00:04  [paused]"),
    (Resumed(5.0), {"t": 5.0, "type": "resumed"}, "00:05  [resumed]"),
    (PaceChanged(6.0, 1.25), {"t": 6.0, "type": "pace", "factor": 1.25}, "00:06  [pace x1.25]"),
    (VolumeChanged(7.0, 0.9), {"t": 7.0, "type": "volume", "level": 0.9}, "00:07  [volume 90%]"),
    (Finished(3700.0, True), {"t": 3700.0, "type": "finished", "completed": True},
     "1:01:40  == session completed"),
    (Finished(8.0, False), {"t": 8.0, "type": "finished", "completed": False},
     "00:08  == session ended early"),
    (Listen(9.0, True), {"t": 9.0, "type": "listen", "on": True}, None),
    (StopSpeech(10.0), {"t": 10.0, "type": "stop_speech"}, None),
]


def test_record_and_line_of_every_action() -> None:
    for action, rec, line in EVERY_ACTION:
        assert timeline.record(action) == rec
        assert list(timeline.record(action))[:2] == ["t", "type"]
        assert timeline.line(action) == line


def test_line_makes_routine_text_safe_for_a_terminal_but_the_record_keeps_it() -> None:
    step = StepStarted(0.0, 1, 2, "x", "Warm\x1b]0;owned\x07 up", None)
    assert timeline.line(step) == "00:00  == step 1/2: Warm up"
    assert timeline.record(step)["title"] == "Warm\x1b]0;owned\x07 up"


class _Nothing:
    def say(self, action: Say) -> None: ...
    def stop_speech(self) -> None: ...
    def set_volume(self, level: float) -> None: ...
    def set_listening(self, on: bool) -> None: ...
    def play_cue(self, kind: str, volume: float) -> None: ...


def test_voice_transcript_uses_the_same_lines_without_time() -> None:
    lines: list[str] = []
    quiet = _Nothing()
    performer = VoicePerformer(quiet, quiet, quiet, volume=0.8, echo=lines.append)
    for action, _, _ in EVERY_ACTION:
        performer.perform(action)
    assert lines == [line.split("  ", 1)[1] for _, _, line in EVERY_ACTION if line]
    silent: list[str] = []
    performer = VoicePerformer(quiet, quiet, quiet, volume=0.8, echo=silent.append,
                               echo_speech=False)
    performer.perform(Say(0.0, "Hello.", 1, 150))
    performer.perform(Paused(1.0))
    assert silent == ["[paused]"]
