"""Settings, built once at start and never changed afterwards."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class GuideSettings(BaseModel):
    """How the guide behaves. Pace and volume start here and change by voice during a session."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    words_per_minute: int = Field(150, ge=60, le=400, description="Speech rate at normal pace.")
    volume: float = Field(
        0.5, ge=0.1, le=1.0,
        description="Starting speech and cue volume (linear); taken as the nearest step of the "
        "volume ladder, so 0.5 is two steps below the loudest.",
    )
    volume_step_db: float = Field(
        3.0, ge=1.0, le=10.0, description="How many decibels 'louder' and 'quieter' change."
    )
    auto_advance: bool = Field(True, description="Move on by itself when a step's timer ends.")
    reminder_after_s: float = Field(
        60.0, gt=0, le=3600,
        description="Quiet seconds (while paused, asked to quit or waiting for 'next') before "
        "the first gentle reminder.",
    )
    reminder_backoff: float = Field(
        2.0, ge=1.0, le=10.0,
        description="Each further reminder waits this many times longer than the one before.",
    )
    inactivity_limit_s: float = Field(
        1800.0, ge=60, le=86400,
        description="Quiet seconds after which the guide ends the session by itself.",
    )
    quit_answer_s: float = Field(
        20.0, ge=3, le=600,
        description="Seconds to wait for yes or no after 'End the session?' before carrying on.",
    )
    pace: float = Field(1.0, ge=0.5, le=2.0,
                        description="Starting pace as a time factor (1.25: steps take a quarter "
                        "longer and speech is a quarter slower).")
    pace_step: float = Field(0.25, gt=0, le=1.0, description="How much slower/faster changes pace.")
    pace_min: float = Field(0.5, gt=0, description="Fastest pace (time factor).")
    pace_max: float = Field(2.0, gt=0, description="Slowest pace (time factor).")
    halfway_cue_min_s: float = Field(120.0, ge=0, description="Steps this long get a halfway cue.")
    one_minute_cue_min_s: float = Field(
        90.0, ge=0, description="Steps longer than this get a 'one minute left' cue."
    )
    language: Literal["en", "ko"] = Field(
        "en", description="Language of the guide's own sentences and help: en or ko."
    )
