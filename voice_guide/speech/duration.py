"""How long speech takes: the one formula the speech worker's hang guard, the silent
synthesizer and the simulation all use."""

from __future__ import annotations


def speaking_s(text: str, words_per_minute: int) -> float:
    """Seconds saying ``text`` takes at ``words_per_minute`` (at least one word)."""
    words = max(1, len(text.split()))
    return words * 60.0 / max(1, words_per_minute)
