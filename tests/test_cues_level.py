"""Cue tones sit clearly below the guide's speech at the same volume setting, and the
acknowledgment tick is short. Speech is rendered for real by espeak-ng."""

from __future__ import annotations

import numpy as np

from voice_guide.audio.cues import ACK, CUE_RATE, PATTERNS, cue_samples, sounding_rms_db
from voice_guide.speech.espeak_tts import render_with_cli

SENTENCES = (
    "Warm the oil between your palms.",
    "Say next to move on.",
    "One minute left.",
    "Move your hands in slow circles along the spine, from the lower back to the shoulders.",
)


def test_every_cue_is_at_least_six_db_below_speech() -> None:
    speech = []
    for text in SENTENCES:
        rendered = render_with_cli(text, 160, "en-us")
        assert rendered is not None
        speech.append(sounding_rms_db(rendered.samples, rendered.rate))
    quietest_speech = min(speech)
    for kind in (*PATTERNS, "unknown kind"):
        cue = cue_samples(kind)
        level = sounding_rms_db(cue, CUE_RATE) if cue.size > 0.1 * CUE_RATE else float(
            10 * np.log10(np.mean(cue.astype(np.float64) ** 2)))
        assert level <= quietest_speech - 6.0, (kind, level, speech)
        assert float(np.max(np.abs(cue))) < 0.5, kind


def test_the_ack_tick_is_short_and_soft_at_both_ends() -> None:
    tick = cue_samples(ACK)
    assert tick.size / CUE_RATE <= 0.08
    assert abs(float(tick[0])) < 0.01 and abs(float(tick[-1])) < 0.01  # no click
    assert float(np.max(np.abs(tick))) > 0.02  # but audible
