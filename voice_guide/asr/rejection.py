"""Deciding whether a decoded utterance is a command, or something to ignore.

Grammar decoders map any speech onto the grammar, so a hit alone proves little.
A command is accepted only when all of these hold:

1. the whole utterance is one command phrase (``PhraseTable.parse``): no ``[unk]``,
   no filler words, no second phrase; a sentence that merely contains a command
   word fails here, since the utterance is cut at pauses, not at phrases;
2. every word's confidence is at least ``min_word_conf`` (Vosk);
3. the engine's acoustic evidence (``Decoded.score``; pocketsphinx: grammar against
   free phone loop, per frame) is at least ``min_score``;
4. the speech lasted a plausible time for the phrase's syllables (a three-second
   sentence squeezed onto "next" is rejected).
"""

from __future__ import annotations

from dataclasses import dataclass

from voice_guide.asr.decoded import Decoded
from voice_guide.asr.grammar import syllables
from voice_guide.intents import Command, PhraseTable


@dataclass(frozen=True)
class RejectionRules:
    min_word_conf: float = 0.55
    min_score: float | None = None
    seconds_per_syllable: float = 0.2
    min_stretch: float = 0.3  # speech time / expected time
    max_stretch: float = 1.6
    slack: float = 0.35  # seconds added to the expected time (onsets, trailing consonants)
    naive: bool = False  # accept any grammar hit (the benchmark's baseline)


@dataclass(frozen=True)
class Verdict:
    command: Command | None
    reason: str  # why it was rejected, or "accepted"
    confidence: float


def judge(table: PhraseTable, decoded: Decoded, speech_seconds: float,
          rules: RejectionRules) -> Verdict:
    """Accept or reject one utterance; ``speech_seconds`` is its voiced length."""
    words = [w for w in decoded.words if w.text != "[unk]"] if rules.naive else list(decoded.words)
    text = " ".join(w.text for w in words)
    command = table.parse(text)
    confidence = min((w.conf for w in words), default=0.0)
    if command is None:
        return Verdict(None, f"not a whole phrase: {text!r}", confidence)
    if rules.naive:
        return Verdict(command, "accepted", confidence)
    if confidence < rules.min_word_conf:
        return Verdict(None, f"word confidence {confidence:.2f} too low", confidence)
    if rules.min_score is not None and decoded.score is not None:
        if decoded.score < rules.min_score:
            return Verdict(None, f"acoustic score {decoded.score:.2f} too low", confidence)
        confidence = min(confidence, score_confidence(decoded.score, rules.min_score))
    expected = syllables(command.phrase) * rules.seconds_per_syllable
    stretch = speech_seconds / (expected + rules.slack)
    if not rules.min_stretch <= stretch <= rules.max_stretch:
        return Verdict(None, f"{speech_seconds:.2f} s of speech is implausible for "
                             f"{command.phrase!r}", confidence)
    return Verdict(command, "accepted", confidence)


def score_confidence(score: float, threshold: float) -> float:
    """Map an engine score onto 0..1, 0.5 at the threshold."""
    margin = score - threshold
    return max(0.0, min(1.0, 0.5 + margin / 4.0))
