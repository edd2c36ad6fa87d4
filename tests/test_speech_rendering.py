"""Rendering checks: espeak-ng's silences trimmed, headroom, and telling a lost or cut
rendering from a whole one (real espeak-ng audio)."""

from __future__ import annotations

import numpy as np

from voice_guide.speech.espeak_tts import render_with_cli
from voice_guide.speech.rendering import (
    HEADROOM_PEAK,
    KEEP_S,
    SILENT_PEAK,
    Rendered,
    finish,
    incomplete,
    trim,
)


def test_trim_keeps_only_a_little_silence_at_both_ends() -> None:
    rate = 22_050
    sound = np.concatenate([np.zeros(rate // 2), 0.5 * np.ones(rate // 10),
                            np.zeros(rate)]).astype(np.float32)
    cut = trim(sound, rate)
    keep = int(KEEP_S * rate)
    assert cut.size == rate // 10 + 2 * keep
    assert trim(np.zeros(1000, dtype=np.float32), rate).size == 0


def test_espeak_rendering_is_trimmed_and_has_headroom() -> None:
    rendered = render_with_cli("Glide up along the spine.", 160, "en-us")
    assert rendered is not None and incomplete(rendered, rendered.text, 160) is None
    edge = int((KEEP_S + 0.005) * rendered.rate)
    loud = np.flatnonzero(np.abs(rendered.samples) > SILENT_PEAK)
    assert loud[0] <= edge and rendered.samples.size - 1 - loud[-1] <= edge
    assert float(np.max(np.abs(rendered.samples))) <= HEADROOM_PEAK + 1e-6
    louder = finish("x", 160, rendered.samples * 3, rendered.rate)  # would clip: scaled
    assert float(np.max(np.abs(louder.samples))) <= HEADROOM_PEAK + 1e-6


def test_lost_and_cut_renderings_are_told_from_whole_ones() -> None:
    text = "Move your hands in slow circles along the spine."
    whole = render_with_cli(text, 160, "en-us")
    assert whole is not None
    assert incomplete(whole, text, 160) is None
    assert incomplete(None, text, 160) == "no audio was made"
    empty = Rendered(text, 160, whole.samples[:0], whole.rate)
    assert incomplete(empty, text, 160) == "the audio was silent"
    cut = Rendered(text, 160, whole.samples[: whole.samples.size // 5], whole.rate)
    assert incomplete(cut, text, 160) is not None
    # A one-word sentence at a fast rate is short and still whole.
    fast = render_with_cli("two", 420, "en-us")
    assert fast is not None and incomplete(fast, "two", 420) is None
