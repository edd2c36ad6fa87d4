"""Carries out the guide's actions with real speech, cue sounds and the microphone gate,
and writes the running transcript (each line from :func:`voice_guide.timeline.text`).
Every method returns at once.

A command the guide takes (``CommandTaken``) gets the short ``ack`` cue at once, before
the answer is even synthesized, so the person knows they were heard. It is played here,
when the core has accepted the command, not when the recognizer hears it: the core may
still ignore words (a "yes" with no question asked), and the conductor hands the action
over within milliseconds of the recognizer's event. ``StopSpeech`` goes straight to the
speech worker, which cuts the sound at the player's next callback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from voice_guide import timeline
from voice_guide.dialog.actions import (
    Action,
    CommandTaken,
    Cue,
    Listen,
    Say,
    StopSpeech,
    VolumeChanged,
)
from voice_guide.ports import AudioOut

ACK_CUE = "ack"  # the acknowledgment tick (voice_guide.audio.cues)


class Speech(Protocol):
    def say(self, action: Say) -> None: ...
    def stop_speech(self) -> None: ...
    def set_volume(self, level: float) -> None: ...


class Gate(Protocol):
    def set_listening(self, on: bool) -> None: ...


class VoicePerformer:
    """The :class:`voice_guide.shell.conductor.Performer` of a live voice session."""

    def __init__(
        self,
        speech: Speech,
        cues: AudioOut,
        gate: Gate,
        *,
        volume: float,
        echo: Callable[[str], None] = print,
        echo_speech: bool = True,
        earcons: bool = True,
        ack: bool = True,
    ) -> None:
        """``echo_speech=False`` when the speech worker prints each sentence as it starts
        (then the transcript follows the voice instead of running ahead of it); ``earcons=False``
        keeps the cue tones quiet (the cues still show in the transcript), the ``ack`` tick
        too; ``ack=False`` keeps only the tick quiet."""
        self._speech = speech
        self._cues = cues
        self._gate = gate
        self._volume = volume
        self._echo = echo
        self._echo_speech = echo_speech
        self._earcons = earcons
        self._ack = ack
        self.actions: list[Action] = []

    def perform(self, action: Action) -> None:
        self.actions.append(action)
        if isinstance(action, Say):
            self._speech.say(action)
        elif isinstance(action, CommandTaken):
            if self._earcons and self._ack:
                self._cues.play_cue(ACK_CUE, self._volume)
        elif isinstance(action, StopSpeech):
            self._speech.stop_speech()
        elif isinstance(action, Listen):
            self._gate.set_listening(action.on)
        elif isinstance(action, Cue):
            if self._earcons:
                self._cues.play_cue(action.kind, self._volume)
        elif isinstance(action, VolumeChanged):
            self._volume = action.level
            self._speech.set_volume(action.level)
        if self._echo_speech or not isinstance(action, Say):
            line = timeline.text(action)
            if line is not None:
                self._echo(line)

    def close(self) -> None:
        """Nothing to release here; run_voice closes the workers it made."""
