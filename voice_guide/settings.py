"""Settings, built once at start and never changed afterwards."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class GuideSettings(BaseModel):
    """How the guide behaves. Pace and volume start here and change by voice during a session."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    words_per_minute: int = Field(150, ge=60, le=400, description="Speech rate at normal pace.")
    volume: float = Field(0.8, ge=0.1, le=1.0, description="Starting speech and cue volume.")
    volume_step: float = Field(0.1, gt=0, le=0.5)
    auto_advance: bool = Field(True, description="Move on by itself when a step's timer ends.")
    reminder_after_s: float = Field(60.0, gt=0, description="Quiet seconds before a reminder.")
    pace_step: float = Field(0.25, gt=0, le=1.0, description="How much slower/faster changes pace.")
    pace_min: float = Field(0.5, gt=0, description="Fastest pace (time factor).")
    pace_max: float = Field(2.0, gt=0, description="Slowest pace (time factor).")
    halfway_cue_min_s: float = Field(120.0, ge=0, description="Steps this long get a halfway cue.")
    one_minute_cue_min_s: float = Field(
        90.0, ge=0, description="Steps longer than this get a 'one minute left' cue."
    )
