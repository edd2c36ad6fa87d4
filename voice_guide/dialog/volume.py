"""The volume ladder: "louder" and "quieter" move one even step in decibels.

A step of 3 dB is clearly heard (about the smallest change most people call "louder" in a
room, and a doubling of power). The ladder runs from full scale (1.0) down past the lowest
volume the settings accept (0.1, -20 dB). ``VolumeChanged.level`` stays a linear amplitude
factor for the player.
"""

from __future__ import annotations

import math

FLOOR_DB = -20.0  # the settings' lowest volume, 0.1


def ladder(step_db: float) -> tuple[float, ...]:
    """Linear levels from loudest (1.0) down, ``step_db`` apart, to just below -20 dB."""
    count = math.ceil(-FLOOR_DB / step_db - 1e-9)
    return tuple(round(10 ** (-k * step_db / 20), 3) for k in range(count + 1))


def nearest(levels: tuple[float, ...], volume: float) -> int:
    """The index of the step closest to ``volume`` in decibels (ties: the louder one)."""
    db = 20 * math.log10(max(volume, 1e-6))
    return min(range(len(levels)), key=lambda i: (abs(20 * math.log10(levels[i]) - db), i))
