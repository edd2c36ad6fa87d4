"""``Microphone.timed_blocks()`` on a private PulseAudio server: every block comes with
the monotonic instant its first sample was captured. Checked: the instants are never in
the future, never go backwards, and follow the sample count (no timing assertion on how
late they arrive)."""

from __future__ import annotations

import time

from voice_guide.audio.mic import Microphone
from voice_guide.ports import SAMPLE_RATE
from voice_guide.testing.pulse import private_pulse

BLOCKS = 40


def test_timed_blocks_are_stamped_in_the_past_and_in_order() -> None:
    with private_pulse():
        opened = time.monotonic()
        mic = Microphone()
        try:
            stamps: list[tuple[float, int, float]] = []
            for block, at in mic.timed_blocks():
                stamps.append((at, len(block) // 2, time.monotonic()))
                if len(stamps) == BLOCKS:
                    break
        finally:
            mic.close()
    for at, n, taken in stamps:
        assert n > 0
        assert at <= taken  # captured before it was handed over
        assert at > opened - 5.0  # and not from some other clock
    for (a, n, _), (b, _, _) in zip(stamps, stamps[1:], strict=False):
        assert b > a  # in order
        # The next block starts where this one ends, give or take the re-anchoring.
        assert abs((b - a) - n / SAMPLE_RATE) < 0.5
