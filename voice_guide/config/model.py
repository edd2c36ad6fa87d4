"""What the settings file may hold: one flat table of keys, validated with pydantic.

Every key has a default, so an empty or missing file is a valid settings file.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from voice_guide.asr.names import Engine


class UserSettings(BaseModel):
    """The settings file. Command-line options override each key for one run."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    engine: Engine = Field("auto", description="speech recognizer: auto takes Vosk when a "
                           "Vosk model is installed, else pocketsphinx")
    model: str | None = Field(None, min_length=1, max_length=1000,
                              description="Vosk model folder; unset: an installed model")
    input_device: str | None = Field(None, min_length=1, max_length=200,
                                     description="microphone; unset: the system's default")
    output_device: str | None = Field(None, min_length=1, max_length=200,
                                      description="speaker; unset: the system's default")
    voice: str = Field("en-us", min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_+.-]+$",
                       description="speech voice (see 'espeak-ng --voices')")
    words_per_minute: int = Field(150, ge=60, le=400, description="speech rate at normal pace")
    volume: float = Field(0.5, ge=0.1, le=1.0, description="starting volume of speech and tones")
    pace: float = Field(1.0, ge=0.5, le=2.0, description="starting pace as a time factor "
                        "(1.25 = steps take a quarter longer)")
    earcons: bool = Field(True, description="short tones at halfway, one minute left and the "
                          "end of a step")
    auto_advance: bool = Field(True, description="move on by itself when a step's timer ends")
    barge_in: bool = Field(True, description="listen for commands while the guide is talking "
                           "(false: only when it is quiet, as 'voice-guide run --half-duplex')")
    front_end: bool = Field(True, description="clean the microphone before recognition: echo "
                            "cancellation, noise suppression, gain (false: as "
                            "'--no-front-end'; barge-in then also turns off)")
    phrase_file: str | None = Field(None, min_length=1, max_length=1000,
                                    description="YAML phrase file that adds or replaces "
                                    "command phrases")
    reminder_after_s: float = Field(60.0, ge=1, le=3600, description="quiet seconds (paused, "
                                    "asked to quit, or waiting for 'next') before a gentle "
                                    "reminder; later reminders wait twice as long each time")
    inactivity_limit_s: float = Field(1800.0, ge=60, le=86400, description="quiet seconds "
                                      "after which the guide ends the session by itself")
    quit_answer_s: float = Field(20.0, ge=3, le=600, description="seconds to wait for yes or no "
                                 "after 'End the session?' before carrying on")
    language: Literal["en", "ko"] = Field("en", description="language of the guide's own "
                                          "sentences and help")


KEYS: tuple[str, ...] = tuple(UserSettings.model_fields)
